package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/typoguard/typoguard"
)

// protectFlags are the protection flags shared by the commands.
type protectFlags struct {
	protect     string
	protectFile string
	legit       string
	layouts     string
}

func (p *protectFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&p.protect, "protect", "", "comma-separated protected `entries`; a leading dot protects a whole suffix (.mil)")
	fs.StringVar(&p.protectFile, "protect-file", "", "read protected entries from `FILE`, one per line, # comments")
	fs.StringVar(&p.legit, "legit", "", "comma-separated `domains` known to be legitimate, never flagged")
	fs.StringVar(&p.layouts, "layouts", "", "comma-separated keyboard `layouts` (qwerty, qwertz, azerty, dvorak, colemak); default qwerty,qwertz,azerty")
}

// entries returns the protected entries the flags name, or the default set.
func (p *protectFlags) entries() ([]string, error) {
	var out []string
	out = append(out, splitList(p.protect)...)
	if p.protectFile != "" {
		f, err := os.Open(p.protectFile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line, _, _ := strings.Cut(sc.Text(), "#")
			if line = strings.TrimSpace(line); line != "" {
				out = append(out, line)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", p.protectFile, err)
		}
	}
	if p.protect == "" && p.protectFile == "" {
		out = defaultSet()
	}
	return out, nil
}

func (p *protectFlags) guard() (*typoguard.Guard, error) {
	entries, err := p.entries()
	if err != nil {
		return nil, err
	}
	var opts []typoguard.Option
	if p.legit != "" {
		opts = append(opts, typoguard.WithLegitimate(splitList(p.legit)...))
	}
	if p.layouts != "" {
		var ls []typoguard.Layout
		for _, l := range splitList(p.layouts) {
			ls = append(ls, typoguard.Layout(strings.ToLower(l)))
		}
		opts = append(opts, typoguard.WithLayouts(ls...))
	}
	return typoguard.New(entries, opts...)
}

// defaultSet is the protection used when no flag names one: popular mail
// providers and the whole .mil suffix.
func defaultSet() []string {
	return slices.Concat(typoguard.MailProviders(), typoguard.USMilitary())
}

func defaultSetHelp() string {
	var b strings.Builder
	b.WriteString("Without -protect or -protect-file, the default set is protected:\n")
	line := " "
	for _, e := range defaultSet() {
		if len(line)+len(e) > 74 {
			b.WriteString(line + "\n")
			line = " "
		}
		line += " " + e
	}
	b.WriteString(line + "\n")
	return b.String()
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
