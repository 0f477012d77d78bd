package typoguard

import (
	"golang.org/x/net/publicsuffix"

	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
)

var inf = math.Inf(1)

// An Option configures a [Guard] built by [New].
type Option func(*config)

// config collects options; build turns it into a Guard.
type config struct {
	rules     []Rule
	legit     []string
	names     map[string][]string
	layouts   []Layout
	weights   map[string]float64
	warn      float64
	block     float64
	knowledge bool
	err       error
}

func (c *config) fail(format string, args ...any) {
	if c.err == nil {
		c.err = newError("new", "", wrap(ErrInvalidConfig, fmt.Sprintf(format, args...), nil))
	}
}

// WithRules sets the rules a Guard runs, in order, replacing
// [DefaultRules]. To add a rule to the defaults, pass
// append(DefaultRules(), myRule). Rule names must be unique and non-empty
// and every rule needs a Check function.
func WithRules(rules ...Rule) Option {
	rules = slices.Clone(rules)
	return func(c *config) { c.rules = rules }
}

// WithLegitimate adds domains known to be real in their own right: they
// are never flagged as typos of a protected entry (a company's partner
// "gmx.com", "hey.com"). It adds to earlier calls.
func WithLegitimate(domains ...string) Option {
	domains = slices.Clone(domains)
	return func(c *config) { c.legit = append(c.legit, domains...) }
}

// WithKnownNames declares names known to exist under a protected suffix,
// so that a slip of the suffix is caught for them: WithKnownNames(".mil",
// "dtic", "darpa") makes darpa.ml a finding even when only ".mil" is
// protected. It adds to earlier calls and to built-in knowledge.
func WithKnownNames(suffix string, names ...string) Option {
	names = slices.Clone(names)
	return func(c *config) {
		if c.names == nil {
			c.names = map[string][]string{}
		}
		c.names[suffix] = append(c.names[suffix], names...)
	}
}

// WithLayouts sets the keyboard layouts whose key adjacencies make a slip
// cheaper. The default is [DefaultLayouts]: QWERTY, QWERTZ and AZERTY.
func WithLayouts(layouts ...Layout) Option {
	layouts = slices.Clone(layouts)
	return func(c *config) { c.layouts = layouts }
}

// WithThresholds sets the scores from which a finding is a warning and a
// block; 0 < warn <= block <= 1. The defaults are [DefaultWarnThreshold]
// and [DefaultBlockThreshold]. Use block > 1 to never block.
func WithThresholds(warn, block float64) Option {
	return func(c *config) {
		if !(warn > 0 && warn <= block) || math.IsNaN(block) {
			c.fail("thresholds: want 0 < warn <= block, got %v and %v", warn, block)
			return
		}
		c.warn, c.block = warn, block
	}
}

// WithWeights sets the weight of protected entries by name ("gmail.com",
// ".mil"): how much mail goes there. Weight ranks findings of equal score;
// the default is 1. Names must be protected entries; weights must be
// positive and finite. It adds to earlier calls.
func WithWeights(weights map[string]float64) Option {
	weights = maps.Clone(weights)
	return func(c *config) {
		if c.weights == nil {
			c.weights = map[string]float64{}
		}
		maps.Copy(c.weights, weights)
	}
}

// WithBuiltinKnowledge turns typoguard's knowledge of the world on (the
// default) or off: known-legitimate domains, same-owner groups (gmail.com
// and googlemail.com) and known names under suffixes (army under mil).
// It is knowledge, not protection: it applies whatever is protected.
func WithBuiltinKnowledge(on bool) Option {
	return func(c *config) { c.knowledge = on }
}

