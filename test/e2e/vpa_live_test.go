package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"sigs.k8s.io/yaml"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
	"github.com/seaworthy-k8s/seaworthy/checks/scale"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/live"
)

// VerticalPodAutoscalers are read from a real API server once their CRD is
// installed; before that the kind is simply not installed: no VPAs, known,
// and no gap. SCALE-004 then says na, and with the CRD, a VPA in Auto and
// an HPA on cpu for one Deployment, fail.
func TestLiveVerticalPodAutoscalers(t *testing.T) {
	lc := startCluster(t)
	ctx := t.Context()
	c := lc.client
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	one := int32(1)
	labels := map[string]string{"app": "web"}
	_, err := c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop"}}, metav1.CreateOptions{})
	must("create namespace", err)
	_, err = c.AppsV1().Deployments("shop").Create(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shop"},
		Spec: appsv1.DeploymentSpec{Replicas: &one, Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "example.com/web:1.0"}}}}}}, metav1.CreateOptions{})
	must("create deployment", err)
	util := int32(70)
	_, err = c.AutoscalingV2().HorizontalPodAutoscalers("shop").Create(ctx, &autoscalingv2.HorizontalPodAutoscaler{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shop"},
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{MaxReplicas: 5,
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"},
			Metrics: []autoscalingv2.MetricSpec{{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
				Name: corev1.ResourceCPU, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: &util}}}}},
	}, metav1.CreateOptions{})
	must("create hpa", err)
	dyn, err := dynamic.NewForConfig(lc.Admin)
	must("build dynamic client", err)
	scale004 := checktest.ByID(t, scale.Checks(scale.DefaultOptions()), "SCALE-004")
	verdict := func(s *cluster.Snapshot) string {
		t.Helper()
		rs := check.Run(s, []check.Check{scale004})
		var lines []string
		for _, r := range rs {
			lines = append(lines, string(r.Status)+" "+r.Object.String()+": "+r.Message)
		}
		return strings.Join(lines, "\n")
	}

	// Without the CRD: no VPAs, no gap, and SCALE-004 na.
	snap, err := live.Collect(ctx, lc.Admin, live.Options{})
	must("collect", err)
	if g, ok := snap.GapFor(cluster.KindVPAs); ok {
		t.Errorf("a cluster without the VPA CRD has a gap for it: %+v", g)
	}
	if len(snap.VPAs) != 0 {
		t.Errorf("vpas = %+v, want none", snap.VPAs)
	}
	if got, want := verdict(snap), "na (cluster): The API server does not serve autoscaling.k8s.io/v1 verticalpodautoscalers (the VPA's CRD is not installed), so no VPA can fight an HPA."; got != want {
		t.Errorf("SCALE-004 without the CRD:\ngot  %s\nwant %s", got, want)
	}

	// With the CRD and a VPA in Auto on the HPA's Deployment.
	data, err := os.ReadFile(filepath.Join("testdata", "vpa-crd.yaml"))
	must("read the CRD manifest", err)
	crd := &unstructured.Unstructured{}
	must("decode the CRD manifest", yaml.Unmarshal(data, &crd.Object))
	_, err = dyn.Resource(schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}).
		Create(ctx, crd, metav1.CreateOptions{})
	must("install the VPA CRD", err)
	vpas := dyn.Resource(schema.GroupVersionResource{Group: "autoscaling.k8s.io", Version: "v1", Resource: "verticalpodautoscalers"}).Namespace("shop")
	vpa := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "autoscaling.k8s.io/v1", "kind": "VerticalPodAutoscaler",
		"metadata": map[string]any{"name": "web", "namespace": "shop"},
		"spec": map[string]any{
			"targetRef":      map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
			"updatePolicy":   map[string]any{"updateMode": "Auto"},
			"resourcePolicy": map[string]any{"containerPolicies": []any{map[string]any{"containerName": "*", "controlledResources": []any{"cpu", "memory"}}}},
		},
		"status": map[string]any{"conditions": []any{map[string]any{"type": "RecommendationProvided", "status": "True"}}},
	}}
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err = vpas.Create(ctx, vpa, metav1.CreateOptions{})
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond) // the new CRD is not served yet
	}
	must("create the vpa", err)
	snap, err = live.Collect(ctx, lc.Admin, live.Options{})
	must("collect", err)
	if len(snap.Gaps) > 0 {
		for _, g := range snap.Gaps {
			if g.Kind == cluster.KindVPAs {
				t.Errorf("gap for vpas: %+v", g)
			}
		}
	}
	if len(snap.VPAs) != 1 {
		t.Fatalf("vpas = %+v, want one", snap.VPAs)
	}
	v := snap.VPAs[0]
	got := v.Namespace + "/" + v.Name + " -> " + v.Spec.TargetRef.Kind + "/" + v.Spec.TargetRef.Name + " " + v.UpdateMode()
	if want := "shop/web -> Deployment/web Auto"; got != want {
		t.Errorf("vpa = %s, want %s", got, want)
	}
	if got, want := verdict(snap), "fail VerticalPodAutoscaler/shop/web: VerticalPodAutoscaler shop/web (updateMode Auto) and HorizontalPodAutoscaler web both scale Deployment web on cpu: "+
		"the VPA changes the requests the HPA's utilization is measured against, so the two fight and the workload's replicas and pods churn."; got != want {
		t.Errorf("SCALE-004 with the VPA:\ngot  %s\nwant %s", got, want)
	}
}
