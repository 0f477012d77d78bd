package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/typoguard/typoguard"
)

// maxLine bounds one input line; a longer line is reported as invalid
// and skipped, and the stream goes on.
const maxLine = 64 << 10

// checkOutput is one JSON line of "typoguard check -json": the contract
// other tools are built against.
type checkOutput struct {
	Address    string              `json:"address"`
	Verdict    string              `json:"verdict"`
	Suggestion string              `json:"suggestion"`
	Findings   []typoguard.Finding `json:"findings"`
	Error      string              `json:"error,omitempty"`
}

// newCheckOutput is the JSON form of r: findings [] when none, the error
// as text.
func newCheckOutput(r typoguard.Result) checkOutput {
	out := checkOutput{
		Address:    r.Input,
		Verdict:    r.Verdict.String(),
		Suggestion: r.Suggestion,
		Findings:   r.Findings,
	}
	if out.Findings == nil {
		out.Findings = []typoguard.Finding{}
	}
	if r.Err != nil {
		out.Error = r.Err.Error()
	}
	return out
}

func runCheck(args []string, stdin io.Reader, stdout, stderr io.Writer) (flagged bool, err error) {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var pf protectFlags
	pf.register(fs)
	jsonOut := fs.Bool("json", false, "write JSON Lines, one object per address")
	color := fs.String("color", "auto", "colour the text output: auto (on a terminal), always or never")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: typoguard check [flags] [ADDRESS ...]

Judges each ADDRESS, or with none each line of standard input (one address
per line, a display name allowed, blank lines skipped), in input order.
Exit status: 0 when every address is ok, 1 when any is warn, block or
invalid, 2 on a usage or I/O error.

%s
Flags:
`, defaultSetHelp())
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return false, err
	}
	g, useColor, err := pf.setup(*color, stdout, stderr)
	if err != nil {
		return false, err
	}
	w := bufio.NewWriterSize(stdout, 64<<10)
	if fs.NArg() > 0 {
		p := &printer{w: w, json: *jsonOut, color: useColor}
		for _, a := range fs.Args() {
			r, _ := g.Check(a)
			if r.Verdict != typoguard.OK {
				flagged = true
			}
			if err := p.print(r); err != nil {
				return flagged, err
			}
		}
		return flagged, w.Flush()
	}
	return checkStream(g, stdin, w, func() *formatter { return &formatter{json: *jsonOut, color: useColor} })
}

// Streaming: the calling goroutine reads standard input and cuts it into
// batches of lines; workers, one a processor, judge and format each batch
// into its own buffer; a writer goroutine writes the batches in input
// order. A fixed pool of batches bounds the memory in flight and makes a
// slow writer slow the reader down. A batch is cut short whenever the
// reader is about to block for more input, and the writer then flushes:
// a tool feeding addresses one at a time gets each answer at once.
const (
	batchLines = 512      // most lines in a batch
	batchBytes = 64 << 10 // a batch takes no more lines once this long
)

// batch is a run of input lines and, once judged, their output.
type batch struct {
	arena   []byte      // the lines' bytes, back to back
	ends    []int       // end of each line in arena (it starts where the last ends)
	long    []bool      // the line was longer than maxLine: arena holds its start
	out     []byte      // the formatted output
	flagged bool        // some address was not OK
	flush   bool        // flush the output after this batch
	done    chan func() // the judged batch, from its worker
}

func (b *batch) reset() {
	b.arena, b.ends, b.long, b.out = b.arena[:0], b.ends[:0], b.long[:0], b.out[:0]
	b.flagged, b.flush = false, false
}

// judge checks and formats every line of b with p.
func (b *batch) judge(g *typoguard.Guard, p *formatter) {
	text := string(b.arena) // one allocation for the batch's lines
	start := 0
	p.buf = b.out[:0]
	for i, end := range b.ends {
		line := text[start:end]
		start = end
		if b.long[i] {
			b.flagged = true
			p.tooLong(line)
			continue
		}
		r, _ := g.Check(line)
		if r.Verdict != typoguard.OK {
			b.flagged = true
		}
		p.print(r)
	}
	b.out = p.buf
}

// checkStream judges each line of in and writes the output to w, in
// order; newFormatter makes a formatter for each worker.
func checkStream(g *typoguard.Guard, in io.Reader, w *bufio.Writer, newFormatter func() *formatter) (flagged bool, err error) {
	workers := max(runtime.GOMAXPROCS(0), 1)
	pool := make(chan *batch, 2*workers+2)
	for range cap(pool) {
		pool <- &batch{done: make(chan func(), 1)}
	}
	work := make(chan *batch, cap(pool))
	order := make(chan *batch, cap(pool))
	var wg sync.WaitGroup
	for range workers {
		p := newFormatter()
		wg.Go(func() {
			for b := range work {
				b.judge(g, p)
				b.done <- nil
			}
		})
	}
	// The writer: batches in order; after a write error it only recycles
	// them, and stop tells the reader to stop.
	var stop atomic.Bool
	var writeErr error
	written := make(chan struct{})
	go func() {
		defer close(written)
		for b := range order {
			<-b.done
			flagged = flagged || b.flagged
			if writeErr == nil {
				if _, writeErr = w.Write(b.out); writeErr == nil && b.flush {
					writeErr = w.Flush()
				}
				if writeErr != nil {
					stop.Store(true)
				}
			}
			b.reset()
			pool <- b
		}
	}()

	readErr := readBatches(in, pool, func(b *batch) bool {
		work <- b
		order <- b
		return !stop.Load()
	})
	close(work)
	close(order)
	<-written
	wg.Wait()
	switch {
	case writeErr != nil:
		return flagged, writeErr
	case readErr != nil:
		// A line cut short by a read error is not what was sent: judging
		// it could suggest a "correction" for a fragment.
		w.Flush()
		return flagged, fmt.Errorf("reading standard input: %w", readErr)
	}
	return flagged, w.Flush()
}

// readBatches reads in, line by line, into batches from pool, skipping
// blank lines and trimming spaces, and passes each batch to send, which
// reports whether to go on. It returns the read error, if any (not EOF).
func readBatches(in io.Reader, pool chan *batch, send func(*batch) bool) error {
	br := bufio.NewReaderSize(in, 64<<10)
	var b *batch
	for {
		if b == nil {
			b = <-pool
		}
		// About to block for more input: send what there is, to be
		// judged and written out now.
		if br.Buffered() == 0 && len(b.ends) > 0 {
			b.flush = true
			if !send(b) {
				return nil
			}
			b = <-pool
		}
		start := len(b.arena)
		var long bool
		var err error
		b.arena, long, err = readLineInto(br, b.arena)
		if err != nil && err != io.EOF {
			b.arena = b.arena[:start]
			if len(b.ends) > 0 {
				b.flush = true
				send(b)
			}
			return err
		}
		if !long {
			// Keep the line trimmed of spaces; a blank line is dropped.
			line := bytes.TrimSpace(b.arena[start:])
			n := copy(b.arena[start:], line)
			b.arena = b.arena[:start+n]
		}
		if len(b.arena) > start || long {
			b.ends = append(b.ends, len(b.arena))
			b.long = append(b.long, long)
		}
		if err == io.EOF {
			if len(b.ends) > 0 {
				b.flush = true
				send(b)
			}
			return nil
		}
		if len(b.ends) >= batchLines || len(b.arena) >= batchBytes {
			if !send(b) {
				return nil
			}
			b = nil
		}
	}
}

// readLineInto appends the next line, without its line ending, to dst. A
// line longer than maxLine bytes (its line ending not counted) is consumed
// to its end and reported with long set, and only its first bytes are
// appended.
func readLineInto(br *bufio.Reader, dst []byte) (_ []byte, long bool, err error) {
	start := len(dst)
	for {
		chunk, err := br.ReadSlice('\n')
		if !long {
			if len(dst)-start+len(chunk) <= maxLine+len("\r\n") {
				dst = append(dst, chunk...)
			} else {
				dst = append(dst, chunk[:min(len(chunk), 256)]...)
				long = true
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if !long {
			dst = dst[:start+len(bytes.TrimRight(dst[start:], "\r\n"))]
			long = len(dst)-start > maxLine
		}
		if long {
			return dst[:start+min(len(dst)-start, 256)], true, err
		}
		return dst, false, err
	}
}

// printer writes results as text or JSON Lines to w.
type printer struct {
	w     *bufio.Writer
	json  bool
	color bool
	f     formatter
}

func (p *printer) print(r typoguard.Result) error {
	p.f.json, p.f.color, p.f.buf = p.json, p.color, p.f.buf[:0]
	p.f.print(r)
	_, err := p.w.Write(p.f.buf)
	return err
}

// formatter formats results as text or JSON Lines, appending to buf.
type formatter struct {
	buf   []byte
	json  bool
	color bool
	enc   *json.Encoder // for results with findings; writes to buf
}

// Write appends b to buf, for enc.
func (p *formatter) Write(b []byte) (int, error) {
	p.buf = append(p.buf, b...)
	return len(b), nil
}

func (p *formatter) print(r typoguard.Result) {
	if p.json {
		// Most results have no findings: written by hand, as
		// encoding/json would (TestPlainJSON).
		if buf, ok := appendPlainJSON(p.buf, r); ok {
			p.buf = buf
			return
		}
		out := newCheckOutput(r)
		if p.enc == nil {
			p.enc = json.NewEncoder(p)
			p.enc.SetEscapeHTML(false)
		}
		p.enc.Encode(out) // cannot fail: plain data into memory
		return
	}
	verdict := fmt.Sprintf("%-7s", r.Verdict)
	if p.color {
		verdict = colors[r.Verdict] + verdict + "\x1b[0m"
	}
	switch {
	case r.Err != nil && r.Suggestion != "":
		// Invalid as written, but a punctuation slip of a protected domain.
		p.buf = fmt.Appendf(p.buf, "%s %s: %v; did you mean %s?\n", verdict, printable(r.Input), r.Err, printable(r.Suggestion))
	case r.Err != nil:
		p.buf = fmt.Appendf(p.buf, "%s %s: %v\n", verdict, printable(r.Input), r.Err)
	case r.Suggestion != "":
		p.buf = fmt.Appendf(p.buf, "%s %s: did you mean %s? %s\n", verdict, printable(r.Input), printable(r.Suggestion), r.Findings[0].Message)
	default:
		p.buf = fmt.Appendf(p.buf, "%s %s\n", verdict, printable(r.Input))
	}
}

// tooLong reports an input line longer than maxLine, of which prefix is
// the start.
func (p *formatter) tooLong(prefix string) {
	r := typoguard.Result{
		Input:   prefix + "…",
		Verdict: typoguard.Invalid,
		Err:     fmt.Errorf("typoguard: check: line longer than %d bytes: %w", maxLine, typoguard.ErrTooLong),
	}
	p.print(r)
}

// appendPlainJSON appends r as a line of checkOutput JSON when it has no
// findings, byte for byte as a json.Encoder with SetEscapeHTML(false)
// writes it; ok is false, and nothing is appended, when r has findings.
func appendPlainJSON(dst []byte, r typoguard.Result) (_ []byte, ok bool) {
	if len(r.Findings) > 0 {
		return dst, false
	}
	dst = append(dst, `{"address":`...)
	dst = appendJSONString(dst, r.Input)
	dst = append(dst, `,"verdict":`...)
	dst = appendJSONString(dst, r.Verdict.String())
	dst = append(dst, `,"suggestion":`...)
	dst = appendJSONString(dst, r.Suggestion)
	dst = append(dst, `,"findings":[]`...)
	if r.Err != nil {
		if msg := r.Err.Error(); msg != "" {
			dst = append(dst, `,"error":`...)
			dst = appendJSONString(dst, msg)
		}
	}
	return append(dst, "}\n"...), true
}

// appendJSONString appends s as a JSON string, as encoding/json does
// without HTML escaping: quotes, backslashes and control characters
// escaped (\b \f \n \r \t by name, others as \u00XX), invalid UTF-8 as
// \ufffd, and U+2028 and U+2029 escaped.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= ' ' && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '\\', '"':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

var colors = map[typoguard.Verdict]string{
	typoguard.OK:      "\x1b[32m",
	typoguard.Warn:    "\x1b[33m",
	typoguard.Block:   "\x1b[31m",
	typoguard.Invalid: "\x1b[35m",
}

// printable quotes input that would garble a terminal or hide what it
// says: control characters (C0 and C1, such as the 8-bit CSI U+009B),
// invisible format characters (bidi overrides), other non-printing runes
// and invalid UTF-8.
func printable(s string) string {
	for _, r := range s {
		if r != ' ' && !unicode.IsPrint(r) || r == utf8.RuneError {
			return strconv.Quote(s)
		}
	}
	return s
}

func colorMode(mode string, w io.Writer) (bool, error) {
	switch mode {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto":
		if os.Getenv("NO_COLOR") != "" {
			return false, nil
		}
		f, ok := w.(*os.File)
		if !ok {
			return false, nil
		}
		st, err := f.Stat()
		return err == nil && st.Mode()&os.ModeCharDevice != 0, nil
	}
	return false, fmt.Errorf("-color %q: want auto, always or never", mode)
}
