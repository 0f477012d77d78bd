package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/typoguard/typoguard"
)

// newServer serves the whole site on a test server.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(newMux(typoguard.MustNew(typoguard.MailProviders())))
	t.Cleanup(srv.Close)
	return srv
}

func TestCheckHandler(t *testing.T) {
	srv := newServer(t)
	cases := map[string]answer{
		"jane@gmial.com":  {Email: "jane@gmial.com", Valid: true, Verdict: typoguard.Block, Suggestion: "jane@gmail.com"},
		"jane@gmx.com":    {Email: "jane@gmx.com", Valid: true, Verdict: typoguard.OK},
		"jane@":           {Email: "jane@", Valid: false, Verdict: typoguard.Invalid},
		"":                {Email: "", Valid: false, Verdict: typoguard.Invalid},
		"jane@gmail..com": {Email: "jane@gmail..com", Valid: false, Verdict: typoguard.Invalid, Suggestion: "jane@gmail.com"},
	}
	for email, want := range cases {
		t.Run(email, func(t *testing.T) {
			resp, err := srv.Client().Get(srv.URL + "/check?email=" + url.QueryEscape(email))
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
			var got answer
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
			assert.Equal(t, want.Email, got.Email)
			assert.Equal(t, want.Valid, got.Valid)
			assert.Equal(t, want.Verdict, got.Verdict)
			assert.Equal(t, want.Suggestion, got.Suggestion)
			assert.Empty(t, got.Status)
			if want.Suggestion != "" {
				assert.Contains(t, got.Message, "gmail.com")
			} else {
				assert.Empty(t, got.Message)
			}
			if !want.Valid {
				assert.Contains(t, got.Error, "typoguard:")
			} else {
				assert.Empty(t, got.Error)
			}
		})
	}
}

// The JSON members the page's script reads keep their names.
func TestAnswerJSON(t *testing.T) {
	srv := newServer(t)
	resp, err := srv.Client().Get(srv.URL + "/check?email=jane%40gmial.com")
	require.NoError(t, err)
	defer resp.Body.Close()
	var got map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
	assert.Equal(t, "jane@gmial.com", got["email"])
	assert.Equal(t, true, got["valid"])
	assert.Equal(t, "block", got["verdict"])
	assert.Equal(t, "jane@gmail.com", got["suggestion"])
	assert.Contains(t, got["message"], "gmial.com looks like gmail.com")
	assert.NotContains(t, got, "error")
	assert.NotContains(t, got, "status")
}

func TestPage(t *testing.T) {
	srv := newServer(t)
	for path, want := range map[string]struct{ contentType, contains string }{
		"/":           {"text/html; charset=utf-8", `aria-live="polite"`},
		"/signup.js":  {"text/javascript; charset=utf-8", "textContent"},
		"/signup.css": {"text/css; charset=utf-8", "[hidden]"},
	} {
		t.Run(path, func(t *testing.T) {
			resp, err := srv.Client().Get(srv.URL + path)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, want.contentType, resp.Header.Get("Content-Type"))
			assert.Equal(t, contentSecurityPolicy, resp.Header.Get("Content-Security-Policy"))
			assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
			assert.Contains(t, string(body), want.contains)
		})
	}

	resp, err := srv.Client().Get(srv.URL + "/")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	page := string(body)
	for _, s := range []string{
		`<label for="email">`, `id="email" name="email" type="email"`,
		`<button type="button" id="fix">`, `method="post" action="/signup"`,
		`<script src="/signup.js" defer>`,
	} {
		assert.Contains(t, page, s)
	}
	// Nothing from elsewhere, and no inline script for the policy to allow.
	assert.NotContains(t, page, "http://")
	assert.NotContains(t, page, "https://")
	assert.NotContains(t, page, "<script>")
	assert.NotContains(t, string(signupJS), "innerHTML")
}

func TestRoutes(t *testing.T) {
	srv := newServer(t)
	for _, tc := range []struct {
		method, path string
		code         int
	}{
		{"HEAD", "/", http.StatusOK},
		{"GET", "/nope", http.StatusNotFound},
		{"GET", "/index.html", http.StatusNotFound},
		{"POST", "/", http.StatusMethodNotAllowed},
		{"POST", "/check", http.StatusMethodNotAllowed},
		{"GET", "/signup", http.StatusMethodNotAllowed},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, srv.URL+tc.path, nil)
			require.NoError(t, err)
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, tc.code, resp.StatusCode)
		})
	}
}

// postSignup posts email to /signup with the given Accept header.
func postSignup(t *testing.T, srv *httptest.Server, email, accept string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("POST", srv.URL+"/signup", strings.NewReader(url.Values{"email": {email}}.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(body)
}

func TestSignupJSON(t *testing.T) {
	srv := newServer(t)
	for _, tc := range []struct {
		email      string
		code       int
		status     string
		suggestion string
	}{
		{"jane@gmial.com", http.StatusUnprocessableEntity, "blocked", "jane@gmail.com"},
		{"jane@gmail.com", http.StatusOK, "welcome", ""},
		{"jane@gmx.com", http.StatusOK, "welcome", ""},
		{"jane@", http.StatusUnprocessableEntity, "invalid", ""},
		{"", http.StatusUnprocessableEntity, "invalid", ""},
	} {
		t.Run(tc.email, func(t *testing.T) {
			resp, body := postSignup(t, srv, tc.email, "application/json")
			assert.Equal(t, tc.code, resp.StatusCode)
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			var got answer
			require.NoError(t, json.Unmarshal([]byte(body), &got))
			assert.Equal(t, tc.email, got.Email)
			assert.Equal(t, tc.status, got.Status)
			assert.Equal(t, tc.suggestion, got.Suggestion)
		})
	}
}

// Without JavaScript the form gets a page, with everything escaped.
func TestSignupHTML(t *testing.T) {
	srv := newServer(t)

	resp, body := postSignup(t, srv, "jane@gmx.com", "")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Contains(t, body, "<h1>Welcome!</h1>")
	assert.Contains(t, body, "<strong>jane@gmx.com</strong>")

	resp, body = postSignup(t, srv, "jane@gmial.com", "text/html")
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.Contains(t, body, "Did you mean <strong>jane@gmail.com</strong>?")
	assert.Contains(t, body, `<input type="hidden" name="email" value="jane@gmail.com">`)

	resp, body = postSignup(t, srv, "not an address", "")
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.Contains(t, body, "is not a valid e-mail address")

	evil := `"<script>alert(1)</script>"@gmial.com`
	resp, body = postSignup(t, srv, evil, "")
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.NotContains(t, body, "<script>")
	assert.Contains(t, body, "&lt;script&gt;alert(1)&lt;/script&gt;")
}

func TestSignupLimits(t *testing.T) {
	srv := newServer(t)

	resp, _ := postSignup(t, srv, strings.Repeat("a", maxFormBytes)+"@gmail.com", "application/json")
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)

	// A form posted from another site is refused.
	req, err := http.NewRequest("POST", srv.URL+"/signup", strings.NewReader("email=jane%40gmx.com"))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err = srv.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
}
