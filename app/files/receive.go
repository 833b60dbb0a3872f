package files

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
)

// ErrTooLarge is a file over the limit; ErrType a file whose content is none of the types
// taken. Nothing of either is kept.
var (
	ErrTooLarge = errors.New("files: too large")
	ErrType     = errors.New("files: type not taken")
)

// headSize is what the type is told from (all http.DetectContentType reads); tailSize is where
// a PDF's %%EOF must be, so a PDF cut short is refused.
const (
	headSize = 512
	tailSize = 2048
)

// Received is a file written into a folder under a random name.
type Received struct {
	Name   string // random: never the name the sender gave
	Size   int64
	SHA256 string
	Type   string // by its content
}

// Receive copies r into dir under a random name, a piece at a time: at most max bytes, and only
// when its content is one of types. The file is written aside and renamed once synced, so a
// crash never leaves half a file under a name, and a refused one leaves nothing.
func Receive(dir string, r io.Reader, max int64, types ...string) (Received, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return Received{}, err
	}
	tmp, err := os.CreateTemp(dir, ".incoming-*")
	if err != nil {
		return Received{}, err
	}
	kept := false
	defer func() {
		if !kept {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	sum := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, sum), io.LimitReader(r, max+1))
	if err != nil {
		return Received{}, fmt.Errorf("files: receive: %w", err)
	}
	if n > max {
		return Received{}, ErrTooLarge
	}
	head, tail := make([]byte, min(n, headSize)), make([]byte, min(n, tailSize))
	if _, err := tmp.ReadAt(head, 0); err != nil {
		return Received{}, fmt.Errorf("files: receive: %w", err)
	}
	if _, err := tmp.ReadAt(tail, n-int64(len(tail))); err != nil {
		return Received{}, fmt.Errorf("files: receive: %w", err)
	}
	got := Received{Size: n, SHA256: hex.EncodeToString(sum.Sum(nil)), Type: ContentType(head, tail)}
	if !slices.Contains(types, got.Type) {
		return Received{}, ErrType
	}
	if got.Name, err = randomName(); err != nil {
		return Received{}, err
	}
	if err := errors.Join(tmp.Sync(), tmp.Close(), os.Rename(tmp.Name(), filepath.Join(dir, got.Name))); err != nil {
		return Received{}, fmt.Errorf("files: receive: %w", err)
	}
	kept = true
	return got, nil
}

// ContentType is a file's type told from its first bytes (head) and its last (tail), never
// from a name or what the browser said: a PDF must start with %PDF- and end with %%EOF.
func ContentType(head, tail []byte) string {
	t := http.DetectContentType(head)
	if t == PDF && !bytes.Contains(tail[max(0, len(tail)-tailSize):], []byte("%%EOF")) {
		return "" // cut short
	}
	return t
}

// Tail is the part of data ContentType looks at for the end of a file.
func Tail(data []byte) []byte { return data[max(0, len(data)-tailSize):] }

func randomName() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("files: random: %w", err)
	}
	return hex.EncodeToString(b), nil
}
