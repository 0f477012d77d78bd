package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/typoguard/typoguard"
)

var update = flag.Bool("update", false, "rewrite golden files")

var (
	milEntries      = []string{"army.mil", "navy.mil", "af.mil", ".mil"}
	providerEntries = []string{"gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "aol.com", "comcast.net", "sky.com", "mail.com", "me.com", "gmx.net"}
	milFlag         = strings.Join(milEntries, ",")
	providerFlag    = strings.Join(providerEntries, ",")
)

// runCLI runs the CLI in-process and returns its exit status and output.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// jsonFinding and jsonLine mirror the -json contract. Decoding is strict:
// an unexpected member fails the test, so renaming one cannot slip by.
type jsonFinding struct {
	Rule       string            `json:"rule"`
	Target     string            `json:"target"`
	Domain     string            `json:"domain"`
	Suggestion string            `json:"suggestion"`
	Score      float64           `json:"score"`
	Severity   string            `json:"severity"`
	Message    string            `json:"message"`
	Edits      []json.RawMessage `json:"edits"`
}

type jsonLine struct {
	Address    string        `json:"address"`
	Verdict    string        `json:"verdict"`
	Suggestion string        `json:"suggestion"`
	Findings   []jsonFinding `json:"findings"`
	Error      *string       `json:"error"`
}

// decodeLines decodes JSON Lines output, checking the members every
// object must have.
func decodeLines(t *testing.T, out string) []jsonLine {
	t.Helper()
	return decodeJSONLines[jsonLine](t, out, "address", "verdict", "suggestion", "findings")
}

// decodeJSONLines decodes JSON Lines output strictly into T: every line
// has each of the members keys, findings is [] when none (never null),
// and no member is unknown to T.
func decodeJSONLines[T any](t *testing.T, out string, keys ...string) []T {
	t.Helper()
	if out == "" {
		return nil
	}
	require.True(t, strings.HasSuffix(out, "\n"), "JSON Lines output ends with a newline")
	var lines []T
	for i, raw := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var members map[string]json.RawMessage
		require.NoError(t, json.Unmarshal([]byte(raw), &members), "line %d: %s", i+1, raw)
		for _, k := range keys {
			require.Contains(t, members, k, "line %d: %s", i+1, raw)
		}
		require.NotEqual(t, "null", string(members["findings"]), "findings is [] when none, never null: %s", raw)
		dec := json.NewDecoder(strings.NewReader(raw))
		dec.DisallowUnknownFields()
		var l T
		require.NoError(t, dec.Decode(&l), "line %d: %s", i+1, raw)
		lines = append(lines, l)
	}
	return lines
}

type cliCase struct {
	in         string
	verdict    string
	suggestion string // for warn and block
	rule       string // top finding's rule, when set
}

// The verdicts mirror the library's tables in typoguard_test.go.
var milCases = []cliCase{
	{in: "john.doe@army.ml", verdict: "block", suggestion: "john.doe@army.mil", rule: "suffix-slip"},
	{in: "john.doe@ARMY.ML", verdict: "block", suggestion: "john.doe@army.mil", rule: "suffix-slip"},
	{in: "JOHN.DOE@ARMY.ML", verdict: "block", suggestion: "JOHN.DOE@army.mil", rule: "suffix-slip"},
	{in: "john.doe@Army.Ml", verdict: "block", suggestion: "john.doe@army.mil", rule: "suffix-slip"},
	{in: `"John Doe" <john.doe@army.ml>`, verdict: "block", suggestion: "john.doe@army.mil", rule: "suffix-slip"},
	{in: "John Doe <john.doe@army.ml>", verdict: "block", suggestion: "john.doe@army.mil", rule: "suffix-slip"},
	{in: "john.doe@army.mil.ml", verdict: "block", suggestion: "john.doe@army.mil", rule: "appended-label"},
	{in: "john.doe@us.army.ml", verdict: "block", suggestion: "john.doe@us.army.mil"},
	{in: "john.doe@navy.ml", verdict: "block", suggestion: "john.doe@navy.mil"},
	{in: "john.doe@af.ml", verdict: "block", suggestion: "john.doe@af.mil", rule: "suffix-slip"},
	{in: "john.doe@amry.mil", verdict: "warn", suggestion: "john.doe@army.mil", rule: "inside-suffix"},
	{in: "john.doe@darpa.ml", verdict: "block", suggestion: "john.doe@darpa.mil", rule: "suffix-slip"},
	{in: "john.doe@army.mil", verdict: "ok"},
	{in: "John.Doe@ARMY.MIL", verdict: "ok"},
	{in: "john@army.mil.", verdict: "ok"},
	{in: "john.doe@mail.army.mil", verdict: "ok"},
	{in: "john.doe@dtic.mil", verdict: "ok"},
	{in: "john.doe@example.com", verdict: "ok"},
	{in: "info@gouv.ml", verdict: "ok"},
	{in: "info@malijet.ml", verdict: "ok"},
	{in: "postmaster@[192.0.2.1]", verdict: "ok"},
	{in: "not an address", verdict: "invalid"},
	{in: "john.doe@", verdict: "invalid"},
	{in: "@army.mil", verdict: "invalid"},
	{in: "john@army..mil", verdict: "invalid", suggestion: "john@army.mil", rule: "punctuation"},
	{in: "john@army.ml.", verdict: "block", suggestion: "john@army.mil", rule: "suffix-slip"},
}

