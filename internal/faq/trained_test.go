package faq

import (
	"math"
	"slices"
	"testing"
)

// TestTrainedModel checks that model.bin is what its generator (go
// generate) writes for the embedded content as it is now, and that
// NewIndex uses it.
func TestTrainedModel(t *testing.T) {
	t.Parallel()
	kb := defaultKB(t)
	fresh := TrainModel(kb)
	_, set := buildIndex(kb, defaultTuning())
	stored := decodeModel(trainedModel, set.key(), set.nterms, set.dims, set.nclass)
	if stored == nil {
		t.Fatal("model.bin was not trained on the embedded content as it is now: run go generate ./...")
	}
	if string(fresh) != trainedModel {
		// The same code on another architecture may round differently
		// (fused multiply-adds, math.Exp): the key matched, so compare
		// the parameters with a tolerance rather than the bytes (a
		// float32's precision: a rounding may land on either side).
		trained := decodeModel(string(fresh), set.key(), set.nterms, set.dims, set.nclass)
		want := append(slices.Clone(trained.w), trained.bias...)
		got := append(slices.Clone(stored.w), stored.bias...)
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-6*max(1, math.Abs(want[i])) {
				t.Fatalf("model.bin parameter %d is %v, training gives %v: run go generate ./...", i, got[i], want[i])
			}
		}
	}
	ix := NewIndex(kb)
	if !slices.Equal(ix.model.w, stored.w) || !slices.Equal(ix.model.bias, stored.bias) {
		t.Error("NewIndex did not use model.bin for the embedded content")
	}
}

// TestNewIndexTrainsOtherContent checks that content other than the
// embedded content, however close, gets a classifier trained on it.
func TestNewIndexTrainsOtherContent(t *testing.T) {
	t.Parallel()
	kb := defaultKB(t)
	other := looProbes(kb, 1000)[0].kb // the content but for one phrasing
	other.offTopic = kb.offTopic
	_, set := buildIndex(other, defaultTuning())
	if decodeModel(trainedModel, set.key(), set.nterms, set.dims, set.nclass) != nil {
		t.Fatal("model.bin claims to fit other content")
	}
	got, want := NewIndex(other).model, set.train()
	if !slices.Equal(got.w, want.w) || !slices.Equal(got.bias, want.bias) {
		t.Error("the classifier of other content is not the one training gives")
	}
}

func TestDecodeModel(t *testing.T) {
	t.Parallel()
	// Two terms and one vector dimension, two classes.
	m := &classifier{nclass: 2, dims: 1, w: []float64{1, -2, 0.5, math.SmallestNonzeroFloat32, 3, 4}, bias: []float64{-1, 1}}
	key := (&trainingSet{nterms: 2, dims: 1, nclass: 2}).key()
	data := string(encodeModel(key, m))
	if got := decodeModel(data, key, 2, 1, 2); got == nil || got.dims != 1 || !slices.Equal(got.w, m.w) || !slices.Equal(got.bias, m.bias) {
		t.Fatalf("decodeModel(encodeModel(m)) = %+v, want %+v", got, m)
	}
	otherKey := key
	otherKey[0]++
	for name, tt := range map[string]struct {
		data                 string
		key                  [32]byte
		nterms, dims, nclass int
	}{
		"empty":       {"", key, 2, 1, 2},
		"truncated":   {data[:len(data)-1], key, 2, 1, 2},
		"longer":      {data + "x", key, 2, 1, 2},
		"other key":   {data, otherKey, 2, 1, 2},
		"other sizes": {data, key, 1, 1, 3},
		"other split": {data, key, 3, 0, 2}, // same size, terms and dimensions apart
		"bad magic":   {"x" + data[1:], key, 2, 1, 2},
	} {
		if got := decodeModel(tt.data, tt.key, tt.nterms, tt.dims, tt.nclass); got != nil {
			t.Errorf("%s: decodeModel = %+v, want nil", name, got)
		}
	}
}
