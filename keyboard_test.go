package typoguard

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mustKeyboard returns the keyboard for layouts or fails the test.
func mustKeyboard(t testing.TB, layouts ...Layout) *keyboard {
	t.Helper()
	k, err := newKeyboard(layouts)
	require.NoError(t, err)
	require.NotNil(t, k)
	return k
}

// layoutSets returns each layout on its own, then the default layouts and
// all layouts together.
func layoutSets() [][]Layout {
	var sets [][]Layout
	for _, l := range Layouts() {
		sets = append(sets, []Layout{l})
	}
	return append(sets, DefaultLayouts(), Layouts())
}

// lowerASCII returns c with upper case ASCII letters mapped to lower case.
func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// isDomainChar reports whether c, after lowerASCII, is one of a-z, 0-9, '.'
// and '-'.
func isDomainChar(c byte) bool {
	return strings.IndexByte("abcdefghijklmnopqrstuvwxyz0123456789.-", lowerASCII(c)) >= 0
}

// forAllBytePairs calls f for every ordered pair of bytes.
func forAllBytePairs(f func(a, b byte)) {
	for a := range 256 {
		for b := range 256 {
			f(byte(a), byte(b))
		}
	}
}

// In the comments below x is a key's centre in keys: rows start at 0
// (digits), 0.5 (top), 0.75 (home) and 1.25 (bottom).
func TestKeyboardAdjacentPairs(t *testing.T) {
	tests := []struct {
		layout Layout
		a, b   byte
		want   bool
	}{
		{QWERTY, 'q', 'w', true},  // top 0.5, 1.5
		{QWERTY, 'q', 'a', true},  // top 0.5, home 0.75
		{QWERTY, 'a', 'z', true},  // home 0.75, bottom 1.25
		{QWERTY, 'g', 'h', true},  // home 4.75, 5.75
		{QWERTY, 'g', 't', true},  // top 4.5
		{QWERTY, 'g', 'y', true},  // top 5.5
		{QWERTY, 'g', 'b', true},  // bottom 5.25
		{QWERTY, 'g', 'v', true},  // bottom 4.25
		{QWERTY, '1', 'q', true},  // digits 0, top 0.5
		{QWERTY, '2', 'q', true},  // digits 1, top 0.5
		{QWERTY, '2', 'w', true},  // digits 1, top 1.5
		{QWERTY, 'l', '.', true},  // home 8.75, bottom 9.25
		{QWERTY, 'l', 'o', true},  // home 8.75, top 8.5
		{QWERTY, 'l', 'p', true},  // home 8.75, top 9.5
		{QWERTY, 'p', '-', true},  // top 9.5, digits 10
		{QWERTY, 'p', '0', true},  // top 9.5, digits 9
		{QWERTY, 'm', 'n', true},  // bottom 7.25, 6.25
		{QWERTY, 'm', ',', false}, // ',' is not a domain character
		{QWERTY, 'q', 'p', false}, // same row, 9 keys apart
		{QWERTY, 'a', 'l', false}, // same row, 8 keys apart
		{QWERTY, 'g', 'm', false}, // home 4.75, bottom 6.25
		{QWERTY, 'g', 'r', false}, // home 4.75, top 3.5
		{QWERTY, 'z', 'q', false}, // bottom and top rows
		{QWERTY, 'k', '.', false}, // home 7.75, bottom 9.25
		{QWERTY, 'z', 't', false},
		{QWERTY, 'y', 'x', false},

		{QWERTZ, 'z', 't', true},  // z at AD06: top 5.5, t 4.5
		{QWERTZ, 'z', 'u', true},  // top 5.5, 6.5
		{QWERTZ, 'z', 'h', true},  // top 5.5, home 5.75
		{QWERTZ, 'y', 'x', true},  // y at AB01: bottom 1.25, 2.25
		{QWERTZ, 'y', 'a', true},  // bottom 1.25, home 0.75
		{QWERTZ, '.', '-', true},  // bottom 9.25, 10.25
		{QWERTZ, '-', 'l', false}, // bottom 10.25, home 8.75
		{QWERTZ, '-', '0', false}, // '-' is on the bottom row
		{QWERTZ, 'y', 't', false},

		{AZERTY, 'a', 'z', true},  // top 0.5, 1.5
		{AZERTY, 'q', 's', true},  // home 0.75, 1.75
		{AZERTY, 'w', 'x', true},  // bottom 1.25, 2.25
		{AZERTY, 'a', 'q', true},  // top 0.5, home 0.75
		{AZERTY, 'a', '1', true},  // '1' is the shifted '&' key at 0
		{AZERTY, 'm', 'l', true},  // m at AC10: home 9.75, 8.75
		{AZERTY, 'm', 'p', true},  // home 9.75, top 9.5
		{AZERTY, '-', 't', true},  // '-' shares the '6' key at 5; t 4.5
		{AZERTY, '-', 'y', true},  // y 5.5
		{AZERTY, '-', '5', true},  // digits 4
		{AZERTY, '-', '7', true},  // digits 6
		{AZERTY, '-', '6', false}, // the same key
		{AZERTY, '.', 'k', true},  // '.' is the shifted ';' key: bottom 8.25, home 7.75
		{AZERTY, '.', 'l', true},  // home 8.75
		{AZERTY, '.', 'n', false}, // bottom 6.25; ',' lies between
		{AZERTY, 'm', 'n', false}, // home 9.75, bottom 6.25
		{AZERTY, 'q', 'w', true},  // home 0.75, bottom 1.25
		{AZERTY, 'z', 'x', false}, // top 1.5, bottom 2.25

		{Dvorak, 'a', 'o', true},  // home 0.75, 1.75
		{Dvorak, 'e', 'u', true},  // home 2.75, 3.75
		{Dvorak, 'h', 't', true},  // home 6.75, 7.75
		{Dvorak, '.', 'e', true},  // '.' at AD03: top 2.5, home 2.75
		{Dvorak, '.', 'p', true},  // top 2.5, 3.5
		{Dvorak, '-', 's', true},  // '-' at AC11: home 10.75, 9.75
		{Dvorak, '-', 'z', true},  // bottom 10.25
		{Dvorak, 'q', 'w', false}, // bottom 2.25, 8.25
		{Dvorak, 'a', 'z', false},

		{Colemak, 'r', 's', true}, // home 1.75, 2.75
		{Colemak, 'n', 'e', true}, // home 6.75, 7.75
		{Colemak, 'n', 'l', true}, // home 6.75, top 6.5
		{Colemak, 'k', 'h', true}, // bottom 6.25, home 5.75
		{Colemak, 'e', 'l', false},
		{Colemak, 'a', 'z', true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%c%c", tt.layout, tt.a, tt.b), func(t *testing.T) {
			k := mustKeyboard(t, tt.layout)
			assert.Equal(t, tt.want, k.adjacent(tt.a, tt.b))
			assert.Equal(t, tt.want, k.adjacent(tt.b, tt.a))
		})
	}
}

