package scale

import (
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/fixtures/synth"
)

// BenchmarkScaleChecks runs the SCALE checks alone over the Kubernetes
// scale envelope (5,000 nodes, 150,000 pods) with cluster-autoscaler
// running and every tenth Deployment marked safe-to-evict "false", so that
// SCALE-003 walks every workload's pods.
func BenchmarkScaleChecks(b *testing.B) {
	snap := synth.Generate(synth.Spec{Nodes: 5000, Pods: 150_000, Seed: 1}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	one := int32(1)
	sel := map[string]string{"app": "cluster-autoscaler"}
	snap.Deployments = append(snap.Deployments, appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "cluster-autoscaler", Namespace: "kube-system"},
		Spec: appsv1.DeploymentSpec{Replicas: &one, Selector: &metav1.LabelSelector{MatchLabels: sel},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: sel},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "ca", Image: "registry.k8s.io/autoscaling/cluster-autoscaler:v1.32.1"}}}}}})
	for i := range snap.Deployments {
		if i%10 == 0 {
			snap.Deployments[i].Spec.Template.Annotations = map[string]string{annoSafeToEvict: "false"}
		}
	}
	cs := Checks(DefaultOptions())
	var n int
	b.ResetTimer()
	for range b.N {
		n = len(check.Run(snap, cs))
	}
	b.ReportMetric(float64(n), "results")
}
