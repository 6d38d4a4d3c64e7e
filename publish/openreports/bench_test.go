package openreports

import (
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/checks"
	"github.com/seaworthy-k8s/seaworthy/fixtures/synth"
	"github.com/seaworthy-k8s/seaworthy/report"
)

// BenchmarkBuildLargeCluster builds the objects for the report of a
// generated 5,000-node / 150,000-pod cluster (the report itself is made
// before timing). It reports the results, objects and bytes built besides
// time and allocations.
func BenchmarkBuildLargeCluster(b *testing.B) {
	snap := synth.Generate(synth.Spec{Nodes: 5000, Pods: 150_000, Seed: 1}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	all := checks.Catalog()
	rep := report.New(snap, checks.Metas(all), checks.Run(snap, all))
	snap = nil
	opts := Options{DocLink: checks.DocLink}
	b.ReportAllocs()
	b.ResetTimer()
	var objs []Object
	for b.Loop() {
		objs = Build(rep, OpenReports, opts)
	}
	var bytes int
	for _, o := range objs {
		bytes += len(o.Body)
	}
	b.ReportMetric(float64(len(rep.Results)), "results")
	b.ReportMetric(float64(len(objs)), "objects")
	b.ReportMetric(float64(bytes)/(1<<20), "MiB")
}
