package typoguard

import (
	"math"
	"math/bits"
	"slices"
)

// EditOp is the kind of one edit step that turns an intended domain into
// the one that was typed.
type EditOp string

// Edit operations.
const (
	OpDelete     EditOp = "delete"     // a character of the intended name is missing
	OpInsert     EditOp = "insert"     // an extra character was typed
	OpSubstitute EditOp = "substitute" // one (or, for look-alikes, two) characters typed in place of others
	OpTranspose  EditOp = "transpose"  // two neighbouring characters swapped
)

// EditClass says why an edit is a likely slip; it decides the edit's cost.
type EditClass string

// Edit classes, cheapest first.
const (
	ClassDot         EditClass = "dot"          // a missing dot (merged labels)
	ClassDoubled     EditClass = "doubled"      // a doubled letter typed once, or a letter typed twice
	ClassLookalike   EditClass = "lookalike"    // characters that look alike: 0/o, 1/l/i, rn/m, vv/w, cl/d
	ClassAdjacentKey EditClass = "adjacent-key" // neighbouring keys on a keyboard layout
	ClassTranspose   EditClass = "transpose"    // two neighbouring characters swapped
	ClassBitFlip     EditClass = "bit-flip"     // characters one bit apart, nothing else
	ClassOther       EditClass = "other"        // any other letter
	ClassDigitHyphen EditClass = "digit-hyphen" // a conspicuous digit or hyphen
	// Classes used by rules beyond the distance:
	ClassAppended  EditClass = "appended"      // a suffix appended to a protected domain
	ClassInvisible EditClass = "invisible"     // an invisible character (zero-width, soft hyphen)
	ClassCompat    EditClass = "compatibility" // a full-width or other compatibility form
)

// Edit is one step of the cheapest alignment between an intended domain
// and a typed one.
type Edit struct {
	Op    EditOp    `json:"op"`
	Class EditClass `json:"class"`
	// Pos is the byte offset in the intended domain where the edit applies
	// (for an insertion, the offset before which the character was typed).
	Pos  int    `json:"pos"`
	Want string `json:"want"` // characters of the intended domain; empty for an insertion
	Got  string `json:"got"`  // characters typed; empty for a deletion
	// Cost is the edit's cost in the model of the package documentation,
	// first-position penalty included; lower is a likelier slip.
	Cost float64 `json:"cost"`
}

// cost is an edit cost in hundredths (0.6 is 60); Edit.Cost is cost.float().
// distance and script take domains of up to maxDomainLen (255) bytes.
type cost int32

// maxCost is the largest cost: a bound that no distance exceeds.
const maxCost cost = math.MaxInt32

// float returns c in the units of Edit.Cost.
func (c cost) float() float64 { return float64(c) / 100 }

// costOf converts f, in the units of Edit.Cost, to hundredths, rounded and
// saturating at ±maxCost; NaN converts to -1, below every cost.
func costOf(f float64) cost {
	switch {
	case f != f:
		return -1
	case f >= maxCost.float():
		return maxCost
	case f <= -maxCost.float():
		return -maxCost
	}
	return cost(math.Round(f * 100))
}

// Costs of the edit classes, in hundredths: BRIEF's class table. A cheaper
// class is a likelier slip. costFirstPos is added to any edit at offset 0.
const (
	costDeleteDot      cost = 30  // deletion, below 0.4–0.5 for a missing dot: "gmailcom"
	costDeleteDoubled  cost = 40  // deletion 0.4–0.5: a doubled letter typed once, "yaho.com"
	costDeleteOther    cost = 50  // deletion 0.4–0.5: omission, the commonest slip, "gmil.com"
	costLookalike      cost = 40  // look-alike 0.4: 0/o, 1/l/i, rn/m, vv/w, cl/d
	costTranspose      cost = 60  // transposition 0.6: "gmial.com"
	costInsertDoubled  cost = 45  // doubling, the main cause of insertions (Pollock & Zamora): a key hit twice, "gmaill.com"
	costInsertAdjacent cost = 60  // doubled/adjacent 0.5–0.7: a neighbouring key hit too
	costSubAdjacent    cost = 70  // doubled/adjacent 0.5–0.7: a neighbouring key instead, "gmail.con"
	costBitFlip        cost = 90  // bit-flip 0.9: bytes one bit apart, nothing else
	costInsertOther    cost = 100 // other 1.0
	costSubOther       cost = 100 // other 1.0
	costDigitHyphen    cost = 120 // digit/hyphen 1.2: a conspicuous digit or '-' inserted or substituted
	costFirstPos       cost = 30  // first position penalty: first-letter errors are rare
)

