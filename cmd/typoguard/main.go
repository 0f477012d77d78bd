package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// Exit statuses, the CLI contract.
const (
	exitOK      = 0 // every address is ok
	exitFlagged = 1 // some address is warn, block or invalid
	exitError   = 2 // usage or I/O error
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// errUsage marks an error already explained to the user with usage text.
var errUsage = errors.New("usage")

// run is main without the process: it returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitError
	}
	var (
		flagged bool
		err     error
	)
	switch cmd, rest := args[0], args[1:]; cmd {
	case "check":
		flagged, err = runCheck(rest, stdin, stdout, stderr)
	case "scan":
		flagged, err = runScan(rest, stdin, stdout, stderr)
	case "policy":
		err = runPolicy(rest, stderr)
	case "rules":
		err = runRules(rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "typoguard: unknown command %q\n\n%s", cmd, usage)
		return exitError
	}
	switch {
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errUsage):
		return exitError
	case err != nil:
		// Errors from the library already carry the "typoguard: " prefix.
		msg := err.Error()
		if !strings.HasPrefix(msg, "typoguard: ") {
			msg = "typoguard: " + msg
		}
		fmt.Fprintln(stderr, msg)
		return exitError
	case flagged:
		return exitFlagged
	}
	return exitOK
}

const usage = `typoguard catches mistyped e-mail addresses (army.ml for army.mil,
gmial.com for gmail.com) before mail leaves.

Usage:
  typoguard check [flags] [ADDRESS ...]   judge addresses (standard input when none)
  typoguard scan [flags] PATH ...         audit the recipients of stored mail (.eml, mbox, Maildir)
  typoguard policy [flags]                serve Postfix's policy protocol (check_policy_service)
  typoguard rules                         list the built-in rules and presets

Run "typoguard check -help" for the flags.
`
