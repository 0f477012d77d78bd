package typoguard

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/publicsuffix"
)

// presetBigSix are the providers whose typo domains are the most common:
// no built-in knowledge may sit one edit away from them unless it is
// allowed in oneEditAllowed.
var presetBigSix = []string{"gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "aol.com"}

// oneEditAllowed lists the known-legitimate and same-owner domains that
// are one plain edit away from one of presetBigSix, each with the reason
// it is real. Anything else that close is a typo domain that slipped in
// from a seed list (gmial.com, hotmial.com, gmail.co, yahooo.com,
// outlok.com, gamil.com are all real registrations, and all typos).
var oneEditAllowed = map[string]string{
	"ymail.com": "Yahoo's own domain, offered at Yahoo sign-up (one substitution from gmail.com)",
	"mail.com":  "the mail.com service of United Internet, running since 1995 (gmail.com without its g)",
	"email.com": "one of mail.com's own vanity domains (one substitution from gmail.com)",
}

// presetRealForeign are real domains under the two suffixes a .mil slip
// most often lands in or near, .ml (Mali) and .il (Israel): government,
// university, telecom and media domains that USMilitary must leave
// alone. Test data rather than knowledge: being real, they are never
// flagged anyway, because none of them is a known name under .mil.
var presetRealForeign = []string{
	// Mali
	"gouv.ml",          // the government's second-level domain
	"dgi.gouv.ml",      // tax administration
	"koulouba.ml",      // the Presidency
	"primature.gov.ml", // the Prime Minister's office
	"sante.gov.ml",     // Ministry of Health
	"sotelma.ml",       // Sotelma, the incumbent telecom operator
	"ortm.ml",          // ORTM, the national broadcaster
	"usttb.edu.ml",     // University of Sciences, Techniques and Technologies of Bamako
	// Israel
	"gov.il",
	"idf.il",     // Israel Defense Forces
	"mod.gov.il", // Ministry of Defence
	"tau.ac.il",  // Tel Aviv University
	"huji.ac.il", // Hebrew University of Jerusalem
	"technion.ac.il",
	"walla.co.il",
	"ynet.co.il",
	"haaretz.co.il",
}

// plainLevenshtein is the textbook unit-cost edit distance (insertions,
// deletions, substitutions), independent of the package's weighted model.
func plainLevenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			sub := prev[j-1]
			if a[i-1] != b[j-1] {
				sub++
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, sub)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func TestPresetPlainLevenshtein(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"", "abc", 3}, {"gmail.com", "gmail.com", 0},
		{"gmial.com", "gmail.com", 2}, {"gmail.co", "gmail.com", 1},
		{"ymail.com", "gmail.com", 1}, {"mail.com", "gmail.com", 1},
		{"kitten", "sitting", 3},
	} {
		assert.Equal(t, tc.want, plainLevenshtein(tc.a, tc.b), "%s %s", tc.a, tc.b)
		assert.Equal(t, tc.want, plainLevenshtein(tc.b, tc.a), "%s %s", tc.b, tc.a)
	}
}

// presetOwnerDomains returns every domain of the same-owner groups.
func presetOwnerDomains() []string {
	var out []string
	for _, grp := range builtinKnowledge().owners {
		out = append(out, grp...)
	}
	return out
}

// assertPresetDomain checks that d is a plain, normalised, registrable
// domain: what normalizeDomain returns for it, lower-case, with a dot,
// and not a public suffix itself.
func assertPresetDomain(t *testing.T, d string) {
	t.Helper()
	ascii, uni, err := normalizeDomain(d)
	if !assert.NoError(t, err, d) {
		return
	}
	assert.Equal(t, d, ascii, "not normalised")
	assert.Equal(t, d, uni, "not ASCII")
	assert.Equal(t, strings.ToLower(d), d, "not lower-case")
	assert.Contains(t, d, ".", d)
	ps, _ := publicsuffix.PublicSuffix(d)
	assert.NotEqual(t, d, ps, "%s is a public suffix, not a domain", d)
}