// costModel prices the edits that turn an intended domain into a typed one.
// Build it with newCostModel, once: it holds a 64 KiB table.
type costModel struct {
	keys *keyboard        // key adjacencies; nil means none
	unit bool             // tests only: every edit costs 1, no first-position penalty
	sub  *[256][256]uint8 // sub[a][b]: subClass(a, b) cost (all costs < 256), for distance
}

// newCostModel returns the cost model with the key adjacencies of k (nil for
// none). It takes about a millisecond.
func newCostModel(k *keyboard) *costModel {
	m := &costModel{keys: k, sub: new([256][256]uint8)}
	for a := range 256 {
		for b := range 256 {
			if a != b {
				c, _ := m.subClass(byte(a), byte(b))
				m.sub[a][b] = uint8(c)
			}
		}
	}
	return m
}

// price returns the cost of an edit of base cost c at offset pos of the
// intended domain.
func (m *costModel) price(c cost, pos int) cost {
	switch {
	case m.unit:
		return 1
	case pos == 0:
		return c + costFirstPos
	}
	return c
}

func (m *costModel) adjacent(a, b byte) bool { return m.keys != nil && m.keys.adjacent(a, b) }

func isDigitHyphen(c byte) bool { return '0' <= c && c <= '9' || c == '-' }

// delClass classifies deleting w[i], before the first-position penalty.
func (m *costModel) delClass(w string, i int) (cost, EditClass) {
	switch c := w[i]; {
	case c == '.':
		return costDeleteDot, ClassDot
	case i > 0 && w[i-1] == c || i+1 < len(w) && w[i+1] == c:
		return costDeleteDoubled, ClassDoubled
	}
	return costDeleteOther, ClassOther
}

// insClass classifies the extra typed character g[j] by its typed
// neighbours, before the first-position penalty.
func (m *costModel) insClass(g string, j int) (cost, EditClass) {
	c := g[j]
	hasPrev, hasNext := j > 0, j+1 < len(g)
	switch {
	case hasPrev && g[j-1] == c || hasNext && g[j+1] == c:
		return costInsertDoubled, ClassDoubled
	case hasPrev && m.adjacent(c, g[j-1]) || hasNext && m.adjacent(c, g[j+1]):
		return costInsertAdjacent, ClassAdjacentKey
	case isDigitHyphen(c):
		return costDigitHyphen, ClassDigitHyphen
	}
	return costInsertOther, ClassOther
}

// subClass classifies typing b for a (a != b), before the first-position
// penalty: the cheapest class that applies.
func (m *costModel) subClass(a, b byte) (cost, EditClass) {
	switch {
	case lookalike1(a, b):
		return costLookalike, ClassLookalike
	case m.adjacent(a, b):
		return costSubAdjacent, ClassAdjacentKey
	case bits.OnesCount8(a^b) == 1:
		return costBitFlip, ClassBitFlip
	case isDigitHyphen(a) || isDigitHyphen(b):
		return costDigitHyphen, ClassDigitHyphen
	}
	return costSubOther, ClassOther
}

// lookalikeGroup maps each single-character look-alike to its group: 0/o,
// and 1/l/i.
var lookalikeGroup = [256]byte{'0': 'o', 'o': 'o', '1': 'l', 'l': 'l', 'i': 'l'}

// lookalike1 reports whether a and b are different look-alike characters.
func lookalike1(a, b byte) bool {
	return a != b && lookalikeGroup[a] != 0 && lookalikeGroup[a] == lookalikeGroup[b]
}

// lookalikePairs are the characters that look like a pair of others; the
// look-alike may go either way (intended "m" typed "rn", or the reverse).
var lookalikePairs = [...]struct {
	one  byte
	one1 string // one, as a string
	two  string
}{{'m', "m", "rn"}, {'w', "w", "vv"}, {'d', "d", "cl"}}

