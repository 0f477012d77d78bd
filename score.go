package typoguard

// This file is the one place where the judgment is calibrated: the
// costs of the rules beyond single edits (the per-edit costs are the
// class table in distance.go), the near-miss budgets, and the mapping
// from cost to score. The package documentation explains the model.

// Default thresholds on a finding's score; see the package documentation
// for the score model they were chosen for.
const (
	DefaultWarnThreshold  = 0.40
	DefaultBlockThreshold = 0.60
)

// Costs of the rules beyond single edits, in the units of [Edit.Cost]
// (BRIEF §4's class table).
const (
	appendedCost    = 0.3 // protected domain plus an appended label: army.mil.ml
	punctuationCost = 0.3 // a punctuation slip, like a missing dot: gmail..com
	lookalikeCost   = 0.1 // Unicode look-alike: skeleton equal, ASCII differs
	slipBudget      = 0.7 // a suffix slip is one likely edit of the suffix
	// slipFactor scales the cost of a suffix slip into a real TLD: such
	// slips are commoner than the same edit elsewhere (BRIEF §4 puts them
	// at 0.2–0.4), so one edit of 0.4–0.7 costs 0.24–0.42.
	slipFactor = 0.6
	// minEditCost is the cheapest single edit (a missing dot), for
	// length prefilters.
	minEditCost = 0.3
)

// Scores of the obfuscation rule: invisible characters (zero-width,
// soft hyphen) are never typed by accident; full-width and compatibility
// forms come from East Asian input methods and are usually innocent.
const (
	invisibleScore = 0.5
	mappedScore    = 0.3
)

// bounceFactor scales the score of a slip whose mail would bounce rather
// than leak: an undelegated TLD, or a name under a protected suffix
// whose owner will reject it.
const bounceFactor = 0.7

// nearBudget returns the near-miss budget of a protected domain, by the
// length of its registrable label: short names have many innocent
// neighbours, so only the cheapest slips may fire there, and two cheap
// edits only on long labels.
func nearBudget(domain string) float64 {
	ps, _ := publicsuffixOf(domain)
	b, _ := nearLimits(domain, ps)
	return b
}

// nearLimits returns the near-miss budget of a protected domain whose
// public suffix is ps, and the most edits a near miss of it may take: one
// below 6 characters of registrable label, two from 6 on.
func nearLimits(domain, ps string) (budget float64, edits uint8) {
	n := len(registrableLabel(domain, ps))
	switch {
	case n <= 3:
		return 0.45, 1 // look-alikes and doubled letters only
	case n <= 5:
		return 0.7, 1 // one likely slip
	case n <= 8:
		return 1.0, 2 // one slip of any letter class, or two look-alikes
	}
	return 1.3, 2 // two likely slips
}

// scoreOf turns the weighted cost of a slip into a score in [0,1]:
// 1/(1+cost), so the likelier the slip (the lower the cost), the higher;
// a slip that would deliver to someone else (a delegated domain outside
// the protected set) counts fully, one that would bounce bounceFactor as
// much. With the default thresholds, one likely slip into a real domain
// (cost ≤ 0.66) blocks, a costlier or undeliverable one warns.
func scoreOf(cost float64, delivers bool) float64 {
	s := 1 / (1 + cost)
	if !delivers {
		s *= bounceFactor
	}
	return s
}
