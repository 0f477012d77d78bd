// Package typoguard catches mistyped e-mail addresses before mail leaves:
// army.ml for army.mil, gmial.com for gmail.com, gmail.com.co, us.army.ml.
//
// For over a decade, mail meant for the US military's .mil domain went to
// .ml (Mali), one missing letter away: diplomatic documents, passwords,
// medical records. Typo domains of big mail providers receive hundreds of
// thousands of genuine messages a year. typoguard judges each address
// against the domains and suffixes you protect and explains what it finds:
//
//	g := typoguard.MustNew([]string{"army.mil", ".mil", "gmail.com"})
//	r, err := g.Check("John Doe <john.doe@army.ml>")
//	// r.Verdict    == typoguard.Block
//	// r.Suggestion == "john.doe@army.mil"
//	// r.Findings[0].Message ==
//	//   "army.ml looks like army.mil: i deleted from mil (.ml is a real top-level domain: the mail would leave)"
//
// Worked examples with army.mil, .mil and gmail.com protected:
//
//	army.ml           block    suffix-slip     army.mil   .ml is delegated: the mail is delivered in Mali
//	us.army.ml        block    near-miss       us.army.mil
//	army.mil.ml       block    appended-label  army.mil
//	darpa.ml          block    suffix-slip     darpa.mil  darpa is a known name under .mil
//	amry.mil          warn     inside-suffix   army.mil   stays in .mil and bounces
//	gmial.com         block    near-miss       gmail.com
//	gmаil.com         block    lookalike       gmail.com  а is U+0430 CYRILLIC SMALL LETTER A
//	xn--gmil-63d.com  block    lookalike       gmail.com  the same, in punycode
//	gmailcom          warn     appended-label  gmail.com  undeliverable: bounces
//	gmail..com        invalid  punctuation     gmail.com  not a domain, but a suggestion
//	dtic.mil          ok       trusted by .mil
//	gouv.ml           ok       a real Malian domain, not a slip
//	gmx.com           ok       known to be legitimate
//
// # Concepts
//
// An address is an RFC 5322 addr-spec ("jane@gmail.com"), a name-addr
// ("Jane <jane@gmail.com>") or, for [Guard.CheckList], an address list.
// The local part is kept as written and never corrected. RFC 5321 limits
// apply: 64 octets of local part, 255 of domain, 254 in all.
//
// The domain is normalised with a strict UTS #46 profile of
// golang.org/x/net/idna (lookup mapping, Bidi rule, STD3 rules, DNS
// lengths: "army..mil" is an error), lower-cased, one trailing root dot
// dropped. Both the ASCII (A-label) and the Unicode form are kept. The
// Public Suffix List (golang.org/x/net/publicsuffix) splits it into
// sub-domains, the registrable label and the public suffix, and says
// whether the top-level domain is delegated.
//
// A protected entry is a domain ("army.mil": it and its sub-domains are
// trusted) or a whole suffix (".mil": every domain under it is trusted,
// and look-alikes of the suffix are flagged for known names). Entries
// may carry a weight ([WithWeights]) that ranks equal findings.
//
// Known-legitimate domains are never flagged as typos of something else
// (gmx.com, mail.com, mac.com, hey.com, yahoo.co.uk, 163.com). Domains of
// one owner (gmail.com and googlemail.com; hotmail.com and outlook.com)
// never point at each other, and protecting one trusts the others. This
// built-in knowledge applies whatever is protected; [WithBuiltinKnowledge]
// turns it off, [WithLegitimate] adds to it.
//
// A [Rule] is a named check: [NearMiss], [SuffixSlip], [AppendedLabel],
// [InsideSuffix], [Lookalike] and [Obfuscation] are built in
// ([DefaultRules]); user rules plug in the same way with [WithRules].
// Invalid input whose domain is a punctuation slip of a protected one
// (gmail..com, gmail,com) keeps its Invalid verdict but gets a suggestion
// and a finding of the pseudo-rule "punctuation". Rules return [Finding] values: the rule, the
// protected entry resembled, the domain probably meant, a score, a
// message and the evidence as [Edit] steps. The Guard sets each finding's
// [Severity] from its score, drops duplicate suggestions, ranks findings
// deterministically (score, then entry weight, then names: never map
// order) and derives the [Verdict].
//
// # The cost and score model
//
// [Guard.Distance] is a weighted Damerau–Levenshtein distance (optimal
// string alignment) from the intended domain to the typed one. Single
// errors dominate real typing; omissions and transpositions are the
// commonest, adjacent keys and look-alikes dominate substitutions, and
// first letters are rarely wrong. Each edit costs by class (lower is a
// likelier slip):
//
//	missing dot (gmailcom)                       0.3
//	doubled letter typed once (yaho.com)         0.4
//	look-alike: 0/o 1/l/i rn/m vv/w cl/d         0.4
//	deletion (gmil.com, army.ml)                 0.5
//	letter typed twice (gmaill.com)              0.45
//	adjacent-key insertion                       0.6
//	transposition (gmial.com, amry.mil)          0.6
//	adjacent-key substitution (gmail.con)        0.7
//	single bit flip only (mic2osoft.com)         0.9
//	other letter inserted or substituted         1.0
//	conspicuous digit or hyphen                  1.2
//	any edit at position 0                       +0.3
//
// Rules add their own classes: a Unicode look-alike whose confusable
// skeleton equals a protected domain (gmаil.com) costs 0.1; a protected
// domain with a suffix appended (army.mil.ml) 0.3; a punctuation slip
// (gmail..com) 0.3; a slip of the suffix into another delegated TLD
// (army.ml, gmail.co) costs 0.6 times its edit, 0.24–0.42, as such slips
// are commoner than the same edit elsewhere.
//
// Keyboard adjacency is geometric over the layouts of [WithLayouts]
// (QWERTY, QWERTZ and AZERTY by default; Dvorak and Colemak on request).
//
// A near miss must fit a budget that depends on the length of the
// protected registrable label, since short names have many innocent
// neighbours: up to 3 characters 0.45 (look-alikes and doubled letters
// only), 4–5 characters 0.7 (one likely slip), 6–8 characters 1.0, 9 or
// more 1.3 (two likely slips). It must also be few edits (those of its
// cheapest alignment, the evidence): one below 6 characters, two from 6
// on, and of two edits at most one may add or change a letter other than
// by doubling it or by a look-alike (so protonmaill.comm and prtonmail.co
// are near misses of protonmail.com, the double transposition
// portonmial.com is not). A suffix slip must cost at most 0.7.
//
// A finding's score is 1/(1+cost), times 0.7 when the mail would bounce
// rather than leak (the top-level domain is not delegated, or the domain
// lies under a protected suffix whose owner will reject it). So a single
// likely slip into a real domain (army.ml, gmial.com: cost ≤ 0.66) scores
// 0.6 or more and blocks by default ([DefaultBlockThreshold]); a costlier
// or undeliverable slip (amry.mil, gmail.con, comcast.nte) scores between
// 0.4 and 0.6 and warns ([DefaultWarnThreshold]); below 0.4 a finding is
// informational. [WithThresholds] moves both lines. The obfuscation rule
// scores directly: invisible characters 0.5 (warn), full-width forms 0.3
// (informational). All of these numbers live in one file, score.go.
//
// # Performance and safety
//
// A Guard does all its work in [New] and is then immutable: it is safe for
// concurrent use. [New] indexes the protected domains (every deletion
// variant a near miss could share with them, about 4 bytes each) and the
// suffixes one slip away from the protected ones, so that a check costs
// about the same for 60 protected entries as for 100,000: a few hundred
// nanoseconds for a clean address, which allocates nothing, and a few
// microseconds for a typo. docs/performance.md has the figures. Hostile
// input is bounded before parsing (4 KiB per address, 1 MiB per list) and
// answered with an [*Error] wrapping one of the sentinels, never a panic.
//
// # Non-goals
//
// typoguard does not correct local parts, does not look up DNS or MX
// records itself (a user rule can, through a resolver it injects), does
// not validate that a mailbox exists, and does not judge domain literals
// ("postmaster@[192.0.2.1]" is valid and OK).
package typoguard
