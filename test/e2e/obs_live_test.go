package e2e

import (
	"strings"
	"testing"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
	"github.com/seaworthy-k8s/seaworthy/cluster/live"
)

// OBS-001 against a real API server: an HPA on cpu with no metrics.k8s.io
// APIService fails for the missing registration; once metrics-server's
// APIService is registered with no Service behind it, the server's own
// availability controller marks it unavailable, and OBS-001 fails with the
// reason the server gave.
func TestLiveOBS001(t *testing.T) {
	lc := startCluster(t)
	ctx := t.Context()
	one := int32(1)
	hpa := &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "web"},
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{MinReplicas: &one, MaxReplicas: 5,
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"}}}
	if _, err := lc.client.AutoscalingV2().HorizontalPodAutoscalers("default").Create(ctx, hpa, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	obs001 := func(t *testing.T) string {
		t.Helper()
		snap, err := live.Collect(ctx, lc.Admin, live.Options{})
		if err != nil {
			t.Fatalf("collect: %v", err)
		}
		var lines []string
		for _, r := range runCheck(t, snap, "OBS-001") {
			lines = append(lines, checktest.FormatResult(r))
		}
		return strings.Join(lines, "\n")
	}
	// The server defaults an HPA without metrics to 80% cpu.
	const who = "1 HorizontalPodAutoscaler scales on cpu or memory (Resource metrics) (default/web)"
	if got, want := obs001(t), "OBS-001 fail APIService/v1beta1.metrics.k8s.io: "+who+
		", but no APIService registers metrics.k8s.io, so they cannot read their metrics and do not scale; install metrics-server."; got != want {
		t.Errorf("without the APIService:\n got %s\nwant %s", got, want)
	}

	dyn, err := dynamic.NewForConfig(lc.Admin)
	if err != nil {
		t.Fatal(err)
	}
	apiservices := dyn.Resource(schema.GroupVersionResource{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"})
	if _, err := apiservices.Create(ctx, &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
		"metadata": map[string]any{"name": "v1beta1.metrics.k8s.io"},
		"spec": map[string]any{"group": "metrics.k8s.io", "version": "v1beta1", "insecureSkipTLSVerify": true,
			"groupPriorityMinimum": int64(100), "versionPriority": int64(100),
			"service": map[string]any{"namespace": "kube-system", "name": "metrics-server", "port": int64(443)}},
	}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		u, err := apiservices.Get(ctx, "v1beta1.metrics.k8s.io", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions"); len(conds) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the API server set no condition on the APIService within 30 s")
		}
		time.Sleep(200 * time.Millisecond)
	}
	got := obs001(t)
	if want := "OBS-001 fail APIService/v1beta1.metrics.k8s.io: " + who + ", but APIService v1beta1.metrics.k8s.io is unavailable (ServiceNotFound: "; !strings.HasPrefix(got, want) {
		t.Errorf("with an unavailable APIService:\n got %s\nwant a line starting %s", got, want)
	}
}
