package faq

import (
	"encoding/binary"
	"math"
	"strings"
	"testing"
)

// vectorOf returns w's vector in v, or nil.
func vectorOf(v *wordVectors, w string) []float32 {
	acc := make([]int32, v.dims)
	if !v.add(acc, w) {
		return nil
	}
	vec := make([]float32, v.dims)
	for k, n := range acc {
		vec[k] = float32(n) * v.scale[k]
	}
	return vec
}

func cosine(a, b []float32) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[i]) * float64(b[i])
	}
	return ab / math.Sqrt(aa*bb)
}

// TestVectors checks the embedded vectors.bin: it reads, it is the size
// the search was measured with, and its vectors still say which words are
// alike after the cut to principal components and bytes.
func TestVectors(t *testing.T) {
	t.Parallel()
	v, err := parseVectors(embeddedVectors)
	if err != nil {
		t.Fatal(err)
	}
	if v.dims != 32 || len(v.at) < 7000 {
		t.Errorf("%d dimensions, %d words; want 32 and over 7,000 (see internal/genvectors)", v.dims, len(v.at))
	}
	for _, tt := range []struct{ w, near, far string }{
		{"salary", "wages", "football"},
		{"bakery", "restaurant", "governance"},
		{"months", "weeks", "budget"},
		{"hospital", "clinic", "software"},
	} {
		w, near, far := vectorOf(v, tt.w), vectorOf(v, tt.near), vectorOf(v, tt.far)
		if w == nil || near == nil || far == nil {
			t.Errorf("no vector for one of %q, %q, %q", tt.w, tt.near, tt.far)
			continue
		}
		if n, f := cosine(w, near), cosine(w, far); n <= f {
			t.Errorf("%q is as close to %q (%.2f) as to %q (%.2f)", tt.w, tt.far, f, tt.near, n)
		}
	}
}

func TestParseVectors(t *testing.T) {
	t.Parallel()
	file := func(dims, n uint32, body string) string {
		b := []byte(VectorsMagic)
		b = binary.LittleEndian.AppendUint32(b, dims)
		b = binary.LittleEndian.AppendUint32(b, n)
		for range min(dims, 2) {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(0.5))
		}
		return string(b) + body
	}
	// Two words of two dimensions: "ab" (2, -4) and "c" (127, 0) steps.
	good := file(2, 2, "\x02ab\x02\xfc"+"\x01c\x7f\x00")
	v, err := parseVectors(good)
	if err != nil {
		t.Fatal(err)
	}
	if got := vectorOf(v, "ab"); len(got) != 2 || got[0] != 1 || got[1] != -2 {
		t.Errorf("ab = %v, want [1 -2]", got)
	}
	if got := vectorOf(v, "c"); len(got) != 2 || got[0] != 63.5 || got[1] != 0 {
		t.Errorf("c = %v, want [63.5 0]", got)
	}
	if vectorOf(v, "d") != nil {
		t.Error("a word not in the file has a vector")
	}
	for name, data := range map[string]string{
		"empty":          "",
		"bad magic":      "x" + good[1:],
		"no dimensions":  file(0, 0, ""),
		"too many":       file(MaxVectorDims+1, 0, ""),
		"short scales":   good[:len(VectorsMagic)+8+4],
		"short word":     good[:len(good)-1],
		"word past end":  file(2, 2, "\x02ab\x02\xfc"+"\x09c\x7f\x00"),
		"more words":     file(2, 3, "\x02ab\x02\xfc"+"\x01c\x7f\x00"),
		"trailing bytes": good + "x",
		"empty word":     file(2, 1, "\x00\x02\xfc"),
		"out of order":   file(2, 2, "\x01c\x7f\x00"+"\x02ab\x02\xfc"),
		"repeated word":  file(2, 2, "\x01c\x7f\x00"+"\x01c\x7f\x00"),
		"zero scale":     strings.Replace(good, "\x00\x00\x00\x3f", "\x00\x00\x00\x00", 1),
		"NaN scale":      strings.Replace(good, "\x00\x00\x00\x3f", "\x00\x00\xc0\x7f", 1),
		"infinite scale": strings.Replace(good, "\x00\x00\x00\x3f", "\x00\x00\x80\x7f", 1),
		"negative scale": strings.Replace(good, "\x00\x00\x00\x3f", "\x00\x00\x00\xbf", 1),
	} {
		if _, err := parseVectors(data); err == nil || !strings.HasPrefix(err.Error(), "vectors: ") {
			t.Errorf("%s: err = %v, want a vectors error", name, err)
		}
	}
}

// TestVectorsGeneralise: the classifier reads a text's word vector, so a
// word no entry or example uses ("wages") counts for the entry whose words
// it is like ("salary", "fee"). Without vectors the same question does
// not tell the entries apart, which is what makes the vectors the cause.
func TestVectorsGeneralise(t *testing.T) {
	t.Parallel()
	kb, err := Load(contentFS(map[string]string{
		"cost.yaml":     "id: cost\nquestion: What is the engagement salary?\nanswer: A.\nphrasings: [engagement fee, engagement price, what does the engagement pay]\n",
		"duration.yaml": "id: duration\nquestion: How many months is the engagement?\nanswer: B.\nphrasings: [engagement weeks, engagement years, how long is the engagement]\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	terms := defaultTuning()
	terms.vectorWeight = 0
	with, without := NewIndex(kb), newIndex(kb, terms)
	if with.model.dims == 0 || without.model.dims != 0 {
		t.Fatalf("vector dimensions %d with, %d without", with.model.dims, without.model.dims)
	}
	for q, want := range map[string]string{"engagement wages": "cost", "engagement decades": "duration"} {
		if h := with.rank(q); h[0].Entry.ID != want || h[0].Score <= h[1].Score {
			t.Errorf("%q: %s %.3f first, %s %.3f second; want %s ahead", q, h[0].Entry.ID, h[0].Score, h[1].Entry.ID, h[1].Score, want)
		}
	}
	// Without vectors both questions are "engagement" and a word nobody
	// used: they rank alike, or the test proves nothing.
	a, b := without.rank("engagement wages"), without.rank("engagement decades")
	if a[0] != b[0] || a[1] != b[1] {
		t.Errorf("without vectors the questions rank apart: %v, %v", a[:2], b[:2])
	}
}

// FuzzParseVectors: whatever the bytes, parseVectors returns an error or
// vectors whose every word adds up without a panic.
func FuzzParseVectors(f *testing.F) {
	f.Add(embeddedVectors[:len(VectorsMagic)+8+4*32+200])
	f.Add(VectorsMagic + "\x02\x00\x00\x00\x01\x00\x00\x00" + "\x00\x00\x00\x3f\x00\x00\x00\x3f" + "\x01c\x7f\x00")
	f.Fuzz(func(t *testing.T, data string) {
		v, err := parseVectors(data)
		if err != nil {
			return
		}
		acc := make([]int32, v.dims)
		for w := range v.at {
			if !v.add(acc, w) {
				t.Fatalf("%q is in the map but add found no vector", w)
			}
		}
	})
}
