package addon

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster/index"
)

func TestRecognise(t *testing.T) {
	for _, tt := range []struct {
		name   string
		kind   string
		image  string
		labels map[string]string
		want   string // "" for not an add-on
	}{
		{"ingress-nginx by image path", index.KindDeployment, "registry.k8s.io/ingress-nginx/controller:v1.12.1", nil, "ingress-nginx"},
		{"another project's controller image is not ingress-nginx", index.KindDeployment, "example.com/team/controller:1.0", nil, ""},
		{"metrics-server by label", index.KindDeployment, "example.com/mirror/ms:0.7", map[string]string{"k8s-app": "metrics-server"}, "metrics-server"},
		{"calico agent", index.KindDaemonSet, "docker.io/calico/node:v3.29.2", nil, "Calico"},
		{"a Deployment labelled like the CNI agent is not the agent", index.KindDeployment, "quay.io/cilium/operator-generic:v1.17", map[string]string{"app.kubernetes.io/name": "cilium"}, ""},
		{"CSI controller by its sidecar", index.KindStatefulSet, "registry.k8s.io/sig-storage/csi-provisioner:v5.2.0", nil, "a CSI controller"},
		{"DNS autoscaler", index.KindDeployment, "registry.k8s.io/cpa/cluster-proportional-autoscaler:v1.9.0", nil, "the DNS autoscaler"},
		{"an ordinary app", index.KindDeployment, "example.com/web:1.0", map[string]string{"app": "web"}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := &index.Workload{Kind: tt.kind, Namespace: "kube-system", Name: "x", Template: &corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: tt.labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: tt.image}}},
			}}
			got := ""
			if a := recognise(w); a != nil {
				got = a.name
			}
			if got != tt.want {
				t.Errorf("recognise = %q, want %q", got, tt.want)
			}
		})
	}
}