// lookalikeTwo returns the pair that looks like one, or "".
func lookalikeTwo(one byte) string {
	switch one {
	case 'm':
		return "rn"
	case 'w':
		return "vv"
	case 'd':
		return "cl"
	}
	return ""
}

// lookalikeOne returns the character that looks like the pair two.
func lookalikeOne(two string) (one byte, ok bool) {
	if len(two) != 2 {
		return 0, false
	}
	switch {
	case two[0] == 'r' && two[1] == 'n':
		return 'm', true
	case two[0] == 'v' && two[1] == 'v':
		return 'w', true
	case two[0] == 'c' && two[1] == 'l':
		return 'd', true
	}
	return 0, false
}

// over returns a cost above max (saturating).
func over(max cost) cost {
	if max == maxCost {
		return max
	}
	return max + 1
}

// distance returns the cost of the cheapest edits (an optimal string
// alignment: no substring edited twice) that turn intended into typed, and
// true when it is at most max. Otherwise it returns a cost above max and
// false, stopping early once two consecutive DP rows exceed max (a
// transposition or a 2-to-1 look-alike can jump one row, so one row is not
// enough), and at once for inputs longer than maxDomainLen. It does not
// allocate.
func (m *costModel) distance(typed, intended string, max cost) (cost, bool) {
	w, g := intended, typed
	if len(w) > maxDomainLen || len(g) > maxDomainLen {
		return over(max), false
	}
	// Four rows of the DP (three, and the insertion costs) on the stack,
	// small ones for the common short names.
	if len(g) < 48 {
		var buf [4 * 48]cost
		return m.distanceIn(g, w, max, buf[:])
	}
	var buf [4 * (maxDomainLen + 1)]cost
	return m.distanceIn(g, w, max, buf[:])
}

// distanceIn is distance with rows in buf, 4*(len(g)+1) long at least.
func (m *costModel) distanceIn(g, w string, max cost, buf []cost) (cost, bool) {
	n := len(g) + 1
	prev2, prev, cur, insert := buf[:n], buf[n:2*n], buf[2*n:3*n], buf[3*n:3*n+len(g)]
	rowMin := m.firstRow(g, cur, insert) // 0
	if rowMin > max {
		return rowMin, false
	}
	for i := 1; i <= len(w); i++ {
		prev2, prev, cur = prev, cur, prev2
		prevMin := rowMin
		rowMin = m.row(w, g, i, insert, prev2, prev, cur)
		if rowMin > max && prevMin > max {
			return min(rowMin, prevMin), false
		}
	}
	d := cur[len(g)]
	return d, d <= max
}

// firstRow fills row 0 of the DP, where all of g is inserted before w[0],
// and insert[j] with the cost of inserting g[j] at an offset above 0. It
// returns the row's minimum, 0.
func (m *costModel) firstRow(g string, row, insert []cost) cost {
	row[0] = 0
	for j := range len(g) {
		c, _ := m.insClass(g, j)
		row[j+1] = row[j] + m.price(c, 0)
		insert[j] = m.price(c, 1)
	}
	return 0
}

