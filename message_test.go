package typoguard

import (
	"encoding/json"
	"errors"
	"net/mail"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readHeader parses a message as a mail client would.
func readHeader(t testing.TB, msg string) mail.Header {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(strings.ReplaceAll(msg, "\n", "\r\n")))
	require.NoError(t, err)
	return m.Header
}

type recipientRow struct {
	header     string
	input      string
	verdict    Verdict
	suggestion string
}

func rows(rs []Recipient) []recipientRow {
	var out []recipientRow
	for _, r := range rs {
		out = append(out, recipientRow{r.Header, r.Input, r.Verdict, r.Suggestion})
	}
	return out
}

func TestCheckRecipients(t *testing.T) {
	t.Parallel()
	g := MustNew([]string{"army.mil", ".mil", "gmail.com"})
	cases := []struct {
		name    string
		msg     string
		want    []recipientRow
		wantErr bool
	}{{
		name: "order: To, Cc, Bcc, each header in every occurrence",
		msg: `Bcc: audit@army.mil
Cc: "Doe, Jane" <jane@gmial.com>
To: John Doe <john.doe@army.ml>, ops@navy.mil
Subject: hi
To: second@amry.mil
CC: third@gmail.com

body
`,
		want: []recipientRow{
			{"To", `"John Doe" <john.doe@army.ml>`, Block, "john.doe@army.mil"},
			{"To", "ops@navy.mil", OK, ""},
			{"To", "second@amry.mil", Warn, "second@army.mil"},
			{"Cc", `"Doe, Jane" <jane@gmial.com>`, Block, "jane@gmail.com"},
			{"Cc", "third@gmail.com", OK, ""},
			{"Bcc", "audit@army.mil", OK, ""},
		},
	}, {
		name: "RFC 2047 names, UTF-8 and other charsets",
		msg: `To: =?UTF-8?Q?J=C3=B6rg?= <jorg@gmial.com>, =?ISO-8859-1?Q?M=FCller?= <m@army.mil>
Cc: =?windows-1252?Q?Fran=E7ois_=93Frank=94?= <f@army.ml>, =?utf-8?B?RG9lLCBKb2hu?= <john@army.mil>
Bcc: =?iso-2022-jp?B?GyRCJUYlOSVIGyhC?= <test@gmail.co>, =?x-unknown?Q?Z=FCrich?= <z@army.mil>

`,
		want: []recipientRow{
			{"To", `"Jörg" <jorg@gmial.com>`, Block, "jorg@gmail.com"},
			{"To", `"Müller" <m@army.mil>`, OK, ""},
			{"Cc", `"François “Frank”" <f@army.ml>`, Block, "f@army.mil"},
			{"Cc", `"Doe, John" <john@army.mil>`, OK, ""},
			{"Bcc", `"テスト" <test@gmail.co>`, Block, "test@gmail.com"},
			{"Bcc", "\"Z\uFFFDrich\" <z@army.mil>", OK, ""},
		},
	}, {
		name: "raw UTF-8 and quoting",
		msg: `To: "Jörg \"J\" Ünal" <jorg@army.ml>, Zoë <zoe@gmail.com>, "odd local"@army.mil

`,
		want: []recipientRow{
			{"To", `"Jörg \"J\" Ünal" <jorg@army.ml>`, Block, "jorg@army.mil"},
			{"To", `"Zoë" <zoe@gmail.com>`, OK, ""},
			{"To", `"odd local"@army.mil`, OK, ""},
		},
	}, {
		name: "one bad address never hides the others",
		msg: `To: john.doe@army.ml, not an address, =?windows-1252?Q?M=FCller?= <m@gmial.com>
Cc: jane@gmail..com, ok@army.mil

`,
		want: []recipientRow{
			{"To", "john.doe@army.ml", Block, "john.doe@army.mil"},
			{"To", "not an address", Invalid, ""},
			{"To", `"Müller" <m@gmial.com>`, Block, "m@gmail.com"},
			{"Cc", "jane@gmail..com", Invalid, "jane@gmail.com"}, // the punctuation repair
			{"Cc", "ok@army.mil", OK, ""},
		},
		wantErr: true,
	}, {
		name: "groups and empty headers",
		msg: `To: undisclosed-recipients:;
Cc:
Bcc: Team: a@army.mil, b@army.ml;

`,
		want: []recipientRow{
			{"Bcc", "a@army.mil", OK, ""},
			{"Bcc", "b@army.ml", Block, "b@army.mil"},
		},
	}, {
		name: "no recipients",
		msg:  "From: me@army.mil\nSubject: note to self\n\n",
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rs, err := g.CheckRecipients(readHeader(t, tc.msg))
			assert.Equal(t, tc.want, rows(rs))
			if !tc.wantErr {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			var n int
			for _, r := range rs {
				if r.Err != nil {
					n++
					assert.ErrorIs(t, err, r.Err, "the error joins each recipient's")
				}
			}
			assert.Equal(t, n, len(err.(interface{ Unwrap() []error }).Unwrap()))
			assert.ErrorIs(t, err, ErrInvalidAddress)
			var e *Error
			assert.ErrorAs(t, err, &e)
		})
	}
}

