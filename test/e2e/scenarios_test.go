package e2e

import (
	"path/filepath"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/checks"
	"github.com/seaworthy-k8s/seaworthy/result"
)

const scenarioNow = "2026-03-01T12:00:00Z"

// scenarioHeadlines are the results each scenario cluster exists to show
// (see the comments in its files), as "CHECK status namespace/name", and
// the statuses no result of it may have.
type scenarioHeadline struct {
	want   []string
	forbid []result.Status
}

var scenarioHeadlines = map[string]scenarioHeadline{
	"demo": {want: []string{
		"QUOTA-003 fail payments/compute",
		"QUOTA-003 warn checkout/compute",
		"QUOTA-004 warn /monitoring",
		"QUOTA-001 warn /search",
		"DNS-001 pass kube-system/coredns",
		"DNS-003 warn kube-system/coredns",
		"DNS-004 warn kube-system/coredns",
		"CP-001 warn /",
		"CP-002 pass kube-system/kube-controller-manager",
		"CP-002 fail kube-system/kube-scheduler",
		"CP-003 skip /",
		"CP-004 info /",
		"ETCD-001 pass /",
		"ETCD-003 fail /",
		"RBAC-001 fail /ci-deployer-admin",
		"RBAC-004 warn /metrics-agent",
		"RBAC-007 warn checkout/config-reader",
		"RBAC-009 pass /",
		"SEC-001 pass kube-system/kube-apiserver-cp-a",
		"SEC-001 fail kube-system/kube-apiserver-cp-c",
		"NODE-004 fail /worker-c-1",
		"ADM-001 warn /ingress-nginx-admission",
		"ADDON-002 warn kube-system/coredns",
		"NET-001 fail checkout/storefront",
		"NET-001 fail payments/payments",
		"NET-002 fail payments/payments",
		"NET-002 pass checkout/storefront",
		"NET-003 pass /nginx",
		"NET-004 warn checkout/storefront",
		"WL-001 warn monitoring/prometheus",
		"WL-002 warn payments/ledger",
		"WL-002 warn search/search-indexer",
		"WL-003 warn payments/payments-api",
		"WL-005 warn search/search-indexer",
		"WL-008 warn payments/payments-api",
		"OBS-003 info monitoring/prometheus",
		"SCALE-001 warn /",
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
			"CP-001 fail /",
			"CP-002 pass kube-system/kube-controller-manager",
			"CP-002 pass kube-system/kube-scheduler",
			"CP-003 info kube-system/kubeadm-config",
			"CP-004 info /",
			"ETCD-001 fail /",
			"ETCD-002 info /",
			"ETCD-003 fail /",
			"SEC-001 pass kube-system/kube-apiserver-lab-1",
			"SEC-002 info kube-system/kube-apiserver-lab-1",
			"NET-005 warn kube-system/ingress-nginx-controller",
			"NET-006 fail kube-system/ingress-nginx-controller",
			"NET-007 warn guestbook/guestbook",
			"NET-008 fail guestbook/guestbook-canary",
			"NET-008 fail guestbook/guestbook-beta",
			"SCALE-004 fail guestbook/frontend",
			// The only skip: the serving certificate needs a live TLS
			// handshake.
			"CERT-001 skip /",
			"ADDON-004 warn kube-system/metrics-server",
			"NODE-007 warn /",
			"WL-014 warn guestbook/loadgen",
			"ADM-005 warn /cron-policy",
		},
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
			"CP-001 pass /",
			"CP-002 pass kube-system/kube-controller-manager",
			"CP-002 pass kube-system/kube-scheduler",
			"CP-003 pass kube-system/kubeadm-config",
			"ETCD-001 pass /",
			"ETCD-002 pass /",
			"ETCD-003 pass kube-system/etcd-backup",
			"SEC-001 pass kube-system/kube-apiserver-cp-a",
			"SEC-002 pass kube-system/kube-apiserver-cp-a",
			"WL-001 pass /",
			"WL-002 pass /",
			"WL-003 pass /",
			"WL-004 pass /",
			"WL-005 pass /",
			"WL-006 pass /",
			"WL-007 pass /",
			"WL-008 pass /",
			"WL-009 pass /",
			"WL-010 pass /",
			"WL-011 pass /",
			"WL-012 pass /",
			"WL-013 pass /",
			"ADDON-002 pass /",
			"ADDON-003 pass /",
			"OBS-001 pass /v1beta1.metrics.k8s.io",
			"OBS-002 info /",
			"OBS-003 info monitoring/prometheus",
			// Info and skip appear only where they must: CP-004 always
			// reports the platform as info, and CERT-001 needs a live TLS
			// handshake.
			"CP-004 info /",
			"CERT-001 skip /",
		},
		forbid: []result.Status{result.StatusFail, result.StatusWarn, result.StatusNA},
	},
	"kubeadm-stacked": {
		want: []string{
			"CP-001 pass /",
			"CP-002 pass kube-system/kube-controller-manager",
			"CP-002 pass kube-system/kube-scheduler",
			"CP-003 pass kube-system/kubeadm-config",
			"CP-004 info /",
			"ETCD-001 pass /",
			"ETCD-002 info /",
			"ETCD-003 warn kube-system/etcd-backup",
			"SEC-001 pass kube-system/kube-apiserver-cp-1",
			"SEC-002 info kube-system/kube-apiserver-cp-1",
			"OBS-001 pass /v1beta1.metrics.k8s.io",
		},
		forbid: []result.Status{result.StatusFail, result.StatusNA},
	},
	"kubeadm-external": {
		want: []string{
			"CP-001 pass /",
			"CP-003 warn kube-system/kubeadm-config",
			"CP-004 info /",
			"ETCD-001 info /",
			"ETCD-002 pass /",
			"ETCD-003 fail etcd-backup/etcd-snapshot",
			"SEC-001 warn kube-system/kube-apiserver-k8s-cp-01",
			"SEC-002 info kube-system/kube-apiserver-k8s-cp-01",
			"OBS-001 pass /v1beta1.metrics.k8s.io",
		},
		forbid: []result.Status{result.StatusNA},
	},
	"kops": {
		want: []string{
			"CP-001 pass /",
			"CP-002 pass kube-system/kube-scheduler",
			"CP-003 skip /",
			"CP-004 info /",
			"ETCD-001 pass /",
			"ETCD-002 pass /",
			"ETCD-003 info kube-system/etcd-manager-main-i-0a3d9e1f7a2b6c4aa",
			"ETCD-003 info kube-system/etcd-manager-events-i-0a3d9e1f7a2b6c4aa",
			"SEC-001 pass kube-system/kube-apiserver-i-0a3d9e1f7a2b6c4aa",
			"SEC-002 pass kube-system/kube-apiserver-i-0a3d9e1f7a2b6c4aa",
			"OBS-001 pass /v1beta1.metrics.k8s.io",
		},
		forbid: []result.Status{result.StatusFail, result.StatusNA},
	},
	"k3s": {
		want: []string{
			"CP-001 warn /",
			"CP-002 pass kube-system/kube-controller-manager",
			"CP-003 na /",
			"CP-004 info /",
			"ETCD-001 warn /",
			"ETCD-002 info /",
			"ETCD-003 pass /",
			"SEC-001 pass /k3s-server-1",
			"SEC-002 pass /k3s-server-1",
		},
		forbid: []result.Status{result.StatusFail},
	},
	"eks": managedHeadlines,
	"gke": managedHeadlines,
	"aks": managedHeadlines,
}