// row fills row i > 0 of the DP, the costs of turning w[:i] into each g[:j],
// from the two rows above (prev2 is not read when i == 1) and returns the
// row's minimum. It tries the transitions of steps; edit prices them one
// by one, and row does the same, fast: prices that depend only on the row
// are hoisted out of the loop (rowUnit is the plain version, for the unit
// model of the tests).
func (m *costModel) row(w, g string, i int, insert, prev2, prev, cur []cost) cost {
	if m.unit {
		return m.rowUnit(w, g, i, insert, prev2, prev, cur)
	}
	n := len(g)
	prev, cur, insert = prev[:n+1], cur[:n+1], insert[:n]
	a := w[i-1] // the intended character this row consumes
	sub := &m.sub[a]
	del, _ := m.delClass(w, i-1)
	pen := cost(0) // the first-position penalty of an edit at i-1
	if i == 1 {
		pen = costFirstPos
	}
	del += pen
	// A transposition of w[i-2:i], and look-alikes: one intended
	// character typed as two, or two as one.
	var x byte
	transpose, swap := costTranspose, i > 1 && w[i-2] != a
	if swap {
		x = w[i-2]
		if i == 2 {
			transpose += costFirstPos
		}
	}
	look12, two := costLookalike+pen, lookalikeTwo(a)
	look21, one, oneOK := cost(costLookalike), byte(0), false
	if i > 1 {
		one, oneOK = lookalikeOne(w[i-2 : i])
		if i == 2 {
			look21 += costFirstPos
		}
	}
	special := swap || two != "" || oneOK

	left := prev[0] + del
	cur[0] = left
	rowMin := left
	for j := 1; j <= n; j++ {
		b := g[j-1]
		best := min(prev[j]+del, left+insert[j-1])
		diag := prev[j-1]
		if a != b {
			diag += cost(sub[b]) + pen
		}
		best = min(best, diag)
		if special {
			if swap && j > 1 && b == x && g[j-2] == a {
				best = min(best, prev2[j-2]+transpose)
			}
			if two != "" && j > 1 && g[j-2] == two[0] && b == two[1] {
				best = min(best, prev[j-2]+look12)
			}
			if oneOK && b == one {
				best = min(best, prev2[j-1]+look21)
			}
		}
		cur[j] = best
		left = best
		rowMin = min(rowMin, best)
	}
	return rowMin
}

// rowUnit is row for any model, pricing each transition with price.
func (m *costModel) rowUnit(w, g string, i int, insert, prev2, prev, cur []cost) cost {
	a := w[i-1] // the intended character this row consumes
	sub := &m.sub[a]
	del, _ := m.delClass(w, i-1)
	del = m.price(del, i-1)
	transpose := m.price(costTranspose, i-2)
	look12 := m.price(costLookalike, i-1)
	look21 := m.price(costLookalike, i-2)
	look12Got := lookalikeTwo(a) // typed for a, "" if none
	look21Got, look21OK := byte(0), false
	if i > 1 {
		look21Got, look21OK = lookalikeOne(w[i-2 : i])
	}

	cur[0] = prev[0] + del
	rowMin := cur[0]
	for j := 1; j <= len(g); j++ {
		b := g[j-1]
		best := min(prev[j]+del, cur[j-1]+insert[j-1])
		if a == b {
			best = min(best, prev[j-1])
		} else {
			best = min(best, prev[j-1]+m.price(cost(sub[b]), i-1))
		}
		if i > 1 && j > 1 && a != w[i-2] && a == g[j-2] && w[i-2] == b {
			best = min(best, prev2[j-2]+transpose)
		}
		if look12Got != "" && j > 1 && g[j-2:j] == look12Got {
			best = min(best, prev[j-2]+look12)
		}
		if look21OK && b == look21Got {
			best = min(best, prev2[j-1]+look21)
		}
		cur[j] = best
		rowMin = min(rowMin, best)
	}
	return rowMin
}

// step is a DP transition into cell (i, j) (i intended and j typed bytes
// consumed) from (i-di, j-dj). The order of steps is the tie-break of script.
type step struct {
	op     EditOp
	di, dj int
}

// steps in order of preference: a match (or else a substitution), a
// transposition, a deletion, an insertion, then the two-character
// look-alikes (one intended character typed as two, then two as one).
var steps = [...]step{
	{OpSubstitute, 1, 1},
	{OpTranspose, 2, 2},
	{OpDelete, 1, 0},
	{OpInsert, 0, 1},
	{OpSubstitute, 1, 2},
	{OpSubstitute, 2, 1},
}

