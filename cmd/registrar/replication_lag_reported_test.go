package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"
)

// watchReportedLag reads the replication lag that Registrar itself reports (/healthz) every
// 100 ms until the returned function is called, which stops and sums up what it read: beside
// the lag measured end to end, it shows whether Registrar's figure can be trusted.
func watchReportedLag(base string) func() string {
	var mu sync.Mutex
	var lags []float64
	looks, stalled := 0, 0
	stop, done := make(chan struct{}), make(chan struct{})
	client := &http.Client{Timeout: 2 * time.Second}
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			resp, err := client.Get(base + "/healthz")
			if err != nil {
				continue
			}
			var answer struct {
				Replication string   `json:"replication"`
				Lag         *float64 `json:"replication_lag_seconds"`
			}
			err = json.NewDecoder(resp.Body).Decode(&answer)
			resp.Body.Close()
			if err != nil {
				continue
			}
			mu.Lock()
			looks++
			if answer.Replication != "ok" {
				stalled++
			}
			if answer.Lag != nil {
				lags = append(lags, *answer.Lag)
			}
			mu.Unlock()
		}
	}()
	return func() string {
		close(stop)
		<-done
		mu.Lock()
		defer mu.Unlock()
		if len(lags) == 0 {
			return fmt.Sprintf("replication lag reported by Registrar: none in %d looks", looks)
		}
		slices.Sort(lags)
		return fmt.Sprintf("replication lag reported by Registrar (/healthz every 100 ms): p50 %.2f s, max %.2f s; "+
			"stalled in %d of %d looks", lags[len(lags)/2], lags[len(lags)-1], stalled, looks)
	}
}
