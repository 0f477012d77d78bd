package typoguard

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// RuleKnownContact is the name of the rule [KnownContacts] returns.
const RuleKnownContact = "known-contact"

// Contact is an address-book entry: an address and how often it was
// written to. The zero Count is valid (an imported contact never written
// to); a higher Count makes a slip of the contact likelier.
type Contact struct {
	Address string // as [Guard.Check] accepts it: "john.doe@army.mil" or "John Doe <john.doe@army.mil>"
	Count   int    // messages sent to the address; 0 or more
}

// Budgets of the known-contact rule, in the units of [Edit.Cost].
const (
	contactLocalBudget      = 1.0 // local parts of 6 characters or more: one slip of any kind
	contactShortLocalBudget = 0.5 // shorter local parts: a dropped, doubled or look-alike character
	contactShortLocal       = 6
	// contactCountBonus is the most a high Count adds to a score: a
	// contact written to 100 times or more is a stronger prior than one
	// written to once, but the slip itself decides the severity.
	contactCountBonus = 0.05
)

// KnownContacts returns a rule that flags a new recipient one slip away
// from a contact in the book: a slip of the local part at the contact's
// domain ("jon.doe@army.mil" when the book has "john.doe@army.mil") or of
// the domain with the contact's local part ("john.doe@army.ml"). It is
// the pre-send check that catches what a list of protected domains
// cannot: the wrong person at the right organisation. Add it to the
// defaults with [WithRules]:
//
//	contacts, err := typoguard.KnownContacts(book)
//	…
//	g, err := typoguard.New(protected, typoguard.WithRules(append(typoguard.DefaultRules(), contacts)...))
//
// Addresses are parsed and normalised as [Guard.Check] does (IDNA, lower
// case domain, RFC 5321 limits). Local parts are compared case-folded:
// RFC 5321 lets a mailbox be case-sensitive, but no common mail system
// makes it so, and "John.Doe" for "john.doe" does not misdirect mail in
// practice. A recipient that is a contact, up to case, is never flagged
// by this rule; other rules still judge it, so a typo saved in the book
// ("john.doe@army.ml") is still caught by [SuffixSlip]. A contact that
// the Guard itself does not judge OK is never suggested. Duplicate
// entries are merged, adding their counts; the first spelling is kept.
// Contacts with a domain literal ("x@[192.0.2.1]") are accepted and never
// match, as rules do not see such addresses. An empty book is valid: the
// rule then never fires.
//
// One slip is one character dropped, added or replaced, or two
// neighbours swapped (precisely: removing at most one byte from the typed
// part and one from the contact's makes them equal), and it must also fit
// a weighted budget ([Guard.Cost], with the Guard's keyboards). For the
// local part the budget is 1.0 when the contact's local part has 6
// characters or more, and 0.5 below (a dropped, doubled or look-alike
// character, a dropped dot). For the domain it is the near-miss budget of
// the contact's domain (see [Guard.Nearest]), or the slip must be one of
// the public suffix into another real top-level domain ("af.ml" for
// "af.mil"). A typed domain that is known to be legitimate
// ([Guard.Legitimate]) or shares an owner with the contact's is never a
// slip. Slips of two characters and multi-character look-alikes ("rn"
// for "m") are not looked for.
//
// A local-part slip stays at the contact's domain, where it most likely
// bounces or reaches someone else in the same organisation: it scores as
// an undeliverable slip and warns rather than blocks. A domain slip that
// would leave for another real domain scores fully, as the built-in rules
// score it. The contact's Count adds up to 0.05 to the score
// (logarithmically: 0 adds nothing, 9 half of it, 99 or more all of it),
// so among equal slips the contact written to most wins. The rule makes
// at most one finding per contact domain: the best.
//
// Findings of this rule differ from those of the built-in rules: Target
// is the contact's address, not a protected entry; Domain is the
// contact's domain; and Suggestion, which the rule sets, is the contact's
// whole address as spelled in the book, not the local part as typed at
// Domain. For a local-part slip the Edits turn the contact's case-folded
// local part into the one typed, with positions from the start of the
// address; for a domain slip they turn Domain into the typed domain, as
// usual.
//
// The book is copied and indexed: a check costs about the same for ten
// contacts as for ten thousand (a few microseconds), and a recipient that
// is a contact, or is not near one, allocates nothing when its local part
// is ASCII. The index takes about 16 bytes per character of the book's
// addresses. KnownContacts returns an [*Error] wrapping [ErrInvalidConfig]
// (and the reason, such as [ErrInvalidAddress]) for an entry it cannot
// parse or a negative Count. The rule is safe for concurrent use.
func KnownContacts(book []Contact) (Rule, error) {
	b, err := newContactBook(book)
	if err != nil {
		return Rule{}, err
	}
	return Rule{
		Name: RuleKnownContact,
		Doc: `Slip of a known contact
Flags a new recipient one slip away from an address-book contact: the
local part at the contact's domain (jon.doe@army.mil for john.doe@army.mil)
or the domain with the contact's local part (john.doe@army.ml), and
suggests the contact. A contact itself is never flagged.`,
		Check: b.check,
	}, nil
}

