package typoguard

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

//go:generate go run gen_confusables.go

// confusableEntry maps one non-ASCII rune to the lower-case ASCII it looks
// like: one character of [a-z0-9-], or two for ligatures and doubled letters
// (æ "ae", ǁ "ll") and the two runes that confusables.txt maps to "rn", the
// prototype of m.
type confusableEntry struct {
	r     rune
	ascii string
	name  string // Unicode character name, e.g. "CYRILLIC SMALL LETTER A"
}

// confusableOverrides is consulted before confusablesTable (generated from
// Unicode's confusables.txt by gen_confusables.go) and corrects it for
// domains. Keep it sorted by rune.
//
//   - U+04CF CYRILLIC SMALL LETTER PALOCHKA: confusables.txt maps it to "i"
//     by way of U+0131 LATIN SMALL LETTER DOTLESS I. In a domain it stands for
//     "l", as tall as the ascenders of the letters around it: аррӏе (all
//     Cyrillic) is read as apple, not appie.
var confusableOverrides = []confusableEntry{
	{0x04CF, "l", "CYRILLIC SMALL LETTER PALOCHKA"},
}

// confusable returns the lower-case ASCII that r looks like and r's Unicode
// name. An ASCII rune is its own look-alike: (string(r), "", false); it is
// not lower-cased, as domains are compared lower-cased already. A rune that
// resembles no ASCII returns ("", "", false).
func confusable(r rune) (ascii, name string, ok bool) {
	if r < utf8.RuneSelf {
		if r < 0 {
			return "", "", false
		}
		return string(r), "", false
	}
	if e, ok := findConfusable(confusableOverrides, r); ok {
		return e.ascii, e.name, true
	}
	if e, ok := findConfusable(confusablesTable, r); ok {
		return e.ascii, e.name, true
	}
	return "", "", false
}

// findConfusable binary-searches a table sorted by rune.
func findConfusable(t []confusableEntry, r rune) (confusableEntry, bool) {
	i := sort.Search(len(t), func(i int) bool { return t[i].r >= r })
	if i < len(t) && t[i].r == r {
		return t[i], true
	}
	return confusableEntry{}, false
}

// skeleton maps each rune of s, a normalised domain or label in Unicode form
// (lower case, dots kept), to the ASCII it looks like: skeleton("gmаil.com")
// with a Cyrillic а is ("gmail.com", true). changed reports whether any rune
// was mapped. Runes that look like no ASCII, and bytes that are not valid
// UTF-8, are kept as they are, so the result may still be non-ASCII; byte
// offsets before the first mapped rune are unchanged. A string with no
// mapped rune, ASCII in particular, is returned as is, without allocating.
func skeleton(s string) (string, bool) {
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf {
		i++
	}
	if i == len(s) {
		return s, false
	}
	var b strings.Builder
	last := 0 // s[last:i] is yet to be copied
	for i < len(s) {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if ascii, _, ok := confusable(r); ok && size > 1 {
			if last == 0 {
				b.Grow(len(s)) // a prototype is never longer than its rune
			}
			b.WriteString(s[last:i])
			b.WriteString(ascii)
			last = i + size
		}
		i += size
	}
	if last == 0 {
		return s, false
	}
	b.WriteString(s[last:])
	return b.String(), true
}

// glyph is one rune of a domain that looks like ASCII, as found by
// lookalikes.
type glyph struct {
	pos     int    // byte offset of the rune in the string given to lookalikes
	skelPos int    // byte offset of its replacement in the skeleton of that string
	r       rune   // the rune as written, e.g. 'а' (U+0430)
	ascii   string // what it looks like, e.g. "a"
	name    string // its Unicode name, e.g. "CYRILLIC SMALL LETTER A"
}

// String explains the glyph: `а` U+0430 CYRILLIC SMALL LETTER A looks like `a`.
func (g glyph) String() string {
	return fmt.Sprintf("`%c` U+%04X %s looks like `%s`", g.r, g.r, g.name, g.ascii)
}

