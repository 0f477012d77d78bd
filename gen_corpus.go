//go:build ignore

// gen_corpus writes the labelled accuracy corpus that accuracy_test.go
// measures typoguard against:
//
//	go run gen_corpus.go
//
// It writes testdata/corpus/providers.tsv (the MailProviders preset) and
// testdata/corpus/mil.tsv (the US military), each a tab-separated table of
// address, label (typo or clean), class, intended domain and split (tune
// or test), behind a header that records its provenance.
//
// The output is deterministic: a PCG with a constant seed, no map
// iteration order, no clock. Re-running it on the same inputs gives
// byte-identical files. Its inputs are this file, the knowledge files it
// reads (knowledge/providers.txt through typoguard.MailProviders,
// legitimate.txt, owners.txt and mil.txt) and the Public Suffix List of
// golang.org/x/net/publicsuffix; the header records a fingerprint of the
// files so that a test can tell when the corpus is stale.
//
// Typos are made from the protected domains by the typo classes of the
// package documentation and BRIEF §4, with a class mix that follows the
// literature: deletions and transpositions commonest, then doubled letters
// and adjacent keys, few other or conspicuous substitutions, and
// first-letter slips rare. Clean rows are the protected domains
// themselves, their sub-domains, hard look-alikes (real providers, country
// variants, real .ml and .il domains, foreign militaries) and a few
// hundred ordinary well-known domains, with random local parts. The domain
// lists below were written by hand from well-known public names (public
// facts, no licence applies).
//
// The generator never asks typoguard for a verdict: the labels come from
// how each row was made, not from the code under test.
package main

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/typoguard/typoguard"
	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// seed1 and seed2 are the constant seed of the PCG: "typoguar" and the year.
const seed1, seed2 = 0x7479706f67756172, 2025

// inputs are the files whose content decides the corpus; their
// fingerprint goes into each header (accuracy_test.go recomputes it).
var inputs = []string{
	"gen_corpus.go",
	"knowledge/legitimate.txt",
	"knowledge/mil.txt",
	"knowledge/owners.txt",
	"knowledge/providers.txt",
}

// milProtected is the protected set of the mil scenario.
var milProtected = []string{"army.mil", "navy.mil", "af.mil", "marines.mil", "uscg.mil", "spaceforce.mil", ".mil"}

// Typo classes. The human classes are the likely slips of BRIEF §4; the
// low-priority ones (other-substitution, other-insertion, digit-hyphen,
// bitflip) are rare in real mail.
const (
	deletion             = "deletion"
	doubledDeletion      = "doubled-deletion"
	transposition        = "transposition"
	doubledInsertion     = "doubled-insertion"
	adjacentInsertion    = "adjacent-insertion"
	adjacentSubstitution = "adjacent-substitution"
	lookalike            = "lookalike"
	otherSubstitution    = "other-substitution"
	otherInsertion       = "other-insertion"
	digitHyphen          = "digit-hyphen"
	bitflip              = "bitflip"
	suffixSlip           = "suffix-slip"
	appended             = "appended"
	merged               = "merged"
	subdomain            = "subdomain"
	unicodeClass         = "unicode"
	punctuation          = "punctuation"
)

// Clean classes.
const (
	exact          = "exact"
	subOfProtected = "subdomain-of-protected"
	legitLookalike = "legit-lookalike"
	ordinary       = "ordinary"
	oddValid       = "odd-valid"
)

// shortAffected are the edit classes that a protected label of up to 3
// characters deliberately does not flag (too many innocent neighbours):
// rows of these classes on short labels get a "-short" class.
var shortAffected = []string{deletion, transposition, adjacentInsertion, adjacentSubstitution, otherSubstitution, otherInsertion, digitHyphen, bitflip}

// humanEdits are the edit classes that become a suffix slip when they
// turn the public suffix into another delegated one (gmail.co, army.ml).
var humanEdits = []string{deletion, doubledDeletion, transposition, doubledInsertion, adjacentInsertion, adjacentSubstitution}

type weighted[T any] struct {
	v T
	w float64
}

// providerMix is the class mix of provider typos, in rows per 1,000:
// BRIEF §4 (Szurdi & Christin 2017: deletion and transposition typo
// domains get the most mail; adjacent keys and look-alikes dominate
// substitutions; conspicuous digits almost none).
var providerMix = []weighted[string]{
	{deletion, 200}, {transposition, 140}, {doubledDeletion, 40}, {doubledInsertion, 80},
	{adjacentInsertion, 70}, {adjacentSubstitution, 100}, {lookalike, 50}, {suffixSlip, 70},
	{appended, 40}, {merged, 30}, {subdomain, 20},
	{otherSubstitution, 30}, {otherInsertion, 20}, {digitHyphen, 20}, {bitflip, 20},
	{unicodeClass, 30}, {punctuation, 40},
}

// milMix is the class mix of typos of the explicitly protected .mil
// domains: as providerMix, with suffix slips (army.ml: BRIEF §1) and
// sub-domains (us.army.ml) commoner. No protected .mil name has a doubled
// letter.
var milMix = []weighted[string]{
	{deletion, 170}, {transposition, 120}, {doubledInsertion, 60},
	{adjacentInsertion, 60}, {adjacentSubstitution, 90}, {lookalike, 40}, {suffixSlip, 150},
	{appended, 40}, {merged, 30}, {subdomain, 70},
	{otherSubstitution, 25}, {otherInsertion, 20}, {digitHyphen, 15}, {bitflip, 15},
	{unicodeClass, 30}, {punctuation, 40},
}

// knownMix is the class mix of typos of well-known names under .mil that
// are not protected by name (darpa.mil): only ".mil" protects them, so
// the slips that leave .mil for a real TLD are the ones that matter
// (darpa.ml, darpa.mil.com, hq.centcom.il, darpamil). Typos inside the
// name stay under .mil and bounce (dpara.mil); they are not generated.
var knownMix = []weighted[string]{
	{suffixSlip, 550}, {appended, 180}, {subdomain, 170}, {merged, 60}, {punctuation, 40},
}

// appendedTLDs are the labels people append after a complete domain
// (gmail.com.br, army.mil.com), weighted by guessed frequency.
var appendedProviders = []weighted[string]{
	{"com", 30}, {"co", 10}, {"br", 8}, {"mx", 5}, {"ar", 4}, {"uk", 4}, {"au", 3}, {"in", 4},
	{"net", 4}, {"org", 3}, {"us", 3}, {"de", 3}, {"fr", 3}, {"es", 2}, {"it", 2}, {"ml", 2}, {"cn", 2},
}
var appendedMil = []weighted[string]{
	{"com", 30}, {"ml", 15}, {"co", 6}, {"us", 6}, {"net", 4}, {"org", 4}, {"il", 4},
	{"gov", 3}, {"mil", 2}, {"uk", 2}, {"de", 2}, {"kr", 2}, {"jp", 2},
}

// providerSubs are sub-domain labels seen in front of provider domains
// (vip.qq.com, mail.yahoo.com), for sub-domain rows.
var providerSubs = []string{"mail", "m", "vip", "us", "uk", "email", "my"}

