package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"mime/multipart"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"registrar/app/files"
	"registrar/app/i18n"
	"registrar/app/school"
	"registrar/db"
)

// MaxUploadBytes bounds an uploaded PDF.
const MaxUploadBytes = 5 << 20

// FormLifetime is how long a file sent with a form that was sent back stays for that form to
// claim: the form's CSRF token lasts 6 hours from its last use, so a day is well past any form
// still being filled in. The daily job then removes it.
const FormLifetime = 24 * time.Hour

// receivedFile is a file the form has: new in this request, or kept from an earlier try.
type receivedFile struct {
	Upload db.Upload
	Claim  string // hidden-field key that keeps it across a form sent back with errors
	// Data is a file new in this request and not stored yet: it is stored with the application
	// (in the submission's transaction), or by keepFiles when the form goes back.
	Data []byte
}

// receiveFile takes the PDF sent in field name, or the one kept from an earlier try of the same
// form; sentFor is the application whose form it is, if any. A wrong file adds an error for the
// field; no file returns ok false.
func (s *Server) receiveFile(c *fiber.Ctx, name string, sentFor int64, L *i18n.Translator, errs *formErrors) (receivedFile, bool) {
	ctx := c.UserContext()
	fh, err := c.FormFile(name)
	if err == nil && fh.Size > 0 {
		up, data, err := s.takeUpload(c, fh, sentFor, L)
		if err != nil {
			var fe *fiber.Error
			if errors.As(err, &fe) {
				errs.add(name, fe.Message)
				return receivedFile{}, false
			}
			s.log.Error("upload failed", "request_id", requestID(c), "error", err)
			errs.add(name, L.T("validation_upload_failed"))
			return receivedFile{}, false
		}
		return receivedFile{Upload: up, Claim: up.ClaimKey, Data: data}, true
	}
	if claim := c.FormValue(name + "_claim"); claim != "" {
		up, err := s.store.UploadByClaim(ctx, claim)
		if err == nil {
			return receivedFile{Upload: up, Claim: claim}, true
		}
	}
	return receivedFile{}, false
}

// takeUpload checks a file is a PDF of at most 5 MB by its content and reads it, to be stored
// under a random name. A *fiber.Error carries a message for the person.
func (s *Server) takeUpload(c *fiber.Ctx, fh *multipart.FileHeader, sentFor int64, L *i18n.Translator) (db.Upload, []byte, error) {
	tooLarge := fiber.NewError(fiber.StatusUnprocessableEntity, L.T("validation_file_size", "Max", "5 MB"))
	if fh.Size > MaxUploadBytes {
		return db.Upload{}, nil, tooLarge
	}
	f, err := fh.Open()
	if err != nil {
		return db.Upload{}, nil, err
	}
	defer f.Close()
	got, err := files.Receive(f, fh.Size, MaxUploadBytes, files.PDF)
	switch {
	case errors.Is(err, files.ErrTooLarge):
		return db.Upload{}, nil, tooLarge
	case errors.Is(err, files.ErrType):
		return db.Upload{}, nil, fiber.NewError(fiber.StatusUnprocessableEntity, L.T("validation_pdf"))
	case err != nil:
		return db.Upload{}, nil, err
	}
	claim, err := randomHex(24)
	if err != nil {
		return db.Upload{}, nil, err
	}
	up := db.Upload{ClaimKey: claim, StoredName: got.Name, OriginalName: cleanFileName(fh.Filename),
		ContentType: got.Type, Size: got.Size, SHA256: got.SHA256, SentFrom: sentFrom(c), SentFor: sentFor}
	return up, got.Data, nil
}

// keepFiles stores the files of a form new in this request, so that the form can be sent back
// and claim them.
func (s *Server) keepFiles(ctx context.Context, files map[string]receivedFile) error {
	for name, rf := range files {
		if rf.Data == nil {
			continue
		}
		var err error
		if rf.Upload.ID, err = s.store.CreateUpload(ctx, rf.Upload, rf.Data, s.now()); err != nil {
			return err
		}
		rf.Data = nil
		files[name] = rf
	}
	return nil
}