// contactBook is the index behind KnownContacts. It is immutable once
// built.
type contactBook struct {
	contacts []contact
	// postings maps the hash of every one-deletion variant of each
	// contact (see contactKey) to the contact, sorted by hash for binary
	// search: compact, and a lookup hashes without allocating.
	postings []posting
	seed     maphash.Seed
}

type contact struct {
	local  string  // case-folded local part
	domain string  // normalised ASCII domain
	addr   string  // the address to suggest: the local part as spelled in the book, at domain
	count  int     // merged Count
	budget float64 // near-miss budget of domain
}

type posting struct {
	hash uint64
	i    int32 // index in contacts
}

// Kinds of index key: a variant of the local part at a fixed domain, or a
// variant of the domain with a fixed local part.
const (
	keyLocal  byte = 'L'
	keyDomain byte = 'D'
)

func newContactBook(book []Contact) (*contactBook, error) {
	b := &contactBook{seed: maphash.MakeSeed()}
	seen := make(map[string]int, len(book))
	for _, e := range book {
		ct, err := parseContact(e)
		if err != nil {
			return nil, err
		}
		if ct.domain == "" {
			continue // a domain literal: rules never see one
		}
		k := ct.local + "@" + ct.domain
		if i, ok := seen[k]; ok {
			b.contacts[i].count = addCounts(b.contacts[i].count, ct.count)
			continue
		}
		seen[k] = len(b.contacts)
		b.contacts = append(b.contacts, ct)
	}
	if len(b.contacts) > math.MaxInt32 {
		return nil, newError("contacts", "", wrap(ErrInvalidConfig, "too many contacts", nil))
	}
	n := 0
	for _, ct := range b.contacts {
		n += len(ct.local) + len(ct.domain) + 2
	}
	b.postings = make([]posting, 0, n)
	for i, ct := range b.contacts {
		for skip := -1; skip < len(ct.local); skip++ {
			b.postings = append(b.postings, posting{contactKey(b.seed, keyLocal, ct.domain, ct.local, skip), int32(i)})
		}
		for skip := -1; skip < len(ct.domain); skip++ {
			b.postings = append(b.postings, posting{contactKey(b.seed, keyDomain, ct.local, ct.domain, skip), int32(i)})
		}
	}
	slices.SortFunc(b.postings, func(x, y posting) int {
		return cmp.Or(cmp.Compare(x.hash, y.hash), cmp.Compare(x.i, y.i))
	})
	b.postings = slices.Compact(b.postings) // a variant reached twice ("jon" from "joon")
	return b, nil
}

// parseContact parses and normalises one entry as Check would.
func parseContact(e Contact) (contact, error) {
	fail := func(detail string, err error) (contact, error) {
		return contact{}, newError("contacts", e.Address, wrap(ErrInvalidConfig, detail, err))
	}
	if e.Count < 0 {
		return fail(fmt.Sprintf("contact count %d: want 0 or more", e.Count), nil)
	}
	a, err := parseAddress(e.Address)
	if err != nil {
		return fail("contact", err)
	}
	if strings.HasPrefix(a.domain, "[") {
		return contact{}, nil
	}
	ascii, _, err := normalizeDomain(a.domain)
	if err != nil {
		return fail("contact", err)
	}
	if n := localWireLen(a.local); n > maxLocalLen {
		return fail("contact", wrap(ErrTooLong, "local part longer than 64 octets", nil))
	} else if n+1+len(ascii) > maxAddressLen {
		return fail("contact", wrap(ErrTooLong, "address longer than 254 octets", nil))
	}
	return contact{
		local:  strings.ToLower(a.local),
		domain: ascii,
		addr:   formatAddrSpec(a.local, ascii),
		count:  e.Count,
		budget: nearBudget(ascii),
	}, nil
}

