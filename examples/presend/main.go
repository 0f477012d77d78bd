// Command presend checks the recipients of a message before it is sent,
// as a mail client's pre-send hook would: it reads an RFC 5322 message on
// standard input, judges every To, Cc and Bcc recipient against the
// organisation's protected domains and its address book, and exits 1 if
// the message should not go out as written.
//
//	go run ./examples/presend < message.eml
package main

import (
	"fmt"
	"io"
	"net/mail"
	"os"

	"github.com/typoguard/typoguard"
)

// newGuard protects the organisation's own domains and the whole .mil
// suffix, and knows the people it writes to.
func newGuard() (*typoguard.Guard, error) {
	contacts, err := typoguard.KnownContacts([]typoguard.Contact{
		{Address: "john.doe@army.mil", Count: 42},
		{Address: "jane.roe@navy.mil", Count: 7},
	})
	if err != nil {
		return nil, err
	}
	return typoguard.New([]string{"army.mil", "navy.mil", "af.mil", ".mil"},
		typoguard.WithRules(append(typoguard.DefaultRules(), contacts)...))
}

func main() {
	g, err := newGuard()
	if err != nil {
		fmt.Fprintln(os.Stderr, "presend:", err)
		os.Exit(2)
	}
	os.Exit(run(g, os.Stdin, os.Stdout))
}

// run checks the message on r, reports to w and returns the exit status:
// 0 to send, 1 to hold, 2 when the message cannot be read.
func run(g *typoguard.Guard, r io.Reader, w io.Writer) int {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		fmt.Fprintln(w, "presend:", err)
		return 2
	}
	recipients, _ := g.CheckRecipients(msg.Header) // invalid ones are in the results too
	hold := false
	for _, rc := range recipients {
		switch rc.Verdict {
		case typoguard.OK:
			continue
		case typoguard.Invalid:
			fmt.Fprintf(w, "%s: %v\n", rc.Header, rc.Err)
		default:
			fmt.Fprintf(w, "%s: %s %s — did you mean %s?\n  %s\n", rc.Header, rc.Verdict, rc.Input, rc.Suggestion, rc.Findings[0].Message)
		}
		hold = true
	}
	if hold {
		fmt.Fprintln(w, "message held: fix the recipients above or confirm them")
		return 1
	}
	fmt.Fprintln(w, "all recipients look right")
	return 0
}