var providerCases = []cliCase{
	{in: "jane@gmial.com", verdict: "block", suggestion: "jane@gmail.com", rule: "near-miss"},
	{in: "jane@gmail.con", verdict: "warn", suggestion: "jane@gmail.com"},
	{in: "jane@gmail.co", verdict: "block", suggestion: "jane@gmail.com", rule: "suffix-slip"},
	{in: "jane@gmai.com", verdict: "block", suggestion: "jane@gmail.com"},
	{in: "jane@gmaill.com", verdict: "block", suggestion: "jane@gmail.com"},
	{in: "jane@gmailcom", verdict: "warn", suggestion: "jane@gmail.com"},
	{in: "jane@gmail.com.co", verdict: "block", suggestion: "jane@gmail.com", rule: "appended-label"},
	{in: "jane@yahooo.com", verdict: "block", suggestion: "jane@yahoo.com"},
	{in: "jane@yaho.com", verdict: "block", suggestion: "jane@yahoo.com"},
	{in: "jane@yahoo.cm", verdict: "block", suggestion: "jane@yahoo.com"},
	{in: "jane@hotmial.com", verdict: "block", suggestion: "jane@hotmail.com"},
	{in: "jane@hotmail.comm", verdict: "warn", suggestion: "jane@hotmail.com"},
	{in: "jane@hotrnail.com", verdict: "block", suggestion: "jane@hotmail.com"},
	{in: "jane@outlok.com", verdict: "block", suggestion: "jane@outlook.com"},
	{in: "jane@outlo0k.com", verdict: "block", suggestion: "jane@outlook.com"},
	{in: "jane@icloud.co", verdict: "block", suggestion: "jane@icloud.com"},
	{in: "jane@comcast.nte", verdict: "warn", suggestion: "jane@comcast.net"},
	{in: `"Jane Roe" <jane.roe@gmial.com>`, verdict: "block", suggestion: "jane.roe@gmail.com"},
	{in: `"jane roe"@gmial.com`, verdict: "block", suggestion: `"jane roe"@gmail.com`},
	{in: "jane@gmail..com", verdict: "invalid", suggestion: "jane@gmail.com", rule: "punctuation"},
	{in: "jane@gmail,com", verdict: "invalid", suggestion: "jane@gmail.com", rule: "punctuation"},
	{in: "jane@gmail com", verdict: "invalid", suggestion: "jane@gmail.com", rule: "punctuation"},
	{in: "Jane <jane@gmail,com>", verdict: "invalid", suggestion: "jane@gmail.com", rule: "punctuation"},
	{in: "jane@gmial..com", verdict: "invalid", suggestion: "jane@gmail.com", rule: "punctuation"},
	{in: "jane@example..org", verdict: "invalid"},
	{in: "@gmail..com", verdict: "invalid"},
	{in: "jane@gmail.com", verdict: "ok"},
	{in: "Jane+news@GMAIL.COM", verdict: "ok"},
	{in: "jane@googlemail.com", verdict: "ok"},
	{in: "jane@yahoo.co.uk", verdict: "ok"},
	{in: "jane@hey.com", verdict: "ok"},
	{in: "jane@mac.com", verdict: "ok"},
	{in: "jane@gmx.com", verdict: "ok"},
	{in: "jane@gmx.de", verdict: "ok"},
	{in: "jane@pacific.co", verdict: "ok"},
	{in: "jane@163.com", verdict: "ok"},
	{in: "jane@mailw.com", verdict: "ok"},
	{in: "jane@mask.io", verdict: "ok"},
	{in: "jane@comcast.com", verdict: "ok"},
	{in: "jane@hotmail.fr", verdict: "ok"},
	{in: "jane@ymail.com", verdict: "ok"},
}

func TestCheckMilitary(t *testing.T) {
	runCheckCases(t, milEntries, milCases)
}

func TestCheckProviders(t *testing.T) {
	runCheckCases(t, providerEntries, providerCases)
}

// runCheckCases checks each case through "check -json ADDRESS", compares
// the CLI with the library, then checks all of them at once through
// standard input, where the output must come in input order.
func runCheckCases(t *testing.T, entries []string, cases []cliCase) {
	protect := strings.Join(entries, ",")
	g := typoguard.MustNew(entries)
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runCLI(t, "", "check", "-json", "-protect", protect, tc.in)
			assert.Empty(t, stderr)
			lines := decodeLines(t, stdout)
			require.Len(t, lines, 1)
			l := lines[0]
			assertLine(t, tc, l)
			if tc.verdict == "ok" {
				assert.Equal(t, exitOK, code)
			} else {
				assert.Equal(t, exitFlagged, code)
			}

			// The CLI reports exactly what the library decides.
			r, err := g.Check(tc.in)
			assert.Equal(t, r.Verdict.String(), l.Verdict, "CLI and library disagree on the verdict")
			assert.Equal(t, r.Suggestion, l.Suggestion, "CLI and library disagree on the suggestion")
			if err != nil {
				require.NotNil(t, l.Error)
				assert.Equal(t, err.Error(), *l.Error)
			}
			want, _ := json.Marshal(r)
			var lib struct {
				Findings []jsonFinding `json:"findings"`
			}
			require.NoError(t, json.Unmarshal(want, &lib))
			assert.Equal(t, lib.Findings, l.Findings, "CLI and library disagree on the findings")
		})
	}
	t.Run("stdin", func(t *testing.T) {
		t.Parallel()
		var in strings.Builder
		for _, tc := range cases {
			in.WriteString(tc.in + "\n")
		}
		code, stdout, stderr := runCLI(t, in.String(), "check", "-json", "-protect", protect)
		assert.Equal(t, exitFlagged, code)
		assert.Empty(t, stderr)
		lines := decodeLines(t, stdout)
		require.Len(t, lines, len(cases))
		for i, tc := range cases {
			assertLine(t, tc, lines[i])
		}
	})
}