func addCounts(a, b int) int {
	if a > math.MaxInt-b {
		return math.MaxInt
	}
	return a + b
}

// contactKey hashes kind, fixed, and varied with the byte at skip deleted
// (none when skip is -1). It does not allocate for inputs within the RFC
// 5321 limits.
func contactKey[F, V string | []byte](seed maphash.Seed, kind byte, fixed F, varied V, skip int) uint64 {
	var buf [2 + 2*maxLocalLen + maxDomainLen]byte
	k := append(buf[:0], kind)
	k = append(k, fixed...)
	k = append(k, 0) // a separator; a collision only proposes a candidate that check rejects
	if skip < 0 {
		k = append(k, varied...)
	} else {
		k = append(k, varied[:skip]...)
		k = append(k, varied[skip+1:]...)
	}
	return maphash.Bytes(seed, k)
}

// lookup returns the postings with hash h.
func (b *contactBook) lookup(h uint64) []posting {
	i, _ := slices.BinarySearchFunc(b.postings, h, func(p posting, h uint64) int { return cmp.Compare(p.hash, h) })
	j := i
	for j < len(b.postings) && b.postings[j].hash == h {
		j++
	}
	return b.postings[i:j]
}

// contactMatch is a contact one slip from the candidate.
type contactMatch struct {
	i     int32
	score float64
	local bool // a slip of the local part (else of the domain)
}

func (b *contactBook) check(g *Guard, c Candidate) []Finding {
	if len(b.contacts) == 0 {
		return nil
	}
	var buf [2 * maxLocalLen]byte
	// local is kept apart from q, whose contents escape on the
	// finding path: buf stays on the stack.
	local := foldLocal(buf[:0], c.Local)
	q := contactQuery{b: b, g: g, c: c}
	// A contact, up to case, is never flagged. Its key is the variant
	// with no deletion on either side.
	for _, p := range b.lookup(contactKey(b.seed, keyLocal, c.Domain, local, -1)) {
		if q.exact(p.i, local) {
			return nil
		}
	}
	for skip := -1; skip < len(local); skip++ {
		for _, p := range b.lookup(contactKey(b.seed, keyLocal, c.Domain, local, skip)) {
			q.consider(p.i, local)
		}
	}
	for skip := -1; skip < len(c.Domain); skip++ {
		for _, p := range b.lookup(contactKey(b.seed, keyDomain, local, c.Domain, skip)) {
			q.consider(p.i, local)
		}
	}
	return q.findings(local)
}

// contactQuery is the state of one check: the candidate and the contacts
// found one slip away so far.
type contactQuery struct {
	b       *contactBook
	g       *Guard
	c       Candidate
	matches []contactMatch
	legit   int8 // whether c.Domain is legitimate: 0 unknown, 1 yes, -1 no
}

// exact reports whether contact i is the candidate, whose case-folded
// local part is local.
func (q *contactQuery) exact(i int32, local []byte) bool {
	ct := &q.b.contacts[i]
	return ct.domain == q.c.Domain && ct.local == string(local)
}

// consider records contact i if the candidate is a slip of it. The index
// proposes contacts whose key variants collide with the candidate's;
// consider checks what the hash cannot: the other half of the address
// is equal, and the slip fits the budget.
func (q *contactQuery) consider(i int32, local []byte) {
	ct := &q.b.contacts[i]
	switch {
	case hasMatch(q.matches, i):
	case ct.domain == q.c.Domain && ct.local != string(local):
		if m, ok := q.b.localSlip(q.g, i, local); ok {
			q.matches = append(q.matches, m)
		}
	case ct.local == string(local) && ct.domain != q.c.Domain:
		if q.legit == 0 {
			q.legit = -1
			if q.g.Legitimate(q.c.Domain) {
				q.legit = 1
			}
		}
		if q.legit > 0 || sameOwnerAny(q.g, q.c.Domain, ct.domain) {
			return
		}
		if m, ok := q.b.domainSlip(q.g, i, q.c); ok {
			q.matches = append(q.matches, m)
		}
	}
}