// build validates the configuration and precomputes the Guard's indexes.
func (c *config) build(protected []string) (*Guard, error) {
	keys, err := newKeyboard(c.layouts)
	if err != nil {
		return nil, newError("new", "", wrap(ErrInvalidConfig, "", err))
	}
	g := &Guard{
		known:     map[string]map[string]struct{}{},
		rules:     slices.Clone(c.rules),
		model:     newCostModel(keys),
		warn:      c.warn,
		block:     c.block,
		knowledge: c.knowledge,
	}
	if err := validateRules(g.rules); err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(protected))
	for _, p := range protected {
		name, err := normalizeEntry(p)
		if err != nil {
			return nil, err
		}
		if !seen[name] {
			seen[name] = true
			g.entries = append(g.entries, Entry{Name: name, Weight: 1})
		}
	}
	seen = nil
	if len(g.entries) == 0 {
		return nil, newError("new", "", wrap(ErrInvalidConfig, "no protected entries", nil))
	}
	slices.SortFunc(g.entries, func(a, b Entry) int { return strings.Compare(a.Name, b.Name) })

	// Every name the Guard knows, with what it knows of it.
	var names []string
	var infos []nameInfo
	at := map[string]int{}
	info := func(name string) *nameInfo {
		i, ok := at[name]
		if !ok {
			i = len(names)
			at[name] = i
			names = append(names, name)
			infos = append(infos, nameInfo{domain: -1, suffix: -1, owner: -1, trust: -1, slips: -1})
		}
		return &infos[i]
	}
	g.budgets = make([]float64, len(g.entries))
	g.caps = make([]uint8, len(g.entries))
	g.suffixLens = make([]int, len(g.entries))
	tails := map[string]bool{}
	for i := range g.entries {
		e := &g.entries[i]
		if rest, ok := strings.CutPrefix(e.Name, "."); ok {
			info(rest).suffix = int32(i)
			tails[rest] = true
			continue
		}
		info(e.Name).domain = int32(i)
		ps, _ := publicsuffixOf(e.Name)
		g.budgets[i], g.caps[i] = nearLimits(e.Name, ps)
		g.suffixLens[i] = len(ps) + 1
		tails[ps] = true
	}
	g.tails = slices.Sorted(maps.Keys(tails))
	for _, t := range g.tails {
		c := t[len(t)-1]
		g.tailEnds[c>>6] |= 1 << (c & 63)
	}

	if c.knowledge {
		k := builtinKnowledge()
		for _, d := range k.legitimate {
			info(d).legit = true
		}
		for grp, ds := range k.owners {
			for _, d := range ds {
				info(d).owner = int32(grp)
			}
		}
		for suffix, names := range k.names {
			g.addNames(suffix, names)
		}
	}
	for _, d := range c.legit {
		n, err := normalizeEntry(d)
		if err != nil || strings.HasPrefix(n, ".") {
			return nil, newError("new", d, wrap(ErrInvalidConfig, "legitimate domain: want a domain", err))
		}
		info(n).legit = true
	}
	// A name trusts its protected domain, else the first protected domain
	// (in entry order) of its owner group.
	owned := map[int32]int32{}
	for i, e := range g.entries {
		if j, ok := at[e.Name]; ok && infos[j].owner >= 0 {
			if _, ok := owned[infos[j].owner]; !ok {
				owned[infos[j].owner] = int32(i)
			}
		}
	}
	for i := range infos {
		switch in := &infos[i]; {
		case in.domain >= 0:
			in.trust = in.domain
		case in.owner >= 0:
			if e, ok := owned[in.owner]; ok {
				in.trust = e
			}
		}
	}
	// Suffixes one slip from a protected one: their lists are the answers
	// of NearSuffixes.
	slips := g.slipIndex()
	for _, suffix := range slices.Sorted(maps.Keys(slips)) {
		info(suffix).slips = int32(len(g.slips))
		g.slips = append(g.slips, slips[suffix])
	}
	// The ICANN top-level domains among those of the tails and of the
	// suffixes one slip from them: suffixOf says delegated for every
	// domain under each. ("x." stands for any label: a TLD with only
	// wildcard rules, such as bd, is not a public suffix by itself.)
	tlds := map[string]bool{}
	for _, t := range slices.Concat(g.tails, slices.Collect(maps.Keys(slips))) {
		tlds[t[strings.LastIndexByte(t, '.')+1:]] = true
	}
	for _, tld := range slices.Sorted(maps.Keys(tlds)) {
		if _, icann := publicsuffix.PublicSuffix("x." + tld); icann {
			info(tld).delegatedTLD = true
		}
	}
	at = nil
	g.names = newNameTable(names, infos)

	for _, name := range slices.Sorted(maps.Keys(c.weights)) {
		n, err := normalizeEntry(name)
		if err != nil {
			return nil, err
		}
		i, ok := g.index(n)
		if !ok {
			return nil, newError("new", name, wrap(ErrInvalidConfig, "weight for an entry that is not protected", nil))
		}
		w := c.weights[name]
		if !(w > 0) || math.IsInf(w, 0) {
			return nil, newError("new", name, wrap(ErrInvalidConfig, fmt.Sprintf("weight %v: want a positive finite number", w), nil))
		}
		g.entries[i].Weight = w
	}
	for _, suffix := range slices.Sorted(maps.Keys(c.names)) {
		n, err := normalizeEntry(suffix)
		if err != nil {
			return nil, err
		}
		g.addNames(strings.TrimPrefix(n, "."), c.names[suffix])
	}
	g.near = g.newNearIndex()
	return g, nil
}

func (g *Guard) addNames(suffix string, names []string) {
	set := g.known[suffix]
	if set == nil {
		set = map[string]struct{}{}
		g.known[suffix] = set
	}
	for _, n := range names {
		set[strings.ToLower(n)] = struct{}{}
	}
}

// normalizeEntry normalises a protected entry, keeping a leading dot.
func normalizeEntry(s string) (string, error) {
	t := strings.TrimSpace(s)
	dot := strings.HasPrefix(t, ".")
	ascii, _, err := normalizeDomain(strings.TrimPrefix(t, "."))
	if err != nil {
		return "", newError("new", s, err)
	}
	if dot {
		return "." + ascii, nil
	}
	return ascii, nil
}

// validateRules checks what New promises about rules.
func validateRules(rules []Rule) error {
	seen := map[string]bool{}
	for _, r := range rules {
		switch {
		case r.Name == "":
			return newError("new", r.Name, wrap(ErrInvalidConfig, "rule without a name", nil))
		case r.Check == nil:
			return newError("new", r.Name, wrap(ErrInvalidConfig, "rule without a Check function", nil))
		case seen[r.Name]:
			return newError("new", r.Name, wrap(ErrInvalidConfig, "duplicate rule name", nil))
		}
		seen[r.Name] = true
	}
	return nil
}
