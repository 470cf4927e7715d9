package faq

import "math"

// example is one training text for the classifier: the distinct term ids of
// a question, phrasing or keyword, the entry it belongs to, and its weight.
type example struct {
	terms  []int32
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
// one.
type classifier struct {
	nclass int
	w      []float64 // w[t*nclass+c]: weight of term t for class c
	bias   []float64
}

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
// gets within a few thousandths of the optimum in iters ≈ 60 steps. It is
// deterministic: fixed order, fixed iterations, no randomness.
func trainClassifier(exs []example, nterms, nclass int, l2 float64, iters int) *classifier {
	m := &classifier{nclass: nclass, w: make([]float64, nterms*nclass), bias: make([]float64, nclass)}
	var total float64
	for _, e := range exs {
		total += e.weight
	}
	if total == 0 || nclass == 0 {
		return m
	}
	lambda := l2 / total
	nw := len(m.w)
	// The parameters are the weights then the biases, in one slice for
	// the momentum arithmetic.
	theta := make([]float64, nw+nclass)
	prev := make([]float64, len(theta))
	look := make([]float64, len(theta))
	grad := make([]float64, len(theta))
	step := make([]float64, len(theta))
	// The curvature of the mean cross-entropy along a weight is at most ½
	// the mean squared value of its feature; a bias's, ½.
	for _, e := range exs {
		x := featureValue(len(e.terms))
		for _, t := range e.terms {
			step[int(t)*nclass] += e.weight / total * x * x
		}
	}
	for t := range nterms {
		s := 1 / (0.5*step[t*nclass] + lambda)
		for c := range nclass {
			step[t*nclass+c] = s
		}
	}
	for c := range nclass {
		step[nw+c] = 2
	}
	p := make([]float64, nclass)
	for it := 1; it <= iters; it++ {
		mu := float64(it-1) / float64(it+2)
		for i := range theta {
			look[i] = theta[i] + mu*(theta[i]-prev[i])
		}
		w, b := look[:nw], look[nw:]
		gw, gb := grad[:nw], grad[nw:]
		for i := range gw {
			gw[i] = lambda * w[i]
		}
		clear(gb)
		for _, e := range exs {
			x := featureValue(len(e.terms))
			copy(p, b)
			for _, t := range e.terms {
				for c, v := range w[int(t)*nclass : int(t+1)*nclass] {
					p[c] += x * v
				}
			}
			softmax(p)
			p[e.class]-- // p is now the gradient of the loss on the logits
			s := e.weight / total
			for c := range p {
				p[c] *= s
				gb[c] += p[c]
			}
			for _, t := range e.terms {
				row := gw[int(t)*nclass : int(t+1)*nclass]
				for c, g := range p {
					row[c] += x * g
				}
			}
		}
		copy(prev, theta)
		for i := range theta {
			theta[i] = look[i] - step[i]*grad[i]
		}
	}
	copy(m.w, theta[:nw])
	copy(m.bias, theta[nw:])
	return m
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
// terms into p. Terms past the trained range carry no weight but count in
// the feature value.
func (m *classifier) predict(terms []int32, p []float64) {
	x := featureValue(len(terms))
	copy(p, m.bias)
	for _, t := range terms {
		if hi := int(t+1) * m.nclass; hi <= len(m.w) {
			for c, v := range m.w[int(t)*m.nclass : hi] {
				p[c] += x * v
			}
		}
	}
	softmax(p)
}