func assertLine(t *testing.T, tc cliCase, l jsonLine) {
	t.Helper()
	assert.Equal(t, tc.in, l.Address, "address is the input as given")
	assert.Equal(t, tc.verdict, l.Verdict, "%s: findings %+v", tc.in, l.Findings)
	assert.Equal(t, tc.suggestion, l.Suggestion, tc.in)
	switch tc.verdict {
	case "invalid":
		require.NotNil(t, l.Error, "invalid input has an error member")
		assert.True(t, strings.HasPrefix(*l.Error, "typoguard:"), *l.Error)
		if tc.suggestion == "" {
			assert.Empty(t, l.Findings)
			return
		}
		// A punctuation slip of a protected domain: still invalid as
		// written, with the repair as the one finding.
		require.Len(t, l.Findings, 1)
		f := l.Findings[0]
		assert.Equal(t, tc.rule, f.Rule)
		assert.Equal(t, tc.suggestion, f.Suggestion)
		assert.NotEmpty(t, f.Target)
		assert.NotEmpty(t, f.Message)
	case "ok":
		assert.Nil(t, l.Error, "no error member unless invalid")
		for _, f := range l.Findings {
			assert.Equal(t, "info", f.Severity, "an ok address has only info findings: %+v", f)
		}
	default:
		assert.Nil(t, l.Error, "no error member unless invalid")
		require.NotEmpty(t, l.Findings)
		top := l.Findings[0]
		if tc.rule != "" {
			assert.Equal(t, tc.rule, top.Rule)
		}
		assert.Contains(t, []string{"near-miss", "suffix-slip", "appended-label", "inside-suffix"}, top.Rule)
		assert.NotEmpty(t, top.Target)
		assert.Equal(t, tc.suggestion, top.Suggestion)
		assert.Equal(t, tc.verdict, top.Severity, "the top finding sets the verdict")
		assert.True(t, top.Score > 0 && top.Score <= 1, "score %v", top.Score)
		assert.NotEmpty(t, top.Message)
		assert.NotEmpty(t, top.Edits)
		for i := 1; i < len(l.Findings); i++ {
			assert.GreaterOrEqual(t, l.Findings[i-1].Score, l.Findings[i].Score, "findings are ranked")
		}
	}
}

func TestExitStatus(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-file")
	onlyComments := writeFile(t, "# nothing here\n\n   # still nothing\n")
	cases := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stderr string // substring of the standard error; "" for none at all
	}{
		{name: "all ok", args: []string{"check", "-protect", milFlag, "a@army.mil", "b@dtic.mil"}, code: exitOK},
		{name: "all ok stdin", args: []string{"check", "-protect", milFlag}, stdin: "a@army.mil\nb@example.com\n", code: exitOK},
		{name: "warn", args: []string{"check", "-protect", milFlag, "a@army.mil", "b@amry.mil"}, code: exitFlagged},
		{name: "block", args: []string{"check", "-protect", milFlag, "a@army.ml", "b@army.mil"}, code: exitFlagged},
		{name: "invalid", args: []string{"check", "-protect", milFlag, "not an address", "b@army.mil"}, code: exitFlagged},
		{name: "empty argument", args: []string{"check", "-protect", milFlag, ""}, code: exitFlagged},
		{name: "block stdin", args: []string{"check", "-protect", milFlag}, stdin: "a@army.mil\nb@army.ml\nc@army.mil\n", code: exitFlagged},
		{name: "invalid stdin", args: []string{"check", "-json", "-protect", milFlag}, stdin: "@army.mil\n", code: exitFlagged},
		{name: "unknown flag", args: []string{"check", "-frobnicate", "a@army.mil"}, code: exitError, stderr: "flag provided but not defined: -frobnicate"},
		{name: "flag missing its value", args: []string{"check", "-protect"}, code: exitError, stderr: "flag needs an argument"},
		{name: "unknown command", args: []string{"chekc", "a@army.mil"}, code: exitError, stderr: `unknown command "chekc"`},
		{name: "no command", args: nil, code: exitError, stderr: "Usage:"},
		{name: "bad color", args: []string{"check", "-color", "sometimes", "a@army.mil"}, code: exitError, stderr: `-color "sometimes"`},
		{name: "missing protect-file", args: []string{"check", "-protect-file", missing, "a@army.mil"}, code: exitError, stderr: missing},
		{name: "protect-file without entries", args: []string{"check", "-protect-file", onlyComments, "a@army.mil"}, code: exitError, stderr: "no protected entries"},
		{name: "bad protected entry", args: []string{"check", "-protect", "army..mil", "a@army.mil"}, code: exitError, stderr: "army..mil"},
		{name: "empty protected list", args: []string{"check", "-protect", ",", "a@army.mil"}, code: exitError, stderr: "no protected entries"},
		{name: "bad layout", args: []string{"check", "-layouts", "bepo", "a@army.mil"}, code: exitError, stderr: "bepo"},
		{name: "bad legit", args: []string{"check", "-legit", ".ml", "a@army.mil"}, code: exitError, stderr: ".ml"},
		{name: "rules bad flag", args: []string{"rules", "-x"}, code: exitError, stderr: "flag provided but not defined"},
		{name: "check -help", args: []string{"check", "-help"}, code: exitOK, stderr: "Usage: typoguard check"},
		{name: "check -h", args: []string{"check", "-h"}, code: exitOK, stderr: "Usage: typoguard check"},
		{name: "rules -help", args: []string{"rules", "-help"}, code: exitOK, stderr: "Usage of rules"},
		{name: "help", args: []string{"help"}, code: exitOK},
		{name: "-help", args: []string{"-help"}, code: exitOK},
		{name: "--help", args: []string{"--help"}, code: exitOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runCLI(t, tc.stdin, tc.args...)
			assert.Equal(t, tc.code, code, "stderr: %s", stderr)
			if tc.stderr == "" {
				assert.Empty(t, stderr)
			} else {
				assert.Contains(t, stderr, tc.stderr)
			}
			if tc.code == exitError {
				assert.Empty(t, stdout, "nothing is judged after a usage error")
				assert.NotContains(t, stderr, "typoguard: typoguard:", "one prefix is enough")
				assert.NotContains(t, stderr, "panic")
			}
		})
	}
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "protect.txt")
	require.NoError(t, os.WriteFile(name, []byte(content), 0o644))
	return name
}

