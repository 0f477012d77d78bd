package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
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
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return false, err
		}
		return false, errUsage
	}
	g, err := pf.guard()
	if err != nil {
		return false, err
	}
	useColor, err := colorMode(*color, stdout)
	if err != nil {
		fmt.Fprintln(stderr, "typoguard:", err)
		return false, errUsage
	}
	w := bufio.NewWriterSize(stdout, 64<<10)
	p := &printer{w: w, json: *jsonOut, color: useColor}
	emit := func(addr string) error {
		r, _ := g.Check(addr)
		if r.Verdict != typoguard.OK {
			flagged = true
		}
		return p.print(r)
	}
	if fs.NArg() > 0 {
		for _, a := range fs.Args() {
			if err := emit(a); err != nil {
				return flagged, err
			}
		}
		return flagged, w.Flush()
	}
	br := bufio.NewReaderSize(stdin, 64<<10)
	for {
		// Deliver the verdicts so far before blocking on more input, so
		// that a tool feeding addresses one at a time gets each answer.
		if br.Buffered() == 0 {
			if err := w.Flush(); err != nil {
				return flagged, err
			}
		}
		line, tooLong, err := readLine(br)
		if err != nil && err != io.EOF {
			// A line cut short by a read error is not what was sent:
			// judging it could suggest a "correction" for a fragment.
			w.Flush()
			return flagged, fmt.Errorf("reading standard input: %w", err)
		}
		if len(line) > 0 || tooLong {
			if tooLong {
				flagged = true
				if err := p.tooLong(line); err != nil {
					return flagged, err
				}
			} else if s := strings.TrimSpace(string(line)); s != "" {
				if err := emit(s); err != nil {
					return flagged, err
				}
			}
		}
		if err == io.EOF {
			return flagged, w.Flush()
		}
	}
}

// readLine returns the next line without its line ending. A line longer
// than maxLine bytes (its line ending not counted) is consumed to its end
// and reported with tooLong set and its first bytes in line.
func readLine(br *bufio.Reader) (line []byte, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) <= maxLine+len("\r\n") {
				buf = append(buf, chunk...)
			} else {
				buf = append(buf, chunk[:min(len(chunk), 256)]...)
				tooLong = true
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if !tooLong {
			buf = bytes.TrimRight(buf, "\r\n")
			tooLong = len(buf) > maxLine
		}
		if tooLong {
			return buf[:min(len(buf), 256)], true, err
		}
		return buf, false, err
	}
}

// printer writes results as text or JSON Lines.
type printer struct {
	w     *bufio.Writer
	json  bool
	color bool
	enc   *json.Encoder
}

func (p *printer) print(r typoguard.Result) error {
	if p.json {
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
		if p.enc == nil {
			p.enc = json.NewEncoder(p.w)
			p.enc.SetEscapeHTML(false)
		}
		return p.enc.Encode(out)
	}
	verdict := fmt.Sprintf("%-7s", r.Verdict)
	if p.color {
		verdict = colors[r.Verdict] + verdict + "\x1b[0m"
	}
	var err error
	switch {
	case r.Err != nil && r.Suggestion != "":
		// Invalid as written, but a punctuation slip of a protected domain.
		_, err = fmt.Fprintf(p.w, "%s %s: %v; did you mean %s?\n", verdict, printable(r.Input), r.Err, printable(r.Suggestion))
	case r.Err != nil:
		_, err = fmt.Fprintf(p.w, "%s %s: %v\n", verdict, printable(r.Input), r.Err)
	case r.Suggestion != "":
		_, err = fmt.Fprintf(p.w, "%s %s: did you mean %s? %s\n", verdict, printable(r.Input), printable(r.Suggestion), r.Findings[0].Message)
	default:
		_, err = fmt.Fprintf(p.w, "%s %s\n", verdict, printable(r.Input))
	}
	return err
}

// tooLong reports an input line longer than maxLine.
func (p *printer) tooLong(prefix []byte) error {
	r := typoguard.Result{
		Input:   string(prefix) + "…",
		Verdict: typoguard.Invalid,
		Err:     fmt.Errorf("typoguard: check: line longer than %d bytes: %w", maxLine, typoguard.ErrTooLong),
	}
	return p.print(r)
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
