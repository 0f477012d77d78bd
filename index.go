package typoguard

import (
	"math/bits"
	"slices"
	"strings"
)

// This file holds the indexes New builds so that a check costs about the
// same whatever the size of the protected set: the suffix-slip neighbours
// of the protected suffixes, and the near-miss candidate index.

// domainAlphabet is every byte a normalised ASCII domain may hold.
const domainAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789-."

// singleEdits calls f with every string one edit away from s in the cost
// model's terms: a byte deleted, inserted or replaced (any byte of
// domainAlphabet), two neighbours swapped, or a two-for-one look-alike
// (m for rn and back, w for vv, d for cl). The strings may repeat.
func singleEdits(s string, f func(string)) {
	var b []byte
	edit := func(i, drop int, insert string) {
		b = append(append(append(b[:0], s[:i]...), insert...), s[i+drop:]...)
		f(string(b))
	}
	for i := 0; i <= len(s); i++ {
		for j := 0; j < len(domainAlphabet); j++ {
			edit(i, 0, domainAlphabet[j:j+1]) // insertion
			if i < len(s) && domainAlphabet[j] != s[i] {
				edit(i, 1, domainAlphabet[j:j+1]) // substitution
			}
		}
		if i < len(s) {
			edit(i, 1, "") // deletion
		}
		if i+1 < len(s) && s[i] != s[i+1] {
			edit(i, 2, string([]byte{s[i+1], s[i]})) // transposition
		}
		for _, p := range lookalikePairs {
			if i < len(s) && s[i] == p.one {
				edit(i, 1, p.two)
			}
			if strings.HasPrefix(s[i:], p.two) {
				edit(i, 2, string(p.one))
			}
		}
	}
}

// slipIndex maps each suffix to the protected suffixes (g.tails) within
// the slip budget of it, the answers of NearSuffixes.
//
// Every edit but a missing dot (0.3) costs at least 0.4, so a suffix
// within slipBudget (0.7) of a tail is one edit away from it, or one edit
// away from the tail with one of its dots deleted: the candidates are
// enumerated from each tail and kept when their cost is within budget.
func (g *Guard) slipIndex() map[string][]string {
	out := map[string][]string{}
	limit := costOf(slipBudget)
	for _, tail := range g.tails {
		dotted := "." + tail
		seen := map[string]bool{}
		try := func(s string) {
			suffix, ok := strings.CutPrefix(s, ".")
			if !ok || seen[s] || suffix == tail || !plausibleSuffix(suffix) {
				return
			}
			seen[s] = true
			if _, ok := g.model.distance(s, dotted, limit); ok {
				out[suffix] = append(out[suffix], tail)
			}
		}
		singleEdits(dotted, try)
		for i := 1; i < len(dotted); i++ {
			if dotted[i] == '.' {
				singleEdits(dotted[:i]+dotted[i+1:], try)
			}
		}
	}
	for n, ts := range out {
		out[n] = slices.Compact(slices.Sorted(slices.Values(ts)))
	}
	return out
}

// plausibleSuffix reports whether s could be the public suffix of a
// normalised domain: non-empty labels.
func plausibleSuffix(s string) bool {
	return s != "" && s[0] != '.' && s[len(s)-1] != '.' && !strings.Contains(s, "..")
}

// # The near-miss index
//
// Nearest must find every protected domain w that a label-suffix t of the
// candidate (the "tail" compared with w) is a near miss of: an alignment
// of at most cap(w) edits (1 or 2, see nearLimits) whose weighted cost is
// within w's budget. Edits are insertions, deletions, substitutions,
// transpositions and the two-for-one look-alikes (rn for m and back, vv
// for w, cl for d).
//
// The index is a symmetric deletion neighbourhood (as in FastSS and
// SymSpell), made exact for this cost model:
//
//   - Single-character look-alikes (0/o, 1/l/i) are folded to one
//     character on both sides, so such a substitution is no edit at all.
//   - Two-for-one look-alikes are expanded on the index side: each w is
//     also indexed as w' with up to cap(w) of its m, w, d, rn, vv, cl
//     replaced by their look-alikes, each replacement using up one edit.
//   - What remains aligns w' and t by insertions, deletions, substitutions
//     and transpositions. Deleting from w' the characters its deletions,
//     substitutions and transpositions touch (P), and from t those of its
//     insertions, substitutions and transpositions (Q), leaves the same
//     string. So every w' is indexed under its deletion variants with up
//     to cap(w)-v deletions (v look-alikes used), and a query looks up the
//     variants of t.
//   - Two deletions from t take two edits that each add or change a
//     character (insertions, substitutions other than look-alikes,
//     transpositions), and a near miss allows that only when one of them
//     is a doubled letter (see changes): so one of the deleted characters
//     repeats a neighbour. Within a budget of 1.0 only two doubled letters
//     fit (0.45 each), and t is then two longer than w; a budget of 1.3
//     fits a doubled letter and any other such edit (0.6 or 0.7), and t
//     is then at least as long as w. So a query looks up the variants of t
//     with one deletion, and with two only where a deleted character
//     repeats a neighbour: usually none.
//
// Every entry that can match is therefore a candidate; Nearest then
// judges each candidate exactly as the linear scan does (nearEntry), so
// the index changes the speed and never the answer (TestIndexMatchesLinear,
// FuzzIndexMatchesLinear).
//
// Variants are hashed with a polynomial hash of the folded string, so
// that a query computes each of its variants in a few multiplications
// from prefix hashes. The index stores, per variant, a tag of its hash and
// the entry, bucketed by the top bits of the hash: 4 bytes a variant.

