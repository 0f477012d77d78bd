package typoguard

import (
	"slices"
	"testing"
)

func BenchmarkCheck(b *testing.B) {
	g := MustNew(slices.Concat(milEntries, providerEntries))
	for _, bc := range []struct{ name, addr string }{
		{"clean", "john.doe@army.mil"},
		{"sub-domain", "john.doe@mail.army.mil"},
		{"inside-suffix", "john.doe@dtic.mil"},
		{"far", "john.doe@example.org"},
		{"typo", "jane@gmial.com"},
		{"suffix-slip", "john.doe@army.ml"},
		{"idn", "jane@gmаil.com"},
		{"display-name", `"John Doe" <john.doe@army.ml>`},
		{"invalid", "john.doe@army..mil"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				g.Check(bc.addr)
			}
		})
	}
}
