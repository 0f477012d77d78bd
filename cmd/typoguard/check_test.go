package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/typoguard/typoguard"
)

// encodeLine is the reference for appendPlainJSON: checkOutput through
// encoding/json, as the CLI writes results with findings.
func encodeLine(t testing.TB, r typoguard.Result) []byte {
	out := newCheckOutput(r)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(out))
	return b.Bytes()
}

// TestPlainJSON checks the hand-written JSON of results without findings
// against encoding/json, on the inputs of the golden file and on hostile
// strings.
func TestPlainJSON(t *testing.T) {
	g := typoguard.MustNew([]string{".mil", "army.mil", "gmail.com", "yahoo.com", "mail.com"})
	inputs := []string{
		// Those of TestGolden,
		"john.doe@army.ml", "JOHN.DOE@ARMY.ML", `"John Doe" <john.doe@army.ml>`, "john.doe@army.mil.ml",
		"john.doe@us.army.ml", "john.doe@af.ml", "john.doe@amry.mil", "john.doe@darpa.ml",
		"jane@gmail.con", "jane@gmail.co", "jane@gmailcom", "jane@gmail.com.co", `"jane roe"@gmial.com`,
		// and hostile ones.
		"john.doe@army.mil", "john@army.mil.", "john.doe@dtic.mil", "info@gouv.ml", "Jane+news@GMAIL.COM",
		"jane@yahoo.co.uk", "jane@mac.com", "postmaster@[192.0.2.1]", "not an address", "@army.mil",
		"jane@gmail,com", "ja\xffne@gmail.com", "jane@gmial.com", `"a\"b"@x.com`, "a@b\x00c", "x\u2028y@z.com",
		"<html>&amp;@x.com", "tab\there@x.com", "\x7f@x.com", "é@é.com", "\u2029", "\b\f\n\r\t\x01\x1f",
	}
	plain := 0
	for _, in := range inputs {
		r, _ := g.Check(in)
		got, ok := appendPlainJSON(nil, r)
		if len(r.Findings) > 0 {
			assert.False(t, ok, in)
			assert.Empty(t, got, in)
			continue
		}
		plain++
		require.True(t, ok, in)
		assert.Equal(t, string(encodeLine(t, r)), string(got), in)
	}
	assert.Greater(t, plain, 10)

	// Every line of the golden file without findings, as written.
	data, err := os.ReadFile(filepath.Join("testdata", "check.golden.jsonl"))
	require.NoError(t, err)
	for line := range strings.Lines(string(data)) {
		if !strings.Contains(line, `"findings":[]`) {
			continue
		}
		var l jsonLine
		require.NoError(t, json.Unmarshal([]byte(line), &l))
		r := typoguard.Result{Input: l.Address, Suggestion: l.Suggestion}
		require.NoError(t, r.Verdict.UnmarshalText([]byte(l.Verdict)))
		if l.Error != nil {
			r.Err = errors.New(*l.Error)
		}
		got, ok := appendPlainJSON(nil, r)
		require.True(t, ok)
		assert.Equal(t, string(encodeLine(t, r)), string(got))
		if !strings.Contains(line, `\ufffd`) { // decoding made it a real U+FFFD
			assert.Equal(t, line, string(got))
		}
	}
}

// FuzzPlainJSON checks appendPlainJSON against encoding/json on arbitrary
// strings in every member.
func FuzzPlainJSON(f *testing.F) {
	f.Add("jane@gmail.com", "", "", uint8(0))
	f.Add("ja\xffne@x", "s\u2028", "typoguard: check \"x\": bad\n", uint8(3))
	f.Fuzz(func(t *testing.T, input, suggestion, errMsg string, verdict uint8) {
		r := typoguard.Result{Input: input, Suggestion: suggestion, Verdict: typoguard.Verdict(verdict % 4)}
		if errMsg != "" || verdict&4 != 0 {
			r.Err = errors.New(errMsg)
		}
		got, ok := appendPlainJSON([]byte("prefix"), r)
		require.True(t, ok)
		assert.Equal(t, "prefix"+string(encodeLine(t, r)), string(got))
	})
}

// TestStreamBatches checks the pipeline's edges: lines around the batch
// limits, by count and by bytes, and long lines inside batches, in order.
func TestStreamBatches(t *testing.T) {
	var in strings.Builder
	var want []string
	for i := range 3*batchLines + 7 {
		addr := fmt.Sprintf("u%d@gmial.com", i)
		switch {
		case i%97 == 0:
			addr = strings.Repeat("x", batchBytes/3) + "@gmail.com" // three fill a batch
		case i%101 == 0:
			addr = strings.Repeat("y", maxLine+10) // too long
		}
		in.WriteString(addr + "\r\n")
		if i%50 == 0 {
			in.WriteString("   \n")
		}
		want = append(want, addr)
	}
	code, stdout, _ := runCLI(t, in.String(), "check", "-json", "-protect", "gmail.com")
	assert.Equal(t, exitFlagged, code)
	lines := decodeLines(t, stdout)
	require.Len(t, lines, len(want))
	for i, l := range lines {
		w := want[i]
		if len(w) > maxLine {
			w = w[:256] + "…"
		}
		require.Equal(t, w, l.Address, "line %d", i+1)
	}
}

