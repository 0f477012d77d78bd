package typoguard

import (
	"net/mail"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// RFC 5321 §4.5.3.1 size limits, in octets.
const (
	maxLocalLen   = 64
	maxDomainLen  = 255
	maxAddressLen = 254
	maxDNSLen     = 253 // a domain name in text form, without the root dot
)

// Hard caps on raw input, checked before any parsing so that hostile
// input costs bounded time: a single address with a display name, and an
// address-list header.
const (
	maxInputLen = 4096
	maxListLen  = 1 << 20
)

// profile is the strict UTS #46 profile of the package documentation:
// lookup mapping, the Bidi rule, STD3 rules and DNS length checks (which
// also reject empty labels, so "army..mil" is an error).
var profile = idna.New(
	idna.MapForLookup(),
	idna.BidiRule(),
	idna.StrictDomainName(true),
	idna.VerifyDNSLength(true),
	idna.Transitional(false),
)

// addrSpec is an address split into its parts, before normalisation.
type addrSpec struct {
	local  string // unquoted local part, as written
	domain string // domain as written (a literal keeps its brackets)
	atom   bool   // local is known to be an ASCII dot-atom
}

// parseAddress parses one address: a bare addr-spec or "Name <addr-spec>".
func parseAddress(s string) (addrSpec, error) {
	if len(s) > maxInputLen {
		return addrSpec{}, wrap(ErrTooLong, "input longer than 4096 bytes", nil)
	}
	// The fast paths accept ASCII only, so valid UTF-8.
	if a, ok := parsePlain(strings.TrimSpace(s)); ok {
		return a, nil
	}
	if a, ok := parseNamed(strings.TrimSpace(s)); ok {
		return a, nil
	}
	if !utf8.ValidString(s) {
		return addrSpec{}, wrap(ErrInvalidAddress, "invalid UTF-8", nil)
	}
	s = strings.TrimSpace(s)
	if a, ok := parseLiteral(s); ok {
		return a, nil
	}
	if hasControl(s) {
		return addrSpec{}, wrap(ErrInvalidAddress, "control character", nil)
	}
	m, err := mail.ParseAddress(s)
	if err != nil {
		return addrSpec{}, wrap(ErrInvalidAddress, "", err)
	}
	return splitAddrSpec(m.Address)
}

// splitAddrSpec splits the Address field of a [mail.Address].
func splitAddrSpec(s string) (addrSpec, error) {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return addrSpec{}, wrap(ErrInvalidAddress, "missing local part or domain", nil)
	}
	return addrSpec{local: s[:at], domain: s[at+1:]}, nil
}

// parsePlain is the allocation-free fast path for the common form: a
// dot-atom local part and an LDH domain, no display name, no quoting.
func parsePlain(s string) (addrSpec, bool) {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return addrSpec{}, false
	}
	local, domain := s[:at], s[at+1:]
	if local[0] == '.' || local[len(local)-1] == '.' {
		return addrSpec{}, false
	}
	for i := 0; i < len(local); i++ {
		if c := local[i]; charClass[c]&classAtext == 0 && (c != '.' || local[i-1] == '.') {
			return addrSpec{}, false
		}
	}
	for i := 0; i < len(domain); i++ {
		if charClass[domain[i]]&classDomain == 0 {
			return addrSpec{}, false // also a second '@'
		}
	}
	return addrSpec{local: local, domain: domain, atom: true}, true
}

// parseNamed is the allocation-free path for the common name-addr:
// "Jane Doe <jane@example.com>", a display name of atoms separated by
// spaces (no quotes, comments or encoded words: net/mail reads those)
// and a plain addr-spec. FuzzParseNamed checks it against net/mail.
func parseNamed(s string) (addrSpec, bool) {
	if len(s) < 2 || s[len(s)-1] != '>' {
		return addrSpec{}, false
	}
	lt := strings.IndexByte(s, '<')
	if lt < 0 {
		return addrSpec{}, false
	}
	for i := 0; i < lt; i++ {
		c := s[i]
		switch {
		case c == ' ':
		case charClass[c]&classAtext == 0:
			return addrSpec{}, false
		case c == '=' && i+1 < lt && s[i+1] == '?':
			return addrSpec{}, false // perhaps an RFC 2047 encoded word
		}
	}
	return parsePlain(s[lt+1 : len(s)-1])
}

