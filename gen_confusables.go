//go:build ignore

// gen_confusables writes confusables_table.go: the Unicode confusables
// whose look-alike is lower-case ASCII and which can appear, as
// themselves, in a domain label.
//
// The source is confusables.json from Debian's python3-confusable-homoglyphs
// package (apt-get install python3-confusable-homoglyphs), a JSON rendering
// of Unicode's confusables.txt (UTS #39). Each line of confusables.txt,
// "source ; prototype ; MA # ( s → p ) NAME-S → NAME-P", is stored twice:
// json[s] gets {"c": p, "n": NAME-P} and json[p] gets {"c": s, "n": NAME-S}.
// The direction is not recorded, so it is recovered from the shape of the
// data: a source is a single code point whose prototype is its only entry
// (prototypes are fixed points and never sources), while a prototype with
// several sources has several entries. Characters of right-to-left scripts
// are wrapped in U+200E LEFT-TO-RIGHT MARK by confusables.txt's comments;
// the marks are stripped.
//
// An entry is kept when
//   - the source r is one non-ASCII code point and the data marks it as a
//     source (not itself a prototype);
//   - its prototype is one or two characters of [a-z0-9-] exactly: upper-case
//     and other prototypes are dropped (a domain is lower-cased before it is
//     compared, so only lower-case look-alikes matter);
//   - the label "a"+r+"a" passes the strict UTS #46 lookup profile that
//     typoguard normalises domains with (lookup mapping, Bidi rule, STD3
//     rules, DNS lengths, non-transitional), and comes back unchanged:
//     characters that IDNA rejects can never be in a domain, and those it
//     maps to something else (full-width and mathematical letters,
//     upper case) are handled by normalisation.
//
// Usage:
//
//	go run gen_confusables.go [-src confusables.json] [-out confusables_table.go] [-version 3.2.0-2] [-v]
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"os/exec"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/runenames"
)

const (
	debPackage = "python3-confusable-homoglyphs"
	defaultSrc = "/usr/lib/python3/dist-packages/confusable_homoglyphs/confusables.json"
	copyright  = "/usr/share/doc/python3-confusable-homoglyphs/copyright"
)

// inferred3_2_0 is what is known of the Unicode version of confusables.json
// in python3-confusable-homoglyphs 3.2.0-2.
const inferred3_2_0 = "not recorded in the package or its data; inferred as confusables.txt 13.0.0 " +
	"(its newest code points were assigned in Unicode 13.0, e.g. SEGMENTED DIGIT ZERO..NINE, none in 14.0)"

// knownUnicode records, by SHA-256 of the source file, what is known of its
// Unicode version. Neither the package nor its JSON records it; for the files
// listed here it was inferred from the data. Other files are labelled "not
// recorded".
var knownUnicode = map[string]string{
	"2d8b4774cd9dc6f233a18681bc00423ae270037437f276fc6a8b80630941fe7d": inferred3_2_0, // 3.2.0-2
}

var (
	src     = flag.String("src", defaultSrc, "confusables.json of "+debPackage)
	out     = flag.String("out", "confusables_table.go", "output file")
	version = flag.String("version", "", "version of "+debPackage+" (default: asked of dpkg-query)")
	verbose = flag.Bool("v", false, "list the dropped entries whose prototype is not lower-case ASCII")
)

var profile = idna.New(
	idna.MapForLookup(),
	idna.BidiRule(),
	idna.StrictDomainName(true),
	idna.VerifyDNSLength(true),
	idna.Transitional(false),
)

type jsonEntry struct {
	C string `json:"c"`
	N string `json:"n"`
}

type entry struct {
	r     rune
	ascii string
	name  string
}

