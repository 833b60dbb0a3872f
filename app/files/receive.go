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

// Received is a file taken in, to be stored under a random name.
type Received struct {
	Name   string // random: never the name the sender gave
	Size   int64
	SHA256 string
	Type   string // by its content
	Data   []byte
}

// Receive reads r into memory: at most limit bytes, and only when its content is one of types.
// size is what the sender said it would send, so that the file is read into one buffer of its
// size, not copied as the buffer grows. A file is then stored in the database, in the
// transaction that records it (db/blobs.go).
func Receive(r io.Reader, size, limit int64, types ...string) (Received, error) {
	buf := bytes.NewBuffer(make([]byte, 0, min(max(size, 0), limit)+bytes.MinRead))
	n, err := buf.ReadFrom(io.LimitReader(r, limit+1))
	if err != nil {
		return Received{}, fmt.Errorf("files: receive: %w", err)
	}
	if n > limit {
		return Received{}, ErrTooLarge
	}
	data := buf.Bytes()
	sum := sha256.Sum256(data)
	got := Received{Size: n, SHA256: hex.EncodeToString(sum[:]), Type: ContentType(data[:min(n, headSize)], data), Data: data}
	if !slices.Contains(types, got.Type) {
		return Received{}, ErrType
	}
	if got.Name, err = RandomName(); err != nil {
		return Received{}, err
	}
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

// RandomName is a name to store a file under: random, never the name its sender gave.
func RandomName() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("files: random: %w", err)
	}
	return hex.EncodeToString(b), nil
}
