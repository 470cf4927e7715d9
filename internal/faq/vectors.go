package faq

import (
	_ "embed" // for vectors.bin
	"errors"
	"fmt"
	"math"
)

// vectors.bin holds English word vectors: GloVe's (public domain), cut to
// the most frequent words and the content's, and to their principal
// components (internal/genvectors says how, and regenerates it;
// vectors-NOTICE.txt has the sources' licences). Its layout:
// VectorsMagic; the number of dimensions and of words (uint32,
// little-endian); one float32 scale a dimension; then for each word, in
// sorted order, its length (one byte), its bytes and one signed byte a
// dimension, the value being the byte times the dimension's scale.
//
//go:embed vectors.bin
var embeddedVectors string

// VectorsMagic starts vectors.bin.
const VectorsMagic = "faq vectors 1\n"

// MaxVectorDims bounds a vectors file's dimensions: a question's vector is
// summed in a fixed-size array.
const MaxVectorDims = 64

// wordVectors maps words to their vectors. The classifier reads a text's
// vector beside its terms: words that mean much the same have close
// vectors, so what it learnt from "salary" carries to "wages", and from
// the askers' companies ("clinic") to ones no example named ("bakery").
type wordVectors struct {
	dims  int
	scale []float32
	// at maps a word to its dims bytes, a slice of the file (no copy).
	at map[string]string
}

// parseVectors reads a vectors.bin.
func parseVectors(data string) (*wordVectors, error) {
	head := len(VectorsMagic) + 8
	if len(data) < head || data[:len(VectorsMagic)] != VectorsMagic {
		return nil, errors.New("vectors: not a vectors file")
	}
	dims := int(le32(data[head-8:]))
	n := int(le32(data[head-4:]))
	if dims < 1 || dims > MaxVectorDims {
		return nil, fmt.Errorf("vectors: %d dimensions, want 1 to %d", dims, MaxVectorDims)
	}
	if len(data) < head+4*dims {
		return nil, errors.New("vectors: truncated")
	}
	rest := data[head+4*dims:]
	v := &wordVectors{dims: dims, scale: make([]float32, dims), at: make(map[string]string, min(n, len(rest)/(dims+2)))}
	for k := range v.scale {
		s := math.Float32frombits(le32(data[head+4*k:]))
		if !(s > 0) || math.IsInf(float64(s), 0) {
			return nil, fmt.Errorf("vectors: dimension %d has scale %v, want a positive number", k, s)
		}
		v.scale[k] = s
	}
	prev := ""
	for i := range n {
		if len(rest) < 1 || len(rest) < 1+int(rest[0])+dims {
			return nil, errors.New("vectors: truncated")
		}
		l := int(rest[0])
		w := rest[1 : 1+l]
		if w == "" || i > 0 && w <= prev {
			return nil, fmt.Errorf("vectors: word %d is empty or out of order", i+1)
		}
		v.at[w] = rest[1+l : 1+l+dims]
		rest, prev = rest[1+l+dims:], w
	}
	if rest != "" {
		return nil, errors.New("vectors: trailing data")
	}
	return v, nil
}

// add adds w's vector, in steps of each dimension's scale, to acc, and
// reports whether w has one. The caller scales the sum: integers add up
// to the same bits on every machine.
func (v *wordVectors) add(acc []int32, w string) bool {
	b, ok := v.at[w]
	if !ok {
		return false
	}
	acc = acc[:len(b)]
	for k := range acc {
		acc[k] += int32(int8(b[k]))
	}
	return true
}