// managedHeadlines are what a managed control plane (EKS, GKE, AKS) shows:
// na for what the provider runs, the platform as info, and no false alarm.
var managedHeadlines = scenarioHeadline{
	want: []string{
		"CP-001 na /",
		"CP-002 na kube-system/kube-controller-manager",
		"CP-002 na kube-system/kube-scheduler",
		"CP-003 na /",
		"CP-004 info /",
		"ETCD-001 na /",
		"ETCD-002 na /",
		"ETCD-003 na /",
		"SEC-001 na /",
		"SEC-002 na /",
		"CERT-001 skip /",
	},
	forbid: []result.Status{result.StatusFail, result.StatusWarn},
}

// naWithoutObjects are the checks that judge optional objects (admission
// webhooks, aggregated APIServices, Ingresses) and are na in a cluster that has none,
// even where a scenario otherwise forbids na. APIServices cannot be part of
// a scenario: the live server's availability controller writes their
// status (see controlplane.LoadWithOptions).
//
// ADDON-001 judges optional add-ons too (metrics-server, ingress
// controllers), and is na in a cluster that runs none in kube-system.
var naWithoutObjects = map[string]bool{"ADM-001": true, "ADM-002": true, "ADM-003": true, "ADM-004": true, "ADM-005": true, "ADDON-001": true,
	"NET-001": true, "NET-002": true, "NET-003": true, "NET-004": true,
	"NET-005": true, "NET-006": true, "NET-007": true, "NET-008": true, "NET-009": true,
	// No cloud, no node-group labels, no node autoscaler, no VPA.
	"SCALE-001": true, "SCALE-002": true, "SCALE-003": true, "SCALE-004": true}

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
				if slices.Contains(h.forbid, r.Status) && !(r.Status == result.StatusNA && naWithoutObjects[r.Check]) {
					t.Errorf("unexpected %s", r)
				}
			}
			for _, w := range h.want {
				if !got[w] {
					t.Errorf("missing result %q", w)
				}
			}
			for _, c := range checks.Catalog() {
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
