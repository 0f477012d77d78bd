package main

import (
	"io"
	"sync"
	"time"
)

// logWriter batches the lines of the decision log: a line is written at
// most delay after it was logged, or at once when size bytes wait, so a
// busy server makes one write for many decisions instead of one each.
// Flush writes what waits; with a delay of 0 every line is written at
// once. It is safe for concurrent use.
type logWriter struct {
	mu    sync.Mutex
	w     io.Writer
	buf   []byte
	size  int
	delay time.Duration
	timer *time.Timer // armed while lines wait
	armed bool
}

func newLogWriter(w io.Writer, delay time.Duration, size int) *logWriter {
	l := &logWriter{w: w, delay: delay, size: size}
	l.timer = time.AfterFunc(time.Hour, l.Flush)
	l.timer.Stop()
	return l
}

// Write buffers p, a whole line as slog writes it. Like slog, which
// drops a handler's write errors, it reports none: a log that cannot be
// written must not stop the server answering.
func (l *logWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.delay <= 0 {
		l.w.Write(p)
		return len(p), nil
	}
	l.buf = append(l.buf, p...)
	switch {
	case len(l.buf) >= l.size:
		l.flushLocked()
	case !l.armed:
		l.armed = true
		l.timer.Reset(l.delay)
	}
	return len(p), nil
}

// Flush writes the waiting lines.
func (l *logWriter) Flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.flushLocked()
}

func (l *logWriter) flushLocked() {
	if l.armed {
		l.timer.Stop()
		l.armed = false
	}
	if len(l.buf) > 0 {
		l.w.Write(l.buf)
		l.buf = l.buf[:0]
	}
	if cap(l.buf) > 4*l.size {
		l.buf = nil // after one huge line
	}
}
