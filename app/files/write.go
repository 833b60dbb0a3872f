package files

import (
	"errors"
	"os"
	"path/filepath"
)

// Write writes data into dir under a random name and returns the name. The file is written
// aside and renamed once synced, so a crash never leaves half a file under that name.
func Write(dir string, data []byte) (string, error) {
	stored, err := randomName()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, ".incoming-*")
	if err != nil {
		return "", err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return "", err
	}
	if err := errors.Join(tmp.Sync(), tmp.Close(), os.Rename(tmp.Name(), filepath.Join(dir, stored))); err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	return stored, nil
}

// Remove deletes the files of the given names from dir; one already gone is no error.
func Remove(dir string, names ...string) error {
	var errs []error
	for _, name := range names {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