// parseLiteral accepts a dot-atom local part at a domain literal, which
// net/mail does not parse in its general (RFC 5321 §4.1.3) form:
// "postmaster@[IPv6:2001:db8::1]".
func parseLiteral(s string) (addrSpec, bool) {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || !strings.HasPrefix(s[at+1:], "[") || !strings.HasSuffix(s, "]") || !isDotAtom(s[:at]) || !isASCIIString(s[:at]) {
		return addrSpec{}, false
	}
	lit := s[at+2 : len(s)-1]
	if lit == "" {
		return addrSpec{}, false
	}
	for i := 0; i < len(lit); i++ {
		// dtext: printable ASCII except "[", "]" and "\".
		if c := lit[i]; c < 33 || c > 126 || c == '[' || c == ']' || c == '\\' {
			return addrSpec{}, false
		}
	}
	return addrSpec{local: s[:at], domain: s[at+1:], atom: true}, true
}

func isASCIIString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Character classes of charClass.
const (
	classAtext  = 1 << iota // RFC 5322 atext
	classDomain             // letter, digit, '-' or '.'
)

// charClass classifies ASCII bytes; never modified.
var charClass = func() (t [256]uint8) {
	for c := range 128 {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			t[c] = classAtext | classDomain
		case strings.IndexByte("!#$%&'*+/=?^_`{|}~", byte(c)) >= 0:
			t[c] = classAtext
		}
	}
	t['-'] = classAtext | classDomain
	t['.'] = classDomain
	return t
}()

// isAtext reports whether c is an RFC 5322 atext character.
func isAtext(c byte) bool { return charClass[c]&classAtext != 0 }

func isLDH(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-'
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 && r != '\t' || r == 0x7f || 0x80 <= r && r < 0xa0 {
			return true
		}
	}
	return false
}

// isDotAtom reports whether local can be written without quotes.
func isDotAtom(local string) bool {
	if local == "" || local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for i := 0; i < len(local); i++ {
		if c := local[i]; c != '.' && !isAtext(c) && c < utf8.RuneSelf {
			return false
		}
	}
	return true
}

// formatAddrSpec joins an unquoted local part and a domain into an
// addr-spec, quoting the local part as [mail.Address.String] does.
func formatAddrSpec(local, domain string) string {
	if isDotAtom(local) {
		return local + "@" + domain
	}
	s := (&mail.Address{Address: local + "@" + domain}).String()
	return strings.TrimSuffix(strings.TrimPrefix(s, "<"), ">")
}

// localWireLen is the length of the local part as it goes on the wire.
func localWireLen(local string) int {
	if isDotAtom(local) {
		return len(local)
	}
	s := (&mail.Address{Address: local + "@x"}).String()
	return len(s) - len("<@x>")
}

// normalizeDomain maps a domain as written to its ASCII (A-label) and
// Unicode forms with the strict profile, lower-cased, one trailing root
// dot dropped. An ASCII LDH domain takes an allocation-free path.
func normalizeDomain(raw string) (ascii, uni string, err error) {
	d := strings.TrimSuffix(raw, ".")
	if d == "" || strings.HasSuffix(d, ".") {
		return "", "", wrap(ErrInvalidDomain, "empty label", nil)
	}
	if len(d) > maxDNSLen {
		return "", "", wrap(ErrTooLong, "domain longer than 253 octets", nil)
	}
	if plainDomain(d) {
		return d, d, nil
	}
	ascii, err = profile.ToASCII(d)
	if err != nil {
		return "", "", wrap(ErrInvalidDomain, "", err)
	}
	ascii = strings.TrimSuffix(ascii, ".")
	if ascii == "" {
		return "", "", wrap(ErrInvalidDomain, "empty domain", nil)
	}
	uni, err = profile.ToUnicode(ascii)
	if err != nil {
		return "", "", wrap(ErrInvalidDomain, "", err)
	}
	return ascii, uni, nil
}

// plainDomain reports whether d is already in normal form and valid under
// the profile: lower-case LDH labels of 1 to 63 octets, no leading or
// trailing hyphen, no "--" in positions 3 and 4 (which covers A-labels,
// left to the full profile), at most 253 octets.
func plainDomain(d string) bool {
	if len(d) > 253 {
		return false
	}
	start := 0
	for i := 0; i <= len(d); i++ {
		if i < len(d) && d[i] != '.' {
			c := d[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
			continue
		}
		label := d[start:i]
		n := len(label)
		if n == 0 || n > 63 || label[0] == '-' || label[n-1] == '-' || n >= 4 && label[2] == '-' && label[3] == '-' {
			return false
		}
		start = i + 1
	}
	return true
}
