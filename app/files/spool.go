package files

import (
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

// Spool copies a multipart/form-data body from r into a temporary file and returns it, rewound,
// with its size. Go's multipart reader, which later reads the form from that file, keeps each
// field and each part's header in memory, up to 10 MB a request; here everything but the files'
// contents is counted as it streams by, and a form with more than maxFields of it is refused
// (ErrFields) before much of it is held. The caller closes and removes the file.
func Spool(r io.Reader, boundary string, maxFields int64) (*os.File, int64, error) {
	f, err := os.CreateTemp("", "registrar-form-*")
	if err != nil {
		return nil, 0, err
	}
	n, err := spool(f, r, boundary, maxFields)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, 0, err
	}
	return f, n, nil
}

func spool(f *os.File, r io.Reader, boundary string, maxFields int64) (int64, error) {
	src := &fieldCounter{r: io.TeeReader(r, f), max: maxFields}
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