// newFiles are the files of a form new in this request, to be stored with its application.
func newFiles(questions []school.Question, files map[string]receivedFile) []db.NewFile {
	var out []db.NewFile
	if rf, ok := files["cv"]; ok && rf.Data != nil {
		out = append(out, db.NewFile{Upload: rf.Upload, Data: rf.Data})
	}
	for _, q := range questions {
		if rf, ok := files[questionField(q.ID)]; ok && rf.Data != nil {
			out = append(out, db.NewFile{QuestionID: q.ID, Upload: rf.Upload, Data: rf.Data})
		}
	}
	return out
}

// sentFrom names the browser that sent a form, for the files it sent: a hash of its CSRF token,
// the same for every form it sends until the token expires.
func sentFrom(c *fiber.Ctx) string {
	token := csrfToken(c)
	if token == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// isPDF checks the content, not the name or the browser's word for it.
func isPDF(data []byte) bool {
	return files.ContentType(data, files.Tail(data)) == files.PDF
}

// cleanFileName keeps only the last element of a name a browser sent, for display; files are
// never stored under it.
func cleanFileName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = filepath.Base(strings.ToValidUTF8(name, ""))
	name = strings.Map(func(r rune) rune {
		if r < 32 || r == 127 || r == '"' {
			return -1
		}
		return r
	}, name)
	if name == "." || name == ".." || name == "/" || name == "" {
		name = "document.pdf"
	}
	if utf8.RuneCountInString(name) > 120 {
		name = string([]rune(name)[:120])
	}
	return name
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("app: random: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// sendUpload serves a stored file as the type its content was checked for, never one taken
// from its name: as an attachment, or inline (a PDF only) for a frame of the application's pages.
func (s *Server) sendUpload(c *fiber.Ctx, up db.Upload, inline bool) error {
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	fileHeaders(c, up.ContentType, up.OriginalName, inline)
	return s.sendStored(c, up.StoredName, up.Size)
}

// sendStored sends the stored file named name, of size bytes. Its bytes are read from the
// database into memory whole, so the files being sent at once hold at most storingBudget
// bytes: one more waits its turn, until it has been sent.
func (s *Server) sendStored(c *fiber.Ctx, name string, size int64) error {
	size = min(max(size, 1), storingBudget)
	ctx, cancel := context.WithTimeout(c.UserContext(), s.cfg.UploadWait)
	defer cancel()
	if err := s.bodies.serving.Acquire(ctx, size); err != nil {
		return fiber.NewError(fiber.StatusServiceUnavailable, uploadsBusy)
	}
	data, err := s.store.FileData(c.UserContext(), name)
	if err != nil {
		s.bodies.serving.Release(size)
		return err
	}
	// fasthttp closes the stream once it has written it.
	c.Context().SetBodyStream(&sentFile{Reader: bytes.NewReader(data), release: func() { s.bodies.serving.Release(size) }}, len(data))
	return nil
}

// sentFile is a stored file's bytes being sent; closing it gives their room back.
type sentFile struct {
	*bytes.Reader
	release func()
	once    sync.Once
}

func (f *sentFile) Close() error {
	f.once.Do(f.release)
	return nil
}

// fileHeaders marks a response as a file of contentType named name: never sniffed, running
// nothing, an attachment unless it is a PDF asked inline. Fiber's c.Attachment is never used: it
// sets the type from the name's extension, so a PDF named cv.html went out as a page.
func fileHeaders(c *fiber.Ctx, contentType, name string, inline bool) {
	inline = inline && contentType == files.PDF
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentDisposition, files.Disposition(contentType, name, inline))
	c.Set(fiber.HeaderContentSecurityPolicy, files.Policy(inline))
	if inline {
		c.Set(fiber.HeaderXFrameOptions, "SAMEORIGIN")
	} else {
		c.Set(fiber.HeaderXFrameOptions, "DENY")
	}
}
