package typoguard

import (
	"net/mail"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseAddress(t *testing.T) {
	cases := []struct {
		in, local, domain string
	}{
		{"john.doe@army.mil", "john.doe", "army.mil"},
		{"  john.doe@army.mil  ", "john.doe", "army.mil"},
		{`"John Doe" <john.doe@army.ml>`, "john.doe", "army.ml"},
		{"John Doe <john.doe@army.ml>", "john.doe", "army.ml"},
		{"<john.doe@army.ml>", "john.doe", "army.ml"},
		{`"john doe"@x.com`, "john doe", "x.com"},
		{"john.doe@army.mil (comment)", "john.doe", "army.mil"},
		{"postmaster@[192.0.2.1]", "postmaster", "[192.0.2.1]"},
		{"jöhn@exämple.com", "jöhn", "exämple.com"},
		{"a+b/c=d@x.y", "a+b/c=d", "x.y"},
		{"Jane<jane@gmial.com>", "jane", "gmial.com"},
		{"Jane  Q  Doe   <jane@gmial.com>", "jane", "gmial.com"},
		{"=?utf-8?q?J=C3=A4ne?= <jane@gmial.com>", "jane", "gmial.com"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			a, err := parseAddress(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.local, a.local)
			assert.Equal(t, tc.domain, a.domain)
		})
	}
	for _, bad := range []string{"", "x", "@x", "x@", "a@b@c", ".a@b", "a..b@c", "a.@b", "<a@b", "a@b>", "\x00@b", "Jane <>", "Jane <a@b> x", "<<a@b>", "Jane <a@b>>"} {
		_, err := parseAddress(bad)
		assert.ErrorIs(t, err, ErrInvalidAddress, "%q", bad)
	}
}

func TestFormatAddrSpec(t *testing.T) {
	assert.Equal(t, "john.doe@army.mil", formatAddrSpec("john.doe", "army.mil"))
	assert.Equal(t, `"john doe"@army.mil`, formatAddrSpec("john doe", "army.mil"))
	assert.Equal(t, `"john..doe"@army.mil`, formatAddrSpec("john..doe", "army.mil"))
	assert.Equal(t, "jöhn@army.mil", formatAddrSpec("jöhn", "army.mil"))
}

func TestNormalizeDomain(t *testing.T) {
	cases := []struct{ in, ascii, uni string }{
		{"army.mil", "army.mil", "army.mil"},
		{"ARMY.MIL", "army.mil", "army.mil"},
		{"army.mil.", "army.mil", "army.mil"},
		{"ｇｍａｉｌ.com", "gmail.com", "gmail.com"},
		{"gm\u200bail.com", "gmail.com", "gmail.com"},
		{"gmаil.com", "xn--gmil-63d.com", "gmаil.com"},
		{"XN--GMIL-63D.COM", "xn--gmil-63d.com", "gmаil.com"},
		{"bücher.de", "xn--bcher-kva.de", "bücher.de"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			a, u, err := normalizeDomain(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.ascii, a)
			assert.Equal(t, tc.uni, u)
		})
	}
	for _, bad := range []string{"", ".", "army..mil", "army.mil..", "-a.com", "a-.com", "a_b.com", "xn--zz.com", "a b.com", "gmail,com", strings.Repeat("a", 64) + ".com", strings.Repeat("a.", 127) + "aa"} {
		_, _, err := normalizeDomain(bad)
		assert.Error(t, err, "%q", bad)
	}
}

// FuzzNormalizeDomain checks the allocation-free fast path against the
// full IDNA profile, and that normal forms are fixed points.
func FuzzNormalizeDomain(f *testing.F) {
	for _, s := range []string{"army.mil", "ARMY.MIL", "a-b.c", "ab--c.de", "xn--gmil-63d.com", "1.2.3.4", "a..b", "-a.b", "gmаil.com", "a.b.", strings.Repeat("a", 63) + ".b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ascii, uni, err := normalizeDomain(s)
		d := strings.TrimSuffix(s, ".")
		if plainDomain(d) {
			require.NoError(t, err)
			want, perr := profile.ToASCII(d)
			require.NoError(t, perr, "fast path accepted what the profile rejects: %q", d)
			assert.Equal(t, want, ascii)
		}
		if err != nil {
			return
		}
		assert.NotEmpty(t, ascii)
		assert.LessOrEqual(t, len(ascii), 253)
		assert.True(t, utf8.ValidString(uni))
		for i := 0; i < len(ascii); i++ {
			assert.Less(t, ascii[i], byte(utf8.RuneSelf))
		}
		again, uni2, err := normalizeDomain(ascii)
		require.NoError(t, err, "normal form %q does not normalise", ascii)
		assert.Equal(t, ascii, again)
		assert.Equal(t, uni, uni2)
	})
}