func TestKeyboardUnion(t *testing.T) {
	singles := make(map[Layout]*keyboard)
	for _, l := range Layouts() {
		singles[l] = mustKeyboard(t, l)
	}
	for _, set := range [][]Layout{DefaultLayouts(), Layouts(), {Dvorak, QWERTY, Dvorak}} {
		k := mustKeyboard(t, set...)
		forAllBytePairs(func(a, b byte) {
			want := false
			for _, l := range set {
				want = want || singles[l].adjacent(a, b)
			}
			if k.adjacent(a, b) != want {
				t.Errorf("%v: adjacent(%q, %q) = %v, want %v", set, a, b, !want, want)
			}
		})
	}
	k := mustKeyboard(t, DefaultLayouts()...)
	assert.True(t, k.adjacent('z', 't'), "QWERTZ z-t in the default union")
	assert.True(t, k.adjacent('q', 's'), "AZERTY q-s in the default union")
	assert.False(t, k.adjacent('a', 'o'), "Dvorak a-o is not in the default union")
}

func TestKeyboardSymmetricIrreflexive(t *testing.T) {
	for _, set := range layoutSets() {
		k := mustKeyboard(t, set...)
		forAllBytePairs(func(a, b byte) {
			got := k.adjacent(a, b)
			if got != k.adjacent(b, a) {
				t.Errorf("%v: adjacent(%q, %q) is not symmetric", set, a, b)
			}
			if got && lowerASCII(a) == lowerASCII(b) {
				t.Errorf("%v: adjacent(%q, %q) is reflexive", set, a, b)
			}
			if got && (!isDomainChar(a) || !isDomainChar(b)) {
				t.Errorf("%v: adjacent(%q, %q) outside the domain characters", set, a, b)
			}
		})
	}
}

