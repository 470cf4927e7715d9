package main

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/fractional-advisor/fractional-advisor/internal/faq"
)

func TestEigen(t *testing.T) {
	// A symmetric matrix with eigenvalues 1, 2 and 4: (1,1,0)/√2 → 4,
	// (1,-1,0)/√2 → 2, (0,0,1) → 1.
	a := [][]float64{{3, 1, 0}, {1, 3, 0}, {0, 0, 1}}
	vals, vecs := eigen(a)
	got := slices.Clone(vals)
	slices.Sort(got)
	for i, want := range []float64{1, 2, 4} {
		if math.Abs(got[i]-want) > 1e-9 {
			t.Fatalf("eigenvalues %v, want 1, 2, 4", vals)
		}
	}
	m := [][]float64{{3, 1, 0}, {1, 3, 0}, {0, 0, 1}}
	for i, v := range vecs { // m·v = λv
		for r := range m {
			var mv float64
			for c := range v {
				mv += m[r][c] * v[c]
			}
			if math.Abs(mv-vals[i]*v[r]) > 1e-9 {
				t.Fatalf("vector %d %v is not an eigenvector for %v", i, v, vals[i])
			}
		}
	}
}

// TestPrincipal: points spread along (1, 1) and barely across it project
// on that direction first, and the sign is fixed.
func TestPrincipal(t *testing.T) {
	vecs := [][]float64{{-3, -3.1}, {-1, -0.9}, {1, 1.1}, {3, 2.9}, {0, 0}}
	proj := principal(vecs, 1)
	for i, p := range proj {
		want := (vecs[i][0] + vecs[i][1]) / math.Sqrt2 // the mean is (0, 0)
		if math.Abs(p[0]-want) > 0.05 {
			t.Errorf("point %v projects to %.3f, want about %.3f", vecs[i], p[0], want)
		}
	}
}

func TestPick(t *testing.T) {
	byFreq := []string{"the", ",", "of", "3rd", "cost", "Zeta", "rare", "rarer", "budget"}
	has := func(w string) bool { return w != "of" }
	got := pick(byFreq, 3, map[string]bool{"budget": true, "missing": true}, has)
	// The first three words are "the", "of" (no vector) and "cost";
	// "budget" is wanted; "," "3rd" and "Zeta" are no words.
	if want := []string{"budget", "cost", "the"}; !slices.Equal(got, want) {
		t.Errorf("pick = %v, want %v", got, want)
	}
}

// TestRun writes a vectors file from a small source and reads it back.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	src := `{"dimensions": 3, "words": ["alpha", "beta", "gamma", "delta"], "vectors": {
		"alpha": [1, 0, 0, 1.7, 0], "beta": [0, 1, 0, 1, 1], "gamma": [0, 0, 1, 1, 2], "delta": [1, 1, 1, 1.7, 3]}}`
	glove := filepath.Join(dir, "src.json")
	content := filepath.Join(dir, "content")
	out := filepath.Join(dir, "vectors.bin")
	if err := os.WriteFile(glove, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(content, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(content, "a.yaml"), []byte("question: Delta?"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(glove, content, 2, 2, out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	head := len(faq.VectorsMagic)
	if string(b[:head]) != faq.VectorsMagic {
		t.Fatalf("no magic: %q", b[:head])
	}
	dims, n := binary.LittleEndian.Uint32(b[head:]), binary.LittleEndian.Uint32(b[head+4:])
	// alpha and beta are the two most frequent; delta is the content's.
	var words []string
	rest := b[head+8+4*int(dims):]
	for range n {
		l := int(rest[0])
		words = append(words, string(rest[1:1+l]))
		rest = rest[1+l+int(dims):]
	}
	if dims != 2 || !slices.Equal(words, []string{"alpha", "beta", "delta"}) || len(rest) != 0 {
		t.Errorf("%d dimensions, words %v, %d bytes left; want 2, [alpha beta delta], 0", dims, words, len(rest))
	}
	for _, tt := range []struct {
		name, glove, content string
		top, dims            int
	}{
		{"no source", "", content, 2, 2},
		{"too many dimensions", glove, content, 2, faq.MaxVectorDims + 1},
		{"more dimensions than the source", glove, content, 2, 4},
		{"no such source", filepath.Join(dir, "nope.json"), content, 2, 2},
		{"no such content", glove, filepath.Join(dir, "nope"), 2, 2},
	} {
		if err := run(tt.glove, tt.content, tt.top, tt.dims, out); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
}
