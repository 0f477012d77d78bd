module github.com/typoguard/typoguard/bench

go 1.26.0

require (
	github.com/agnivade/levenshtein v1.2.2
	github.com/typoguard/typoguard v0.0.0
)

require (
	golang.org/x/net v0.62.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)

replace github.com/typoguard/typoguard => ../
