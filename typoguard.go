package typoguard

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/publicsuffix"
)

// Guard checks e-mail addresses against a set of protected domains and
// suffixes. Build one with [New]; a Guard is immutable and safe for
// concurrent use by multiple goroutines (so long as its rules are, see
// [Rule]).
type Guard struct {
	entries    []Entry   // protected entries, sorted by name
	budgets    []float64 // near-miss budget of each protected domain
	caps       []uint8   // most edits in a near miss of each protected domain
	suffixLens []int     // length of each protected domain's public suffix, with its dot
	// names indexes every name the Guard knows: protected entries (a
	// suffix without its dot), known-legitimate and same-owner domains,
	// suffixes one slip from a protected one, and the delegated TLDs
	// among all these, so that one right-to-left scan of a domain (scan)
	// finds all a check needs to know of it.
	names     nameTable[nameInfo]
	tails     []string   // distinct public suffixes of entries, sorted
	tailEnds  [4]uint64  // bit c is set when a tail ends with byte c
	slips     [][]string // lists of tails within the slip budget of a suffix, sorted (nameInfo.slips)
	near      nearIndex  // candidate protected domains of a near miss
	linear    bool       // tests only: Nearest scans every entry, ignoring near
	known     map[string]map[string]struct{}
	rules     []Rule
	model     *costModel
	warn      float64
	block     float64
	knowledge bool
}

// nameInfo is what a Guard knows about one name.
type nameInfo struct {
	domain int32 // index of the protected domain of this name, or -1
	suffix int32 // index of the protected suffix "."+name, or -1
	owner  int32 // same-owner group, or -1
	// trust is the entry this name trusts by itself: its protected
	// domain, else the first protected domain of its owner group; or -1.
	trust int32
	legit bool // a known-legitimate domain
	// slips is the index in Guard.slips of the protected suffixes one
	// slip from this name, taken as a suffix; or -1.
	slips int32
	// delegatedTLD: this name, taken as a top-level domain, is delegated
	// (per the public suffix list), so every domain under it is.
	delegatedTLD bool
}

// Entry is one protected entry: a domain, which trusts itself and its
// sub-domains, or a whole suffix written with a leading dot (".mil").
type Entry struct {
	Name   string  `json:"name"`   // ASCII, lower-case: "army.mil" or ".mil"
	Weight float64 `json:"weight"` // relative volume of mail; 1 unless set with [WithWeights]
}

// IsSuffix reports whether e protects a whole suffix.
func (e Entry) IsSuffix() bool { return strings.HasPrefix(e.Name, ".") }

// Verdict is the overall judgment on an address.
type Verdict uint8

// Verdicts, in increasing order of concern; Invalid is for input that
// could not be parsed.
const (
	OK Verdict = iota
	Warn
	Block
	Invalid
)

var verdictNames = [...]string{OK: "ok", Warn: "warn", Block: "block", Invalid: "invalid"}

// String returns "ok", "warn", "block" or "invalid".
func (v Verdict) String() string {
	if int(v) < len(verdictNames) {
		return verdictNames[v]
	}
	return fmt.Sprintf("Verdict(%d)", uint8(v))
}

