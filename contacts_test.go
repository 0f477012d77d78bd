package typoguard

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var contactBookFixture = []Contact{
	{Address: "John.Doe@army.mil", Count: 12},
	{Address: "jon.dow@army.mil", Count: 200},
	{Address: "Jane Roe <jane.roe@gmail.com>", Count: 1},
	{Address: "af.ops@af.mil", Count: 3},
	{Address: "bob@example.com"},
	{Address: "ann@example.com", Count: 5},
	{Address: "ops@us.army.mil", Count: 7},
	{Address: "chris@partner.co.uk", Count: 2},
	{Address: "info@xn--bcher-kva.example", Count: 4}, // bücher.example
	{Address: "john.doe@army.ml", Count: 2},           // a typo saved in the book
}

func contactGuard(t testing.TB, book []Contact, protected ...string) *Guard {
	t.Helper()
	rule, err := KnownContacts(book)
	require.NoError(t, err)
	if len(protected) == 0 {
		protected = []string{"army.mil", "navy.mil", "af.mil", ".mil", "gmail.com", "yahoo.com"}
	}
	g, err := New(protected, WithRules(append(DefaultRules(), rule)...))
	require.NoError(t, err)
	return g
}

type contactCase struct {
	in         string
	verdict    Verdict
	suggestion string // Result.Suggestion
	rule       string // the top finding's rule, when set
	target     string // the top finding's target, when set
	noContact  bool   // no known-contact finding at all
}

var contactCases = []contactCase{
	// Local-part slips at the contact's domain: warn, suggest the contact.
	{in: "jon.doe@army.mil", verdict: Warn, suggestion: "John.Doe@army.mil", rule: RuleKnownContact, target: "John.Doe@army.mil"},
	{in: "johndoe@army.mil", verdict: Warn, suggestion: "John.Doe@army.mil", rule: RuleKnownContact},
	{in: "john.deo@army.mil", verdict: Warn, suggestion: "John.Doe@army.mil", rule: RuleKnownContact},
	{in: "jane.rie@gmail.com", verdict: Warn, suggestion: "jane.roe@gmail.com", rule: RuleKnownContact},
	{in: `"Jane" <jane.ro@gmail.com>`, verdict: Warn, suggestion: "jane.roe@gmail.com", rule: RuleKnownContact},
	{in: "bo@example.com", verdict: Warn, suggestion: "bob@example.com", rule: RuleKnownContact},
	{in: "bobb@example.com", verdict: Warn, suggestion: "bob@example.com", rule: RuleKnownContact},
	{in: "chrs@partner.co.uk", verdict: Warn, suggestion: "chris@partner.co.uk", rule: RuleKnownContact},
	{in: "INF@bücher.example", verdict: Warn, suggestion: "info@xn--bcher-kva.example", rule: RuleKnownContact},
	// Domain slips with the contact's local part.
	{in: "af.ops@af.ml", verdict: Block, suggestion: "af.ops@af.mil", rule: RuleKnownContact},
	{in: "bob@exmaple.com", verdict: Block, suggestion: "bob@example.com", rule: RuleKnownContact},
	{in: "bob@example.co", verdict: Block, suggestion: "bob@example.com", rule: RuleKnownContact},
	{in: "chris@partner.co.uj", verdict: Warn, suggestion: "chris@partner.co.uk", rule: RuleKnownContact},
	{in: "ops@us.amry.mil", verdict: Warn, suggestion: "ops@us.army.mil", rule: RuleKnownContact},
	// The contact outranks the built-in finding for the same domain.
	{in: "jane.roe@gmial.com", verdict: Block, suggestion: "jane.roe@gmail.com", rule: RuleKnownContact},
	// Contacts, up to case: never flagged by this rule.
	{in: "john.doe@army.mil", verdict: OK, noContact: true},
	{in: "JOHN.DOE@ARMY.MIL", verdict: OK, noContact: true},
	{in: "Jon.Dow@army.mil", verdict: OK, noContact: true},
	{in: "bob@example.com", verdict: OK, noContact: true},
	{in: "info@bücher.example", verdict: OK, noContact: true},
	// A typo saved in the book is a contact, but the built-in rules still catch it.
	{in: "john.doe@army.ml", verdict: Block, suggestion: "john.doe@army.mil", rule: RuleSuffixSlip, noContact: true},
	// Unrelated, or more than one slip away.
	{in: "mary@army.mil", verdict: OK, noContact: true},
	// One slip from john.doe@army.ml, a typo saved in the book: never suggested.
	{in: "jon.doe@army.ml", verdict: Block, suggestion: "jon.doe@army.mil", rule: RuleSuffixSlip, noContact: true},
	{in: "john.doe2@army.mil", verdict: OK, noContact: true}, // a digit is conspicuous: another person
	{in: "bbo@example.com", verdict: OK, noContact: true},    // a swap in a short local part is over budget
	{in: "alice@example.org", verdict: OK, noContact: true},
	// A legitimate or same-owner domain is never a slip of a contact's.
	{in: "bob@example.net", verdict: OK, noContact: true}, // .com -> .net is not one slip
	{in: "jane.roe@googlemail.com", verdict: OK, noContact: true},
	{in: "jane.roe@gmx.com", verdict: OK, noContact: true},
	// Domain literals are not judged by rules.
	{in: "bob@[192.0.2.1]", verdict: OK, noContact: true},
}

