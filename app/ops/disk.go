// Package ops watches the server itself for the people who run it: the free space of the data
// folder's disk, the replication by Litestream (replication.go), and the Prometheus metrics. It holds no HTTP routes; app serves what it
// measures.
package ops

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// Space is how much a filesystem holds and how much of it an unprivileged writer may still use.
type Space struct {
	Free, Total uint64
}

// SpaceOf measures a filesystem, given a path on it.
type SpaceOf func(path string) (Space, error)

// Statfs measures the filesystem holding path as df does: the blocks available to a process
// that is not root, which is what Registrar runs as.
func Statfs(path string) (Space, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return Space{}, fmt.Errorf("ops: free space of %s: %w", path, err)
	}
	return Space{Free: st.Bavail * uint64(st.Bsize), Total: st.Blocks * uint64(st.Bsize)}, nil
}

// Threshold is the free space below which new applications and uploads are refused: a number
// of bytes, a share of the disk, or (the default) the larger of 5 % and 500 MB.
type Threshold struct {
	Bytes   uint64
	Percent float64
}

// DefaultThreshold leaves room for what is already under way (emails queued, sessions,
// checkpoints, the nightly backup's copy) on a small disk and on a large one.
var DefaultThreshold = Threshold{Bytes: 500 << 20, Percent: 5}

// ParseThreshold reads REGISTRAR_MIN_FREE_DISK: "5%", "500MB", "2GB", "750000000"; empty is
// the default.
func ParseThreshold(s string) (Threshold, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return DefaultThreshold, nil
	}
	if p, ok := strings.CutSuffix(s, "%"); ok {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || v < 0 || v >= 100 {
			return Threshold{}, fmt.Errorf("a share of the disk from 0%% to 99%%, not %q", s)
		}
		return Threshold{Percent: v}, nil
	}
	units := []struct {
		suffix string
		size   uint64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}}
	upper := strings.ToUpper(s)
	for _, u := range units {
		if n, ok := strings.CutSuffix(upper, u.suffix); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
			if err != nil || v < 0 {
				break
			}
			return Threshold{Bytes: uint64(v * float64(u.size))}, nil
		}
	}
	if v, err := strconv.ParseUint(s, 10, 64); err == nil {
		return Threshold{Bytes: v}, nil
	}
	return Threshold{}, fmt.Errorf("a size such as 500MB or 2GB, or a share such as 5%%, not %q", s)
}

// Of is the free space a disk of total bytes must keep: the larger of the two parts set.
func (t Threshold) Of(total uint64) uint64 {
	return max(t.Bytes, uint64(float64(total)*t.Percent/100))
}

// String says the threshold as it was set, in no language: "500 MB", "5 %", "max(5 %, 500 MB)".
func (t Threshold) String() string {
	switch {
	case t.Percent == 0:
		return strconv.FormatUint(t.Bytes>>20, 10) + " MB"
	case t.Bytes == 0:
		return strconv.FormatFloat(t.Percent, 'f', -1, 64) + " %"
	}
	return "max(" + strconv.FormatFloat(t.Percent, 'f', -1, 64) + " %, " + strconv.FormatUint(t.Bytes>>20, 10) + " MB)"
}

// DiskState is what the last look at the disk found.
type DiskState struct {
	Space
	Min       uint64 // the free space the threshold asks for on this disk
	Low       bool   // less is free than Min, or the disk could not be measured
	Err       error
	CheckedAt time.Time
}

// DiskWatch tells whether the data folder's disk has room, looking at most once per interval so
// a request that asks costs an atomic load.
type DiskWatch struct {
	path      string
	threshold Threshold
	spaceOf   SpaceOf
	interval  time.Duration
	now       func() time.Time

	state atomic.Pointer[DiskState]
	mu    sync.Mutex // one look at a time
	// onLow is called once each time the disk turns low, outside any request.
	onLow func(DiskState)
}

// NewDiskWatch watches the filesystem of path; spaceOf nil measures with Statfs.
// now tells the time (nil: time.Now).
func NewDiskWatch(path string, t Threshold, spaceOf SpaceOf, interval time.Duration, now func() time.Time) *DiskWatch {
	if spaceOf == nil {
		spaceOf = Statfs
	}
	if now == nil {
		now = time.Now
	}
	return &DiskWatch{path: path, threshold: t, spaceOf: spaceOf, interval: interval, now: now}
}

// OnLow sets what to do when the disk turns low (tell the admins); it runs in a goroutine of its own.
func (d *DiskWatch) OnLow(fn func(DiskState)) { d.onLow = fn }

// Threshold is the threshold the watch applies.
func (d *DiskWatch) Threshold() Threshold { return d.threshold }

// State is the disk's state, measured again when the last look is older than the interval.
func (d *DiskWatch) State() DiskState {
	now := d.now()
	if st := d.state.Load(); st != nil && now.Sub(st.CheckedAt) < d.interval {
		return *st
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	prev := d.state.Load()
	if prev != nil && now.Sub(prev.CheckedAt) < d.interval {
		return *prev
	}
	st := DiskState{CheckedAt: now}
	st.Space, st.Err = d.spaceOf(d.path)
	st.Min = d.threshold.Of(st.Total)
	// A disk that cannot be measured is not trusted with new applications either.
	st.Low = st.Err != nil || st.Free < st.Min
	d.state.Store(&st)
	if st.Low && (prev == nil || !prev.Low) && d.onLow != nil {
		go d.onLow(st)
	}
	return st
}

// Run looks at the disk every interval until ctx ends, so the admins hear of a filling disk
// even while nobody applies.
func (d *DiskWatch) Run(ctx context.Context) {
	tick := time.NewTicker(d.interval)
	defer tick.Stop()
	for {
		d.State()
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