func TestStdin(t *testing.T) {
	long := strings.Repeat("a", 70_000) + "@gmail.com"
	huge := strings.Repeat("b", 1<<20) // spans many reads of the 64 KiB buffer
	// A line of exactly maxLine bytes is allowed, one more byte is too
	// long; the padding is trimmed, so the line is judged as the address.
	exact := "jane@gmial.com" + strings.Repeat(" ", maxLine-len("jane@gmial.com"))
	cases := []struct {
		name  string
		stdin string
		want  []cliCase // in output order; suggestion and rule checked when set
	}{
		{name: "empty", stdin: "", want: nil},
		{name: "only blank lines", stdin: "\n\n  \n\t\r\n \n", want: nil},
		{
			name:  "blank and whitespace-only lines skipped",
			stdin: "\n  \njane@gmial.com\n\t\n \t \n\njane@gmail.com\n\n",
			want:  []cliCase{{in: "jane@gmial.com", verdict: "block", suggestion: "jane@gmail.com"}, {in: "jane@gmail.com", verdict: "ok"}},
		},
		{
			name:  "surrounding spaces trimmed",
			stdin: "   jane@gmial.com  \t\n",
			want:  []cliCase{{in: "jane@gmial.com", verdict: "block", suggestion: "jane@gmail.com"}},
		},
		{
			name:  "CRLF",
			stdin: "jane@gmial.com\r\n\r\njane@gmail.com\r\n\"Jane Roe\" <jane@yahooo.com>\r\n",
			want: []cliCase{
				{in: "jane@gmial.com", verdict: "block", suggestion: "jane@gmail.com"},
				{in: "jane@gmail.com", verdict: "ok"},
				{in: `"Jane Roe" <jane@yahooo.com>`, verdict: "block", suggestion: "jane@yahoo.com"},
			},
		},
		{
			name:  "final line without newline",
			stdin: "jane@gmail.com\njane@gmial.com",
			want:  []cliCase{{in: "jane@gmail.com", verdict: "ok"}, {in: "jane@gmial.com", verdict: "block", suggestion: "jane@gmail.com"}},
		},
		{
			name:  "final line without newline, CR only",
			stdin: "jane@gmial.com\r",
			want:  []cliCase{{in: "jane@gmial.com", verdict: "block", suggestion: "jane@gmail.com"}},
		},
		{
			name:  "invalid UTF-8",
			stdin: "jane@gmial.com\nja\xffne@gmail.com\njane@yahooo.com\n",
			want: []cliCase{
				{in: "jane@gmial.com", verdict: "block", suggestion: "jane@gmail.com"},
				{in: "ja\ufffdne@gmail.com", verdict: "invalid"}, // JSON cannot carry the raw byte
				{in: "jane@yahooo.com", verdict: "block", suggestion: "jane@yahoo.com"},
			},
		},
		{
			name:  "control character",
			stdin: "ja\x1b[31mne@gmail.com\njane@gmail.com\n",
			want:  []cliCase{{in: "ja\x1b[31mne@gmail.com", verdict: "invalid"}, {in: "jane@gmail.com", verdict: "ok"}},
		},
		{
			name:  "line longer than 64 KiB",
			stdin: "jane@gmial.com\n" + long + "\njane@yahooo.com\n",
			want: []cliCase{
				{in: "jane@gmial.com", verdict: "block", suggestion: "jane@gmail.com"},
				{in: long[:256] + "…", verdict: "invalid"},
				{in: "jane@yahooo.com", verdict: "block", suggestion: "jane@yahoo.com"},
			},
		},
		{
			name:  "1 MiB line, last, no newline",
			stdin: "jane@gmial.com\n" + huge,
			want:  []cliCase{{in: "jane@gmial.com", verdict: "block", suggestion: "jane@gmail.com"}, {in: huge[:256] + "…", verdict: "invalid"}},
		},
		{
			name:  "two long lines in a row",
			stdin: long + "\r\n" + huge + "\njane@gmail.com",
			want:  []cliCase{{in: long[:256] + "…", verdict: "invalid"}, {in: huge[:256] + "…", verdict: "invalid"}, {in: "jane@gmail.com", verdict: "ok"}},
		},
		{
			name:  "line of exactly 64 KiB",
			stdin: exact + "\n" + exact + "\r\n" + exact,
			want: []cliCase{
				{in: "jane@gmial.com", verdict: "block", suggestion: "jane@gmail.com"},
				{in: "jane@gmial.com", verdict: "block", suggestion: "jane@gmail.com"},
				{in: "jane@gmial.com", verdict: "block", suggestion: "jane@gmail.com"},
			},
		},
		{
			name:  "line of 64 KiB and one byte",
			stdin: exact + " \n" + exact + " \r\n" + exact + " ",
			want: []cliCase{
				{in: "jane@gmial.com" + strings.Repeat(" ", 256-len("jane@gmial.com")) + "…", verdict: "invalid"},
				{in: "jane@gmial.com" + strings.Repeat(" ", 256-len("jane@gmial.com")) + "…", verdict: "invalid"},
				{in: "jane@gmial.com" + strings.Repeat(" ", 256-len("jane@gmial.com")) + "…", verdict: "invalid"},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runCLI(t, tc.stdin, "check", "-json", "-protect", providerFlag)
			assert.Empty(t, stderr)
			lines := decodeLines(t, stdout)
			require.Len(t, lines, len(tc.want), stdout)
			wantCode := exitOK
			for i, w := range tc.want {
				l := lines[i]
				assert.Equal(t, w.in, l.Address, "line %d", i+1)
				assert.Equal(t, w.verdict, l.Verdict, "line %d", i+1)
				assert.Equal(t, w.suggestion, l.Suggestion, "line %d", i+1)
				if w.verdict == "invalid" {
					require.NotNil(t, l.Error, "line %d", i+1)
					assert.True(t, strings.HasPrefix(*l.Error, "typoguard:"), *l.Error)
					assert.Less(t, len(*l.Error), 2000, "the error does not repeat a huge line")
				} else {
					assert.Nil(t, l.Error)
				}
				if w.verdict != "ok" {
					wantCode = exitFlagged
				}
			}
			assert.Equal(t, wantCode, code)
			if strings.Contains(tc.name, "64 KiB") || strings.Contains(tc.name, "MiB") {
				for _, l := range lines {
					if l.Verdict == "invalid" {
						assert.Contains(t, *l.Error, "line longer than 65536 bytes")
					}
				}
			}
		})
	}
}