// milSubs are sub-domains of the protected .mil domains (us.navy.mil and
// us.af.mil are the services' mail domains; usace.army.mil, ang.af.mil
// and afrl.af.mil are well-known organisations).
var milSubs = map[string][]string{
	"army.mil":       {"usace", "hqda", "tradoc", "hrc", "arcyber", "mail"},
	"navy.mil":       {"us", "navsea", "navair", "navfac", "public"},
	"af.mil":         {"us", "ang", "afrl", "usafa", "afpc"},
	"marines.mil":    {"hqmc", "mcieast", "usmc"},
	"uscg.mil":       {"us", "hq", "academy"},
	"spaceforce.mil": {"ssc", "us", "hq"},
}

// knownSubs are sub-domain labels put in front of known .mil names.
var knownSubs = []string{"hq", "mail", "us", "j6", "ops"}

// realMil are real .mil domains besides knowledge/mil.txt, for clean rows
// and so that no typo is one of them.
var realMil = []string{
	"mail.mil", "us.af.mil", "us.navy.mil", "usace.army.mil", "ang.af.mil", "afrl.af.mil",
	"usafa.af.mil", "tradoc.army.mil", "hrc.army.mil", "arcyber.army.mil", "navsea.navy.mil",
	"navair.navy.mil", "ssc.spaceforce.mil", "dodig.mil", "nationalguard.mil", "cyber.mil",
	"dodlive.mil", "usmc.mil", "defense.mil", "dcsa.mil", "health.mil", "tricare.mil",
	"militaryonesource.mil", "jcs.mil", "socom.mil", "centcom.mil", "eucom.mil", "africom.mil",
	"darpa.mil", "disa.mil", "dla.mil", "dtic.mil", "nga.mil", "nro.mil", "mda.mil", "dtra.mil",
}

// milLegit are real domains that look like .mil ones: .ml and .il
// domains (Mali's presidency, press, telecoms and universities; Israel's
// forces, ministries, universities and press), foreign militaries (some of
// them army.mil.XX under a mil.XX public suffix), recruiting and press
// sites of the US services.
var milLegit = []string{
	// .ml
	"koulouba.ml", "essor.ml", "sotelma.ml", "ortm.ml", "primature.gov.ml", "sante.gov.ml",
	"usttb.edu.ml", "ulshb.edu.ml", "malijet.ml", "html.ml",
	// .il
	"idf.il", "mod.gov.il", "mfa.gov.il", "health.gov.il", "police.gov.il", "technion.ac.il",
	"huji.ac.il", "tau.ac.il", "weizmann.ac.il", "bgu.ac.il", "biu.ac.il", "haifa.ac.il",
	"openu.ac.il", "ynet.co.il", "haaretz.co.il", "bezeq.co.il", "elal.co.il", "netvision.net.il",
	"zahav.net.il", "012.net.il", "inter.net.il", "isoc.org.il", "leumi.co.il", "bankhapoalim.co.il",
	// Foreign militaries and ministries of defence.
	"army.mil.ng", "navy.mil.ng", "airforce.mil.ng", "army.mil.bd", "army.mil.nz", "navy.mil.nz",
	"airforce.mil.nz", "nzdf.mil.nz", "army.mil.ph", "navy.mil.ph", "paf.mil.ph", "afp.mil.ph",
	"army.mil.my", "navy.mil.my", "army.mil.kr", "navy.mil.kr", "airforce.mil.kr", "mnd.go.kr",
	"tni.mil.id", "tniad.mil.id", "eb.mil.br", "marinha.mil.br", "fab.mil.br", "ejercito.mil.co",
	"armada.mil.co", "fac.mil.co", "ejercito.mil.ar", "ejercito.mil.ec", "gaf.mil.gh", "rta.mi.th",
	"tsk.tr", "mil.ru", "mil.gov.ua", "mil.be", "mil.no", "mil.se", "army.cz", "army.gr",
	"army.lk", "navy.lk", "airforce.lk", "bundeswehr.de", "bundesheer.at", "defensie.nl",
	"mindef.nl", "mindef.gov.sg", "defence.gov.au", "army.gov.au", "navy.gov.au", "airforce.gov.au",
	"forces.gc.ca", "army.mod.uk", "raf.mod.uk", "royalnavy.mod.uk", "mod.gov.uk", "defense.gouv.fr",
	"difesa.it", "military.ie", "nato.int", "indianarmy.nic.in",
	// US services' recruiting, associations and press, outside .mil.
	"navy.com", "goarmy.com", "airforce.com", "marines.com", "gocoastguard.com", "military.com",
	"militarytimes.com", "armytimes.com", "navytimes.com", "airforcetimes.com", "stripes.com",
	"usaa.com", "navyfederal.org", "penfed.org", "afcea.org", "ausa.org", "navyleague.org",
	"westpoint.edu", "usna.edu", "usafa.edu", "uscga.edu", "nps.edu", "ndu.edu", "usuhs.edu",
	"defense.gov", "va.gov", "dvidshub.net",
}

// providerLegit are real mail and ISP domains that are not in the preset
// nor in knowledge/, and real domains close to a provider's name: the
// hard look-alikes of the providers scenario.
var providerLegit = []string{
	"att.com", "cox.com", "fox.com", "verizon.com", "charter.com", "max.com", "mic.com", "gm.com",
	"gmc.com", "web.com", "weg.de", "online.de", "mail.ua", "orange.com", "orange.es", "orange.pl",
	"orange.be", "orange.ro", "laposte.fr", "libera.it", "q.com", "bt.com", "btconnect.com",
	"talk21.com", "key.com", "hp.com", "sky.de", "sky.it", "uai.com.br", "ig.com.br", "oi.com.br",
	"globo.com", "aon.com", "ao.com", "bol.com", "msnbc.com", "mtn.com", "msc.com", "line.me",
	"life.com", "hot.ee", "inbox.com", "pobox.com", "yandex.net", "freebox.fr", "navercorp.com",
	"yahoo-inc.com", "t-mobile.com", "telekom.de", "freemail.hu", "citromail.hu", "post.cz",
	"volny.cz", "azet.sk", "zoznam.sk", "lavabit.com", "korea.com", "dreamwiz.com", "empas.com",
	"paran.com", "sify.com", "vsnl.net", "indiatimes.com", "iprimus.com.au", "tpg.com.au",
	"internode.on.net", "westnet.com.au", "clear.net.nz", "orcon.net.nz", "videotron.ca",
	"cogeco.ca", "bell.net", "eastlink.ca", "prodigy.net.mx", "telefonica.net", "movistar.es",
	"ono.com", "ya.com", "wanadoo.es", "sapo.pt", "clix.pt", "netcabo.pt", "iol.pt",
	"goo.ne.jp", "excite.co.jp", "china.com", "263.net", "pchome.com.tw", "seed.net.tw",
	"hinet.net", "netvigator.com", "singnet.com.sg", "pacific.net.sg", "streamyx.com", "tm.net.my",
	"mweb.co.za", "telkomsa.net", "vodamail.co.za", "iafrica.com", "webmail.co.za", "gmu.edu",
}

