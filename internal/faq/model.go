package faq

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
)

// example is one training text for the classifier: the distinct term ids of
// a question, phrasing or keyword, its word vector (see Index.read; nil
// without vectors), the entry it belongs to, and its weight.
type example struct {
	terms []int32
	// seq is the ids of the text's words' terms in order, while the index
	// is built: where pairs come from (see addPairs).
	seq    []int32
	vec    []float32
	class  int32
	weight float64
}

// classifier is a multinomial logistic regression (softmax) from the
// distinct terms of a text to the entries, trained on the entries' own
// wording. Where BM25 weighs a term by how rare it is, the classifier learns
// which terms tell entries apart: "week" points at the role entries, "when"
// at the timing entries, "fractional" at no entry in particular.
//
// A text's features are its distinct known terms, each worth 1/√n for n
// terms, so a long message does not get more confident logits than a short
// one; and the dims numbers of its word vector, which carry what it learns
// from a word to the words that mean much the same.
type classifier struct {
	nclass int
	dims   int       // the word vector's dimensions: the last dims rows of w
	w      []float64 // w[r*nclass+c]: weight of row r (a term, a pair, then a dimension) for class c
	bias   []float64
	// step is the weights' quantum: once trained, each weight is a whole
	// number of steps, from -maxWeightSteps to maxWeightSteps (0: not
	// quantized yet).
	step float64
}

// maxWeightSteps is the most steps a weight takes either side of zero: a
// weight is stored in 16 bits.
const maxWeightSteps = math.MaxInt16

// featureValue is the value of each of a text's n distinct terms.
func featureValue(n int) float64 {
	if n == 0 {
		return 0
	}
	return 1 / math.Sqrt(float64(n))
}