// TestStdinOrder checks that a few hundred mixed lines come out one for
// one, in input order, with the library's verdicts.
func TestStdinOrder(t *testing.T) {
	g := typoguard.MustNew(slices.Concat(milEntries, providerEntries))
	var pool []string
	for _, c := range slices.Concat(milCases, providerCases) {
		pool = append(pool, c.in)
	}
	var in strings.Builder
	var want []string
	for i := range 500 {
		addr := pool[(i*7)%len(pool)]
		if i%3 == 0 && !strings.ContainsAny(addr, ` "<[`) && strings.Count(addr, "@") == 1 {
			addr = fmt.Sprintf("u%d.%s", i, addr) // distinct lines
		}
		want = append(want, addr)
		in.WriteString(addr + "\n")
		if i%10 == 0 {
			in.WriteString("\n") // blank lines do not shift the output
		}
	}
	code, stdout, _ := runCLI(t, in.String(), "check", "-json", "-protect", milFlag+","+providerFlag)
	assert.Equal(t, exitFlagged, code)
	lines := decodeLines(t, stdout)
	require.Len(t, lines, len(want))
	for i, l := range lines {
		require.Equal(t, want[i], l.Address, "line %d", i+1)
		r, _ := g.Check(want[i])
		assert.Equal(t, r.Verdict.String(), l.Verdict, want[i])
		assert.Equal(t, r.Suggestion, l.Suggestion, want[i])
	}

	// The text output has the same order, one line per address.
	code, text, _ := runCLI(t, in.String(), "check", "-protect", milFlag+","+providerFlag)
	assert.Equal(t, exitFlagged, code)
	textLines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	require.Len(t, textLines, len(want))
	for i, line := range textLines {
		assert.True(t, strings.HasPrefix(line, fmt.Sprintf("%-7s %s", lines[i].Verdict, printable(want[i]))), "line %d: %q", i+1, line)
	}
}

func TestProtectFile(t *testing.T) {
	file := writeFile(t, "# protected for the test\n\ngmail.com   # the big one\n  yahoo.com\r\n\n# suffixes\n.mil\n#army.mil is covered by .mil\n")
	milOnly := writeFile(t, ".mil\n")
	cases := []struct {
		name string
		args []string
		want []cliCase
	}{
		{
			name: "file",
			args: []string{"-protect-file", file},
			want: []cliCase{
				{in: "a@gmial.com", verdict: "block", suggestion: "a@gmail.com"},
				{in: "a@yahooo.com", verdict: "block", suggestion: "a@yahoo.com"},
				{in: "a@army.ml", verdict: "block", suggestion: "a@army.mil"},
				{in: "a@hotmial.com", verdict: "ok"}, // not protected by the file
				{in: "a@dtic.mil", verdict: "ok"},
			},
		},
		{
			name: "file and flag: the union",
			args: []string{"-protect", "hotmail.com", "-protect-file", milOnly},
			want: []cliCase{
				{in: "a@hotmial.com", verdict: "block", suggestion: "a@hotmail.com"},
				{in: "a@army.ml", verdict: "block", suggestion: "a@army.mil"},
				{in: "a@gmial.com", verdict: "ok"}, // the default set is not added
			},
		},
		{
			name: "flag with spaces and empty items",
			args: []string{"-protect", " gmail.com, ,.mil ,"},
			want: []cliCase{
				{in: "a@gmial.com", verdict: "block", suggestion: "a@gmail.com"},
				{in: "a@army.ml", verdict: "block", suggestion: "a@army.mil"},
				{in: "a@yahooo.com", verdict: "ok"},
			},
		},
		{
			name: "legit",
			args: []string{"-protect", "gmail.com", "-legit", "gmial.com"},
			want: []cliCase{{in: "a@gmial.com", verdict: "ok"}, {in: "a@gmaill.com", verdict: "block", suggestion: "a@gmail.com"}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var in strings.Builder
			for _, w := range tc.want {
				in.WriteString(w.in + "\n")
			}
			code, stdout, stderr := runCLI(t, in.String(), append([]string{"check", "-json"}, tc.args...)...)
			assert.Equal(t, exitFlagged, code)
			assert.Empty(t, stderr)
			lines := decodeLines(t, stdout)
			require.Len(t, lines, len(tc.want))
			for i, w := range tc.want {
				assert.Equal(t, w.in, lines[i].Address)
				assert.Equal(t, w.verdict, lines[i].Verdict, w.in)
				assert.Equal(t, w.suggestion, lines[i].Suggestion, w.in)
			}
		})
	}
}