// MarshalText implements [encoding.TextMarshaler].
func (v Verdict) MarshalText() ([]byte, error) {
	if int(v) >= len(verdictNames) {
		return nil, fmt.Errorf("typoguard: invalid verdict %d", uint8(v))
	}
	return []byte(v.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler].
func (v *Verdict) UnmarshalText(b []byte) error {
	for i, n := range verdictNames {
		if n == string(b) {
			*v = Verdict(i)
			return nil
		}
	}
	return fmt.Errorf("typoguard: unknown verdict %q", b)
}

// Severity grades one finding. The Guard sets it from the finding's score
// and the thresholds of [WithThresholds].
type Severity uint8

// Severities, in increasing order.
const (
	SeverityInfo Severity = iota
	SeverityWarn
	SeverityBlock
)

var severityNames = [...]string{SeverityInfo: "info", SeverityWarn: "warn", SeverityBlock: "block"}

// String returns "info", "warn" or "block".
func (s Severity) String() string {
	if int(s) < len(severityNames) {
		return severityNames[s]
	}
	return fmt.Sprintf("Severity(%d)", uint8(s))
}

// MarshalText implements [encoding.TextMarshaler].
func (s Severity) MarshalText() ([]byte, error) {
	if int(s) >= len(severityNames) {
		return nil, fmt.Errorf("typoguard: invalid severity %d", uint8(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler].
func (s *Severity) UnmarshalText(b []byte) error {
	for i, n := range severityNames {
		if n == string(b) {
			*s = Severity(i)
			return nil
		}
	}
	return fmt.Errorf("typoguard: unknown severity %q", b)
}

// Finding is one reason to think an address is a slip. Rules fill Rule
// (optional: the Guard sets it), Target, Domain, Score, Message and Edits;
// the Guard fills Severity, and Suggestion unless the rule set it (a rule
// that corrects more than the domain, such as [KnownContacts], does).
type Finding struct {
	Rule   string `json:"rule"`   // name of the rule that fired
	Target string `json:"target"` // the protected entry it resembles: "army.mil" or ".mil"
	Domain string `json:"domain"` // the domain probably meant, ASCII: "us.army.mil"
	// Suggestion is the corrected addr-spec: the local part as written,
	// at Domain, unless the rule suggested another address.
	Suggestion string `json:"suggestion"`
	// Score in [0,1] is how likely and how costly a slip this is: the
	// higher, the surer and the worse (see the package documentation).
	Score    float64  `json:"score"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`         // one line for a person
	Edits    []Edit   `json:"edits,omitempty"` // the evidence: edit steps from Domain to the typed domain
}

// Result is the judgment on one address.
type Result struct {
	Input         string `json:"input"`          // the address as given
	Local         string `json:"local"`          // local part, unquoted, as written
	Domain        string `json:"domain"`         // normalised ASCII (A-label) domain
	UnicodeDomain string `json:"unicode_domain"` // the same domain in Unicode (U-label) form
	// Verdict is the highest finding severity (info counts as OK), or
	// Invalid when the input could not be processed.
	Verdict Verdict `json:"verdict"`
	// Suggestion is the corrected addr-spec of the best-ranked finding
	// of severity warn or block that has one, otherwise empty.
	Suggestion string    `json:"suggestion"`
	Findings   []Finding `json:"findings"` // ranked: highest score first
	// Err is the reason for an Invalid verdict, an [*Error].
	Err error `json:"-"`
}

// MarshalJSON encodes r with an "error" member holding Err's message.
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result
	out := struct {
		plain
		Findings []Finding `json:"findings"`
		Error    string    `json:"error,omitempty"`
	}{plain: plain(r), Findings: r.Findings}
	if out.Findings == nil {
		out.Findings = []Finding{}
	}
	if r.Err != nil {
		out.Error = r.Err.Error()
	}
	return json.Marshal(out)
}

// Candidate is a parsed, normalised address as a [Rule] sees it. A
// Guard's own candidates also carry what it looked up about the domain,
// once for all its rules; a Candidate built by hand (with field names)
// works the same, only a little slower.
type Candidate struct {
	Local         string // local part, unquoted, as written
	RawDomain     string // domain as written, without a trailing root dot
	Domain        string // ASCII (A-label), lower-case
	UnicodeDomain string // Unicode (U-label) form of Domain

	// The Guard that made the candidate looks it up once for every rule:
	// the index of the entry trusting it (or -1), and whether a protected
	// suffix is one slip from one of its label-suffixes.
	guard      *Guard
	trust      int32
	nearSuffix bool
	delegated  bool // known delegated from its TLD; else ask Suffix
}

// Suffix returns the public suffix of the domain per the Public Suffix
// List ("mil", "co.uk", "ml"; an unlisted TLD is its own suffix) and
// whether its top-level domain is delegated in the root zone: mail there
// can be delivered to someone, elsewhere it bounces. It asks
// [golang.org/x/net/publicsuffix], which allocates, so call it once and
// only when needed: the built-in rules call it only for a domain that
// could be a slip (one slip from a protected suffix, a near miss, a
// protected domain with a label appended).
func (c Candidate) Suffix() (suffix string, delegated bool) {
	return suffixOf(c.Domain)
}

// suffixOf returns the public suffix of a normalised domain and whether
// it is delegated.
func suffixOf(domain string) (suffix string, delegated bool) {
	suffix, icann := publicsuffix.PublicSuffix(domain)
	// A private suffix (blogspot.com) lies under a delegated TLD.
	return suffix, icann || strings.IndexByte(suffix, '.') >= 0
}

// registrable returns the label before the public suffix ps ("army" for
// "us.army.ml"), or "" when the domain is itself a public suffix, and the
// labels before it with their dot ("us.").
func (c Candidate) registrable(ps string) (prefix, label string) {
	if len(c.Domain) <= len(ps) {
		return "", ""
	}
	rest := c.Domain[:len(c.Domain)-len(ps)-1]
	i := strings.LastIndexByte(rest, '.')
	return rest[:i+1], rest[i+1:]
}

// New returns a Guard protecting the given entries: domains ("army.mil",
// "gmail.com") and suffixes written with a leading dot (".mil").
// Entries are normalised (IDNA, lower case) and deduplicated; their order
// never changes a result. Options apply in order, later ones overriding
// earlier ones. New returns an [*Error] wrapping [ErrInvalidConfig] or
// [ErrInvalidDomain] for an entry or option it cannot use.
func New(protected []string, opts ...Option) (*Guard, error) {
	c := config{
		layouts:   DefaultLayouts(),
		warn:      DefaultWarnThreshold,
		block:     DefaultBlockThreshold,
		knowledge: true,
	}
	c.rules = DefaultRules()
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if c.err != nil {
		return nil, c.err
	}
	return c.build(protected)
}

// MustNew is like [New] but panics on error. It simplifies the
// initialisation of package-level Guards.
func MustNew(protected []string, opts ...Option) *Guard {
	g, err := New(protected, opts...)
	if err != nil {
		panic(err)
	}
	return g
}

// Check judges one address: a bare addr-spec ("jane@gmail.com") or a
// name-addr ("Jane <jane@gmail.com>"). A typo is not an error: it is a
// finding in the Result. The error, an [*Error], reports input that could
// not be processed; the Result then has the Invalid verdict. Addresses
// with a domain literal ("postmaster@[192.0.2.1]") are valid and OK.
func (g *Guard) Check(address string) (r Result, err error) {
	// r is filled in place: a Result is too large to copy for free.
	r.Input = address
	a, err := parseAddress(address)
	if err == nil {
		err = g.judge(&r, a)
	} else {
		err = invalid(&r, err)
	}
	if err != nil {
		g.repair(&r)
	}
	return r, err
}

// repair looks for a punctuation slip that made an address invalid
// (gmail..com, gmail,com, gmail com) and, when the repaired address is
// protected or judged a typo of a protected entry, records the correction
// as a finding of the pseudo-rule "punctuation" and as the suggestion.
// The verdict stays Invalid.
func (g *Guard) repair(r *Result) {
	in := strings.TrimSpace(r.Input)
	if len(in) > maxInputLen {
		return
	}
	if lt := strings.LastIndexByte(in, '<'); lt >= 0 && strings.HasSuffix(in, ">") {
		in = in[lt+1 : len(in)-1]
	}
	at := strings.LastIndexByte(in, '@')
	if at <= 0 {
		return
	}
	local, raw := in[:at], in[at+1:]
	fixed := strings.Join(strings.FieldsFunc(raw, func(r rune) bool {
		return r == '.' || r == ',' || r == ';' || r == ' ' || r == '\t'
	}), ".")
	if fixed == "" || fixed == strings.TrimSuffix(raw, ".") {
		return
	}
	a, err := parseAddress(local + "@" + fixed)
	if err != nil {
		return
	}
	fr := Result{Input: r.Input}
	if err := g.judge(&fr, a); err != nil {
		return
	}
	target, domain := "", fr.Domain
	if fr.Suggestion != "" {
		target, domain = fr.Findings[0].Target, fr.Findings[0].Domain
		for _, f := range fr.Findings {
			if f.Suggestion == fr.Suggestion {
				target, domain = f.Target, f.Domain
				break
			}
		}
	} else if e, ok := g.Trusts(fr.Domain); ok {
		target = e.Name
	} else {
		return
	}
	f := Finding{
		Rule:       RulePunctuation,
		Target:     target,
		Domain:     domain,
		Suggestion: formatAddrSpec(a.local, domain),
		Score:      math.Round(scoreOf(punctuationCost, false)*1000) / 1000,
		Message:    fmt.Sprintf("%q is not a valid domain; it looks like %s with its punctuation slipped", raw, domain),
	}
	f.Severity = g.severity(f.Score)
	r.Findings = []Finding{f}
	r.Suggestion = f.Suggestion
}

// CheckList judges every address of an RFC 5322 address list, such as the
// value of a To or Cc header, and returns one Result per address in the
// order written. When the list does not parse as a whole, it is split at
// top-level commas and each part is judged on its own, so that one bad
// address does not hide the others: its Result has the Invalid verdict and
// the returned error joins the per-address errors.
func (g *Guard) CheckList(list string) ([]Result, error) {
	if len(list) > maxListLen {
		e := newError("check", list, wrap(ErrTooLong, "address list longer than 1 MiB", nil))
		return []Result{{Input: list, Verdict: Invalid, Err: e}}, e
	}
	var results []Result
	var errs []error
	addrs, err := mail.ParseAddressList(list)
	if err == nil && utf8.ValidString(list) {
		for _, m := range addrs {
			input := m.String()
			a, err := splitAddrSpec(m.Address)
			if err != nil {
				e := newError("check", input, err)
				results = append(results, Result{Input: input, Verdict: Invalid, Err: e})
				errs = append(errs, e)
				continue
			}
			r := Result{Input: input}
			if err := g.judge(&r, a); err != nil {
				errs = append(errs, err)
			}
			results = append(results, r)
		}
		return results, errors.Join(errs...)
	}
	for part := range splitList(list) {
		r, err := g.Check(part)
		if err != nil {
			errs = append(errs, err)
		}
		results = append(results, r)
	}
	return results, errors.Join(errs...)
}

// judge normalises a parsed address and runs the rules, filling r, which
// holds the input.
func (g *Guard) judge(r *Result, a addrSpec) error {
	r.Local = a.local
	if strings.HasPrefix(a.domain, "[") {
		// A domain literal names a host, not a domain: nothing to compare.
		if len(a.local)+1+len(a.domain) > maxAddressLen {
			return invalid(r, wrap(ErrTooLong, "address longer than 254 octets", nil))
		}
		r.Domain, r.UnicodeDomain = a.domain, a.domain
		return nil
	}
	ascii, uni, err := normalizeDomain(a.domain)
	if err != nil {
		return invalid(r, err)
	}
	r.Domain, r.UnicodeDomain = ascii, uni
	local := len(a.local)
	if !a.atom {
		local = localWireLen(a.local)
	}
	switch {
	case local > maxLocalLen:
		return invalid(r, wrap(ErrTooLong, "local part longer than 64 octets", nil))
	case local+1+len(ascii) > maxAddressLen:
		return invalid(r, wrap(ErrTooLong, "address longer than 254 octets", nil))
	}
	c := g.candidate(a, ascii, uni)
	for i := range g.rules {
		fs := g.rules[i].Check(g, c)
		if len(fs) == 0 {
			continue
		}
		for j := range fs {
			if fs[j].Rule == "" {
				fs[j].Rule = g.rules[i].Name
			}
		}
		if r.Findings == nil {
			r.Findings = fs // new, and now the Guard's (see Rule)
		} else {
			r.Findings = append(r.Findings, fs...)
		}
	}
	if len(r.Findings) == 0 {
		r.Findings = nil
		return nil
	}
	g.settle(r)
	return nil
}

// candidate returns what the rules see of a parsed address with the
// normalised forms of its domain, with the Guard's lookups done once.
func (g *Guard) candidate(a addrSpec, ascii, uni string) Candidate {
	c := Candidate{
		Local:         a.local,
		RawDomain:     strings.TrimSuffix(a.domain, "."),
		Domain:        ascii,
		UnicodeDomain: uni,
		guard:         g,
	}
	c.trust, c.nearSuffix, c.delegated = g.scan(ascii)
	return c
}

// invalid marks r as Invalid because of err.
func invalid(r *Result, err error) error {
	e := newError("check", r.Input, err)
	r.Verdict, r.Err = Invalid, e
	return e
}

// settle fills the Guard's part of each finding, drops duplicates (same
// rule or not, one finding per suggested domain: the best), ranks them and
// sets the verdict and suggestion.
func (g *Guard) settle(r *Result) {
	fs := r.Findings
	for i := range fs {
		f := &fs[i]
		// Three decimals: enough to rank, stable to print.
		f.Score = math.Round(min(max(f.Score, 0), 1)*1000) / 1000
		f.Severity = g.severity(f.Score)
		if f.Domain != "" && f.Suggestion == "" {
			f.Suggestion = formatAddrSpec(r.Local, f.Domain)
		}
		if f.Message == "" {
			f.Message = fmt.Sprintf("%s looks like %s", r.Domain, cmp.Or(f.Domain, f.Target))
		}
	}
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(b.Score, a.Score),
			cmp.Compare(g.weight(b.Target), g.weight(a.Target)),
			strings.Compare(a.Target, b.Target),
			strings.Compare(a.Domain, b.Domain),
			strings.Compare(a.Rule, b.Rule),
		)
	})
	out := fs[:0]
	for _, f := range fs {
		if f.Domain != "" && slices.ContainsFunc(out, func(o Finding) bool { return o.Domain == f.Domain }) {
			continue
		}
		out = append(out, f)
	}
	r.Findings = out
	switch top := out[0]; top.Severity {
	case SeverityBlock:
		r.Verdict = Block
	case SeverityWarn:
		r.Verdict = Warn
	}
	for _, f := range out {
		if f.Severity >= SeverityWarn && f.Suggestion != "" {
			r.Suggestion = f.Suggestion
			break
		}
	}
}

