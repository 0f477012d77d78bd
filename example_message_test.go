package typoguard_test

import (
	"fmt"
	"log"
	"net/mail"
	"strings"

	"github.com/typoguard/typoguard"
)

// A mail client's pre-send hook judges every recipient of the message
// being sent.
func ExampleGuard_CheckRecipients() {
	const message = "From: ops@army.mil\r\n" +
		"To: =?UTF-8?Q?J=C3=B6rg?= <jorg@gmial.com>, John Doe <john.doe@army.mil>\r\n" +
		"Cc: watch@army.ml\r\n" +
		"Subject: Orders\r\n" +
		"\r\n" +
		"See attached.\r\n"
	msg, err := mail.ReadMessage(strings.NewReader(message))
	if err != nil {
		log.Fatal(err)
	}
	g := typoguard.MustNew([]string{"army.mil", ".mil", "gmail.com"})
	recipients, err := g.CheckRecipients(msg.Header)
	if err != nil {
		fmt.Println(err) // some recipient is not an address; it has the Invalid verdict
	}
	for _, r := range recipients {
		fmt.Printf("%-3s %-5s %s", r.Header, r.Verdict, r.Input)
		if r.Suggestion != "" {
			fmt.Printf(" -> %s", r.Suggestion)
		}
		fmt.Println()
	}
	// Output:
	// To  block "Jörg" <jorg@gmial.com> -> jorg@gmail.com
	// To  ok    "John Doe" <john.doe@army.mil>
	// Cc  block watch@army.ml -> watch@army.mil
}

// The known-contacts rule catches the wrong person at the right
// organisation, which no list of protected domains can.
func ExampleKnownContacts() {
	contacts, err := typoguard.KnownContacts([]typoguard.Contact{
		{Address: "John Doe <john.doe@army.mil>", Count: 42},
		{Address: "jane.roe@example.com", Count: 3},
	})
	if err != nil {
		log.Fatal(err)
	}
	g := typoguard.MustNew([]string{"army.mil", ".mil"},
		typoguard.WithRules(append(typoguard.DefaultRules(), contacts)...))
	for _, addr := range []string{
		"jon.doe@army.mil",     // a slip of the local part
		"jane.roe@exampel.com", // a slip of the domain
		"john.doe@army.mil",    // a contact
		"mary.major@army.mil",  // someone new, not near a contact
	} {
		r, _ := g.Check(addr)
		fmt.Printf("%-5s %s", r.Verdict, addr)
		if r.Suggestion != "" {
			fmt.Printf(" -> %s\n      %s", r.Suggestion, r.Findings[0].Message)
		}
		fmt.Println()
	}
	// Output:
	// warn  jon.doe@army.mil -> john.doe@army.mil
	//       jon.doe@army.mil looks like your contact john.doe@army.mil: h deleted from john (written to 42 times)
	// block jane.roe@exampel.com -> jane.roe@example.com
	//       jane.roe@exampel.com looks like your contact jane.roe@example.com: le swapped to el in example (written to 3 times)
	// ok    john.doe@army.mil
	// ok    mary.major@army.mil
}