func TestDefaultSet(t *testing.T) {
	code, stdout, stderr := runCLI(t, "jane@gmial.com\nx@army.ml\njane@gmail.com\nx@army.mil\n", "check", "-json")
	assert.Equal(t, exitFlagged, code)
	assert.Empty(t, stderr)
	lines := decodeLines(t, stdout)
	require.Len(t, lines, 4)
	assert.Equal(t, "block", lines[0].Verdict)
	assert.Equal(t, "jane@gmail.com", lines[0].Suggestion)
	assert.Equal(t, "block", lines[1].Verdict)
	assert.Equal(t, "x@army.mil", lines[1].Suggestion)
	assert.Equal(t, ".mil", lines[1].Findings[0].Target)
	assert.Equal(t, "ok", lines[2].Verdict)
	assert.Equal(t, "ok", lines[3].Verdict)

	// Any protection flag replaces the default set.
	code, stdout, _ = runCLI(t, "", "check", "-json", "-protect", "yahoo.com", "x@army.ml", "jane@gmial.com")
	assert.Equal(t, exitOK, code, stdout)

	// -help documents the default set.
	code, stdout, stderr = runCLI(t, "", "check", "-help")
	assert.Equal(t, exitOK, code)
	help := stdout + stderr
	for _, e := range defaultSet() {
		assert.Regexp(t, `(?m)[ \n]`+regexp.QuoteMeta(e)+`( |$)`, help, "the default set in -help lists %s", e)
	}
	assert.Contains(t, help, ".mil")
	assert.Contains(t, help, "gmail.com")
	for _, f := range []string{"-protect", "-protect-file", "-json", "-color", "-legit", "-layouts"} {
		assert.Regexp(t, `(?m)^\s+`+f+`\b`, help, "-help documents %s", f)
	}
}

func TestTextOutput(t *testing.T) {
	in := "john.doe@army.ml\njohn.doe@amry.mil\njohn.doe@army.mil\nnot an address\n\"John Doe\" <john.doe@us.army.ml>\njohn@army..mil\n"
	wantVerdicts := []string{"block", "warn", "ok", "invalid", "block", "invalid"}
	wantSuggestions := []string{"john.doe@army.mil", "john.doe@army.mil", "", "", "john.doe@us.army.mil", "john@army.mil"}
	colour := regexp.MustCompile(`\x1b\[[0-9;]*m`)
	for _, mode := range []string{"auto", "never", "always"} {
		t.Run(mode, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, in, "check", "-color", mode, "-protect", milFlag)
			assert.Equal(t, exitFlagged, code)
			assert.Empty(t, stderr)
			lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
			require.Len(t, lines, len(wantVerdicts), stdout)
			if mode == "always" {
				assert.Contains(t, lines[0], "\x1b[31m", "block is red")
				assert.Contains(t, lines[1], "\x1b[33m", "warn is yellow")
				assert.Contains(t, lines[2], "\x1b[32m", "ok is green")
				assert.Contains(t, lines[3], "\x1b[35m", "invalid is magenta")
				for _, l := range lines {
					assert.Contains(t, l, "\x1b[0m", "colour is reset")
				}
			} else {
				assert.NotContains(t, stdout, "\x1b", "no escapes off a terminal")
			}
			for i, l := range lines {
				plain := colour.ReplaceAllString(l, "")
				assert.True(t, strings.HasPrefix(plain, wantVerdicts[i]+" "), "%q", plain)
				if s := wantSuggestions[i]; s != "" {
					assert.Contains(t, plain, "did you mean "+s+"?")
				} else {
					assert.NotContains(t, plain, "did you mean")
				}
			}
			plain := colour.ReplaceAllString(stdout, "")
			assert.Contains(t, plain, "block   john.doe@army.ml: did you mean john.doe@army.mil? army.ml looks like army.mil")
			assert.Contains(t, plain, "ok      john.doe@army.mil\n")
			assert.Contains(t, plain, `invalid not an address: typoguard: check "not an address": invalid address`)
			assert.Regexp(t, `invalid john@army\.\.mil: typoguard: check "john@army\.\.mil": invalid domain.*; did you mean john@army\.mil\?\n`, plain,
				"an invalid address with a punctuation repair shows both the error and the suggestion")
		})
	}
	t.Run("NO_COLOR", func(t *testing.T) {
		t.Setenv("NO_COLOR", "1")
		_, stdout, _ := runCLI(t, in, "check", "-color", "auto", "-protect", milFlag)
		assert.NotContains(t, stdout, "\x1b")
		_, stdout, _ = runCLI(t, in, "check", "-color", "always", "-protect", milFlag)
		assert.Contains(t, stdout, "\x1b[31m", "an explicit -color always overrides NO_COLOR")
	})
}

// TestTextOutputHostileInput checks that input that would garble a
// terminal or hide its text is quoted, never echoed raw.
func TestTextOutputHostileInput(t *testing.T) {
	cases := []struct{ in, quoted string }{
		{"ja\x1b[31mne@gmial.com", `"ja\x1b[31mne@gmial.com"`},
		{"ja\u009b31mne@gmial.com", `"ja\u009b31mne@gmial.com"`}, // 8-bit CSI
		{"ja\u202ene@gmial.com", `"ja\u202ene@gmial.com"`},       // bidi override
		{"ja\xffne@gmial.com", `"ja\xffne@gmial.com"`},
		{"ja\x7fne@gmial.com", `"ja\x7fne@gmial.com"`},
	}
	for _, tc := range cases {
		t.Run(tc.quoted, func(t *testing.T) {
			t.Parallel()
			_, stdout, _ := runCLI(t, tc.in+"\n", "check", "-color", "never", "-protect", "gmail.com")
			assert.Contains(t, stdout, tc.quoted)
			assert.NotContains(t, stdout, strings.TrimSuffix(strings.SplitN(tc.in, "@", 2)[0], "\n"))
			for _, r := range stdout {
				assert.True(t, r == '\n' || r >= 0x20 && r != 0x7f && !(r >= 0x80 && r < 0xa0) && r != '\u202e' && r != '\ufffd', "raw %U in %q", r, stdout)
			}
		})
	}
	// Printable Unicode is left alone.
	_, stdout, _ := runCLI(t, "", "check", "-protect", "gmail.com", "jöhn <jöhn@gmial.com>")
	assert.Contains(t, stdout, "block   jöhn <jöhn@gmial.com>: did you mean jöhn@gmail.com?")
}

