package recommender

import (
	"fmt"
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/cluster/usage"
	"github.com/seaworthy-k8s/seaworthy/test/promdata"
)

// BenchmarkEngineAddSeries feeds the engine what a Prometheus read of 100
// containers (10 workloads × 5 pods × 2 containers) over 8 days at 1 m
// gives it, with the benchmark history's values (test/promdata), and
// reports samples per second.
func BenchmarkEngineAddSeries(b *testing.B) {
	const workloads, pods, containers, points = 10, 5, 2, 8 * 1440
	snap := &cluster.Snapshot{CollectedAt: now}
	for w := 0; w < workloads; w++ {
		snap.Deployments = append(snap.Deployments, deployment("ns", fmt.Sprintf("wl%d", w), pods, true, "c0", "c1"))
	}
	ix := index.New(snap)
	start := now.Add(-8 * 24 * time.Hour).UnixMilli()
	type series struct {
		id       usage.ContainerID
		cpu, mem []usage.Sample
	}
	var all []series
	for w := 0; w < workloads; w++ {
		for p := 0; p < pods; p++ {
			for c := 0; c < containers; c++ {
				n := len(all)
				s := series{id: usage.ContainerID{Namespace: "ns", Pod: fmt.Sprintf("wl%d-6d4cf56db6-p%dbcd", w, p), Container: fmt.Sprintf("c%d", c)}}
				for k := 5; k < points; k++ {
					t := start + int64(k)*60_000
					s.cpu = append(s.cpu, usage.Sample{T: t, V: promdata.Rate(n, k, 5, 5*time.Minute)})
					s.mem = append(s.mem, usage.Sample{T: t, V: promdata.Memory(n, k)})
				}
				all = append(all, s)
			}
		}
	}
	b.ResetTimer()
	var total int
	for i := 0; i < b.N; i++ {
		e := New(ix, DefaultOptions())
		for _, s := range all {
			e.AddSeries(s.id, usage.CPU, s.cpu)
			e.AddSeries(s.id, usage.Memory, s.mem)
			total += len(s.cpu) + len(s.mem)
		}
		e.Recommend()
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "samples/s")
}
