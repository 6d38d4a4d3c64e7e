package cli

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/seaworthy-k8s/seaworthy/result"
)

// auditResults runs audit -o json on the demo cluster with args and
// returns its results.
func auditResults(t *testing.T, args ...string) []result.Result {
	t.Helper()
	r := execute(t, "", append([]string{"audit", "-q", "-o", "json", "--fail-on", "never", "-f", "../../fixtures/clusters/demo"}, args...)...)
	if r.code != 0 && r.code != 1 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	var rep struct {
		Results []result.Result `json:"results"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	return rep.Results
}

func isCluster(o result.ObjectRef) bool { return o.Kind == "" && o.Name == "" }

// -n scopes the report to the namespace, its Namespace object and
// cluster-wide results; cluster-wide checks still see every namespace.
func TestNamespaceScopesResults(t *testing.T) {
	all := auditResults(t)
	rs := auditResults(t, "-n", "payments")
	if len(rs) == 0 || len(rs) >= len(all) {
		t.Fatalf("-n payments kept %d of %d results", len(rs), len(all))
	}
	var quota, clusterWide bool
	for _, r := range rs {
		o := r.Object
		switch {
		case o.Namespace != "" && o.Namespace != "payments":
			t.Errorf("%s about %s, outside payments", r.Check, o)
		case o.Kind == "Namespace" && o.Name != "payments":
			t.Errorf("%s about %s, another namespace", r.Check, o)
		}
		if r.Check == "QUOTA-003" && o.Namespace == "payments" {
			quota = true
		}
		if isCluster(o) && r.Check == "QUOTA-005" {
			// Judged over every namespace, not only payments.
			clusterWide = strings.Contains(r.Message, "of 6 user namespaces")
		}
	}
	if !quota {
		t.Error("no QUOTA-003 result for payments")
	}
	if !clusterWide {
		t.Error("QUOTA-005 missing or not judged over the whole cluster")
	}
}

// -l keeps the results about objects whose labels match, and the
// cluster-wide ones.
func TestSelectorScopesResults(t *testing.T) {
	rs := auditResults(t, "-l", "k8s-app=kube-dns")
	var coredns bool
	for _, r := range rs {
		o := r.Object
		if isCluster(o) {
			continue
		}
		if o.Namespace != "kube-system" {
			t.Errorf("%s about %s: no k8s-app=kube-dns label", r.Check, o)
		}
		if strings.HasPrefix(o.Name, "kube-apiserver") {
			t.Errorf("%s about %s: no k8s-app=kube-dns label", r.Check, o)
		}
		if r.Check == "DNS-001" && o.Kind == "Deployment" && o.Name == "coredns" {
			coredns = true
		}
	}
	if !coredns {
		t.Error("no DNS-001 result for Deployment/kube-system/coredns")
	}
	if n := len(auditResults(t, "-l", "app=no-such-app")); n == 0 {
		t.Error("a selector matching nothing dropped the cluster-wide results too")
	}
}

func TestScopeFlagErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-n", "payments", "-A"}, "cannot be used together"},
		{[]string{"-l", "app in (a"}, "invalid -l/--selector"},
	} {
		r := execute(t, "", append([]string{"audit", "-f", "../../fixtures/clusters/demo"}, tt.args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q", tt.args, r.code, r.stderr)
		}
	}
}

// -n completes from the -f inputs on the command line, never from the
// cluster; without files it offers nothing.
func TestNamespaceCompletion(t *testing.T) {
	demo := "../../fixtures/clusters/demo"
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"audit", "-f", demo, "-n", "p"}, []string{"payments"}},
		{[]string{"audit", demo, "-n", "kube-"}, []string{"kube-node-lease", "kube-public", "kube-system"}},
		{[]string{"audit", "-n", ""}, nil},
	} {
		if got := complete(t, tt.args...); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("complete %q: %q, want %q", tt.args, got, tt.want)
		}
	}
}
