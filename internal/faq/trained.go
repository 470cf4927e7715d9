package faq

import _ "embed" // for model.bin

// trainedModel is the classifier of the embedded content, trained by go
// generate (about 3 s of start-up otherwise; see trainingSet.model).
// NewIndex uses it only for a training set with the key it was stored
// with: other content, or the embedded content once model.bin is stale,
// is trained at start-up. TestTrainedModel fails while it is stale.
//
// The cost: every content edit rewrites model.bin whole (about 530 KB),
// and git history keeps each version. Accepted: it keeps start-up near
// 160 ms instead of about 3 s (docs/performance.md).
//
//go:generate go run ./internal/genmodel -o model.bin
//go:embed model.bin
var trainedModel string

// TrainModel trains the classifier NewIndex would train for kb and returns
// it in the layout of model.bin, keyed by its training inputs. It is for
// the generator of model.bin (internal/genmodel); NewIndex needs no call.
func TrainModel(kb *KB) []byte {
	_, set := buildIndex(kb, defaultTuning())
	return encodeModel(set.key(), set.train())
}
