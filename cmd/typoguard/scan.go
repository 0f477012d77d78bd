package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/typoguard/typoguard"
)

// maxHeaderBlock bounds the header block of one message, the only part of
// a message scan keeps in memory: bodies stream past, so a message of any
// size costs constant memory. A longer header block is reported as
// invalid and the message skipped.
const maxHeaderBlock = 8 << 20

// progressEvery is how many messages pass between progress lines.
const progressEvery = 1000

// scanOutput is one JSON line of "typoguard scan -json": where the
// recipient was found, then the members of "check -json".
type scanOutput struct {
	File      string `json:"file"`       // the path as given or walked; "-" for standard input
	Message   int    `json:"message"`    // 1-based number of the message in the file
	MessageID string `json:"message_id"` // the Message-ID header, "" when absent or unreadable
	Header    string `json:"header"`     // "To", "Cc" or "Bcc"; "" for a message that could not be read
	checkOutput
}

func runScan(args []string, stdin io.Reader, stdout, stderr io.Writer) (flagged bool, err error) {
	flags := flag.NewFlagSet("scan", flag.ContinueOnError)
	flags.SetOutput(stderr)
	var pf protectFlags
	pf.register(flags)
	jsonOut := flags.Bool("json", false, "write JSON Lines, one object per recipient")
	color := flags.String("color", "auto", "colour the text output: auto (on a terminal), always or never")
	onlyFlagged := flags.Bool("flagged", false, "write only recipients that are not ok")
	flags.Usage = func() {
		fmt.Fprintf(flags.Output(), `Usage: typoguard scan [flags] PATH ...

Audits stored mail: judges every To, Cc and Bcc recipient of each message,
one row per recipient, in order. A PATH is a message file (.eml), an mbox
file (messages separated by "From " lines, mboxrd quoting), a directory
(walked for Maildir cur/ and new/ files, *.eml and *.mbox files), or "-"
for standard input (one message, or an mbox when it starts with "From ").
A message that cannot be parsed is reported as invalid and skipped.
Text rows read FILE[:MESSAGE] MESSAGE-ID HEADER, then what check prints.
Exit status: 0 when every recipient is ok, 1 when any is warn, block or
invalid, 2 on a usage error or when a PATH could not be read (the other
PATHs are still scanned).

%s
Flags:
`, defaultSetHelp())
		flags.PrintDefaults()
	}
	if err := parseFlags(flags, args); err != nil {
		return false, err
	}
	if flags.NArg() == 0 {
		fmt.Fprintln(stderr, "typoguard scan: no PATH given (use - for standard input)")
		flags.Usage()
		return false, errUsage
	}
	g, useColor, err := pf.setup(*color, stdout, stderr)
	if err != nil {
		return false, err
	}
	w := bufio.NewWriterSize(stdout, 64<<10)
	s := &scanner{
		g:           g,
		w:           w,
		p:           &printer{w: w, color: useColor},
		json:        *jsonOut,
		onlyFlagged: *onlyFlagged,
		stdin:       stdin,
		stderr:      stderr,
		every:       progressEvery,
		progress:    isTerminal(stderr),
	}
	for _, path := range flags.Args() {
		if err := s.scanPath(path); err != nil {
			// Writing the rows failed: nothing more can be reported.
			return s.flagged, err
		}
	}
	if err := w.Flush(); err != nil {
		return s.flagged, err
	}
	s.summary()
	if s.failed > 0 {
		return s.flagged, fmt.Errorf("scan: %d of %d paths could not be read completely", s.failed, flags.NArg())
	}
	return s.flagged, nil
}

// scanner writes the rows of a scan and counts what it saw.
type scanner struct {
	g           *typoguard.Guard
	w           *bufio.Writer
	p           *printer // text rows, after their location
	enc         *json.Encoder
	json        bool
	onlyFlagged bool
	stdin       io.Reader
	stderr      io.Writer
	progress    bool // write progress lines to stderr
	every       int  // messages between progress lines

	maildirs map[string]bool // cur and new directories seen: whether in a Maildir

	messages, recipients int
	flagged              bool // a recipient was not ok, or a message not readable
	failed               int  // paths with an I/O error
}

// errWrite marks a failure to write the output, which ends the scan.
type errWrite struct{ err error }

func (e errWrite) Error() string { return e.err.Error() }
func (e errWrite) Unwrap() error { return e.err }

// scanPath scans one PATH argument. An error reading the input is
// reported on stderr and counted, and the scan goes on; only an error
// writing the output is returned.
func (s *scanner) scanPath(path string) error {
	failed := false
	defer func() {
		if failed {
			s.failed++
		}
	}()
	fail := func(err error) error {
		if err == nil {
			return nil
		}
		var we errWrite
		if errors.As(err, &we) {
			return we.err
		}
		failed = true
		if err := s.w.Flush(); err != nil { // the rows so far come first
			return err
		}
		fmt.Fprintf(s.stderr, "typoguard: %v\n", err)
		return nil
	}
	if path == "-" {
		return fail(s.scanStream("-", s.stdin))
	}
	st, err := os.Stat(path)
	if err != nil {
		return fail(err)
	}
	if !st.IsDir() {
		return fail(s.scanFile(path))
	}
	return filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return fail(err) // an unreadable directory is skipped
		case d.IsDir():
			if d.Name() == "tmp" && isMaildir(filepath.Dir(p)) {
				return fs.SkipDir // messages being delivered
			}
			return nil
		case !s.isMessageFile(p, d.Name()):
			return nil
		}
		return fail(s.scanFile(p))
	})
}

