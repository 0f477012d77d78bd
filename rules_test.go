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
