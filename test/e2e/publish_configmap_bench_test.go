package e2e

import (
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"

	"github.com/seaworthy-k8s/seaworthy/checks"
	"github.com/seaworthy-k8s/seaworthy/fixtures/synth"
	"github.com/seaworthy-k8s/seaworthy/publish"
	"github.com/seaworthy-k8s/seaworthy/publish/configmap"
	"github.com/seaworthy-k8s/seaworthy/report"
	"github.com/seaworthy-k8s/seaworthy/test/controlplane"
)

// largeReport is the report of the 5,000-node, 150,000-pod synthetic
// cluster (the Kubernetes scale envelope), audited by every check.
func largeReport(b *testing.B) *report.Report {
	b.Helper()
	snap := synth.Generate(synth.Spec{Nodes: 5000}, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
	snap.Normalize()
	cs := checks.All(checks.DefaultOptions())
	rep := report.New(snap, checks.Metas(cs), checks.Run(snap, cs))
	rep.Generator = "seaworthy bench"
	return rep
}

// BenchmarkPublishConfigMapLarge measures encoding the 5,000-node report
// (render, gzip, trim to the cap) and publishing it with --keep 3 to a
// real API server (three reads, two rotating applies, one apply).
func BenchmarkPublishConfigMapLarge(b *testing.B) {
	rep := largeReport(b)
	run := &publish.Run{Report: rep, Cluster: "bench"}
	b.Run("encode", func(b *testing.B) {
		b.ReportAllocs()
		var p *configmap.Payload
		for b.Loop() {
			var err error
			if p, err = configmap.Encode(run, configmap.DefaultLimits); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(rep.Results)), "results")
		b.ReportMetric(float64(p.FullJSONBytes), "json-bytes")
		b.ReportMetric(float64(len(p.BinaryData[configmap.KeyReportGzip])), "stored-bytes")
		if p.Truncated != nil {
			b.ReportMetric(float64(p.Truncated.Kept), "kept-results")
		}
	})
	b.Run("publish", func(b *testing.B) {
		cp := controlplane.Start(b, controlplane.Options{NoIdentityLease: true})
		client, err := kubernetes.NewForConfig(cp.Admin)
		if err != nil {
			b.Fatal(err)
		}
		t := configmap.New(configmap.Options{Namespace: "default", Keep: 3},
			func() (corev1client.ConfigMapsGetter, string, error) { return client.CoreV1(), "", nil })
		b.ReportAllocs()
		for b.Loop() {
			if err := t.Publish(b.Context(), run); err != nil {
				b.Fatal(err)
			}
		}
	})
}
