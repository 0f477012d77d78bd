package typoguard

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	milEntries      = []string{"army.mil", "navy.mil", "af.mil", ".mil"}
	providerEntries = []string{"gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "aol.com", "comcast.net", "sky.com", "mail.com", "me.com", "gmx.net"}
)

type checkCase struct {
	in         string
	verdict    Verdict
	suggestion string // for warn and block
	rule       string // top finding's rule, when set
}

var milCases = []checkCase{
	{in: "john.doe@army.ml", verdict: Block, suggestion: "john.doe@army.mil"},
	{in: "john.doe@ARMY.ML", verdict: Block, suggestion: "john.doe@army.mil"},
	{in: `"John Doe" <john.doe@army.ml>`, verdict: Block, suggestion: "john.doe@army.mil"},
	{in: "john.doe@army.mil.ml", verdict: Block, suggestion: "john.doe@army.mil", rule: RuleAppendedLabel},
	{in: "john.doe@us.army.ml", verdict: Block, suggestion: "john.doe@us.army.mil"},
	{in: "john.doe@navy.ml", verdict: Block, suggestion: "john.doe@navy.mil"},
	{in: "john.doe@af.ml", verdict: Block, suggestion: "john.doe@af.mil", rule: RuleSuffixSlip},
	{in: "john.doe@amry.mil", verdict: Warn, suggestion: "john.doe@army.mil", rule: RuleInsideSuffix},
	{in: "john.doe@darpa.ml", verdict: Block, suggestion: "john.doe@darpa.mil", rule: RuleSuffixSlip},
	{in: "john.doe@army.mil", verdict: OK},
	{in: "John.Doe@ARMY.MIL", verdict: OK},
	{in: "john.doe@army.mil.", verdict: OK},
	{in: "john.doe@mail.army.mil", verdict: OK},
	{in: "john.doe@dtic.mil", verdict: OK},
	{in: "john.doe@example.com", verdict: OK},
	{in: "info@gouv.ml", verdict: OK},
	{in: "info@malijet.ml", verdict: OK},
	{in: "postmaster@[192.0.2.1]", verdict: OK},
	{in: "not an address", verdict: Invalid},
	{in: "john.doe@", verdict: Invalid},
	{in: "@army.mil", verdict: Invalid},
}

var providerCases = []checkCase{
	{in: "jane@gmial.com", verdict: Block, suggestion: "jane@gmail.com"},
	{in: "jane@gmail.con", verdict: Warn, suggestion: "jane@gmail.com"},
	{in: "jane@gmail.co", verdict: Block, suggestion: "jane@gmail.com", rule: RuleSuffixSlip},
	{in: "jane@gmai.com", verdict: Block, suggestion: "jane@gmail.com"},
	{in: "jane@gmaill.com", verdict: Block, suggestion: "jane@gmail.com"},
	{in: "jane@gmailcom", verdict: Warn, suggestion: "jane@gmail.com"},
	{in: "jane@gmail.com.co", verdict: Block, suggestion: "jane@gmail.com", rule: RuleAppendedLabel},
	{in: "jane@yahooo.com", verdict: Block, suggestion: "jane@yahoo.com"},
	{in: "jane@yaho.com", verdict: Block, suggestion: "jane@yahoo.com"},
	{in: "jane@yahoo.cm", verdict: Block, suggestion: "jane@yahoo.com"},
	{in: "jane@hotmial.com", verdict: Block, suggestion: "jane@hotmail.com"},
	{in: "jane@hotmail.comm", verdict: Warn, suggestion: "jane@hotmail.com"},
	{in: "jane@hotrnail.com", verdict: Block, suggestion: "jane@hotmail.com"},
	{in: "jane@outlok.com", verdict: Block, suggestion: "jane@outlook.com"},
	{in: "jane@outlo0k.com", verdict: Block, suggestion: "jane@outlook.com"},
	{in: "jane@icloud.co", verdict: Block, suggestion: "jane@icloud.com"},
	{in: "jane@comcast.nte", verdict: Warn, suggestion: "jane@comcast.net"},
	{in: `"Jane Roe" <jane.roe@gmial.com>`, verdict: Block, suggestion: "jane.roe@gmail.com"},
	{in: `"jane roe"@gmial.com`, verdict: Block, suggestion: `"jane roe"@gmail.com`},
	{in: "jane@gmail.com", verdict: OK},
	{in: "Jane+news@GMAIL.COM", verdict: OK},
	{in: "jane@googlemail.com", verdict: OK},
	{in: "jane@yahoo.co.uk", verdict: OK},
	{in: "jane@hey.com", verdict: OK},
	{in: "jane@mac.com", verdict: OK},
	{in: "jane@gmx.com", verdict: OK},
	{in: "jane@gmx.de", verdict: OK},
	{in: "jane@pacific.co", verdict: OK},
	{in: "jane@163.com", verdict: OK},
	{in: "jane@mailw.com", verdict: OK},
	{in: "jane@mask.io", verdict: OK},
	{in: "jane@comcast.com", verdict: OK},
	{in: "jane@hotmail.fr", verdict: OK},
	{in: "jane@ymail.com", verdict: OK},
}

