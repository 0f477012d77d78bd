package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/typoguard/typoguard"
)

// browserEvents records what the page did that the steps do not see:
// uncaught exceptions, console errors and every request it sent.
type browserEvents struct {
	mu       sync.Mutex
	errors   []string
	requests []string
}

// listen is a chromedp listener: it runs on the connection's goroutine and
// must be quick.
func (b *browserEvents) listen(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		msg := ev.ExceptionDetails.Text
		if e := ev.ExceptionDetails.Exception; e != nil {
			msg += " " + e.Description
		}
		b.errors = append(b.errors, "exception: "+msg)
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError {
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			b.errors = append(b.errors, "console.error: "+strings.Join(args, " "))
		}
	case *network.EventRequestWillBeSent:
		b.requests = append(b.requests, ev.Request.Method+" "+ev.Request.URL)
	}
}

func (b *browserEvents) snapshot() (errors, requests []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.errors...), append([]string(nil), b.requests...)
}

// TestSignupPageInBrowser drives the page in headless Chromium the way a
// person would: type, read the hint, click the fix, leave the field, submit.
// It never sleeps: it waits for the form's data-state, which the page sets
// to "checked" once the answer for the field's current value is on screen,
// and to "submitted" once the answer to a submit is.
func TestSignupPageInBrowser(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed (apt-get install chromium); CI installs it")
	}

	var (
		mu     sync.Mutex
		checks []string // the addresses of GET /check, in order
	)
	mux := newMux(typoguard.MustNew(typoguard.MailProviders()))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path == "/check" {
			mu.Lock()
			checks = append(checks, req.URL.Query().Get("email"))
			mu.Unlock()
		}
		mux.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close) // after the browser has gone (deferred below)

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	// The machine may have no internet, and a test must not talk to it
	// anyway: the flags turn off Chromium's own background connections, and
	// the resolver rules make any other host than the test server's fail.
	// chromedp passes a fresh temporary --user-data-dir, which it removes
	// after the browser (and its helper processes) have exited.
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	var events browserEvents
	tab, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithListener(events.listen))
	defer cancelTab()

	start := time.Now()
	do := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		require.NoError(t, chromedp.Do(tab, actions...), step)
		t.Logf("%6.0fms  %s", float64(time.Since(start).Microseconds())/1000, step)
	}
	value := func() string {
		t.Helper()
		v, err := chromedp.Run(tab, chromedp.Value(chromedp.ID("email")))
		require.NoError(t, err)
		return v
	}
	text := func(id string) string { // the rendered text, hidden parts left out
		t.Helper()
		s, err := chromedp.Run(tab, chromedp.Text(chromedp.ID(id)))
		require.NoError(t, err)
		return strings.TrimSpace(s)
	}
	hidden := func(id string) bool {
		t.Helper()
		h, err := chromedp.Run(tab, chromedp.JavascriptAttribute[bool](chromedp.ID(id), "hidden"))
		require.NoError(t, err)
		return h
	}
	attr := func(id, name string) string {
		t.Helper()
		r, err := chromedp.Run(tab, chromedp.AttributeValue(chromedp.ID(id), name))
		require.NoError(t, err)
		return r.Value
	}
	email := chromedp.ID("email")
	// clearField empties the field as a user would, with an input event.
	// (chromedp.SetValue(email, "") sets it to "undefined" in v0.23.0, and
	// chromedp.Clear only resets the attribute, not what was typed.)
	clearField := chromedp.Evaluate[chromedp.Void](`(() => {
		const e = document.getElementById('email');
		e.value = '';
		e.dispatchEvent(new Event('input', {bubbles: true}));
	})()`)
	checked := chromedp.WaitReady(chromedp.CSS(`#signup[data-state="checked"]`))
	submitted := chromedp.WaitReady(chromedp.CSS(`#signup[data-state="submitted"]`))
	suggestion := chromedp.ID("suggestion")

	do("open the page and wait for its script",
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitReady(chromedp.CSS(`#signup[data-state="ready"]`)),
	)
	assert.Equal(t, "polite", attr("hint", "aria-live"))
	assert.Equal(t, "button", attr("fix", "type"))
	assert.True(t, hidden("suggestion"), "no hint before typing")

	// A typo gets a suggestion and a one-click fix.
	do("type jane@gmial.com and wait for the answer",
		chromedp.SendKeys(email, "jane@gmial.com"),
		checked,
		chromedp.WaitVisible(suggestion),
	)
	assert.Equal(t, "Did you mean jane@gmail.com? Yes, fix it", text("hint"))
	do("click the fix", chromedp.Click(chromedp.ID("fix")), chromedp.WaitNotVisible(suggestion))
	assert.Equal(t, "jane@gmail.com", value())
	focused, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.activeElement.id`))
	require.NoError(t, err)
	assert.Equal(t, "email", focused, "the fix gives the focus back to the field")
	do("wait for the check of the fixed address", checked)
	assert.True(t, hidden("suggestion"))
	assert.Empty(t, text("hint"))

	// A good address gets nothing.
	do("clear, type jane@gmx.com, leave the field, wait for the answer",
		clearField,
		chromedp.SendKeys(email, "jane@gmx.com"),
		chromedp.Blur(email),
		checked,
	)
	assert.Equal(t, "jane@gmx.com", value())
	assert.True(t, hidden("suggestion"), "no suggestion for a good address")
	assert.Empty(t, text("hint"))

	// Incomplete input gets at most a mild note, and only after leaving the field.
	do("clear, type jane@, wait for the answer",
		clearField,
		chromedp.SendKeys(email, "jane@"),
		checked,
	)
	assert.Empty(t, text("hint"), "nothing while typing")
	do("leave the field", chromedp.Blur(email), checked)
	assert.Equal(t, "This does not look like a complete e-mail address yet.", text("hint"))

	// Text from the server is never taken as HTML.
	evil := `"<img src=x onerror=alert(1)>"@gmial.com`
	do("type an address with markup in it and wait for the answer",
		clearField,
		chromedp.SendKeys(email, evil),
		checked,
		chromedp.WaitVisible(suggestion),
	)
	s, err := chromedp.Run(tab, chromedp.TextContent(chromedp.ID("suggested")))
	require.NoError(t, err)
	assert.Equal(t, `"<img src=x onerror=alert(1)>"@gmail.com`, s)
	n, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll('#hint *').length`))
	require.NoError(t, err)
	assert.Equal(t, 4, n, "the hint has only its own elements (p, strong, button, p)")

	// The server checks again on submit: submit a typo before the page had
	// time to check it, and the 422 answer brings the suggestion.
	do("type jane@gmial.com and submit at once",
		clearField,
		chromedp.SendKeys(email, "jane@gmial.com"),
		chromedp.Click(chromedp.ID("submit")),
		submitted,
	)
	assert.Equal(t, "blocked", attr("signup", "data-result"))
	assert.Equal(t, "Please check your e-mail address: we did not sign you up.", text("status"))
	assert.Contains(t, text("suggestion"), "jane@gmail.com")
	do("click the fix and submit",
		chromedp.Click(chromedp.ID("fix")),
		checked,
		chromedp.Click(chromedp.ID("submit")),
		submitted,
	)
	assert.Equal(t, "welcome", attr("signup", "data-result"))
	assert.Equal(t, "Welcome! We will write to jane@gmail.com.", text("status"))
	assert.True(t, hidden("suggestion"))

	errs, requests := events.snapshot()
	assert.Empty(t, errs, "the page logged errors")
	assert.NotEmpty(t, requests)
	for _, r := range requests {
		_, url, _ := strings.Cut(r, " ")
		assert.True(t, strings.HasPrefix(url, srv.URL+"/"), "request to elsewhere: %s", r)
	}
	mu.Lock()
	defer mu.Unlock()
	t.Logf("%d requests from the page; GET /check asked about %q", len(requests), checks)
}
