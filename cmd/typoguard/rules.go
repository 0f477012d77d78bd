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
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return errUsage
	}
	for _, r := range typoguard.DefaultRules() {
		title, body, _ := strings.Cut(r.Doc, "\n")
		fmt.Fprintf(stdout, "%s — %s\n", r.Name, title)
		for _, line := range strings.Split(body, "\n") {
			fmt.Fprintf(stdout, "    %s\n", line)
		}
		fmt.Fprintln(stdout)
	}
	fmt.Fprintf(stdout, "presets\n    providers: %d popular mail provider domains\n    mil: %s\n",
		len(typoguard.MailProviders()), strings.Join(typoguard.USMilitary(), " "))
	return nil
}