// runCases runs a table concurrently against one shared Guard, for free
// race coverage.
func runCases(t *testing.T, g *Guard, cases []checkCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			r, err := g.Check(tc.in)
			if tc.verdict == Invalid {
				require.Error(t, err)
				assert.ErrorIs(t, err, ErrInvalidAddress)
				var e *Error
				require.ErrorAs(t, err, &e)
				assert.Equal(t, tc.in, e.Input)
				assert.True(t, strings.HasPrefix(err.Error(), "typoguard: "), err.Error())
				assert.Equal(t, Invalid, r.Verdict)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.verdict, r.Verdict, "findings: %+v", r.Findings)
			assert.Equal(t, tc.suggestion, r.Suggestion)
			if tc.verdict == OK {
				for _, f := range r.Findings {
					assert.Equal(t, SeverityInfo, f.Severity, "%+v", f)
				}
				return
			}
			require.NotEmpty(t, r.Findings)
			top := r.Findings[0]
			if tc.rule != "" {
				assert.Equal(t, tc.rule, top.Rule)
			}
			assert.Equal(t, tc.suggestion, top.Suggestion)
			assert.NotEmpty(t, top.Message)
			assert.NotEmpty(t, top.Edits)
			assert.True(t, top.Score > 0 && top.Score <= 1, "score %v", top.Score)
			assertNamesEntry(t, g, top)
		})
	}
}

// assertNamesEntry checks that a finding's target is a protected entry.
func assertNamesEntry(t *testing.T, g *Guard, f Finding) {
	t.Helper()
	assert.True(t, slices.ContainsFunc(g.Entries(), func(e Entry) bool { return e.Name == f.Target }),
		"target %q is not a protected entry", f.Target)
}

func TestCheckMilitary(t *testing.T) {
	runCases(t, MustNew(milEntries), milCases)
}

func TestCheckProviders(t *testing.T) {
	runCases(t, MustNew(providerEntries), providerCases)
}

func TestCheckMessages(t *testing.T) {
	g := MustNew(milEntries)
	r, err := g.Check("john.doe@army.ml")
	require.NoError(t, err)
	assert.Contains(t, r.Findings[0].Message, "army.ml looks like army.mil: i deleted from mil")
	assert.Equal(t, []Edit{{Op: OpDelete, Class: ClassOther, Pos: 6, Want: "i", Cost: 0.5}}, r.Findings[0].Edits)

	r, err = g.Check("john.doe@amry.mil")
	require.NoError(t, err)
	assert.Equal(t, "amry.mil looks like army.mil: rm swapped to mr in army", r.Findings[0].Message)
}