// isMaildir reports whether dir has the cur or new directory of a Maildir.
func isMaildir(dir string) bool {
	for _, sub := range []string{"cur", "new"} {
		if st, err := os.Stat(filepath.Join(dir, sub)); err == nil && st.IsDir() {
			return true
		}
	}
	return false
}

// isMessageFile reports whether a file met in a directory walk is mail:
// a file in a Maildir's cur or new directory (not a dot file, per the
// Maildir convention), or a *.eml or *.mbox file. Other files (indexes,
// dovecot-uidlist) are skipped; name them as PATHs to scan them.
func (s *scanner) isMessageFile(path, name string) bool {
	if strings.HasPrefix(name, ".") {
		return false
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".eml", ".mbox":
		return true
	}
	dir := filepath.Dir(path)
	switch filepath.Base(dir) {
	case "cur", "new":
		// Once per directory, not per message.
		ok, seen := s.maildirs[dir]
		if !seen {
			ok = isMaildir(filepath.Dir(dir))
			if s.maildirs == nil {
				s.maildirs = map[string]bool{}
			}
			s.maildirs[dir] = ok
		}
		return ok
	}
	return false
}

func (s *scanner) scanFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return s.scanStream(path, f)
}

// scanStream scans one message, or an mbox when the input starts with
// "From ". Errors reading r are wrapped with name; write errors are
// errWrite.
func (s *scanner) scanStream(name string, r io.Reader) error {
	br := bufio.NewReaderSize(r, 64<<10)
	peek, err := br.Peek(len("From "))
	if err != nil && err != io.EOF {
		return fmt.Errorf("read %s: %w", name, err)
	}
	mr := &messageReader{br: br, mbox: string(peek) == "From ", atStart: true}
	for {
		m, err := mr.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		if err := s.message(name, mr.mbox, m); err != nil {
			return errWrite{err}
		}
	}
}

// message judges the recipients of one message and writes its rows.
func (s *scanner) message(file string, mbox bool, m rawMessage) error {
	s.messages++
	defer s.tick()
	loc := location{file: file, n: m.n, mbox: mbox}
	if m.tooBig {
		return s.unreadable(loc, fmt.Errorf("typoguard: scan: message header longer than %d bytes: %w", maxHeaderBlock, typoguard.ErrTooLong))
	}
	msg, err := mail.ReadMessage(bytes.NewReader(m.header))
	if err != nil {
		return s.unreadable(loc, fmt.Errorf("typoguard: scan: malformed message header: %w", err))
	}
	id := strings.TrimSpace(msg.Header.Get("Message-Id"))
	recipients, _ := s.g.CheckRecipients(msg.Header)
	for _, r := range recipients {
		s.recipients++
		if err := s.row(loc, id, r.Header, r.Result); err != nil {
			return err
		}
	}
	return nil
}

// tick writes a progress line every s.every messages.
func (s *scanner) tick() {
	if !s.progress || s.messages%s.every != 0 {
		return
	}
	s.w.Flush() // a write error shows on the next row
	fmt.Fprintf(s.stderr, "typoguard: scanned %d messages, %d recipients\n", s.messages, s.recipients)
}

// summary ends the progress lines of a long scan with the totals.
func (s *scanner) summary() {
	if s.progress && s.messages > s.every && s.messages%s.every != 0 {
		fmt.Fprintf(s.stderr, "typoguard: scanned %d messages, %d recipients\n", s.messages, s.recipients)
	}
}

// location is where a message was found.
type location struct {
	file string
	n    int  // 1-based number in the file
	mbox bool // the file holds several messages: n is shown
}

func (l location) String() string {
	if l.mbox {
		return printable(l.file) + ":" + strconv.Itoa(l.n)
	}
	return printable(l.file)
}

// row writes one recipient.
func (s *scanner) row(loc location, id, header string, r typoguard.Result) error {
	if r.Verdict != typoguard.OK {
		s.flagged = true
	} else if s.onlyFlagged {
		return nil
	}
	if s.json {
		return s.encode(scanOutput{
			File:        loc.file,
			Message:     loc.n,
			MessageID:   id,
			Header:      header,
			checkOutput: newCheckOutput(r),
		})
	}
	if _, err := fmt.Fprintf(s.w, "%s %s %-3s ", loc, orDash(id), header); err != nil {
		return err
	}
	return s.p.print(r)
}

