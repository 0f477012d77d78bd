package typoguard

import (
	"bufio"
	"embed"
	"strings"
	"sync"
)

// knowledgeFS holds typoguard's built-in knowledge of the world, as
// readable, diffable text files with their provenance in their headers.
//
//go:embed knowledge/*.txt
var knowledgeFS embed.FS

// knowledge is the parsed content of knowledgeFS.
type knowledge struct {
	legitimate []string
	owners     [][]string
	names      map[string][]string // suffix -> known names under it
}

// builtinKnowledge parses the embedded files once; the result is shared
// and never modified.
var builtinKnowledge = sync.OnceValue(func() knowledge {
	k := knowledge{names: map[string][]string{}}
	k.legitimate = fields(mustRead("knowledge/legitimate.txt"))
	for _, line := range lines(mustRead("knowledge/owners.txt")) {
		k.owners = append(k.owners, strings.Fields(line))
	}
	k.names["mil"] = fields(mustRead("knowledge/mil.txt"))
	return k
})

func mustRead(name string) string {
	b, err := knowledgeFS.ReadFile(name)
	if err != nil {
		panic("typoguard: embedded file missing: " + name) // a build defect, caught by every test
	}
	return string(b)
}

// lines returns the non-blank lines of s without "#" comments.
func lines(s string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// fields returns every whitespace-separated word of the lines of s.
func fields(s string) []string {
	var out []string
	for _, line := range lines(s) {
		out = append(out, strings.Fields(line)...)
	}
	return out
}
