package authz_test

import (
	"sync"
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/authz"
	"github.com/seaworthy-k8s/seaworthy/fixtures/synth"
)

// The benchmark cluster: 5,000 roles, 20,000 bindings and 10,000 extra
// ServiceAccounts over 200 team namespaces (fixtures/gen -namespaces 200
// -roles 5000 -bindings 20000 -serviceaccounts 10000). Budget: who-can
// under 100 ms once the model is built. The full RBAC analysis (model
// build and the ten checks, budget 2 s) is benchmarked in checks/rbac.
var bigRBAC = sync.OnceValue(func() *cluster.Snapshot {
	return synth.Generate(synth.Spec{Namespaces: 200, Roles: 5000, RoleBindings: 20000, ServiceAccounts: 10000},
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
})

func TestBenchmarkClusterSize(t *testing.T) {
	s := bigRBAC()
	roles := len(s.Roles) + len(s.ClusterRoles)
	bindings := len(s.RoleBindings) + len(s.ClusterRoleBindings)
	if roles < 5000 || bindings < 20000 || len(s.ServiceAccounts) < 10000 {
		t.Fatalf("%d roles, %d bindings, %d ServiceAccounts; want at least 5,000, 20,000 and 10,000", roles, bindings, len(s.ServiceAccounts))
	}
	aggregated := 0
	for _, cr := range s.ClusterRoles {
		if cr.AggregationRule != nil {
			aggregated++
		}
	}
	if aggregated == 0 {
		t.Error("no aggregated ClusterRole")
	}
}

func BenchmarkBuild(b *testing.B) {
	s := bigRBAC()
	b.ReportAllocs()
	for b.Loop() {
		authz.Build(s)
	}
}

func BenchmarkWhoCan(b *testing.B) {
	m := authz.Build(bigRBAC())
	queries := []authz.Attributes{
		{Verb: "get", Resource: "secrets", Namespace: "payments-prod"},
		{Verb: "list", Resource: "secrets"},
		{Verb: "create", Resource: "pods", Subresource: "exec", Namespace: "search-dev"},
		{Verb: "update", Group: "apps", Resource: "deployments", Subresource: "scale", Namespace: "checkout-qa"},
		{Verb: "get", Path: "/metrics"},
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, q := range queries {
			m.WhoCan(q)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(queries))/1e6, "ms/query")
}

func BenchmarkWhoCanAnyNamespace(b *testing.B) {
	m := authz.Build(bigRBAC())
	b.ReportAllocs()
	for b.Loop() {
		m.WhoCanInAnyNamespace(authz.Attributes{Verb: "get", Resource: "secrets"})
	}
}