// FuzzCheck feeds arbitrary input to Check and CheckList: never a panic,
// always a verdict, an error exactly for Invalid, findings that name a
// protected entry with a score in [0,1], and the same answer twice.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"john.doe@army.ml", "John <john@amry.mil>", "a@gmial.com", "a@gmail.com.co", "a@gmailcom",
		"a@xn--gmil-63d.com", "\"x y\"@army.mil", "a@[1.2.3.4]", "a, b@c, <d@e>", "a@b..c", "\xff@x",
		strings.Repeat("a", 70) + "@army.mil", "a@" + strings.Repeat("x.", 150),
	} {
		f.Add(s)
	}
	g := MustNew(slices.Concat(milEntries, providerEntries))
	names := map[string]bool{}
	for _, e := range g.Entries() {
		names[e.Name] = true
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := g.Check(s)
		if err != nil {
			assert.Equal(t, Invalid, r.Verdict)
			assert.True(t, strings.HasPrefix(err.Error(), "typoguard: "))
			var e *Error
			assert.ErrorAs(t, err, &e)
		} else {
			assert.NotEqual(t, Invalid, r.Verdict)
			checkFindings(t, names, r)
			r2, err2 := g.Check(s)
			require.NoError(t, err2)
			assert.Equal(t, r, r2)
		}
		rs, _ := g.CheckList(s)
		for _, r := range rs {
			if r.Verdict != Invalid {
				checkFindings(t, names, r)
			}
		}
	})
}

func checkFindings(t *testing.T, names map[string]bool, r Result) {
	t.Helper()
	for i, f := range r.Findings {
		assert.True(t, names[f.Target], "target %q is not protected", f.Target)
		assert.True(t, f.Score >= 0 && f.Score <= 1, "score %v", f.Score)
		assert.NotEmpty(t, f.Rule)
		assert.NotEmpty(t, f.Message)
		if i > 0 {
			assert.GreaterOrEqual(t, r.Findings[i-1].Score, f.Score, "ranked")
		}
		if f.Domain != "" {
			_, _, err := normalizeDomain(f.Domain)
			assert.NoError(t, err, "suggested domain %q is not valid", f.Domain)
		}
	}
	if r.Suggestion != "" {
		assert.NotEqual(t, OK, r.Verdict)
	}
}

// FuzzParseNamed checks the fast paths for "Name <addr-spec>" and bare
// addr-specs against net/mail: whatever they accept with a valid domain
// (the fast paths leave the domain's structure to normalizeDomain), net/mail
// accepts, with the same local part and domain.
func FuzzParseNamed(f *testing.F) {
	for _, s := range []string{
		"Jane Doe <jane@gmial.com>", "<a@b.c>", "Jane<a@b>", "a.b <c@d>", "=?x?= <a@b>", "J <a@b> ", "a@b", "a.b@c-d.e",
		"a b c <x.y@z>", "!#$%&'*+/=?^_`{|}~ <a@b>", "a  <b@c>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		trimmed := strings.TrimSpace(s)
		for name, fast := range map[string]func(string) (addrSpec, bool){"parsePlain": parsePlain, "parseNamed": parseNamed} {
			a, ok := fast(trimmed)
			if !ok {
				continue
			}
			if _, _, err := normalizeDomain(a.domain); err != nil {
				continue // invalid either way
			}
			// typoguard accepts a root dot after the domain; net/mail does
			// not: compare without it.
			in := trimmed
			if d, ok := strings.CutSuffix(a.domain, "."); ok {
				at := strings.LastIndex(in, "@"+a.domain)
				in = in[:at] + "@" + d + in[at+1+len(a.domain):]
				a.domain = d
			}
			m, err := mail.ParseAddress(in)
			if err != nil {
				t.Fatalf("%s accepts %q, net/mail does not: %v", name, s, err)
			}
			want, err := splitAddrSpec(m.Address)
			if err != nil || want.local != a.local || want.domain != a.domain {
				t.Fatalf("%s: %q is %q at %q, net/mail says %q (%v)", name, s, a.local, a.domain, m.Address, err)
			}
		}
	})
}
