package db

import (
	"context"
	"fmt"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"registrar/app/school"
)

// BenchmarkStoringApplicationsWithA200KBCV stores applications with a 200 KB CV from many
// goroutines at once, as the handlers do, with nothing of HTTP around it: the share of an
// upload's CPU that SQLite itself takes (the log write, the checkpoint, the inserts). It reports
// the process's CPU per application, the figure that bounds the rate on a machine of two cores.
func BenchmarkStoringApplicationsWithA200KBCV(b *testing.B) {
	ctx := context.Background()
	now := time.Date(2026, time.November, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(b, now)
	summer := openSummer(b, s, now)
	cv, _ := markedCV(b)
	var n atomic.Int64
	b.SetParallelism(16)
	before := cpuTime()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			up := Upload{ClaimKey: fmt.Sprintf("claim-%d", i), StoredName: fmt.Sprintf("%032d", i),
				OriginalName: "cv.pdf", ContentType: "application/pdf", Size: int64(len(cv)), SHA256: "x"}
			_, err := s.CreateApplication(ctx, summer, school.Application{Lang: "en",
				Email: fmt.Sprintf("bench-%d@example.org", i), GivenName: "Bench", FamilyName: "Applicant",
				Nationality: "UA", Residence: "UA"}, "", now, nil, NewFile{Upload: up, Data: cv})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(cpuTime()-before)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
