package auth

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"image/png"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// Second factors: time-based one-time codes (TOTP, RFC 6238) from an authenticator app, and
// single-use recovery codes for when the phone is lost.

// totpOptions are what every authenticator app assumes: 6 digits every 30 seconds, SHA-1.
var totpOptions = totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// totpKeyEncoding is how authenticator apps write a TOTP key: base32 without padding.
var totpKeyEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTOTPSecret makes a new random TOTP key of 160 bits, the length RFC 4226 recommends.
func NewTOTPSecret() (string, error) {
	raw := make([]byte, 20)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("auth: totp secret: %w", err)
	}
	return totpKeyEncoding.EncodeToString(raw), nil
}

// TOTPQRCode is the QR code an authenticator app scans to learn secret, labelled with issuer
// and account, as a PNG data: URI.
func TOTPQRCode(issuer, account, secret string) (string, error) {
	raw, err := totpKeyEncoding.DecodeString(secret)
	if err != nil {
		return "", fmt.Errorf("auth: totp secret: %w", err)
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Secret: raw})
	if err != nil {
		return "", fmt.Errorf("auth: totp key: %w", err)
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return "", fmt.Errorf("auth: qr code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", fmt.Errorf("auth: qr code: %w", err)
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// CheckTOTP reports the time step of the code shown at now, or the one before or after it
// (a phone's clock may be a little off), and whether code is one of them. The caller accepts
// a step only once, so a code seen over a shoulder cannot be used again.
func CheckTOTP(secret, code string, now time.Time) (step int64, ok bool) {
	code = strings.TrimSpace(code)
	if len(code) != 6 {
		return 0, false
	}
	current := now.Unix() / int64(totpOptions.Period)
	for _, s := range []int64{current - 1, current, current + 1} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*int64(totpOptions.Period), 0), totpOptions)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// recoveryEncoding is lower-case base32: its digits 2–7 leave out 0 and 1, which look like o and l.
var recoveryEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// RecoveryCodeCount is how many recovery codes a person gets at once.
const RecoveryCodeCount = 10

// NewRecoveryCodes makes RecoveryCodeCount codes of 80 random bits each, written in groups of
// four letters and digits.
func NewRecoveryCodes() ([]string, error) {
	codes := make([]string, RecoveryCodeCount)
	for i := range codes {
		raw := make([]byte, 10)
		if _, err := rand.Read(raw); err != nil {
			return nil, fmt.Errorf("auth: recovery code: %w", err)
		}
		s := recoveryEncoding.EncodeToString(raw) // 16 characters
		codes[i] = s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
	}
	return codes, nil
}

// HashRecoveryCode is what is stored of a recovery code. The code has 80 random bits, so a fast
// hash is enough; the user's id in it makes equal codes of two people differ.
func HashRecoveryCode(userID int64, code string) string {
	norm := strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(code)))
	sum := sha256.Sum256([]byte(strconv.FormatInt(userID, 10) + ":" + norm))
	return hex.EncodeToString(sum[:])
}

// SecretBox seals TOTP secrets for the database with a key derived from the server's secret
// key, which is kept in the data folder and not in database backups: a copy of the database
// alone gives no one the codes. Each secret is bound to its user, so it cannot be moved to
// another account's row.
type SecretBox struct{ aead cipher.AEAD }

var errSealed = errors.New("auth: the second factor's secret cannot be read with this server's key")

// NewSecretBox derives the sealing key from the server secret.
func NewSecretBox(serverSecret []byte) (*SecretBox, error) {
	mac := hmac.New(sha256.New, serverSecret)
	mac.Write([]byte("registrar second factor secrets"))
	block, err := aes.NewCipher(mac.Sum(nil))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &SecretBox{aead: aead}, nil
}

// Seal encrypts the secret of userID's second factor.
func (b *SecretBox) Seal(userID int64, secret string) ([]byte, error) {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return b.aead.Seal(nonce, nonce, []byte(secret), []byte(strconv.FormatInt(userID, 10))), nil
}

// Open decrypts what Seal made for userID.
func (b *SecretBox) Open(userID int64, sealed []byte) (string, error) {
	n := b.aead.NonceSize()
	if len(sealed) < n {
		return "", errSealed
	}
	plain, err := b.aead.Open(nil, sealed[:n], sealed[n:], []byte(strconv.FormatInt(userID, 10)))
	if err != nil {
		return "", errSealed
	}
	return string(plain), nil
}
