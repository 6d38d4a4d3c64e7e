package policies

import (
	"context"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// TestExamplesOverSnapshot evaluates the example policies against the
// input document: the per-object rules judge every snapshot Deployment.
func TestExamplesOverSnapshot(t *testing.T) {
	ctx := context.Background()
	e, err := Load(ctx, []string{"examples"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	web := deployment("shop", "web", 2, "")
	web.Labels = map[string]string{"app.kubernetes.io/name": "web"}
	web.Spec.Template.Spec.Containers[0].Image = "shop/web"
	root := true
	api := deployment("shop", "api", 2, "")
	api.Labels = map[string]string{"app.kubernetes.io/name": "api"}
	api.Spec.Template.Spec.Containers[0].SecurityContext = nil
	api.Spec.Template.Spec.SecurityContext = nil
	ok := deployment("shop", "ok", 2, "")
	ok.Labels = map[string]string{"app.kubernetes.io/name": "ok"}
	ok.Spec.Template.Spec.SecurityContext = &corev1.PodSecurityContext{RunAsNonRoot: &root}
	web.Spec.Template.Spec.SecurityContext = &corev1.PodSecurityContext{RunAsNonRoot: &root}
	snap := &cluster.Snapshot{Deployments: []appsv1.Deployment{web, api, ok}}
	got, err := e.Evaluate(ctx, value(t, snap, nil))
	if err != nil {
		t.Fatal(err)
	}
	// Files are read in lexical order: image_tag, labels, non_root.
	want := `EX-001 fail Deployment/shop/web: Deployment web: container app runs unpinned image shop/web {"file":"examples/image_tag.rego","line":10,"policy":"main","rule":"deny"}
EX-002 fail Deployment/shop/api: Deployment api: container app may run as root {"file":"examples/non_root.rego","line":10,"policy":"main","rule":"deny"}
`
	if s := lines(t, got); s != want {
		t.Errorf("results:\n%s\nwant:\n%s", s, want)
	}
}
