package typoguard

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestRulesWithHandMadeCandidates checks that every built-in rule judges a
// Candidate the same whether the Guard made it (with its lookups done
// once), a caller built it from its exported fields, or another Guard made
// it: the cached lookups are a shortcut, never a different answer.
func TestRulesWithHandMadeCandidates(t *testing.T) {
	for _, name := range []string{"providers", "mil"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			protected, addrs := corpusAddresses(t, name)
			g := MustNew(protected)
			other := MustNew([]string{".mil", "gmail.com", "example.org"})
			fired := 0
			for _, in := range addrs {
				a, err := parseAddress(in)
				if err != nil || a.domain[0] == '[' {
					continue
				}
				ascii, uni, err := normalizeDomain(a.domain)
				if err != nil {
					continue
				}
				cached := g.candidate(a, ascii, uni)
				plain := Candidate{Local: cached.Local, RawDomain: cached.RawDomain, Domain: ascii, UnicodeDomain: uni}
				foreign := other.candidate(a, ascii, uni)
				for _, r := range g.rules {
					want := r.Check(g, plain)
					assert.Equal(t, want, r.Check(g, cached), "%s: rule %s, Guard's candidate", in, r.Name)
					assert.Equal(t, want, r.Check(g, foreign), "%s: rule %s, another Guard's candidate", in, r.Name)
					if len(want) > 0 {
						fired++
					}
				}
			}
			t.Logf("%s: %d addresses, %d rule findings compared", name, len(addrs), fired)
			assert.Greater(t, fired, len(addrs)/4, "the corpus must exercise the rules")
		})
	}
}

// TestDeliversMatchesPublicSuffix checks the Guard's memo of delegated
// top-level domains against the public suffix list itself, on the odd
// corners of the list: wildcard-only TLDs (bd, ck), an exception
// (www.ck), private suffixes, undelegated names.
func TestDeliversMatchesPublicSuffix(t *testing.T) {
	g := MustNew([]string{"gmail.com", ".mil", "bank.bd", "site.ck", "corp.example", "shop.co.uk", "blog.blogspot.com", "home.local"})
	memo := 0
	for _, d := range []string{
		"gmial.com", "x.y.com", "amry.mil", "army.ml", "bnak.bd", "x.bank.bd", "sitee.ck", "www.ck", "a.www.ck",
		"corp.exmaple", "corp.example", "shopp.co.uk", "x.co.uk", "blogg.blogspot.com", "home.lcoal", "home.local",
		"gmail.co", "gmail.cm", "gmail.om", "x.onion", "x.arpa", "x.xn--p1ai",
	} {
		c := g.candidate(addrSpec{local: "x", domain: d}, d, d)
		_, want := c.Suffix()
		assert.Equal(t, want, g.delivers(c), d)
		assert.Equal(t, want, g.delivers(Candidate{Domain: d}), "%s, hand-made", d)
		if c.delegated {
			memo++
		}
	}
	assert.GreaterOrEqual(t, memo, 12, "most of these TLDs are known to the Guard")
}
