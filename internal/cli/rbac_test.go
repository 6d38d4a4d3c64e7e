package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const rbacFixture = "../../checks/testdata/RBAC-003/fail-edit-in-kube-system.yaml"

type whoCanJSON struct {
	Query  map[string]string `json:"query"`
	Grants []struct {
		Subject struct {
			Kind, Name, Namespace string
		} `json:"subject"`
		Binding         string   `json:"binding"`
		Role            string   `json:"role"`
		Scope           string   `json:"scope"`
		AggregationPath []string `json:"aggregationPath"`
		Platform        bool     `json:"platform"`
	} `json:"grants"`
}

func TestRBACWhoCanJSON(t *testing.T) {
	r := execute(t, "", "rbac", "who-can", "create", "pods/exec", "-n", "kube-system", "-f", rbacFixture, "-o", "json")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	var ans whoCanJSON
	if err := json.Unmarshal([]byte(r.stdout), &ans); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
	}
	if ans.Query["resource"] != "pods" || ans.Query["subresource"] != "exec" || ans.Query["namespace"] != "kube-system" {
		t.Errorf("query %v", ans.Query)
	}
	// The fixture's own grant, and the API server's default cluster-admin
	// binding for system:masters, which the model supplies for manifests
	// (a platform grant).
	if len(ans.Grants) != 2 {
		t.Fatalf("grants %+v, want two", ans.Grants)
	}
	g := ans.Grants[0]
	if g.Subject.Kind != "Group" || g.Subject.Name != "oncall" || g.Binding != "RoleBinding/kube-system/oncall-edit" ||
		g.Scope != "kube-system" || strings.Join(g.AggregationPath, " <- ") != "ClusterRole/edit <- ClusterRole/system:aggregate-to-edit" || g.Platform {
		t.Errorf("grant %+v", g)
	}
	if g := ans.Grants[1]; g.Subject.Name != "system:masters" || g.Binding != "ClusterRoleBinding/cluster-admin" || g.Scope != "cluster" || !g.Platform {
		t.Errorf("built-in grant %+v", g)
	}
	// In another namespace, and cluster-wide, only the built-in grant.
	for _, args := range [][]string{{"-n", "team-a"}, {}} {
		r := execute(t, "", append([]string{"rbac", "who-can", "create", "pods/exec", "-f", rbacFixture, "-o", "json"}, args...)...)
		var ans whoCanJSON
		if err := json.Unmarshal([]byte(r.stdout), &ans); err != nil || r.code != 0 {
			t.Fatalf("%v: exit %d, %v", args, r.code, err)
		}
		for _, g := range ans.Grants {
			if !g.Platform {
				t.Errorf("%v: grant %+v, want only platform grants", args, g)
			}
		}
	}
}

