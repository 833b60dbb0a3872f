package auth

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// LoadSecret reads the server's secret key from the file at path (REGISTRAR_DATA/secret.key),
// creating it on first start. It signs the times forms were opened at and seals the keys of
// second factors (SecretBox); it is kept out of the backups, so a stolen backup opens neither.
func LoadSecret(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		data = []byte(hex.EncodeToString(key))
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return nil, fmt.Errorf("auth: write %s: %w", path, err)
		}
		return key, nil
	}
	if err != nil {
		return nil, fmt.Errorf("auth: read %s: %w", path, err)
	}
	return hex.DecodeString(strings.TrimSpace(string(data)))
}