func (g *Guard) severity(score float64) Severity {
	switch {
	case score >= g.block:
		return SeverityBlock
	case score >= g.warn:
		return SeverityWarn
	}
	return SeverityInfo
}

// weight returns the weight of a protected entry, 0 for anything else.
func (g *Guard) weight(name string) float64 {
	if i, ok := g.index(name); ok {
		return g.entries[i].Weight
	}
	return 0
}

// index returns the index of a protected entry ("army.mil", ".mil").
func (g *Guard) index(name string) (int, bool) {
	rest, isSuffix := strings.CutPrefix(name, ".")
	info, ok := g.names.lookup(rest, hashName(rest))
	switch {
	case !ok:
		return 0, false
	case isSuffix && info.suffix >= 0:
		return int(info.suffix), true
	case !isSuffix && info.domain >= 0:
		return int(info.domain), true
	}
	return 0, false
}

// Entries returns a copy of the protected entries, sorted by name.
func (g *Guard) Entries() []Entry { return slices.Clone(g.entries) }

// Trusts reports whether a normalised ASCII domain is covered by a
// protected entry, and which: the domain itself or a parent is a protected
// domain (or, with built-in knowledge, shares an owner with one), or it
// lies under a protected suffix. A protected domain wins over a suffix.
func (g *Guard) Trusts(domain string) (Entry, bool) {
	if i, _, _ := g.scan(domain); i >= 0 {
		return g.entries[i], true
	}
	return Entry{}, false
}

