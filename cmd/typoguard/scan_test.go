package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/typoguard/typoguard"
)

const scanProtect = "army.mil,navy.mil,.mil,gmail.com"

var scanDir = filepath.Join("testdata", "scan")

// scanLine mirrors the scan -json contract: the location members, then
// those of check -json. Decoding is strict.
type scanLine struct {
	File       string        `json:"file"`
	Message    int           `json:"message"`
	MessageID  string        `json:"message_id"`
	Header     string        `json:"header"`
	Address    string        `json:"address"`
	Verdict    string        `json:"verdict"`
	Suggestion string        `json:"suggestion"`
	Findings   []jsonFinding `json:"findings"`
	Error      *string       `json:"error"`
}

func decodeScan(t *testing.T, out string) []scanLine {
	t.Helper()
	return decodeJSONLines[scanLine](t, out, "file", "message", "message_id", "header", "address", "verdict", "suggestion", "findings")
}

// row is the part of a scan line most tests compare.
type row struct {
	file, msgID, header, address, verdict, suggestion string
	message                                           int
}

func rowsOf(lines []scanLine) []row {
	var out []row
	for _, l := range lines {
		out = append(out, row{file: l.File, message: l.Message, msgID: l.MessageID, header: l.Header, address: l.Address, verdict: l.Verdict, suggestion: l.Suggestion})
	}
	return out
}

var (
	emlFile  = filepath.Join(scanDir, "one.eml")
	mboxFile = filepath.Join(scanDir, "inbox.mbox")
	maildir  = filepath.Join(scanDir, "Maildir")
	curFile  = filepath.Join(maildir, "cur", "1700000001.M1P1.example")
	newFile  = filepath.Join(maildir, "new", "1700000002.M2P2.example")
)

var (
	emlRows = []row{
		{file: emlFile, message: 1, msgID: "<eml-1@example.mil>", header: "To", address: `"Jörg Müller" <jorg@gmial.com>`, verdict: "block", suggestion: "jorg@gmail.com"},
		{file: emlFile, message: 1, msgID: "<eml-1@example.mil>", header: "To", address: "john.doe@army.mil", verdict: "ok"},
		{file: emlFile, message: 1, msgID: "<eml-1@example.mil>", header: "Cc", address: `"Doe, Jane" <jane.doe@army.ml>`, verdict: "block", suggestion: "jane.doe@army.mil"},
		{file: emlFile, message: 1, msgID: "<eml-1@example.mil>", header: "Bcc", address: `"François" <francois@navy.mil>`, verdict: "ok"},
	}
	mboxRows = []row{
		{file: mboxFile, message: 1, msgID: "<mbox-1@example.mil>", header: "To", address: "john.doe@army.ml", verdict: "block", suggestion: "john.doe@army.mil"},
		{file: mboxFile, message: 2, verdict: "invalid"}, // malformed: reported, skipped
		{file: mboxFile, message: 3, msgID: "<mbox-3@example.mil>", header: "To", address: "ok@army.mil", verdict: "ok"},
		{file: mboxFile, message: 3, msgID: "<mbox-3@example.mil>", header: "Cc", address: "jane@gmial.com", verdict: "block", suggestion: "jane@gmail.com"},
		{file: mboxFile, message: 3, msgID: "<mbox-3@example.mil>", header: "Cc", address: "not an address", verdict: "invalid"},
	}
	maildirRows = []row{
		{file: curFile, message: 1, msgID: "<maildir-cur@example.mil>", header: "To", address: "a@navy.ml", verdict: "block", suggestion: "a@navy.mil"},
		{file: newFile, message: 1, msgID: "<maildir-new@example.mil>", header: "To", address: "b@army.mil", verdict: "ok"},
	}
)

func TestScan(t *testing.T) {
	cases := []struct {
		name  string
		paths []string
		want  []row
	}{
		{"eml", []string{emlFile}, emlRows},
		{"mbox", []string{mboxFile}, mboxRows},
		{"maildir", []string{maildir}, maildirRows},
		{"maildir cur only", []string{filepath.Join(maildir, "cur")}, maildirRows[:1]},
		{"maildir file by name", []string{curFile}, maildirRows[:1]},
		{"in argument order", []string{mboxFile, emlFile}, append(append([]row{}, mboxRows...), emlRows...)},
		// A directory is walked in lexical order: Maildir, inbox.mbox, one.eml.
		{"directory", []string{scanDir}, append(append(append([]row{}, maildirRows...), mboxRows...), emlRows...)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runCLI(t, "", append([]string{"scan", "-json", "-protect", scanProtect}, tc.paths...)...)
			assert.Empty(t, stderr)
			lines := decodeScan(t, stdout)
			assert.Equal(t, tc.want, rowsOf(lines))
			want := exitOK
			for _, r := range tc.want {
				if r.verdict != "ok" {
					want = exitFlagged
				}
			}
			assert.Equal(t, want, code)
		})
	}
}