// errReader yields data, then fails.
type errReader struct {
	data string
	err  error
}

func (r *errReader) Read(p []byte) (int, error) {
	if r.data == "" {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// failWriter accepts n bytes, then fails.
type failWriter struct {
	n   int
	buf bytes.Buffer
}

var errDiskFull = errors.New("no space left on device")

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := max(w.n, 0)
		w.buf.Write(p[:k])
		w.n = 0
		return k, errDiskFull
	}
	w.n -= len(p)
	return w.buf.Write(p)
}

// countingReader yields the same line forever, up to limit bytes, and
// counts what was read.
type countingReader struct {
	line        string
	read, limit int
}

func (r *countingReader) Read(p []byte) (int, error) {
	if r.read >= r.limit {
		return 0, io.EOF
	}
	n := 0
	for n+len(r.line) <= len(p) && r.read+n < r.limit {
		n += copy(p[n:], r.line)
	}
	if n == 0 {
		n = copy(p, r.line[:min(len(p), len(r.line))])
	}
	r.read += n
	return n, nil
}

func TestIOErrors(t *testing.T) {
	errBroken := errors.New("connection reset by peer")
	for _, mode := range []string{"-json", "-color=never"} {
		t.Run("read error"+mode, func(t *testing.T) {
			t.Parallel()
			in := &errReader{data: "jane@gmail.com\n\njane@gmial.com\njane@gmail.co", err: errBroken}
			var out, errb bytes.Buffer
			code := run([]string{"check", mode, "-protect", "gmail.com"}, in, &out, &errb)
			assert.Equal(t, exitError, code)
			assert.Contains(t, errb.String(), "typoguard: reading standard input: connection reset by peer")
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			require.Len(t, lines, 2, "the lines before the error were judged, the cut-off fragment was not: %q", out.String())
			assert.Contains(t, lines[0], "jane@gmail.com")
			assert.Contains(t, lines[1], "jane@gmial.com")
			assert.NotContains(t, out.String(), "jane@gmail.co\"", "a fragment cut by a read error is not judged")
		})
		t.Run("read error at once"+mode, func(t *testing.T) {
			t.Parallel()
			var out, errb bytes.Buffer
			code := run([]string{"check", mode}, &errReader{err: errBroken}, &out, &errb)
			assert.Equal(t, exitError, code)
			assert.Empty(t, out.String())
			assert.Contains(t, errb.String(), "connection reset by peer")
		})
		for _, n := range []int{0, 100, 70_000} {
			t.Run(fmt.Sprintf("write error after %d bytes%s", n, mode), func(t *testing.T) {
				t.Parallel()
				// Standard input is long but finite: a CLI that ignored
				// the write error would read all of it.
				in := &countingReader{line: "jane@gmial.com\n", limit: 16 << 20}
				w := &failWriter{n: n}
				var errb bytes.Buffer
				code := run([]string{"check", mode, "-protect", "gmail.com"}, in, w, &errb)
				assert.Equal(t, exitError, code)
				assert.Contains(t, errb.String(), "no space left on device")
				assert.Less(t, in.read, in.limit/4, "the CLI stops reading once it cannot write")
			})
			t.Run(fmt.Sprintf("write error after %d bytes, arguments%s", n, mode), func(t *testing.T) {
				t.Parallel()
				args := []string{"check", mode, "-protect", "gmail.com"}
				for range 2000 {
					args = append(args, "jane@gmial.com")
				}
				w := &failWriter{n: n}
				var errb bytes.Buffer
				code := run(args, strings.NewReader(""), w, &errb)
				assert.Equal(t, exitError, code)
				assert.Contains(t, errb.String(), "no space left on device")
			})
		}
	}
}