func TestMailProvidersPreset(t *testing.T) {
	ps := MailProviders()
	assert.GreaterOrEqual(t, len(ps), 60)
	seen := map[string]bool{}
	for _, d := range ps {
		assert.False(t, seen[d], "duplicate provider %s", d)
		seen[d] = true
		assertPresetDomain(t, d)
	}
	for _, d := range presetBigSix {
		assert.True(t, seen[d], "%s is not in the providers preset", d)
	}

	// Each call returns a fresh slice.
	first := MailProviders()
	want := slices.Clone(first)
	first[0] = "mutated.example"
	_ = append(first[:1], "appended.example")
	assert.Equal(t, want, MailProviders())
}

func TestUSMilitaryPreset(t *testing.T) {
	first := USMilitary()
	assert.Equal(t, []string{".mil"}, first)
	first[0] = ".ml"
	assert.Equal(t, []string{".mil"}, USMilitary(), "USMilitary must return a fresh slice")
}

// TestPresetProvidersKnown checks that every provider is known: in a
// same-owner group (or on a line of its own there) or known-legitimate.
func TestPresetProvidersKnown(t *testing.T) {
	owners := presetOwnerDomains()
	legit := builtinKnowledge().legitimate
	for _, d := range MailProviders() {
		assert.True(t, slices.Contains(owners, d) || slices.Contains(legit, d),
			"provider %s is in neither owners.txt nor legitimate.txt", d)
	}
}

func TestKnowledgeDomains(t *testing.T) {
	k := builtinKnowledge()
	assert.GreaterOrEqual(t, len(k.legitimate), 300)

	inGroup := map[string]int{}
	for i, grp := range k.owners {
		require.NotEmpty(t, grp)
		for _, d := range grp {
			if j, dup := inGroup[d]; dup {
				t.Errorf("%s is in owner groups %v and %v", d, k.owners[j], grp)
			}
			inGroup[d] = i
			assertPresetDomain(t, d)
		}
	}
	for _, d := range presetBigSix {
		assert.Contains(t, inGroup, d, "%s has no same-owner group", d)
	}

	seen := map[string]bool{}
	for _, d := range k.legitimate {
		assert.False(t, seen[d], "duplicate legitimate domain %s", d)
		seen[d] = true
		assertPresetDomain(t, d)
		// owners.txt says its members are legitimate: not repeated here.
		assert.NotContains(t, inGroup, d, "%s is in legitimate.txt and owners.txt", d)
	}
}

// TestKnowledgeNoTypoDomains rejects typo domains in the built-in
// knowledge: a legitimate or same-owner domain one plain edit away from
// one of the biggest providers must be explicitly allowed, with a reason.
func TestKnowledgeNoTypoDomains(t *testing.T) {
	domains := slices.Concat(builtinKnowledge().legitimate, presetOwnerDomains(), MailProviders())
	near := map[string]bool{}
	for _, d := range domains {
		for _, big := range presetBigSix {
			if n := plainLevenshtein(d, big); n == 1 {
				near[d] = true
				if _, ok := oneEditAllowed[d]; !ok {
					t.Errorf("%s is one edit from %s: a typo domain? If it is real, allow it in oneEditAllowed with the reason", d, big)
				}
			}
		}
	}
	// Keep the allow-list honest: every entry is needed and explained.
	for d, why := range oneEditAllowed {
		assert.True(t, near[d], "%s is allowed but not one edit from a big provider, or no longer listed", d)
		assert.NotEmpty(t, why, d)
	}
	// Typo domains that seed lists are known to carry.
	for _, typo := range []string{"gmial.com", "gamil.com", "gmai.com", "gmail.co", "gmail.cm", "hotmial.com", "hotmal.com",
		"hotmail.co", "yahooo.com", "yaho.com", "yahoo.co", "outlok.com", "outlook.co", "iclod.com", "aol.co"} {
		assert.NotContains(t, domains, typo)
	}
}