// trusts is [Guard.Trusts] of c.Domain, looked up once per check.
func (g *Guard) trusts(c Candidate) (Entry, bool) {
	i := c.trust
	if c.guard != g {
		i, _, _ = g.scan(c.Domain)
	}
	if i < 0 {
		return Entry{}, false
	}
	return g.entries[i], true
}

// scan looks each label-suffix of a normalised ASCII domain up once: it
// returns the index of the entry trusting the domain, or -1, whether a
// protected suffix is one slip from one of the label-suffixes, and whether
// the domain is known to be delegated from its top-level domain (false
// when unknown).
func (g *Guard) scan(domain string) (trust int32, nearSuffix, delegated bool) {
	// One scan from the right looks up "mil", "army.mil", "us.army.mil":
	// the longest name wins, as it is the most specific.
	trust, suffix := int32(-1), int32(-1)
	h, tld := nameSeed, true
	for i := len(domain) - 1; i >= 0; i-- {
		h = hashByte(h, domain[i])
		if i > 0 && domain[i-1] != '.' {
			continue
		}
		info, ok := g.names.lookup(domain[i:], h)
		first := tld // the top-level domain, the first name looked up
		tld = false
		if !ok {
			continue
		}
		if info.trust >= 0 {
			trust = info.trust
		}
		if info.suffix >= 0 && i > 0 {
			suffix = info.suffix
		}
		nearSuffix = nearSuffix || info.slips >= 0
		delegated = delegated || first && i > 0 && info.delegatedTLD
	}
	if trust < 0 {
		trust = suffix
	}
	return trust, nearSuffix, delegated
}