// TestCheckOrderIndependent checks that the order of protected entries
// never changes a result.
func TestCheckOrderIndependent(t *testing.T) {
	inputs := []string{}
	for _, c := range slices.Concat(milCases, providerCases) {
		inputs = append(inputs, c.in)
	}
	entries := slices.Concat(milEntries, providerEntries)
	want := checkAll(MustNew(entries), inputs)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20 {
		shuffled := slices.Clone(entries)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if i%2 == 1 {
			shuffled = append(shuffled, shuffled...) // duplicates change nothing either
		}
		assert.Equal(t, want, checkAll(MustNew(shuffled), inputs), "order %v", shuffled)
	}
}

func checkAll(g *Guard, inputs []string) []string {
	var out []string
	for _, in := range inputs {
		r, _ := g.Check(in)
		b, _ := json.Marshal(r)
		out = append(out, string(b))
	}
	return out
}

func TestCheckConcurrent(t *testing.T) {
	g := MustNew(slices.Concat(milEntries, providerEntries))
	inputs := []string{"a@gmial.com", "b@army.ml", "c@gmail.com", "d@amry.mil", "e@xn--gmil-63d.com", "bad"}
	want := checkAll(g, inputs)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				assert.Equal(t, want, checkAll(g, inputs))
			}
		})
	}
	wg.Wait()
}

func TestCheckInvalid(t *testing.T) {
	g := MustNew(milEntries)
	long := strings.Repeat("a", 65)
	label := strings.Repeat("b", 63)
	cases := []struct {
		in   string
		want error
	}{
		{"", ErrInvalidAddress},
		{"john.doe", ErrInvalidAddress},
		{"john@army..mil", ErrInvalidDomain},
		{"john@-army.mil", ErrInvalidDomain},
		{"john@army_.mil", ErrInvalidDomain},
		{"john@xn--zz.mil", ErrInvalidDomain},
		{"john@.", ErrInvalidDomain},
		{"jo\x00hn@army.mil", ErrInvalidAddress},
		{"john@army.mil\r\nBcc: x@y.z", ErrInvalidAddress},
		{"jo\xffhn@army.mil", ErrInvalidAddress},
		{long + "@army.mil", ErrTooLong},
		{"a@" + strings.Join([]string{label, label, label, label}, "."), ErrTooLong},
		{strings.Repeat("x", 5000) + "@army.mil", ErrTooLong},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%.40q", tc.in), func(t *testing.T) {
			r, err := g.Check(tc.in)
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.want)
			assert.Equal(t, Invalid, r.Verdict)
			assert.Equal(t, err, r.Err)
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, "check", e.Op)
			assert.LessOrEqual(t, len(err.Error()), 1200)
		})
	}
}

func TestCheckLimits(t *testing.T) {
	g := MustNew(milEntries)
	local64 := strings.Repeat("a", 64)
	_, err := g.Check(local64 + "@army.mil")
	assert.NoError(t, err, "a 64-octet local part is allowed")
	// 254 octets in all is the limit.
	label := strings.Repeat("b", 60)
	domain := strings.Join([]string{label, label, label}, ".") + ".army.mil" // 192 octets
	local := strings.Repeat("c", 254-1-len(domain))
	_, err = g.Check(local + "@" + domain)
	assert.NoError(t, err)
	_, err = g.Check(local + "c@" + domain)
	assert.ErrorIs(t, err, ErrTooLong)
}

func TestCheckIDN(t *testing.T) {
	g := MustNew(providerEntries)
	r, err := g.Check("jane@ｇｍａｉｌ.com")
	require.NoError(t, err)
	assert.Equal(t, "gmail.com", r.Domain)
	assert.Equal(t, OK, r.Verdict)

	r, err = g.Check("jane@bücher.de")
	require.NoError(t, err)
	assert.Equal(t, "xn--bcher-kva.de", r.Domain)
	assert.Equal(t, "bücher.de", r.UnicodeDomain)

	r, err = g.Check("jöhn@example.com")
	require.NoError(t, err, "internationalised local parts are kept")
	assert.Equal(t, "jöhn", r.Local)
}