func TestKeyboardCaseInsensitive(t *testing.T) {
	for _, set := range layoutSets() {
		k := mustKeyboard(t, set...)
		forAllBytePairs(func(a, b byte) {
			got := k.adjacent(a, b)
			want := k.adjacent(lowerASCII(a), lowerASCII(b))
			if got != want {
				t.Errorf("%v: adjacent(%q, %q) = %v, lower case gives %v", set, a, b, got, want)
			}
		})
	}
	k := mustKeyboard(t, QWERTY)
	assert.True(t, k.adjacent('Q', 'w'))
	assert.True(t, k.adjacent('q', 'W'))
	assert.True(t, k.adjacent('Q', 'W'))
	assert.False(t, k.adjacent('Q', 'q'))
}

func TestNewKeyboardErrors(t *testing.T) {
	_, err := newKeyboard(nil)
	require.EqualError(t, err, "no keyboard layouts")
	_, err = newKeyboard([]Layout{})
	require.EqualError(t, err, "no keyboard layouts")

	for _, l := range []Layout{"", "klingon", "QWERTY", " qwerty"} {
		k, err := newKeyboard([]Layout{QWERTY, l})
		assert.Nil(t, k)
		assert.EqualError(t, err, fmt.Sprintf("unknown keyboard layout %q", l))
	}

	dup := mustKeyboard(t, QWERTY, QWERTY, QWERTY)
	assert.Equal(t, mustKeyboard(t, QWERTY), dup, "duplicate layouts")
}

func TestKeyboardLayoutLists(t *testing.T) {
	assert.Equal(t, []Layout{QWERTY, QWERTZ, AZERTY}, DefaultLayouts())
	assert.Equal(t, []Layout{QWERTY, QWERTZ, AZERTY, Dvorak, Colemak}, Layouts())

	d := DefaultLayouts()
	d[0] = Dvorak
	assert.Equal(t, QWERTY, DefaultLayouts()[0], "DefaultLayouts returns a fresh slice")
	all := Layouts()
	all[0] = Dvorak
	assert.Equal(t, QWERTY, Layouts()[0], "Layouts returns a fresh slice")

	assert.Len(t, layoutKeys, len(Layouts()))
	for _, l := range Layouts() {
		assert.Contains(t, layoutKeys, l)
	}
}

func TestKeyboardRows(t *testing.T) {
	wantKeys := [numRows]int{rowDigits: 12, rowTop: 12, rowHome: 11, rowBottom: 10}
	for _, l := range Layouts() {
		lk := layoutKeys[l]
		for r := range numRows {
			assert.Equal(t, wantKeys[r], utf8.RuneCountInString(lk.base[r]), "%s base row %d", l, r)
			assert.Equal(t, wantKeys[r], utf8.RuneCountInString(lk.shift[r]), "%s shift row %d", l, r)
			assert.True(t, utf8.ValidString(lk.base[r]) && utf8.ValidString(lk.shift[r]))
		}
	}
}

// oracleOffsets is the x position of each row's first key, in keys.
var oracleOffsets = [4]float64{0, 0.5, 0.75, 1.25}

// oracleKey is the position of a key: its row and the x of its centre.
type oracleKey struct {
	row int
	x   float64
}

// oracleKeys returns the position of every key of lk that carries c on
// either level.
func oracleKeys(lk keyLevels, c byte) []oracleKey {
	var keys []oracleKey
	for r := range lk.base {
		base, shift := []rune(lk.base[r]), []rune(lk.shift[r])
		for i := range base {
			if unicode.ToLower(base[i]) == rune(c) || unicode.ToLower(shift[i]) == rune(c) {
				keys = append(keys, oracleKey{row: r, x: oracleOffsets[r] + float64(i)})
			}
		}
	}
	return keys
}

// oracleAdjacent is a slow, direct reading of the geometric model: a and b
// are adjacent when some layout has them on different keys whose rows
// differ by at most one and whose centres are at most one key apart.
func oracleAdjacent(layouts []Layout, a, b byte) bool {
	a, b = lowerASCII(a), lowerASCII(b)
	if a == b || !isDomainChar(a) || !isDomainChar(b) {
		return false
	}
	for _, l := range layouts {
		for _, p := range oracleKeys(layoutKeys[l], a) {
			for _, q := range oracleKeys(layoutKeys[l], b) {
				if p != q && math.Abs(float64(p.row-q.row)) <= 1 && math.Abs(p.x-q.x) <= 1.0 {
					return true
				}
			}
		}
	}
	return false
}