// BenchmarkCheckStream runs the check command over a mixed input, as the
// CLI figures in docs/performance.md do on a million lines.
func BenchmarkCheckStream(b *testing.B) {
	g := typoguard.MustNew(append(typoguard.MailProviders(), typoguard.USMilitary()...))
	var in bytes.Buffer
	n := 0
	for _, line := range mixedAddresses(20_000, 1) {
		in.WriteString(line + "\n")
		n++
	}
	b.SetBytes(int64(in.Len()))
	b.ReportAllocs()
	for b.Loop() {
		w := newDiscardWriter()
		if _, err := checkStream(g, bytes.NewReader(in.Bytes()), w, func() *formatter { return &formatter{json: true} }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "addresses/s")
}

func newDiscardWriter() *bufio.Writer { return bufio.NewWriterSize(io.Discard, 64<<10) }

// mixedAddresses returns n input lines of the kinds a mail gateway sees,
// deterministically from seed, for the default protected set (the
// providers and mil presets). Of every 100 lines: 45 addresses at a
// protected domain, 15 at a sub-domain of one, 20 at other domains
// (synthetic company names and known-legitimate providers), 10 typos of a
// protected domain (one slip of any kind), 5 with a display name and 5
// that are not addresses.
func mixedAddresses(n int, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, 0x6d6978))
	protected := append(typoguard.MailProviders(), "army.mil", "navy.mil", "af.mil", "marines.mil", "uscg.mil", "dla.mil", "disa.mil", "darpa.mil")
	others := []string{"gmx.com", "mail.com", "hey.com", "mac.com", "example.org", "kernel.org", "university.edu", "posteo.de", "mailbox.org", "zoho.eu"}
	tlds := []string{"com", "com", "net", "org", "de", "co.uk", "io", "fr", "nl", "it"}
	const letters = "abcdefghijklmnopqrstuvwxyz"
	word := func(min, max int) string {
		b := make([]byte, min+rng.IntN(max-min+1))
		for i := range b {
			b[i] = letters[rng.IntN(len(letters))]
		}
		return string(b)
	}
	local := func() string {
		switch rng.IntN(3) {
		case 0:
			return word(3, 8) + "." + word(3, 10)
		case 1:
			return word(1, 1) + word(4, 9) + strconv.Itoa(rng.IntN(100))
		}
		return word(4, 12)
	}
	typo := func(d string) string {
		b := []byte(d)
		i := rng.IntN(len(b))
		switch rng.IntN(4) {
		case 0:
			return string(slices.Delete(b, i, i+1))
		case 1:
			return string(slices.Insert(b, i, letters[rng.IntN(len(letters))]))
		case 2:
			b[i] = letters[rng.IntN(len(letters))]
			return string(b)
		}
		if i+1 < len(b) {
			b[i], b[i+1] = b[i+1], b[i]
		}
		return string(b)
	}
	out := make([]string, n)
	for i := range out {
		d := protected[rng.IntN(len(protected))]
		switch r := rng.IntN(100); {
		case r < 45:
			out[i] = local() + "@" + d
		case r < 60:
			out[i] = local() + "@" + []string{"mail.", "eu.", "smtp.", "us."}[rng.IntN(4)] + d
		case r < 70:
			out[i] = local() + "@" + others[rng.IntN(len(others))]
		case r < 80:
			out[i] = local() + "@" + word(4, 12) + "-" + word(3, 8) + "." + tlds[rng.IntN(len(tlds))]
		case r < 90:
			out[i] = local() + "@" + typo(d)
		case r < 95:
			out[i] = fmt.Sprintf("%q <%s@%s>", strings.ToUpper(word(1, 1))+word(3, 8)+" "+word(4, 10), local(), d)
		default:
			out[i] = []string{local() + "@" + word(3, 8) + "..com", local(), local() + " at " + d, "@" + d, local() + "@"}[rng.IntN(5)]
		}
	}
	return out
}

var (
	mixedOut = flag.String("mixed-out", "", "TestMixedAddresses writes mixed input lines to this file")
	mixedN   = flag.Int("mixed-n", 1_000_000, "number of lines for -mixed-out")
)

// TestMixedAddresses writes the input of the CLI throughput figures with
// -mixed-out (see docs/performance.md):
//
//	go test ./cmd/typoguard -run TestMixedAddresses -mixed-out=/tmp/addresses.txt
func TestMixedAddresses(t *testing.T) {
	if *mixedOut == "" {
		lines := mixedAddresses(1000, 1)
		assert.Len(t, lines, 1000)
		assert.Equal(t, lines, mixedAddresses(1000, 1), "deterministic")
		return
	}
	f, err := os.Create(*mixedOut)
	require.NoError(t, err)
	w := bufio.NewWriterSize(f, 1<<20)
	for _, l := range mixedAddresses(*mixedN, 1) {
		w.WriteString(l + "\n")
	}
	require.NoError(t, w.Flush())
	require.NoError(t, f.Close())
}