// lookalikes lists the runes of s that skeleton maps, in order, with their
// byte offsets in s and in skeleton(s). It returns nil when there are none.
func lookalikes(s string) []glyph {
	var gs []glyph
	shift := 0 // len(skeleton) - len(s) so far
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if ascii, name, ok := confusable(r); ok && size > 1 {
			gs = append(gs, glyph{pos: i, skelPos: i + shift, r: r, ascii: ascii, name: name})
			shift += len(ascii) - size
		}
		i += size
	}
	return gs
}

// commonScripts are tried first by scriptOf, in this order; the rest of
// unicode.Scripts after them, by name.
var commonScripts = []string{
	"Latin", "Cyrillic", "Greek", "Han", "Hiragana", "Katakana", "Hangul",
	"Arabic", "Hebrew", "Armenian", "Georgian", "Cherokee", "Thai", "Devanagari",
}

// scriptOrder is commonScripts followed by the other scripts of
// unicode.Scripts except Common and Inherited, sorted by name.
var scriptOrder = func() []namedScript {
	var order []namedScript
	for _, name := range commonScripts {
		order = append(order, namedScript{name, unicode.Scripts[name]})
	}
	var rest []string
	for name := range unicode.Scripts {
		if name == "Common" || name == "Inherited" || slices.Contains(commonScripts, name) {
			continue
		}
		rest = append(rest, name)
	}
	sort.Strings(rest)
	for _, name := range rest {
		order = append(order, namedScript{name, unicode.Scripts[name]})
	}
	return order
}()

type namedScript struct {
	name  string
	table *unicode.RangeTable
}

// scriptOf returns the script of r when r is a letter or a mark, or "" when
// r is script-neutral: digits, '-', punctuation, and letters and marks of the
// Common and Inherited scripts.
func scriptOf(r rune) string {
	if r < utf8.RuneSelf {
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' {
			return "Latin"
		}
		return ""
	}
	if !unicode.IsLetter(r) && !unicode.IsMark(r) {
		return ""
	}
	for _, sc := range scriptOrder {
		if unicode.Is(sc.table, r) {
			return sc.name
		}
	}
	return "" // Common, Inherited or unassigned
}

// labelScript returns the one script that label's letters are written in,
// ("", true) when it has no letters, and ("", false) when it mixes scripts.
// Han with Hiragana or Katakana is one script, "Japanese" (as are Hiragana
// with Katakana), and Han with Hangul is "Korean"; a label of one of these
// scripts alone is named after it ("Han", "Hangul", ...).
func labelScript(label string) (script string, ok bool) {
	var han, hira, kata, hangul bool
	for _, r := range label {
		switch s := scriptOf(r); s {
		case "":
		case "Han":
			han = true
		case "Hiragana":
			hira = true
		case "Katakana":
			kata = true
		case "Hangul":
			hangul = true
		default:
			if script != "" && script != s {
				return "", false
			}
			script = s
		}
	}
	cjk := han || hira || kata || hangul
	switch {
	case !cjk:
		return script, true
	case script != "", hangul && (hira || kata):
		return "", false
	case hangul && han:
		return "Korean", true
	case hangul:
		return "Hangul", true
	case hira && kata, (hira || kata) && han:
		return "Japanese", true
	case hira:
		return "Hiragana", true
	case kata:
		return "Katakana", true
	}
	return "Han", true
}

// mixedScript reports whether label's letters come from more than one
// script: "gmаil" with a Cyrillic а is mixed, "аррӏе" (all Cyrillic) and
// "münchen" are not. Digits, '-' and other Common or Inherited characters
// belong to no script. Han with Hiragana and Katakana counts as one script
// (Japanese), as does Han with Hangul (Korean).
func mixedScript(label string) bool {
	_, ok := labelScript(label)
	return !ok
}

// wholeScript reports whether all of label's letters come from one script
// other than Latin, and names it: wholeScript("аррӏе") is ("Cyrillic",
// true). A label with no letters, a Latin label and a mixed one return
// ("", false).
func wholeScript(label string) (script string, ok bool) {
	script, ok = labelScript(label)
	if !ok || script == "" || script == "Latin" {
		return "", false
	}
	return script, true
}