// TestGolden pins the exact -json output: its member names and layout
// are an API. Refresh with: go test ./cmd/typoguard -run TestGolden -update
func TestGolden(t *testing.T) {
	inputs := []string{
		"john.doe@army.ml",
		"JOHN.DOE@ARMY.ML",
		`"John Doe" <john.doe@army.ml>`,
		"john.doe@army.mil.ml",
		"john.doe@us.army.ml",
		"john.doe@af.ml",
		"john.doe@amry.mil",
		"john.doe@darpa.ml",
		"john.doe@army.mil",
		"john@army.mil.",
		"john.doe@dtic.mil",
		"info@gouv.ml",
		"jane@gmial.com",
		"jane@gmail.con",
		"jane@gmail.co",
		"jane@gmailcom",
		"jane@gmail.com.co",
		`"jane roe"@gmial.com`,
		"Jane+news@GMAIL.COM",
		"jane@yahoo.co.uk",
		"jane@mac.com",
		"postmaster@[192.0.2.1]",
		"not an address",
		"@army.mil",
		"jane@gmail,com",
		"ja\xffne@gmail.com",
	}
	stdin := strings.Join(inputs, "\n") + "\n"
	code, stdout, stderr := runCLI(t, stdin, "check", "-json", "-protect", milFlag+",gmail.com,yahoo.com,mail.com")
	assert.Equal(t, exitFlagged, code)
	assert.Empty(t, stderr)
	require.Len(t, decodeLines(t, stdout), len(inputs))

	golden := filepath.Join("testdata", "check.golden.jsonl")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(golden, []byte(stdout), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run with -update to create it")
	if !bytes.Equal(want, []byte(stdout)) {
		// Show the first differing line, not the whole file.
		wl, gl := strings.Split(string(want), "\n"), strings.Split(stdout, "\n")
		for i := range max(len(wl), len(gl)) {
			var w, g string
			if i < len(wl) {
				w = wl[i]
			}
			if i < len(gl) {
				g = gl[i]
			}
			if w != g {
				t.Fatalf("-json output differs from %s at line %d (run with -update if the change is intended)\nwant: %s\ngot:  %s", golden, i+1, w, g)
			}
		}
	}
}

// TestStreaming feeds many lines through pipes, reading the output while
// the input is still being written: the CLI must answer as it goes, in
// input order, rather than buffer everything.
func TestStreaming(t *testing.T) {
	n := 200_000
	if raceEnabled || testing.Short() {
		n = 20_000
	}
	domains := []string{"gmail.com", "gmial.com", "army.ml", "army.mil", "example.com"}
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	var errb bytes.Buffer
	done := make(chan int, 1)
	go func() {
		code := run([]string{"check", "-json", "-protect", "gmail.com,.mil"}, inR, outW, &errb)
		outW.Close()
		done <- code
	}()

	var readSoFar atomic.Int64
	seenAtEnd := make(chan int64, 1)
	writeErr := make(chan error, 1)
	go func() {
		bw := bufio.NewWriterSize(inW, 4<<10)
		for i := range n {
			if _, err := fmt.Fprintf(bw, "u%d@%s\n", i, domains[i%len(domains)]); err != nil {
				writeErr <- err
				return
			}
		}
		err := bw.Flush()
		seenAtEnd <- readSoFar.Load()
		inW.Close()
		writeErr <- err
	}()

	sc := bufio.NewScanner(outR)
	i := 0
	for sc.Scan() {
		var l jsonLine
		require.NoError(t, json.Unmarshal(sc.Bytes(), &l))
		want := fmt.Sprintf("u%d@%s", i, domains[i%len(domains)])
		if l.Address != want {
			outR.CloseWithError(errors.New("test failed"))
			inR.CloseWithError(errors.New("test failed"))
			require.Equal(t, want, l.Address, "line %d", i+1)
		}
		wantVerdict := map[string]string{"gmail.com": "ok", "gmial.com": "block", "army.ml": "block", "army.mil": "ok", "example.com": "ok"}[domains[i%len(domains)]]
		require.Equal(t, wantVerdict, l.Verdict, want)
		i++
		readSoFar.Store(int64(i))
	}
	require.NoError(t, sc.Err())
	require.NoError(t, <-writeErr)
	assert.Equal(t, n, i, "one output line per input line")
	assert.Equal(t, exitFlagged, <-done)
	assert.Empty(t, errb.String())
	assert.Greater(t, <-seenAtEnd, int64(n/2), "most verdicts were out before the input ended")
}

// TestStreamingLockstep feeds one address at a time and waits for its
// verdict before sending the next, as a tool driving the CLI as a
// coprocess does: output must not wait for a full buffer or for EOF.
func TestStreamingLockstep(t *testing.T) {
	for _, mode := range []string{"-json", "-color=never"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			inR, inW := io.Pipe()
			outR, outW := io.Pipe()
			done := make(chan int, 1)
			go func() {
				code := run([]string{"check", mode, "-protect", "gmail.com"}, inR, outW, io.Discard)
				outW.Close()
				done <- code
			}()
			br := bufio.NewReader(outR)
			for i, addr := range []string{"a@gmail.com", "b@gmial.com", "not an address", "", "c@gmail.co"} {
				if _, err := io.WriteString(inW, addr+"\n"); err != nil {
					t.Fatal(err)
				}
				if addr == "" {
					continue // a blank line has no answer
				}
				got := make(chan string, 1)
				go func() {
					line, _ := br.ReadString('\n')
					got <- line
				}()
				select {
				case line := <-got:
					assert.Contains(t, line, addr, "answer %d", i+1)
				case <-time.After(10 * time.Second):
					inW.CloseWithError(errors.New("timeout"))
					outR.CloseWithError(errors.New("timeout"))
					t.Fatalf("no answer to %q before the next line was sent: output is buffered", addr)
				}
			}
			inW.Close()
			rest, _ := io.ReadAll(br)
			assert.Empty(t, rest)
			assert.Equal(t, exitFlagged, <-done)
		})
	}
}

func TestRules(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "rules")
	assert.Equal(t, exitOK, code)
	assert.Empty(t, stderr)
	all := []string{"near-miss", "suffix-slip", "appended-label", "inside-suffix", "lookalike", "obfuscation"}
	for _, name := range all {
		assert.Regexp(t, `(?m)^`+regexp.QuoteMeta(name)+` — \S`, stdout, "rules lists %s with its title", name)
	}
	var names []string
	for _, r := range typoguard.DefaultRules() {
		names = append(names, r.Name)
	}
	assert.Equal(t, all, names)
	assert.Contains(t, stdout, "presets")
	assert.Contains(t, stdout, "-preset mil")
	assert.Contains(t, stdout, "-preset providers")
}

func TestUsage(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "help")
	assert.Equal(t, exitOK, code)
	assert.Empty(t, stderr)
	assert.Contains(t, stdout, "typoguard check [flags] [ADDRESS ...]")
	assert.Contains(t, stdout, "typoguard rules")

	code, stdout, stderr = runCLI(t, "")
	assert.Equal(t, exitError, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "typoguard check [flags] [ADDRESS ...]")
}