func TestKnownContacts(t *testing.T) {
	t.Parallel()
	g := contactGuard(t, contactBookFixture)
	for _, tc := range contactCases {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			r, err := g.Check(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.verdict, r.Verdict, "findings: %+v", r.Findings)
			assert.Equal(t, tc.suggestion, r.Suggestion)
			if tc.rule != "" {
				require.NotEmpty(t, r.Findings)
				assert.Equal(t, tc.rule, r.Findings[0].Rule, "findings: %+v", r.Findings)
			}
			if tc.target != "" {
				assert.Equal(t, tc.target, r.Findings[0].Target)
			}
			for _, f := range r.Findings {
				if f.Rule != RuleKnownContact {
					continue
				}
				assert.False(t, tc.noContact, "unexpected finding %+v", f)
				// Target and Suggestion are the contact's address, Domain its domain.
				assert.Equal(t, f.Target, f.Suggestion)
				assert.True(t, strings.HasSuffix(f.Suggestion, "@"+f.Domain), f.Suggestion)
				assert.Contains(t, f.Message, "looks like your contact "+f.Target)
				assert.NotEmpty(t, f.Edits)
			}
		})
	}
}

func TestKnownContactsFinding(t *testing.T) {
	g := contactGuard(t, contactBookFixture)

	r, err := g.Check("jon.doe@army.mil")
	require.NoError(t, err)
	require.Len(t, r.Findings, 1, "one finding per contact domain: the best")
	f := r.Findings[0]
	assert.Equal(t, Finding{
		Rule:       RuleKnownContact,
		Target:     "John.Doe@army.mil",
		Domain:     "army.mil",
		Suggestion: "John.Doe@army.mil",
		Score:      0.495, // 1/(1+0.5)*0.7 + bonus for 12
		Severity:   SeverityWarn,
		Message:    "jon.doe@army.mil looks like your contact John.Doe@army.mil: h deleted from john (written to 12 times)",
		Edits:      []Edit{{Op: OpDelete, Class: ClassOther, Pos: 2, Want: "h", Cost: 0.5}},
	}, f)

	r, err = g.Check("af.ops@af.ml")
	require.NoError(t, err)
	f = r.Findings[0]
	assert.Equal(t, "af.mil", f.Domain)
	assert.Equal(t, "af.ops@af.ml looks like your contact af.ops@af.mil: i deleted from mil (written to 3 times)", f.Message)
	assert.Equal(t, []Edit{{Op: OpDelete, Class: ClassOther, Pos: 4, Want: "i", Cost: 0.5}}, f.Edits, "edits from Domain to the typed domain")

	// The JSON form is a finding like any other.
	b, err := json.Marshal(f)
	require.NoError(t, err)
	assert.JSONEq(t, `{"rule":"known-contact","target":"af.ops@af.mil","domain":"af.mil","suggestion":"af.ops@af.mil",
		"score":0.784,"severity":"block","message":"af.ops@af.ml looks like your contact af.ops@af.mil: i deleted from mil (written to 3 times)",
		"edits":[{"op":"delete","class":"other","pos":4,"want":"i","got":"","cost":0.5}]}`, string(b))
}

