package typoguard

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// linearGuard returns a copy of g whose Nearest scans every entry: the
// oracle for the index.
func linearGuard(g *Guard) *Guard {
	l := *g
	l.linear = true
	return &l
}

// corpusAddresses reads the addresses and the protected entries of a
// scenario of the accuracy corpus.
func corpusAddresses(t *testing.T, name string) (protected, addrs []string) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "corpus", name+".tsv"))
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "# protected: "); ok {
			protected = strings.Fields(rest)
			continue
		}
		if strings.HasPrefix(line, "#") || strings.HasPrefix(line, "address\t") {
			continue
		}
		addr, _, _ := strings.Cut(line, "\t")
		addrs = append(addrs, addr)
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, protected)
	return protected, addrs
}

// TestIndexMatchesLinear checks that the indexed Guard judges every
// address of the labelled corpus (both scenarios, every row) exactly as
// the linear scan does, Result for Result, and that Nearest agrees on
// each domain and on its punctuation-repaired and skeleton forms.
func TestIndexMatchesLinear(t *testing.T) {
	for _, name := range []string{"providers", "mil"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			protected, addrs := corpusAddresses(t, name)
			g := MustNew(protected)
			l := linearGuard(g)
			found := 0
			for _, a := range addrs {
				r1, err1 := g.Check(a)
				r2, err2 := l.Check(a)
				if !assert.Equal(t, r2, r1, a) || !assert.Equal(t, err2, err1, a) {
					continue
				}
				if r1.Domain == "" {
					continue
				}
				for _, d := range []string{r1.Domain, strings.ToLower(r1.UnicodeDomain)} {
					want := l.Nearest(d)
					assert.Equal(t, want, g.Nearest(d), d)
					found += len(want)
				}
			}
			t.Logf("%s: %d addresses, %d near misses", name, len(addrs), found)
			assert.Greater(t, found, len(addrs)/4)
		})
	}
}

// TestIndexCases checks the index on the slips it must not miss, one by
// one, against protected names full of look-alike letters.
func TestIndexCases(t *testing.T) {
	g := MustNew([]string{
		"army.mil", "gmail.com", "hotmail.com", "protonmail.com", "worldmedia.co.uk", "clouddrive.de",
		"rnw.io", "vvv.com", "se.ibm.com", "mail.example-company.com", "wp.pl", "0ll1.com",
	})
	l := linearGuard(g)
	for _, c := range []struct {
		domain string
		want   string // the protected domain it must match; "" for none
	}{
		{"gmial.com", "gmail.com"},
		{"gmaill.com", "gmail.com"},
		{"gmaiil.com", "gmail.com"},
		{"hotrnail.com", "hotmail.com"},          // rn for m
		{"hotrnall.com", "hotmail.com"},          // rn for m, l for i
		{"hotmaill.comm", "hotmail.com"},         // two doubled letters: 0.9 of 1.0
		{"hotmial.con", ""},                      // a transposition and an adjacent key: 1.3 of 1.0
		{"protonmmaill.com", "protonmail.com"},   // two doubled letters
		{"portonmaill.com", "protonmail.com"},    // a transposition and a doubled letter
		{"protonrnial.com", "protonmail.com"},    // rn for m and a transposition
		{"portonmial.com", ""},                   // two transpositions: two changes
		{"protonmai.co", "protonmail.com"},       // two deletions
		{"prtonmail.co", "protonmail.com"},       // two deletions (doc.go)
		{"protonmaill.comm", "protonmail.com"},   // two doubled letters (doc.go)
		{"gmaill.comm", ""},                      // two edits of a 5-letter name
		{"worlbmedia.co.uk", "worldmedia.co.uk"}, // b for d, adjacent keys
		{"worldrnedia.co.uk", "worldmedia.co.uk"},
		{"worldmedla.co.uk", "worldmedia.co.uk"},
		{"woridmedia.co.uk", "worldmedia.co.uk"}, // i for l
		{"cluddrive.de", "clouddrive.de"},
		{"rnw.io", ""},  // protected itself
		{"rnvv.io", ""}, // vv for w: two edits on a short name
		{"mw.io", ""},
		{"vv.com", ""},
		{"seibm.com", "se.ibm.com"},
		{"mail.example-cornpany.com", "mail.example-company.com"},
		{"x.mail.exarnple-company.com", "mail.example-company.com"},
		{"wp.pol", "wp.pl"},
		{"us.army.ml", "army.mil"},
		{"amry.mil", "army.mil"},
		{"gmailcom", "gmail.com"},
		{"example.org", ""},
	} {
		got, want := g.Nearest(c.domain), l.Nearest(c.domain)
		assert.Equal(t, want, got, c.domain)
		if c.want != "" && assert.NotEmpty(t, got, c.domain) {
			assert.Equal(t, c.want, got[0].Entry.Name, c.domain)
		}
	}
}