// TestCheckRecipientsLikeCheckList checks that a header value of plain
// addresses gets the verdicts and suggestions of CheckList.
func TestCheckRecipientsLikeCheckList(t *testing.T) {
	g := MustNew([]string{"army.mil", ".mil", "gmail.com"})
	for _, list := range []string{
		`"Doe, John" <john.doe@army.ml>, jane@navy.mil, oops`,
		`a@gmial.com, b@gmail.con, c@army.mil.ml, d@xn--gmil-63d.com`,
		`x@gmail,com, "y" <y@amry.mil>`,
		strings.Repeat("a@army.mil, ", 100) + "z@army.ml",
	} {
		want, wantErr := g.CheckList(list)
		got, gotErr := g.CheckRecipients(mail.Header{"Cc": {list}})
		require.Len(t, got, len(want), list)
		for i := range want {
			assert.Equal(t, "Cc", got[i].Header)
			assert.Equal(t, want[i].Verdict, got[i].Verdict, want[i].Input)
			assert.Equal(t, want[i].Suggestion, got[i].Suggestion, want[i].Input)
			assert.Equal(t, want[i].Findings, got[i].Findings, want[i].Input)
		}
		assert.Equal(t, wantErr == nil, gotErr == nil)
	}
}

func TestCheckRecipientsInvalidUTF8(t *testing.T) {
	g := MustNew([]string{"gmail.com"})
	h := mail.Header{
		// Raw Latin-1 in a display name: the address is still judged.
		"To": {"M\xfcller <m@gmial.com>"},
		// Raw Latin-1 in the address itself: invalid.
		"Cc": {"m\xfcller@gmail.com, ok@gmail.com"},
	}
	rs, err := g.CheckRecipients(h)
	assert.Equal(t, []recipientRow{
		{"To", "\"M\uFFFDller\" <m@gmial.com>", Block, "m@gmail.com"},
		{"Cc", "m\uFFFDller@gmail.com", Invalid, ""},
		{"Cc", "ok@gmail.com", OK, ""},
	}, rows(rs))
	assert.ErrorIs(t, err, ErrInvalidAddress)
}

func TestCheckRecipientsTooLong(t *testing.T) {
	g := MustNew([]string{"gmail.com"})
	long := strings.Repeat("a@gmail.com, ", maxListLen/13+1)
	rs, err := g.CheckRecipients(mail.Header{"To": {long, "b@gmial.com"}})
	require.Len(t, rs, 2)
	assert.Equal(t, Invalid, rs[0].Verdict)
	assert.ErrorIs(t, rs[0].Err, ErrTooLong)
	assert.Equal(t, Block, rs[1].Verdict)
	assert.ErrorIs(t, err, ErrTooLong)
}

func TestRecipientJSON(t *testing.T) {
	g := MustNew([]string{"army.mil", ".mil"})
	rs, _ := g.CheckRecipients(readHeader(t, "To: =?UTF-8?Q?J=C3=B6rg?= <jorg@army.ml>, bad@\nBcc: x@army.mil\n\n"))
	require.Len(t, rs, 3)

	b, err := json.Marshal(rs[0])
	require.NoError(t, err)
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &m))
	assert.True(t, strings.HasPrefix(string(b), `{"header":"To","input":`), string(b))
	for _, k := range []string{"header", "input", "local", "domain", "unicode_domain", "verdict", "suggestion", "findings"} {
		assert.Contains(t, m, k)
	}
	assert.NotContains(t, m, "error")
	assert.JSONEq(t, `"block"`, string(m["verdict"]))

	// Invalid: the error member of Result.MarshalJSON is kept.
	b, err = json.Marshal(rs[1])
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &m))
	assert.JSONEq(t, `"invalid"`, string(m["verdict"]))
	assert.Contains(t, string(m["error"]), "typoguard: check")
	assert.JSONEq(t, `[]`, string(m["findings"]))

	// A slice of recipients, and a round trip through the exported fields.
	b, err = json.Marshal(rs)
	require.NoError(t, err)
	var back []Recipient
	require.NoError(t, json.Unmarshal(b, &back))
	require.Len(t, back, 3)
	for i := range rs {
		assert.Equal(t, rs[i].Header, back[i].Header)
		assert.Equal(t, rs[i].Input, back[i].Input)
		assert.Equal(t, rs[i].Verdict, back[i].Verdict)
		assert.Equal(t, rs[i].Suggestion, back[i].Suggestion)
	}

	// A header that needs escaping, and the zero Recipient.
	b, err = json.Marshal(Recipient{Header: `X"<y>`})
	require.NoError(t, err)
	assert.True(t, json.Valid(b), string(b))
	require.NoError(t, json.Unmarshal(b, &m))
	assert.JSONEq(t, `"X\"\u003cy\u003e"`, string(m["header"]))
}

func TestCheckRecipientsConcurrent(t *testing.T) {
	g := MustNew([]string{"army.mil", ".mil", "gmail.com"})
	h := readHeader(t, "To: =?windows-1252?Q?M=FCller?= <m@army.ml>, a@gmial.com\nCc: x@army.mil\n\n")
	want, _ := g.CheckRecipients(h)
	for i := range 8 {
		t.Run("", func(t *testing.T) {
			t.Parallel()
			for range 50 + i {
				got, _ := g.CheckRecipients(h)
				assert.Equal(t, want, got)
			}
		})
	}
}

func TestCharsetReader(t *testing.T) {
	for _, tc := range []struct{ word, want string }{
		{"=?windows-1252?Q?=80?=", "€"},
		{"=?ISO-8859-15?Q?=A4?=", "€"},
		{"=?koi8-r?B?8NLJ18XU?=", "Привет"},
		{"=?gb2312?B?1tDOxA==?=", "中文"},
		{"=?x-nonsense?Q?a=FFb?=", "a\uFFFDb"},
	} {
		m, err := headerParser.Parse(tc.word + " <a@b.example>")
		if assert.NoError(t, err, tc.word) {
			assert.Equal(t, tc.want, m.Name, tc.word)
		}
	}
	_, err := headerParser.Parse("=?utf-8?Q?ok?= <a@b.example>")
	assert.NoError(t, err)
	assert.False(t, errors.Is(err, ErrInvalidAddress))
}
