package typoguard

import (
	"errors"
	"fmt"
)

// Layout names a keyboard layout whose key adjacencies make a
// substitution or an insertion a likely slip.
type Layout string

// Keyboard layouts known to typoguard.
const (
	// QWERTY is the US English layout, xkb us(basic).
	QWERTY Layout = "qwerty"
	// QWERTZ is the German layout, xkb de(basic).
	QWERTZ Layout = "qwertz"
	// AZERTY is the French layout, xkb fr(basic).
	AZERTY Layout = "azerty"
	// Dvorak is the US Dvorak layout, xkb us(dvorak).
	Dvorak Layout = "dvorak"
	// Colemak is the US Colemak layout, xkb us(colemak).
	Colemak Layout = "colemak"
)

// DefaultLayouts returns the layouts used when no layout option is given:
// QWERTY, QWERTZ and AZERTY. The slice is fresh on every call.
func DefaultLayouts() []Layout {
	return []Layout{QWERTY, QWERTZ, AZERTY}
}

// Layouts returns every layout known to typoguard. The slice is fresh on
// every call.
func Layouts() []Layout {
	return []Layout{QWERTY, QWERTZ, AZERTY, Dvorak, Colemak}
}

// Row indices of a layout, from the digits row down to the bottom letter
// row.
const (
	// rowDigits is the digits row, keys <AE01>..<AE12> from the 1 key.
	rowDigits = iota
	// rowTop is the top letter row, keys <AD01>..<AD12>.
	rowTop
	// rowHome is the home row, keys <AC01>..<AC11>.
	rowHome
	// rowBottom is the bottom row, keys <AB01>..<AB10>; the ISO <LSGT>
	// key left of <AB01> is left out.
	rowBottom
	// numRows is the number of rows of a layout.
	numRows
)

// rowOffset is the x position of each row's first key in quarter key
// widths (0, 0.5, 0.75 and 1.25 keys), so that the geometry is exact
// integer arithmetic. Key i of row r sits at rowOffset[r] + 4*i.
var rowOffset = [numRows]int{rowDigits: 0, rowTop: 2, rowHome: 3, rowBottom: 5}

// keyWidth is the width of a key, and the largest horizontal distance
// between two adjacent keys, in quarter key widths.
const keyWidth = 4

// keyLevels is the printed characters of a layout, one rune per key: base
// is the unshifted level and shift the shifted level of each row. The two
// strings of a row have the same number of runes.
type keyLevels struct {
	base, shift [numRows]string
}

// layoutKeys holds the rows of every known layout. It is never written.
//
// Row strings transcribed from Debian xkb-data 2.35.1 (symbols/us,
// symbols/de, symbols/fr, symbols/latin), the first two levels of keys
// <AE01>..<AE12>, <AD01>..<AD12>, <AC01>..<AC11> and <AB01>..<AB10>.
// xkeyboard-config is © 1996 X Consortium, © 1996, 1998 The Open Group,
// © 1996 Digital Equipment Corporation, © 1996 Silicon Graphics Computer
// Systems, © 2004-2005 Sun Microsystems and various other contributors,
// under MIT/X11-style permissive licences (see
// /usr/share/doc/xkb-data/copyright). Every keysym is written as its
// character; dead keys are written as their spacing forms (dead_acute ´,
// dead_grave `, dead_circumflex ^, dead_diaeresis ¨). Only the characters
// a-z, 0-9, '.' and '-' (after lowercasing) take part in adjacency.
var layoutKeys = map[Layout]keyLevels{
	QWERTY: {
		base: [numRows]string{
			rowDigits: "1234567890-=",
			rowTop:    "qwertyuiop[]",
			rowHome:   "asdfghjkl;'",
			rowBottom: "zxcvbnm,./",
		},
		shift: [numRows]string{
			rowDigits: "!@#$%^&*()_+",
			rowTop:    "QWERTYUIOP{}",
			rowHome:   "ASDFGHJKL:\"",
			rowBottom: "ZXCVBNM<>?",
		},
	},
	QWERTZ: {
		base: [numRows]string{
			rowDigits: "1234567890ß´",
			rowTop:    "qwertzuiopü+",
			rowHome:   "asdfghjklöä",
			rowBottom: "yxcvbnm,.-",
		},
		shift: [numRows]string{
			rowDigits: "!\"§$%&/()=?`",
			rowTop:    "QWERTZUIOPÜ*",
			rowHome:   "ASDFGHJKLÖÄ",
			rowBottom: "YXCVBNM;:_",
		},
	},
	AZERTY: {
		base: [numRows]string{
			rowDigits: "&é\"'(-è_çà)=",
			rowTop:    "azertyuiop^$",
			rowHome:   "qsdfghjklmù",
			rowBottom: "wxcvbn,;:!",
		},
		shift: [numRows]string{
			rowDigits: "1234567890°+",
			rowTop:    "AZERTYUIOP¨£",
			rowHome:   "QSDFGHJKLM%",
			rowBottom: "WXCVBN?./§",
		},
	},
	Dvorak: {
		base: [numRows]string{
			rowDigits: "1234567890[]",
			rowTop:    "',.pyfgcrl/=",
			rowHome:   "aoeuidhtns-",
			rowBottom: ";qjkxbmwvz",
		},
		shift: [numRows]string{
			rowDigits: "!@#$%^&*(){}",
			rowTop:    "\"<>PYFGCRL?+",
			rowHome:   "AOEUIDHTNS_",
			rowBottom: ":QJKXBMWVZ",
		},
	},
	Colemak: {
		base: [numRows]string{
			rowDigits: "1234567890-=",
			rowTop:    "qwfpgjluy;[]",
			rowHome:   "arstdhneio'",
			rowBottom: "zxcvbkm,./",
		},
		shift: [numRows]string{
			rowDigits: "!@#$%^&*()_+",
			rowTop:    "QWFPGJLUY:{}",
			rowHome:   "ARSTDHNEIO\"",
			rowBottom: "ZXCVBKM<>?",
		},
	},
}

