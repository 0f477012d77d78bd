package typoguard

// MailProviders returns a fresh list of popular consumer mail provider
// domains, for sign-up forms and pre-send checks. Its provenance is in
// the embedded file knowledge/providers.txt.
func MailProviders() []string {
	return fields(mustRead("knowledge/providers.txt"))
}

// USMilitary returns a fresh list protecting the US military: the whole
// ".mil" suffix. Well-known names under it (army, navy, darpa, centcom…)
// are part of built-in knowledge, so a slip such as darpa.ml is caught
// without listing darpa.mil.
func USMilitary() []string {
	return []string{".mil"}
}
