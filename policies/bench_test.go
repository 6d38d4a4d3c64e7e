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
// built and the input converted once, outside the timed loop; reported
// beside it are the conversion's time (input document and AST value), the
// heap the snapshot holds and what the AST value adds to it.
func BenchmarkEvaluate150kPods(b *testing.B) {
	ctx := context.Background()
	snap := synth.Generate(synth.Spec{Pods: 150_000}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	e, err := Load(ctx, []string{"builtin:production", "testdata/bench"}, Options{Parallel: runtime.GOMAXPROCS(0)})
	if err != nil {
		b.Fatal(err)
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	snapHeap := ms.HeapAlloc
	start := time.Now()
	v, err := ToValue(Input(snap, nil, nil, index.New(snap)))
	if err != nil {
		b.Fatal(err)
	}
	convert := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&ms)
	valueHeap := ms.HeapAlloc - snapHeap
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
	b.ReportMetric(float64(snapHeap)/(1<<20), "snapshot-heap-MiB")
	b.ReportMetric(float64(valueHeap)/(1<<20), "input-value-MiB")
	b.ReportMetric(float64(n), "results")
	b.ReportMetric(float64(len(snap.Pods)), "pods")
}