func TestCheckList(t *testing.T) {
	g := MustNew(milEntries)
	rs, err := g.CheckList(`"John Doe" <john.doe@army.ml>, jane@army.mil, Bob <bob@amry.mil>`)
	require.NoError(t, err)
	require.Len(t, rs, 3)
	assert.Equal(t, []Verdict{Block, OK, Warn}, []Verdict{rs[0].Verdict, rs[1].Verdict, rs[2].Verdict})
	assert.Equal(t, "john.doe@army.mil", rs[0].Suggestion)

	// One bad address does not hide the others.
	rs, err = g.CheckList(`john.doe@army.ml, not an address, "Smith, Jane" <jane@army.mil>, x@@y`)
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrInvalidAddress)
	require.Len(t, rs, 4)
	assert.Equal(t, []Verdict{Block, Invalid, OK, Invalid}, []Verdict{rs[0].Verdict, rs[1].Verdict, rs[2].Verdict, rs[3].Verdict})
	assert.Equal(t, "not an address", rs[1].Input)
}

func TestResultJSON(t *testing.T) {
	g := MustNew(milEntries)
	r, _ := g.Check("john.doe@army.ml")
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	assert.Equal(t, "block", m["verdict"])
	f := m["findings"].([]any)[0].(map[string]any)
	for _, k := range []string{"rule", "target", "domain", "suggestion", "score", "severity", "message", "edits"} {
		assert.Contains(t, f, k)
	}
	assert.Equal(t, "block", f["severity"])

	r, _ = g.Check("john.doe@army.mil")
	b, _ = json.Marshal(r)
	assert.Contains(t, string(b), `"findings":[]`)

	r, _ = g.Check("bad")
	b, _ = json.Marshal(r)
	assert.Contains(t, string(b), `"verdict":"invalid"`)
	assert.Contains(t, string(b), `"error":"typoguard: check`)
}

func TestVerdictText(t *testing.T) {
	for _, v := range []Verdict{OK, Warn, Block, Invalid} {
		b, err := v.MarshalText()
		require.NoError(t, err)
		var back Verdict
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, v, back)
	}
	var v Verdict
	assert.Error(t, v.UnmarshalText([]byte("maybe")))
	_, err := Verdict(9).MarshalText()
	assert.Error(t, err)
	for _, s := range []Severity{SeverityInfo, SeverityWarn, SeverityBlock} {
		b, err := s.MarshalText()
		require.NoError(t, err)
		var back Severity
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, s, back)
	}
}

func TestNewErrors(t *testing.T) {
	cases := map[string]struct {
		entries []string
		opts    []Option
		want    error
	}{
		"no entries":        {nil, nil, ErrInvalidConfig},
		"bad entry":         {[]string{"army..mil"}, nil, ErrInvalidDomain},
		"thresholds":        {milEntries, []Option{WithThresholds(0.9, 0.5)}, ErrInvalidConfig},
		"nan thresholds":    {milEntries, []Option{WithThresholds(0.5, nanValue())}, ErrInvalidConfig},
		"layout":            {milEntries, []Option{WithLayouts("bépo")}, ErrInvalidConfig},
		"no layouts":        {milEntries, []Option{WithLayouts()}, ErrInvalidConfig},
		"unnamed rule":      {milEntries, []Option{WithRules(Rule{Check: NearMiss().Check})}, ErrInvalidConfig},
		"rule without func": {milEntries, []Option{WithRules(Rule{Name: "x"})}, ErrInvalidConfig},
		"duplicate rule":    {milEntries, []Option{WithRules(NearMiss(), NearMiss())}, ErrInvalidConfig},
		"weight unknown":    {milEntries, []Option{WithWeights(map[string]float64{"gmail.com": 2})}, ErrInvalidConfig},
		"weight negative":   {milEntries, []Option{WithWeights(map[string]float64{"army.mil": -1})}, ErrInvalidConfig},
		"legit suffix":      {milEntries, []Option{WithLegitimate(".ml")}, ErrInvalidConfig},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g, err := New(tc.entries, tc.opts...)
			assert.Nil(t, g)
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.want)
			assert.True(t, strings.HasPrefix(err.Error(), "typoguard: "), err.Error())
		})
	}
	assert.Panics(t, func() { MustNew(nil) })
}

