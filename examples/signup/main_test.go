package main

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/typoguard/typoguard"
)

func TestCheckHandler(t *testing.T) {
	srv := httptest.NewServer(checkHandler(typoguard.MustNew(typoguard.MailProviders())))
	defer srv.Close()
	cases := map[string]answer{
		"jane@gmial.com": {Email: "jane@gmial.com", Valid: true, Suggestion: "jane@gmail.com"},
		"jane@gmx.com":   {Email: "jane@gmx.com", Valid: true},
		"jane@":          {Email: "jane@", Valid: false},
	}
	for email, want := range cases {
		t.Run(email, func(t *testing.T) {
			resp, err := srv.Client().Get(srv.URL + "/check?email=" + url.QueryEscape(email))
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			var got answer
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
			assert.Equal(t, want.Email, got.Email)
			assert.Equal(t, want.Valid, got.Valid)
			assert.Equal(t, want.Suggestion, got.Suggestion)
			if want.Suggestion != "" {
				assert.Contains(t, got.Message, "looks like gmail.com")
			}
			if !want.Valid {
				assert.Contains(t, got.Error, "typoguard:")
			}
		})
	}
}