// trainClassifier fits the weights to exs by minimising the weighted mean
// cross-entropy plus l2/(total weight)·½‖w‖² (biases are not penalised).
//
// The loss is convex; full-batch gradient descent with Nesterov momentum
// and a diagonal preconditioner (each term's step is the inverse of a bound
// on its curvature, so rare and common terms converge at the same pace)
// gets within a few thousandths of the optimum's loss in iters ≈ 60 steps.
// Scores then still differ from the optimum's by up to 0.03, so iters is part
// of the model: changing it changes rankings. It is deterministic: fixed
// order, fixed iterations, no randomness. Each weight's gradient sums the
// examples in their order and each update is one fixed expression, so the
// loops can be reshaped without changing a bit of the result, but for the
// order in which addVector adds up a vector's products (part of the model,
// like iters); a change that does change it needs a new model.bin
// (TestTrainedModel says so).
func trainClassifier(exs []example, nterms, dims, nclass int, l2 float64, iters int) *classifier {
	nrows := nterms + dims
	nw := nrows * nclass
	// The parameters are the weights then the biases, in one slice for
	// the momentum arithmetic; the classifier keeps it.
	theta := make([]float64, nw+nclass)
	m := &classifier{nclass: nclass, dims: dims, w: theta[:nw:nw], bias: theta[nw:]}
	var total float64
	for _, e := range exs {
		total += e.weight
	}
	if total == 0 || nclass == 0 {
		return m
	}
	lambda := l2 / total
	// Each example's feature value and share of the weight, computed once.
	xs := make([]float64, len(exs))
	shares := make([]float64, len(exs))
	// The curvature of the mean cross-entropy along a weight is at most ½
	// the mean squared value of its feature, the same for every class; a
	// bias's, ½. step holds one step size a row.
	step := make([]float64, nrows)
	for i, e := range exs {
		x := featureValue(len(e.terms))
		xs[i], shares[i] = x, e.weight/total
		for _, t := range e.terms {
			step[t] += e.weight / total * x * x
		}
		for d, v := range e.vec {
			step[nterms+d] += e.weight / total * float64(v) * float64(v)
		}
	}
	for t, c := range step {
		step[t] = 1 / (0.5*c + lambda)
	}
	const biasStep = 2
	prev := make([]float64, len(theta))
	look := make([]float64, len(theta))
	grad := make([]float64, len(theta))
	p := make([]float64, nclass)
	// The steps bound each weight's curvature alone; weights whose
	// features always come together (a tiny knowledge base, two entries
	// worded alike) can still overshoot as one. So each step's objective
	// is checked: when it rises, training goes back to the best point
	// seen, drops the momentum and halves the steps. On the embedded
	// content it never rises.
	scale, best, since := 1.0, math.Inf(1), 0
	bestTheta := make([]float64, len(theta))
	for it := 1; it <= iters; it++ {
		since++
		mu := float64(since-1) / float64(since+2)
		var obj float64 // at look: the penalty, then each example's loss
		for i, th := range theta {
			l := th + mu*(th-prev[i])
			look[i] = l
			grad[i] = lambda * l
			if i < nw {
				obj += lambda / 2 * l * l
			}
		}
		w, b := look[:nw], look[nw:]
		gw, gb := grad[:nw], grad[nw:]
		clear(gb)
		// Slicing p and the rows to one length lets the compiler drop the
		// bounds checks of the inner loops.
		for k, e := range exs {
			x := xs[k]
			copy(p, b)
			for _, t := range e.terms {
				o := int(t) * nclass
				row := w[o : o+nclass]
				p := p[:len(row)]
				for c, v := range row {
					p[c] += x * v
				}
			}
			addVector(p, w[nterms*nclass:], e.vec)
			softmax(p)
			s := shares[k]
			obj -= s * math.Log(p[e.class])
			p[e.class]-- // p is now the gradient of the loss on the logits
			gb := gb[:len(p)]
			for c := range p {
				p[c] *= s
				gb[c] += p[c]
			}
			for _, t := range e.terms {
				o := int(t) * nclass
				row := gw[o : o+nclass]
				row = row[:len(p)]
				for c, g := range p {
					row[c] += x * g
				}
			}
			for d, x := range e.vec {
				o := (nterms + d) * nclass
				row := gw[o : o+nclass]
				row = row[:len(p)]
				for c, g := range p {
					row[c] += float64(x) * g
				}
			}
		}
		if !(obj <= best) { // risen (or NaN)
			copy(theta, bestTheta)
			copy(prev, bestTheta)
			scale, since = scale/2, 0
			continue
		}
		best = obj
		copy(bestTheta, look)
		for t, st := range step {
			o := t * nclass
			st *= scale
			th, pr, l, g := theta[o:o+nclass], prev[o:o+nclass], look[o:o+nclass], grad[o:o+nclass]
			for c := range th {
				pr[c] = th[c]
				th[c] = l[c] - st*g[c]
			}
		}
		for i := nw; i < len(theta); i++ {
			prev[i] = theta[i]
			theta[i] = look[i] - scale*biasStep*grad[i]
		}
	}
	// The last step was taken, not checked: keep the best point seen if
	// it is better.
	if iters > 0 && !(m.objective(exs, shares, lambda, p) <= best) {
		copy(theta, bestTheta)
	}
	return m
}

// objective is what trainClassifier minimises, at m's parameters: the L2
// penalty lambda/2·‖w‖², then each example's loss times its share, summed
// in training's order. p is scratch of nclass numbers.
func (m *classifier) objective(exs []example, shares []float64, lambda float64, p []float64) float64 {
	var obj float64
	for _, w := range m.w {
		obj += lambda / 2 * w * w
	}
	for k, e := range exs {
		m.predict(e.terms, e.vec, p)
		obj -= shares[k] * math.Log(p[e.class])
	}
	return obj
}

