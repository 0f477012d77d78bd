package typoguard

// MailProviders returns the "providers" preset: popular consumer mail
// provider domains worldwide (gmail.com, outlook.com, yahoo.co.jp,
// web.de, mail.ru, qq.com, naver.com, uol.com.br …), more than a hundred
// of them, the biggest first. Protect them in sign-up forms and pre-send
// checks:
//
//	g := typoguard.MustNew(typoguard.MailProviders())
//
// Each call returns a fresh slice that the caller may modify or append
// to. Every domain belongs to a same-owner group of built-in knowledge,
// so protecting it also trusts its sister domains (hotmail.com trusts
// outlook.com and live.fr). The list and its provenance are in the
// embedded file knowledge/providers.txt.
func MailProviders() []string {
	return fields(mustRead("knowledge/providers.txt"))
}

// USMilitary returns the "mil" preset, a fresh slice protecting the US
// military: the whole ".mil" suffix. Every domain under .mil is trusted,
// and look-alikes of the suffix are flagged for names known to exist
// under it. Over a hundred well-known names (army, navy, af, marines,
// darpa, centcom, disa, mail …) are part of built-in knowledge, so a
// slip such as darpa.ml is caught without listing darpa.mil, while real
// Malian and Israeli domains (gouv.ml, idf.il) are left alone. The names
// and how they were gathered are in the embedded file knowledge/mil.txt;
// [WithKnownNames] adds more.
func USMilitary() []string {
	return []string{".mil"}
}
