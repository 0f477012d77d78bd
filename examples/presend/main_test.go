package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPresend(t *testing.T) {
	g, err := newGuard()
	require.NoError(t, err)
	cases := []struct {
		name, msg string
		code      int
		want      []string
	}{
		{"clean", "To: John Doe <john.doe@army.mil>\r\nCc: ops@dtic.mil\r\nSubject: hi\r\n\r\nbody\r\n", 0,
			[]string{"all recipients look right"}},
		{"suffix slip", "To: John Doe <john.doe@army.ml>\r\nSubject: hi\r\n\r\nbody\r\n", 1,
			[]string{"To: block", "did you mean john.doe@army.mil?", "message held"}},
		{"known contact slip", "To: jon.doe@army.mil\r\nBcc: =?UTF-8?Q?J=C3=B6rg?= <jorg@navy.ml>\r\n\r\nbody\r\n", 1,
			[]string{"To: warn jon.doe@army.mil — did you mean john.doe@army.mil?", "Bcc: block", "jorg@navy.mil"}},
		{"invalid recipient", "To: john.doe@army.mil, not an address\r\n\r\nbody\r\n", 1,
			[]string{"To: typoguard: check \"not an address\""}},
		{"not a message", "no header here", 2, []string{"presend:"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			assert.Equal(t, tc.code, run(g, strings.NewReader(tc.msg), &out))
			for _, w := range tc.want {
				assert.Contains(t, out.String(), w)
			}
		})
	}
}
