package rbac

import (
	"sync"
	"testing"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/fixtures/synth"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// The benchmark cluster of cluster/authz's benchmarks: 5,000 roles, 20,000
// bindings and 10,000 extra ServiceAccounts over 200 team namespaces
// (fixtures/gen -namespaces 200 -roles 5000 -bindings 20000
// -serviceaccounts 10000). Budget: the full RBAC analysis (model build and
// the ten checks) under 2 s.
var bigRBAC = sync.OnceValue(func() *cluster.Snapshot {
	return synth.Generate(synth.Spec{Namespaces: 200, Roles: 5000, RoleBindings: 20000, ServiceAccounts: 10000}, checktest.Now)
})

// The dangerous patterns planted in the benchmark cluster are found.
func TestBenchmarkClusterFindings(t *testing.T) {
	got := map[string]bool{}
	for _, r := range check.Run(bigRBAC(), rbacChecks(t)) {
		if r.Status == result.StatusFail || r.Status == result.StatusWarn {
			got[r.Check] = true
		}
	}
	for _, id := range []string{"RBAC-001", "RBAC-002", "RBAC-003", "RBAC-007"} {
		if !got[id] {
			t.Errorf("%s found nothing in the generated cluster", id)
		}
	}
}

// BenchmarkFullAnalysis runs the ten RBAC checks on a fresh copy of the
// snapshot each time, so the model is built once per iteration as in a real
// audit.
func BenchmarkFullAnalysis(b *testing.B) {
	s := bigRBAC()
	cs := Checks(DefaultOptions())
	b.ReportAllocs()
	for b.Loop() {
		c := *s
		check.Run(&c, cs)
	}
}
