package config

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite README.md's configuration table from Config")

const (
	readme     = "../../README.md"
	tableStart = "<!-- config table: generated from internal/config (go test ./internal/config -update) -->\n"
	tableEnd   = "<!-- end of config table -->\n"
)

// configTable is README.md's table of variables, from Usage.
func configTable() string {
	var b strings.Builder
	b.WriteString("| variable | meaning | default |\n| --- | --- | --- |\n")
	for _, line := range strings.Split(strings.TrimSpace(Usage()), "\n") {
		f := strings.SplitN(line, "\t", 3)
		def := "—"
		if f[1] != "" {
			def = "`" + f[1] + "`"
		}
		b.WriteString("| `" + f[0] + "` | " + f[2] + " | " + def + " |\n")
	}
	return b.String()
}

// TestREADMEConfigTable keeps README.md's configuration table the one
// Config's tags make; -update rewrites it.
func TestREADMEConfigTable(t *testing.T) {
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	i, j := strings.Index(text, tableStart), strings.Index(text, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md has no configuration table between %q and %q", strings.TrimSpace(tableStart), strings.TrimSpace(tableEnd))
	}
	want := configTable()
	if got := text[i+len(tableStart) : j]; got != want {
		if !*update {
			t.Fatalf("README.md's configuration table is not Config's: run go test ./internal/config -update\nwant:\n%s", want)
		}
		if err := os.WriteFile(readme, []byte(text[:i+len(tableStart)]+want+text[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
