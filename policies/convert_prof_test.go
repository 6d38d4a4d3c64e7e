package policies

import (
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/fixtures/synth"
)

func BenchmarkConvertProf(b *testing.B) {
	snap := synth.Generate(synth.Spec{Pods: 20_000}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	doc := Input(snap, nil, nil, index.New(snap))
	b.ResetTimer()
	for b.Loop() {
		if _, err := ToValue(doc); err != nil {
			b.Fatal(err)
		}
	}
}
