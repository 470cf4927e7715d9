package faq

import (
	"encoding/binary"
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
		// weight's step, a bias's float32 precision: a rounding may
		// land on either side).
		trained := decodeModel(string(fresh), set.key(), set.nterms, set.dims, set.nclass)
		if math.Abs(trained.step-stored.step) > 1e-6*stored.step {
			t.Fatalf("model.bin's weight step is %v, training gives %v: run go generate ./...", stored.step, trained.step)
		}
		for i, want := range trained.w {
			if math.Abs(stored.w[i]-want) > 1.5*stored.step {
				t.Fatalf("model.bin weight %d is %v, training gives %v: run go generate ./...", i, stored.w[i], want)
			}
		}
		for i, want := range trained.bias {
			if math.Abs(stored.bias[i]-want) > 1e-6*max(1, math.Abs(want)) {
				t.Fatalf("model.bin bias %d is %v, training gives %v: run go generate ./...", i, stored.bias[i], want)
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
	// Two terms and one vector dimension, two classes; weights in steps
	// of 0.25, as train leaves them.
	m := &classifier{nclass: 2, dims: 1, w: []float64{1, -2, 0.5, 0, 3, maxWeightSteps * 0.25}, bias: []float64{-1, math.SmallestNonzeroFloat32}, step: 0.25}
	key := (&trainingSet{nterms: 2, dims: 1, nclass: 2}).key()
	data := string(encodeModel(key, m))
	if got := decodeModel(data, key, 2, 1, 2); got == nil || got.dims != 1 || got.step != m.step || !slices.Equal(got.w, m.w) || !slices.Equal(got.bias, m.bias) {
		t.Fatalf("decodeModel(encodeModel(m)) = %+v, want %+v", got, m)
	}
	// The step is the 4 bytes before the weights.
	withStep := func(step float32) string {
		b := []byte(data)
		binary.LittleEndian.PutUint32(b[modelHead-4:], math.Float32bits(step))
		return string(b)
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
		"zero step":   {withStep(0), key, 2, 1, 2},
		"minus step":  {withStep(-0.25), key, 2, 1, 2},
		"NaN step":    {withStep(float32(math.NaN())), key, 2, 1, 2},
		"inf step":    {withStep(float32(math.Inf(1))), key, 2, 1, 2},
	} {
		if got := decodeModel(tt.data, tt.key, tt.nterms, tt.dims, tt.nclass); got != nil {
			t.Errorf("%s: decodeModel = %+v, want nil", name, got)
		}
	}
}

// TestTrainQuantizes checks that train leaves every weight a whole number
// of steps within 16 bits, the largest at the limit, so that encodeModel
// stores exactly what the index uses.
func TestTrainQuantizes(t *testing.T) {
	t.Parallel()
	kb, err := Load(contentFS(map[string]string{
		"a.yaml": "id: a\nquestion: What does setup cost?\nanswer: A.\nphrasings: [setup price, installation cost]\n",
		"b.yaml": "id: b\nquestion: Who leads the team?\nanswer: B.\nphrasings: [team lead, who manages engineers]\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	_, set := buildIndex(kb, defaultTuning())
	m := set.train()
	if !(m.step > 0) || float64(float32(m.step)) != m.step {
		t.Fatalf("step = %v, want a positive float32", m.step)
	}
	var largest float64
	for i, w := range m.w {
		if n := w / m.step; n != math.Round(n) || math.Abs(n) > maxWeightSteps {
			t.Fatalf("weight %d = %v is %v steps", i, w, n)
		}
		largest = max(largest, math.Abs(w))
	}
	if n := largest / m.step; n < maxWeightSteps-1 {
		t.Errorf("the largest weight is %v steps, want about %d: the range is wasted", n, maxWeightSteps)
	}
	got := decodeModel(string(encodeModel(set.key(), m)), set.key(), set.nterms, set.dims, set.nclass)
	if got == nil || !slices.Equal(got.w, m.w) || !slices.Equal(got.bias, m.bias) {
		t.Error("the stored model is not the trained one")
	}
}

// TestModelSize holds the search's model, the classifier and the word
// vectors together, under issue 16's budget of 1 MB: both are in the
// binary, and in git history each time they change.
func TestModelSize(t *testing.T) {
	t.Parallel()
	const budget = 1_000_000
	if n := len(trainedModel) + len(embeddedVectors); n >= budget {
		t.Errorf("model.bin (%d bytes) and vectors.bin (%d) make %d bytes, over the budget of %d", len(trainedModel), len(embeddedVectors), n, budget)
	}
}

// TestTrainConverges: on a tiny knowledge base whose two entries are
// worded alike, every weight's features come together, and steps sized
// for each weight alone overshot as one: the loss rose from log 2 to over
// 1 in 60 steps, and the classifier ended worse than knowing nothing.
// Training now backs off, and keeps the best point it measured.
func TestTrainConverges(t *testing.T) {
	t.Parallel()
	_, set := buildIndex(bakeryKB(t), defaultTuning())
	// However many steps, the result is no worse than knowing nothing,
	// and the full training's is the best of them. (A step that overshoots
	// is undone, so a few more steps may return an earlier point: the
	// losses need not fall at every count.)
	nothing := math.Log(float64(set.nclass))
	full := objective(trainClassifier(set.exs, set.nterms, set.dims, set.nclass, set.l2, set.iters), set)
	for iters := 1; iters < set.iters; iters++ {
		m := trainClassifier(set.exs, set.nterms, set.dims, set.nclass, set.l2, iters)
		if f := objective(m, set); f > nothing || f < full {
			t.Errorf("after %d steps the loss is %.4f: want at most %.4f (knowing nothing) and at least %.4f (after %d)", iters, f, nothing, full, set.iters)
		}
	}
}

// objective is what trainClassifier minimises: the examples' weighted mean
// cross-entropy and the weights' L2 penalty.
func objective(m *classifier, set *trainingSet) float64 {
	var total, loss, norm float64
	p := make([]float64, m.nclass)
	for _, e := range set.exs {
		total += e.weight
		m.predict(e.terms, e.vec, p)
		loss -= e.weight * math.Log(p[e.class])
	}
	for _, w := range m.w {
		norm += w * w
	}
	return loss/total + set.l2/total*norm/2
}
