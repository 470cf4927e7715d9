package advisor_test

import (
	"testing"

	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
)

// BenchmarkRecommend cycles through all 486 answer sets so that every branch
// of the decision and the text counts, not one lucky path.
func BenchmarkRecommend(b *testing.B) {
	all := allAnswers()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := advisor.Recommend(all[i%len(all)], advisor.DefaultMonths); err != nil {
			b.Fatal(err)
		}
	}
}
