package main

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkPolicy is a load generator: 50 connections over loopback, as
// many Postfix smtpd processes would hold, each sending requests one at a
// time (a typo, a clean address, a provider typo, a clean provider
// address, in turn). It reports the throughput and the 99th percentile
// of the round-trip latency.
func BenchmarkPolicy(b *testing.B) {
	const conns = 50
	// The decision log is formatted as in production, then dropped.
	tp := startPolicy(b, nil, func(c *policyConfig) { c.logger = slog.New(slog.NewJSONHandler(io.Discard, nil)) })
	reqs := []struct{ req, want string }{
		{rcptRequest("john.doe@army.ml", "queue_id=4BCD12"), blockReply("john.doe@army.mil")},
		{rcptRequest("john.doe@army.mil"), "DUNNO"},
		{rcptRequest("jane@gmial.com"), blockReply("jane@gmail.com")},
		{rcptRequest("jane@gmail.com"), "DUNNO"},
	}
	clients := make([]*policyClient, conns)
	for i := range clients {
		c, err := net.Dial("tcp", tp.addr)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		clients[i] = &policyClient{c: c, br: bufio.NewReader(c)}
	}
	var next atomic.Int64
	lat := make([][]time.Duration, conns)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for i, pc := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := next.Add(1) - 1
				if n >= int64(b.N) {
					return
				}
				r := reqs[n%int64(len(reqs))]
				t0 := time.Now()
				if err := pc.send(r.req); err != nil {
					b.Error(err)
					return
				}
				got, err := pc.readReply()
				lat[i] = append(lat[i], time.Since(t0))
				if err != nil || got != r.want {
					b.Errorf("got %q, %v; want %q", got, err, r.want)
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	all := slices.Concat(lat...)
	slices.Sort(all)
	if len(all) > 0 {
		b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
		b.ReportMetric(float64(all[len(all)*99/100].Microseconds()), "p99-µs")
	}
}