// TestScanJSON checks the members of each row against the library and
// against check -json for the same address.
func TestScanJSON(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "scan", "-json", "-protect", scanProtect, mboxFile, emlFile)
	require.Equal(t, exitFlagged, code, stderr)
	lines := decodeScan(t, stdout)
	require.Len(t, lines, len(mboxRows)+len(emlRows))
	for _, l := range lines {
		if l.Header == "" {
			// The malformed message.
			assert.Equal(t, "invalid", l.Verdict)
			assert.Empty(t, l.Address)
			assert.Empty(t, l.MessageID)
			assert.Empty(t, l.Findings)
			require.NotNil(t, l.Error)
			assert.Contains(t, *l.Error, "typoguard: scan: malformed message header")
			assert.Contains(t, *l.Error, "This line is not a header")
			continue
		}
		// The same address through check -json: the same judgment.
		_, out, _ := runCLI(t, "", "check", "-json", "-protect", scanProtect, l.Address)
		checked := decodeLines(t, out)
		require.Len(t, checked, 1)
		c := checked[0]
		assert.Equal(t, c.Verdict, l.Verdict, l.Address)
		assert.Equal(t, c.Suggestion, l.Suggestion, l.Address)
		assert.Equal(t, c.Findings, l.Findings, l.Address)
		assert.Equal(t, c.Error, l.Error, l.Address)
	}
	// The key order is the contract's: location first.
	first, _, _ := strings.Cut(stdout, "\n")
	assert.True(t, strings.HasPrefix(first, `{"file":"testdata/scan/inbox.mbox","message":1,"message_id":"<mbox-1@example.mil>","header":"To","address":"john.doe@army.ml","verdict":"block","suggestion":"john.doe@army.mil","findings":[{`), first)
}

func TestScanText(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "scan", "-protect", scanProtect, mboxFile, emlFile)
	assert.Equal(t, exitFlagged, code)
	assert.Empty(t, stderr)
	want := []string{
		"testdata/scan/inbox.mbox:1 <mbox-1@example.mil> To  block   john.doe@army.ml: did you mean john.doe@army.mil? army.ml looks like army.mil: i deleted from mil (.ml is a real top-level domain: the mail would leave)",
		"testdata/scan/inbox.mbox:2 - -   invalid message not read: typoguard: scan: malformed message header: malformed header line: This line is not a header",
		"testdata/scan/inbox.mbox:3 <mbox-3@example.mil> To  ok      ok@army.mil",
		"testdata/scan/inbox.mbox:3 <mbox-3@example.mil> Cc  block   jane@gmial.com: did you mean jane@gmail.com? gmial.com looks like gmail.com: ai swapped to ia in gmail",
		`testdata/scan/inbox.mbox:3 <mbox-3@example.mil> Cc  invalid not an address: typoguard: check "not an address": invalid address: mail: no angle-addr`,
		`testdata/scan/one.eml <eml-1@example.mil> To  block   "Jörg Müller" <jorg@gmial.com>: did you mean jorg@gmail.com? gmial.com looks like gmail.com: ai swapped to ia in gmail`,
		"testdata/scan/one.eml <eml-1@example.mil> To  ok      john.doe@army.mil",
		`testdata/scan/one.eml <eml-1@example.mil> Cc  block   "Doe, Jane" <jane.doe@army.ml>: did you mean jane.doe@army.mil? army.ml looks like army.mil: i deleted from mil (.ml is a real top-level domain: the mail would leave)`,
		`testdata/scan/one.eml <eml-1@example.mil> Bcc ok      "François" <francois@navy.mil>`,
	}
	got := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if filepath.Separator != '/' {
		for i := range want {
			want[i] = strings.ReplaceAll(want[i], "testdata/scan/", filepath.Join("testdata", "scan")+string(filepath.Separator))
		}
	}
	assert.Equal(t, want, got)

	// -flagged leaves out the ok rows; the exit status is the same.
	code, stdout, _ = runCLI(t, "", "scan", "-flagged", "-protect", scanProtect, mboxFile, emlFile)
	assert.Equal(t, exitFlagged, code)
	var flagged []string
	for _, l := range want {
		if !strings.Contains(l, " ok      ") {
			flagged = append(flagged, l)
		}
	}
	assert.Equal(t, flagged, strings.Split(strings.TrimSuffix(stdout, "\n"), "\n"))

	// Colour, on request.
	_, stdout, _ = runCLI(t, "", "scan", "-color", "always", "-protect", scanProtect, mboxFile)
	assert.Contains(t, stdout, "To  \x1b[31mblock  \x1b[0m john.doe@army.ml")
	assert.Contains(t, stdout, "- -   \x1b[35minvalid\x1b[0m message not read")
}