// addVector adds to the logits p a text's vector vec times the weights
// rows (len(vec) rows of len(p) classes). It goes class by class, in four
// sums that do not wait on each other: row by row (a load and a store of
// p[c] for every number) it was three quarters of the training's time and
// a third of a search's.
func addVector(p, rows []float64, vec []float32) {
	n := len(p)
	if len(vec) == 0 || n == 0 {
		return
	}
	last := (len(vec) - 1) * n
	for c := range p {
		col := rows[c : c+last+1]
		var s0, s1, s2, s3 float64
		d := 0
		for ; d+3 < len(vec); d += 4 {
			s0 += float64(vec[d]) * col[d*n]
			s1 += float64(vec[d+1]) * col[(d+1)*n]
			s2 += float64(vec[d+2]) * col[(d+2)*n]
			s3 += float64(vec[d+3]) * col[(d+3)*n]
		}
		for ; d < len(vec); d++ {
			s0 += float64(vec[d]) * col[d*n]
		}
		p[c] += (s0 + s1) + (s2 + s3)
	}
}

// softmax turns logits into probabilities in place.
func softmax(z []float64) {
	mx := math.Inf(-1)
	for _, v := range z {
		mx = max(mx, v)
	}
	var sum float64
	for i, v := range z {
		z[i] = math.Exp(v - mx)
		sum += z[i]
	}
	for i := range z {
		z[i] /= sum
	}
}

// predict writes the class probabilities of a text with the given distinct
// terms and word vector (m.dims numbers; nil when m has none) into p, adding
// them up in training's order. Terms past the trained range carry no weight
// but count in the feature value.
func (m *classifier) predict(terms []int32, vec []float32, p []float64) {
	if len(vec) != m.dims {
		panic(fmt.Sprintf("faq: a vector of %d numbers for a classifier of %d", len(vec), m.dims))
	}
	x := featureValue(len(terms))
	copy(p, m.bias)
	nterms := len(m.w)/max(m.nclass, 1) - m.dims
	for _, t := range terms {
		if hi := int(t+1) * m.nclass; int(t) < nterms && hi <= len(m.w) {
			for c, v := range m.w[int(t)*m.nclass : hi] {
				p[c] += x * v
			}
		}
	}
	addVector(p[:m.nclass], m.w[nterms*m.nclass:], vec)
	softmax(p)
}

// trainingSet is what a classifier is trained on: the examples, the number
// of terms and classes, and the training parameters.
type trainingSet struct {
	exs                  []example
	nterms, dims, nclass int
	l2                   float64
	iters                int
}

// train fits the classifier and rounds its parameters as model.bin stores
// them, so that a classifier trained at start-up is the stored one, bit
// for bit: each weight to a whole number of steps, the step being the
// largest weight's 1/maxWeightSteps (a float32), and the biases to float32
// precision. Sixteen bits a weight keep model.bin under 1 MB with the
// pairs (docs/faq.md, session 8); against float32 weights, no question of
// the development sets (1,498) changed its best entry, and 8 its best
// score, by 0.001.
func (s *trainingSet) train() *classifier {
	m := trainClassifier(s.exs, s.nterms, s.dims, s.nclass, s.l2, s.iters)
	var largest float64
	for _, v := range m.w {
		largest = max(largest, math.Abs(v))
	}
	m.step = float64(float32(largest / maxWeightSteps))
	if !(m.step > 0) || math.IsInf(m.step, 0) {
		m.step = 1 // no weights, or all zero
	}
	for i, v := range m.w {
		m.w[i] = float64(steps(v, m.step)) * m.step
	}
	for i, v := range m.bias {
		m.bias[i] = float64(float32(v))
	}
	return m
}

// steps is v in whole steps, within ±maxWeightSteps.
func steps(v, step float64) int16 {
	if math.IsNaN(v) {
		return 0 // int16(NaN) is up to the machine; training never gives one
	}
	return int16(max(-maxWeightSteps, min(maxWeightSteps, math.Round(v/step))))
}

// model returns the classifier stored in stored (the contents of a
// model.bin) if it was trained on s, else trains one. Training was most of
// NewIndex's work, hence a stored model for the embedded content.
func (s *trainingSet) model(stored string) *classifier {
	if m := decodeModel(stored, s.key(), s.nterms, s.dims, s.nclass); m != nil {
		return m
	}
	return s.train()
}

