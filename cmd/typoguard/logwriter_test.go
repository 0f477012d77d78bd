package main

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestLogWriter(t *testing.T) {
	t.Run("delay", func(t *testing.T) {
		var out policyBuffer
		l := newLogWriter(&out, 200*time.Millisecond, 1<<10)
		l.Write([]byte("one\n"))
		l.Write([]byte("two\n"))
		assert.Empty(t, out.String(), "lines wait for the delay")
		assert.Eventually(t, func() bool { return out.String() == "one\ntwo\n" }, 5*time.Second, 5*time.Millisecond)
		l.Write([]byte("three\n"))
		assert.Eventually(t, func() bool { return out.String() == "one\ntwo\nthree\n" }, 5*time.Second, 5*time.Millisecond,
			"the timer is armed again after a flush")
	})
	t.Run("size", func(t *testing.T) {
		var out policyBuffer
		l := newLogWriter(&out, time.Hour, 10)
		l.Write([]byte("12345\n"))
		assert.Empty(t, out.String())
		l.Write([]byte("67890\n"))
		assert.Equal(t, "12345\n67890\n", out.String(), "written once size bytes wait")
		l.Write([]byte("x\n"))
		l.Flush()
		assert.Equal(t, "12345\n67890\nx\n", out.String(), "Flush writes what waits")
		l.Flush()
		assert.Equal(t, "12345\n67890\nx\n", out.String(), "and nothing twice")
	})
	t.Run("no delay", func(t *testing.T) {
		var out policyBuffer
		l := newLogWriter(&out, 0, 1<<10)
		l.Write([]byte("now\n"))
		assert.Equal(t, "now\n", out.String())
	})
	t.Run("concurrent lines stay whole", func(t *testing.T) {
		var out policyBuffer
		l := newLogWriter(&out, time.Millisecond, 256)
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				line := strings.Repeat(string(rune('a'+i)), 20) + "\n"
				for range 200 {
					l.Write([]byte(line))
				}
			}()
		}
		wg.Wait()
		l.Flush()
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		assert.Len(t, lines, 8*200)
		for _, ln := range lines {
			assert.Len(t, ln, 20)
			assert.Equal(t, strings.Repeat(ln[:1], 20), ln)
		}
	})
}