// ordinaryDomains are well-known domains of companies, universities,
// newspapers, governments and international organisations, unrelated to
// mail providers and the military.
var ordinaryDomains = []string{
	// Technology.
	"google.com", "microsoft.com", "apple.com", "amazon.com", "facebook.com", "meta.com",
	"netflix.com", "ibm.com", "intel.com", "oracle.com", "cisco.com", "adobe.com",
	"salesforce.com", "nvidia.com", "amd.com", "qualcomm.com", "dell.com", "hpe.com",
	"lenovo.com", "samsung.com", "sony.com", "lg.com", "panasonic.com", "toshiba.co.jp",
	"hitachi.com", "fujitsu.com", "nec.com", "canon.com", "nikon.com", "siemens.com", "sap.com",
	"bosch.com", "philips.com", "ericsson.com", "nokia.com", "spotify.com", "uber.com",
	"airbnb.com", "linkedin.com", "github.com", "gitlab.com", "atlassian.com", "slack.com",
	"zoom.us", "dropbox.com", "box.com", "shopify.com", "stripe.com", "paypal.com", "ebay.com",
	"etsy.com", "booking.com", "expedia.com", "tripadvisor.com", "yelp.com", "reddit.com",
	"wikipedia.org", "wikimedia.org", "mozilla.org", "apache.org", "linuxfoundation.org",
	"python.org", "golang.org", "debian.org", "redhat.com", "canonical.com", "vmware.com",
	"broadcom.com", "arm.com", "tsmc.com", "asml.com", "infosys.com", "wipro.com", "tcs.com",
	"accenture.com", "deloitte.com", "pwc.com", "ey.com", "kpmg.com", "mckinsey.com", "bcg.com",
	// Retail and consumer goods.
	"walmart.com", "target.com", "costco.com", "homedepot.com", "lowes.com", "bestbuy.com",
	"ikea.com", "hm.com", "zara.com", "nike.com", "adidas.com", "puma.com", "unilever.com",
	"pg.com", "nestle.com", "pepsico.com", "mcdonalds.com", "starbucks.com", "loreal.com",
	"lvmh.com", "carrefour.com", "tesco.com", "sainsburys.co.uk", "lidl.com", "rewe.de",
	"edeka.de", "migros.ch", "coop.ch", "albertheijn.nl",
	// Manufacturing, energy, transport.
	"toyota.com", "honda.com", "ford.com", "bmw.com", "mercedes-benz.com", "volkswagen.de",
	"audi.com", "porsche.com", "volvo.com", "tesla.com", "hyundai.com", "kia.com", "renault.com",
	"stellantis.com", "boeing.com", "airbus.com", "lockheedmartin.com", "rtx.com",
	"northropgrumman.com", "gd.com", "baesystems.com", "thalesgroup.com", "ge.com", "3m.com",
	"honeywell.com", "caterpillar.com", "deere.com", "shell.com", "bp.com", "exxonmobil.com",
	"chevron.com", "totalenergies.com", "maersk.com", "dhl.com", "fedex.com", "ups.com",
	// Finance and insurance.
	"jpmorgan.com", "chase.com", "bankofamerica.com", "wellsfargo.com", "citi.com",
	"goldmansachs.com", "morganstanley.com", "hsbc.com", "barclays.com", "lloydsbank.com",
	"natwest.com", "santander.com", "bnpparibas.com", "societegenerale.com", "db.com",
	"commerzbank.de", "ing.com", "ubs.com", "visa.com", "mastercard.com", "americanexpress.com",
	"blackrock.com", "vanguard.com", "fidelity.com", "schwab.com", "allianz.com", "axa.com",
	"prudential.com", "metlife.com", "aig.com",
	// Airlines and hotels.
	"delta.com", "united.com", "aa.com", "southwest.com", "lufthansa.com", "britishairways.com",
	"airfrance.com", "klm.com", "emirates.com", "qatarairways.com", "singaporeair.com",
	"ana.co.jp", "jal.co.jp", "qantas.com", "aircanada.com", "ryanair.com", "easyjet.com",
	"marriott.com", "hilton.com", "hyatt.com", "accor.com",
	// Newspapers, broadcasters, publishers.
	"nytimes.com", "washingtonpost.com", "wsj.com", "ft.com", "economist.com",
	"theguardian.com", "bbc.co.uk", "bbc.com", "cnn.com", "reuters.com", "apnews.com",
	"bloomberg.com", "forbes.com", "time.com", "npr.org", "pbs.org", "lemonde.fr", "lefigaro.fr",
	"liberation.fr", "spiegel.de", "zeit.de", "faz.net", "sueddeutsche.de", "welt.de",
	"corriere.it", "repubblica.it", "elpais.com", "elmundo.es", "nzz.ch", "derstandard.at",
	"asahi.com", "yomiuri.co.jp", "nikkei.com", "scmp.com", "straitstimes.com", "smh.com.au",
	"theglobeandmail.com", "cbc.ca", "abc.net.au", "aljazeera.com", "dw.com", "france24.com",
	"latimes.com", "usatoday.com", "theatlantic.com", "newyorker.com", "wired.com",
	"nature.com", "science.org", "springer.com", "elsevier.com", "wiley.com", "ieee.org", "acm.org",
	// Universities.
	"harvard.edu", "mit.edu", "stanford.edu", "berkeley.edu", "caltech.edu", "princeton.edu",
	"yale.edu", "columbia.edu", "uchicago.edu", "upenn.edu", "cornell.edu", "brown.edu",
	"dartmouth.edu", "duke.edu", "jhu.edu", "northwestern.edu", "nyu.edu", "ucla.edu",
	"ucsd.edu", "uw.edu", "umich.edu", "wisc.edu", "illinois.edu", "utexas.edu", "gatech.edu",
	"cmu.edu", "purdue.edu", "psu.edu", "osu.edu", "umn.edu", "rutgers.edu", "usc.edu",
	"virginia.edu", "unc.edu", "bu.edu", "tufts.edu", "rice.edu", "vanderbilt.edu", "emory.edu",
	"georgetown.edu", "nd.edu", "cs.stanford.edu", "eecs.berkeley.edu", "cs.cmu.edu",
	"andrew.cmu.edu", "csail.mit.edu", "alum.mit.edu", "g.harvard.edu", "fas.harvard.edu",
	"ox.ac.uk", "cam.ac.uk", "imperial.ac.uk", "ucl.ac.uk", "lse.ac.uk", "kcl.ac.uk", "ed.ac.uk",
	"manchester.ac.uk", "bristol.ac.uk", "warwick.ac.uk", "gla.ac.uk", "leeds.ac.uk",
	"ethz.ch", "epfl.ch", "uzh.ch", "tum.de", "lmu.de", "uni-heidelberg.de", "hu-berlin.de",
	"fu-berlin.de", "tu-berlin.de", "rwth-aachen.de", "kit.edu", "ens.fr", "polytechnique.edu",
	"sciencespo.fr", "uva.nl", "tudelft.nl", "uu.nl", "ku.dk", "kth.se", "lu.se", "uio.no",
	"helsinki.fi", "kuleuven.be", "ugent.be", "unibo.it", "polimi.it", "uniroma1.it", "ub.edu",
	"uc3m.es", "utoronto.ca", "mail.utoronto.ca", "mcgill.ca", "ubc.ca", "uwaterloo.ca",
	"unimelb.edu.au", "sydney.edu.au", "anu.edu.au", "unsw.edu.au", "auckland.ac.nz",
	"u-tokyo.ac.jp", "kyoto-u.ac.jp", "nus.edu.sg", "ntu.edu.sg", "tsinghua.edu.cn",
	"pku.edu.cn", "kaist.ac.kr", "snu.ac.kr", "iitb.ac.in", "iitd.ac.in", "uct.ac.za",
	"wits.ac.za", "usp.br", "unam.mx", "uba.ar",
	// Governments and international organisations.
	"usa.gov", "whitehouse.gov", "state.gov", "nasa.gov", "nih.gov", "cdc.gov", "fda.gov",
	"irs.gov", "ssa.gov", "dhs.gov", "fbi.gov", "justice.gov", "treasury.gov", "energy.gov",
	"epa.gov", "noaa.gov", "nist.gov", "census.gov", "senate.gov", "house.gov", "gov.uk",
	"parliament.uk", "nhs.net", "nhs.uk", "elysee.fr", "bund.de", "bundestag.de", "admin.ch",
	"canada.ca", "australia.gov.au", "govt.nz", "europa.eu", "ec.europa.eu", "un.org", "who.int",
	"imf.org", "worldbank.org", "oecd.org", "wto.org", "icrc.org", "redcross.org", "amnesty.org",
	"unicef.org",
	// Telecoms.
	"vodafone.com", "telefonica.com", "telekom.com", "t-mobile.de", "telstra.com.au",
	"optus.com.au", "swisscom.ch", "kpn.com", "proximus.com", "telenor.com", "elisa.fi",
	"ntt.com", "kddi.com", "softbank.jp", "chinamobile.com", "airtel.in", "jio.com",
	"safaricom.co.ke", "bell.ca", "telus.com",
}

