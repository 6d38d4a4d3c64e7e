package quota

import (
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// quotaResults runs every QUOTA check on snap and returns its results as
// "CHECK status Object", sorted.
func quotaResults(t *testing.T, snap *cluster.Snapshot, opts Options) []string {
	t.Helper()
	var out []string
	for _, c := range Checks(opts) {
		for _, r := range checktest.Run(t, c, snap) {
			out = append(out, r.Check+" "+string(r.Status)+" "+r.Object.String())
		}
	}
	slices.Sort(out)
	return out
}

func loadTestdata(t *testing.T, rel string) *cluster.Snapshot {
	t.Helper()
	path := filepath.Join("..", "testdata", rel)
	return checktest.LoadFixture(t, path, checktest.FixtureNow(t, path))
}

// TestQuotaPartialInputs pins every QUOTA result on the partial inputs real
// users audit: one add-on, a CNI, a load balancer, a kubectl dump that left
// LimitRanges out, a chart without Namespace objects. Nothing is said about
// a namespace for what the input cannot show, and nothing warns on
// node-level infrastructure.
func TestQuotaPartialInputs(t *testing.T) {
	tests := []struct {
		name, file string
		want       []string
	}{
		{"single add-on: no coverage fail, nothing for default", "QUOTA-005/skip-single-addon-ingress.yaml", []string{
			"QUOTA-001 warn Namespace/ingress-nginx",
			"QUOTA-002 skip (cluster)",
			"QUOTA-003 na (cluster)",
			"QUOTA-004 na (cluster)",
			"QUOTA-005 skip (cluster)",
		}},
		{"CNI: no quota warnings", "QUOTA-001/info-cni-calico.yaml", []string{
			"QUOTA-001 info Namespace/calico-system",
			"QUOTA-001 info Namespace/tigera-operator",
			"QUOTA-002 na (cluster)",
			"QUOTA-003 na (cluster)",
			"QUOTA-004 na (cluster)",
			"QUOTA-005 na (cluster)",
		}},
		{"load balancer with a quota: usage still judged", "QUOTA-001/info-load-balancer-metallb.yaml", []string{
			"QUOTA-001 info Namespace/metallb-system",
			"QUOTA-002 na (cluster)",
			"QUOTA-003 skip ResourceQuota/metallb-system/objects",
			"QUOTA-004 na (cluster)",
			"QUOTA-005 na (cluster)",
		}},
		{"flannel", "QUOTA-002/pass-cni-flannel.yaml", []string{
			"QUOTA-001 info Namespace/kube-flannel",
			"QUOTA-002 na (cluster)",
			"QUOTA-003 na (cluster)",
			"QUOTA-004 na (cluster)",
			"QUOTA-005 na (cluster)",
		}},
		{"deploy,ns,resourcequota dump: LimitRange checks skip", "QUOTA-002/skip-dump-without-limitranges.yaml", []string{
			"QUOTA-001 pass Namespace/billing",
			"QUOTA-001 pass Namespace/orders",
			"QUOTA-001 warn Namespace/default",
			"QUOTA-002 skip (cluster)",
			"QUOTA-003 pass ResourceQuota/billing/compute",
			"QUOTA-003 pass ResourceQuota/orders/compute",
			"QUOTA-004 skip (cluster)",
			"QUOTA-005 warn (cluster)",
		}},
		{"chart without Namespace objects", "QUOTA-001/skip-only-referred.yaml", []string{
			"QUOTA-001 skip (cluster)",
			"QUOTA-002 skip (cluster)",
			"QUOTA-003 na (cluster)",
			"QUOTA-004 na (cluster)",
			"QUOTA-005 skip (cluster)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := quotaResults(t, loadTestdata(t, tt.file), DefaultOptions())
			if !slices.Equal(got, tt.want) {
				t.Errorf("results:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

// The same objects read from a live cluster are the whole cluster: every
// namespace is judged, and no kind's absence is excused.
func TestQuotaLiveInputUnchanged(t *testing.T) {
	snap := loadTestdata(t, "QUOTA-005/skip-single-addon-ingress.yaml")
	snap.Source = cluster.SourceLive
	got := quotaResults(t, snap, DefaultOptions())
	want := []string{
		"QUOTA-001 warn Namespace/default",
		"QUOTA-001 warn Namespace/ingress-nginx",
		"QUOTA-002 warn Namespace/default",
		"QUOTA-002 warn Namespace/ingress-nginx",
		"QUOTA-003 na (cluster)",
		"QUOTA-004 na (cluster)",
		"QUOTA-005 fail (cluster)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("live results:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}

	// A snapshot file saved from manifests is still manifests.
	snap.Source, snap.OriginalSource = cluster.SourceSnapshot, cluster.SourceManifests
	if r := checktest.RunOne(t, checktest.ByID(t, Checks(DefaultOptions()), "QUOTA-005"), snap); r.Status != result.StatusSkip {
		t.Errorf("QUOTA-005 on a snapshot of manifests: %s, want skip", checktest.FormatResult(r))
	}
}

// The messages and evidence say what the input lacks, so a reader of a
// partial dump knows why.
func TestQuotaMissingKindSaysSo(t *testing.T) {
	snap := loadTestdata(t, "QUOTA-005/skip-single-addon-ingress.yaml")
	cs := Checks(DefaultOptions())

	w := checktest.RunOne(t, checktest.ByID(t, cs, "QUOTA-001"), snap)
	if w.Status != result.StatusWarn || !strings.Contains(w.Message, "The input holds no ResourceQuota objects at all") {
		t.Errorf("QUOTA-001: %s, want a warning that says the input holds no ResourceQuota", checktest.FormatResult(w))
	}
	checktest.WantEvidence(t, w, map[string]any{"missingKind": "ResourceQuota"})

	for _, id := range []string{"QUOTA-002", "QUOTA-005"} {
		r := checktest.RunOne(t, checktest.ByID(t, cs, id), snap)
		want := map[string]string{"QUOTA-002": "LimitRange", "QUOTA-005": "ResourceQuota"}[id]
		if r.Status != result.StatusSkip || !strings.Contains(r.Message, "The input holds no "+want+" objects") {
			t.Errorf("%s: %s, want skip naming %s", id, checktest.FormatResult(r), want)
		}
		checktest.WantEvidence(t, r, map[string]any{"missingKind": want})
	}

	dump := loadTestdata(t, "QUOTA-004/skip-dump-without-limitranges.yaml")
	r := checktest.RunOne(t, checktest.ByID(t, cs, "QUOTA-004"), dump)
	checktest.WantEvidence(t, r, map[string]any{"missingKind": "LimitRange"})
	// One LimitRange anywhere in the input: the kind was read, and the
	// namespaces without one are judged again.
	dump.LimitRanges = []corev1.LimitRange{testLimitRange("orders", "defaults",
		containerItem(checktest.Resources("memory", "512Mi"), checktest.Resources("cpu", "100m", "memory", "128Mi"), nil, nil))}
	got := checktest.StatusesByObject(checktest.Run(t, checktest.ByID(t, cs, "QUOTA-004"), dump))
	if got["Namespace/orders"] != result.StatusPass || got["Namespace/billing"] != result.StatusWarn {
		t.Errorf("QUOTA-004 with a LimitRange in the input: %v, want orders pass, billing warn", got)
	}
}

// A namespace the input only refers to is judged on what the input holds in
// it: a quota passes, an empty one warns, a lack is not reported; QUOTA-004
// skips the defaults it cannot see.
func TestQuotaReferredNamespaces(t *testing.T) {
	snap := checktest.Snapshot()
	snap.Source = cluster.SourceManifests
	snap.Namespaces = []corev1.Namespace{checktest.Namespace("team-a")}
	snap.ResourceQuotas = []corev1.ResourceQuota{
		testQuota("bounded", "compute", checktest.Resources("requests.cpu", "2"), nil, nil),
		testQuota("hollow", "placeholder", nil, nil, nil),
	}
	snap.LimitRanges = []corev1.LimitRange{testLimitRange("team-a", "defaults",
		containerItem(nil, checktest.Resources("cpu", "100m"), nil, nil))}
	snap.Pods = []corev1.Pod{testPod("bare", "p"), testPod("team-a", "p")}
	cs := Checks(DefaultOptions())

	got := checktest.StatusesByObject(checktest.Run(t, checktest.ByID(t, cs, "QUOTA-001"), snap))
	want := map[string]result.Status{"Namespace/bounded": result.StatusPass, "Namespace/hollow": result.StatusWarn, "Namespace/team-a": result.StatusWarn}
	if !maps.Equal(got, want) {
		t.Errorf("QUOTA-001 = %v, want %v (bare, referred and lacking a quota, not reported)", got, want)
	}
	got = checktest.StatusesByObject(checktest.Run(t, checktest.ByID(t, cs, "QUOTA-002"), snap))
	want = map[string]result.Status{"Namespace/team-a": result.StatusPass}
	if !maps.Equal(got, want) {
		t.Errorf("QUOTA-002 = %v, want %v", got, want)
	}
	r4 := checktest.RunOne(t, checktest.ByID(t, cs, "QUOTA-004"), snap)
	if r4.Status != result.StatusSkip || r4.Object.Name != "bounded" {
		t.Errorf("QUOTA-004: %s, want skip for bounded", checktest.FormatResult(r4))
	}
	r5 := checktest.RunOne(t, checktest.ByID(t, cs, "QUOTA-005"), snap)
	// Only team-a is defined: 0 of 1 → fail; bounded, hollow and bare are
	// not counted.
	if r5.Status != result.StatusFail {
		t.Errorf("QUOTA-005: %s, want fail over team-a alone", checktest.FormatResult(r5))
	}
	checktest.WantEvidence(t, r5, map[string]any{"total": 1, "covered": 0, "referredNamespaces": []string{"bare", "bounded", "hollow"}})
}

// ExemptInfrastructure off: a CNI namespace is asked for quotas like any
// other.
func TestQuotaInfrastructureOption(t *testing.T) {
	snap := loadTestdata(t, "QUOTA-001/info-cni-calico.yaml")
	opts := DefaultOptions()
	opts.ExemptInfrastructure = false
	got := checktest.StatusesByObject(runQuotaCheck(t, quota001, snap, opts))
	want := map[string]result.Status{"Namespace/calico-system": result.StatusWarn, "Namespace/tigera-operator": result.StatusWarn}
	if !maps.Equal(got, want) {
		t.Errorf("QUOTA-001 without the exemption = %v, want %v", got, want)
	}

	// Exempt, QUOTA-005 lists what it left out beside the namespaces it
	// counts.
	snap.Namespaces = append(snap.Namespaces, checktest.Namespace("apps"))
	snap.ResourceQuotas = []corev1.ResourceQuota{testQuota("apps", "compute", checktest.Resources("pods", "10"), nil, nil)}
	r := checktest.RunOne(t, check.Bind(DefaultOptions(), quota005)[0], snap)
	if r.Status != result.StatusPass || !strings.Contains(r.Message, "infrastructure not counted: calico-system, tigera-operator") {
		t.Errorf("QUOTA-005: %s, want pass over apps, naming the infrastructure left out", checktest.FormatResult(r))
	}
	checktest.WantEvidence(t, r, map[string]any{"total": 1, "infrastructureNamespaces": []string{"calico-system", "tigera-operator"}})
}
