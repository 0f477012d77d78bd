package typoguard
import ("testing";"fmt")
func TestTmpCapDiff(t *testing.T){
	for _, name := range []string{"providers","mil"} {
		protected, addrs := corpusAddresses(t, name)
		g := MustNew(protected)
		u := linearGuard(g); u.caps = make([]uint8, len(g.caps)); for i := range u.caps { u.caps[i] = 255 }
		n, nf := 0, 0
		for _, a := range addrs {
			r1, _ := g.Check(a); r2, _ := u.Check(a)
			if r1.Verdict != r2.Verdict || r1.Suggestion != r2.Suggestion { n++; if n < 15 { fmt.Println(name, a, r1.Verdict, r1.Suggestion, "| uncapped:", r2.Verdict, r2.Suggestion) } }
			if len(r1.Findings) != len(r2.Findings) { nf++ }
		}
		fmt.Println(name, "rows with a different verdict or suggestion:", n, "different finding count:", nf, "of", len(addrs))
	}
}