func TestScanStdin(t *testing.T) {
	eml, err := os.ReadFile(emlFile)
	require.NoError(t, err)
	mbox, err := os.ReadFile(mboxFile)
	require.NoError(t, err)
	withFile := func(rows []row, file string) []row {
		out := append([]row{}, rows...)
		for i := range out {
			out[i].file = file
		}
		return out
	}
	cases := []struct {
		name  string
		stdin string
		args  []string
		want  []row
		code  int
	}{
		{name: "one message", stdin: string(eml), args: []string{"-"}, want: withFile(emlRows, "-"), code: exitFlagged},
		{name: "mbox", stdin: string(mbox), args: []string{"-"}, want: withFile(mboxRows, "-"), code: exitFlagged},
		{name: "with a file", stdin: string(eml), args: []string{mboxFile, "-"}, want: append(append([]row{}, mboxRows...), withFile(emlRows, "-")...), code: exitFlagged},
		{name: "empty", stdin: "", args: []string{"-"}, code: exitOK},
		{name: "clean message", stdin: "To: a@army.mil\nCc: b@gmail.com\n\n", args: []string{"-"}, code: exitOK, want: []row{
			{file: "-", message: 1, header: "To", address: "a@army.mil", verdict: "ok"},
			{file: "-", message: 1, header: "Cc", address: "b@gmail.com", verdict: "ok"},
		}},
		{name: "headers only, no newline at the end", stdin: "To: a@army.ml", args: []string{"-"}, code: exitFlagged, want: []row{
			{file: "-", message: 1, header: "To", address: "a@army.ml", verdict: "block", suggestion: "a@army.mil"},
		}},
		{name: "no recipients", stdin: "Subject: hi\r\n\r\nbody\r\n", args: []string{"-"}, code: exitOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runCLI(t, tc.stdin, append([]string{"scan", "-json", "-protect", scanProtect}, tc.args...)...)
			assert.Equal(t, tc.code, code, stderr)
			assert.Empty(t, stderr)
			assert.Equal(t, tc.want, rowsOf(decodeScan(t, stdout)))
		})
	}
}

func TestScanErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such.mbox")
	cases := []struct {
		name    string
		args    []string
		code    int
		stderr  []string
		rows    int // rows still written
		noUsage bool
	}{
		{name: "no path", args: []string{"scan"}, code: exitError, stderr: []string{"no PATH given", "Usage: typoguard scan"}},
		{name: "help", args: []string{"scan", "-help"}, code: exitOK, stderr: []string{"Usage: typoguard scan", "-flagged", "-preset"}},
		{name: "bad flag", args: []string{"scan", "-x", emlFile}, code: exitError, stderr: []string{"flag provided but not defined: -x"}},
		{name: "bad color", args: []string{"scan", "-color", "x", emlFile}, code: exitError, stderr: []string{`-color "x"`}},
		{name: "bad protect", args: []string{"scan", "-protect", "army..mil", emlFile}, code: exitError, stderr: []string{"army..mil"}},
		// A path that cannot be read: reported, the others still scanned, exit 2.
		{name: "missing path", args: []string{"scan", "-json", "-protect", scanProtect, emlFile, missing, mboxFile}, code: exitError,
			stderr: []string{"typoguard: stat " + missing, "typoguard: scan: 1 of 3 paths could not be read completely"}, rows: len(emlRows) + len(mboxRows)},
		{name: "only a missing path", args: []string{"scan", "-protect", scanProtect, missing}, code: exitError, stderr: []string{missing}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runCLI(t, "", tc.args...)
			assert.Equal(t, tc.code, code, stderr)
			for _, s := range tc.stderr {
				assert.Contains(t, stderr, s)
			}
			assert.NotContains(t, stderr, "typoguard: typoguard:")
			if tc.rows > 0 {
				assert.Len(t, decodeScan(t, stdout), tc.rows)
			} else {
				assert.Empty(t, stdout)
			}
		})
	}
}

