package typoguard

import (
	"cmp"
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// Rule is one named check. A Guard runs its rules in order on every valid
// address and collects their findings.
//
// Check is called concurrently from every goroutine that uses the Guard,
// so it must be safe for concurrent use; it must not keep or modify c. It
// returns nil for a clean address (so the clean path allocates nothing),
// and otherwise a new slice, which becomes the Guard's. Findings need
// Target, Domain (the domain probably meant; empty when the rule has no
// correction), Score and Message; the Guard fills Severity, and Rule and
// Suggestion where they are empty.
type Rule struct {
	Name  string // stable kebab-case identifier, copied into findings
	Doc   string // documentation; the first line is a title
	Check func(g *Guard, c Candidate) []Finding
}

// Built-in rule names.
const (
	RuleNearMiss      = "near-miss"
	RuleSuffixSlip    = "suffix-slip"
	RuleAppendedLabel = "appended-label"
	RuleInsideSuffix  = "inside-suffix"
	// RulePunctuation names findings on invalid input whose domain is a
	// protected one, or a typo of one, once a punctuation slip is
	// repaired (gmail..com, gmail,com, "gmail com"). It is not a Rule:
	// rules see only valid addresses.
	RulePunctuation = "punctuation"
)

// DefaultRules returns a fresh slice of the built-in rules, in the order
// a Guard runs them by default: [NearMiss], [SuffixSlip],
// [AppendedLabel], [InsideSuffix], [Lookalike] and [Obfuscation].
func DefaultRules() []Rule {
	return []Rule{NearMiss(), SuffixSlip(), AppendedLabel(), InsideSuffix(), Lookalike(), Obfuscation()}
}

// NearMiss returns the rule that flags a domain within a small weighted
// edit distance of a protected domain, sub-domains included
// ("us.army.ml" for "army.mil"). The budget depends on the length of the
// protected registrable label (see [Guard.Nearest]). Domains trusted by a
// protected entry and known-legitimate domains are never flagged.
func NearMiss() Rule {
	return Rule{
		Name: RuleNearMiss,
		Doc: `Near miss of a protected domain
Flags a domain a few likely slips away from a protected domain (gmial.com
for gmail.com, us.army.ml for us.army.mil), weighing each edit by how often
people make it; short names allow only the cheapest slips.`,
		Check: func(g *Guard, c Candidate) []Finding {
			if _, ok := g.trusts(c); ok {
				return nil
			}
			var buf [4]Match // the matches, on the stack
			ms := g.nearest(c.Domain, true, buf[:0])
			if len(ms) == 0 {
				return nil
			}
			return nearFindings(g, c, ms, g.delivers(c))
		},
	}
}

// InsideSuffix returns the rule for domains under a protected suffix:
// they are trusted, except a near miss of an explicitly protected domain
// ("amry.mil" for "army.mil"). Such mail stays inside the suffix's owner
// and most likely bounces, so it scores as undeliverable: a warning.
func InsideSuffix() Rule {
	return Rule{
		Name: RuleInsideSuffix,
		Doc: `Near miss inside a protected suffix
Every domain under a protected suffix (.mil) is trusted, except one that
is a near miss of an explicitly protected domain (amry.mil for army.mil):
it probably bounces rather than leaks, so it warns.`,
		Check: func(g *Guard, c Candidate) []Finding {
			e, ok := g.trusts(c)
			if !ok || !e.IsSuffix() || g.Legitimate(c.Domain) {
				return nil
			}
			var buf [4]Match
			return nearFindings(g, c, g.nearest(c.Domain, false, buf[:0]), false)
		},
	}
}

func nearFindings(g *Guard, c Candidate, ms []Match, delivers bool) []Finding {
	if len(ms) == 0 {
		return nil
	}
	out := make([]Finding, 0, len(ms))
	for _, m := range ms {
		if sameOwnerAny(g, c.Domain, m.Entry.Name) {
			continue
		}
		out = append(out, Finding{
			Target:  m.Entry.Name,
			Domain:  m.Domain,
			Score:   scoreOf(m.Cost, delivers),
			Message: lookalikeMessage(c.Domain, m.Domain, m.Edits),
			Edits:   m.Edits,
		})
	}
	return out
}

// sameOwnerAny reports whether domain or one of its parents shares an
// owner with the protected domain target.
func sameOwnerAny(g *Guard, domain, target string) bool {
	for d := domain; d != ""; {
		if g.SameOwner(d, target) {
			return true
		}
		dot := strings.IndexByte(d, '.')
		if dot < 0 {
			break
		}
		d = d[dot+1:]
	}
	return false
}

// SuffixSlip returns the rule that flags a slip of a protected suffix
// into another real top-level domain ("army.ml" for "army.mil",
// "gmail.co" for "gmail.com") when the rest of the domain names a
// protected domain or a known name under that suffix. A real domain under
// the other suffix ("malijet.ml", "gouv.ml") is not flagged for being
// there.
func SuffixSlip() Rule {
	return Rule{
		Name: RuleSuffixSlip,
		Doc: `Suffix slip into a real top-level domain
Flags army.ml for army.mil and gmail.co for gmail.com: the name is right
but the suffix slipped into another delegated TLD, where the mail is
delivered to someone else. Fires only when the name is protected or known
under the intended suffix.`,
		Check: suffixSlip,
	}
}

// suffixSlip is the check of SuffixSlip.
func suffixSlip(g *Guard, c Candidate) []Finding {
	if _, ok := g.trusts(c); ok || !nearSomeSuffix(g, c) {
		return nil // before Suffix, which may allocate
	}
	suffix, delegated := c.Suffix()
	prefix, label := c.registrable(suffix)
	if !delegated || label == "" {
		return nil
	}
	var out []Finding
	checked := false
	for tail := range g.NearSuffixes(suffix) {
		if !checked {
			if g.Legitimate(c.Domain) { // trust was ruled out above
				return nil
			}
			checked = true
		}
		e, ok := slipTarget(g, prefix, label, tail)
		if !ok {
			continue
		}
		intended := prefix + label + "." + tail
		cost, edits := g.Distance(c.Domain, intended)
		out = append(out, Finding{
			Target: e.Name,
			Domain: intended,
			Score:  scoreOf(cost*slipFactor, true),
			Message: lookalikeMessageNote(c.Domain, intended, edits,
				" (.", suffix, " is a real top-level domain: the mail would leave)"),
			Edits: edits,
		})
	}
	return out
}

// AppendedLabel returns the rule for a protected domain with a suffix
// appended ("army.mil.ml", "gmail.com.co") or with its dot left out
// ("gmailcom").
func AppendedLabel() Rule {
	return Rule{
		Name: RuleAppendedLabel,
		Doc: `Appended or merged labels
Flags a protected domain with a top-level domain appended (army.mil.ml,
gmail.com.co: the public suffix list makes these look like ordinary
domains under .ml and .co) or with a dot left out (gmailcom).`,
		Check: appendedLabel,
	}
}

// appendedLabel is the check of AppendedLabel.
func appendedLabel(g *Guard, c Candidate) []Finding {
	if _, ok := g.trusts(c); ok || !appendedShape(g, c.Domain) {
		return nil // before Suffix, which may allocate
	}
	suffix, delegated := c.Suffix()
	clean := func() bool { return g.Legitimate(c.Domain) } // trust was ruled out above
	// Appended: a trusted head followed by nothing but suffix labels; the
	// longest such head is the most specific.
	for i := strings.LastIndexByte(c.Domain, '.'); i > 0 && i >= len(c.Domain)-len(suffix)-1; i = strings.LastIndexByte(c.Domain[:i], '.') {
		head, tail := c.Domain[:i], c.Domain[i+1:]
		if e, ok := appendedHead(g, head, tail); ok {
			if clean() {
				return nil
			}
			return []Finding{{
				Target:  e.Name,
				Domain:  head,
				Score:   scoreOf(appendedCost, delegated),
				Message: fmt.Sprintf("%s looks like %s with .%s appended", c.Domain, head, tail),
				Edits:   []Edit{{Op: OpInsert, Class: ClassAppended, Pos: len(head), Got: "." + tail, Cost: appendedCost}},
			}}
		}
	}
	// Merged: the last label is a protected domain without its dot.
	if delegated {
		return nil
	}
	prefix, last := "", c.Domain
	if i := strings.LastIndexByte(c.Domain, '.'); i >= 0 {
		prefix, last = c.Domain[:i+1], c.Domain[i+1:]
	}
	var out []Finding
	checked := false
	for tail := range g.Suffixes() {
		name, ok := cutUndotted(last, tail)
		if !ok || name == "" {
			continue
		}
		if !checked {
			if clean() {
				return nil
			}
			checked = true
		}
		e, ok := slipTarget(g, prefix, name, tail)
		if !ok {
			continue
		}
		intended := prefix + name + "." + tail
		cost, edits := g.Distance(c.Domain, intended)
		out = append(out, Finding{
			Target:  e.Name,
			Domain:  intended,
			Score:   scoreOf(cost, false),
			Message: lookalikeMessage(c.Domain, intended, edits),
			Edits:   edits,
		})
	}
	return out
}

// slipTarget reports whether prefix+name+"."+tail, the domain a slip was
// probably meant for, is one to suggest: trusted, and under a protected
// suffix only when name is known there. It returns the trusting entry.
func slipTarget(g *Guard, prefix, name, tail string) (Entry, bool) {
	// A temporary string, not kept: the caller builds the suggestion.
	e, ok := g.Trusts(prefix + name + "." + tail)
	return e, ok && (!e.IsSuffix() || g.KnownName(tail, name))
}

// nearSomeSuffix reports whether a protected suffix is one slip from a
// label-suffix of the domain ("ml" or "army.ml" for army.ml): otherwise
// its public suffix, one of them, has no slip to look for.
func nearSomeSuffix(g *Guard, c Candidate) bool {
	if c.guard == g {
		return c.nearSuffix
	}
	_, near, _ := g.scan(c.Domain)
	return near
}

// appendedShape reports whether domain could be a protected domain with
// labels appended or a dot left out: a trusted head before one of its
// dots, or a last label ending with a protected suffix without its dots.
func appendedShape(g *Guard, domain string) bool {
	last := domain
	for i := strings.IndexByte(domain, '.'); i >= 0; i = strings.IndexByte(domain[i+1:], '.') + i + 1 {
		if _, ok := g.Trusts(domain[:i]); ok {
			return true
		}
		last = domain[i+1:]
		if strings.IndexByte(last, '.') < 0 {
			break
		}
	}
	if c := last[len(last)-1]; g.tailEnds[c>>6]&(1<<(c&63)) == 0 {
		return false // no tail ends as last does
	}
	for _, tail := range g.tails {
		if tail[len(tail)-1] != last[len(last)-1] {
			continue // most tails, at once
		}
		if name, ok := cutUndotted(last, tail); ok && name != "" {
			return true
		}
	}
	return false
}

// institutionalSectors are second-level labels under which countries
// register their own institutions (mil.ng, gov.uk, ac.jp): army.mil.ng is
// Nigeria's army, not army.mil with .ng appended.
var institutionalSectors = map[string]bool{
	"mil": true, "gov": true, "edu": true, "ac": true, "gob": true, "gouv": true, "govt": true, "go": true,
}

// appendedHead reports whether head, followed by the suffix labels tail,
// is a trusted domain with those labels appended, and the entry trusting
// it.
func appendedHead(g *Guard, head, tail string) (Entry, bool) {
	e, ok := g.Trusts(head)
	if !ok {
		return Entry{}, false
	}
	name := strings.TrimPrefix(e.Name, ".")
	if head != name && !strings.HasSuffix(head, "."+name) && !g.Legitimate(head) {
		return Entry{}, false // trusted only as another owner's domain
	}
	sector := head[strings.LastIndexByte(head, '.')+1:]
	if institutionalSectors[sector] {
		if ps, icann := publicsuffix.PublicSuffix(sector + "." + tail); icann && ps == sector+"."+tail {
			return Entry{}, false
		}
	}
	return e, true
}

// Match is a protected domain near a candidate domain, found by
// [Guard.Nearest].
type Match struct {
	Entry  Entry   // the protected domain
	Domain string  // the candidate with its matching labels replaced by Entry: "us.army.mil"
	Cost   float64 // weighted distance from Entry to the matching labels
	Edits  []Edit  // the edit steps, positions relative to Domain
}

// Nearest returns the protected domains within the near-miss budget of a
// normalised ASCII domain, cheapest first (ties: higher weight, then
// name). The candidate's last labels are compared with each protected
// domain of as many labels, so "us.army.ml" matches "army.mil" as
// "us.army.mil"; a candidate with fewer labels is compared whole, so a
// merged "gmailcom" matches "gmail.com". The budget depends on the length
// of the protected registrable label, as short names have many innocent
// neighbours: up to 3 characters 0.45 (only look-alikes and doubled
// letters), 4–5 characters 0.7 (one likely slip), 6–8 characters 1.0, and
// 9 or more 1.3 (two likely slips). A match is also one edit (Edits) below
// 6 characters, two from 6 on, of which at most one adds or changes a
// letter other than by doubling it or by a look-alike. Identical labels
// are not a match. Nearest looks the candidates up in an index built by
// [New]: its cost hardly depends on the number of protected domains.
func (g *Guard) Nearest(domain string) []Match { return g.nearest(domain, false, nil) }

// nearest is Nearest appending to out, or nothing for a known-legitimate
// domain when unlessLegitimate is set: that is looked up only once the
// index has candidates, as few domains have any.
func (g *Guard) nearest(domain string, unlessLegitimate bool, out []Match) []Match {
	if g.linear {
		if unlessLegitimate && g.Legitimate(domain) {
			return nil
		}
		return g.nearestLinear(domain, out)
	}
	var buf [16]int32
	cands := g.near.candidates(domain, buf[:0])
	if len(cands) == 0 || unlessLegitimate && g.Legitimate(domain) {
		return nil
	}
	labels := strings.Count(domain, ".") + 1
	for _, i := range cands {
		if m, ok := g.nearEntry(int(i), domain, labels); ok {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		return nil
	}
	sortMatches(out)
	return out
}

// nearestLinear is Nearest by a scan of every protected domain, appending
// to out: the oracle the index is tested against.
func (g *Guard) nearestLinear(domain string, out []Match) []Match {
	labels := strings.Count(domain, ".") + 1
	for i, e := range g.entries {
		if e.IsSuffix() {
			continue
		}
		if m, ok := g.nearEntry(i, domain, labels); ok {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		return nil
	}
	sortMatches(out)
	return out
}

func sortMatches(ms []Match) {
	slices.SortStableFunc(ms, func(a, b Match) int {
		return cmp.Or(cmp.Compare(a.Cost, b.Cost), cmp.Compare(b.Entry.Weight, a.Entry.Weight), strings.Compare(a.Entry.Name, b.Entry.Name))
	})
}

// nearEntry compares domain, of the given number of labels, with the
// protected domain of entry i: the judgment of Nearest for one entry.
func (g *Guard) nearEntry(i int, domain string, labels int) (Match, bool) {
	e := g.entries[i]
	k := strings.Count(e.Name, ".") + 1
	best := Match{Cost: inf}
	// Compare the last k labels, and the last k-1 for a dot left out
	// between sub-domain labels (seibm.com for se.ibm.com).
	for n := k; n >= max(k-1, 1); n-- {
		prefix, tail := lastLabels(domain, labels, n)
		if tail == e.Name {
			return Match{}, false // trusted, not a near miss
		}
		// Slips confined to the suffix leave the name intact, so they
		// may cost up to slipBudget even on a short name (gmx.coom).
		budget := min(max(g.budgets[i], slipBudget), best.Cost)
		if float64(absDiff(len(tail), len(e.Name)))*minEditCost > budget {
			continue
		}
		c, edits, ok := g.model.scriptWithin(tail, e.Name, costOf(budget))
		if !ok || c.float() >= best.Cost {
			continue
		}
		if len(edits) > int(g.caps[i]) || changes(edits) > 1 {
			continue // more slips than the name allows
		}
		if c.float() > g.budgets[i] && !inSuffix(edits, len(e.Name)-g.suffixLens[i]) {
			continue
		}
		for j := range edits {
			edits[j].Pos += len(prefix)
		}
		best = Match{Entry: e, Domain: prefix + e.Name, Cost: c.float(), Edits: edits}
		if labels <= n {
			break // the whole domain was compared
		}
	}
	return best, !math.IsInf(best.Cost, 1)
}

// changes counts the edits that add or change a character, other than by
// doubling a letter or by a look-alike: a near miss has at most one.
func changes(edits []Edit) int {
	n := 0
	for _, e := range edits {
		if e.Op != OpDelete && e.Class != ClassDoubled && e.Class != ClassLookalike {
			n++
		}
	}
	return n
}

// inSuffix reports whether every edit lies at or after offset from, the
// dot before the public suffix of the intended domain.
func inSuffix(edits []Edit, from int) bool {
	for _, e := range edits {
		if e.Pos < from {
			return false
		}
	}
	return true
}

// lastLabels splits domain, of the given number of labels, before its
// last n labels; with n or fewer labels the tail is the whole domain.
func lastLabels(domain string, labels, n int) (prefix, tail string) {
	if labels <= n {
		return "", domain
	}
	cut := len(domain)
	for range n {
		cut = strings.LastIndexByte(domain[:cut], '.')
	}
	return domain[:cut+1], domain[cut+1:]
}

// Suffixes yields the distinct public suffixes of the protected entries
// ("com", "mil", "co.uk"), sorted: the suffixes of protected domains and
// the protected suffixes themselves, without a leading dot.
func (g *Guard) Suffixes() iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, t := range g.tails {
			if !yield(t) {
				return
			}
		}
	}
}

// NearSuffixes yields the public suffixes of the protected entries (those
// of [Guard.Suffixes]) that one likely slip turns into suffix, sorted:
// those other than suffix within the suffix-slip budget, a weighted
// distance ([Guard.Cost]) of 0.7 between the dotted forms, as ".ml" is
// from ".mil". They are precomputed by [New].
func (g *Guard) NearSuffixes(suffix string) iter.Seq[string] {
	return func(yield func(string) bool) {
		info, ok := g.names.lookup(suffix, hashName(suffix))
		if !ok || info.slips < 0 {
			return
		}
		for _, t := range g.slips[info.slips] {
			if !yield(t) {
				return
			}
		}
	}
}

// Cost is like [Guard.Distance] but returns only the cost, without
// allocating.
func (g *Guard) Cost(typed, intended string) float64 {
	c, ok := g.model.distance(typed, intended, maxCost)
	if !ok {
		return inf
	}
	return c.float()
}

// publicsuffixOf returns the public suffix of a normalised domain.
func publicsuffixOf(domain string) (string, bool) {
	return publicsuffix.PublicSuffix(domain)
}

// cutUndotted is strings.CutSuffix(s, suffix without its dots), without
// allocating: "gmailcouk" less "co.uk" is "gmail".
func cutUndotted(s, suffix string) (before string, found bool) {
	j := len(s)
	for i := len(suffix) - 1; i >= 0; i-- {
		if suffix[i] == '.' {
			continue
		}
		if j == 0 || s[j-1] != suffix[i] {
			return s, false
		}
		j--
	}
	return s[:j], true
}

// registrableLabel returns the label before public suffix ps in domain,
// or "" when the domain is the suffix itself.
func registrableLabel(domain, ps string) string {
	if len(domain) <= len(ps) {
		return ""
	}
	rest := domain[:len(domain)-len(ps)-1]
	return rest[strings.LastIndexByte(rest, '.')+1:]
}

func absDiff(a, b int) int {
	if a > b {
		return a - b
	}
	return b - a
}

// lookalikeMessage is the one-line explanation of a near miss:
// "army.ml looks like army.mil: i deleted from mil".
func lookalikeMessage(typed, intended string, edits []Edit) string {
	return lookalikeMessageNote(typed, intended, edits)
}

// lookalikeMessageNote is lookalikeMessage followed by the notes, built
// in one allocation.
func lookalikeMessageNote(typed, intended string, edits []Edit, notes ...string) string {
	var b strings.Builder
	n := len(typed) + len(" looks like ") + len(intended) + 40*len(edits)
	for _, s := range notes {
		n += len(s)
	}
	b.Grow(n)
	b.WriteString(typed)
	b.WriteString(" looks like ")
	b.WriteString(intended)
	for i, e := range edits {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		writeEdit(&b, intended, e)
	}
	for _, s := range notes {
		b.WriteString(s)
	}
	return b.String()
}

// describeEdit says what one edit did, naming the label of intended it
// touched.
func describeEdit(intended string, e Edit) string {
	var b strings.Builder
	writeEdit(&b, intended, e)
	return b.String()
}

// writeEdit writes describeEdit's description of e to b.
func writeEdit(b *strings.Builder, intended string, e Edit) {
	label := labelAt(intended, e.Pos)
	w := func(ss ...string) {
		for _, s := range ss {
			b.WriteString(s)
		}
	}
	switch e.Op {
	case OpDelete:
		if e.Want == "." {
			w("dot missing between ", labelAt(intended, e.Pos-1), " and ", labelAt(intended, e.Pos+1))
			return
		}
		w(e.Want, " deleted from ", label)
	case OpInsert:
		if e.Class == ClassDoubled {
			w(e.Got, " doubled in ", label)
			return
		}
		w(e.Got, " inserted in ", label, classNote(e.Class))
	case OpTranspose:
		w(e.Want, " swapped to ", e.Got, " in ", label)
	default:
		if e.Class == ClassLookalike {
			w(e.Got, " looks like ", e.Want, " in ", label)
			return
		}
		w(e.Got, " typed for ", e.Want, " in ", label, classNote(e.Class))
	}
}

func classNote(c EditClass) string {
	switch c {
	case ClassAdjacentKey:
		return " (adjacent keys)"
	case ClassBitFlip:
		return " (bit flip)"
	}
	return ""
}

// labelAt returns the label of s containing byte offset pos.
func labelAt(s string, pos int) string {
	pos = min(max(pos, 0), len(s))
	start := strings.LastIndexByte(s[:pos], '.') + 1
	if pos < len(s) && s[pos] == '.' && pos > 0 {
		start = strings.LastIndexByte(s[:pos], '.') + 1
	}
	end := strings.IndexByte(s[pos:], '.')
	if end < 0 {
		return s[start:]
	}
	return s[start : pos+end]
}