// delivers reports whether the top-level domain of c is delegated, so that
// mail to it is delivered to someone: the second answer of
// [Candidate.Suffix], without its lookup for the TLDs the Guard knows.
func (g *Guard) delivers(c Candidate) bool {
	if c.guard == g && c.delegated {
		return true
	}
	_, delegated := c.Suffix()
	return delegated
}

// Legitimate reports whether a normalised ASCII domain, or its
// registrable domain, is known to be a real domain in its own right, which
// must never be "corrected" into another: a domain given to
// [WithLegitimate], a protected domain, or (unless disabled with
// [WithBuiltinKnowledge]) one of typoguard's known-legitimate domains.
func (g *Guard) Legitimate(domain string) bool {
	h := nameSeed
	for i := len(domain) - 1; i >= 0; i-- {
		h = hashByte(h, domain[i])
		if i > 0 && domain[i-1] != '.' {
			continue
		}
		if info, ok := g.names.lookup(domain[i:], h); ok && (info.legit || info.owner >= 0 || info.domain >= 0) {
			return true
		}
	}
	return false
}

// SameOwner reports whether two domains belong to one owner, such as
// gmail.com and googlemail.com; such domains never point at each other.
func (g *Guard) SameOwner(a, b string) bool {
	ia, ok := g.names.lookup(a, hashName(a))
	if !ok || ia.owner < 0 {
		return false
	}
	ib, ok := g.names.lookup(b, hashName(b))
	return ok && ib.owner == ia.owner
}

