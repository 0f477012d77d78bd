package typoguard

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// The benchmarks judge a few addresses of each input class against
// protected sets of 60, 1,000, 10,000 and 100,000 entries, to show that
// the cost of a check does not grow with the set (see docs/performance.md):
//
//	go test -run '^$' -bench 'Check|New' -benchmem -count=10 . | tee new.txt
//	benchstat -col /size new.txt

// benchSizes are the protected-set sizes of the benchmarks.
var benchSizes = []int{60, 1_000, 10_000, 100_000}

// benchEntries returns n protected entries: the .mil suffix and three
// names under it, real mail providers, then synthetic domains in the
// styles real ones take (word.tld 40%, wordword.tld 30%, word-word.tld
// 20%, mail.wordword.tld 10%) across common suffixes, deterministically.
func benchEntries(n int) []string {
	out := []string{".mil", "army.mil", "navy.mil", "af.mil"}
	for _, p := range MailProviders() {
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
			name = benchWord(rng) + "-" + benchWord(rng)
		case r < 5:
			name = benchWord(rng) + benchWord(rng)
		case r < 9:
			name = benchWord(rng)
		default:
			name = "mail." + benchWord(rng) + benchWord(rng)
		}
		d := name + "." + tlds[rng.IntN(len(tlds))]
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

// benchWord returns a pronounceable word of 2 or 3 syllables. The names
// average 13.5 characters (a registrable label of 9.5), longer than real
// ones (MailProviders: 9.5 and 5.6).
func benchWord(rng *rand.Rand) string {
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

// benchGuards builds each benchmark Guard once per process.
var benchGuards sync.Map // size -> func() *Guard

func benchGuard(tb testing.TB, n int) *Guard {
	f, _ := benchGuards.LoadOrStore(n, sync.OnceValue(func() *Guard { return MustNew(benchEntries(n)) }))
	return f.(func() *Guard)()
}

// benchClass is a class of input with its expected verdict.
type benchClass struct {
	name    string
	verdict Verdict
	inputs  []string
}

// benchClasses returns the inputs of each class; every size protects the
// same first 60 entries, so the same inputs are clean, typos, and so on,
// at every size (TestBenchClasses checks).
func benchClasses() []benchClass {
	return []benchClass{
		{"clean", OK, []string{"john.doe@army.mil", "jane@gmail.com", "x@mail.ru", "anna@web.de"}},
		{"sub-domain", OK, []string{"john.doe@mail.army.mil", "jane@eu.gmail.com", "a@smtp.mail.ru", "x@news.web.de"}},
		{"far", OK, []string{"john.doe@example.org", "jane@university.edu", "x@my-company.example", "a@kernel.org"}},
		{"typo", Block, []string{"jane@gmial.com", "john@hotmial.com", "x@yahooo.com", "a@outlok.com"}},
		{"suffix-slip", Block, []string{"john.doe@army.ml", "jane@gmail.co", "x@navy.ml", "a@yahoo.cm"}},
		{"inside-suffix", OK, []string{"john.doe@dtic.mil", "jane@dla.mil", "x@disa.mil", "a@usmc.mil"}},
		{"idn", Block, []string{"jane@gmаil.com", "x@xn--gmil-63d.com", "a@yаhoo.com", "b@оutlook.com"}},
		{"invalid", Invalid, []string{"john.doe@army..mil", "jane@", "not an address", "x@-bad-.com"}},
		{"display-name", Block, []string{`"John Doe" <john.doe@army.ml>`, "Jane <jane@gmial.com>", "X Y <x@yahooo.com>", "A <a@outlok.com>"}},
	}
}

// TestBenchClasses checks that each benchmark input is of its class, at
// every size, so that the benchmarks measure what they say.
func TestBenchClasses(t *testing.T) {
	for _, n := range benchSizes {
		if n > 1_000 && testing.Short() {
			continue
		}
		g := benchGuard(t, n)
		for _, c := range benchClasses() {
			for _, in := range c.inputs {
				r, _ := g.Check(in)
				if r.Verdict != c.verdict {
					t.Errorf("size %d, class %s: %q is %v, want %v (%v)", n, c.name, in, r.Verdict, c.verdict, r.Findings)
				}
				e, trusted := g.Trusts(r.Domain)
				var ok bool
				switch c.name {
				case "clean": // exactly protected
					ok = trusted && e.Name == r.Domain
				case "sub-domain": // under a protected domain
					ok = trusted && !e.IsSuffix() && e.Name != r.Domain
				case "far": // near nothing
					ok = !trusted && len(g.Nearest(r.Domain)) == 0
				default:
					ok = true
				}
				if !ok {
					t.Errorf("size %d: %q is not of class %s", n, in, c.name)
				}
			}
		}
	}
}

// TestCheckAllocsAtSizes pins the clean path to zero allocations at every
// size: exact, sub-domain, far and inside-suffix addresses. (A far domain
// one slip from a protected suffix, such as example.ml when .mil is
// protected, costs the one allocation of publicsuffix.PublicSuffix.)
func TestCheckAllocsAtSizes(t *testing.T) {
	for _, n := range benchSizes {
		if n > 1_000 && testing.Short() {
			continue
		}
		g := benchGuard(t, n)
		for _, c := range benchClasses() {
			if c.verdict != OK {
				continue
			}
			for _, in := range c.inputs {
				if a := testing.AllocsPerRun(50, func() { g.Check(in) }); a != 0 {
					t.Errorf("size %d, class %s: %q: %v allocations, want 0", n, c.name, in, a)
				}
			}
		}
	}
}

func BenchmarkCheck(b *testing.B) {
	for _, c := range benchClasses() {
		for _, n := range benchSizes {
			b.Run(fmt.Sprintf("class=%s/size=%d", c.name, n), func(b *testing.B) {
				g := benchGuard(b, n)
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					g.Check(c.inputs[i%len(c.inputs)])
					i++
				}
			})
		}
	}
}

// BenchmarkNew builds Guards of each size and reports the heap a Guard
// retains (heap-MB, measured once, after garbage collection) as well as
// the allocations made while building it.
func BenchmarkNew(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("size=%d", n), func(b *testing.B) {
			entries := benchEntries(n)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			g := MustNew(entries)
			runtime.GC()
			runtime.ReadMemStats(&after)
			runtime.KeepAlive(g)
			b.ReportAllocs()
			for b.Loop() {
				MustNew(entries)
			}
			b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "heap-MB")
		})
	}
}

// TestBenchEntriesFingerprint pins the generated protected set, which
// the comparison module bench/ generates too (its entries function).
func TestBenchEntriesFingerprint(t *testing.T) {
	sum := sha256.Sum256([]byte(strings.Join(benchEntries(100_000), "\n")))
	if got := hex.EncodeToString(sum[:]); got != "e02ddb338be360af6345ad4291c413eab6cf0b1589ba0d82e93c4b619d54c542" {
		t.Errorf("benchEntries(100000) changed (fingerprint %s): update bench/bench_test.go's entries and entriesFingerprint too", got)
	}
}