func TestKeyboardOracle(t *testing.T) {
	for _, set := range layoutSets() {
		k := mustKeyboard(t, set...)
		pairs := 0
		forAllBytePairs(func(a, b byte) {
			got, want := k.adjacent(a, b), oracleAdjacent(set, a, b)
			if got != want {
				t.Errorf("%v: adjacent(%q, %q) = %v, oracle says %v", set, a, b, got, want)
			}
			if got {
				pairs++
			}
		})
		assert.Positive(t, pairs, "%v has adjacent pairs", set)
	}
}

// xkbDir is where Debian's xkb-data installs the symbols files.
const xkbDir = "/usr/share/X11/xkb/symbols"

// xkbSources is the symbols file and section each layout was transcribed
// from.
var xkbSources = map[Layout]struct{ file, section string }{
	QWERTY:  {file: "us", section: "basic"},
	QWERTZ:  {file: "de", section: "basic"},
	AZERTY:  {file: "fr", section: "basic"},
	Dvorak:  {file: "us", section: "dvorak"},
	Colemak: {file: "us", section: "colemak"},
}

// xkbKeysyms is the character of each multi-character keysym name used on
// the first two levels of the transcribed keys; dead keys map to their
// spacing forms, as in layoutKeys. Single-character names stand for
// themselves.
var xkbKeysyms = map[string]rune{
	"exclam": '!', "at": '@', "numbersign": '#', "dollar": '$',
	"percent": '%', "asciicircum": '^', "ampersand": '&', "asterisk": '*',
	"parenleft": '(', "parenright": ')', "minus": '-', "underscore": '_',
	"equal": '=', "plus": '+', "bracketleft": '[', "bracketright": ']',
	"braceleft": '{', "braceright": '}', "semicolon": ';', "colon": ':',
	"apostrophe": '\'', "quotedbl": '"', "comma": ',', "less": '<',
	"period": '.', "greater": '>', "slash": '/', "question": '?',
	"section": '§', "degree": '°', "sterling": '£', "ssharp": 'ß',
	"udiaeresis": 'ü', "Udiaeresis": 'Ü', "odiaeresis": 'ö', "Odiaeresis": 'Ö',
	"adiaeresis": 'ä', "Adiaeresis": 'Ä', "eacute": 'é', "egrave": 'è',
	"ccedilla": 'ç', "agrave": 'à', "ugrave": 'ù',
	"dead_acute": '´', "dead_grave": '`', "dead_circumflex": '^', "dead_diaeresis": '¨',
}

// The regular expressions of the small xkb symbols parser: comments,
// section headers, include and key statements, group labels such as
// symbols[Group1] inside a key, and a key's list of levels.
var (
	xkbComment    = regexp.MustCompile(`//[^\n]*|(?s:/\*.*?\*/)`)
	xkbHeader     = regexp.MustCompile(`((?:[a-z_]+\s+)*)xkb_symbols\s+"([^"]+)"\s*\{`)
	xkbStatement  = regexp.MustCompile(`include\s+"([^"]+)"|key\s+<(\w+)>\s*\{([^}]*)\}`)
	xkbGroupLabel = regexp.MustCompile(`\w+\[Group\d+\]`)
	xkbLevels     = regexp.MustCompile(`\[([^\]]*)\]`)
)

// xkbSection returns the body of the named section of a symbols file, or
// of its default section when name is empty.
func xkbSection(src, name string) (string, bool) {
	for _, m := range xkbHeader.FindAllStringSubmatchIndex(src, -1) {
		flags, section := src[m[2]:m[3]], src[m[4]:m[5]]
		if section != name && (name != "" || !strings.Contains(flags, "default")) {
			continue
		}
		depth := 0
		for i := m[1] - 1; i < len(src); i++ {
			switch src[i] {
			case '{':
				depth++
			case '}':
				if depth--; depth == 0 {
					return src[m[1]:i], true
				}
			}
		}
	}
	return "", false
}

