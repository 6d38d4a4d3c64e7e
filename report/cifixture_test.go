package report

import (
	"bytes"
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// ciReport is a manifests audit for the CI formats: a security fail and a
// warn with file:line origins, two findings of one check on one object, a
// cluster-wide fail without an origin, an info, and pass, skip and na
// results that CI formats leave out or list apart.
func ciReport() *Report {
	snap := &cluster.Snapshot{
		CollectedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Source:      cluster.SourceManifests,
		Origins: []cluster.Origin{
			{Kind: cluster.KindClusterRoleBindings, Name: "ci-admin", File: "deploy/rbac.yaml", Line: 12},
			{Kind: cluster.KindDeployments, Namespace: "shop", Name: "web", File: "deploy/web, app.yaml", Line: 1},
			{Kind: cluster.KindNamespaces, Name: "shop", File: "deploy/ns.yaml", Line: 3},
			{Kind: cluster.KindResourceQuotas, Namespace: "shop", Name: "compute", File: "./deploy/quota 1.yaml", Line: 7},
		},
	}
	ran := []result.Meta{
		{ID: "RBAC-001", Title: "cluster-admin bound outside the allow-list", Category: "RBAC least privilege",
			Rule: "cluster-admin, or * on * in *, bound to a subject outside the allow-list fails.", Remediation: "Bind a narrower role."},
		{ID: "QUOTA-002", Title: "Namespace has a LimitRange", Category: "Namespace quotas",
			Rule: "A user namespace without a LimitRange warns.", Remediation: "Add a LimitRange with defaults."},
		{ID: "QUOTA-003", Title: "Quota usage", Category: "Namespace quotas"},
		{ID: "DNS-001", Title: "DNS is up", Category: "Cluster DNS"},
		{ID: "CP-004", Title: "Platform", Category: "Control plane"},
	}
	quota := result.Ref("v1", "ResourceQuota", "shop", "compute")
	results := []result.Result{
		{Check: "RBAC-001", Status: result.StatusFail, Object: result.Ref("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "", "ci-admin"),
			Message: "ClusterRoleBinding ci-admin binds cluster-admin to ServiceAccount ci/deployer", Evidence: result.Evidence{"subject": "ServiceAccount ci/deployer"}},
		{Check: "QUOTA-002", Status: result.StatusWarn, Object: result.Ref("v1", "Namespace", "", "shop"),
			Message: "namespace shop has no LimitRange: pods without requests are rejected\nadd one"},
		{Check: "QUOTA-003", Status: result.StatusWarn, Object: quota, Message: "requests.cpu at 85% (17/20)", Evidence: result.Evidence{"resource": "requests.cpu", "used": "17", "hard": "20"}},
		{Check: "QUOTA-003", Status: result.StatusWarn, Object: quota, Message: "requests.memory at 90% (90Gi/100Gi)"},
		{Check: "QUOTA-002", Status: result.StatusPass, Object: result.Ref("v1", "Namespace", "", "tools"), Message: "tools has one"},
		{Check: "DNS-001", Status: result.StatusFail, Message: "no DNS Deployment labelled k8s-app=kube-dns, 50% of lookups"},
		{Check: "DNS-001", Status: result.StatusSkip, Object: result.Ref("apps/v1", "Deployment", "shop", "web"), Message: "not evaluated: nodes not-in-input"},
		{Check: "CP-004", Status: result.StatusInfo, Message: "platform: unknown"},
		{Check: "CP-004", Status: result.StatusNA, Object: result.Ref("apps/v1", "Deployment", "shop", "web"), Message: "not a control-plane object"},
	}
	r := New(snap, ran, results)
	r.Generator = "seaworthy v1.2.3"
	return r
}

// renderAs renders r in format through the registry.
func renderAs(t *testing.T, format string, r *Report, opts RenderOptions) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, format, r, opts); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func docLink(id string) string { return "https://seaworthy.example/checks/" + id }
