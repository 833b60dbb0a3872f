package testkit

import (
	"sync/atomic"
	"time"
)

// Clock is a clock a test sets; safe to read from the server's goroutines while the test moves it.
type Clock struct{ ns atomic.Int64 }

// NewClock is a Clock showing t.
func NewClock(t time.Time) *Clock {
	c := &Clock{}
	c.Set(t)
	return c
}

// Now is the time the clock shows, in UTC; pass c.Now where a func() time.Time is wanted.
func (c *Clock) Now() time.Time { return time.Unix(0, c.ns.Load()).UTC() }

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) { c.ns.Store(t.UnixNano()) }