// FuzzIndexMatchesLinear builds a random protected set from the seed,
// derives candidate domains from it by random edits, and checks that the
// index finds exactly what the linear scan finds; extra is one more
// candidate, as typed.
func FuzzIndexMatchesLinear(f *testing.F) {
	for i := range uint64(8) {
		f.Add(i, "gmial.com")
	}
	f.Add(uint64(99), "hotrnail.co.uk")
	f.Add(uint64(7), "a.b.c.d.e.f")
	f.Fuzz(func(t *testing.T, seed uint64, extra string) {
		rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
		var protected []string
		for range 1 + rng.IntN(12) {
			protected = append(protected, fuzzDomain(rng))
		}
		g, err := New(protected)
		if err != nil {
			return
		}
		l := linearGuard(g)
		var cands []string
		if d, _, err := normalizeDomain(extra); err == nil {
			cands = append(cands, d)
		}
		for range 40 {
			d := fuzzEdit(rng, protected[rng.IntN(len(protected))])
			if d, _, err := normalizeDomain(d); err == nil {
				cands = append(cands, d)
			}
		}
		for _, d := range cands {
			want, got := l.Nearest(d), g.Nearest(d)
			if !assert.Equal(t, want, got, "protected %q, domain %q", protected, d) {
				return
			}
		}
	})
}

// fuzzDomain returns a random domain over an alphabet rich in look-alikes
// and doubled letters, under a common suffix, sometimes with sub-domains.
func fuzzDomain(rng *rand.Rand) string {
	const alphabet = "mwdrnvclio01aeuxy-"
	label := func(min, max int) string {
		n := min + rng.IntN(max-min+1)
		var b []byte
		for len(b) < n {
			c := alphabet[rng.IntN(len(alphabet))]
			if rng.IntN(5) == 0 && len(b) > 0 {
				c = b[len(b)-1]
			}
			b = append(b, c)
		}
		return strings.Trim(string(b), "-")
	}
	suffixes := []string{"com", "co", "cm", "mil", "ml", "co.uk", "de", "net", "org", "om", "io"}
	d := label(1, 14) + "." + suffixes[rng.IntN(len(suffixes))]
	for rng.IntN(4) == 0 {
		d = label(1, 4) + "." + d
	}
	return d
}

// fuzzEdit applies up to four random edits of every kind to d.
func fuzzEdit(rng *rand.Rand, d string) string {
	const alphabet = "mwdrnvclio01aeuxy-."
	b := []byte(d)
	for range rng.IntN(5) {
		if len(b) == 0 {
			break
		}
		i := rng.IntN(len(b))
		switch rng.IntN(9) {
		case 0:
			b = slices.Delete(b, i, i+1)
		case 1:
			b = slices.Insert(b, i, alphabet[rng.IntN(len(alphabet))])
		case 2:
			b = slices.Insert(b, i, b[i]) // doubled
		case 3:
			b[i] = alphabet[rng.IntN(len(alphabet))]
		case 4:
			if i+1 < len(b) {
				b[i], b[i+1] = b[i+1], b[i]
			}
		case 5:
			s := string(b)
			for _, p := range lookalikePairs {
				if j := strings.IndexByte(s[i:], p.one); j >= 0 {
					s = s[:i+j] + p.two + s[i+j+1:]
					break
				}
				if j := strings.Index(s[i:], p.two); j >= 0 {
					s = s[:i+j] + string(p.one) + s[i+j+2:]
					break
				}
			}
			b = []byte(s)
		case 6:
			b = append([]byte(fmt.Sprintf("x%d.", rng.IntN(3))), b...)
		case 7:
			if j := strings.LastIndexByte(string(b), '.'); j >= 0 {
				b = slices.Delete(b, j, j+1)
			}
		case 8:
			b = append(b, []byte(".ml")...)
		}
	}
	return string(b)
}

