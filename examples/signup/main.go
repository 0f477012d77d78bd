// Command signup serves an HTTP endpoint that a sign-up form calls to ask
// "did you mean …?" about an e-mail address, as JSON:
//
//	go run ./examples/signup -listen 127.0.0.1:8080
//	curl '127.0.0.1:8080/check?email=jane@gmial.com'
//	{"email":"jane@gmial.com","valid":true,"suggestion":"jane@gmail.com","message":"gmial.com looks like gmail.com: ai swapped to ia in gmail"}
package main

import (
	"encoding/json"
	"flag"
	"log"
	"net/http"

	"github.com/typoguard/typoguard"
)

// answer is what the form's script receives.
type answer struct {
	Email      string `json:"email"`
	Valid      bool   `json:"valid"`
	Suggestion string `json:"suggestion,omitempty"` // "did you mean …?"
	Message    string `json:"message,omitempty"`
	Error      string `json:"error,omitempty"`
}

// checkHandler answers GET /check?email=… using g. Warnings and blocks are
// both suggestions here: a sign-up form asks, it does not refuse.
func checkHandler(g *typoguard.Guard) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		email := req.FormValue("email")
		a := answer{Email: email, Valid: true}
		r, err := g.Check(email)
		switch {
		case err != nil:
			a.Valid, a.Error = false, err.Error()
		case r.Suggestion != "":
			a.Suggestion, a.Message = r.Suggestion, r.Findings[0].Message
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(a)
	})
}

func main() {
	listen := flag.String("listen", "127.0.0.1:8080", "address to listen on")
	flag.Parse()
	g := typoguard.MustNew(typoguard.MailProviders())
	http.Handle("/check", checkHandler(g))
	log.Printf("listening on http://%s/check?email=…", *listen)
	log.Fatal(http.ListenAndServe(*listen, nil))
}
