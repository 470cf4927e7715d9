package main

import (
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/fractional-advisor/fractional-advisor/internal/dockerfile"
)

// The module root, from this package's folder (go test runs tests there).
const moduleRoot = "../.."

func readDockerfile(t *testing.T) []dockerfile.Instruction {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(moduleRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	return dockerfile.Parse(data)
}

// dockerBuild is the Dockerfile's `go build` command line.
type dockerBuild struct {
	env   []string // NAME=value assignments before go, unexpanded
	flags []string // build flags but -o
	out   string   // -o
	pkg   string
}

// parseGoBuild finds the RUN instruction that runs go build and splits it
// as the shell would. It accepts one simple command: assignments, go build,
// flags, one package.
func parseGoBuild(t *testing.T, instrs []dockerfile.Instruction) dockerBuild {
	t.Helper()
	var runs []string
	for _, in := range instrs {
		if in.Cmd == "RUN" && strings.Contains(in.Args, "go build") {
			runs = append(runs, in.Args)
		}
	}
	if len(runs) != 1 {
		t.Fatalf("want exactly one RUN with go build in the Dockerfile, got %d", len(runs))
	}
	words, err := shellWords(runs[0])
	if err != nil {
		t.Fatalf("Dockerfile: RUN %s: %v", runs[0], err)
	}
	var b dockerBuild
	for len(words) > 0 && strings.Contains(words[0], "=") && !strings.HasPrefix(words[0], "-") {
		b.env, words = append(b.env, words[0]), words[1:]
	}
	if len(words) < 2 || words[0] != "go" || words[1] != "build" {
		t.Fatalf("Dockerfile: RUN %s: want [NAME=value...] go build ...", runs[0])
	}
	for words = words[2:]; len(words) > 0; words = words[1:] {
		w := words[0]
		switch {
		case w == "-o" && len(words) > 1:
			b.out, words = words[1], words[1:]
		case strings.HasPrefix(w, "-o="):
			b.out = strings.TrimPrefix(w, "-o=")
		case strings.HasPrefix(w, "-"):
			b.flags = append(b.flags, w)
		case b.pkg == "":
			b.pkg = w
		default:
			t.Fatalf("Dockerfile: go build has more than one package: %q, %q (or a shell operator the test does not parse)", b.pkg, w)
		}
	}
	return b
}

// shellWords splits s into words as sh does for a simple command, with
// single and double quotes and no expansion. Operators are rejected, so a
// second command on the line cannot slip past the test.
func shellWords(s string) ([]string, error) {
	var words []string
	var w strings.Builder
	inWord := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				w.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words, inWord = append(words, w.String()), false
				w.Reset()
			}
		case strings.ContainsRune(";&|<>()`\\", r):
			return nil, &shellError{r}
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, &shellError{quote}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, nil
}

type shellError struct{ r rune }

func (e *shellError) Error() string {
	return "unsupported or unbalanced shell character " + string(e.r) + " in the go build RUN line: keep it one simple command"
}

// TestBinaryDockerfileBuildLine pins the Dockerfile's build to a static,
// stripped, path-free binary, built from the module's Go version.
func TestBinaryDockerfileBuildLine(t *testing.T) {
	t.Parallel()
	instrs := readDockerfile(t)
	b := parseGoBuild(t, instrs)
	if !slices.Contains(b.env, "CGO_ENABLED=0") {
		t.Errorf("go build env %q lacks CGO_ENABLED=0: the binary would link libc, which distroless/static lacks", b.env)
	}
	if want := []string{"-ldflags=-s -w", "-trimpath"}; !slices.Equal(slices.Sorted(slices.Values(b.flags)), want) {
		t.Errorf("go build flags %q, want %q", b.flags, want)
	}
	if b.pkg != "./cmd/fractional-advisor" {
		t.Errorf("go build package %q, want ./cmd/fractional-advisor", b.pkg)
	}

	// The final stage runs what was built, on a base without libc.
	var froms []string
	var entrypoint []string
	for _, in := range instrs {
		switch in.Cmd {
		case "FROM":
			froms = append(froms, in.Args)
		case "ENTRYPOINT":
			entrypoint = nil
			if err := json.Unmarshal([]byte(in.Args), &entrypoint); err != nil {
				t.Errorf("ENTRYPOINT %s: want the exec form: %v", in.Args, err)
			}
		}
	}
	if len(froms) < 2 {
		t.Fatalf("FROM %q: want a builder stage and a final stage", froms)
	}
	if final := froms[len(froms)-1]; !strings.HasPrefix(final, "gcr.io/distroless/static") {
		t.Errorf("final stage FROM %s: want gcr.io/distroless/static-…", final)
	}
	if len(entrypoint) != 1 || filepath.Base(entrypoint[0]) != filepath.Base(b.out) {
		t.Errorf("ENTRYPOINT %q does not run the built %s", entrypoint, b.out)
	}

	// The builder's Go is the module's (major.minor).
	goMod, err := os.ReadFile(filepath.Join(moduleRoot, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	var goVersion string
	for line := range strings.Lines(string(goMod)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "go "); ok {
			goVersion = majorMinor(v)
		}
	}
	var builder string
	for _, f := range froms {
		for w := range strings.FieldsSeq(f) {
			if strings.HasPrefix(w, "golang:") {
				builder = w
			}
		}
	}
	tag, _, _ := strings.Cut(strings.TrimPrefix(builder, "golang:"), "-")
	if goVersion == "" || majorMinor(tag) != goVersion {
		t.Errorf("builder image %q, but go.mod says go %s", builder, goVersion)
	}
}

func majorMinor(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return v
	}
	return parts[0] + "." + parts[1]
}

