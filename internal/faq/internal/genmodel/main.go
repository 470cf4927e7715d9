// Command genmodel writes model.bin, the classifier of the embedded
// knowledge base, which the faq package embeds so the bot need not train
// it at start-up. go generate runs it after a content edit:
//
//	go generate ./...
//
// TestTrainedModel fails while the committed model.bin differs from what
// this command writes.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/fractional-advisor/fractional-advisor/internal/faq"
)

func main() {
	out := flag.String("o", "model.bin", "the file to write")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "genmodel:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	kb, err := faq.Load(faq.DefaultContent())
	if err != nil {
		return err
	}
	model := faq.TrainModel(kb)
	// An unchanged file is left alone: go generate then touches nothing.
	if old, err := os.ReadFile(out); err == nil && bytes.Equal(old, model) {
		return nil
	}
	if err := os.WriteFile(out, model, 0o644); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	return nil
}