// idnDomains are real internationalised domains, for odd-valid rows.
var idnDomains = []string{
	"bücher.de", "münchen.de", "köln.de", "düsseldorf.de", "straße.de", "xn--bcher-kva.de",
	"Bücher.DE", "правительство.рф", "президент.рф", "сбербанк.рф",
}

// homoglyphs are Cyrillic and Greek letters that look like ASCII ones
// (Unicode confusables.txt).
var homoglyphs = map[byte][]rune{
	'a': {'\u0430'}, 'c': {'\u0441', '\u03f2'}, 'd': {'\u0501'}, 'e': {'\u0435'},
	'h': {'\u04bb'}, 'i': {'\u0456'}, 'j': {'\u0458'}, 'k': {'\u03ba'}, 'l': {'\u04cf'},
	'o': {'\u043e', '\u03bf'}, 'p': {'\u0440', '\u03c1'}, 'q': {'\u051b'}, 's': {'\u0455'},
	'u': {'\u03c5'}, 'v': {'\u03bd'}, 'w': {'\u051d'}, 'x': {'\u0445'}, 'y': {'\u0443'},
}

var firstNames = []string{
	"james", "mary", "john", "patricia", "robert", "jennifer", "michael", "linda", "david",
	"elizabeth", "william", "susan", "richard", "jessica", "joseph", "sarah", "thomas", "karen",
	"maria", "jose", "ana", "luis", "sofia", "mohammed", "fatima", "ahmed", "aisha", "wei",
	"li", "yuki", "hiroshi", "min", "jin", "priya", "raj", "arjun", "olga", "ivan", "anna",
	"lukas", "lea", "jan", "eva", "pierre", "camille", "giulia", "marco", "lars", "ingrid",
	"kofi", "amara", "chen", "noah", "emma", "liam", "olivia", "mia", "lucas", "zoe", "omar",
}

var lastNames = []string{
	"smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis", "rodriguez",
	"martinez", "hernandez", "lopez", "gonzalez", "wilson", "anderson", "taylor", "moore",
	"jackson", "martin", "lee", "thompson", "white", "harris", "clark", "lewis", "walker",
	"hall", "young", "king", "wright", "scott", "green", "baker", "adams", "nelson", "mueller",
	"schmidt", "schneider", "fischer", "weber", "dubois", "durand", "rossi", "russo", "silva",
	"santos", "kowalski", "nowak", "ivanov", "petrov", "kim", "park", "tanaka", "suzuki",
	"wang", "zhang", "singh", "patel", "khan", "okafor", "mensah", "jensen", "larsen",
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("gen_corpus: ")
	fp, err := fingerprint()
	if err != nil {
		log.Fatal(err)
	}
	k := loadKnowledge()
	if err := os.MkdirAll(filepath.Join("testdata", "corpus"), 0o755); err != nil {
		log.Fatal(err)
	}
	for _, s := range []*scenario{providersScenario(k), milScenario(k)} {
		s.generate()
		if err := s.write(fp); err != nil {
			log.Fatal(err)
		}
	}
}

