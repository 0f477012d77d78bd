package typoguard_test

import (
	"fmt"
	"strings"

	"github.com/typoguard/typoguard"
)

func Example() {
	g := typoguard.MustNew([]string{"army.mil", ".mil", "gmail.com"})
	for _, addr := range []string{
		"John Doe <john.doe@army.ml>",
		"jane@gmial.com",
		"ops@amry.mil",
		"someone@dtic.mil",
	} {
		r, err := g.Check(addr)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%-5s %s", r.Verdict, addr)
		if r.Suggestion != "" {
			fmt.Printf(" -> did you mean %s?", r.Suggestion)
		}
		fmt.Println()
	}
	// Output:
	// block John Doe <john.doe@army.ml> -> did you mean john.doe@army.mil?
	// block jane@gmial.com -> did you mean jane@gmail.com?
	// warn  ops@amry.mil -> did you mean ops@army.mil?
	// ok    someone@dtic.mil
}

func ExampleGuard_Check() {
	g := typoguard.MustNew([]string{"army.mil", ".mil"})
	r, _ := g.Check("john.doe@army.ml")
	f := r.Findings[0]
	fmt.Println(r.Verdict, r.Suggestion)
	fmt.Println(f.Rule, f.Target, f.Severity)
	fmt.Println(f.Message)
	for _, e := range f.Edits {
		fmt.Printf("%s %q at %d (%s, cost %.1f)\n", e.Op, e.Want, e.Pos, e.Class, e.Cost)
	}
	// Output:
	// block john.doe@army.mil
	// suffix-slip army.mil block
	// army.ml looks like army.mil: i deleted from mil (.ml is a real top-level domain: the mail would leave)
	// delete "i" at 6 (other, cost 0.5)
}

func ExampleGuard_Check_invalid() {
	g := typoguard.MustNew([]string{"army.mil"})
	_, err := g.Check("john.doe@army..mil")
	fmt.Println(err)
	// Output:
	// typoguard: check "john.doe@army..mil": invalid domain: idna: invalid label "army..mil"
}

func ExampleGuard_CheckList() {
	g := typoguard.MustNew([]string{"army.mil", ".mil"})
	results, _ := g.CheckList(`"Doe, John" <john.doe@army.ml>, jane@navy.mil, oops`)
	for _, r := range results {
		fmt.Printf("%s %s %q\n", r.Verdict, r.Input, r.Suggestion)
	}
	// Output:
	// block "Doe, John" <john.doe@army.ml> "john.doe@army.mil"
	// ok jane@navy.mil ""
	// invalid oops ""
}

// A user rule plugs in beside the built-in ones: here, a policy that
// refuses any .ml recipient outright.
func ExampleRule() {
	neverMali := typoguard.Rule{
		Name: "never-ml",
		Doc:  "Refuse .ml recipients\nOur staff never write to Mali.",
		Check: func(g *typoguard.Guard, c typoguard.Candidate) []typoguard.Finding {
			if suffix, _ := c.Suffix(); suffix != "ml" && !strings.HasSuffix(suffix, ".ml") {
				return nil
			}
			return []typoguard.Finding{{
				Target:  ".mil",
				Score:   1,
				Message: c.Domain + " is in Mali's .ml, not .mil",
			}}
		},
	}
	g := typoguard.MustNew([]string{".mil"},
		typoguard.WithRules(append(typoguard.DefaultRules(), neverMali)...))
	for _, addr := range []string{"a@malijet.ml", "b@army.ml"} {
		r, _ := g.Check(addr)
		fmt.Println(r.Verdict, r.Findings[0].Rule, r.Findings[0].Message)
	}
	// Output:
	// block never-ml malijet.ml is in Mali's .ml, not .mil
	// block never-ml army.ml is in Mali's .ml, not .mil
}

func ExampleWithKnownNames() {
	g := typoguard.MustNew([]string{".mil"}, typoguard.WithKnownNames(".mil", "jten"))
	r, _ := g.Check("x@jten.ml")
	fmt.Println(r.Verdict, r.Suggestion)
	// Output:
	// block x@jten.mil
}

func ExampleGuard_Distance() {
	g := typoguard.MustNew([]string{"gmail.com"})
	cost, edits := g.Distance("gmial.com", "gmail.com")
	fmt.Println(cost, edits[0].Op, edits[0].Want, "->", edits[0].Got)
	// Output:
	// 0.6 transpose ai -> ia
}