// TestKnownContactsCount checks that Count breaks ties and raises the
// score a little, never more than contactCountBonus.
func TestKnownContactsCount(t *testing.T) {
	score := func(count int) float64 {
		g := contactGuard(t, []Contact{{Address: "john.doe@army.mil", Count: count}})
		r, err := g.Check("jon.doe@army.mil")
		require.NoError(t, err)
		require.NotEmpty(t, r.Findings)
		return r.Findings[0].Score
	}
	s0, s9, s99, sBig := score(0), score(9), score(99), score(1<<40)
	assert.InDelta(t, 0.467, s0, 0.0005)
	assert.Greater(t, s9, s0)
	assert.Greater(t, s99, s9)
	assert.Equal(t, s99, sBig, "the bonus is capped")
	assert.InDelta(t, contactCountBonus, s99-s0, 0.001)

	// Two contacts equally far: the one written to more wins.
	for _, counts := range [][2]int{{1, 50}, {50, 1}} {
		g := contactGuard(t, []Contact{
			{Address: "jon.dox@army.mil", Count: counts[0]},
			{Address: "jon.doy@army.mil", Count: counts[1]},
		})
		r, err := g.Check("jon.do@army.mil") // x or y dropped: both cost 0.5
		require.NoError(t, err)
		require.NotEmpty(t, r.Findings)
		want := "jon.dox@army.mil"
		if counts[1] > counts[0] {
			want = "jon.doy@army.mil"
		}
		assert.Equal(t, want, r.Findings[0].Suggestion, "counts %v", counts)
	}
}

func TestKnownContactsBook(t *testing.T) {
	// Duplicates merge, adding counts, keeping the first spelling.
	g := contactGuard(t, []Contact{
		{Address: "John.Doe@Army.Mil", Count: 2},
		{Address: "JOHN.DOE@army.mil.", Count: 3},
		{Address: "Someone Else <john.doe@army.mil>", Count: 1},
	})
	r, err := g.Check("jon.doe@army.mil")
	require.NoError(t, err)
	require.NotEmpty(t, r.Findings)
	assert.Equal(t, "John.Doe@army.mil", r.Findings[0].Suggestion)
	assert.Contains(t, r.Findings[0].Message, "(written to 6 times)")

	// An empty book, and a book of domain literals, never fire.
	for _, book := range [][]Contact{nil, {{Address: "x@[192.0.2.1]", Count: 9}}} {
		g := contactGuard(t, book)
		r, err := g.Check("y@[192.0.2.1]")
		require.NoError(t, err)
		assert.Equal(t, OK, r.Verdict)
		r, err = g.Check("jon.doe@army.mil")
		require.NoError(t, err)
		assert.Equal(t, OK, r.Verdict)
	}

	// The rule copies the book: changing it afterwards changes nothing.
	book := []Contact{{Address: "john.doe@army.mil"}}
	g = contactGuard(t, book)
	book[0].Address = "mary@army.mil"
	r, err = g.Check("jon.doe@army.mil")
	require.NoError(t, err)
	assert.Equal(t, "john.doe@army.mil", r.Suggestion)

	// Once written to: singular.
	g = contactGuard(t, []Contact{{Address: "john.doe@army.mil", Count: 1}})
	r, err = g.Check("jon.doe@army.mil")
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(r.Findings[0].Message, "(written to once)"), r.Findings[0].Message)
}

func TestKnownContactsErrors(t *testing.T) {
	cases := []struct {
		contact Contact
		cause   error // besides ErrInvalidConfig
	}{
		{Contact{Address: "not an address"}, ErrInvalidAddress},
		{Contact{Address: ""}, ErrInvalidAddress},
		{Contact{Address: "john@army..mil"}, ErrInvalidDomain},
		{Contact{Address: strings.Repeat("a", 65) + "@army.mil"}, ErrTooLong},
		{Contact{Address: strings.Repeat("a", 60) + "@" + strings.Repeat("b.", 98) + "mil"}, ErrTooLong},
		{Contact{Address: "john@army.mil", Count: -1}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.contact.Address, func(t *testing.T) {
			book := []Contact{{Address: "ok@army.mil"}, tc.contact}
			rule, err := KnownContacts(book)
			require.Error(t, err)
			assert.Empty(t, rule.Name, "a zero Rule on error")
			assert.Nil(t, rule.Check, "a zero Rule on error")
			assert.ErrorIs(t, err, ErrInvalidConfig)
			if tc.cause != nil {
				assert.ErrorIs(t, err, tc.cause)
			}
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, "contacts", e.Op)
			assert.True(t, strings.HasPrefix(err.Error(), "typoguard: contacts"), err.Error())
		})
	}
}

// TestGuardKeepsRuleSuggestion checks the Guard's side of the contract:
// a suggestion set by a rule is kept, an empty one is filled from Domain.
func TestGuardKeepsRuleSuggestion(t *testing.T) {
	rule := Rule{
		Name: "fixed",
		Doc:  "Fixed suggestion",
		Check: func(g *Guard, c Candidate) []Finding {
			if c.Domain != "example.org" {
				return nil
			}
			return []Finding{
				{Target: "example.com", Domain: "example.com", Suggestion: "someone@example.com", Score: 0.9},
				{Target: "example.net", Domain: "example.net", Score: 0.8},
			}
		},
	}
	g := MustNew([]string{"example.com"}, WithRules(rule))
	r, err := g.Check("Me@example.org")
	require.NoError(t, err)
	require.Len(t, r.Findings, 2)
	assert.Equal(t, "someone@example.com", r.Findings[0].Suggestion)
	assert.Equal(t, "Me@example.net", r.Findings[1].Suggestion)
	assert.Equal(t, "someone@example.com", r.Suggestion)
}