// TestBinaryIsStatic builds the binary with the Dockerfile's own command
// line and checks, with debug/elf, that it needs no dynamic loader or
// shared library, so it runs on distroless/static.
func TestBinaryIsStatic(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary: skipped with -short")
	}
	if runtime.GOOS != "linux" {
		t.Skip("the image is Linux; this checks a Linux ELF binary")
	}
	t.Parallel()
	b := parseGoBuild(t, readDockerfile(t))
	root, err := filepath.Abs(moduleRoot)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), filepath.Base(b.out))

	// The Dockerfile's TARGETOS and TARGETARCH are the platform being built
	// for; here, this machine's.
	expand := strings.NewReplacer("${TARGETOS}", runtime.GOOS, "$TARGETOS", runtime.GOOS,
		"${TARGETARCH}", runtime.GOARCH, "$TARGETARCH", runtime.GOARCH)
	env := os.Environ()
	for _, e := range b.env {
		if strings.Contains(e, "$") && expand.Replace(e) == e {
			t.Fatalf("Dockerfile: go build env %s uses a variable the test does not know", e)
		}
		env = append(env, expand.Replace(e))
	}
	args := append(append([]string{"build"}, b.flags...), "-o", bin, b.pkg)
	cmd := exec.CommandContext(t.Context(), "go", args...)
	cmd.Dir, cmd.Env = root, env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}

	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		switch p.Type {
		case elf.PT_INTERP:
			t.Error("the binary has a PT_INTERP program header: it needs a dynamic loader")
		case elf.PT_DYNAMIC:
			t.Error("the binary has a PT_DYNAMIC program header: it is dynamically linked")
		}
	}
	if f.Section(".dynamic") != nil || f.Section(".interp") != nil {
		t.Error("the binary has a .dynamic or .interp section")
	}
	if libs, err := f.ImportedLibraries(); err != nil || len(libs) != 0 { // DT_NEEDED
		t.Errorf("the binary needs shared libraries %q (%v)", libs, err)
	}
	var unstripped []string // -s drops the symbol table, -w the DWARF
	for _, s := range f.Sections {
		if s.Name == ".symtab" || strings.HasPrefix(s.Name, ".debug_") || strings.HasPrefix(s.Name, ".zdebug_") {
			unstripped = append(unstripped, s.Name)
		}
	}
	if len(unstripped) > 0 {
		t.Errorf("the binary has sections %q: not stripped (-ldflags='-s -w')", unstripped)
	}

	// The toolchain's record of the build agrees. (With -trimpath it leaves
	// -ldflags out, go.dev/issue/52372: the section checks above cover it.)
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	settings := make(map[string]string)
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	for k, want := range map[string]string{"CGO_ENABLED": "0", "-trimpath": "true"} {
		if settings[k] != want {
			t.Errorf("build setting %s = %q, want %q", k, settings[k], want)
		}
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte(root)) {
		t.Errorf("the binary contains the build folder %s: -trimpath did not apply", root)
	}

	// And it runs: the embedded knowledge base answers, with no settings.
	run := exec.CommandContext(t.Context(), bin, "ask", "--json", "how much does a fractional cto cost")
	run.Env = []string{}
	out, err := run.Output()
	if err != nil {
		t.Fatalf("%s ask: %v", bin, err)
	}
	var got struct {
		Match *struct {
			ID string `json:"id"`
		} `json:"match"`
	}
	if err := json.Unmarshal(out, &got); err != nil || got.Match == nil || got.Match.ID != "cost" {
		t.Errorf("ask --json: %s (%v), want the cost entry", out, err)
	}
}