// keyboard is the union of the key adjacencies of a set of layouts,
// restricted to the characters that may appear in an ASCII domain name.
type keyboard struct {
	adj [256]uint64 // adj[c] has bit keyIndex(d) set when c and d are adjacent
}

// keyIndex returns the bit index of c among the 38 domain characters
// (a-z, 0-9, '.', '-'), treating upper case ASCII as lower case, and
// false for any other byte.
func keyIndex(c byte) (uint, bool) {
	switch {
	case 'a' <= c && c <= 'z':
		return uint(c - 'a'), true
	case 'A' <= c && c <= 'Z':
		return uint(c - 'A'), true
	case '0' <= c && c <= '9':
		return 26 + uint(c-'0'), true
	case c == '.':
		return 36, true
	case c == '-':
		return 37, true
	}
	return 0, false
}

// domainKey is a domain character printed on a key at row and x, the key's
// position in quarter key widths.
type domainKey struct {
	c      byte
	row, x int
}

// domainKeys returns every domain character printed on the keys of lk,
// with the position of its key.
func domainKeys(lk keyLevels) []domainKey {
	var keys []domainKey
	for r := range numRows {
		base, shift := []rune(lk.base[r]), []rune(lk.shift[r])
		for i := range base {
			x := rowOffset[r] + keyWidth*i
			for _, ch := range []rune{base[i], shift[i]} {
				if ch >= 'A' && ch <= 'Z' {
					ch += 'a' - 'A'
				}
				if ch < 0x80 {
					if _, ok := keyIndex(byte(ch)); ok {
						keys = append(keys, domainKey{c: byte(ch), row: r, x: x})
					}
				}
			}
		}
	}
	return keys
}

// newKeyboard builds the adjacency table for the union of layouts. It
// returns an error when layouts is empty or names an unknown layout.
func newKeyboard(layouts []Layout) (*keyboard, error) {
	if len(layouts) == 0 {
		return nil, errors.New("no keyboard layouts")
	}
	k := new(keyboard)
	for _, l := range layouts {
		lk, ok := layoutKeys[l]
		if !ok {
			return nil, fmt.Errorf("unknown keyboard layout %q", l)
		}
		keys := domainKeys(lk)
		for _, p := range keys {
			for _, q := range keys {
				dr, dx := p.row-q.row, p.x-q.x
				sameKey := dr == 0 && dx == 0
				if p.c == q.c || sameKey || dr < -1 || dr > 1 || dx < -keyWidth || dx > keyWidth {
					continue
				}
				i, _ := keyIndex(q.c)
				k.adj[p.c] |= 1 << i
			}
		}
	}
	for c := 'a'; c <= 'z'; c++ {
		k.adj[c-'a'+'A'] = k.adj[c]
	}
	return k, nil
}

// adjacent reports whether a and b are neighbouring keys on any of the
// layouts. It is symmetric, false when a == b (in either case) and false
// for any byte outside a-z, A-Z, 0-9, '.' and '-'.
func (k *keyboard) adjacent(a, b byte) bool {
	i, ok := keyIndex(b)
	return ok && k.adj[a]&(1<<i) != 0
}
