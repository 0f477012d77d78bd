package typoguard

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// qwertyModel is the cost model on a QWERTY keyboard; keysKnown says whether
// the keyboard knows that m and n are neighbours (false while keyboard.go is
// a stub), which the keyboard-dependent cases need.
func qwertyModel(tb testing.TB) (m *costModel, keysKnown bool) {
	tb.Helper()
	k, err := newKeyboard([]Layout{QWERTY})
	require.NoError(tb, err)
	return newCostModel(k), k.adjacent('m', 'n')
}

// unitModel is the same DP with every edit costing 1: a symmetric metric.
func unitModel() *costModel { m := newCostModel(nil); m.unit = true; return m }

// slowDistance is the reference: a memoised top-down recursion over (i, j),
// the cost of turning intended[:i] into typed[:j], trying every transition
// as the cost model defines it. No rolling rows, no early exit.
func slowDistance(m *costModel, typed, intended string) cost {
	w, g := intended, typed
	lookalikes := [][2]string{ // intended, typed
		{"m", "rn"}, {"w", "vv"}, {"d", "cl"},
		{"rn", "m"}, {"vv", "w"}, {"cl", "d"},
	}
	memo := map[[2]int]cost{{0, 0}: 0}
	var f func(i, j int) cost
	f = func(i, j int) cost {
		if c, ok := memo[[2]int{i, j}]; ok {
			return c
		}
		best := maxCost
		try := func(c cost) { best = min(best, c) }
		if i > 0 { // delete w[i-1]
			c, _ := m.delClass(w, i-1)
			try(f(i-1, j) + m.price(c, i-1))
		}
		if j > 0 { // insert g[j-1] before w[i]
			c, _ := m.insClass(g, j-1)
			try(f(i, j-1) + m.price(c, i))
		}
		if i > 0 && j > 0 { // match or substitute
			if w[i-1] == g[j-1] {
				try(f(i-1, j-1))
			} else {
				c, _ := m.subClass(w[i-1], g[j-1])
				try(f(i-1, j-1) + m.price(c, i-1))
			}
		}
		if i > 1 && j > 1 && w[i-2] != w[i-1] && w[i-2] == g[j-1] && w[i-1] == g[j-2] {
			try(f(i-2, j-2) + m.price(costTranspose, i-2))
		}
		for _, l := range lookalikes {
			want, got := l[0], l[1]
			if strings.HasSuffix(w[:i], want) && strings.HasSuffix(g[:j], got) {
				try(f(i-len(want), j-len(got)) + m.price(costLookalike, i-len(want)))
			}
		}
		memo[[2]int{i, j}] = best
		return best
	}
	return f(len(w), len(g))
}

// applyEdits applies an edit script, in order of Pos, to intended.
func applyEdits(intended string, edits []Edit) (string, error) {
	var b strings.Builder
	p := 0 // bytes of intended consumed
	for _, e := range edits {
		if e.Pos < p || e.Pos+len(e.Want) > len(intended) {
			return "", fmt.Errorf("edit %+v out of order or range (at %d)", e, p)
		}
		b.WriteString(intended[p:e.Pos])
		if intended[e.Pos:e.Pos+len(e.Want)] != e.Want {
			return "", fmt.Errorf("edit %+v: intended has %q", e, intended[e.Pos:e.Pos+len(e.Want)])
		}
		b.WriteString(e.Got)
		p = e.Pos + len(e.Want)
	}
	b.WriteString(intended[p:])
	return b.String(), nil
}

// checkScript checks script against distance: same cost, the edits sum to
// it and turn intended into typed.
func checkScript(t *testing.T, m *costModel, typed, intended string, want cost) []Edit {
	t.Helper()
	c, edits, ok := m.script(typed, intended)
	require.True(t, ok)
	require.Equal(t, want, c, "script cost")
	var sum cost
	for _, e := range edits {
		ec := cost(math.Round(e.Cost * 100))
		if ec <= 0 {
			t.Errorf("edit %+v: cost %d", e, ec)
		}
		sum += ec
	}
	assert.Equal(t, c, sum, "sum of edit costs %+v", edits)
	got, err := applyEdits(intended, edits)
	require.NoError(t, err)
	assert.Equal(t, typed, got, "edits %+v applied to %q", edits, intended)
	return edits
}

