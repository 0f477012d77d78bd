// Command signup serves a small sign-up page that asks "did you mean …?"
// when an e-mail address looks mistyped. Run it, then open
// http://127.0.0.1:8080/ in a browser:
//
//	go run ./examples/signup
//
// Type jane@gmial.com: after a short pause, or when you leave the field,
// the page asks the server and shows "Did you mean jane@gmail.com?" with a
// button that fixes the field in one click. A good address, such as
// jane@gmx.com, gets no hint. The form posts to /signup, which checks the
// address again: a blocked one is refused (422, with the suggestion), any
// other valid one is welcomed. Without JavaScript the form still works and
// the server answers with a page instead of JSON.
//
// The page (static/) is embedded in the program and loads nothing from
// elsewhere. The script and curl get JSON:
//
//	curl '127.0.0.1:8080/check?email=jane@gmial.com'
//	{"email":"jane@gmial.com","valid":true,"verdict":"block","suggestion":"jane@gmail.com","message":"gmial.com looks like gmail.com: ai swapped to ia in gmail"}
//	curl -H 'Accept: application/json' -d email=jane@gmial.com 127.0.0.1:8080/signup
//	{"email":"jane@gmial.com","valid":true,"verdict":"block","suggestion":"jane@gmail.com","message":"…","status":"blocked"}
//
// The flag -listen sets the address to listen on (default 127.0.0.1:8080).
//
// e2e_test.go drives the page in headless Chromium; it is skipped when
// chromium is not installed.
package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"html/template"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/typoguard/typoguard"
)

var (
	//go:embed static/index.html
	indexHTML []byte
	//go:embed static/signup.js
	signupJS []byte
	//go:embed static/signup.css
	signupCSS []byte
	//go:embed static/result.html
	resultHTML string

	resultPage = template.Must(template.New("result").Parse(resultHTML))
)

// contentSecurityPolicy allows the page only its own script, style and
// requests: no inline script, nothing from elsewhere.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// maxFormBytes bounds the body of POST /signup.
const maxFormBytes = 4 << 10

// answer is what the form's script receives from /check and /signup.
type answer struct {
	Email      string            `json:"email"`
	Valid      bool              `json:"valid"`
	Verdict    typoguard.Verdict `json:"verdict"`              // ok, warn, block or invalid
	Suggestion string            `json:"suggestion,omitempty"` // "did you mean …?"
	Message    string            `json:"message,omitempty"`
	Status     string            `json:"status,omitempty"` // /signup only: welcome, blocked or invalid
	Error      string            `json:"error,omitempty"`
}

// judge checks email with g. A suggestion comes with warnings, blocks and
// invalid input whose punctuation slipped (jane@gmail..com).
func judge(g *typoguard.Guard, email string) answer {
	a := answer{Email: email, Valid: true}
	r, err := g.Check(email)
	a.Verdict = r.Verdict
	if err != nil {
		a.Valid, a.Error = false, err.Error()
	}
	if r.Suggestion != "" {
		a.Suggestion = r.Suggestion
		for _, f := range r.Findings {
			if f.Suggestion == r.Suggestion {
				a.Message = f.Message
				break
			}
		}
	}
	return a
}

// newMux returns the handler of the whole site, using g.
func newMux(g *typoguard.Guard) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", asset("text/html; charset=utf-8", indexHTML))
	mux.Handle("GET /signup.js", asset("text/javascript; charset=utf-8", signupJS))
	mux.Handle("GET /signup.css", asset("text/css; charset=utf-8", signupCSS))
	mux.Handle("GET /check", checkHandler(g))
	mux.Handle("POST /signup", signupHandler(g))
	// Refuse form posts from other sites (Go 1.25's Sec-Fetch-Site and
	// Origin check); curl and same-origin requests pass.
	return secure(http.NewCrossOriginProtection().Handler(mux))
}

// secure sets the headers every response carries.
func secure(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		hdr := w.Header()
		hdr.Set("Content-Security-Policy", contentSecurityPolicy)
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("Referrer-Policy", "no-referrer")
		h.ServeHTTP(w, req)
	})
}

// asset serves one embedded file.
func asset(contentType string, body []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Cache-Control", "no-cache")
		w.Write(body)
	})
}

// checkHandler answers GET /check?email=… using g. Warnings and blocks are
// both suggestions here: a sign-up form asks, it does not refuse.
func checkHandler(g *typoguard.Guard) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		writeJSON(w, http.StatusOK, judge(g, req.URL.Query().Get("email")))
	})
}

// signupHandler answers POST /signup (form field email) using g, checking
// again on the server what the page may have checked already: a blocked or
// invalid address is refused with 422 Unprocessable Entity and the
// suggestion, any other is welcomed with 200. It answers JSON to a client
// that accepts it (the page's script, curl -H 'Accept: application/json')
// and a page otherwise (the form without JavaScript).
func signupHandler(g *typoguard.Guard) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		req.Body = http.MaxBytesReader(w, req.Body, maxFormBytes)
		if err := req.ParseForm(); err != nil {
			code := http.StatusBadRequest
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				code = http.StatusRequestEntityTooLarge
			}
			http.Error(w, http.StatusText(code), code)
			return
		}
		a := judge(g, req.PostForm.Get("email"))
		code := http.StatusUnprocessableEntity
		switch a.Verdict {
		case typoguard.Invalid:
			a.Status = "invalid"
		case typoguard.Block:
			a.Status = "blocked"
		default: // a warning was offered by the page; the user chose
			a.Status, code = "welcome", http.StatusOK
		}
		// A real service would create the account here.
		if strings.Contains(req.Header.Get("Accept"), "application/json") {
			writeJSON(w, code, a)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(code)
		resultPage.Execute(w, a)
	})
}

func writeJSON(w http.ResponseWriter, code int, a answer) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store") // addresses are personal data
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(a)
}

func main() {
	listen := flag.String("listen", "127.0.0.1:8080", "`address` to listen on")
	flag.Parse()
	log.SetFlags(0)
	if err := run(*listen, typoguard.MustNew(typoguard.MailProviders())); err != nil {
		log.Fatal(err)
	}
}

// run serves the page on addr until an interrupt, then shuts down.
func run(addr string, g *typoguard.Guard) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           newMux(g),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    32 << 10,
	}
	log.Printf("sign-up page on http://%s/ (Ctrl-C to stop)", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	stop()
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
