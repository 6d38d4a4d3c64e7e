package e2e

import (
	"path/filepath"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/checks"
)

const scenarioNow = "2026-03-01T12:00:00Z"

// scenarioHeadlines are the results each scenario cluster exists to show
// (see the comments in its files), as "CHECK status namespace/name", and
// the statuses no result of it may have.
var scenarioHeadlines = map[string]struct {
	want   []string
	forbid []checks.Status
}{
	"demo": {want: []string{
		"QUOTA-003 fail payments/compute",
		"QUOTA-003 warn checkout/compute",
		"QUOTA-004 warn /monitoring",
		"QUOTA-001 warn /search",
		"DNS-001 pass kube-system/coredns",
		"DNS-003 warn kube-system/coredns",
		"DNS-004 warn kube-system/coredns",
	}},
	"lab": {
		want: []string{
			"DNS-001 fail kube-system/coredns",
			"DNS-002 pass kube-system/coredns",
			"DNS-003 info kube-system/coredns",
			"DNS-004 warn kube-system/coredns",
			"DNS-005 pass kube-system/coredns",
			"QUOTA-001 warn /default",
			"QUOTA-001 warn /guestbook",
			"QUOTA-002 warn /dev",
			"QUOTA-003 na /",
			"QUOTA-004 na /",
			"QUOTA-005 fail /",
		},
		forbid: []checks.Status{checks.StatusSkip},
	},
	"healthy": {
		want: []string{
			"DNS-001 pass kube-system/coredns",
			"DNS-002 pass kube-system/coredns",
			"DNS-003 pass kube-system/coredns",
			"DNS-004 pass kube-system/coredns",
			"DNS-005 pass kube-system/coredns",
			"DNS-006 pass kube-system/coredns",
			"QUOTA-001 pass /default",
			"QUOTA-003 pass payments/compute",
			"QUOTA-004 pass /monitoring",
			"QUOTA-005 pass /",
		},
		forbid: []checks.Status{checks.StatusFail, checks.StatusWarn, checks.StatusInfo, checks.StatusSkip, checks.StatusNA},
	},
}

// Each scenario cluster, audited offline, shows what it was built to show.
func TestScenarioHeadlines(t *testing.T) {
	for _, dir := range scenarioDirs(t) {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			h, ok := scenarioHeadlines[name]
			if !ok {
				t.Fatalf("scenario %s has no headline results here; say what it plants", name)
			}
			rep := audit(t, "-f", dir, "--now", scenarioNow)
			got := map[string]bool{}
			ran := map[string]bool{}
			for _, r := range rep.Results {
				got[r.Check+" "+string(r.Status)+" "+r.Object.Namespace+"/"+r.Object.Name] = true
				ran[r.Check] = true
				if slices.Contains(h.forbid, r.Status) {
					t.Errorf("unexpected %s", r)
				}
			}
			for _, w := range h.want {
				if !got[w] {
					t.Errorf("missing result %q", w)
				}
			}
			for _, c := range checks.All() {
				if !ran[c.ID] {
					t.Errorf("%s reported nothing", c.ID)
				}
			}
			if len(rep.Gaps) != 0 {
				t.Errorf("gaps: %v", rep.Gaps)
			}
		})
	}
}

// A live API server always has the four default namespaces; a scenario that
// did not declare them would audit differently live and offline.
func TestScenariosDeclareDefaultNamespaces(t *testing.T) {
	for _, dir := range scenarioDirs(t) {
		s := loadFixture(t, dir)
		for _, ns := range []string{"default", "kube-system", "kube-public", "kube-node-lease"} {
			if !slices.ContainsFunc(s.Namespaces, func(n corev1.Namespace) bool { return n.Name == ns }) {
				t.Errorf("%s does not declare namespace %s", dir, ns)
			}
		}
	}
}
