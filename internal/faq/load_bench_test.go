package faq

import "testing"

// BenchmarkLoad times reading and checking the embedded content, concepts
// included: start-up pays it once, before NewIndex.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(DefaultContent()); err != nil {
			b.Fatal(err)
		}
	}
}