func TestEditClasses(t *testing.T) {
	m, keysKnown := qwertyModel(t)
	type class struct {
		c  cost
		cl EditClass
	}
	tests := []struct {
		name string
		got  func() (cost, EditClass)
		want class
		keys bool // needs the real QWERTY adjacencies
	}{
		{"delete dot", func() (cost, EditClass) { return m.delClass("gmail.com", 5) }, class{30, ClassDot}, false},
		{"delete doubled", func() (cost, EditClass) { return m.delClass("yahoo.com", 3) }, class{40, ClassDoubled}, false},
		{"delete doubled second", func() (cost, EditClass) { return m.delClass("yahoo.com", 4) }, class{40, ClassDoubled}, false},
		{"delete other", func() (cost, EditClass) { return m.delClass("army.mil", 6) }, class{50, ClassOther}, false},
		{"delete last", func() (cost, EditClass) { return m.delClass("ab", 1) }, class{50, ClassOther}, false},
		{"insert doubled prev", func() (cost, EditClass) { return m.insClass("gmaill.com", 5) }, class{costInsertDoubled, ClassDoubled}, false},
		{"insert doubled next", func() (cost, EditClass) { return m.insClass("gmaill.com", 4) }, class{costInsertDoubled, ClassDoubled}, false},
		{"insert dot doubled", func() (cost, EditClass) { return m.insClass("gmail..com", 6) }, class{costInsertDoubled, ClassDoubled}, false},
		{"insert adjacent", func() (cost, EditClass) { return m.insClass("gmaikl.com", 4) }, class{60, ClassAdjacentKey}, true},
		{"insert digit", func() (cost, EditClass) { return m.insClass("gma7il.com", 3) }, class{120, ClassDigitHyphen}, false},
		{"insert hyphen", func() (cost, EditClass) { return m.insClass("g-mail.com", 1) }, class{120, ClassDigitHyphen}, false},
		{"insert other", func() (cost, EditClass) { return m.insClass("gmaxil.com", 3) }, class{100, ClassOther}, false},
		{"insert dot", func() (cost, EditClass) { return m.insClass("gm.ail.com", 2) }, class{100, ClassOther}, false},
		{"lookalike 0/o", func() (cost, EditClass) { return m.subClass('o', '0') }, class{40, ClassLookalike}, false},
		{"lookalike o/0", func() (cost, EditClass) { return m.subClass('0', 'o') }, class{40, ClassLookalike}, false},
		{"lookalike 1/l", func() (cost, EditClass) { return m.subClass('l', '1') }, class{40, ClassLookalike}, false},
		{"lookalike i/1", func() (cost, EditClass) { return m.subClass('1', 'i') }, class{40, ClassLookalike}, false},
		{"lookalike l/i", func() (cost, EditClass) { return m.subClass('l', 'i') }, class{40, ClassLookalike}, false},
		{"adjacent m/n", func() (cost, EditClass) { return m.subClass('m', 'n') }, class{70, ClassAdjacentKey}, true},
		{"bit-flip letter", func() (cost, EditClass) { return m.subClass('a', 'c') }, class{90, ClassBitFlip}, false},
		{"bit-flip digit", func() (cost, EditClass) { return m.subClass('r', '2') }, class{90, ClassBitFlip}, false},
		{"digit", func() (cost, EditClass) { return m.subClass('t', '3') }, class{120, ClassDigitHyphen}, false},
		{"hyphen", func() (cost, EditClass) { return m.subClass('-', 'x') }, class{120, ClassDigitHyphen}, false},
		{"other", func() (cost, EditClass) { return m.subClass('g', 'x') }, class{100, ClassOther}, false},
		{"other bytes", func() (cost, EditClass) { return m.subClass(0x00, 0xff) }, class{100, ClassOther}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.keys && !keysKnown {
				t.Skip("needs the QWERTY adjacencies; keyboard.go does not have them yet")
			}
			c, cl := tt.got()
			assert.Equal(t, tt.want, class{c, cl})
		})
	}
}