// KnownName reports whether label is a known name under a protected
// suffix: "army" under "mil" means army.mil is known to exist even when
// only ".mil" is protected. Names come from [WithKnownNames] and, unless
// disabled, from built-in knowledge; suffix is written without a dot.
func (g *Guard) KnownName(suffix, label string) bool {
	_, ok := g.known[suffix][label]
	return ok
}

// Distance returns the weighted edit distance from intended to typed,
// both normalised ASCII domains, and the edit steps of a cheapest
// alignment. Costs follow the model in the package documentation, with
// the Guard's keyboard layouts; a distance of 0 means equal strings.
// Inputs longer than 255 bytes are not compared: the cost is +Inf.
func (g *Guard) Distance(typed, intended string) (float64, []Edit) {
	c, edits, ok := g.model.script(typed, intended)
	if !ok {
		return inf, nil
	}
	return c.float(), edits
}

// splitList yields the top-level comma-separated parts of an address
// list, respecting quoted strings, comments and angle brackets, for the
// per-address fallback of CheckList.
func splitList(list string) iter.Seq[string] {
	return func(yield func(string) bool) {
		depth, quoted, escaped, start := 0, false, false, 0
		for i := 0; i < len(list); i++ {
			c := list[i]
			switch {
			case escaped:
				escaped = false
			case c == '\\' && (quoted || depth > 0):
				escaped = true
			case c == '"' && depth == 0:
				quoted = !quoted
			case quoted:
			case c == '(':
				depth++
			case c == ')' && depth > 0:
				depth--
			case c == ',' && depth == 0:
				if part := strings.TrimSpace(list[start:i]); part != "" && !yield(part) {
					return
				}
				start = i + 1
			}
		}
		if part := strings.TrimSpace(list[start:]); part != "" {
			yield(part)
		}
	}
}
