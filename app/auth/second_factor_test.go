package auth

import (
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

func TestTOTPCodesOfTheStepsAroundNowAreAccepted(t *testing.T) {
	secret, err := NewTOTPSecret()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2027, 7, 15, 9, 0, 10, 0, time.UTC)
	step := now.Unix() / 30
	for _, tc := range []struct {
		at   time.Duration
		want bool
	}{{-30 * time.Second, true}, {0, true}, {30 * time.Second, true}, {-90 * time.Second, false}, {90 * time.Second, false}} {
		code, err := totp.GenerateCode(secret, now.Add(tc.at))
		if err != nil {
			t.Fatal(err)
		}
		got, ok := CheckTOTP(secret, " "+code+" ", now)
		if ok != tc.want || (ok && got != step+int64(tc.at/(30*time.Second))) {
			t.Errorf("code of %v from now: step %d, %v", tc.at, got, ok)
		}
	}
	if _, ok := CheckTOTP(secret, "12345", now); ok {
		t.Error("a 5-digit code was accepted")
	}
}

func TestRecoveryCodesAreRandomAndHashedPerUser(t *testing.T) {
	codes, err := NewRecoveryCodes()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 19 || seen[c] {
			t.Errorf("recovery code %q", c)
		}
		seen[c] = true
	}
	h := HashRecoveryCode(7, codes[0])
	if HashRecoveryCode(7, " "+codes[0][:9]+" "+codes[0][10:]+" ") != h {
		t.Error("the same code typed with spaces hashes differently")
	}
	if HashRecoveryCode(8, codes[0]) == h {
		t.Error("two users' equal codes hash alike")
	}
}

func TestSealedSecretsOpenOnlyForTheirUserWithTheServerKey(t *testing.T) {
	box, err := NewSecretBox([]byte("server secret one"))
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := box.Seal(7, "JBSWY3DPEHPK3PXP")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := box.Open(7, sealed); err != nil || got != "JBSWY3DPEHPK3PXP" {
		t.Errorf("Open = %q, %v", got, err)
	}
	if _, err := box.Open(8, sealed); err == nil {
		t.Error("another user's row opened the secret")
	}
	other, err := NewSecretBox([]byte("server secret two"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Open(7, sealed); err == nil {
		t.Error("another server key opened the secret")
	}
}