// edit prices step s into cell (i, j): ok is false where it does not apply.
// A match is the diagonal step between equal bytes, with cost 0.
func (m *costModel) edit(w, g string, i, j int, s step) (c cost, e Edit, ok bool) {
	if i < s.di || j < s.dj {
		return 0, e, false
	}
	e = Edit{Op: s.op, Pos: i - s.di, Want: w[i-s.di : i], Got: g[j-s.dj : j]}
	switch {
	case s.op == OpTranspose:
		if e.Want[0] == e.Want[1] || e.Want[0] != e.Got[1] || e.Want[1] != e.Got[0] {
			return 0, e, false
		}
		c, e.Class = costTranspose, ClassTranspose
	case s.op == OpDelete:
		c, e.Class = m.delClass(w, i-1)
	case s.op == OpInsert:
		c, e.Class = m.insClass(g, j-1)
	case s.di == 2:
		if one, ok := lookalikeOne(e.Want); !ok || one != e.Got[0] {
			return 0, e, false
		}
		c, e.Class = costLookalike, ClassLookalike
	case s.dj == 2:
		if lookalikeTwo(e.Want[0]) != e.Got {
			return 0, e, false
		}
		c, e.Class = costLookalike, ClassLookalike
	case e.Want == e.Got:
		return 0, Edit{}, true // a match
	default:
		c, e.Class = m.subClass(e.Want[0], e.Got[0])
	}
	c = m.price(c, e.Pos)
	e.Cost = c.float()
	return c, e, true
}

// script returns the cost of turning intended into typed and the edits of
// one cheapest alignment, in order of Pos; ok is false when an input is
// longer than maxDomainLen. Ties are broken walking back from the ends of
// both strings: at each cell the cheapest step into it is taken, the first
// in the order of steps on a tie (match or substitution, transposition,
// deletion, insertion, look-alikes). So a match beats an edit, and an edit
// that could go on either of two equal characters goes on the first
// ("gmaill.com": the first 'l' is the extra one).
func (m *costModel) script(typed, intended string) (c cost, edits []Edit, ok bool) {
	if len(intended) > maxDomainLen || len(typed) > maxDomainLen {
		return 0, nil, false
	}
	c, edits, _ = m.scriptWithin(typed, intended, maxCost)
	return c, edits, true
}

// scriptWithin is script when the cost is at most max, as distance
// decides it; otherwise it returns a cost above max, no edits and false,
// stopping as early as distance does. One DP serves both the bound and
// the edits.
func (m *costModel) scriptWithin(typed, intended string, bound cost) (c cost, edits []Edit, ok bool) {
	w, g := intended, typed
	if len(w) > maxDomainLen || len(g) > maxDomainLen {
		return over(bound), nil, false
	}
	cols := len(g) + 1
	// The whole DP and the insertion costs, on the stack for short names.
	var small [24*24 + 24]cost
	var d, insert []cost
	if size := (len(w) + 1) * cols; size+len(g) <= len(small) {
		d, insert = small[:size], small[size:size+len(g)]
	} else {
		buf := make([]cost, size+len(g))
		d, insert = buf[:size], buf[size:]
	}
	dp := func(i int) []cost { return d[i*cols : (i+1)*cols] } // row i
	rowMin := m.firstRow(g, dp(0), insert)                     // 0
	if rowMin > bound {
		return rowMin, nil, false
	}
	for i := 1; i <= len(w); i++ {
		prevMin := rowMin
		rowMin = m.row(w, g, i, insert, dp(max(i-2, 0)), dp(i-1), dp(i))
		if rowMin > bound && prevMin > bound {
			return min(rowMin, prevMin), nil, false
		}
	}
	if c = d[len(d)-1]; c > bound {
		return c, nil, false
	}

	edits = make([]Edit, 0, 4)
	for i, j := len(w), len(g); i > 0 || j > 0; {
		// A match into this cell costs nothing, and no step costs less
		// than the cell: it is the cheapest, and the first of steps.
		if i > 0 && j > 0 && w[i-1] == g[j-1] && d[(i-1)*cols+j-1] == d[i*cols+j] {
			i, j = i-1, j-1
			continue
		}
		// A deletion or an insertion always applies, so this progresses.
		var best Edit
		bestCost, bestStep := maxCost, step{}
		for _, s := range steps {
			if ec, e, applies := m.edit(w, g, i, j, s); applies {
				if total := d[(i-s.di)*cols+j-s.dj] + ec; total < bestCost {
					best, bestCost, bestStep = e, total, s
				}
			}
		}
		if best.Op != "" { // not a match
			edits = append(edits, best)
		}
		i, j = i-bestStep.di, j-bestStep.dj
	}
	if len(edits) == 0 {
		edits = nil
	}
	slices.Reverse(edits)
	return c, edits, true
}