func TestDistanceDomains(t *testing.T) {
	m, keysKnown := qwertyModel(t)
	tests := []struct {
		typed, intended string
		cost            cost
		edit            Edit // the only edit; zero for the identity
		keys            bool // needs the real QWERTY adjacencies
	}{
		{"gmail.com", "gmail.com", 0, Edit{}, false},
		{"gmial.com", "gmail.com", 60, Edit{OpTranspose, ClassTranspose, 2, "ai", "ia", 0.6}, false},
		{"gmai.com", "gmail.com", 50, Edit{OpDelete, ClassOther, 4, "l", "", 0.5}, false},
		{"gmaill.com", "gmail.com", 45, Edit{OpInsert, ClassDoubled, 4, "", "l", 0.45}, false},
		{"yaho.com", "yahoo.com", 40, Edit{OpDelete, ClassDoubled, 3, "o", "", 0.4}, false},
		{"army.ml", "army.mil", 50, Edit{OpDelete, ClassOther, 6, "i", "", 0.5}, false},
		{"gmailcom", "gmail.com", 30, Edit{OpDelete, ClassDot, 5, ".", "", 0.3}, false},
		{"hotrnail.com", "hotmail.com", 40, Edit{OpSubstitute, ClassLookalike, 3, "m", "rn", 0.4}, false},
		{"svvisscom.ch", "swisscom.ch", 40, Edit{OpSubstitute, ClassLookalike, 1, "w", "vv", 0.4}, false},
		{"doud.com", "cloud.com", 70, Edit{OpSubstitute, ClassLookalike, 0, "cl", "d", 0.7}, false},
		{"outlo0k.com", "outlook.com", 40, Edit{OpSubstitute, ClassLookalike, 5, "o", "0", 0.4}, false},
		{"gmail.con", "gmail.com", 70, Edit{OpSubstitute, ClassAdjacentKey, 8, "m", "n", 0.7}, true},
		{"mic2osoft.com", "microsoft.com", 90, Edit{OpSubstitute, ClassBitFlip, 3, "r", "2", 0.9}, false},
		// t/3 are neither neighbours nor one bit apart (ho6mail: 6 is next to t;
		// ho9mail: deleting t and inserting 9 next to o is cheaper on QWERTY).
		{"ho3mail.com", "hotmail.com", 120, Edit{OpSubstitute, ClassDigitHyphen, 2, "t", "3", 1.2}, false},
		{"xmail.com", "gmail.com", 130, Edit{OpSubstitute, ClassOther, 0, "g", "x", 1.3}, false},
		// The first-position penalty puts the extra 'g' after the first.
		{"ggmail.com", "gmail.com", 45, Edit{OpInsert, ClassDoubled, 1, "", "g", 0.45}, false},
		{"mail.com", "gmail.com", 80, Edit{OpDelete, ClassOther, 0, "g", "", 0.8}, false},
	}
	for _, tt := range tests {
		t.Run(tt.typed+"/"+tt.intended, func(t *testing.T) {
			if tt.keys && !keysKnown {
				t.Skip("needs the QWERTY adjacencies; keyboard.go does not have them yet")
			}
			d, ok := m.distance(tt.typed, tt.intended, 1000)
			require.True(t, ok)
			assert.Equal(t, tt.cost, d)
			assert.Equal(t, tt.cost, slowDistance(m, tt.typed, tt.intended), "slowDistance")
			edits := checkScript(t, m, tt.typed, tt.intended, tt.cost)
			if tt.edit == (Edit{}) {
				assert.Empty(t, edits)
			} else {
				assert.Equal(t, []Edit{tt.edit}, edits)
			}
		})
	}
}

// pairs is a table of (typed, intended) pairs, near and far.
var pairs = [][2]string{
	{"", ""}, {"a", ""}, {"", "a"}, {"ab", "ba"}, {"abc", "ca"}, {"rn", "m"}, {"m", "rn"},
	{"am", "arn"}, {"hotmail.com", "hotrnail.com"}, // a 2-to-1 look-alike skips a row
	{"gmial.com", "gmail.com"}, {"gamil.con", "gmail.com"}, {"hotrnial.com", "hotmail.com"},
	{"yahooo.co", "yahoo.com"}, {"outlok.cm", "outlook.com"}, {"army.ml", "army.mil"},
	{"cl0ud.example", "doud.example"}, {"vvvvw", "wwvv"}, {"-1.0", "i.o-"},
	{"example.org", "gmail.com"}, {"icloud.com", "gmail.com"}, {"microsoft.com", "mic2osoft.com"},
	{"a.very-long.subdomain.example.co.uk", "a.vrey-lnog.subdomian.exmaple.co.uk"},
}