// fingerprint hashes the input files, as accuracy_test.go does.
func fingerprint() (string, error) {
	h := sha256.New()
	for _, name := range inputs {
		b, err := os.ReadFile(name)
		if err != nil {
			return "", fmt.Errorf("%v (run from the module root)", err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

type knowledge struct {
	legitimate []string   // knowledge/legitimate.txt
	owners     [][]string // knowledge/owners.txt
	milNames   []string   // knowledge/mil.txt
}

func loadKnowledge() knowledge {
	var k knowledge
	k.legitimate = words(readLines("knowledge/legitimate.txt"))
	for _, l := range readLines("knowledge/owners.txt") {
		k.owners = append(k.owners, strings.Fields(l))
	}
	k.milNames = words(readLines("knowledge/mil.txt"))
	return k
}

func readLines(name string) []string {
	b, err := os.ReadFile(name)
	if err != nil {
		log.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		l, _, _ = strings.Cut(l, "#")
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func words(lines []string) []string {
	var out []string
	for _, l := range lines {
		out = append(out, strings.Fields(l)...)
	}
	return out
}

// source is a domain typos are made from.
type source struct {
	domain string
	weight float64
	known  bool // a known name under .mil, not protected by name
}

// scenario is one corpus file in the making.
type scenario struct {
	name      string
	about     string   // a line for the header
	protected []string // the Guard's entries
	sources   []source // typo sources, weighted
	mix       []weighted[string]
	known     []source // known .mil names (mil only)
	knownMix  []weighted[string]
	appended  []weighted[string]
	subs      func(domain string) []string // sub-domain labels for a source
	mil       bool

	typos    int // target number of typo rows
	exactN   int
	subN     int
	legitN   int
	ordN     int
	oddN     int
	exactD   []string // clean pools
	subD     []string
	legitD   []string
	ordD     []string
	oddD     []string // domains for odd-valid rows
	realSet  map[string]bool
	owned    []string // domains of the same owner as a protected one
	rng      *rand.Rand
	rows     []row
	seenAddr map[string]bool
}

type row struct {
	address, label, class, intended, key string
}

func providersScenario(k knowledge) *scenario {
	prov := typoguard.MailProviders()
	s := newScenario("providers", prov, k)
	s.about = "Guard: typoguard.MustNew(typoguard.MailProviders()), default options (knowledge/providers.txt)"
	for i, d := range prov {
		// Most mail first: weight by rank, so the top providers dominate.
		s.sources = append(s.sources, source{domain: d, weight: math.Pow(float64(i+1), -0.8)})
	}
	s.mix = providerMix
	s.appended = appendedProviders
	s.subs = func(string) []string { return providerSubs }
	s.typos = 4600
	s.exactN, s.subN, s.legitN, s.ordN, s.oddN = 700, 250, 900, 1800, 400

	protectedSet := setOf(prov)
	s.exactD = prov
	for _, d := range prov {
		for _, p := range providerSubs {
			s.subD = append(s.subD, p+"."+d)
		}
	}
	// Hard look-alikes: every real mail domain in knowledge/ and in
	// providerLegit that is not protected, and ordinary domains close to a
	// protected one.
	var legit []string
	legit = append(legit, k.legitimate...)
	for _, g := range k.owners {
		legit = append(legit, g...)
	}
	legit = append(legit, providerLegit...)
	s.legitD = uniqueExcept(legit, protectedSet)
	s.addOrdinary(uniqueExcept(ordinaryDomains, protectedSet))
	s.oddD = append(append(slices.Clone(prov), s.ordD...), s.legitD[:20]...)
	return s
}

func milScenario(k knowledge) *scenario {
	s := newScenario("mil", milProtected, k)
	s.mil = true
	s.about = "Guard: typoguard.MustNew(the protected list below), default options"
	weights := map[string]float64{"army.mil": 3, "navy.mil": 2, "af.mil": 2, "marines.mil": 1, "uscg.mil": 1, "spaceforce.mil": 0.7}
	for _, d := range milProtected {
		if !strings.HasPrefix(d, ".") {
			s.sources = append(s.sources, source{domain: d, weight: weights[d]})
		}
	}
	protectedSet := setOf(milProtected)
	for _, n := range k.milNames {
		if d := n + ".mil"; !protectedSet[d] {
			s.known = append(s.known, source{domain: d, weight: 1, known: true})
		}
	}
	s.mix = milMix
	s.knownMix = knownMix
	s.appended = appendedMil
	s.subs = func(d string) []string {
		if subs, ok := milSubs[d]; ok {
			return subs
		}
		return knownSubs
	}
	s.typos = 3800
	s.exactN, s.subN, s.legitN, s.ordN, s.oddN = 500, 700, 800, 1800, 350

	for _, d := range milProtected {
		if !strings.HasPrefix(d, ".") {
			s.exactD = append(s.exactD, d)
			for _, p := range milSubs[d] {
				s.subD = append(s.subD, p+"."+d)
			}
		}
	}
	for _, n := range k.milNames {
		s.subD = append(s.subD, n+".mil")
	}
	s.subD = uniqueExcept(append(s.subD, realMil...), protectedSet)
	s.legitD = uniqueExcept(milLegit, nil)
	// Ordinary for the military: the ordinary list plus the mail
	// providers people write to from .mil.
	var pool []string
	pool = append(pool, ordinaryDomains...)
	pool = append(pool, typoguard.MailProviders()...)
	pool = append(pool, k.legitimate...)
	s.addOrdinary(uniqueExcept(pool, protectedSet))
	s.oddD = append(append(slices.Clone(s.exactD), s.subD...), s.ordD...)
	return s
}

func newScenario(name string, protected []string, k knowledge) *scenario {
	s := &scenario{
		name:      name,
		protected: protected,
		rng:       rand.New(rand.NewPCG(seed1, seed2+uint64(len(name)))),
		seenAddr:  map[string]bool{},
		realSet:   map[string]bool{},
	}
	// Real domains that a typo must not be, nor be under.
	for _, d := range protected {
		if !strings.HasPrefix(d, ".") {
			s.realSet[d] = true
		}
	}
	for _, list := range [][]string{k.legitimate, providerLegit, ordinaryDomains, milLegit, realMil, typoguard.MailProviders()} {
		for _, d := range list {
			s.realSet[d] = true
		}
	}
	for _, g := range k.owners {
		for _, d := range g {
			s.realSet[d] = true
		}
		if slices.ContainsFunc(g, func(d string) bool { return slices.Contains(protected, d) }) {
			s.owned = append(s.owned, g...)
		}
	}
	for _, n := range k.milNames {
		s.realSet[n+".mil"] = true
	}
	return s
}

// addOrdinary sorts ordinary domains, those not already legitimate, into
// the hard look-alikes (see near), which count as legitimate, and the rest.
func (s *scenario) addOrdinary(domains []string) {
	legitSet := setOf(s.legitD)
	for _, d := range domains {
		switch {
		case legitSet[d]:
		case s.near(d):
			s.legitD = append(s.legitD, d)
		default:
			s.ordD = append(s.ordD, d)
		}
	}
}

// near reports whether d is a hard look-alike of a protected domain, a
// domain of the same owner as one (telstra.com for bigpond.com) or a
// known .mil name: at most two plain edits away, the same registrable
// label under another suffix, or a protected domain followed by more
// labels (army.mil.ng). Such ordinary domains count as legit-lookalike.
func (s *scenario) near(d string) bool {
	targets := slices.Clone(s.protected)
	targets = append(targets, s.owned...)
	for _, k := range s.known {
		targets = append(targets, k.domain)
	}
	for _, p := range targets {
		if strings.HasPrefix(p, ".") {
			if strings.HasSuffix(d, p) {
				return true
			}
			continue
		}
		if osa(d, p) <= 2 || label(d) == label(p) || strings.HasPrefix(d, p+".") {
			return true
		}
	}
	return false
}

// generate makes the rows: typos to the class mix, then the clean
// classes.
func (s *scenario) generate() {
	// Typos: a class by the mix, a source by weight, an edit at random.
	nKnown := 0
	if s.mil {
		// About a third of .mil typos are of names that only the .mil
		// suffix protects (darpa.ml, centcom.il).
		nKnown = s.typos * 35 / 100
	}
	s.typoRows(s.sources, s.mix, s.typos-nKnown)
	if nKnown > 0 {
		s.typoRows(s.known, s.knownMix, nKnown)
	}
	s.cleanRows(exact, s.exactD, s.exactN)
	s.cleanRows(subOfProtected, s.subD, s.subN)
	s.cleanRows(legitLookalike, s.legitD, s.legitN)
	s.cleanRows(ordinary, s.ordD, s.ordN)
	s.oddRows()
}

func (s *scenario) typoRows(sources []source, mix []weighted[string], n int) {
	var total float64
	for _, m := range mix {
		total += m.w
	}
	srcW := make([]weighted[source], len(sources))
	for i, src := range sources {
		srcW[i] = weighted[source]{src, src.weight}
	}
	for _, m := range mix {
		want := int(float64(n)*m.w/total + 0.5)
		got := 0
		for tries := 0; got < want && tries < want*50; tries++ {
			src := pick(s.rng, srcW)
			typed, intended, class, ok := s.typo(src, m.v)
			if !ok {
				continue
			}
			local := s.local()
			addr := local + "@" + typed
			if s.seenAddr[addr] {
				continue
			}
			s.seenAddr[addr] = true
			key := strings.ToLower(typed)
			s.rows = append(s.rows, row{address: addr, label: "typo", class: class, intended: intended, key: key})
			got++
		}
		if got < want {
			log.Printf("%s: %s: only %d of %d rows", s.name, m.v, got, want)
		}
	}
}

// typo makes one typo of class cls from src. It returns the typed domain
// (as written in the address), the intended domain and the row's class.
func (s *scenario) typo(src source, cls string) (typed, intended, class string, ok bool) {
	d := src.domain
	intended = d
	switch cls {
	case suffixSlip:
		typed, ok = s.slip(d)
		class = suffixSlip
	case appended:
		typed, class, ok = d+"."+pick(s.rng, s.appended), appended, true
	case merged:
		typed, intended, ok = s.merge(d, src.known)
		class = merged
	case subdomain:
		subs := s.subs(d)
		p := subs[s.rng.IntN(len(subs))]
		intended = p + "." + d
		inner := []weighted[string]{{suffixSlip, 4}, {deletion, 3}, {transposition, 2}, {doubledInsertion, 1}, {adjacentSubstitution, 1}, {lookalike, 1}}
		if src.known || shortLabel(d) {
			inner = []weighted[string]{{suffixSlip, 1}}
		}
		var t string
		switch c := pick(s.rng, inner); c {
		case suffixSlip:
			t, ok = s.slip(d)
		default:
			t, ok = s.edit(d, c)
			ok = ok && s.classify(d, t, c) == c
		}
		typed, class = p+"."+t, subdomain
	case unicodeClass:
		typed, ok = s.homoglyph(d)
		class = unicodeClass
	case punctuation:
		typed, ok = s.punct(d)
		class = punctuation
		return typed, intended, class, ok // invalid on purpose: no further checks
	default:
		typed, ok = s.edit(d, cls)
		class = s.classify(d, typed, cls)
		if class == suffixSlip {
			ok = false // counted by the suffix-slip class, with its own share
		}
	}
	if !ok || typed == intended || !validDomain(typed) {
		return "", "", "", false
	}
	ascii, err := profile.ToASCII(typed)
	if err != nil || s.isReal(ascii) || ascii == intended {
		return "", "", "", false
	}
	return typed, intended, class, true
}

// isReal reports whether d, or a parent of d, is a real domain we know.
func (s *scenario) isReal(d string) bool {
	for {
		if s.realSet[d] {
			return true
		}
		i := strings.IndexByte(d, '.')
		if i < 0 {
			return false
		}
		d = d[i+1:]
	}
}

// classify returns the class of an edit of class cls that turned d into
// typed: a suffix slip when only the public suffix changed, into another
// delegated one; a "-short" class on a short registrable label.
func (s *scenario) classify(d, typed, cls string) string {
	if slices.Contains(humanEdits, cls) && isSlip(d, typed) {
		return suffixSlip
	}
	if slices.Contains(shortAffected, cls) && shortLabel(d) {
		return cls + "-short"
	}
	return cls
}

// isSlip reports whether typed is d with its public suffix replaced by
// another delegated one.
func isSlip(d, typed string) bool {
	ps, _ := publicsuffix.PublicSuffix(d)
	tps, icann := publicsuffix.PublicSuffix(typed)
	if !(icann || strings.Contains(tps, ".")) || tps == ps {
		return false
	}
	return strings.TrimSuffix(d, ps) == strings.TrimSuffix(typed, tps)
}

func shortLabel(d string) bool {
	return len(label(d)) <= 3
}

// label returns the registrable label of d ("yahoo" for "yahoo.co.jp").
func label(d string) string {
	ps, _ := publicsuffix.PublicSuffix(d)
	if len(d) <= len(ps) {
		return ""
	}
	rest := d[:len(d)-len(ps)-1]
	return rest[strings.LastIndexByte(rest, '.')+1:]
}

// slip returns d with its public suffix slipped into another delegated
// one by one likely edit (army.ml, army.il, gmail.co, gmail.cm, gmx.se).
func (s *scenario) slip(d string) (string, bool) {
	var cands []string
	for _, cls := range humanEdits {
		for _, c := range variants(d, cls) {
			if isSlip(d, c.v) && !slices.Contains(cands, c.v) {
				cands = append(cands, c.v)
			}
		}
	}
	if len(cands) == 0 {
		return "", false
	}
	return cands[s.rng.IntN(len(cands))], true
}

// merge leaves out one dot of d (gmailcom, yahooco.jp); for the
// military, sometimes the dot of a sub-domain (usnavy.mil for
// us.navy.mil).
func (s *scenario) merge(d string, known bool) (typed, intended string, ok bool) {
	intended = d
	if s.mil && !known && s.rng.IntN(3) == 0 {
		subs := s.subs(d)
		intended = subs[s.rng.IntN(len(subs))] + "." + d
	}
	var dots []int
	for i := range len(intended) {
		if intended[i] == '.' {
			dots = append(dots, i)
		}
	}
	i := dots[0] // the sub-domain's dot
	if intended == d {
		i = dots[s.rng.IntN(len(dots))]
	}
	return intended[:i] + intended[i+1:], intended, true
}

// homoglyph replaces one letter of the registrable label with a Cyrillic
// or Greek look-alike (gmаil.com).
func (s *scenario) homoglyph(d string) (string, bool) {
	l := label(d)
	start := strings.LastIndex(strings.TrimSuffix(d, "."+publicSuffix(d)), l)
	var pos []int
	for i := start; i < start+len(l); i++ {
		if len(homoglyphs[d[i]]) > 0 {
			pos = append(pos, i)
		}
	}
	if len(pos) == 0 {
		return "", false
	}
	i := pos[s.rng.IntN(len(pos))]
	rs := homoglyphs[d[i]]
	return d[:i] + string(rs[s.rng.IntN(len(rs))]) + d[i+1:], true
}

// punct slips the punctuation of d: a dot doubled, or typed as a comma,
// a semicolon or a space (gmail..com, gmail,com). Such addresses are
// invalid on purpose.
func (s *scenario) punct(d string) (string, bool) {
	var dots []int
	for i := range len(d) {
		if d[i] == '.' {
			dots = append(dots, i)
		}
	}
	i := dots[s.rng.IntN(len(dots))]
	r := pick(s.rng, []weighted[string]{{"..", 4}, {",", 4}, {" ", 2}, {";", 1}})
	return d[:i] + r + d[i+1:], true
}

func publicSuffix(d string) string {
	ps, _ := publicsuffix.PublicSuffix(d)
	return ps
}

// edit applies one random edit of class cls to d.
func (s *scenario) edit(d, cls string) (string, bool) {
	cands := variants(d, cls)
	if len(cands) == 0 {
		return "", false
	}
	return pick(s.rng, cands), true
}

// variants returns every domain one edit of class cls away from d, each
// weighted: an edit at the first position a quarter as likely (BRIEF §4:
// first-letter errors are rare), and the choices at one position sharing
// its weight.
func variants(d, cls string) []weighted[string] {
	var out []weighted[string]
	add := func(pos int, w float64, v string) {
		if pos == 0 {
			w /= 4
		}
		out = append(out, weighted[string]{v, w})
	}
	n := len(d)
	at := func(i int) byte {
		if i < 0 || i >= n {
			return 0
		}
		return d[i]
	}
	doubled := func(i int) bool { return at(i-1) == d[i] || at(i+1) == d[i] }
	switch cls {
	case deletion, doubledDeletion:
		for i := range n {
			if d[i] == '.' || doubled(i) != (cls == doubledDeletion) {
				continue
			}
			if cls == doubledDeletion && at(i-1) == d[i] {
				continue // one variant per doubled pair
			}
			add(i, 1, d[:i]+d[i+1:])
		}
	case transposition:
		for i := 0; i+1 < n; i++ {
			if d[i] != d[i+1] {
				add(i, 1, d[:i]+string(d[i+1])+string(d[i])+d[i+2:])
			}
		}
	case doubledInsertion:
		for i := range n {
			if isAlnum(d[i]) {
				add(i, 1, d[:i+1]+d[i:])
			}
		}
	case adjacentInsertion, otherInsertion:
		for j := 0; j <= n; j++ {
			prev, next := at(j-1), at(j)
			var cs []byte
			for c := byte('a'); c <= 'z'; c++ {
				if c == prev || c == next {
					continue
				}
				adj := adjacent(c, prev) || adjacent(c, next)
				if adj == (cls == adjacentInsertion) {
					cs = append(cs, c)
				}
			}
			for _, c := range cs {
				add(j, 1/float64(len(cs)), d[:j]+string(c)+d[j:])
			}
		}
	case adjacentSubstitution, otherSubstitution, bitflip:
		for i := range n {
			if !isAlnum(d[i]) {
				continue
			}
			var cs []byte
			for _, c := range []byte("abcdefghijklmnopqrstuvwxyz0123456789-") {
				if c == d[i] || lookalike1(c, d[i]) {
					continue
				}
				adj, flip := adjacent(c, d[i]), oneBit(c, d[i])
				letters := isLetter(c) && isLetter(d[i])
				switch {
				case cls == adjacentSubstitution && adj && letters,
					cls == otherSubstitution && letters && !adj && !flip,
					cls == bitflip && flip && !adj:
					cs = append(cs, c)
				}
			}
			for _, c := range cs {
				add(i, 1/float64(len(cs)), d[:i]+string(c)+d[i+1:])
			}
		}
	case digitHyphen:
		// A conspicuous digit or hyphen typed in or for a letter, not a
		// look-alike (0 for o, 1 for l or i).
		for j := 0; j <= n; j++ {
			cs := []byte("23456789-")
			for _, c := range cs {
				add(j, 0.5/float64(len(cs)), d[:j]+string(c)+d[j:])
			}
			if j < n && isLetter(d[j]) {
				for _, c := range []byte("0123456789-") {
					if !lookalike1(c, d[j]) {
						add(j, 0.5/11, d[:j]+string(c)+d[j+1:])
					}
				}
			}
		}
	case lookalike:
		pairs := []struct{ want, got string }{
			{"o", "0"}, {"l", "1"}, {"i", "1"}, {"i", "l"}, {"l", "i"}, {"0", "o"}, {"1", "l"},
			{"m", "rn"}, {"w", "vv"}, {"d", "cl"}, {"rn", "m"}, {"vv", "w"}, {"cl", "d"},
		}
		for i := range n {
			for _, p := range pairs {
				if strings.HasPrefix(d[i:], p.want) {
					add(i, 1, d[:i]+p.got+d[i+len(p.want):])
				}
			}
		}
	}
	return out
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' }
func isAlnum(c byte) bool  { return isLetter(c) || '0' <= c && c <= '9' }

func lookalike1(a, b byte) bool {
	g := func(c byte) byte {
		switch c {
		case 'o', '0':
			return 'o'
		case 'l', '1', 'i':
			return 'l'
		}
		return 0
	}
	return a != b && g(a) != 0 && g(a) == g(b)
}

func oneBit(a, b byte) bool {
	x := a ^ b
	return x != 0 && x&(x-1) == 0
}

// qwerty is the US layout's rows with their x-offsets in key widths
// (BRIEF §4): two keys are adjacent when their rows differ by at most one
// and their centres by at most one key width.
var qwerty = []struct {
	keys string
	x    float64
}{{"1234567890-=", 0}, {"qwertyuiop[]", 0.5}, {"asdfghjkl;'", 0.75}, {"zxcvbnm,./", 1.25}}

func adjacent(a, b byte) bool {
	if a == 0 || b == 0 || a == b {
		return false
	}
	ra, xa, oka := keyPos(a)
	rb, xb, okb := keyPos(b)
	if !oka || !okb {
		return false
	}
	dr, dx := ra-rb, xa-xb
	return dr >= -1 && dr <= 1 && dx >= -1 && dx <= 1
}

func keyPos(c byte) (row int, x float64, ok bool) {
	for r, k := range qwerty {
		if i := strings.IndexByte(k.keys, c); i >= 0 {
			return r, k.x + float64(i), true
		}
	}
	return 0, 0, false
}

// profile is a strict UTS #46 profile, as the package documentation
// describes, to keep only typos that are valid domains.
var profile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.StrictDomainName(true), idna.VerifyDNSLength(true), idna.Transitional(false))

// validDomain reports whether d is a valid domain: LDH labels without a
// leading or trailing hyphen, more than one label or a merged name.
func validDomain(d string) bool {
	if d == "" || strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") {
		return false
	}
	for _, l := range strings.Split(d, ".") {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' || len(l) >= 4 && l[2:4] == "--" {
			return false
		}
	}
	_, err := profile.ToASCII(d)
	return err == nil
}

// cleanRows makes about n clean rows of class cls over the domains, each
// domain as often as the others (round robin over a shuffled order; n is
// rounded up to a multiple of the number of domains).
func (s *scenario) cleanRows(cls string, domains []string, n int) {
	if len(domains) == 0 {
		log.Fatalf("%s: no domains for %s", s.name, cls)
	}
	n = (n + len(domains) - 1) / len(domains) * len(domains) // every domain equally often
	order := slices.Clone(domains)
	slices.Sort(order)
	s.rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	for i := 0; i < n; i++ {
		d := order[i%len(order)]
		for range 10 {
			addr := s.local() + "@" + d
			if !s.seenAddr[addr] {
				s.seenAddr[addr] = true
				s.rows = append(s.rows, row{address: addr, label: "clean", class: cls, key: d})
				break
			}
		}
	}
}

// oddRows makes odd but valid addresses: display names, quoted local
// parts, plus-addressing, upper case, a trailing root dot, IDN domains,
// internationalised local parts and domain literals.
func (s *scenario) oddRows() {
	for i := 0; i < s.oddN; i++ {
		d := s.oddD[s.rng.IntN(len(s.oddD))]
		f, l := firstNames[s.rng.IntN(len(firstNames))], lastNames[s.rng.IntN(len(lastNames))]
		F, L := title(f), title(l)
		local := s.local()
		key := d
		var addr string
		switch i % 14 {
		case 0:
			addr = fmt.Sprintf("%q <%s@%s>", F+" "+L, local, d)
		case 1:
			addr = fmt.Sprintf("%s %s <%s@%s>", F, L, local, d)
		case 2:
			tags := []string{"news", "shop", "work", "2024", "lists", "receipts"}
			addr = fmt.Sprintf("%s+%s@%s", local, tags[s.rng.IntN(len(tags))], d)
		case 3:
			addr = fmt.Sprintf("%q@%s", f+" "+l, d)
		case 4:
			addr = fmt.Sprintf("%q@%s", f+".."+l, d)
		case 5:
			addr = strings.ToUpper(local + "@" + d)
		case 6:
			addr = local + "@" + d + "."
		case 7:
			d = idnDomains[s.rng.IntN(len(idnDomains))]
			key = strings.ToLower(d)
			addr = local + "@" + d
		case 8:
			addr = title(local) + "@" + titleLabels(d)
		case 9:
			if s.mil && strings.HasSuffix(d, ".mil") {
				// The DoD's own display-name format.
				addr = fmt.Sprintf("%q <%s.%s.civ@%s>", L+", "+F+" A CIV USARMY (USA)", f, l, d)
			} else {
				addr = fmt.Sprintf("%q <%s@%s>", L+", "+F, local, d)
			}
		case 10:
			eai := []string{"jürgen", "josé.garcía", "françois", "zoë", "søren", "用户", "почта", "δοκιμή"}
			addr = eai[s.rng.IntN(len(eai))] + "@" + d
		case 11:
			addr = fmt.Sprintf("%q@%s", f+"@home", d)
		case 12:
			lits := []string{"[192.0.2.1]", "[198.51.100.7]", "[IPv6:2001:db8::1]"}
			d = lits[s.rng.IntN(len(lits))]
			key = d
			addr = "postmaster@" + d
		case 13:
			addr = fmt.Sprintf("%s.%s-%s@%s", f, l, "ext", d)
		}
		if s.seenAddr[addr] {
			continue
		}
		s.seenAddr[addr] = true
		s.rows = append(s.rows, row{address: addr, label: "clean", class: oddValid, key: key})
	}
}

func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func titleLabels(d string) string {
	ls := strings.Split(d, ".")
	for i := range ls {
		ls[i] = title(ls[i])
	}
	return strings.Join(ls, ".")
}

// local returns a random, plausible local part.
func (s *scenario) local() string {
	f, l := firstNames[s.rng.IntN(len(firstNames))], lastNames[s.rng.IntN(len(lastNames))]
	if s.mil && s.rng.IntN(2) == 0 {
		m := string(rune('a' + s.rng.IntN(26)))
		kinds := []string{"mil", "civ", "ctr"}
		return f + "." + m + "." + l + "." + kinds[s.rng.IntN(len(kinds))]
	}
	switch s.rng.IntN(8) {
	case 0:
		return f + "." + l
	case 1:
		return f + l
	case 2:
		return f[:1] + "." + l
	case 3:
		return f + "_" + l
	case 4:
		return fmt.Sprintf("%s%d", f, 1+s.rng.IntN(2025))
	case 5:
		return l + "." + f
	case 6:
		return fmt.Sprintf("%s.%s%d", f, l, 1+s.rng.IntN(99))
	}
	return f[:1] + l
}

// write sorts the rows and writes the scenario's file.
func (s *scenario) write(fp string) error {
	slices.SortFunc(s.rows, func(a, b row) int {
		return cmp.Or(
			-strings.Compare(a.label, b.label), // typo first
			strings.Compare(a.class, b.class),
			strings.Compare(a.address, b.address),
		)
	})
	var typos, clean, tune int
	for i := range s.rows {
		if s.rows[i].label == "typo" {
			typos++
		} else {
			clean++
		}
		if split(s.rows[i].key) == "tune" {
			tune++
		}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# typoguard accuracy corpus, scenario %q. Code generated by gen_corpus.go; DO NOT EDIT.\n", s.name)
	fmt.Fprintf(&b, "# Regenerate with: go run gen_corpus.go (deterministic: PCG seed %#x, %d).\n", uint64(seed1), seed2+len(s.name))
	fmt.Fprintf(&b, "# inputs: sha256 %s (gen_corpus.go and knowledge/*.txt, see accuracy_test.go)\n", fp)
	fmt.Fprintf(&b, "# %s\n", s.about)
	fmt.Fprintf(&b, "# protected: %s\n", strings.Join(s.protected, " "))
	fmt.Fprintf(&b, "# rows: %d (typo %d, clean %d; split tune %d, test %d)\n", len(s.rows), typos, clean, tune, len(s.rows)-tune)
	b.WriteString(`# Provenance: typos are made from the protected domains (and, for mil, the
# names of knowledge/mil.txt under .mil) by the typo classes of BRIEF §4 with
# a literature-based class mix; a typo that is a protected, known-legitimate
# (knowledge/legitimate.txt, owners.txt) or listed real domain, or under
# one, is dropped. Clean rows use hand-written lists of real, well-known
# domains (public facts) with random local parts. Labels come from how each
# row was made, never from typoguard's verdict.
# Columns: address, label (typo|clean), class, intended (the domain meant,
# for typos), split (tune|test: FNV-1a of the domain, so that a domain is
# never in both halves). Classes ending in -short are edits of a registrable
# label of at most 3 characters, which typoguard deliberately leaves alone.
`)
	b.WriteString("address\tlabel\tclass\tintended\tsplit\n")
	for _, r := range s.rows {
		if strings.ContainsAny(r.address, "\t\n") {
			return fmt.Errorf("%s: address %q has a tab or newline", s.name, r.address)
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\n", r.address, r.label, r.class, r.intended, split(r.key))
	}
	name := filepath.Join("testdata", "corpus", s.name+".tsv")
	log.Printf("%s: %d rows (typo %d, clean %d)", name, len(s.rows), typos, clean)
	return os.WriteFile(name, b.Bytes(), 0o644)
}

// split assigns a domain to the tune or test half by its FNV-1a hash.
func split(key string) string {
	h := fnv.New64a()
	h.Write([]byte(key))
	if h.Sum64()%2 == 0 {
		return "tune"
	}
	return "test"
}

// pick returns a weighted random choice.
func pick[T any](rng *rand.Rand, ws []weighted[T]) T {
	var total float64
	for _, w := range ws {
		total += w.w
	}
	x := rng.Float64() * total
	for _, w := range ws {
		if x < w.w {
			return w.v
		}
		x -= w.w
	}
	return ws[len(ws)-1].v
}

func setOf(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, d := range list {
		m[d] = true
	}
	return m
}

// uniqueExcept returns the distinct domains of list, in order, without
// those in except.
func uniqueExcept(list []string, except map[string]bool) []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range list {
		if !seen[d] && !except[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

// osa is the plain optimal string alignment distance (unit costs).
func osa(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+c)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