func TestScanUnreadableDir(t *testing.T) {
	if os.Getuid() == 0 {
		t.Skip("root reads any directory")
	}
	dir := t.TempDir()
	locked := filepath.Join(dir, "a-locked")
	require.NoError(t, os.Mkdir(locked, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(locked, "x.eml"), []byte("To: x@army.ml\n\n"), 0o644))
	require.NoError(t, os.Chmod(locked, 0))
	t.Cleanup(func() { os.Chmod(locked, 0o755) })
	require.NoError(t, os.WriteFile(filepath.Join(dir, "b.eml"), []byte("To: b@army.ml\n\n"), 0o644))
	code, stdout, stderr := runCLI(t, "", "scan", "-json", "-protect", scanProtect, dir)
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, locked)
	assert.Len(t, decodeScan(t, stdout), 1, "the readable file is still scanned")
}

// TestScanMbox covers the mbox reader: separators, mboxrd quoting, line
// endings, long lines, and the header cap.
func TestScanMbox(t *testing.T) {
	long := strings.Repeat("x", 200<<10) // several buffers
	cases := []struct {
		name string
		in   string
		want []rawMessage
	}{
		{"single message stops at the header", "To: a@b\nCc: c@d\n\nFrom body\nTo: e@f\n",
			[]rawMessage{{n: 1, header: []byte("To: a@b\nCc: c@d\n\n")}}},
		{"mbox", "From x\nTo: a@b\n\nbody\n>From quoted\nFrom y\nTo: c@d\n\n",
			[]rawMessage{{n: 1, header: []byte("To: a@b\n\n")}, {n: 2, header: []byte("To: c@d\n\n")}}},
		{"crlf", "From x\r\nTo: a@b\r\n\r\nbody\r\nFrom y\r\nTo: c@d\r\n\r\n",
			[]rawMessage{{n: 1, header: []byte("To: a@b\r\n\r\n")}, {n: 2, header: []byte("To: c@d\r\n\r\n")}}},
		{"header ended by the next message", "From x\nTo: a@b\nFrom y\nTo: c@d",
			[]rawMessage{{n: 1, header: []byte("To: a@b\n\n")}, {n: 2, header: []byte("To: c@d\n\n")}}},
		{"quoted header line", "From x\n>From: a@b\n>>From c\nTo: d@e\n\n",
			[]rawMessage{{n: 1, header: []byte(">From: a@b\n>From c\nTo: d@e\n\n")}}}, // only ">From " is quoted
		{"empty messages", "From x\nFrom y\n\nFrom z",
			[]rawMessage{{n: 1, header: []byte("\n")}, {n: 2, header: []byte("\n")}}},
		{"long lines", "From " + long + "\nTo: a@b\n\n" + long + "\nFrom " + long + "\nX-Long: " + long + "\n\n",
			[]rawMessage{{n: 1, header: []byte("To: a@b\n\n")}, {n: 2, header: []byte("X-Long: " + long + "\n\n")}}},
		{"long body line starting with From", "From x\nTo: a@b\n\n" + long + "From y\nFrom z\nTo: c@d\n\n",
			[]rawMessage{{n: 1, header: []byte("To: a@b\n\n")}, {n: 2, header: []byte("To: c@d\n\n")}}},
		{"empty", "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			br := bufio.NewReaderSize(strings.NewReader(tc.in), 64<<10)
			r := &messageReader{br: br, mbox: strings.HasPrefix(tc.in, "From "), atStart: true}
			var got []rawMessage
			for {
				m, err := r.next()
				if err == io.EOF {
					break
				}
				require.NoError(t, err)
				got = append(got, m)
			}
			assert.Equal(t, tc.want, got)
		})
	}
	assert.Equal(t, "From x\n", string(unquoteFrom([]byte(">From x\n"))))
	assert.Equal(t, ">From x\n", string(unquoteFrom([]byte(">>From x\n"))))
	assert.Equal(t, ">Fromx\n", string(unquoteFrom([]byte(">Fromx\n"))))
	assert.Equal(t, ">To: x\n", string(unquoteFrom([]byte(">To: x\n"))))
}