// hashBase is the base of the polynomial variant hash (odd).
const hashBase uint64 = 0x9e3779b97f4a7c15

// hashPow[k] is hashBase to the power k; never modified.
var hashPow = func() (p [maxDomainLen + 2]uint64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * hashBase
	}
	return p
}()

// fold maps a character to its single-character look-alike group (0 and
// o to o; 1, l and i to l); other characters are themselves.
func fold(c byte) byte {
	if f := lookalikeGroup[c]; f != 0 {
		return f
	}
	return c
}

// prefixHashes fills ph[k] with the hash of fold(s[:k]), k <= len(s).
func prefixHashes(s string, ph []uint64) {
	ph[0] = 0
	for i := 0; i < len(s); i++ {
		ph[i+1] = ph[i]*hashBase + uint64(fold(s[i]))
	}
}

// span is the hash of fold(s[a:b]) from s's prefix hashes.
func span(ph []uint64, a, b int) uint64 { return ph[b] - ph[a]*hashPow[b-a] }

// variantKey finishes the hash h of a variant of n characters.
func variantKey(h uint64, n int) uint64 {
	h ^= uint64(n) * 0x94d049bb133111eb
	h ^= h >> 31
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 29
	return h
}

// deletionKeys calls f with the key of fold(s) and of its variants with
// up to dels deletions; ph holds the prefix hashes of s.
func deletionKeys(s string, ph []uint64, dels int, f func(uint64)) {
	n := len(s)
	prefixHashes(s, ph)
	f(variantKey(ph[n], n))
	if dels < 1 {
		return
	}
	for p := range n {
		f(variantKey(span(ph, 0, p)*hashPow[n-p-1]+span(ph, p+1, n), n-1))
	}
	if dels < 2 {
		return
	}
	for p := range n {
		head := span(ph, 0, p)
		for q := p + 1; q < n; q++ {
			f(variantKey((head*hashPow[q-p-1]+span(ph, p+1, q))*hashPow[n-q-1]+span(ph, q+1, n), n-2))
		}
	}
}

// nearIndex finds the protected domains a near miss may be of.
type nearIndex struct {
	// dir[b+1] holds where bucket b starts in items (low 32 bits; it
	// ends where bucket b+1 starts) and a 32-bit filter of its keys
	// (high 32 bits: bit tagBit(key) is set for each), so that most
	// misses never read the items.
	dir    []uint64
	items  []uint32 // tag<<idBits | entry
	shift  uint8    // a key's bucket is key>>shift
	idBits uint8
	// useful[n] says a tail of n characters can be within the edit cap
	// of some protected domain.
	useful [maxDomainLen + 1]bool
	// heads has bit headBit(n, c0, c1) set for every key: the length of
	// its variant and the variant's first two characters (0 past the
	// end). A query's variants with one deletion past their second
	// character all share one head, so one test spares most probes.
	heads []uint64
	// anyFrom is the shortest tail that may need two deletions, one of a
	// doubled letter and one anywhere (a budget of 1.3); doubledFrom the
	// shortest that may need two deletions of doubled letters (a budget of
	// 1.0). 0 when none.
	anyFrom, doubledFrom int
}

// lookalikeSwap is a place in a name where a two-for-one look-alike can
// be replaced: the span [i, i+width) and what replaces it.
type lookalikeSwap struct {
	i, width int
	with     string
}