// stats counts the single-code-point source mappings by what became of them.
type stats struct {
	sources     int // single code point sources in the data
	ascii       int // sources that are ASCII
	notLower    int // non-ASCII sources whose prototype is not [a-z0-9-]{1,2}
	upperASCII  int // ... of which the prototype is ASCII with upper case
	idnaInvalid int // IDNA rejects "a"+r+"a"
	idnaMapped  int // IDNA maps r to something else
	kept        int
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("gen_confusables: ")
	flag.Parse()

	data, err := os.ReadFile(*src)
	if err != nil {
		log.Fatalf("%v (apt-get install %s)", err, debPackage)
	}
	sum := sha256.Sum256(data)
	digest := hex.EncodeToString(sum[:])

	ver := *version
	if ver == "" {
		b, err := exec.Command("dpkg-query", "-W", "-f=${Version}", debPackage).Output()
		if err != nil || len(b) == 0 {
			log.Fatalf("cannot ask dpkg-query for the version of %s (%v): pass -version", debPackage, err)
		}
		ver = string(b)
	}

	entries, st, dropped := build(data)
	if *verbose {
		for _, d := range dropped {
			fmt.Fprintln(os.Stderr, d)
		}
	}

	uver, ok := knownUnicode[digest]
	if !ok {
		uver = "not recorded in the package or its data"
	}

	var buf bytes.Buffer
	write(&buf, entries, st, ver, digest, uver)
	formatted, err := format.Source(buf.Bytes())
	if err != nil {
		log.Fatalf("formatting: %v", err)
	}
	if err := os.WriteFile(*out, formatted, 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("%s: %d entries (%d sources: %d ASCII, %d prototype not [a-z0-9-]{1,2}, %d rejected by IDNA, %d mapped by IDNA)",
		*out, st.kept, st.sources, st.ascii, st.notLower, st.idnaInvalid, st.idnaMapped)
}

// stripLRM removes the LEFT-TO-RIGHT MARKs that confusables.txt's comments
// wrap around right-to-left characters.
func stripLRM(s string) string { return strings.Trim(s, "\u200e") }

// build parses the JSON and returns the kept entries sorted by rune, the
// counts, and a description of each non-ASCII source dropped because of its
// prototype.
func build(data []byte) ([]entry, stats, []string) {
	var raw map[string][]jsonEntry
	if err := json.Unmarshal(data, &raw); err != nil {
		log.Fatalf("%s: %v", *src, err)
	}
	m := make(map[string][]jsonEntry, len(raw))
	for k, v := range raw {
		k = stripLRM(k)
		for _, e := range v {
			m[k] = append(m[k], jsonEntry{C: stripLRM(e.C), N: e.N})
		}
	}

	var (
		st      stats
		out     []entry
		dropped []string
	)
	for k, v := range m {
		r, size := utf8.DecodeRuneInString(k)
		if size != len(k) || r == utf8.RuneError || len(v) != 1 {
			continue // not a single code point, or a prototype of several
		}
		proto := v[0].C
		back := m[proto]
		if utf8.RuneCountInString(proto) == 1 && len(back) == 1 {
			// Two code points that only map to each other: the direction
			// is unknown. None of them may reach the table unguessed.
			if r >= utf8.RuneSelf && isLowerProto(proto) {
				log.Fatalf("U+%04X %q <-> %q: direction unknown", r, k, proto)
			}
			continue
		}
		name := ""
		for _, e := range back {
			if e.C == k {
				name = e.N
			}
		}
		if name == "" {
			log.Fatalf("U+%04X: no reverse entry under %q", r, proto)
		}
		st.sources++
		if r < utf8.RuneSelf {
			st.ascii++
			continue
		}
		if !isLowerProto(proto) {
			st.notLower++
			if isASCII(proto) {
				st.upperASCII++
				if validLabelRune(r) == "" {
					dropped = append(dropped, fmt.Sprintf("dropped U+%04X %s -> %q: prototype not lower-case", r, name, proto))
				}
			}
			continue
		}
		switch validLabelRune(r) {
		case "invalid":
			st.idnaInvalid++
			continue
		case "mapped":
			st.idnaMapped++
			continue
		}
		if n := runenames.Name(r); n != name {
			log.Fatalf("U+%04X: name %q in the data, %q in x/text/unicode/runenames", r, name, n)
		}
		st.kept++
		out = append(out, entry{r: r, ascii: proto, name: name})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].r < out[j].r })
	sort.Strings(dropped)
	return out, st, dropped
}

