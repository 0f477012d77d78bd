package typoguard

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Names of the Unicode rules.
const (
	RuleLookalike   = "lookalike"
	RuleObfuscation = "obfuscation"
)

// Lookalike returns the rule for domains that look like a protected one
// without being it: characters from other scripts that look like ASCII
// letters (gmаil.com with a Cyrillic а, gmaıl.com with a dotless ı), whole
// labels in a confusable script (аррӏе.com), punycode input included
// (xn--gmil-63d.com is decoded first). It compares the confusable
// skeleton of the Unicode form with the protected entries.
func Lookalike() Rule {
	return Rule{
		Name: RuleLookalike,
		Doc: `Unicode look-alike of a protected domain
Flags a domain whose characters look like a protected one's: gmаil.com
with a Cyrillic а, gmaıl.com with a dotless ı, аррӏе.com written wholly in
Cyrillic, and their punycode forms (xn--gmil-63d.com). Each replaced
character is named in the evidence.`,
		Check: func(g *Guard, c Candidate) []Finding {
			if c.UnicodeDomain == c.Domain || isASCII(c.UnicodeDomain) {
				return nil // the first test is quick when both are one string
			}
			if e, ok := g.trusts(c); ok && !e.IsSuffix() || g.Legitimate(c.Domain) {
				return nil
			}
			return lookalikeFindings(g, c)
		},
	}
}

func lookalikeFindings(g *Guard, c Candidate) []Finding {
	sk, changed := skeleton(c.UnicodeDomain)
	if !changed || !isASCII(sk) {
		return nil
	}
	intended, _, err := normalizeDomain(sk)
	if err != nil {
		return nil
	}
	glyphs := lookalikes(c.UnicodeDomain)
	edits := make([]Edit, 0, len(glyphs))
	notes := make([]string, 0, len(glyphs))
	for _, gl := range glyphs {
		// Offsets in the skeleton: every earlier glyph changed the length.
		edits = append(edits, Edit{Op: OpSubstitute, Class: ClassLookalike, Pos: gl.skelPos, Want: gl.ascii, Got: string(gl.r), Cost: lookalikeCost})
		notes = append(notes, fmt.Sprintf("%c U+%04X %s looks like %s", gl.r, gl.r, gl.name, gl.ascii))
	}
	script := ""
	for label := range strings.SplitSeq(c.UnicodeDomain, ".") {
		if s, ok := wholeScript(label); ok && !isASCII(label) {
			script = fmt.Sprintf(" (%s written wholly in %s)", label, s)
			break
		}
		if mixedScript(label) {
			script = fmt.Sprintf(" (%s mixes scripts)", label)
			break
		}
	}
	describe := func(domain string) string {
		return fmt.Sprintf("%s looks like %s: %s%s", c.UnicodeDomain, domain, strings.Join(notes, "; "), script)
	}
	if e, ok := g.Trusts(intended); ok {
		label := intended
		if e.IsSuffix() {
			ps := e.Name[1:]
			_, label = Candidate{Domain: intended}.registrable(ps)
			if !g.KnownName(ps, label) {
				return nil
			}
		}
		return []Finding{{
			Target:  e.Name,
			Domain:  intended,
			Score:   scoreOf(lookalikeCost, !e.IsSuffix()),
			Message: describe(intended),
			Edits:   edits,
		}}
	}
	var out []Finding
	for _, m := range g.Nearest(intended) {
		out = append(out, Finding{
			Target:  m.Entry.Name,
			Domain:  m.Domain,
			Score:   scoreOf(lookalikeCost+m.Cost, true),
			Message: describe(m.Domain) + "; then " + strings.TrimPrefix(lookalikeMessage(intended, m.Domain, m.Edits), intended+" looks like "+m.Domain+": "),
			Edits:   append(edits, m.Edits...),
		})
	}
	return out
}

// Obfuscation returns the rule that reports a domain written in a form
// that normalisation had to change — full-width letters, zero-width or
// other invisible characters — when it normalises to (or near) a
// protected domain. Invisible characters are never typed by accident, so
// they warn; full-width forms come from East Asian input methods and are
// informational.
func Obfuscation() Rule {
	return Rule{
		Name: RuleObfuscation,
		Doc: `Domain written in an unusual form
Reports a domain that normalisation changed beyond letter case —
full-width letters (ｇｍａｉｌ.com) or invisible characters (gm\u200bail.com)
— and that normalises to a protected domain: obfuscation is a signal in
itself. Invisible characters warn; full-width forms are informational.`,
		Check: func(g *Guard, c Candidate) []Finding {
			if c.RawDomain == c.Domain || isASCII(c.RawDomain) {
				return nil // IDNA changes only letter case in ASCII
			}
			if strings.EqualFold(c.RawDomain, c.UnicodeDomain) {
				return nil
			}
			e, ok := g.trusts(c)
			if !ok {
				return nil
			}
			score, how := mappedScore, "in a compatibility form (full-width or similar)"
			if hasInvisible(c.RawDomain) {
				score, how = invisibleScore, "with invisible characters"
			}
			return []Finding{{
				Target:  e.Name,
				Domain:  c.Domain,
				Score:   score,
				Message: fmt.Sprintf("%+q was written %s; it normalises to %s", c.RawDomain, how, c.UnicodeDomain),
				Edits:   normalizationEdits(c.RawDomain),
			}}
		},
	}
}

// normalizationEdits lists the characters of raw that normalisation
// removed or mapped, with offsets in the normalised Unicode form.
func normalizationEdits(raw string) []Edit {
	var edits []Edit
	pos := 0
	for _, r := range raw {
		if r < utf8.RuneSelf {
			pos++
			continue
		}
		if isInvisible(r) {
			edits = append(edits, Edit{Op: OpInsert, Class: ClassInvisible, Pos: pos, Got: string(r)})
			continue
		}
		mapped := strings.ToLower(norm.NFKC.String(string(r)))
		if mapped != string(r) {
			edits = append(edits, Edit{Op: OpSubstitute, Class: ClassCompat, Pos: pos, Want: mapped, Got: string(r)})
		}
		pos += len(mapped)
	}
	return edits
}

func isInvisible(r rune) bool {
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r)
}

// hasInvisible reports whether s holds a character that IDNA maps to
// nothing or that renders as nothing: format characters (zero-width
// space and joiners, soft hyphen, word joiner, BOM) and variation
// selectors.
func hasInvisible(s string) bool {
	for _, r := range s {
		if isInvisible(r) {
			return true
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