func TestDistanceScriptSlow(t *testing.T) {
	m, _ := qwertyModel(t)
	models := map[string]*costModel{"weighted": m, "unit": unitModel(), "no keys": newCostModel(nil)}
	for name, m := range models {
		for _, p := range pairs {
			typed, intended := p[0], p[1]
			t.Run(name+"/"+typed+"/"+intended, func(t *testing.T) {
				want := slowDistance(m, typed, intended)
				d, ok := m.distance(typed, intended, maxCost)
				require.True(t, ok)
				assert.Equal(t, want, d, "distance")
				checkScript(t, m, typed, intended, want)
				// Bounded: ok exactly when the cost is within max.
				for max := cost(-1); max <= want+20; max++ {
					got, ok := m.distance(typed, intended, max)
					if !assert.Equal(t, want <= max, ok, "max %d", max) {
						continue
					}
					if ok {
						assert.Equal(t, want, got, "max %d", max)
					} else {
						assert.Greater(t, got, max)
					}
				}
			})
		}
	}
}

func TestDistanceUnitSymmetric(t *testing.T) {
	u := unitModel()
	for _, p := range pairs {
		t.Run(p[0]+"/"+p[1], func(t *testing.T) {
			ab, _ := u.distance(p[0], p[1], maxCost)
			ba, _ := u.distance(p[1], p[0], maxCost)
			assert.Equal(t, ab, ba)
		})
	}
}

func TestDistanceTooLong(t *testing.T) {
	m, _ := qwertyModel(t)
	max255, long := strings.Repeat("a", maxDomainLen), strings.Repeat("a", maxDomainLen+1)
	tests := []struct {
		name            string
		typed, intended string
		ok              bool // within maxDomainLen: compared
	}{
		{"255 both", max255, max255, true},
		{"255 apart", max255, strings.Repeat("-", maxDomainLen), true},
		{"typed 256", long, max255, false},
		{"intended 256", max255, long, false},
		{"empty and 256", "", long, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, ok := m.distance(tt.typed, tt.intended, maxCost)
			assert.Equal(t, tt.ok, ok, "maxCost bounds every distance")
			_, edits, scriptOK := m.script(tt.typed, tt.intended)
			assert.Equal(t, tt.ok, scriptOK)
			if tt.ok {
				return
			}
			assert.Equal(t, maxCost, d, "saturates")
			assert.Nil(t, edits)
			d, ok = m.distance(tt.typed, tt.intended, 500)
			assert.False(t, ok)
			assert.Equal(t, cost(501), d)
		})
	}
}

func TestCostOf(t *testing.T) {
	tests := []struct {
		f    float64
		want cost
	}{
		{0, 0}, {0.3, 30}, {0.45, 45}, {0.7, 70}, {1.3, 130}, {0.666, 67}, {-0.1, -10},
		{math.Inf(1), maxCost}, {1e300, maxCost}, {math.Inf(-1), -maxCost}, {math.NaN(), -1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.f), func(t *testing.T) {
			assert.Equal(t, tt.want, costOf(tt.f))
		})
	}
	for c := range cost(1000) {
		require.Equal(t, c, costOf(c.float()), "round trip")
	}
}

func TestDistanceAllocs(t *testing.T) {
	m, _ := qwertyModel(t)
	for _, p := range append(pairs, [2]string{strings.Repeat("ab", 127), strings.Repeat("ba", 127)}) {
		allocs := testing.AllocsPerRun(20, func() {
			m.distance(p[0], p[1], maxCost)
			m.distance(p[0], p[1], 50)
		})
		assert.Zero(t, allocs, "%q/%q", p[0], p[1])
	}
}

// fuzzSeeds are realistic (typed, intended) domain pairs.
var fuzzSeeds = [][2]string{
	{"gmial.com", "gmail.com"}, {"gmaill.com", "gmail.com"}, {"yaho.com", "yahoo.com"},
	{"army.ml", "army.mil"}, {"hotrnail.com", "hotmail.com"}, {"outlo0k.com", "outlook.com"},
	{"gmail.con", "gmail.com"}, {"mic2osoft.com", "microsoft.com"}, {"protonmail.ch", "proton.me"},
	{"mail.google.com", "gmail.com"}, {"", "gmail.com"}, {"icloud.com", "icloud.com"},
	{"xn--80ak6aa92e.com", "apple.com"}, {"gmail.com\x00", "gmail.com"}, {"\xff\xfe", "web.de"},
}

