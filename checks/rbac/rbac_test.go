package rbac

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/manifests"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// rbacChecks returns the RBAC checks with the default options.
func rbacChecks(t *testing.T) []check.Check {
	t.Helper()
	out := Checks(DefaultOptions())
	if len(out) != 10 {
		t.Fatalf("%d RBAC checks registered, want 10", len(out))
	}
	return out
}

// runFixture runs def with the default options on the fixture at path.
func runFixture(t *testing.T, def check.Def[Options], path string, now time.Time) []result.Result {
	t.Helper()
	return check.Run(checktest.LoadFixture(t, path, now), check.Bind(DefaultOptions(), def))
}

func TestFixtures(t *testing.T) { checktest.Fixtures(t, Checks(DefaultOptions()), "../testdata") }

// alsoFires reads the "# also-fires: RBAC-00X ..." header of a fixture: the
// other checks that warn or fail on it by design.
func alsoFires(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "# also-fires:"); ok {
			for _, f := range strings.Fields(rest) {
				if strings.HasPrefix(f, "RBAC-") {
					out = append(out, f)
				}
			}
		}
	}
	return out
}

// gating returns the IDs of the checks with a warn or fail result, sorted.
func gating(rs []result.Result) []string {
	var ids []string
	for _, r := range rs {
		if r.Status == result.StatusWarn || r.Status == result.StatusFail {
			ids = append(ids, r.Check)
		}
	}
	sort.Strings(ids)
	return slices.Compact(ids)
}

// Each RBAC fixture, run through all ten RBAC checks, makes exactly the
// intended checks warn or fail: its own (fail fixtures) plus the ones its
// "# also-fires:" header names, and none on pass fixtures.
func TestRBACFixturesFireOnlyIntendedChecks(t *testing.T) {
	all := rbacChecks(t)
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "RBAC-*", "*.yaml"))
	if len(files) < 20 {
		t.Fatalf("only %d RBAC fixtures", len(files))
	}
	for _, path := range files {
		t.Run(path, func(t *testing.T) {
			id := filepath.Base(filepath.Dir(path))
			want := alsoFires(t, path)
			if strings.HasPrefix(filepath.Base(path), "fail") {
				want = append(want, id)
			}
			sort.Strings(want)
			snap, err := manifests.Load([]string{path}, manifests.Options{Now: checktest.FixtureNow(t, path), Warn: func(m string) { t.Error(m) }})
			if err != nil {
				t.Fatal(err)
			}
			rs := check.Run(snap, all)
			if got := gating(rs); !slices.Equal(got, want) {
				t.Errorf("checks that warn or fail: %v, want %v:\n%s", got, want, checktest.Format(rs))
			}
		})
	}
}

// The real-world manifests' README says what a careful reviewer flags:
// kube-state-metrics and the ingress-nginx controller read Secrets
// cluster-wide, the ingress-nginx admission job writes
// ValidatingWebhookConfigurations, and metrics-server is clean: no result
// but pass names it, not even RBAC-009's info on its RoleBinding to the
// API server's built-in Role extension-apiserver-authentication-reader,
// which the cluster has though the manifests do not hold it.
func TestRBACRealWorld(t *testing.T) {
	// ../shared/realworld beside the repository.
	dir := filepath.Join("..", "..", "..", "shared", "realworld")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("real-world manifests not found beside the repository (%v)", err)
	}
	var paths []string
	for _, f := range []string{"metrics-server-rbac.yaml", "kube-state-metrics-clusterrole.yaml", "ingress-nginx-rbac.yaml"} {
		paths = append(paths, filepath.Join(dir, f))
	}
	snap, err := manifests.Load(paths, manifests.Options{Now: checktest.Now, Warn: func(string) {}})
	if err != nil {
		t.Fatal(err)
	}
	rs := check.Run(snap, rbacChecks(t))
	var got []string
	for _, r := range rs {
		if r.Status != result.StatusPass {
			subject, _ := r.Evidence["subject"].(string)
			got = append(got, strings.TrimSpace(r.Check+" "+string(r.Status)+" "+r.Object.String()+" "+subject))
		}
	}
	want := []string{
		"RBAC-004 warn ClusterRoleBinding/ingress-nginx ServiceAccount/ingress-nginx/ingress-nginx",
		"RBAC-004 warn ClusterRoleBinding/kube-state-metrics ServiceAccount/kube-system/kube-state-metrics",
		"RBAC-010 warn ClusterRoleBinding/ingress-nginx-admission ServiceAccount/ingress-nginx/ingress-nginx-admission",
	}
	sort.Strings(got)
	if !slices.Equal(got, want) {
		t.Errorf("got:\n%s\nwant:\n%s\nall results:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), checktest.Format(rs))
	}
	// The control: read as a whole live cluster (no built-in objects
	// supplied), the same binding is dangling.
	snap.Source = cluster.SourceLive
	if msgs := checktest.Format(check.Run(snap, check.Bind(DefaultOptions(), rbac009))); !strings.Contains(msgs, "RoleBinding/kube-system/metrics-server-auth-reader") {
		t.Errorf("as a live cluster, metrics-server-auth-reader is not dangling:\n%s", msgs)
	}
}