// TestNearIndexSize keeps an eye on the index: about 4 bytes a variant.
func TestNearIndexSize(t *testing.T) {
	g := MustNew(benchEntries(1_000))
	ix := &g.near
	t.Logf("1,000 entries: %d variants, %d buckets, %.1f variants an entry", len(ix.items), len(ix.dir)-1, float64(len(ix.items))/1000)
	assert.Less(t, len(ix.items), 1000*200)
}

// TestEntryKeyCount checks the count New sizes the index with.
func TestEntryKeyCount(t *testing.T) {
	for _, w := range append(benchEntries(300), "rnrnrn.com", "mwd.com", "vvvv.co.uk", "clcl.d", "m", "a") {
		for cap := range 3 {
			n := 0
			entryKeys(w, cap, func(uint64) { n++ })
			assert.Equal(t, n, entryKeyCount(w, cap), "%s, cap %d", w, cap)
		}
	}
}

// TestNearSuffixes checks the suffix-slip index against its definition,
// the slip budget between dotted suffixes, for common suffixes and for
// every single-edit neighbour of the protected suffixes.
func TestNearSuffixes(t *testing.T) {
	for _, g := range []*Guard{
		MustNew(slices.Concat(MailProviders(), USMilitary())),
		MustNew(append(benchEntries(1_000), ".ml", "co", "com.co", "x.co.uk")),
	} {
		var tails []string
		for tail := range g.Suffixes() {
			tails = append(tails, tail)
		}
		suffixes := map[string]bool{}
		for _, s := range strings.Fields("com co cm om con net ne et nte mil ml il mit ril org ong edu eu gov goo gop got mov cz cy de uk co.uk com.co com.br mil.ng gouv.ml ck x.ck blogspot.com br.com io ai me mail") {
			suffixes[s] = true
		}
		for _, tail := range tails {
			singleEdits("."+tail, func(s string) {
				if rest, ok := strings.CutPrefix(s, "."); ok && plausibleSuffix(rest) {
					suffixes[rest] = true
				}
			})
		}
		for s := range suffixes {
			var want []string
			for _, tail := range tails {
				if tail != s && g.Cost("."+s, "."+tail) <= slipBudget {
					want = append(want, tail)
				}
			}
			assert.Equal(t, want, slices.Collect(g.NearSuffixes(s)), s)
		}
	}
}