// findings turns the matches into findings: the best match per contact
// domain (highest score, then most written to, then the address).
func (q *contactQuery) findings(local []byte) []Finding {
	if len(q.matches) == 0 {
		return nil
	}
	b, g, c := q.b, q.g, q.c
	slices.SortFunc(q.matches, func(x, y contactMatch) int {
		cx, cy := &b.contacts[x.i], &b.contacts[y.i]
		return cmp.Or(cmp.Compare(y.score, x.score), cmp.Compare(cy.count, cx.count), strings.Compare(cx.addr, cy.addr))
	})
	typed := formatAddrSpec(c.Local, c.Domain)
	out := make([]Finding, 0, len(q.matches))
	for _, m := range q.matches {
		ct := &b.contacts[m.i]
		if slices.ContainsFunc(out, func(f Finding) bool { return f.Domain == ct.domain }) {
			continue
		}
		// Never suggest a typo saved in the book. Checking the contact
		// cannot recurse: to this rule it is a contact.
		if r, err := g.Check(ct.addr); err != nil || r.Verdict != OK {
			continue
		}
		var edits []Edit
		if m.local {
			_, edits = g.Distance(string(local), ct.local)
		} else {
			_, edits = g.Distance(c.Domain, ct.domain)
		}
		out = append(out, Finding{
			Target:     ct.addr,
			Domain:     ct.domain,
			Suggestion: ct.addr,
			Score:      m.score,
			Message:    contactMessage(typed, ct, m.local, edits),
			Edits:      edits,
		})
	}
	return out
}

func hasMatch(ms []contactMatch, i int32) bool {
	return slices.ContainsFunc(ms, func(m contactMatch) bool { return m.i == i })
}

// localSlip judges the candidate's case-folded local part against contact
// i, at the same domain.
func (b *contactBook) localSlip(g *Guard, i int32, local []byte) (contactMatch, bool) {
	ct := &b.contacts[i]
	budget := contactLocalBudget
	if utf8.RuneCountInString(ct.local) < contactShortLocal {
		budget = contactShortLocalBudget
	}
	cost := g.Cost(string(local), ct.local)
	if cost > budget {
		return contactMatch{}, false
	}
	return contactMatch{i: i, score: scoreOf(cost, false) + countBonus(ct.count), local: true}, true
}

// domainSlip judges the candidate's domain against contact i's, for the
// same local part: a near miss within the contact domain's budget, or a
// slip of its public suffix into another delegated one.
func (b *contactBook) domainSlip(g *Guard, i int32, c Candidate) (contactMatch, bool) {
	ct := &b.contacts[i]
	cost := g.Cost(c.Domain, ct.domain)
	suffix, delegated := c.Suffix()
	slip := false
	if delegated {
		want, _ := publicsuffixOf(ct.domain)
		slip = suffix != want &&
			strings.TrimSuffix(c.Domain, suffix) == strings.TrimSuffix(ct.domain, want) &&
			g.Cost(suffix, want) <= slipBudget
	}
	if slip {
		cost *= slipFactor
	} else if cost > ct.budget {
		return contactMatch{}, false
	}
	_, trusted := g.Trusts(c.Domain)
	return contactMatch{i: i, score: scoreOf(cost, delegated && !trusted) + countBonus(ct.count)}, true
}

// countBonus is what a contact's count adds to a score: 0 for 0, half of
// contactCountBonus for 9, all of it from 99.
func countBonus(count int) float64 {
	return contactCountBonus * min(math.Log10(1+float64(count))/2, 1)
}

func contactMessage(typed string, ct *contact, local bool, edits []Edit) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s looks like your contact %s", typed, ct.addr)
	intended := ct.domain
	if local {
		intended = ct.local
	}
	for i, e := range edits {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(describeEdit(intended, e))
	}
	switch ct.count {
	case 0:
	case 1:
		b.WriteString(" (written to once)")
	default:
		fmt.Fprintf(&b, " (written to %d times)", ct.count)
	}
	return b.String()
}

// foldLocal appends the case-folded local part to buf: ASCII without
// allocating, other text with [strings.ToLower].
func foldLocal(buf []byte, local string) []byte {
	for i := 0; i < len(local); i++ {
		if local[i] >= utf8.RuneSelf {
			return append(buf[:0], strings.ToLower(local)...)
		}
		c := local[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf
}