func TestKnownContactsAllocs(t *testing.T) {
	book := benchBook(10000)
	book = append(book, contactBookFixture...)
	rule, err := KnownContacts(book)
	require.NoError(t, err)
	g := MustNew([]string{"army.mil", ".mil", "gmail.com"}, WithRules(append(DefaultRules(), rule)...))
	for _, addr := range []string{
		"john.doe@army.mil", // a contact
		"JOHN.DOE@army.mil", // a contact, up to case
		"jane.roe@gmail.com",
		"mary.unknown@army.mil",  // unrelated, at a contact domain
		"someone@example.org",    // unrelated
		"zz.top@nowhere.example", // unrelated
	} {
		a, err := parseAddress(addr)
		require.NoError(t, err)
		ascii, uni, err := normalizeDomain(a.domain)
		require.NoError(t, err)
		c := Candidate{Local: a.local, RawDomain: a.domain, Domain: ascii, UnicodeDomain: uni}
		var fs []Finding
		n := testing.AllocsPerRun(100, func() { fs = rule.Check(g, c) })
		assert.Nil(t, fs, addr)
		assert.Zero(t, n, "allocations of the rule on clean %s", addr)
	}
	// A protected, known contact stays allocation-free through the Guard.
	for _, addr := range []string{"john.doe@army.mil", "JOHN.DOE@army.mil", "jane.roe@gmail.com"} {
		n := testing.AllocsPerRun(100, func() {
			if _, err := g.Check(addr); err != nil {
				t.Fatal(err)
			}
		})
		assert.Zero(t, n, "allocations checking %s", addr)
	}
}

// slowContactCheck is the reference for the index: a linear scan of the
// book with the definition of one slip, then the same judgment.
func slowContactCheck(b *contactBook, g *Guard, c Candidate) []Finding {
	q := contactQuery{b: b, g: g, c: c}
	folded := foldLocal(nil, c.Local)
	for i := range b.contacts {
		if q.exact(int32(i), folded) {
			return nil
		}
	}
	local := string(folded)
	for i, ct := range b.contacts {
		if ct.domain == c.Domain && oneSlip(local, ct.local) || ct.local == local && oneSlip(c.Domain, ct.domain) {
			q.consider(int32(i), folded)
		}
	}
	return q.findings(folded)
}

// oneSlip reports whether removing at most one byte from each of a and b
// makes them equal.
func oneSlip(a, b string) bool {
	del := func(s string, i int) string {
		if i < 0 {
			return s
		}
		return s[:i] + s[i+1:]
	}
	for i := -1; i < len(a); i++ {
		for j := -1; j < len(b); j++ {
			if del(a, i) == del(b, j) {
				return true
			}
		}
	}
	return false
}

// mutate applies n random edits (delete, insert, substitute, swap) to s.
func mutate(rng *rand.Rand, s string, n int, alphabet string) string {
	b := []byte(s)
	for range n {
		i := rng.IntN(len(b) + 1)
		c := alphabet[rng.IntN(len(alphabet))]
		switch op := rng.IntN(4); {
		case op == 0 && i < len(b) && len(b) > 1:
			b = append(b[:i], b[i+1:]...)
		case op == 1:
			b = append(b[:i], append([]byte{c}, b[i:]...)...)
		case op == 2 && i < len(b):
			b[i] = c
		case i+1 < len(b):
			b[i], b[i+1] = b[i+1], b[i]
		}
	}
	return string(b)
}

func TestKnownContactsOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	locals := []string{"ann", "anna", "john.doe", "jon.doe", "jane.roe", "ops", "o.ps", "admin", "info", "j.smith", "jsmith", "x"}
	domains := []string{"army.mil", "army.ml", "af.mil", "example.com", "exmaple.com", "example.co", "a.co.uk", "ab.co.uk", "gmail.com", "us.army.mil"}
	var book []Contact
	for range 150 {
		book = append(book, Contact{
			Address: mutate(rng, locals[rng.IntN(len(locals))], rng.IntN(2), "ajno.") + "@" + domains[rng.IntN(len(domains))],
			Count:   rng.IntN(100),
		})
	}
	var valid []Contact
	for _, c := range book {
		if _, err := KnownContacts([]Contact{c}); err == nil {
			valid = append(valid, c)
		}
	}
	b, err := newContactBook(valid)
	require.NoError(t, err)
	g := MustNew([]string{"army.mil", ".mil", "gmail.com"})
	n := 3000
	if testing.Short() {
		n = 300
	}
	found := 0
	for range n {
		ct := b.contacts[rng.IntN(len(b.contacts))]
		local, domain := ct.local, ct.domain
		switch rng.IntN(3) {
		case 0:
			local = mutate(rng, local, 1+rng.IntN(2), "ajnodx.")
		case 1:
			domain = mutate(rng, domain, 1+rng.IntN(2), "acilmo.")
		}
		a, err := parseAddress(local + "@" + domain)
		if err != nil {
			continue
		}
		ascii, uni, err := normalizeDomain(a.domain)
		if err != nil {
			continue
		}
		c := Candidate{Local: a.local, RawDomain: a.domain, Domain: ascii, UnicodeDomain: uni}
		want := slowContactCheck(b, g, c)
		got := b.check(g, c)
		require.Equal(t, want, got, "%s@%s", a.local, ascii)
		if got != nil {
			found++
		}
	}
	assert.Greater(t, found, n/10, "the oracle test exercises findings")
}

func FuzzKnownContacts(f *testing.F) {
	for _, s := range []string{"jon.doe@army.mil", "john.doe@army.ml", "bob@exmaple.com", "x@y", "INF@bücher.example"} {
		f.Add(s)
	}
	b, err := newContactBook(contactBookFixture)
	require.NoError(f, err)
	g := MustNew([]string{"army.mil", ".mil", "gmail.com"})
	f.Fuzz(func(t *testing.T, addr string) {
		if len(addr) > 100 {
			return // the reference is cubic
		}
		a, err := parseAddress(addr)
		if err != nil || strings.HasPrefix(a.domain, "[") || len(a.local) > maxLocalLen {
			return
		}
		ascii, uni, err := normalizeDomain(a.domain)
		if err != nil {
			return
		}
		c := Candidate{Local: a.local, RawDomain: a.domain, Domain: ascii, UnicodeDomain: uni}
		got := b.check(g, c)
		require.Equal(t, slowContactCheck(b, g, c), got)
		for _, f := range got {
			require.Equal(t, f.Target, f.Suggestion)
			require.True(t, f.Score > 0 && f.Score <= 1+contactCountBonus, "score %v", f.Score)
		}
	})
}

// benchBook returns n distinct contacts: first.last at a few hundred
// domains.
func benchBook(n int) []Contact {
	rng := rand.New(rand.NewPCG(7, 7))
	first := []string{"james", "mary", "robert", "patricia", "john", "jennifer", "michael", "linda", "david", "elizabeth", "william", "barbara", "richard", "susan", "joseph", "jessica"}
	last := []string{"smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis", "rodriguez", "martinez", "hernandez", "lopez", "gonzalez", "wilson", "anderson", "thomas"}
	seen := map[string]bool{}
	var out []Contact
	for len(out) < n {
		addr := fmt.Sprintf("%s.%s%d@unit%d.army.mil", first[rng.IntN(len(first))], last[rng.IntN(len(last))], rng.IntN(100), rng.IntN(300))
		if !seen[addr] {
			seen[addr] = true
			out = append(out, Contact{Address: addr, Count: rng.IntN(50)})
		}
	}
	return out
}

func BenchmarkKnownContacts(b *testing.B) {
	for _, size := range []int{10, 10000} {
		book := benchBook(size)
		rule, err := KnownContacts(book)
		require.NoError(b, err)
		g := MustNew([]string{"army.mil", ".mil"})
		known, _ := parseAddress(book[0].Address)
		slip := known
		slip.local = slip.local[:1] + slip.local[2:]
		for _, tc := range []struct {
			name string
			a    addrSpec
		}{
			{"contact", known},
			{"unrelated", addrSpec{local: "someone.else", domain: known.domain}},
			{"slip", slip},
		} {
			c := Candidate{Local: tc.a.local, RawDomain: tc.a.domain, Domain: tc.a.domain, UnicodeDomain: tc.a.domain}
			b.Run(fmt.Sprintf("%s/%d", tc.name, size), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					rule.Check(g, c)
				}
			})
		}
	}
	b.Run("build/10000", func(b *testing.B) {
		book := benchBook(10000)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := KnownContacts(book); err != nil {
				b.Fatal(err)
			}
		}
	})
}