// lookalikeSwaps appends to swaps each place in w a two-for-one look-alike
// can be replaced, in order.
func lookalikeSwaps(w string, swaps []lookalikeSwap) []lookalikeSwap {
	for i := 0; i < len(w); i++ {
		switch w[i] {
		case 'm', 'w', 'd', 'r', 'v', 'c':
		default:
			continue
		}
		for _, p := range lookalikePairs {
			if w[i] == p.one {
				swaps = append(swaps, lookalikeSwap{i, 1, p.two})
			}
			if w[i] == p.two[0] && i+1 < len(w) && w[i+1] == p.two[1] {
				swaps = append(swaps, lookalikeSwap{i, 2, p.one1})
			}
		}
	}
	return swaps
}

// variantCount is the number of variants with up to dels deletions of a
// string of n characters, as deletionKeys makes them.
func variantCount(n, dels int) int {
	c := 1
	if dels >= 1 {
		c += n
	}
	if dels >= 2 {
		c += n * (n - 1) / 2
	}
	return c
}

// entryKeyCount is the number of keys entryKeys(w, cap, ...) makes.
func entryKeyCount(w string, cap int) int {
	total := variantCount(len(w), cap)
	if cap < 1 {
		return total
	}
	var buf [16]lookalikeSwap
	swaps := lookalikeSwaps(w, buf[:0])
	for x, a := range swaps {
		total += variantCount(len(w)-a.width+len(a.with), cap-1)
		if cap < 2 {
			continue
		}
		for _, b := range swaps[x+1:] {
			if b.i >= a.i+a.width {
				total++
			}
		}
	}
	return total
}

// entryKeys calls f with every key protected domain w is indexed under,
// with an edit cap of cap: see the comment above.
func entryKeys(w string, cap int, f func(uint64)) {
	k := keyer{key: f}
	k.entry(w, cap)
}

// keyer makes the keys, or the heads, of the variants of protected
// domains. (A method, not a callback, takes each variant: so the strings
// it is given stay on the stack.)
type keyer struct {
	ph   [maxDomainLen + 3]uint64
	key  func(uint64)             // called with each key, if not nil
	head func(n int, c0, c1 byte) // called with each head, if not nil
}

// entry makes those of protected domain w with an edit cap of cap: w, and
// w with look-alikes replaced, with their deletion variants.
func (k *keyer) entry(w string, cap int) {
	k.variants(w, cap)
	if cap < 1 {
		return
	}
	var buf [16]lookalikeSwap
	swaps := lookalikeSwaps(w, buf[:0])
	for x, a := range swaps {
		k.variants(w[:a.i]+a.with+w[a.i+a.width:], cap-1)
		if cap < 2 {
			continue
		}
		for _, b := range swaps[x+1:] {
			if b.i >= a.i+a.width { // not overlapping
				k.variants(w[:a.i]+a.with+w[a.i+a.width:b.i]+b.with+w[b.i+b.width:], 0)
			}
		}
	}
}

// variants makes those of s with up to dels deletions.
func (k *keyer) variants(s string, dels int) {
	if k.key != nil {
		deletionKeys(s, k.ph[:], dels, k.key)
	}
	if k.head != nil {
		deletionHeads(s, dels, k.head)
	}
}

// headBits is the size of nearIndex.heads, in bits.
const headBits = 16

// headBit is the bit of nearIndex.heads for variants of n characters
// beginning with c0 and c1 (folded; 0 for none).
func headBit(n int, c0, c1 byte) uint32 {
	return (uint32(n)<<16 | uint32(c0)<<8 | uint32(c1)) * 0x9e3779b1 >> (32 - headBits)
}

// deletionHeads calls f with the length and first two characters (folded,
// 0 past the end) of each variant of s with up to dels deletions, as
// deletionKeys makes them, each head once or more.
func deletionHeads(s string, dels int, f func(n int, c0, c1 byte)) {
	n := len(s)
	at := func(i int) byte {
		if i < n {
			return fold(s[i])
		}
		return 0
	}
	s0, s1, s2, s3 := at(0), at(1), at(2), at(3)
	f(n, s0, s1)
	if dels < 1 || n < 1 {
		return
	}
	// One deletion, at 0, at 1, or further on.
	f(n-1, s1, s2)
	if n >= 2 {
		f(n-1, s0, s2)
	}
	if n >= 3 {
		f(n-1, s0, s1)
	}
	if dels < 2 || n < 2 {
		return
	}
	// Two deletions p < q: {0,1}, {0,2}, {0,3+}, {1,2}, {1,3+}, {2+,3+}.
	f(n-2, s2, s3)
	if n >= 3 {
		f(n-2, s1, s3)
		f(n-2, s0, s3)
	}
	if n >= 4 {
		f(n-2, s1, s2)
		f(n-2, s0, s2)
		f(n-2, s0, s1)
	}
}

