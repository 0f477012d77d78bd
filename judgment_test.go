package typoguard

import (
	"slices"
	"strings"
	"testing"
)

// judgmentGuard protects the mail providers preset, the US military and
// a few company domains, with default options.
var judgmentGuard = MustNew(slices.Concat(MailProviders(), USMilitary(),
	[]string{"army.mil", "apple.com", "google.com", "microsoft.com", "se.ibm.com"}))

// TestBriefRegressions pins every regression of BRIEF §5: what today's
// tools get wrong, typoguard gets right.
func TestBriefRegressions(t *testing.T) {
	runCases(t, judgmentGuard, []checkCase{
		// mailcheck suggests army.nl; zootools accepts army.ml.
		{in: "x@army.ml", verdict: Block, suggestion: "x@army.mil"},
		// The main Go suggester rewrites every .ml address.
		{in: "x@malijet.ml", verdict: OK},
		{in: "x@gouv.ml", verdict: OK},
		{in: "x@html.ml", verdict: OK}, // rewritten to htmil.mil elsewhere
		// ... and misses gmial.com.
		{in: "x@gmial.com", verdict: Block, suggestion: "x@gmail.com"},
		// False positives users complain about.
		{in: "x@hey.com", verdict: OK},
		{in: "x@mac.com", verdict: OK},
		{in: "x@gmx.net", verdict: OK},
		{in: "x@mailw.com", verdict: OK},
		{in: "x@mail.com", verdict: OK},
		{in: "x@pacific.co", verdict: OK},
		{in: "x@gmail.fr", verdict: OK},
		{in: "x@yahoo.co.uk", verdict: OK},
		{in: "x@163.com", verdict: OK},
		{in: "x@mask.io", verdict: OK},
		// Broken rewrites elsewhere: comcast.co became commcast.co.
		{in: "x@comcast.co", verdict: Block, suggestion: "x@comcast.com"},
		// Misses elsewhere.
		{in: "x@us.army.ml", verdict: Block, suggestion: "x@us.army.mil"},
		{in: "x@hotrnail.com", verdict: Block, suggestion: "x@hotmail.com"},
		{in: "x@gmаil.com", verdict: Block, suggestion: "x@gmail.com", rule: RuleLookalike},
		{in: "x@xn--gmil-63d.com", verdict: Block, suggestion: "x@gmail.com", rule: RuleLookalike},
	})
}

// TestJudgment pins the look-alike, doppelganger and preset cases of the
// judgment issue.
func TestJudgment(t *testing.T) {
	runCases(t, judgmentGuard, []checkCase{
		{in: "x@gmаil.com", verdict: Block, suggestion: "x@gmail.com", rule: RuleLookalike},
		{in: "x@xn--gmil-63d.com", verdict: Block, suggestion: "x@gmail.com", rule: RuleLookalike},
		{in: "x@gmaıl.com", verdict: Block, suggestion: "x@gmail.com", rule: RuleLookalike},
		{in: "x@аrmy.mil", verdict: Block, suggestion: "x@army.mil", rule: RuleLookalike},
		{in: "x@xn--80ak6aa92e.com", verdict: Block, suggestion: "x@apple.com", rule: RuleLookalike},
		{in: "x@hotrnail.com", verdict: Block, suggestion: "x@hotmail.com"},
		{in: "x@outlo0k.com", verdict: Block, suggestion: "x@outlook.com"},
		{in: "x@ohtlook.com", verdict: Warn, suggestion: "x@outlook.com"},
		{in: "x@g00gle.com", verdict: Warn, suggestion: "x@google.com"},
		{in: "x@seibm.com", verdict: Block, suggestion: "x@se.ibm.com"},
		{in: "x@gmailcom", verdict: Warn, suggestion: "x@gmail.com"},
		{in: "x@gmail.com.co", verdict: Block, suggestion: "x@gmail.com"},
		{in: "x@darpa.ml", verdict: Block, suggestion: "x@darpa.mil"},
		{in: "x@centcom.ml", verdict: Block, suggestion: "x@centcom.mil"},
		{in: "x@gm\u200bail.com", verdict: Warn, suggestion: "x@gmail.com", rule: RuleObfuscation},
		{in: "x@ｇｍａｉｌ.com", verdict: OK},
		{in: "x@gmx.de", verdict: OK},
		{in: "x@ymail.com", verdict: OK},
		{in: "x@hotmail.fr", verdict: OK},
		{in: "x@yahoo.co.jp", verdict: OK},
		{in: "x@googlemail.com", verdict: OK},
		{in: "x@mask.io", verdict: OK},
		{in: "x@comcast.com", verdict: OK},
		{in: "x@bücher.de", verdict: OK},
		{in: "x@xn--bcher-kva.de", verdict: OK},
	})
}

func TestLookalikeEvidence(t *testing.T) {
	r, err := judgmentGuard.Check("x@gmаil.com")
	if err != nil {
		t.Fatal(err)
	}
	f := r.Findings[0]
	want := "gmаil.com looks like gmail.com: а U+0430 CYRILLIC SMALL LETTER A looks like a (gmаil mixes scripts)"
	if f.Message != want {
		t.Errorf("message %q, want %q", f.Message, want)
	}
	if len(f.Edits) != 1 || f.Edits[0].Got != "а" || f.Edits[0].Want != "a" || f.Edits[0].Pos != 2 || f.Edits[0].Class != ClassLookalike {
		t.Errorf("edits %+v", f.Edits)
	}
	r, _ = judgmentGuard.Check("x@xn--80ak6aa92e.com")
	if got := r.Findings[0].Message; !containsAll(got, "аррӏе written wholly in Cyrillic", "ӏ U+04CF CYRILLIC SMALL LETTER PALOCHKA looks like l") {
		t.Errorf("message %q", got)
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