// xkbKeys stores into keys the keysyms of every key of section in file,
// following includes in order so that later definitions override.
func xkbKeys(t *testing.T, file, section string, keys map[string][]string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(xkbDir, file))
	require.NoError(t, err)
	body, ok := xkbSection(xkbComment.ReplaceAllString(string(data), ""), section)
	require.True(t, ok, "section %q of %s", section, file)
	for _, m := range xkbStatement.FindAllStringSubmatch(body, -1) {
		if m[1] != "" {
			for _, inc := range strings.FieldsFunc(m[1], func(r rune) bool { return r == '+' || r == '|' }) {
				inc, _, _ = strings.Cut(inc, ":")
				f, s, _ := strings.Cut(strings.TrimSuffix(inc, ")"), "(")
				xkbKeys(t, f, s, keys)
			}
			continue
		}
		levels := xkbLevels.FindStringSubmatch(xkbGroupLabel.ReplaceAllString(m[3], ""))
		require.NotNil(t, levels, "key <%s> of %s(%s)", m[2], file, section)
		keys[m[2]] = strings.FieldsFunc(levels[1], func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	}
}

// xkbRune returns the character of keysym, failing the test for a name
// missing from xkbKeysyms.
func xkbRune(t *testing.T, keysym string) rune {
	if r, ok := xkbKeysyms[keysym]; ok {
		return r
	}
	if r, size := utf8.DecodeRuneInString(keysym); size == len(keysym) && r < utf8.RuneSelf {
		return r
	}
	t.Errorf("keysym %q missing from xkbKeysyms", keysym)
	return utf8.RuneError
}

func TestKeyboardLayoutsMatchXKB(t *testing.T) {
	if _, err := os.Stat(xkbDir); os.IsNotExist(err) {
		t.Skip("xkb-data not installed (apt-get install xkb-data); CI installs it")
	}
	rowKeycode := [numRows]string{rowDigits: "AE", rowTop: "AD", rowHome: "AC", rowBottom: "AB"}
	for _, l := range Layouts() {
		t.Run(string(l), func(t *testing.T) {
			src := xkbSources[l]
			keys := make(map[string][]string)
			xkbKeys(t, src.file, src.section, keys)
			lk := layoutKeys[l]
			for r := range numRows {
				base, shift := []rune(lk.base[r]), []rune(lk.shift[r])
				for i := range base {
					code := fmt.Sprintf("%s%02d", rowKeycode[r], i+1)
					syms := keys[code]
					if !assert.GreaterOrEqual(t, len(syms), 2, "<%s> levels", code) {
						continue
					}
					assert.Equal(t, string([]rune{xkbRune(t, syms[0]), xkbRune(t, syms[1])}),
						string([]rune{base[i], shift[i]}), "<%s> %v", code, syms[:2])
				}
				next := fmt.Sprintf("%s%02d", rowKeycode[r], len(base)+1)
				assert.NotContains(t, keys, next, "row %d is complete", r)
			}
		})
	}
}

func FuzzKeyboardAdjacent(f *testing.F) {
	sets := layoutSets()
	kbs := make([]*keyboard, len(sets))
	for i, set := range sets {
		kbs[i] = mustKeyboard(f, set...)
	}
	for i := range sets {
		f.Add(byte('q'), byte('w'), uint8(i))
		f.Add(byte('-'), byte('.'), uint8(i))
		f.Add(byte('G'), byte('h'), uint8(i))
	}
	f.Add(byte('a'), byte('a'), uint8(0))
	f.Add(byte(0xe9), byte('2'), uint8(2)) // é in Latin-1, on the AZERTY '2' key
	f.Add(byte(0), byte(255), uint8(255))
	f.Fuzz(func(t *testing.T, a, b byte, set uint8) {
		i := int(set) % len(sets)
		got := kbs[i].adjacent(a, b)
		if got != kbs[i].adjacent(b, a) {
			t.Errorf("%v: adjacent(%q, %q) is not symmetric", sets[i], a, b)
		}
		if a == b && got {
			t.Errorf("%v: adjacent(%q, %q) is reflexive", sets[i], a, b)
		}
		if want := oracleAdjacent(sets[i], a, b); got != want {
			t.Errorf("%v: adjacent(%q, %q) = %v, oracle says %v", sets[i], a, b, got, want)
		}
	})
}

func BenchmarkKeyboardAdjacent(b *testing.B) {
	k := mustKeyboard(b, DefaultLayouts()...)
	s := []byte("secure-paypal-login.example.com")
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		for i := 1; i < len(s); i++ {
			if k.adjacent(s[i-1], s[i]) {
				n++
			}
		}
	}
	if n == 0 {
		b.Fatal("no adjacent pairs in the benchmark input")
	}
}
