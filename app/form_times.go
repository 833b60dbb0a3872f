package app

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// A form carries the time it was opened in a hidden field (opened_at), signed with the server's
// secret key, so that a form opened before the deadline may still be sent during the grace after
// it (school.Edition.AcceptsSubmission) and nobody can claim to have opened it earlier.

// signTime returns t with a signature, for a hidden form field the server can trust later.
func (s *Server) signTime(t time.Time) string {
	v := strconv.FormatInt(t.Unix(), 10)
	return v + "." + s.mac(v)
}

// signedTime reads a value made by signTime; the zero time when it is missing or forged.
func (s *Server) signedTime(v string) time.Time {
	stamp, sig, ok := strings.Cut(v, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(s.mac(stamp))) {
		return time.Time{}
	}
	secs, err := strconv.ParseInt(stamp, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(secs, 0).UTC()
}

func (s *Server) mac(v string) string {
	h := hmac.New(sha256.New, s.secret)
	h.Write([]byte(v))
	return hex.EncodeToString(h.Sum(nil))
}
