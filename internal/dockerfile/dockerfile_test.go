package dockerfile

import (
	"reflect"
	"testing"
)

func TestParse(t *testing.T) {
	t.Parallel()
	src := `# syntax comment
FROM golang:1.26 AS build

RUN CGO_ENABLED=0 go build \
    -trimpath \
    # a comment inside a continuation is dropped
    -o /out/bot ./cmd/bot
from scratch
USER 65532:65532
CMD ["/bot", "serve"]
`
	want := []Instruction{
		{"FROM", "golang:1.26 AS build"},
		{"RUN", "CGO_ENABLED=0 go build  -trimpath  -o /out/bot ./cmd/bot"},
		{"FROM", "scratch"},
		{"USER", "65532:65532"},
		{"CMD", `["/bot", "serve"]`},
	}
	if got := Parse([]byte(src)); !reflect.DeepEqual(got, want) {
		t.Errorf("Parse:\n got %q\nwant %q", got, want)
	}
}