func FuzzDistance(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s[0], s[1])
	}
	m, _ := qwertyModel(f)
	u := unitModel()
	f.Fuzz(func(t *testing.T, a, b string) {
		if len(a) > maxDomainLen || len(b) > maxDomainLen {
			_, ok := m.distance(a, b, maxCost)
			require.False(t, ok)
			return
		}
		d, ok := m.distance(a, b, maxCost)
		require.True(t, ok)
		checkScript(t, m, a, b, d)
		if len(a) > 64 || len(b) > 64 {
			return // the rest runs many DPs: keep the fuzzer (and its minimizer) fast
		}
		assert.GreaterOrEqual(t, d, cost(0))
		assert.Equal(t, a == b, d == 0, "only the identity is free")
		assert.LessOrEqual(t, d, 150*cost(len(a)+len(b)))
		for _, s := range []string{a, b} {
			self, ok := m.distance(s, s, 0)
			assert.True(t, ok)
			assert.Zero(t, self)
		}
		for _, max := range []cost{-1, 0, d / 2, d - 1, d, d + 1} {
			got, ok := m.distance(a, b, max)
			assert.Equal(t, d <= max, ok, "max %d", max)
			if ok {
				assert.Equal(t, d, got)
			} else {
				assert.Greater(t, got, max)
			}
		}

		ud, _ := u.distance(a, b, maxCost)
		du, _ := u.distance(b, a, maxCost)
		assert.Equal(t, ud, du, "unit costs are symmetric")
		assert.LessOrEqual(t, ud, cost(max(len(a), len(b))))
		checkScript(t, u, a, b, ud)

		if len(a) <= 24 && len(b) <= 24 {
			assert.Equal(t, d, slowDistance(m, a, b), "slowDistance")
			assert.Equal(t, ud, slowDistance(u, a, b), "slowDistance unit")
		}
	})
}

// FuzzDistanceLong checks that inputs over maxDomainLen are refused, not
// panicked on: a is padded to at least maxDomainLen+1 bytes.
func FuzzDistanceLong(f *testing.F) {
	f.Add("gmail.com", "gmail.com", int32(100))
	f.Add("", "", int32(-1))
	f.Add("x", strings.Repeat("y", 300), int32(maxCost))
	m, _ := qwertyModel(f)
	f.Fuzz(func(t *testing.T, a, b string, bound int32) {
		long := strings.Repeat("a", max(0, maxDomainLen+1-len(a))) + a
		for _, p := range [][2]string{{long, b}, {b, long}} {
			d, ok := m.distance(p[0], p[1], cost(bound))
			assert.False(t, ok)
			if cost(bound) < maxCost {
				assert.Greater(t, d, cost(bound))
			}
			c, edits, ok := m.script(p[0], p[1])
			assert.False(t, ok)
			assert.Zero(t, c)
			assert.Nil(t, edits)
		}
	})
}

func BenchmarkDistance(b *testing.B) {
	m, _ := qwertyModel(b)
	long1 := "mail-relay-eu-west-1.corporate-infrastructure.example-company.com"
	long2 := "mail-realy-eu-west-l.corporate-infrastructure.exampel-company.co"
	b.Run("short", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m.distance("gmial.com", "gmail.com", maxCost)
		}
	})
	b.Run("long", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m.distance(long2, long1, maxCost)
		}
	})
	far := "static-content-delivery.cdn-provider-global.networks.example.org"
	b.Run("far", func(b *testing.B) { // cost 40.40: stops after a few rows
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := m.distance(far, long1, 150); ok {
				b.Fatal("within bound")
			}
		}
	})
	b.Run("script", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m.script("gmial.com", "gmail.com")
		}
	})
	b.Run("script-long", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m.script(long2, long1)
		}
	})
}

// TestLookalikePairs checks the switches of lookalikeOne and lookalikeTwo
// against the table they encode.
func TestLookalikePairs(t *testing.T) {
	for a := range 256 {
		want := ""
		for _, p := range lookalikePairs {
			if p.one == byte(a) {
				want = p.two
			}
		}
		assert.Equal(t, want, lookalikeTwo(byte(a)))
		for b := range 256 {
			two := string([]byte{byte(a), byte(b)})
			wantOne, wantOK := byte(0), false
			for _, p := range lookalikePairs {
				if p.two == two {
					wantOne, wantOK = p.one, true
				}
			}
			one, ok := lookalikeOne(two)
			assert.Equal(t, wantOK, ok, "%q", two)
			assert.Equal(t, wantOne, one, "%q", two)
		}
	}
}