// isLowerProto reports whether p is one or two characters of [a-z0-9-].
func isLowerProto(p string) bool {
	if len(p) == 0 || len(p) > 2 {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// validLabelRune returns "" when r may stand, as itself, inside a domain
// label under the strict lookup profile, "invalid" when the profile rejects
// it and "mapped" when the profile maps it to something else.
func validLabelRune(r rune) string {
	label := "a" + string(r) + "a"
	a, err := profile.ToASCII(label)
	if err != nil {
		return "invalid"
	}
	u, err := profile.ToUnicode(a)
	if err != nil {
		return "invalid"
	}
	if u != label {
		return "mapped"
	}
	return ""
}

func write(w *bytes.Buffer, entries []entry, st stats, ver, digest, uver string) {
	source := fmt.Sprintf("%s %s %s (Unicode confusables.txt, UTS #39; Unicode version %s)",
		debPackage, ver, *src, shortUnicode(uver))
	fmt.Fprintf(w, `// Code generated by gen_confusables.go; DO NOT EDIT.

// Source: Debian package %s %s,
// %s
// (SHA-256 %s),
// a JSON rendering of Unicode's confusables.txt (UTS #39).
// Unicode version: %s.
// IDNA filter: golang.org/x/net/idna, Unicode %s tables.
//
// Of %d single-code-point source mappings, %d are kept: %d ASCII sources,
// %d with a prototype that is not one or two characters of [a-z0-9-]
// (%d of them an ASCII prototype with upper case), %d that the strict
// UTS #46 lookup profile rejects inside a label and %d that it maps to
// something else (full-width, mathematical, upper case, ...) are left out.
//
// The data files are covered by the Unicode licence, recorded in
// %s as
// "UNICODE, INC. LICENSE AGREEMENT - DATA FILES AND SOFTWARE" (Unicode now
// publishes these terms as the Unicode License v3; see
// https://www.unicode.org/license.txt). Its notice:
//
//	Copyright © 1991-2022 Unicode, Inc. All rights reserved.
//	Distributed under the Terms of Use in https://www.unicode.org/copyright.html.
//
//	Permission is hereby granted, free of charge, to any person obtaining
//	a copy of the Unicode data files and any associated documentation
//	(the "Data Files") or Unicode software and any associated documentation
//	(the "Software") to deal in the Data Files or Software
//	without restriction, including without limitation the rights to use,
//	copy, modify, merge, publish, distribute, and/or sell copies of
//	the Data Files or Software, and to permit persons to whom the Data Files
//	or Software are furnished to do so, provided that either
//	(a) this copyright and permission notice appear with all copies
//	of the Data Files or Software, or
//	(b) this copyright and permission notice appear in associated
//	Documentation.
//
//	THE DATA FILES AND SOFTWARE ARE PROVIDED "AS IS", WITHOUT WARRANTY OF
//	ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE
//	WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
//	NONINFRINGEMENT OF THIRD PARTY RIGHTS.
//	IN NO EVENT SHALL THE COPYRIGHT HOLDER OR HOLDERS INCLUDED IN THIS
//	NOTICE BE LIABLE FOR ANY CLAIM, OR ANY SPECIAL INDIRECT OR CONSEQUENTIAL
//	DAMAGES, OR ANY DAMAGES WHATSOEVER RESULTING FROM LOSS OF USE,
//	DATA OR PROFITS, WHETHER IN AN ACTION OF CONTRACT, NEGLIGENCE OR OTHER
//	TORTIOUS ACTION, ARISING OUT OF OR IN CONNECTION WITH THE USE OR
//	PERFORMANCE OF THE DATA FILES OR SOFTWARE.
//
//	Except as contained in this notice, the name of a copyright holder
//	shall not be used in advertising or otherwise to promote the sale,
//	use or other dealings in these Data Files or Software without prior
//	written authorization of the copyright holder.

package typoguard

// confusablesSource names the data confusablesTable was generated from.
const confusablesSource = %q

// confusablesTable maps non-ASCII characters that may appear, as themselves,
// in a normalised domain label to the lower-case ASCII they look like, sorted
// by rune.
var confusablesTable = []confusableEntry{
`, debPackage, ver, *src, digest, uver, idna.UnicodeVersion,
		st.sources, st.kept, st.ascii, st.notLower, st.upperASCII, st.idnaInvalid, st.idnaMapped,
		copyright, source)
	for _, e := range entries {
		if unicode.IsLetter(e.r) || unicode.IsNumber(e.r) {
			fmt.Fprintf(w, "\t{0x%04X, %q, %q}, // %c\n", e.r, e.ascii, e.name, e.r)
		} else {
			fmt.Fprintf(w, "\t{0x%04X, %q, %q},\n", e.r, e.ascii, e.name)
		}
	}
	fmt.Fprintf(w, "}\n")
}

// shortUnicode turns the long Unicode version note into a short one for the
// constant.
func shortUnicode(uver string) string {
	if uver == inferred3_2_0 {
		return "13.0.0, inferred"
	}
	return "not recorded"
}