// The API server's own defaults (collected from kube-apiserver v1.37.2)
// plus kubeadm's platform objects give no warn or fail.
func TestRBACNoFindingsOnDefaults(t *testing.T) {
	defaults, err := manifests.Load([]string{"../../fixtures/rbac/apiserver-v1.37.2-defaults.snapshot.json"}, manifests.Options{Now: checktest.Now})
	if err != nil {
		t.Fatal(err)
	}
	kubeadm, err := manifests.Load([]string{"../../fixtures/rbac/kubeadm-platform.yaml"}, manifests.Options{Now: checktest.Now, Warn: func(m string) { t.Error(m) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(defaults.ClusterRoles) < 50 || len(kubeadm.ClusterRoleBindings) < 5 {
		t.Fatalf("inputs too small: %d default ClusterRoles, %d kubeadm ClusterRoleBindings", len(defaults.ClusterRoles), len(kubeadm.ClusterRoleBindings))
	}
	snap := defaults
	snap.Roles = append(snap.Roles, kubeadm.Roles...)
	snap.ClusterRoles = append(snap.ClusterRoles, kubeadm.ClusterRoles...)
	snap.RoleBindings = append(snap.RoleBindings, kubeadm.RoleBindings...)
	snap.ClusterRoleBindings = append(snap.ClusterRoleBindings, kubeadm.ClusterRoleBindings...)
	rs := check.Run(snap, rbacChecks(t))
	for _, r := range rs {
		if r.Status != result.StatusPass {
			t.Errorf("defaults: %s", checktest.FormatResult(r))
		}
	}
	// The control: the same input with one cluster-admin grant added
	// fails RBAC-001.
	snap.ClusterRoleBindings = append(snap.ClusterRoleBindings, kubeadm.ClusterRoleBindings[0])
	snap.ClusterRoleBindings[len(snap.ClusterRoleBindings)-1].Name = "someone-admin"
	rs = check.Run(snap, rbacChecks(t))
	if got := gating(rs); !slices.Equal(got, []string{"RBAC-001"}) {
		t.Errorf("with an extra cluster-admin binding: %v, want [RBAC-001]", got)
	}
}

// Options.ExemptBindings silences the named binding only.
func TestExemptBindings(t *testing.T) {
	snap, err := manifests.Load([]string{"../testdata/RBAC-004/fail-cluster-wide-secret-watch.yaml"}, manifests.Options{Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	opts := DefaultOptions()
	opts.ExemptBindings = []string{"ClusterRoleBinding/exporter"}
	if got := gating(check.Run(snap, Checks(opts))); len(got) != 0 {
		t.Errorf("exempt binding still reported by %v", got)
	}
	opts.ExemptBindings = []string{"ClusterRoleBinding/other"}
	if got := gating(check.Run(snap, Checks(opts))); !slices.Equal(got, []string{"RBAC-004"}) {
		t.Errorf("another exemption: %v, want [RBAC-004]", got)
	}
}

// Findings carry the evidence a reviewer needs, including the aggregation
// path, and name the contributing role.
func TestRBACEvidence(t *testing.T) {
	rs := runFixture(t, rbac001, "../testdata/RBAC-001/fail-equivalent-through-aggregation.yaml", checktest.Now)
	if len(rs) != 1 {
		t.Fatalf("results: %s", checktest.Format(rs))
	}
	ev := rs[0].Evidence
	for k, want := range map[string]string{
		"subject":         "Group/platform-operators",
		"binding":         "ClusterRoleBinding/platform-operators",
		"role":            "ClusterRole/platform-operators",
		"rule":            `verbs=* apiGroups=* resources=*`,
		"scope":           "cluster-wide",
		"aggregationPath": "ClusterRole/platform-operators <- ClusterRole/break-glass-rules",
	} {
		if ev[k] != want {
			t.Errorf("evidence %s = %v, want %q", k, ev[k], want)
		}
	}
	if !strings.Contains(rs[0].Message, "ClusterRole/break-glass-rules") {
		t.Errorf("message does not name the contributing role: %s", rs[0].Message)
	}
}

// A wildcard finding lists what the wildcard covers when discovery is
// present, and says it cannot when it is not.
func TestRBACWildcardCoverage(t *testing.T) {
	path := "../testdata/RBAC-009/pass-read-only-suggestion-and-dangling.yaml"
	snap, err := manifests.Load([]string{path}, manifests.Options{Now: checktest.Now})
	if err != nil {
		t.Fatal(err)
	}
	rs := check.Run(snap, check.Bind(DefaultOptions(), rbac009, rbac005))
	msgs := checktest.Format(rs)
	if !strings.Contains(msgs, "no API discovery") {
		t.Errorf("without discovery the messages must say so:\n%s", msgs)
	}
	snap, _ = manifests.Load([]string{path}, manifests.Options{Now: checktest.Now})
	snap.APIResources = []cluster.APIResource{
		{Group: "apps", Version: "v1", Resource: "deployments", Namespaced: true},
		{Group: "apps", Version: "v1", Resource: "deployments/scale", Namespaced: true},
		{Group: "apps", Version: "v1", Resource: "statefulsets", Namespaced: true},
		{Version: "v1", Resource: "pods", Namespaced: true},
		{Version: "v1", Resource: "pods/log", Namespaced: true},
		{Version: "v1", Resource: "nodes"},
	}
	rs = check.Run(snap, check.Bind(DefaultOptions(), rbac009, rbac005))
	msgs = checktest.Format(rs)
	for _, want := range []string{"deployments.apps,deployments.apps/scale,statefulsets.apps", "today it covers deployments.apps, deployments.apps/scale, statefulsets.apps", "RoleBinding to ClusterRole/pod-watcher in tools"} {
		if !strings.Contains(msgs, want) {
			t.Errorf("with discovery, want %q in:\n%s", want, msgs)
		}
	}
}

// Argo CD's pattern, ServiceAccount subjects without a namespace in
// RoleBindings of argocd: every finding names the subject in argocd and the
// scope argocd, never cluster-wide and never "ServiceAccount//…".
func TestRBACSubjectInBindingNamespace(t *testing.T) {
	path := "../testdata/RBAC-005/fail-argocd-namespaced-install.yaml"
	rs := check.Run(checktest.LoadFixture(t, path, checktest.Now), rbacChecks(t))
	findings := 0
	for _, r := range rs {
		if strings.Contains(r.Message, "ServiceAccount//") {
			t.Errorf("message: %s", checktest.FormatResult(r))
		}
		if r.Status != result.StatusWarn && r.Status != result.StatusFail {
			continue
		}
		if strings.Contains(r.Message, "cluster-wide") || strings.Contains(r.Message, "every namespace") {
			t.Errorf("finding is not confined to argocd: %s", checktest.FormatResult(r))
		}
		findings++
		checktest.WantEvidence(t, r, map[string]any{
			"subject": "ServiceAccount/argocd/argocd-application-controller",
			"binding": "RoleBinding/argocd/argocd-application-controller",
			"scope":   "namespace argocd",
		})
	}
	if findings == 0 {
		t.Fatalf("no findings:\n%s", checktest.Format(rs))
	}
}

// A check never passes for lack of the objects it judges: with no RBAC
// objects of the input's own every RBAC check skips saying so, though the
// model holds the API server's built-in roles and bindings; with roles but
// no binding the checks of grants skip and RBAC-008 runs; with a binding
// but no ClusterRole only RBAC-008 skips.
func TestRBACSkipsWithoutObjectsOfTheInput(t *testing.T) {
	all := rbacChecks(t)
	for _, tc := range []struct {
		name, path string
		// skips maps each check that must skip to a phrase of its message;
		// the others must not skip.
		skips map[string]string
	}{
		{"no RBAC objects", "../testdata/RBAC-001/skip-no-rbac-objects.yaml", func() map[string]string {
			m := map[string]string{}
			for _, c := range all {
				m[c.ID] = "holds no RBAC objects of its own (no Role, ClusterRole, RoleBinding or ClusterRoleBinding)"
			}
			return m
		}()},
		{"a ClusterRole, no binding", "../testdata/RBAC-005/skip-clusterrole-without-binding.yaml", func() map[string]string {
			m := map[string]string{}
			for _, c := range all {
				if c.ID != "RBAC-008" {
					m[c.ID] = "holds no RoleBinding or ClusterRoleBinding of its own, so there is no grant to judge"
				}
			}
			return m
		}()},
		{"a Role and RoleBinding, no ClusterRole", "../testdata/RBAC-008/skip-namespaced-rbac-only.yaml",
			map[string]string{"RBAC-008": "holds no ClusterRole of its own"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			snap := checktest.LoadFixture(t, tc.path, checktest.Now)
			for _, c := range all {
				rs := check.Run(snap, []check.Check{c})
				phrase, wantSkip := tc.skips[c.ID]
				if !wantSkip {
					for _, r := range rs {
						if r.Status == result.StatusSkip {
							t.Errorf("%s skips: %s", c.ID, checktest.FormatResult(r))
						}
					}
					continue
				}
				if len(rs) != 1 || rs[0].Status != result.StatusSkip || !strings.Contains(rs[0].Message, phrase) {
					t.Errorf("%s: want one skip saying %q, got:\n%s", c.ID, phrase, checktest.Format(rs))
				}
			}
			// The built-in objects are in the model all the same: they
			// are not what the checks judge.
			if in := check.NewInput(snap); len(in.Index.RBAC().Bindings()) < 50 {
				t.Errorf("the model holds %d bindings; the API server's defaults are missing", len(in.Index.RBAC().Bindings()))
			}
		})
	}
}

// Every RBAC message is a sentence like the other areas': a capital first
// letter and a final period, on every fixture and every status, skip
// included (the no-binding case). The capital never comes from a name:
// messages begin with a kind or a word.
func TestRBACMessagesAreSentences(t *testing.T) {
	all := rbacChecks(t)
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "RBAC-*", "*.yaml"))
	if len(files) < 20 {
		t.Fatalf("only %d RBAC fixtures", len(files))
	}
	snaps := []*cluster.Snapshot{{}} // no RBAC objects at all: the skips
	for _, path := range files {
		snap, err := manifests.Load([]string{path}, manifests.Options{Now: checktest.FixtureNow(t, path), Warn: func(m string) { t.Error(m) }})
		if err != nil {
			t.Fatal(err)
		}
		snaps = append(snaps, snap)
	}
	statuses := map[result.Status]bool{}
	for _, snap := range snaps {
		for _, r := range check.Run(snap, all) {
			statuses[r.Status] = true
			m := r.Message
			if m == "" || m[:1] != strings.ToUpper(m[:1]) || !strings.HasSuffix(m, ".") {
				t.Errorf("%s %s %s: message is not a sentence: %q", r.Check, r.Status, r.Object, m)
			}
		}
	}
	for _, s := range []result.Status{result.StatusPass, result.StatusWarn, result.StatusFail, result.StatusSkip, result.StatusInfo} {
		if !statuses[s] {
			t.Errorf("no %s result among the fixtures: the test would not see its messages", s)
		}
	}
}
