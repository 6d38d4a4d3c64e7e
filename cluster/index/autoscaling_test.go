package index

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func TestNodeAutoscalerKind(t *testing.T) {
	tests := []struct {
		image  string
		labels map[string]string
		want   string
	}{
		{"registry.k8s.io/autoscaling/cluster-autoscaler:v1.32.1", nil, AutoscalerCA},
		{"123456789012.dkr.ecr.eu-west-1.amazonaws.com/mirror/cluster-autoscaler@sha256:0123", nil, AutoscalerCA},
		{"cluster-autoscaler", nil, AutoscalerCA},
		{"public.ecr.aws/karpenter/controller:1.3.1", nil, AutoscalerKarpenter},
		{"localhost:5000/karpenter:dev", nil, AutoscalerKarpenter},
		// The DNS autoscaler and the VPA are not node autoscalers.
		{"registry.k8s.io/cpa/cluster-proportional-autoscaler:v1.9.0", nil, ""},
		{"registry.k8s.io/autoscaling/vpa-updater:1.3.0", nil, ""},
		{"localhost:5000/cluster-autoscaler-fork-tools:1", nil, ""},
		{"example.com/custom:1", map[string]string{"app.kubernetes.io/name": "aws-cluster-autoscaler"}, AutoscalerCA},
		{"example.com/custom:1", map[string]string{"app": "karpenter"}, AutoscalerKarpenter},
	}
	for _, tt := range tests {
		w := &Workload{Kind: KindDeployment, Labels: tt.labels, Template: &corev1.PodTemplateSpec{
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: tt.image}}}}}
		if got := nodeAutoscalerKind(w); got != tt.want {
			t.Errorf("%s %v: %q, want %q", tt.image, tt.labels, got, tt.want)
		}
	}
}
