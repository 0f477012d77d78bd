package bench

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/agnivade/levenshtein"
	"github.com/typoguard/typoguard"
)

var sizes = []int{60, 1_000, 10_000, 100_000}

// entries is benchEntries of typoguard's bench_test.go, which cannot be
// imported; TestEntriesFingerprint pins both to the same sets.
func entries(n int) []string {
	out := []string{".mil", "army.mil", "navy.mil", "af.mil"}
	for _, p := range typoguard.MailProviders() {
		if len(out) == n {
			return out
		}
		out = append(out, p)
	}
	seen := map[string]bool{}
	for _, e := range out {
		seen[e] = true
	}
	rng := rand.New(rand.NewPCG(0x7479706f, 0x67756172))
	tlds := []string{"com", "com", "com", "net", "org", "de", "co.uk", "io", "fr", "nl", "it", "es", "com.br", "com.au", "ru", "jp", "ca", "ch", "se", "pl", "info", "biz", "us", "co"}
	for len(out) < n {
		var name string
		switch r := rng.IntN(10); {
		case r < 2:
			name = word(rng) + "-" + word(rng)
		case r < 5:
			name = word(rng) + word(rng)
		case r < 9:
			name = word(rng)
		default:
			name = "mail." + word(rng) + word(rng)
		}
		d := name + "." + tlds[rng.IntN(len(tlds))]
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

func word(rng *rand.Rand) string {
	const onsets, vowels, codas = "bcdfghjklmnprstvwz", "aeiou", "lnrst"
	var b strings.Builder
	for range 2 + rng.IntN(2) {
		b.WriteByte(onsets[rng.IntN(len(onsets))])
		b.WriteByte(vowels[rng.IntN(len(vowels))])
		if rng.IntN(3) == 0 {
			b.WriteByte(codas[rng.IntN(len(codas))])
		}
	}
	return b.String()
}

// entriesFingerprint is the SHA-256 of entries(100_000) joined by
// newlines; typoguard's TestBenchEntriesFingerprint checks the same.
const entriesFingerprint = "e02ddb338be360af6345ad4291c413eab6cf0b1589ba0d82e93c4b619d54c542"

func TestEntriesFingerprint(t *testing.T) {
	sum := sha256.Sum256([]byte(strings.Join(entries(100_000), "\n")))
	if got := hex.EncodeToString(sum[:]); got != entriesFingerprint {
		t.Errorf("entries(100000) fingerprint %s, want %s: keep entries in step with typoguard's benchEntries", got, entriesFingerprint)
	}
}

// The input classes of typoguard's BenchmarkCheck that both sides judge.
var classes = []struct{ name, domain string }{
	{"clean", "gmail.com"},
	{"sub-domain", "mail.army.mil"},
	{"far", "example.org"},
	{"typo", "gmial.com"},
}

// linear is the plain scan: the protected domains within two edits of
// domain, nearest first.
type linear struct{ domains []string }

func newLinear(entries []string) *linear {
	l := &linear{}
	for _, e := range entries {
		if !strings.HasPrefix(e, ".") {
			l.domains = append(l.domains, e)
		}
	}
	return l
}

func (l *linear) nearest(domain string) (best string, dist int) {
	dist = 3
	for _, d := range l.domains {
		if n := levenshtein.ComputeDistance(domain, d); n < dist {
			best, dist = d, n
		}
	}
	return best, dist
}

var (
	guards  sync.Map // size -> func() *typoguard.Guard
	linears sync.Map // size -> func() *linear
)

func guard(n int) *typoguard.Guard {
	f, _ := guards.LoadOrStore(n, sync.OnceValue(func() *typoguard.Guard { return typoguard.MustNew(entries(n)) }))
	return f.(func() *typoguard.Guard)()
}

func scan(n int) *linear {
	f, _ := linears.LoadOrStore(n, sync.OnceValue(func() *linear { return newLinear(entries(n)) }))
	return f.(func() *linear)()
}

// TestSameQuestion checks that both sides see the typo as a typo of
// gmail.com and the others as clean, so that they answer one question.
func TestSameQuestion(t *testing.T) {
	for _, n := range []int{60, 1_000} {
		for _, c := range classes {
			r, err := guard(n).Check("x@" + c.domain)
			if err != nil {
				t.Fatal(err)
			}
			_, dist := scan(n).nearest(c.domain)
			flagged := r.Verdict != typoguard.OK
			if flagged != (c.name == "typo") {
				t.Errorf("size %d: typoguard judges %s %v", n, c.domain, r.Verdict)
			}
			if c.name == "typo" && dist > 2 {
				t.Errorf("size %d: the scan finds nothing near %s", n, c.domain)
			}
		}
	}
}

func BenchmarkCompare(b *testing.B) {
	for _, c := range classes {
		for _, n := range sizes {
			b.Run(fmt.Sprintf("class=%s/size=%d/impl=typoguard", c.name, n), func(b *testing.B) {
				g, addr := guard(n), "x@"+c.domain
				b.ReportAllocs()
				for b.Loop() {
					g.Check(addr)
				}
			})
			b.Run(fmt.Sprintf("class=%s/size=%d/impl=levenshtein-scan", c.name, n), func(b *testing.B) {
				l := scan(n)
				b.ReportAllocs()
				for b.Loop() {
					l.nearest(c.domain)
				}
			})
		}
	}
}