func nanValue() float64 { var z float64; return z / z }

func TestOptions(t *testing.T) {
	// Legitimate domains are never flagged.
	g := MustNew([]string{"gmail.com"}, WithLegitimate("gmial.com"))
	r, err := g.Check("a@gmial.com")
	require.NoError(t, err)
	assert.Equal(t, OK, r.Verdict)

	// Thresholds move the verdict.
	g = MustNew([]string{"gmail.com"}, WithThresholds(0.4, 2))
	r, _ = g.Check("a@gmial.com")
	assert.Equal(t, Warn, r.Verdict)

	// Known names under a suffix.
	g = MustNew([]string{".mil"}, WithKnownNames(".mil", "jten"))
	r, _ = g.Check("a@jten.ml")
	assert.Equal(t, Block, r.Verdict)
	assert.Equal(t, "a@jten.mil", r.Suggestion)

	// Without built-in knowledge, darpa is not known under mil.
	g = MustNew([]string{".mil"}, WithBuiltinKnowledge(false))
	r, _ = g.Check("a@darpa.ml")
	assert.Equal(t, OK, r.Verdict)

	// Weights break ties between entries one equal edit from the typo.
	g = MustNew([]string{"maila.com", "mailb.com"}, WithWeights(map[string]float64{"mailb.com": 5}), WithBuiltinKnowledge(false))
	r, _ = g.Check("a@mail.com")
	require.Len(t, r.Findings, 2)
	assert.Equal(t, r.Findings[0].Score, r.Findings[1].Score)
	assert.Equal(t, "mailb.com", r.Findings[0].Target)
	g = MustNew([]string{"maila.com", "mailb.com"}, WithWeights(map[string]float64{"maila.com": 5}), WithBuiltinKnowledge(false))
	r, _ = g.Check("a@mail.com")
	assert.Equal(t, "maila.com", r.Findings[0].Target)
	g = MustNew([]string{"mailb.com", "maila.com"}, WithBuiltinKnowledge(false))
	r, _ = g.Check("a@mail.com")
	assert.Equal(t, "maila.com", r.Findings[0].Target, "equal weights: by name")

	// Later options override earlier ones.
	g = MustNew([]string{"gmail.com"}, WithThresholds(0.1, 0.2), WithThresholds(0.4, 2))
	r, _ = g.Check("a@gmial.com")
	assert.Equal(t, Warn, r.Verdict)
}

func TestCustomRule(t *testing.T) {
	neverML := Rule{
		Name: "never-ml",
		Doc:  "Never send to .ml",
		Check: func(g *Guard, c Candidate) []Finding {
			if suffix, _ := c.Suffix(); suffix != "ml" {
				return nil
			}
			return []Finding{{Target: ".mil", Score: 1, Message: c.Domain + " is in Mali"}}
		},
	}
	g := MustNew(milEntries, WithRules(append(DefaultRules(), neverML)...))
	r, err := g.Check("x@malijet.ml")
	require.NoError(t, err)
	assert.Equal(t, Block, r.Verdict)
	assert.Equal(t, "never-ml", r.Findings[0].Rule)
	assert.Equal(t, "", r.Suggestion, "a finding without a domain suggests nothing")

	r, _ = g.Check("x@army.ml")
	assert.Equal(t, "never-ml", r.Findings[0].Rule)
	assert.Equal(t, "x@army.mil", r.Suggestion, "the best finding that has a correction suggests")
}

