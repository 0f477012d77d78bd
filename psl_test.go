package typoguard

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"golang.org/x/net/publicsuffix"
)

// TestPublicSuffix checks the generated table against the function it
// replaces, publicsuffix.PublicSuffix: the same list revision, and the
// same answer for every node of the list, under one and two more labels,
// and for names the list does not know.
func TestPublicSuffix(t *testing.T) {
	assert.Equal(t, publicsuffix.List.String(), pslVersion, "psl_table.go is stale: go generate ./...")
	check := func(d string) {
		t.Helper()
		wantPS, wantICANN := publicsuffix.PublicSuffix(d)
		gotPS, gotICANN := publicSuffix(d)
		if gotPS != wantPS || gotICANN != wantICANN {
			t.Errorf("publicSuffix(%q) = %q, %v; want %q, %v", d, gotPS, gotICANN, wantPS, wantICANN)
		}
	}
	n := 0
	for line := range strings.Lines(pslNodes) {
		name := strings.TrimSpace(line[2:])
		for _, d := range []string{name, "x." + name, "a.b." + name, "www.x-y.a1." + name} {
			check(d)
		}
		n++
	}
	assert.Greater(t, n, 9000)
	for _, d := range []string{
		"", "com", "example.com", "army.ml", "us.army.mil", "gmail.co.uk", "x.blogspot.com",
		"www.ck", "a.www.ck", "b.c.ck", "kawasaki.jp", "city.kawasaki.jp", "x.city.kawasaki.jp",
		"cromulent", "foo.cromulent", "1.2.3.4", "1.2.3", "999.1.1.1", "1.2.3.4.5", "a.1.2.3.4",
		"xn--p1ai", "xn--80ak6aa92e.xn--p1ai", "local", "example.local", "gmailcom", "a.b.c.d.e.f.com",
	} {
		check(d)
	}
}

func TestPublicSuffixAllocs(t *testing.T) {
	publicSuffix("warm.up")
	for _, d := range []string{"example.com", "us.army.ml", "x.blogspot.co.uk", "gmailcom"} {
		assert.Zero(t, testing.AllocsPerRun(100, func() { publicSuffix(d) }), d)
	}
}

func FuzzPublicSuffix(f *testing.F) {
	for _, s := range []string{"example.com", "a.b.ck", "www.ck", "x.city.kawasaki.jp", "1.2.3.4", "gmail.co.uk"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ascii, _, err := normalizeDomain(s)
		if err != nil {
			return
		}
		wantPS, wantICANN := publicsuffix.PublicSuffix(ascii)
		gotPS, gotICANN := publicSuffix(ascii)
		if gotPS != wantPS || gotICANN != wantICANN {
			t.Errorf("publicSuffix(%q) = %q, %v; want %q, %v", ascii, gotPS, gotICANN, wantPS, wantICANN)
		}
	})
}

func BenchmarkPublicSuffix(b *testing.B) {
	for _, d := range []string{"example.org", "mail.example.co.uk"} {
		b.Run(d, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				publicSuffix(d)
			}
		})
		b.Run(d+"/x-net", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				publicsuffix.PublicSuffix(d)
			}
		})
	}
}
