// The reference for gitleaks' expressions: Go's own regexp package (RE2,
// what gitleaks compiles its rules with), run on the same patterns and
// inputs as pushgate. Reads [{"pattern": P, "inputs": [S, ...]}] on stdin;
// writes, for each, {"error": E} or {"matches": [[[start, end], [group
// start, group end] ...] ...] per input}: every non-overlapping match
// (FindAllStringSubmatchIndex, the call gitleaks makes), byte offsets,
// -1 for a group that took no part. Run by tests/integration/secrets_parity.rs.
package main

import (
	"encoding/json"
	"os"
	"regexp"
)

type query struct {
	Pattern string   `json:"pattern"`
	Inputs  []string `json:"inputs"`
}

type answer struct {
	Error   *string    `json:"error,omitempty"`
	Matches [][][2]int `json:"matches"`
}

func main() {
	var qs []query
	if err := json.NewDecoder(os.Stdin).Decode(&qs); err != nil {
		panic(err)
	}
	out := make([]answer, 0, len(qs))
	for _, q := range qs {
		re, err := regexp.Compile(q.Pattern)
		if err != nil {
			e := err.Error()
			out = append(out, answer{Error: &e, Matches: [][][2]int{}})
			continue
		}
		var per [][][2]int
		for _, in := range q.Inputs {
			var spans [][2]int
			for _, m := range re.FindAllStringSubmatchIndex(in, -1) {
				for g := 0; g+1 < len(m); g += 2 {
					spans = append(spans, [2]int{m[g], m[g+1]})
				}
				// A separator between matches.
				spans = append(spans, [2]int{-2, -2})
			}
			if spans == nil {
				spans = [][2]int{}
			}
			per = append(per, spans)
		}
		if per == nil {
			per = [][][2]int{}
		}
		out = append(out, answer{Matches: per})
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
