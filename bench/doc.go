// Package bench compares typoguard with a plain Levenshtein linear scan
// (github.com/agnivade/levenshtein) over the same protected sets and
// inputs as typoguard's own benchmarks. It is a separate module so that
// typoguard's go.mod gains nothing:
//
//	cd bench && go test -run '^$' -bench . -benchmem
//
// The scan is what a typo checker without an index does: the edit distance
// from the address's domain to every protected domain, keeping the nearest
// within two edits. It knows nothing of keyboards, look-alikes, suffixes or
// known-legitimate domains, so it is both less accurate and, past a few
// hundred entries, much slower.
package bench