// newNearIndex indexes the protected domains of g.
func (g *Guard) newNearIndex() nearIndex {
	var ix nearIndex
	var total int
	for i, e := range g.entries {
		if e.IsSuffix() {
			continue
		}
		c, n := int(g.caps[i]), len(e.Name)
		total += entryKeyCount(e.Name, c)
		for d := -c; d <= c; d++ {
			if n+d >= 0 && n+d <= maxDomainLen {
				ix.useful[n+d] = true
			}
		}
		budget := max(g.budgets[i], slipBudget)
		switch {
		case c < 2:
		case budget >= 1.05: // 0.45 + 0.6: a doubled letter and another insertion, substitution or transposition
			if ix.anyFrom == 0 || n < ix.anyFrom {
				ix.anyFrom = n
			}
		case budget >= 0.9: // 0.45 + 0.45: two doubled letters
			if ix.doubledFrom == 0 || n+2 < ix.doubledFrom {
				ix.doubledFrom = n + 2
			}
		}
	}
	ix.heads = make([]uint64, 1<<headBits/64)
	heads := keyer{head: func(n int, c0, c1 byte) {
		b := headBit(n, c0, c1)
		ix.heads[b/64] |= 1 << (b % 64)
	}}
	for i, e := range g.entries {
		if !e.IsSuffix() {
			heads.entry(e.Name, int(g.caps[i]))
		}
	}
	// About eight items a bucket. The keys are made in batches, ordered
	// by partitionKeys, then counted or placed in a tight loop.
	b := max(bits.Len(uint(total/8)), 1)
	ix.shift = uint8(64 - b)
	ix.idBits = uint8(bits.Len(uint(len(g.entries))))
	ix.dir = make([]uint64, 1<<b+2)
	batchKeys := min(max(total, 1<<12), 1<<18)
	batch, entry := make([]uint64, 0, batchKeys), make([]uint32, 0, batchKeys)
	tmpKeys, tmpEntries := make([]uint64, batchKeys), make([]uint32, batchKeys)
	each := func(flush func(keys []uint64, entries []uint32)) {
		send := func() {
			if len(batch) > len(tmpKeys) { // one very long name
				tmpKeys, tmpEntries = make([]uint64, len(batch)), make([]uint32, len(batch))
			}
			k, e := partitionKeys(batch, entry, tmpKeys, tmpEntries, ix.shift)
			flush(k, e)
			batch, entry = batch[:0], entry[:0]
		}
		for i, e := range g.entries {
			if e.IsSuffix() {
				continue
			}
			entryKeys(e.Name, int(g.caps[i]), func(k uint64) {
				batch = append(batch, k)
				entry = append(entry, uint32(i))
			})
			if len(batch) >= batchKeys/2 {
				send()
			}
		}
		send()
	}
	// Count each bucket's keys in dir[b+1] and sum: dir[b+1] is where
	// bucket b ends. Then place each key at --dir[b+1]: dir[b+1] is where
	// bucket b starts, and bucket b is items[dir[b+1]:dir[b+2]].
	dir := ix.dir
	each(func(keys []uint64, _ []uint32) {
		for _, k := range keys {
			dir[k>>ix.shift+1]++
		}
	})
	for i := 1; i < len(dir)-1; i++ {
		dir[i] += dir[i-1]
	}
	dir[len(dir)-1] = uint64(total)
	ix.items = make([]uint32, total)
	items := ix.items
	each(func(keys []uint64, entries []uint32) {
		for x, k := range keys {
			b := k>>ix.shift + 1
			dir[b]--
			items[uint32(dir[b])] = ix.item(k, entries[x])
			dir[b] |= tagBit(k)
		}
	})
	return ix
}

// partitionKeys orders keys, and entries alike, by the top 11 bits of
// their bucket (a counting sort into tmpKeys and tmpEntries, which it
// returns), so that a pass over them walks dir and items in order.
func partitionKeys(keys []uint64, entries []uint32, tmpKeys []uint64, tmpEntries []uint32, shift uint8) ([]uint64, []uint32) {
	const bits = 11
	top := shift
	if 64-top > bits {
		top = 64 - bits
	}
	var count [1<<bits + 1]int
	for _, k := range keys {
		count[k>>top+1]++
	}
	for i := 1; i < len(count); i++ {
		count[i] += count[i-1]
	}
	tk, te := tmpKeys[:len(keys)], tmpEntries[:len(keys)]
	for i, k := range keys {
		p := k >> top
		tk[count[p]] = k
		te[count[p]] = entries[i]
		count[p]++
	}
	return tk, te
}

