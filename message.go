package typoguard

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/mail"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/htmlindex"
)

// Recipient is the judgment on one recipient of a message, as returned by
// [Guard.CheckRecipients].
//
// Its JSON form is the object of [Result.MarshalJSON] with a "header"
// member first: {"header":"To","input":…,"verdict":…,"findings":[…]}.
type Recipient struct {
	Header string `json:"header"` // the header the recipient was found in: "To", "Cc" or "Bcc"
	Result
}

// MarshalJSON encodes r as its Result with a leading "header" member.
// Without it the embedded Result's MarshalJSON would be promoted and the
// header silently dropped.
func (r Recipient) MarshalJSON() ([]byte, error) {
	res, err := r.Result.MarshalJSON()
	if err != nil {
		return nil, err
	}
	h, err := json.Marshal(r.Header)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(`{"header":,`)+len(h)+len(res))
	out = append(out, `{"header":`...)
	out = append(out, h...)
	if rest := bytes.TrimPrefix(res, []byte("{")); len(rest) > 0 && rest[0] != '}' {
		out = append(out, ',')
		out = append(out, rest...)
	} else {
		out = append(out, '}')
	}
	return out, nil
}

// recipientHeaders are the headers CheckRecipients reads, in order, as
// canonical MIME header keys.
var recipientHeaders = [...]string{"To", "Cc", "Bcc"}

// CheckRecipients judges every recipient of a message: each address of
// every To header, then every Cc header, then every Bcc header, in the
// order written (a header that occurs several times is read in each
// occurrence). It is what a mail client's pre-send hook or an audit of
// stored mail calls with the header of a parsed message:
//
//	msg, err := mail.ReadMessage(r)
//	…
//	recipients, err := g.CheckRecipients(msg.Header)
//
// The keys of h must be canonical, as [mail.ReadMessage] makes them
// ("Cc" for "CC"). Each header value is judged like [Guard.CheckList]:
// one Recipient per address, and a bad address never hides the others.
// Display names may be RFC 2047 encoded words in any charset the WHATWG
// Encoding Standard names (UTF-8, ISO-8859-x, windows-125x, ISO-2022-JP,
// GBK, …; an unknown charset decodes with U+FFFD for non-ASCII bytes), or
// raw UTF-8 as RFC 6532 allows; bytes that are not UTF-8 read as U+FFFD
// in a display name and make an address Invalid.
//
// Input is the address as a person reads it: the decoded display name
// quoted, `"Jörg" <jorg@gmial.com>`, or the bare addr-spec,
// `jorg@gmial.com`; for a part that does not parse, the part as written.
// A decoded name can contain any character, control characters included:
// quote Input before printing it to a terminal.
//
// The error joins the per-address errors (each an [*Error]); the
// recipients are returned either way, those in error with the Invalid
// verdict. A message without recipients yields none and no error.
// CheckRecipients does not modify h and does not read From, Reply-To or
// the Resent- headers. Like every Guard method it is safe for concurrent
// use.
func (g *Guard) CheckRecipients(h mail.Header) ([]Recipient, error) {
	var out []Recipient
	var errs []error
	for _, name := range recipientHeaders {
		for _, v := range h[name] {
			for _, r := range g.checkHeaderValue(v) {
				if r.Err != nil {
					errs = append(errs, r.Err)
				}
				out = append(out, Recipient{Header: name, Result: r})
			}
		}
	}
	return out, errors.Join(errs...)
}

// checkHeaderValue is [Guard.CheckList] for a header value as it appears
// in a message: encoded words in any charset are decoded (CheckList's
// parser knows only UTF-8, ISO-8859-1 and US-ASCII and refuses the whole
// list otherwise), the display name is kept readable in Input, and stray
// 8-bit bytes in a display name do not make its address invalid.
func (g *Guard) checkHeaderValue(v string) []Result {
	if len(v) > maxListLen {
		rs, _ := g.CheckList(v) // the too-long error, worded as CheckList words it
		return rs
	}
	s := v
	if !utf8.ValidString(v) {
		// Raw 8-bit text (Latin-1 names in old mail): parse what can be
		// read; an address that was itself invalid UTF-8 stays invalid.
		s = strings.ToValidUTF8(v, string(utf8.RuneError))
	}
	var results []Result
	if addrs, err := headerParser.ParseList(s); err == nil {
		for _, m := range addrs {
			results = append(results, g.checkMailAddress(m, s != v))
		}
		return results
	}
	for part := range splitList(s) {
		m, err := headerParser.Parse(part)
		if err != nil || len(part) > maxInputLen {
			r, _ := g.Check(part) // its error, and a punctuation repair
			results = append(results, r)
			continue
		}
		results = append(results, g.checkMailAddress(m, s != v))
	}
	return results
}

// checkMailAddress judges one parsed address; repaired says the header
// value was invalid UTF-8 made valid, so a U+FFFD in the address marks
// bytes that were not text.
func (g *Guard) checkMailAddress(m *mail.Address, repaired bool) Result {
	input := readableAddress(m)
	if repaired && strings.ContainsRune(m.Address, utf8.RuneError) {
		r := Result{Input: input}
		invalid(&r, wrap(ErrInvalidAddress, "invalid UTF-8", nil))
		return r
	}
	r := Result{Input: input}
	if a, err := splitAddrSpec(m.Address); err != nil {
		invalid(&r, err)
	} else {
		g.judge(&r, a)
	}
	return r
}

// readableAddress formats m as [mail.Address.String] does, except that a
// display name is never RFC 2047 encoded (it is quoted as it reads) and an
// address without one is the bare addr-spec.
func readableAddress(m *mail.Address) string {
	spec := (&mail.Address{Address: m.Address}).String() // "<local@domain>", local part quoted if need be
	spec = spec[1 : len(spec)-1]
	if m.Name == "" {
		return spec
	}
	var b strings.Builder
	b.Grow(len(m.Name) + len(spec) + 5)
	b.WriteByte('"')
	for i := 0; i < len(m.Name); i++ {
		if c := m.Name[i]; c == '"' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(m.Name[i])
	}
	b.WriteString(`" <`)
	b.WriteString(spec)
	b.WriteByte('>')
	return b.String()
}

// headerParser parses recipient lists with a decoder that knows the
// charsets of real mail. It is never modified, so it is safe for
// concurrent use.
var headerParser = &mail.AddressParser{WordDecoder: &mime.WordDecoder{CharsetReader: charsetReader}}

// charsetReader decodes text in a charset named in an RFC 2047 encoded
// word, by its WHATWG label ("windows-1252", "iso-2022-jp", "gb2312",
// "ks_c_5601-1987"). An unknown charset is decoded as ASCII with U+FFFD
// for every other byte: the display name then reads imperfectly, but its
// address is still judged.
func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	if enc, err := htmlindex.Get(charset); err == nil {
		return enc.NewDecoder().Reader(input), nil
	}
	b, err := io.ReadAll(input)
	if err != nil {
		return nil, err
	}
	var out strings.Builder
	for _, c := range b {
		if c < utf8.RuneSelf {
			out.WriteByte(c)
		} else {
			out.WriteRune(utf8.RuneError)
		}
	}
	return strings.NewReader(out.String()), nil
}