// TestCutUndotted checks cutUndotted against what it replaces.
func TestCutUndotted(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "abc."
	word := func(n int) string {
		b := make([]byte, rng.IntN(n))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
	for range 20_000 {
		s, suffix := word(8), word(5)
		wantName, wantOK := strings.CutSuffix(s, strings.ReplaceAll(suffix, ".", ""))
		name, ok := cutUndotted(s, suffix)
		if name != wantName || ok != wantOK {
			t.Fatalf("cutUndotted(%q, %q) = %q, %v; want %q, %v", s, suffix, name, ok, wantName, wantOK)
		}
	}
}

// TestNameTable checks Trusts, Legitimate and SameOwner, which look names
// up in one hash table, against the map walks they replaced.
func TestNameTable(t *testing.T) {
	protected := slices.Concat(MailProviders(), USMilitary(), []string{".gov", "gov.uk", "googlemail.com", "x.co.uk"})
	extraLegit := []string{"partner.example", "mx.hey.com"}
	g := MustNew(protected, WithLegitimate(extraLegit...))
	k := builtinKnowledge()
	domains, suffixes, legit, owner := map[string]int{}, map[string]int{}, map[string]bool{}, map[string]int{}
	for i, e := range g.entries {
		if rest, ok := strings.CutPrefix(e.Name, "."); ok {
			suffixes[rest] = i
		} else {
			domains[e.Name] = i
		}
	}
	for _, d := range slices.Concat(k.legitimate, extraLegit) {
		legit[d] = true
	}
	for grp, ds := range k.owners {
		for _, d := range ds {
			owner[d] = grp
		}
	}
	ownedEntry := func(grp int) (int, bool) {
		for i, e := range g.entries {
			if o, ok := owner[e.Name]; ok && o == grp {
				return i, true
			}
		}
		return 0, false
	}
	parents := func(domain string) []string {
		var out []string
		for d := domain; ; {
			out = append(out, d)
			dot := strings.IndexByte(d, '.')
			if dot < 0 {
				return out
			}
			d = d[dot+1:]
		}
	}
	trusts := func(domain string) (Entry, bool) {
		suffix := -1
		for _, d := range parents(domain) {
			if i, ok := domains[d]; ok {
				return g.entries[i], true
			}
			if i, ok := suffixes[d]; ok && d != domain && suffix < 0 {
				suffix = i
			}
			if grp, ok := owner[d]; ok {
				if i, ok := ownedEntry(grp); ok {
					return g.entries[i], true
				}
			}
		}
		if suffix >= 0 {
			return g.entries[suffix], true
		}
		return Entry{}, false
	}
	legitimate := func(domain string) bool {
		for _, d := range parents(domain) {
			_, isOwned := owner[d]
			_, isDomain := domains[d]
			if legit[d] || isOwned || isDomain {
				return true
			}
		}
		return false
	}
	var inputs []string
	for _, d := range slices.Concat(protected, k.legitimate, extraLegit, []string{"mil", "gov", "uk", "co.uk", "com", "example.org"}) {
		d = strings.TrimPrefix(d, ".")
		inputs = append(inputs, d, "x."+d, "a.b."+d, d+".ml", "x"+d)
	}
	for _, grp := range k.owners {
		inputs = append(inputs, grp...)
	}
	for _, d := range inputs {
		we, wok := trusts(d)
		ge, gok := g.Trusts(d)
		assert.Equal(t, wok, gok, d)
		assert.Equal(t, we, ge, d)
		assert.Equal(t, legitimate(d), g.Legitimate(d), d)
	}
	pairs := slices.Concat(inputs[:100], inputs[len(inputs)-100:]) // the last ones are owners
	for _, a := range pairs {
		for _, b := range pairs {
			ga, aok := owner[a]
			gb, bok := owner[b]
			assert.Equal(t, aok && bok && ga == gb, g.SameOwner(a, b), "%s %s", a, b)
		}
	}
}

// TestDeletionHeads checks the heads deletionHeads lists against every
// variant deletionKeys hashes: each variant's head must be among them.
func TestDeletionHeads(t *testing.T) {
	for _, s := range []string{"", "a", "ab", "abc", "abcd", "gmail.com", "0ll1.com", "aab", "rnw.io"} {
		for dels := 0; dels <= 2; dels++ {
			heads := map[[3]int]bool{}
			deletionHeads(s, dels, func(n int, c0, c1 byte) { heads[[3]int{n, int(c0), int(c1)}] = true })
			headOf := func(v string) [3]int {
				h := [3]int{len(v), 0, 0}
				for i := 0; i < len(v) && i < 2; i++ {
					h[1+i] = int(fold(v[i]))
				}
				return h
			}
			want := map[[3]int]bool{headOf(s): true}
			for p := range len(s) {
				if dels >= 1 {
					want[headOf(s[:p]+s[p+1:])] = true
				}
				for q := p + 1; q < len(s) && dels >= 2; q++ {
					want[headOf(s[:p]+s[p+1:q]+s[q+1:])] = true
				}
			}
			assert.Equal(t, want, heads, "%q with %d deletions", s, dels)
		}
	}
}
