package files

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"os"
)

// ErrFields is a multipart form whose fields, headers and boundaries (all but its files'
// contents) come to more than allowed; ErrUnreadable a form that is not one, or broke off.
var (
	ErrFields     = errors.New("files: form fields too large")
	ErrUnreadable = errors.New("files: form unreadable")
)

// Spooled is a multipart body received whole: in memory when small, in a temporary file
// otherwise. Remove frees it.
type Spooled struct {
	io.Reader
	Size int64
	file *os.File
	data []byte
}

// InMemory is the body when it is held in memory.
func (s Spooled) InMemory() ([]byte, bool) {
	if s.file != nil {
		return nil, false
	}
	return s.data, true
}

// Remove closes and removes the temporary file, if the body needed one.
func (s Spooled) Remove() {
	if s.file != nil {
		s.file.Close()
		os.Remove(s.file.Name())
	}
}

// Spool copies a multipart/form-data body from r, held in memory up to inMemory bytes and in a
// temporary file beyond (creating, writing and removing a file cost an application with a
// 200 KB CV more than storing it). Go's multipart reader, which later reads the form from it,
// keeps each field and each part's header in memory, up to 10 MB a request; here everything but
// the files' contents is counted as it streams by, and a form with more than maxFields of it is
// refused (ErrFields) before much of it is held. size is the length the sender declared, which
// sizes the buffer. A body of at most inMemory and maxFields bytes is read whole and left to the
// handlers to parse (readWhole). The caller calls Remove.
func Spool(r io.Reader, boundary string, size, maxFields, inMemory int64) (Spooled, error) {
	if size > 0 && size <= min(inMemory, maxFields) {
		return readWhole(r, size)
	}
	w := &spillWriter{max: inMemory, buf: make([]byte, 0, max(0, min(size, inMemory)))}
	n, err := spool(w, r, boundary, maxFields)
	if err == nil && w.file != nil {
		_, err = w.file.Seek(0, io.SeekStart)
	}
	s := Spooled{Size: n, file: w.file}
	if err != nil {
		s.Remove()
		return Spooled{}, err
	}
	s.Reader, s.data = bytes.NewReader(w.buf), w.buf
	if w.file != nil {
		s.Reader = w.file
	}
	return s, nil
}

// readWhole reads a body of size bytes into memory as it is. Its fields cannot come to more than
// the limit, so it is not parsed here: the handlers parse it once, and a form that is none is
// refused there (the CSRF check finds no token in it and says the form could not be read).
// Parsing it twice had cost a tenth of an application with a 200 KB CV.
func readWhole(r io.Reader, size int64) (Spooled, error) {
	data := make([]byte, size)
	if _, err := io.ReadFull(r, data); err != nil {
		return Spooled{}, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	return Spooled{Reader: bytes.NewReader(data), Size: size, data: data}, nil
}

// spillWriter holds what is written in memory up to max bytes, then moves it to a temporary
// file and writes the rest there.
type spillWriter struct {
	max  int64
	buf  []byte
	file *os.File
}

func (w *spillWriter) Write(p []byte) (int, error) {
	if w.file == nil && int64(len(w.buf)+len(p)) <= w.max {
		w.buf = append(w.buf, p...)
		return len(p), nil
	}
	if w.file == nil {
		f, err := os.CreateTemp("", "registrar-form-*")
		if err != nil {
			return 0, err
		}
		w.file = f
		if _, err := f.Write(w.buf); err != nil {
			return 0, err
		}
		w.buf = nil
	}
	return w.file.Write(p)
}

func spool(w io.Writer, r io.Reader, boundary string, maxFields int64) (int64, error) {
	src := &fieldCounter{r: io.TeeReader(r, w), max: maxFields}
	mr := multipart.NewReader(src, boundary)
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, src.fail(err)
		}
		src.inFile = p.FileName() != ""
		_, err = io.Copy(io.Discard, p)
		src.inFile = false
		if err != nil {
			return 0, src.fail(err)
		}
	}
	// What follows the closing boundary still belongs to the body.
	if _, err := io.Copy(io.Discard, src); err != nil {
		return 0, src.fail(err)
	}
	return src.total, nil
}

// fieldCounter counts the bytes read through it, and fails once more than max of them were read
// outside a file's content. The multipart reader reads ahead a few KB, which may be counted on
// either side.
type fieldCounter struct {
	r             io.Reader
	max           int64
	total, fields int64
	inFile        bool
}

func (c *fieldCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.total += int64(n)
	if !c.inFile {
		c.fields += int64(n)
		if c.fields > c.max {
			return n, ErrFields
		}
	}
	return n, err
}

func (c *fieldCounter) fail(err error) error {
	if errors.Is(err, ErrFields) {
		return ErrFields
	}
	return fmt.Errorf("%w: %v", ErrUnreadable, err)
}
