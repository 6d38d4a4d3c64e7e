package e2e

import (
	"slices"
	"sort"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/manifests"
)

const deployDir = "../../deploy/base"

func loadDeploy(t *testing.T) *cluster.Snapshot {
	t.Helper()
	s, err := manifests.Load([]string{deployDir}, manifests.Options{Now: time.Now(), Warn: func(string) {}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The shipped ClusterRole grants list on exactly the kinds seaworthy reads,
// read verbs only, and nothing on Secrets.
func TestDeployRBACMatchesKinds(t *testing.T) {
	role := auditorClusterRole(t, loadDeploy(t))
	granted := map[string]bool{}
	for _, r := range role.Rules {
		for _, v := range r.Verbs {
			switch {
			case v == "get" || v == "list" || v == "watch":
			case v == "create" && slices.Equal(r.Resources, []string{"selfsubjectaccessreviews"}):
			default:
				t.Errorf("rule %v grants %q: the auditor is read-only", r, v)
			}
		}
		for _, g := range r.APIGroups {
			for _, res := range r.Resources {
				if res == "*" || g == "*" || res == "secrets" {
					t.Errorf("rule %v grants %s in group %q", r, res, g)
				}
				if slices.Contains(r.Verbs, "list") {
					granted[g+"/"+res] = true
				}
			}
		}
		if len(r.ResourceNames) > 0 {
			t.Errorf("cluster-wide rule %v uses resourceNames; ConfigMaps belong in the kube-system Role", r)
		}
	}
	want := map[string]bool{}
	for _, k := range cluster.Kinds {
		if k.Kind == cluster.KindConfigMaps {
			continue
		}
		want[k.GVR.Group+"/"+k.GVR.Resource] = true
	}
	for k := range want {
		if !granted[k] {
			t.Errorf("ClusterRole does not grant list on %s, which seaworthy reads", k)
		}
	}
	for k := range granted {
		if !want[k] {
			t.Errorf("ClusterRole grants list on %s, which seaworthy does not read", k)
		}
	}
}

// ConfigMaps are granted by name, in kube-system, exactly the allow-list.
func TestDeployConfigMapAllowList(t *testing.T) {
	s := loadDeploy(t)
	var names []string
	for _, r := range s.Roles {
		if r.Name == publisherRole {
			continue
		}
		for _, rule := range r.Rules {
			if !slices.Contains(rule.Resources, "configmaps") {
				continue
			}
			if r.Namespace != "kube-system" || !slices.Equal(rule.Verbs, []string{"get"}) || len(rule.ResourceNames) == 0 {
				t.Errorf("Role %s/%s: configmaps must be get-only, by name, in kube-system: %v", r.Namespace, r.Name, rule)
			}
			names = append(names, rule.ResourceNames...)
		}
	}
	var want []string
	for _, nn := range cluster.ConfigMapAllowList() {
		if nn.Namespace != "kube-system" {
			t.Fatalf("allow-list entry %s is outside kube-system; extend deploy/base/rbac.yaml", nn)
		}
		want = append(want, nn.Name)
	}
	sort.Strings(names)
	sort.Strings(want)
	if !slices.Equal(names, want) {
		t.Errorf("Role grants configmaps %v, the allow-list is %v", names, want)
	}
	// Every binding targets the auditor ServiceAccount only.
	for _, b := range s.ClusterRoleBindings {
		checkSubjects(t, b.Name, b.Subjects)
	}
	for _, b := range s.RoleBindings {
		checkSubjects(t, b.Name, b.Subjects)
	}
}

// auditorClusterRole is the read-only ClusterRole among the shipped ones.
func auditorClusterRole(t *testing.T, s *cluster.Snapshot) rbacv1.ClusterRole {
	t.Helper()
	var names []string
	for _, r := range s.ClusterRoles {
		names = append(names, r.Name)
	}
	sort.Strings(names)
	if want := []string{"seaworthy-auditor", openReportsRole}; !slices.Equal(names, want) {
		t.Fatalf("deploy/base ships ClusterRoles %v, want %v", names, want)
	}
	for _, r := range s.ClusterRoles {
		if r.Name == "seaworthy-auditor" {
			return r
		}
	}
	panic("unreachable")
}

func checkSubjects(t *testing.T, binding string, subjects []rbacv1.Subject) {
	t.Helper()
	if len(subjects) != 1 || subjects[0].Kind != "ServiceAccount" || subjects[0].Name != "seaworthy" || subjects[0].Namespace != "seaworthy" {
		t.Errorf("binding %s has subjects %v, want only ServiceAccount seaworthy/seaworthy", binding, subjects)
	}
}
