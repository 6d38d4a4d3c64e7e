package cluster

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func fullPod(owner *metav1.OwnerReference) corev1.Pod {
	p := corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "a", Labels: map[string]string{"app": "web"}},
		Spec: corev1.PodSpec{
			NodeName: "n1", ServiceAccountName: "web",
			Volumes:     []corev1.Volume{{Name: "kube-api-access"}},
			Tolerations: []corev1.Toleration{{Key: "k"}},
			Containers: []corev1.Container{{
				Name: "web", Image: "web:1", Env: []corev1.EnvVar{{Name: "X", Value: "y"}},
				Command:        []string{"/web", "--port=8080"},
				Resources:      corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m")}},
				LivenessProbe:  &corev1.Probe{},
				ReadinessProbe: &corev1.Probe{},
			}},
		},
		Status: corev1.PodStatus{
			Phase:      corev1.PodRunning,
			PodIPs:     []corev1.PodIP{{IP: "10.0.0.1"}},
			Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue, Message: "ok"}},
			ContainerStatuses: []corev1.ContainerStatus{{
				Name: "web", Ready: true, RestartCount: 3, ImageID: "sha256:abc", ContainerID: "containerd://1",
				LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: "OOMKilled", ExitCode: 137, Message: "long"}},
			}},
		},
	}
	if owner != nil {
		p.OwnerReferences = []metav1.OwnerReference{*owner}
	}
	return p
}

func TestTrimPod(t *testing.T) {
	rs := &metav1.OwnerReference{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-abc", Controller: ptr.To(true)}
	node := &metav1.OwnerReference{APIVersion: "v1", Kind: "Node", Name: "cp-1", Controller: ptr.To(true)}

	p := fullPod(rs)
	trimPod(&p)
	c := p.Spec.Containers[0]
	if c.Name != "web" || c.Resources.Requests.Cpu().MilliValue() != 100 {
		t.Errorf("container identity or resources lost: %+v", c)
	}
	if c.Env != nil || c.Command != nil || c.LivenessProbe != nil || p.Spec.Volumes != nil || p.Spec.Tolerations != nil {
		t.Errorf("template fields kept on a templated pod: %+v", p.Spec)
	}
	if p.Spec.NodeName != "n1" || p.Labels["app"] != "web" || p.Status.Phase != corev1.PodRunning {
		t.Errorf("placement, labels or phase lost")
	}
	st := p.Status.ContainerStatuses[0]
	if !st.Ready || st.RestartCount != 3 || st.LastTerminationState.Terminated.Reason != "OOMKilled" || st.ImageID != "" {
		t.Errorf("container status trimmed wrongly: %+v", st)
	}
	again := p
	trimPod(&again)
	if !reflect.DeepEqual(again, p) {
		t.Errorf("trimming is not idempotent")
	}

	// Bare pods and static (mirror) pods describe themselves: kept whole.
	for name, owner := range map[string]*metav1.OwnerReference{"bare": nil, "mirror": node} {
		p := fullPod(owner)
		want := fullPod(owner)
		trimPod(&p)
		if !reflect.DeepEqual(p, want) {
			t.Errorf("%s pod was trimmed", name)
		}
	}
}

// Webhook configurations and APIServices lose their CA bundles as they
// arrive, through manifests as through a live read; the rest stays.
func TestTrimDropsCABundles(t *testing.T) {
	s := &Snapshot{}
	vwc := `{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":"policy"},
"webhooks":[{"name":"a.example.com","sideEffects":"None","admissionReviewVersions":["v1"],"clientConfig":{"caBundle":"Zm9v","service":{"namespace":"policy","name":"hook"}}}]}`
	mwc := `{"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfiguration","metadata":{"name":"external"},
"webhooks":[{"name":"b.example.com","sideEffects":"None","admissionReviewVersions":["v1"],"clientConfig":{"caBundle":"Zm9v","url":"https://hooks.example.com"}}]}`
	api := `{"apiVersion":"apiregistration.k8s.io/v1","kind":"APIService","metadata":{"name":"v1beta1.metrics.k8s.io"},
"spec":{"group":"metrics.k8s.io","version":"v1beta1","caBundle":"Zm9v","groupPriorityMinimum":100,"versionPriority":100,"service":{"namespace":"kube-system","name":"metrics-server"}}}`
	for _, o := range []struct{ apiVersion, kind, data string }{
		{"admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", vwc},
		{"admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration", mwc},
		{"apiregistration.k8s.io/v1", "APIService", api},
	} {
		if err := s.AddObject(o.apiVersion, o.kind, []byte(o.data), true); err != nil {
			t.Fatalf("add %s: %v", o.kind, err)
		}
	}
	s.Normalize()
	v, m, a := s.ValidatingWebhooks[0].Webhooks[0].ClientConfig, s.MutatingWebhooks[0].Webhooks[0].ClientConfig, s.APIServices[0].Spec
	if v.CABundle != nil || m.CABundle != nil || a.CABundle != nil {
		t.Errorf("CA bundles kept: %q %q %q", v.CABundle, m.CABundle, a.CABundle)
	}
	if v.Service.Name != "hook" || *m.URL != "https://hooks.example.com" || a.Service.Name != "metrics-server" || a.GroupPriorityMinimum != 100 {
		t.Errorf("trimmed too much: %+v %+v %+v", v, m, a)
	}
}
