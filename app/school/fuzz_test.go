package school

import (
	"strings"
	"testing"
)

// FuzzParseCode reads anything typed as a verification code: what it accepts is a code of the
// right length in the code alphabet, read the same however it is grouped or cased.
func FuzzParseCode(f *testing.F) {
	for _, seed := range []string{"7K3M-Q9XD-2HTW", "7k3m q9xd 2htw", "OIL0-1111-2222", "", "7K3M-Q9XD-2HT",
		"7K3M-Q9XD-2HTWX", "ǅ7K3M-Q9XD-2HTW", "7K3M\u00a0Q9XD\u00a02HTW", "ı7K3MQ9XD2HT"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, typed string) {
		code, ok := ParseCode(typed)
		if !ok {
			if code != "" {
				t.Errorf("refused %q but returned %q", typed, code)
			}
			return
		}
		if len(code) != codeLength {
			t.Fatalf("%q read as %q, of %d characters", typed, code, len(code))
		}
		for _, r := range code {
			if !strings.ContainsRune(codeAlphabet, r) {
				t.Fatalf("%q read as %q, with %q outside the alphabet", typed, code, r)
			}
		}
		for _, again := range []string{FormatCode(code), strings.ToLower(FormatCode(code)), code} {
			if got, ok := ParseCode(again); !ok || got != code {
				t.Errorf("%q reads as %q (%v), not %q", again, got, ok, code)
			}
		}
	})
}
