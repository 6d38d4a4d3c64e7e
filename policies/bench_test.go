package policies

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/fixtures/synth"
)

// BenchmarkEvaluate150kPods evaluates the production bundle and ten
// per-object rules over a synthetic 150,000-pod cluster. The snapshot is
// built and the input converted once, outside the timed loop; the
// conversion's time and the heap it leaves are reported beside it.
func BenchmarkEvaluate150kPods(b *testing.B) {
	ctx := context.Background()
	snap := synth.Generate(synth.Spec{Pods: 150_000}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	e, err := Load(ctx, []string{"builtin:production", "testdata/bench"}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	v, err := ToValue(Input(snap, nil, nil, index.New(snap)))
	if err != nil {
		b.Fatal(err)
	}
	convert := time.Since(start)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ResetTimer()
	var n int
	for b.Loop() {
		rs, err := e.Evaluate(ctx, v)
		if err != nil {
			b.Fatal(err)
		}
		n = len(rs)
	}
	b.StopTimer()
	b.ReportMetric(convert.Seconds(), "convert-s")
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "input-heap-MiB")
	b.ReportMetric(float64(n), "results")
	b.ReportMetric(float64(len(snap.Pods)), "pods")
}
