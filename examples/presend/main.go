// Command presend checks the recipients of a message before it is sent,
// as a mail client's pre-send hook would: it reads an RFC 5322 message on
// standard input, judges every To, Cc and Bcc recipient, and exits 1 if
// the message should not go out as written.
//
//	go run ./examples/presend < message.eml
package main

import (
	"fmt"
	"net/mail"
	"os"

	"github.com/typoguard/typoguard"
)

// guard protects the organisation's own domains and the whole .mil suffix.
var guard = typoguard.MustNew([]string{"army.mil", "navy.mil", "af.mil", ".mil"})

func main() {
	msg, err := mail.ReadMessage(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "presend:", err)
		os.Exit(2)
	}
	hold := false
	for _, h := range []string{"To", "Cc", "Bcc"} {
		list := msg.Header.Get(h)
		if list == "" {
			continue
		}
		results, _ := guard.CheckList(list)
		for _, r := range results {
			switch r.Verdict {
			case typoguard.OK:
				continue
			case typoguard.Invalid:
				fmt.Printf("%s: %v\n", h, r.Err)
			default:
				fmt.Printf("%s: %s %s — did you mean %s?\n  %s\n", h, r.Verdict, r.Input, r.Suggestion, r.Findings[0].Message)
			}
			hold = true
		}
	}
	if hold {
		fmt.Println("message held: fix the recipients above or confirm them")
		os.Exit(1)
	}
	fmt.Println("all recipients look right")
}