// genMbox streams an mbox of n messages, every seventh with a typo,
// without holding it in memory. Message number huge, if any, has a
// header block longer than maxHeaderBlock, produced as it is read.
type genMbox struct {
	n, i    int
	huge    int
	pad     int // padding bytes of the huge header still to produce
	buf     bytes.Buffer
	written int64
}

func (g *genMbox) Read(p []byte) (int, error) {
	for g.buf.Len() < len(p) && (g.i < g.n || g.pad > 0) {
		if g.pad > 0 {
			line := "X-Padding: " + strings.Repeat("p", 1000) + "\n"
			g.buf.WriteString(line)
			if g.pad -= len(line); g.pad <= 0 {
				g.buf.WriteString("To: huge@army.ml\n\nbody\n")
			}
			continue
		}
		g.i++
		fmt.Fprintf(&g.buf, "From sender@army.mil Mon Jan  1 00:00:00 2024\nMessage-ID: <%d@example.mil>\n", g.i)
		if g.i == g.huge {
			g.pad = maxHeaderBlock + 1
			continue
		}
		to := "user@army.mil"
		if g.i%7 == 0 {
			to = "user@army.ml"
		}
		fmt.Fprintf(&g.buf, "To: %s\nSubject: %d\n\n%s\n>From quoted\n\n", to, g.i, strings.Repeat("body ", 50))
	}
	n, err := g.buf.Read(p)
	g.written += int64(n)
	if err == io.EOF && (g.i < g.n || g.pad > 0) {
		err = nil
	}
	return n, err
}

func TestScanLargeMbox(t *testing.T) {
	n := 20000
	if raceEnabled || testing.Short() {
		n = 3000
	}
	gen := &genMbox{n: n, huge: 5}
	var out, errb bytes.Buffer
	code := run([]string{"scan", "-json", "-flagged", "-protect", scanProtect, "-"}, gen, &out, &errb)
	assert.Equal(t, exitFlagged, code)
	assert.Empty(t, errb.String(), "no progress lines when stderr is not a terminal")
	lines := decodeScan(t, out.String())
	require.Equal(t, n/7+1, len(lines))
	for _, l := range lines {
		if l.Message == 5 {
			assert.Equal(t, "invalid", l.Verdict)
			require.NotNil(t, l.Error)
			assert.Contains(t, *l.Error, "message header longer than")
			continue
		}
		assert.Zero(t, l.Message%7, "message %d", l.Message)
		assert.Equal(t, "block", l.Verdict)
		assert.Equal(t, fmt.Sprintf("<%d@example.mil>", l.Message), l.MessageID)
	}
	assert.Greater(t, gen.written, int64(maxHeaderBlock), "the huge header was read through")
}

func TestScanProgress(t *testing.T) {
	var out, errb bytes.Buffer
	g := typoguard.MustNew([]string{"army.mil", ".mil"})
	w := bufio.NewWriter(&out)
	s := &scanner{g: g, w: w, p: &printer{w: w}, stderr: &errb, progress: true, every: 1000}
	require.NoError(t, s.scanStream("-", &genMbox{n: 2500}))
	require.NoError(t, w.Flush())
	s.summary()
	assert.Equal(t, "typoguard: scanned 1000 messages, 1000 recipients\n"+
		"typoguard: scanned 2000 messages, 2000 recipients\n"+
		"typoguard: scanned 2500 messages, 2500 recipients\n", errb.String())
	assert.Equal(t, 2500, s.messages)
	assert.Equal(t, 2500, strings.Count(out.String(), "\n"))

	// No total after a short scan, nor twice after a round number.
	for _, n := range []int{999, 2000} {
		errb.Reset()
		s := &scanner{g: g, w: w, p: &printer{w: w}, stderr: &errb, progress: true, every: 1000}
		require.NoError(t, s.scanStream("-", &genMbox{n: n}))
		s.summary()
		assert.Equal(t, n/1000, strings.Count(errb.String(), "\n"), "%d messages: %q", n, errb.String())
	}

	// Not a terminal: no progress, whatever the length.
	assert.False(t, isTerminal(&errb))
	r, w2, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w2.Close()
	assert.False(t, isTerminal(w2))
}
