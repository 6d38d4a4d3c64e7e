package controlplane

import (
	"time"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// Category is the catalog category of the CP checks.
const Category = "Control plane"

// Options are the control-plane checks' thresholds.
type Options struct {
	// APIServerLeaseMaxAge is how recently an API server identity Lease must
	// have been renewed (before the snapshot time) for CP-001 to count it.
	APIServerLeaseMaxAge time.Duration `json:"apiServerLeaseMaxAge"`
	// LeaderLeaseMaxAge is the age past which CP-002 calls a
	// kube-controller-manager or kube-scheduler leader Lease stale.
	LeaderLeaseMaxAge time.Duration `json:"leaderLeaseMaxAge"`
	// MinZones is how many failure zones the API servers must span
	// (CP-001), and MaxPerZone the most of them one zone may hold.
	MinZones   int `json:"minZones"`
	MaxPerZone int `json:"maxPerZone"`
}

// DefaultOptions returns the documented defaults: leases renewed within
// 60 s, API servers in at least 3 zones with at most 2 per zone.
func DefaultOptions() Options {
	return Options{
		APIServerLeaseMaxAge: 60 * time.Second,
		LeaderLeaseMaxAge:    60 * time.Second,
		MinZones:             3,
		MaxPerZone:           2,
	}
}

// Checks returns the control-plane checks in ID order, evaluating with o.
func Checks(o Options) []check.Check {
	return check.Bind(o, cp001, cp002, cp003, cp004)
}

var cp001 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "CP-001",
		Title:    "API servers are highly available across failure zones",
		Category: Category,
		Rule: "Live API servers are counted from, strongest signal first: kube-system Leases labelled " +
			"apiserver.kubernetes.io/identity=kube-apiserver (or the 1.26 label k8s.io/component=kube-apiserver) renewed within " +
			"APIServerLeaseMaxAge (default 60 s) of the snapshot time, each placed on the Node named by its kubernetes.io/hostname label; " +
			"else running kube-system pods labelled component=kube-apiserver (or k8s-app=kube-apiserver), on their node; " +
			"else Ready nodes labelled node-role.kubernetes.io/control-plane (or the legacy master labels). " +
			"A node's zone is topology.kubernetes.io/zone, else failure-domain.beta.kubernetes.io/zone. " +
			"1 API server → fail; 2 → warn; 3 or more in fewer than MinZones (default 3) zones, on nodes without a zone label, " +
			"or more than MaxPerZone (default 2) in one zone → warn; API server hosts that are not nodes of the cluster → info " +
			"(their zones are not visible); otherwise pass. Identity leases that exist but are all stale with no other signal → skip " +
			"(the input's time is probably not when it was collected). Managed control plane (EKS, GKE, AKS, …) → na.",
		Rationale: "Every kubectl call, controller, kubelet and admission webhook goes through the API servers. With one, a reboot or " +
			"node failure stops the cluster from changing at all; with all of them in one zone, a zone outage does the same.",
		Remediation: "Run at least three API servers (kubeadm join --control-plane, more kops master instance groups, k3s/rke2 server nodes), " +
			"one or two per zone in three zones, behind a load-balanced endpoint (see CP-003).",
	},
	Needs: []cluster.Kind{cluster.KindNodes},
	Eval:  evalCP001,
}

var cp002 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "CP-002",
		Title:    "Controller manager and scheduler hold a fresh leader lease",
		Category: Category,
		Rule: "On a self-managed control plane the Leases kube-system/kube-controller-manager and kube-system/kube-scheduler " +
			"(openshift-kube-scheduler/kube-scheduler on OpenShift) must exist and have been renewed within LeaderLeaseMaxAge " +
			"(default 60 s) of the snapshot time; missing or stale → fail. When the component's pods run with --leader-elect=false " +
			"and there is no lease: one pod → info, several → fail. Managed control plane → na. " +
			"Controllers write these Leases at run time, so manifests carry them only when dumped from a live cluster: " +
			"on manifest input (or a snapshot file written from manifests) that holds neither leader Lease, a missing one → skip; " +
			"a live read (or a snapshot file of one) without the Lease still fails.",
		Rationale: "The controller manager runs every built-in controller (Deployments, Jobs, node lifecycle, service accounts) and the scheduler " +
			"places every pod. A leader lease that is not renewed means no instance is acting: new pods stay Pending, " +
			"ReplicaSets are not reconciled and dead nodes are not evicted.",
		Remediation: "Check the kube-controller-manager and kube-scheduler pods or services on the control-plane nodes " +
			"(crictl ps, journalctl, their logs): they must be running and able to reach the API server with valid credentials.",
	},
	Needs: []cluster.Kind{cluster.KindNodes, cluster.KindLeases},
	Eval:  evalCP002,
}

var cp003 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "CP-003",
		Title:    "Several API servers share a load-balanced endpoint",
		Category: Category,
		Rule: "With two or more API servers (counted as in CP-001), kubeadm's kube-system/kubeadm-config ClusterConfiguration " +
			"(v1beta3 or v1beta4) must set controlPlaneEndpoint; empty → warn, and an endpoint that is one control-plane node's own " +
			"name or address → warn. One API server: endpoint set → pass, empty → info (set it before adding control-plane nodes). " +
			"k3s and rke2 → na (agents balance over every server themselves). No kubeadm-config on other self-managed platforms → skip. " +
			"Managed control plane → na.",
		Rationale: "Kubelets, kube-proxy and kubeconfigs hold a single server address. If it is one control-plane node, losing that node " +
			"cuts every client off even though the other API servers are healthy.",
		Remediation: "Put a load balancer, VIP (kube-vip, keepalived) or DNS name in front of all API servers and set it as " +
			"controlPlaneEndpoint in the kubeadm ClusterConfiguration (kubeadm init --control-plane-endpoint); the API server certificate " +
			"must include that name.",
	},
	Needs: []cluster.Kind{cluster.KindNodes},
	Eval:  evalCP003,
}

var cp004 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "CP-004",
		Title:    "Platform detection",
		Category: Category,
		Rule: "Always info. The platform (eks, gke, aks, doks, lke, oke, k3s, rke2, openshift, kops, kubeadm or unknown) is decided from, " +
			"strongest first: the server gitVersion (-eks-, -gke., +k3s, +rke2), an OpenShift ClusterVersion, k3s:// or rke2:// node " +
			"provider IDs, k3s/rke2 node-args annotations, provider node labels (eks.amazonaws.com/, cloud.google.com/gke-, " +
			"kubernetes.azure.com/, kops.k8s.io/instancegroup, …), kops etcd-manager pods, kubeadm's ConfigMap and annotations, " +
			"and cloud provider IDs (aws://, gce://, azure://) only when no control plane is visible. The control plane is managed " +
			"when a managed provider is named and no control-plane node or static control-plane pod is visible.",
		Rationale: "Which checks apply depends on who runs the control plane: on EKS, GKE or AKS the provider runs the API servers and etcd, " +
			"so their availability and backups are the provider's to guarantee and yours to verify in its settings.",
		Remediation: "Nothing to fix; if the platform is wrong or unknown, the evidence says which signals were seen.",
	},
	Eval: evalCP004,
}
