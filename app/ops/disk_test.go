package ops

import (
	"testing"
	"time"
)

func TestThresholdReadsSizesAndShares(t *testing.T) {
	for _, c := range []struct {
		in          string
		total, want uint64
	}{
		{"", 1 << 30, 500 << 20},     // 5 % of 1 GB is less than 500 MB
		{"", 100 << 30, 5 << 30},     // 5 % of 100 GB is more
		{"10%", 100 << 30, 10 << 30}, // a share alone
		{"2GB", 100 << 30, 2 << 30},
		{"750mb", 1 << 30, 750 << 20},
		{"1000", 1 << 30, 1000},
	} {
		th, err := ParseThreshold(c.in)
		if err != nil {
			t.Fatalf("%q: %v", c.in, err)
		}
		if got := th.Of(c.total); got != c.want {
			t.Errorf("%q of %d: %d, want %d", c.in, c.total, got, c.want)
		}
	}
	for _, bad := range []string{"lots", "-5%", "100%", "5 TB"} {
		if _, err := ParseThreshold(bad); err == nil {
			t.Errorf("%q taken as a threshold", bad)
		}
	}
}

func TestDiskWatchLooksOncePerInterval(t *testing.T) {
	looks := 0
	now := time.Unix(0, 0)
	d := NewDiskWatch("/", Threshold{Bytes: 100}, func(string) (Space, error) {
		looks++
		return Space{Free: 50, Total: 1000}, nil
	}, 5*time.Second, func() time.Time { return now })
	for range 1000 {
		if !d.State().Low {
			t.Fatal("50 bytes free of a 100-byte threshold is not low")
		}
	}
	now = now.Add(5 * time.Second)
	d.State()
	if looks != 2 {
		t.Errorf("%d looks at the disk, want 2", looks)
	}
}