var presetLDHLabel = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// TestMilitaryKnownNames checks knowledge/mil.txt: over a hundred
// unique, sorted, valid labels, one a line, each with a comment.
func TestMilitaryKnownNames(t *testing.T) {
	names := builtinKnowledge().names["mil"]
	assert.GreaterOrEqual(t, len(names), 100)
	assert.True(t, slices.IsSorted(names), "mil.txt is not sorted")
	seen := map[string]bool{}
	for _, n := range names {
		assert.False(t, seen[n], "duplicate name %s", n)
		seen[n] = true
		assert.Regexp(t, presetLDHLabel, n)
		ascii, _, err := normalizeDomain(n + ".mil")
		assert.NoError(t, err, n)
		assert.Equal(t, n+".mil", ascii)
	}
	// Names whose organisations use another suffix stay out.
	for _, n := range []string{"dau", "usuhs", "dodea", "usna", "usma", "nps", "ndu", "afit", "nro", "nsa"} {
		assert.False(t, seen[n], "%s.mil: this organisation is not under .mil", n)
	}

	raw := mustRead("knowledge/mil.txt")
	for line := range strings.Lines(raw) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, comment, ok := strings.Cut(line, "#")
		assert.True(t, ok && strings.TrimSpace(comment) != "", "no comment: %q", line)
		assert.Len(t, strings.Fields(name), 1, "one name a line: %q", line)
	}
}

// TestMailProvidersGuardKnowledge checks that a Guard protecting the
// providers preset judges every provider, every same-owner domain and
// every known-legitimate domain OK, and still catches typos.
func TestMailProvidersGuardKnowledge(t *testing.T) {
	g := MustNew(MailProviders())
	domains := slices.Concat(MailProviders(), presetOwnerDomains(), builtinKnowledge().legitimate, presetRealForeign)
	for _, d := range domains {
		r, err := g.Check("x@" + d)
		if assert.NoError(t, err, d) {
			assert.Equal(t, OK, r.Verdict, "%s: %+v", d, r.Findings)
		}
	}
	for typo, want := range map[string]string{
		"gmial.com": "gmail.com", "hotmial.com": "hotmail.com", "yahooo.com": "yahoo.com",
		"outlok.com": "outlook.com", "gmail.co": "gmail.com", "iclod.com": "icloud.com",
	} {
		r, err := g.Check("x@" + typo)
		require.NoError(t, err)
		assert.Equal(t, Block, r.Verdict, "%s: %+v", typo, r.Findings)
		assert.Equal(t, "x@"+want, r.Suggestion, typo)
	}
}

// TestUSMilitaryGuardKnownNames checks that with only ".mil" protected,
// a slip into .ml is caught for every known name and real foreign
// domains are left alone.
func TestUSMilitaryGuardKnownNames(t *testing.T) {
	g := MustNew(USMilitary())
	for _, in := range []string{"x@darpa.ml", "x@centcom.ml"} {
		r, err := g.Check(in)
		require.NoError(t, err)
		assert.Equal(t, Block, r.Verdict, "%s: %+v", in, r.Findings)
		assert.Equal(t, strings.TrimSuffix(in, ".ml")+".mil", r.Suggestion)
	}
	for _, n := range builtinKnowledge().names["mil"] {
		r, err := g.Check("x@" + n + ".ml")
		require.NoError(t, err)
		assert.Equal(t, Block, r.Verdict, "%s.ml: %+v", n, r.Findings)
		assert.Equal(t, "x@"+n+".mil", r.Suggestion)

		r, err = g.Check("x@" + n + ".mil")
		require.NoError(t, err)
		assert.Equal(t, OK, r.Verdict, "%s.mil: %+v", n, r.Findings)
	}

	both := MustNew(slices.Concat(MailProviders(), USMilitary()))
	for _, d := range presetRealForeign {
		for _, guard := range []*Guard{g, both} {
			r, err := guard.Check("x@" + d)
			require.NoError(t, err)
			assert.Equal(t, OK, r.Verdict, "%s: %+v", d, r.Findings)
			for _, f := range r.Findings {
				assert.Equal(t, SeverityInfo, f.Severity, "%s: %+v", d, f)
			}
		}
	}
}