// unreadable writes the row of a message that could not be parsed: it
// counts as invalid.
func (s *scanner) unreadable(loc location, err error) error {
	s.flagged = true
	if s.json {
		return s.encode(scanOutput{
			File:        loc.file,
			Message:     loc.n,
			checkOutput: checkOutput{Verdict: typoguard.Invalid.String(), Findings: []typoguard.Finding{}, Error: err.Error()},
		})
	}
	verdict := fmt.Sprintf("%-7s", typoguard.Invalid)
	if s.p.color {
		verdict = colors[typoguard.Invalid] + verdict + "\x1b[0m"
	}
	_, werr := fmt.Fprintf(s.w, "%s - -   %s message not read: %s\n", loc, verdict, printable(err.Error()))
	return werr
}

func (s *scanner) encode(v any) error {
	if s.enc == nil {
		s.enc = json.NewEncoder(s.w)
		s.enc.SetEscapeHTML(false)
	}
	return s.enc.Encode(v)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return printable(s)
}

// isTerminal reports whether w is a terminal, for progress lines.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// rawMessage is the header block of one message.
type rawMessage struct {
	n      int    // 1-based number in the input
	header []byte // the header lines and the blank line after them
	tooBig bool   // the header block was longer than maxHeaderBlock
}

// messageReader splits its input into messages and keeps only their
// header blocks. In an mbox (RFC 4155) every line that starts with
// "From " begins a message, and quoted lines (">From ", ">>From ") lose
// one '>' as mboxrd specifies; otherwise the input is one message, and
// nothing after its header block is read.
type messageReader struct {
	br      *bufio.Reader
	mbox    bool
	atStart bool // the next chunk starts a line
	n       int
	pending bool // the "From " line of the next message was read
	done    bool
}

// chunk returns the next line, or the next part of a line longer than
// the buffer; start says whether it begins a line. At the end of input
// it returns io.EOF with the last, unterminated chunk (possibly empty).
func (r *messageReader) chunk() (b []byte, start bool, err error) {
	start = r.atStart
	b, err = r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		r.atStart = false
		return b, start, nil
	}
	r.atStart = true
	return b, start, err
}

// isFrom reports whether a chunk that begins a line separates messages.
func isFrom(b []byte) bool { return bytes.HasPrefix(b, []byte("From ")) }

// skipLine reads to the end of a line longer than the buffer, whose
// first chunk was read; err is the error that came with that chunk.
func (r *messageReader) skipLine(err error) error {
	for err == nil && !r.atStart {
		_, _, err = r.chunk()
	}
	return err
}

// next returns the next message's header block, or io.EOF.
func (r *messageReader) next() (rawMessage, error) {
	if r.done {
		return rawMessage{}, io.EOF
	}
	if _, err := r.br.Peek(1); err == io.EOF && !r.pending {
		r.done = true
		return rawMessage{}, io.EOF // empty input: no message
	}
	if r.mbox && !r.pending {
		// The first message: skip to its "From " line.
		for {
			b, start, err := r.chunk()
			if start && isFrom(b) {
				if err = r.eof(r.skipLine(err)); err != nil {
					return rawMessage{}, err
				}
				break
			}
			if err != nil {
				r.done = true
				if err == io.EOF {
					return rawMessage{}, io.EOF
				}
				return rawMessage{}, err
			}
		}
	}
	if r.done {
		return rawMessage{}, io.EOF // a "From " line with nothing after it
	}
	r.pending = false
	r.n++
	m := rawMessage{n: r.n}
	// The header block, up to the first empty line.
	for {
		b, start, err := r.chunk()
		if start && r.mbox && isFrom(b) {
			r.pending = true
			m.header = terminate(m.header)
			return m, r.eof(r.skipLine(err))
		}
		if start && (string(b) == "\n" || string(b) == "\r\n") {
			m.header = append(m.header, b...)
			break
		}
		if start && r.mbox {
			b = unquoteFrom(b)
		}
		if !m.tooBig && len(m.header)+len(b) <= maxHeaderBlock {
			m.header = append(m.header, b...)
		} else {
			m.tooBig, m.header = true, nil
		}
		if err != nil {
			m.header = terminate(m.header)
			return m, r.eof(err)
		}
	}
	if !r.mbox {
		r.done = true
		return m, nil
	}
	// The body streams past, up to the next "From " line.
	for {
		b, start, err := r.chunk()
		if start && isFrom(b) {
			r.pending = true
			return m, r.eof(r.skipLine(err))
		}
		if err != nil {
			return m, r.eof(err)
		}
	}
}

// eof turns the error that ended a message into the reader's state: the
// message is returned either way, and an I/O error is returned with it
// only when it is not the end of the input.
func (r *messageReader) eof(err error) error {
	if err == nil {
		return nil
	}
	r.done = true
	if err == io.EOF {
		return nil
	}
	return err
}

// terminate ends a header block cut short (by the end of input or the
// next message) with the empty line net/mail expects.
func terminate(h []byte) []byte {
	if len(h) > 0 && h[len(h)-1] != '\n' {
		h = append(h, '\n')
	}
	return append(h, '\n')
}

// unquoteFrom removes one '>' from a line quoted by mboxrd: ">From " is
// "From ", ">>From " is ">From ".
func unquoteFrom(b []byte) []byte {
	i := 0
	for i < len(b) && b[i] == '>' {
		i++
	}
	if i > 0 && bytes.HasPrefix(b[i:], []byte("From ")) {
		return b[1:]
	}
	return b
}
