package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/typoguard/typoguard"
)

func runRules(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("rules", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	for _, r := range typoguard.DefaultRules() {
		title, body, _ := strings.Cut(r.Doc, "\n")
		fmt.Fprintf(stdout, "%s — %s\n", r.Name, title)
		for _, line := range strings.Split(body, "\n") {
			fmt.Fprintf(stdout, "    %s\n", line)
		}
		fmt.Fprintln(stdout)
	}
	fmt.Fprintf(stdout, "presets (-preset NAME; the default is all of them)\n")
	fmt.Fprintf(stdout, "-preset providers — %d popular consumer mail provider domains worldwide\n", len(typoguard.MailProviders()))
	fmt.Fprint(stdout, wrapWords(typoguard.MailProviders(), "    "))
	fmt.Fprintf(stdout, "-preset mil — the US military: %s, with well-known names under it\n", strings.Join(typoguard.USMilitary(), " "))
	fmt.Fprintf(stdout, "\nBuilt-in knowledge (known-legitimate domains, same-owner groups, names\nunder .mil) applies to every protected set.\n")
	return nil
}