// tagBit is the bit of a key in its bucket's filter, from key bits that
// neither the bucket nor the tag use.
func tagBit(key uint64) uint64 { return 1 << (32 + (key>>32)&31) }

// item packs a key's tag and an entry.
func (ix *nearIndex) item(key uint64, entry uint32) uint32 {
	return uint32(key)<<ix.idBits | entry
}

// hasHead reports whether some key is of a variant of n characters
// beginning with c0 and c1.
func (ix *nearIndex) hasHead(n int, c0, c1 byte) bool {
	b := headBit(n, c0, c1)
	return ix.heads[b/64]&(1<<(b%64)) != 0
}

// lookup adds to cands the entries indexed under key.
func (ix *nearIndex) lookup(key uint64, cands []int32) []int32 {
	b := key>>ix.shift + 1
	d := ix.dir[b]
	if d&tagBit(key) == 0 {
		return cands
	}
	tag := uint32(key) << ix.idBits
	for _, it := range ix.items[uint32(d):uint32(ix.dir[b+1])] {
		if it^tag < 1<<ix.idBits {
			cands = addCandidate(cands, int32(it^tag))
		}
	}
	return cands
}

func addCandidate(cands []int32, e int32) []int32 {
	if slices.Contains(cands, e) {
		return cands
	}
	return append(cands, e)
}

// candidates returns the protected domains (entry indexes, in no order)
// that a label-suffix of domain may be a near miss of, appended to cands.
func (ix *nearIndex) candidates(domain string, cands []int32) []int32 {
	end := len(domain)
	if len(ix.dir) == 0 || end > maxDomainLen {
		return cands
	}
	// The prefix hashes, in a small array for the usual short names.
	var ph []uint64
	if end < 64 {
		var small [64]uint64
		ph = small[:end+1]
	} else {
		var large [maxDomainLen + 1]uint64
		ph = large[:end+1]
	}
	prefixHashes(domain, ph)
	for a := 0; a < end; a++ {
		if a > 0 && domain[a-1] != '.' {
			continue
		}
		n := end - a
		if !ix.useful[n] {
			continue
		}
		// The tail domain[a:]: as it is, then less one character; the
		// hash of the tail less character p is
		// (ph[p]-ph[p+1])*B^(end-1-p) + (ph[end] - ph[a]*B^(end-1-a)).
		// The heads of the tail, and of its variants less one character:
		// the first, the second, or one further on.
		t0, t1, t2 := fold(domain[a]), byte(0), byte(0)
		if n > 1 {
			t1 = fold(domain[a+1])
		}
		if n > 2 {
			t2 = fold(domain[a+2])
		}
		if ix.hasHead(n, t0, t1) {
			cands = ix.lookup(variantKey(span(ph, a, end), n), cands)
		}
		rest := ph[end] - ph[a]*hashPow[n-1]
		last := end
		if !ix.hasHead(n-1, t0, t1) {
			last = min(end, a+2) // no key for a deletion further on
		}
		for p := a; p < last; p++ {
			if p == a && !ix.hasHead(n-1, t1, t2) || p == a+1 && !ix.hasHead(n-1, t0, t2) {
				continue
			}
			cands = ix.lookup(variantKey((ph[p]-ph[p+1])*hashPow[end-1-p]+rest, n-1), cands)
		}
		// Less two characters, one of them a doubled letter.
		anyPair := ix.anyFrom > 0 && n >= ix.anyFrom
		if !anyPair && (ix.doubledFrom == 0 || n < ix.doubledFrom) {
			continue
		}
		var doubled [maxDomainLen]bool
		some := false
		for p := a; p < end; p++ {
			doubled[p] = repeats(domain[a:], p-a)
			some = some || doubled[p]
		}
		if !some {
			continue
		}
		for p := a; p < end; p++ {
			if !doubled[p] && !anyPair {
				continue
			}
			head := span(ph, a, p)
			for q := p + 1; q < end; q++ {
				if doubled[p] && anyPair || doubled[q] {
					k := (head*hashPow[q-p-1]+span(ph, p+1, q))*hashPow[end-q-1] + span(ph, q+1, end)
					cands = ix.lookup(variantKey(k, n-2), cands)
				}
			}
		}
	}
	return cands
}

// repeats reports whether s[i] equals a neighbour: where an insertion is
// a doubled letter.
func repeats(s string, i int) bool {
	return i > 0 && s[i-1] == s[i] || i+1 < len(s) && s[i+1] == s[i]
}