// modelMagic starts a stored model. Change it when the layout or the
// digest's contents change.
const modelMagic = "faq classifier 4\n"

// key is a digest of everything the trained weights depend on but the code
// that trains them (TestTrainedModel covers that): the examples in order,
// the sizes and the parameters.
func (s *trainingSet) key() [sha256.Size]byte {
	h := sha256.New()
	b := make([]byte, 0, 4096)
	b = append(b, modelMagic...)
	for _, v := range []uint64{uint64(s.nterms), uint64(s.dims), uint64(s.nclass), math.Float64bits(s.l2), uint64(s.iters), uint64(len(s.exs))} {
		b = binary.LittleEndian.AppendUint64(b, v)
	}
	for _, e := range s.exs {
		if len(b) > 3072 {
			h.Write(b)
			b = b[:0]
		}
		b = binary.LittleEndian.AppendUint32(b, uint32(e.class))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(e.weight))
		b = binary.LittleEndian.AppendUint32(b, uint32(len(e.terms)))
		for _, t := range e.terms {
			b = binary.LittleEndian.AppendUint32(b, uint32(t))
		}
		b = binary.LittleEndian.AppendUint32(b, uint32(len(e.vec)))
		for _, x := range e.vec {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
		}
	}
	h.Write(b)
	var k [sha256.Size]byte
	h.Sum(k[:0])
	return k
}

// encodeModel stores m as trained on the set with the given key: the magic,
// the key, the numbers of classes, terms (pairs included) and vector
// dimensions, the weights' step (a float32), then the weights as 16-bit
// numbers of steps and the biases as float32s (train rounded them), all
// little-endian.
func encodeModel(key [sha256.Size]byte, m *classifier) []byte {
	b := make([]byte, 0, modelHead+2*len(m.w)+4*len(m.bias))
	b = append(b, modelMagic...)
	b = append(b, key[:]...)
	b = binary.LittleEndian.AppendUint32(b, uint32(m.nclass))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(m.w)/max(m.nclass, 1)-m.dims))
	b = binary.LittleEndian.AppendUint32(b, uint32(m.dims))
	b = binary.LittleEndian.AppendUint32(b, math.Float32bits(float32(m.step)))
	for _, v := range m.w {
		b = binary.LittleEndian.AppendUint16(b, uint16(steps(v, m.step)))
	}
	for _, v := range m.bias {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(float32(v)))
	}
	return b
}

// modelHead is the length of a stored model's header.
const modelHead = len(modelMagic) + sha256.Size + 16

// decodeModel returns the classifier stored in data if it was trained on
// the set with the given key and sizes, else nil.
func decodeModel(data string, key [sha256.Size]byte, nterms, dims, nclass int) *classifier {
	nw := (nterms + dims) * nclass
	if len(data) != modelHead+2*nw+4*nclass || data[:len(modelMagic)] != modelMagic ||
		data[len(modelMagic):modelHead-16] != string(key[:]) || le32(data[modelHead-16:]) != uint32(nclass) ||
		le32(data[modelHead-12:]) != uint32(nterms) || le32(data[modelHead-8:]) != uint32(dims) {
		return nil
	}
	step := float64(math.Float32frombits(le32(data[modelHead-4:])))
	if !(step > 0) || math.IsInf(step, 0) {
		return nil
	}
	m := &classifier{nclass: nclass, dims: dims, w: make([]float64, nw), bias: make([]float64, nclass), step: step}
	ws := data[modelHead:]
	for i := range m.w {
		m.w[i] = float64(int16(uint16(ws[2*i])|uint16(ws[2*i+1])<<8)) * step
	}
	bs := ws[2*nw:]
	for i := range m.bias {
		m.bias[i] = float64(math.Float32frombits(le32(bs[4*i:])))
	}
	return m
}

// le32 reads a little-endian number from a string without copying it.
func le32(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}