func TestTrustsAndLegitimate(t *testing.T) {
	g := MustNew(slices.Concat(milEntries, []string{"gmail.com"}))
	for d, want := range map[string]string{
		"army.mil": "army.mil", "us.army.mil": "army.mil", "dtic.mil": ".mil",
		"googlemail.com": "gmail.com", "mail.googlemail.com": "gmail.com",
	} {
		e, ok := g.Trusts(d)
		assert.True(t, ok, d)
		assert.Equal(t, want, e.Name, d)
	}
	for _, d := range []string{"mil", "army.ml", "gmail.co", "example.com"} {
		_, ok := g.Trusts(d)
		assert.False(t, ok, d)
	}
	assert.True(t, g.Legitimate("gmx.com"))
	assert.True(t, g.Legitimate("mx.gmx.com"))
	assert.False(t, g.Legitimate("gmial.com"))
	assert.True(t, g.SameOwner("gmail.com", "googlemail.com"))
	assert.False(t, g.SameOwner("gmail.com", "yahoo.com"))
}

func TestCheckAllocs(t *testing.T) {
	g := MustNew(slices.Concat(milEntries, providerEntries))
	for _, addr := range []string{"john.doe@army.mil", "jane@gmail.com", "john@us.army.mil", "x@dtic.mil", "Jane Doe <jane@gmail.com>", "<x@army.mil>"} {
		n := testing.AllocsPerRun(100, func() {
			if _, err := g.Check(addr); err != nil {
				t.Fatal(err)
			}
		})
		assert.Zero(t, n, "allocations checking clean %s", addr)
	}
}

func TestDoppelganger(t *testing.T) {
	g := MustNew([]string{"se.ibm.com", "us.company.com", "gmail.com"})
	cases := []checkCase{
		{in: "x@seibm.com", verdict: Block, suggestion: "x@se.ibm.com"},
		{in: "x@uscompany.com", verdict: Block, suggestion: "x@us.company.com"},
		{in: "x@mail.seibm.com", verdict: Block, suggestion: "x@mail.se.ibm.com"},
		{in: "x@mx.gmailcom", verdict: Warn, suggestion: "x@mx.gmail.com"},
		{in: "x@se.ibm.com", verdict: OK},
		{in: "x@ibm.com", verdict: OK},
		{in: "x@company.com", verdict: OK},
	}
	runCases(t, g, cases)
	r, _ := g.Check("x@seibm.com")
	assert.Equal(t, "seibm.com looks like se.ibm.com: dot missing between se and ibm", r.Findings[0].Message)
}

func TestPunctuationRepair(t *testing.T) {
	g := MustNew(slices.Concat(milEntries, providerEntries))
	cases := []struct{ in, suggestion, target string }{
		{"jane@gmail..com", "jane@gmail.com", "gmail.com"},
		{"jane@gmail,com", "jane@gmail.com", "gmail.com"},
		{"jane@gmail com", "jane@gmail.com", "gmail.com"},
		{"Jane <jane@gmail,com>", "jane@gmail.com", "gmail.com"},
		{"john@army..mil", "john@army.mil", "army.mil"},
		{"jane@gmial..com", "jane@gmail.com", "gmail.com"},
		{"jane@gmail.com.", "", ""}, // valid: not a repair
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			r, err := g.Check(tc.in)
			if tc.suggestion == "" {
				require.NoError(t, err)
				assert.Empty(t, r.Suggestion)
				return
			}
			require.Error(t, err, "the input as written stays invalid")
			assert.Equal(t, Invalid, r.Verdict)
			assert.Equal(t, tc.suggestion, r.Suggestion)
			require.Len(t, r.Findings, 1)
			assert.Equal(t, RulePunctuation, r.Findings[0].Rule)
			assert.Equal(t, tc.target, r.Findings[0].Target)
		})
	}
	for _, in := range []string{"jane@example..org", "not an address", "jane@,", "@gmail..com"} {
		r, _ := g.Check(in)
		assert.Empty(t, r.Suggestion, in)
		assert.Empty(t, r.Findings, in)
	}
}
