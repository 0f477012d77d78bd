package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// BenchmarkPolicy is the policy server's load generator: 50 connections
// over loopback, as many Postfix smtpd processes would hold, each sending
// requests one at a time (a .mil suffix slip, a clean .mil address, a
// provider typo, a clean provider address, in turn), the decision log
// formatted as in production and then dropped.
//
//   - rate=max: every connection sends its next request as soon as the
//     last is answered (a closed loop): the server's throughput. Its
//     latency is queueing: with 50 requests always in flight, the mean is
//     50 divided by the throughput.
//   - rate=N: the connections together send N requests a second, each
//     with exponential gaps (independent senders, Poisson arrivals).
//
// Both report req/s and percentiles of the latency: p50, p99 and p99.9
// from when each request was sent to when its answer was read, and
// p99-due from when it was due. A request is sent late when its
// connection still waits for the previous answer (charging the server
// for that wait, as coordinated omission would not) but also when the
// generator's own timer wakes late, which on Linux can be a millisecond
// (Go's netpoller sleeps in whole milliseconds): p99-due is an upper
// bound. Any error or wrong answer fails the benchmark.
//
// Each runs against the server in the test process and against the
// typoguard binary in a process of its own, as deployed (built once with
// go build; its decision log goes through a pipe as it would to a log).
//
//	go test ./cmd/typoguard -run '^$' -bench Policy -benchtime 200000x -count 5
func BenchmarkPolicy(b *testing.B) {
	for _, server := range []string{"in-process", "process"} {
		for _, rate := range []int{0, 20_000, 40_000} {
			name := "rate=max"
			if rate > 0 {
				name = fmt.Sprintf("rate=%d", rate)
			}
			b.Run("server="+server+"/"+name, func(b *testing.B) {
				var addr string
				switch {
				case *policyAddr != "":
					addr = *policyAddr
				case server == "process":
					addr = startPolicyProcess(b)
				default:
					addr = startPolicy(b, nil, func(c *policyConfig) { c.logger = slog.New(slog.NewJSONHandler(io.Discard, nil)) }).addr
				}
				loadPolicy(b, addr, 50, rate)
			})
		}
	}
}

var policyAddr = flag.String("policy-addr", "", "BenchmarkPolicy: load this running policy server (protecting the mil and providers presets, default templates) instead of starting one")

// policyBinary builds the typoguard binary once per test process.
var policyBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "typoguard-bench")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "typoguard")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// startPolicyProcess runs "typoguard policy" as deployed, in a process of
// its own (default presets and templates, JSON decision log on standard
// error, read and dropped here), and returns the address it listens on.
func startPolicyProcess(b *testing.B) string {
	bin, err := policyBinary()
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(bin, "policy", "-listen", "127.0.0.1:0", "-log", "json")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	br := bufio.NewReader(stderr)
	line, err := br.ReadBytes('\n')
	var started struct{ Msg, Address string }
	if err != nil || json.Unmarshal(line, &started) != nil || started.Address == "" {
		b.Fatalf("typoguard policy did not report its address: %q, %v", line, err)
	}
	go io.Copy(io.Discard, br) // the decision log
	return started.Address
}

// loadPolicy runs b.N requests over conns connections to the policy
// server at addr, at rate requests a second in all (0: each as soon as
// the last is answered).
func loadPolicy(b *testing.B, addr string, conns, rate int) {
	type request struct{ req, reply []byte }
	reqs := []request{
		{[]byte(rcptRequest("john.doe@army.ml", "queue_id=4BCD12")), []byte("action=" + blockReply("john.doe@army.mil") + "\n\n")},
		{[]byte(rcptRequest("john.doe@army.mil")), []byte("action=DUNNO\n\n")},
		{[]byte(rcptRequest("jane@gmial.com")), []byte("action=" + blockReply("jane@gmail.com") + "\n\n")},
		{[]byte(rcptRequest("jane@gmail.com")), []byte("action=DUNNO\n\n")},
	}
	// A lean client, so that the generator takes little of the CPU the
	// server needs: one deadline for the run, replies compared in place.
	type client struct {
		c  net.Conn
		br *bufio.Reader
	}
	clients := make([]client, conns)
	for i := range clients {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Minute))
		clients[i] = client{c, bufio.NewReader(c)}
	}
	var interval time.Duration // the mean gap between requests of one connection
	if rate > 0 {
		interval = time.Duration(float64(time.Second) * float64(conns) / float64(rate))
	}
	var next atomic.Int64
	lat, latDue := make([][]time.Duration, conns), make([][]time.Duration, conns)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for i, cl := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 0x706f6c696379))
			due := start.Add(time.Duration(rng.Float64() * float64(interval)))
			for {
				n := next.Add(1) - 1
				if n >= int64(b.N) {
					return
				}
				r := reqs[n%int64(len(reqs))]
				if rate > 0 {
					if d := time.Until(due); d > 0 {
						time.Sleep(d)
					}
				}
				sent := time.Now()
				if rate == 0 {
					due = sent
				}
				if _, err := cl.c.Write(r.req); err != nil {
					b.Error(err)
					return
				}
				err := expectReply(cl.br, r.reply)
				done := time.Now()
				lat[i] = append(lat[i], done.Sub(sent))
				latDue[i] = append(latDue[i], done.Sub(due))
				if err != nil {
					b.Error(err)
					return
				}
				due = due.Add(time.Duration(rng.ExpFloat64() * float64(interval)))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	all, allDue := slices.Concat(lat...), slices.Concat(latDue...)
	if len(all) == 0 {
		return
	}
	slices.Sort(all)
	slices.Sort(allDue)
	pct := func(ds []time.Duration, p float64) float64 {
		return float64(ds[int(float64(len(ds)-1)*p)].Microseconds())
	}
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(all, 0.50), "p50-µs")
	b.ReportMetric(pct(all, 0.99), "p99-µs")
	b.ReportMetric(pct(all, 0.999), "p99.9-µs")
	b.ReportMetric(pct(allDue, 0.99), "p99-due-µs")
}

// expectReply reads one reply and checks it is want, "action=...\n\n",
// without copying it.
func expectReply(br *bufio.Reader, want []byte) error {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return err
	}
	if !bytes.Equal(line, want[:len(want)-1]) {
		return fmt.Errorf("got %q, want %q", line, want)
	}
	if c, err := br.ReadByte(); err != nil || c != '\n' {
		return fmt.Errorf("reply %q not followed by an empty line (%q, %v)", line, c, err)
	}
	return nil
}