func TestRBACWhoCanTable(t *testing.T) {
	r := execute(t, "", "rbac", "who-can", "get", "secrets", "-A", "-f", "../../checks/testdata/RBAC-003/")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"SUBJECT", "oncall", "kube-system", "team-a", "RoleBinding/team-a/team-edit", "ClusterRole/system:aggregate-to-edit"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, r.stdout)
		}
	}
	// On manifests the API server's default bindings answer too, as on the
	// cluster the manifests are applied to.
	r = execute(t, "", "rbac", "who-can", "delete", "nodes", "-f", rbacFixture)
	if r.code != 0 || !regexp.MustCompile(`(?m)^ Group +system:masters +cluster +ClusterRoleBinding/cluster-admin +ClusterRole/cluster-admin +yes$`).MatchString(r.stdout) {
		t.Errorf("built-in grants: exit %d\n%s", r.code, r.stdout)
	}
	// A snapshot of a live cluster (one namespace, no RBAC objects) gets no
	// defaults: nobody may.
	empty := filepath.Join(t.TempDir(), "empty.snapshot.json")
	if err := os.WriteFile(empty, []byte(`{"schemaVersion":"seaworthy.snapshot/v1","source":"live","collectedAt":"2026-01-01T00:00:00Z","namespaces":[{"metadata":{"name":"default"}}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	r = execute(t, "", "rbac", "who-can", "delete", "nodes", "-f", empty)
	if r.code != 0 || r.stdout != "No subject may delete nodes cluster-wide.\n" {
		t.Errorf("empty answer: exit %d, %q %s", r.code, r.stdout, r.stderr)
	}
	r = execute(t, "", "rbac", "who-can", "get", "/metrics", "-f", "../../checks/testdata/RBAC-001/fail-clusterrolebinding-to-serviceaccount.yaml")
	if r.code != 0 || !strings.Contains(r.stdout, "ci/deployer") || !strings.Contains(r.stdout, "system:masters") {
		t.Errorf("non-resource URL: exit %d\n%s", r.code, r.stdout)
	}
}

func TestRBACSubject(t *testing.T) {
	r := execute(t, "", "rbac", "subject", "Group", "oncall", "-f", rbacFixture)
	if r.code != 0 || !strings.Contains(r.stdout, "impersonate") || !strings.Contains(r.stdout, "serviceaccounts/token") {
		t.Errorf("group: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// A ServiceAccount gets what its groups get, and VIA says so.
	r = execute(t, "", "rbac", "subject", "sa", "kube-system:anything", "-f", "../../fixtures/rbac/kubeadm-platform.yaml", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var ans struct {
		Grants []struct {
			Subject  struct{ Kind, Name string } `json:"subject"`
			Binding  string                      `json:"binding"`
			Platform bool                        `json:"platform"`
		} `json:"grants"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &ans); err != nil || len(ans.Grants) == 0 {
		t.Fatalf("an unbound ServiceAccount: %v %s", err, r.stdout)
	}
	// Only what the API server's default bindings give its groups.
	for _, g := range ans.Grants {
		if g.Subject.Kind != "Group" || !g.Platform || !slices.Contains([]string{"system:authenticated", "system:serviceaccounts"}, g.Subject.Name) {
			t.Errorf("an unbound ServiceAccount: grant %+v, want only platform grants to its groups", g)
		}
	}
	r = execute(t, "", "rbac", "subject", "ServiceAccount", "coredns", "-n", "kube-system", "-f", "../../fixtures/rbac/kubeadm-platform.yaml")
	if r.code != 0 || !strings.Contains(r.stdout, "ClusterRoleBinding/system:coredns") || !strings.Contains(r.stdout, "endpointslices") {
		t.Errorf("coredns: exit %d\n%s", r.code, r.stdout)
	}
}

func TestRBACBadArguments(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"who-can", "get"}, "accepts between 2 and 3 arg(s)"},
		{[]string{"who-can", "get", "pods", "-o", "xml", "-f", rbacFixture}, `unknown output format "xml"`},
		{[]string{"who-can", "get", "/metrics", "-n", "x", "-f", rbacFixture}, "non-resource URL takes no NAME, -n or -A"},
		{[]string{"who-can", "get", "pods", "-n", "x", "-A", "-f", rbacFixture}, "-n and -A cannot be used together"},
		{[]string{"subject", "Robot", "x", "-f", rbacFixture}, `invalid KIND "Robot"`},
		{[]string{"subject", "ServiceAccount", "x", "-f", rbacFixture}, "needs a namespace"},
		{[]string{"subject", "User", "x", "-n", "y", "-f", rbacFixture}, "-n applies only to ServiceAccounts"},
		{[]string{"who-can", "get", "pods", "-f", "/nonexistent/dir"}, "no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := execute(t, "", append([]string{"rbac"}, tt.args...)...)
			if r.code != 2 || r.stdout != "" {
				t.Errorf("exit %d, stdout %q; want 2 and nothing", r.code, r.stdout)
			}
			if lines := strings.Split(strings.TrimSpace(r.stderr), "\n"); !strings.HasPrefix(lines[0], "error: ") || !strings.Contains(lines[0], tt.want) {
				t.Errorf("stderr %q, want an error line with %q", r.stderr, tt.want)
			}
		})
	}
}
