// Package dockerfile splits a Dockerfile into its instructions, for the
// tests that check the build line and the Kubernetes manifests against it.
// It understands what this project's Dockerfile uses: comments, blank
// lines and backslash continuations; not parser directives, heredocs or
// other escape characters.
package dockerfile

import "strings"

// Instruction is one instruction, continuation lines joined.
type Instruction struct {
	Cmd  string // upper case: FROM, RUN, ...
	Args string
}

// Parse returns the instructions of a Dockerfile, in order.
func Parse(data []byte) []Instruction {
	var instrs []Instruction
	var logical strings.Builder
	for line := range strings.Lines(string(data)) {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") || (trimmed == "" && logical.Len() == 0) {
			continue
		}
		if rest, ok := strings.CutSuffix(trimmed, `\`); ok {
			logical.WriteString(rest + " ")
			continue
		}
		logical.WriteString(trimmed)
		cmd, args, _ := strings.Cut(logical.String(), " ")
		instrs = append(instrs, Instruction{strings.ToUpper(cmd), strings.TrimSpace(args)})
		logical.Reset()
	}
	return instrs
}
