package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/typoguard/typoguard"
)

// protectFlags are the protection flags shared by the commands.
type protectFlags struct {
	protect     string
	protectFile string
	presets     []string
	legit       string
	layouts     string
	set         bool // a protection flag was given: no default set
}

// presets are the named protection sets of -preset.
var presets = map[string]func() []string{
	"providers": typoguard.MailProviders,
	"mil":       typoguard.USMilitary,
}

func presetNames() []string { return slices.Sorted(maps.Keys(presets)) }

func (p *protectFlags) register(fs *flag.FlagSet) {
	fs.Func("protect", "comma-separated protected `entries`; a leading dot protects a whole suffix (.mil)", func(v string) error {
		p.set = true
		p.protect = strings.Join(append(splitList(p.protect), splitList(v)...), ",")
		return nil
	})
	fs.Func("preset", "protect a named `set`: "+strings.Join(presetNames(), ", ")+" (repeatable; default: all of them)", func(v string) error {
		if _, ok := presets[v]; !ok {
			return fmt.Errorf("unknown preset %q (want one of %s)", v, strings.Join(presetNames(), ", "))
		}
		p.set = true
		p.presets = append(p.presets, v)
		return nil
	})
	fs.Func("protect-file", "read protected entries from `FILE`, one per line, # comments", func(v string) error {
		p.set = true
		p.protectFile = v
		return nil
	})
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
	for _, name := range p.presets {
		out = append(out, presets[name]()...)
	}
	if !p.set {
		out = defaultSet()
	}
	if len(out) == 0 {
		return nil, errors.New("no protected entries: -protect, -protect-file and -preset named none")
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

// defaultSet is the protection used when no flag names one: the union of
// the presets (popular mail providers and the whole .mil suffix).
func defaultSet() []string {
	var out []string
	for _, name := range presetNames() {
		out = append(out, presets[name]()...)
	}
	return out
}

func defaultSetHelp() string {
	return "Without -protect, -protect-file or -preset, the default set is protected:\n" + wrapWords(defaultSet(), "  ")
}

// wrapWords lays words out in lines of at most 76 columns, each indented.
func wrapWords(words []string, indent string) string {
	var b strings.Builder
	line := indent
	for _, w := range words {
		if line != indent && len(line)+1+len(w) > 76 {
			b.WriteString(line + "\n")
			line = indent
		}
		if line != indent {
			line += " "
		}
		line += w
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

// parseFlags parses args, turning any error other than -help into
// errUsage (the flag package has already explained it on stderr).
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return errUsage
	}
	return nil
}

// setup builds the Guard the protection flags describe and resolves the
// -color mode for stdout.
func (p *protectFlags) setup(color string, stdout, stderr io.Writer) (*typoguard.Guard, bool, error) {
	g, err := p.guard()
	if err != nil {
		return nil, false, err
	}
	useColor, err := colorMode(color, stdout)
	if err != nil {
		fmt.Fprintln(stderr, "typoguard:", err)
		return nil, false, errUsage
	}
	return g, useColor, nil
}
