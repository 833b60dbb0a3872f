package testkit

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
)

// Email is a received message as its reader sees it: headers, and the text and HTML bodies
// decoded from their transfer encoding.
type Email struct {
	Header mail.Header
	Text   string
	HTML   string
}

// Subject is the decoded Subject header.
func (r Email) Subject(t testing.TB) string {
	t.Helper()
	s, err := new(mime.WordDecoder).DecodeHeader(r.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// ReadEmail reads a raw message as a mail client would, failing the test when it is not one.
func ReadEmail(t testing.TB, data []byte) Email {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not an email: %v", err)
	}
	r := Email{Header: m.Header}
	var walkPart func(contentType string, body io.Reader)
	walkPart = func(contentType string, body io.Reader) {
		mediaType, params, err := mime.ParseMediaType(contentType)
		if err != nil {
			t.Fatalf("content type %q: %v", contentType, err)
		}
		if strings.HasPrefix(mediaType, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextPart() // decodes quoted-printable parts
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				walkPart(p.Header.Get("Content-Type"), p)
			}
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		switch mediaType {
		case "text/plain":
			r.Text += string(b)
		case "text/html":
			r.HTML += string(b)
		}
	}
	walkPart(m.Header.Get("Content-Type"), m.Body)
	return r
}
