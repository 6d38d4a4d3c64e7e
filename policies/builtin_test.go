package policies

import (
	"context"
	"reflect"
	"testing"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

func TestBuiltinProduction(t *testing.T) {
	ctx := context.Background()
	e, err := Load(ctx, []string{"builtin:production"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	snap := &cluster.Snapshot{
		Deployments: []appsv1.Deployment{
			deployment("shop", "web", 1, ""),
			deployment("shop", "api", 3, "cpu=100m,memory=64Mi"),
			deployment("shop", "cart", 2, "cpu=100m"),
			deployment("kube-system", "coredns", 1, "cpu=100m,memory=70Mi"),
		},
	}
	results := []result.Result{
		{Check: "DNS-001", Status: result.StatusFail, Message: "one DNS replica"},
		{Check: "QUOTA-001", Status: result.StatusWarn, Object: result.Ref("v1", "Namespace", "", "shop"), Message: "no quota"},
		{Check: "RBAC-001", Status: result.StatusFail, Object: result.Ref("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "", "ops"), Message: "cluster-admin bound"},
	}
	got, err := e.Evaluate(ctx, value(t, snap, results))
	if err != nil {
		t.Fatal(err)
	}
	want := `PROD-001 fail (cluster): DNS-001 failed: one DNS replica {"details":{"check":"DNS-001"},"file":"builtin:production/gate.rego","line":22,"policy":"seaworthy.production","rule":"deny"}
PROD-001 fail ClusterRoleBinding/ops: RBAC-001 failed: cluster-admin bound {"details":{"check":"RBAC-001"},"file":"builtin:production/gate.rego","line":22,"policy":"seaworthy.production","rule":"deny"}
PROD-002 fail Deployment/shop/cart: Deployment shop/cart has containers without cpu and memory requests: app {"details":{"containers":["app"]},"file":"builtin:production/gate.rego","line":37,"policy":"seaworthy.production","rule":"deny"}
PROD-002 fail Deployment/shop/web: Deployment shop/web has containers without cpu and memory requests: app {"details":{"containers":["app"]},"file":"builtin:production/gate.rego","line":37,"policy":"seaworthy.production","rule":"deny"}
PROD-003 warn Deployment/shop/web: Deployment shop/web runs a single replica {"file":"builtin:production/gate.rego","line":52,"policy":"seaworthy.production","rule":"warn"}
`
	if s := lines(t, got); s != want {
		t.Errorf("results:\n%s\nwant:\n%s", s, want)
	}
	if want := result.Ref("apps/v1", "Deployment", "shop", "cart"); len(got) > 2 && got[2].Object != want {
		t.Errorf("object = %+v, want %+v", got[2].Object, want)
	}
	metas := e.Metas()
	wantMetas := []result.Meta{
		{ID: "PROD-001", Title: "No built-in check fails", Category: "Policies", Rule: "Rego rule seaworthy.production.deny at builtin:production/gate.rego:22", Rationale: "A failing built-in check blocks the gate, on the object it failed on.", Remediation: "Fix what the failing check reports; `seaworthy explain CHECK` says how."},
		{ID: "PROD-002", Title: "Deployments set resource requests", Category: "Policies", Rule: "Rego rule seaworthy.production.deny at builtin:production/gate.rego:37", Rationale: "A container without cpu and memory requests is scheduled as if it needed nothing, and is the first to be evicted under node pressure.", Remediation: "Set resources.requests.cpu and resources.requests.memory on every container."},
		{ID: "PROD-003", Title: "User Deployments run more than one replica", Category: "Policies", Rule: "Rego rule seaworthy.production.warn at builtin:production/gate.rego:52", Rationale: "A single replica goes down with every node drain, eviction or crash.", Remediation: "Run at least 2 replicas and add a PodDisruptionBudget."},
	}
	if !reflect.DeepEqual(metas, wantMetas) {
		t.Errorf("metas:\n%+v\nwant:\n%+v", metas, wantMetas)
	}
	p := e.Policies()[0]
	if p.Severity != "high" || p.URL != "https://github.com/seaworthy-k8s/seaworthy/blob/main/docs/checks.md" {
		t.Errorf("PROD-001 severity %q, url %q", p.Severity, p.URL)
	}
}
