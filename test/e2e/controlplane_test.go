package e2e

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/seaworthy-k8s/seaworthy/checks"
	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/live"
	"github.com/seaworthy-k8s/seaworthy/result"
	"github.com/seaworthy-k8s/seaworthy/test/controlplane"
)

// These tests run the control-plane checks against real control planes:
// several kube-apiservers with their own hostnames sharing an etcd cluster,
// a separate Events etcd, serving certificates about to expire, and an API
// server that authorizes everyone. Each first asserts the raw facts the
// live source collected (identity Leases, /readyz check names, the serving
// certificate's expiry, the anonymous answer), then the check's result,
// evaluated in-process on that snapshot. The tests here do not use the
// CLI, so they run in parallel with each other.

const (
	labelZone         = "topology.kubernetes.io/zone"
	labelControlPlane = "node-role.kubernetes.io/control-plane"
	labelIdentity     = "apiserver.kubernetes.io/identity"
	// apiServerLeaseMaxAge is CP-001's freshness limit for identity Leases.
	apiServerLeaseMaxAge = 60 * time.Second
)

// collectLive reads the cluster behind cfg as `seaworthy audit` does and
// requires a complete read.
func collectLive(t *testing.T, cfg *rest.Config) *cluster.Snapshot {
	t.Helper()
	snap, err := live.Collect(t.Context(), cfg, live.Options{})
	if err != nil {
		t.Fatalf("collect from %s: %v", cfg.Host, err)
	}
	if len(snap.Gaps) != 0 {
		t.Fatalf("the admin's collection from %s has gaps: %v", cfg.Host, snap.Gaps)
	}
	return snap
}

// runCheck evaluates one registered check on snap with the default options.
func runCheck(t *testing.T, snap *cluster.Snapshot, id string) []result.Result {
	t.Helper()
	c, ok := checks.ByID(id)
	if !ok {
		t.Fatalf("check %s not registered", id)
	}
	rs := checks.Run(snap, []check.Check{c})
	if len(rs) == 0 {
		t.Fatalf("%s gave no result", id)
	}
	return rs
}

// oneResult runs a check that reports once per cluster and returns that
// result.
func oneResult(t *testing.T, snap *cluster.Snapshot, id string) result.Result {
	t.Helper()
	rs := runCheck(t, snap, id)
	if len(rs) != 1 {
		t.Fatalf("%s gave %d results, want one for the cluster:\n%s", id, len(rs), describeResults(rs))
	}
	return rs[0]
}

// wantStatus requires r to have status want.
func wantStatus(t *testing.T, r result.Result, want result.Status) {
	t.Helper()
	if r.Status != want {
		t.Errorf("%s is %s, want %s:\n%s", r.Check, r.Status, want, describeResults([]result.Result{r}))
	}
}

// wantSignal requires the result's evidence to name the signal it was
// decided from.
func wantSignal(t *testing.T, r result.Result, signal string) {
	t.Helper()
	if got, _ := r.Evidence["signal"].(string); got != signal {
		t.Errorf("%s decided from signal %q, want %q:\n%s", r.Check, got, signal, describeResults([]result.Result{r}))
	}
}

func describeResults(rs []result.Result) string {
	var b strings.Builder
	for _, r := range rs {
		ev, _ := json.Marshal(r.Evidence)
		fmt.Fprintf(&b, "  %s %s %s: %s evidence=%s\n", r.Check, r.Status, r.Object, r.Message, ev)
	}
	return b.String()
}

// clientset is an admin clientset for one API server.
func clientset(t *testing.T, s *controlplane.APIServer) kubernetes.Interface {
	t.Helper()
	c, err := kubernetes.NewForConfig(s.Admin)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// controlPlaneNode is a Ready control-plane Node named host in zone.
func controlPlaneNode(host, zone string) corev1.Node {
	return corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: host, Labels: map[string]string{
			corev1.LabelHostname: host,
			labelZone:            zone,
			labelControlPlane:    "",
			"kubernetes.io/os":   "linux",
		}},
		Spec: corev1.NodeSpec{Taints: []corev1.Taint{{Key: labelControlPlane, Effect: corev1.TaintEffectNoSchedule}}},
		Status: corev1.NodeStatus{
			Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady"}},
			Capacity: corev1.ResourceList{
				corev1.ResourceCPU:    resource.MustParse("4"),
				corev1.ResourceMemory: resource.MustParse("16Gi"),
				corev1.ResourcePods:   resource.MustParse("110"),
			},
		},
	}
}

// staticPod is the running mirror pod of a kube-system static pod of a
// control-plane component on node, labelled and annotated as kubeadm and
// the kubelet make them, whose container runs command.
func staticPod(component string, node corev1.Node, command []string) corev1.Pod {
	return corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name: component + "-" + node.Name, Namespace: "kube-system",
			Labels: map[string]string{"component": component, "tier": "control-plane"},
			Annotations: map[string]string{
				"kubernetes.io/config.source": "file",
				"kubernetes.io/config.mirror": "0123456789abcdef0123456789abcdef",
			},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: node.Name, UID: node.UID}},
		},
		Spec: corev1.PodSpec{
			NodeName:          node.Name,
			HostNetwork:       true,
			PriorityClassName: "system-node-critical",
			Containers: []corev1.Container{{
				Name: component, Image: "registry.k8s.io/" + component + ":v1.37.2", Command: command,
				Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m")}},
			}},
		},
		Status: corev1.PodStatus{
			Phase:      corev1.PodRunning,
			Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}},
			ContainerStatuses: []corev1.ContainerStatus{{
				Name: component, Ready: true, Image: "registry.k8s.io/" + component + ":v1.37.2",
				State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}},
			}},
		},
	}
}

// createNodes creates nodes (with their status) and returns them as the
// API server holds them, with their UIDs.
func createNodes(t *testing.T, client kubernetes.Interface, nodes ...corev1.Node) []corev1.Node {
	t.Helper()
	loadObjects(t, client, &cluster.Snapshot{Nodes: nodes})
	out := make([]corev1.Node, len(nodes))
	for i, n := range nodes {
		got, err := client.CoreV1().Nodes().Get(t.Context(), n.Name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		out[i] = *got
	}
	return out
}

// loadObjects writes objects into the API server behind client, as a
// fixture load does (with their status).
func loadObjects(t *testing.T, client kubernetes.Interface, snap *cluster.Snapshot) {
	t.Helper()
	if err := controlplane.Load(t.Context(), client, snap, 8); err != nil {
		t.Fatalf("load: %v", err)
	}
}

// identityLeases returns the API server identity Leases of a snapshot by
// the host they name.
func identityLeases(snap *cluster.Snapshot) map[string]coordinationv1.Lease {
	out := map[string]coordinationv1.Lease{}
	for _, l := range snap.Leases {
		if l.Namespace == "kube-system" && l.Labels[labelIdentity] == "kube-apiserver" {
			out[l.Labels[corev1.LabelHostname]] = l
		}
	}
	return out
}

// leaseAge is how long before the snapshot's time the lease was renewed.
func leaseAge(snap *cluster.Snapshot, l coordinationv1.Lease) time.Duration {
	if l.Spec.RenewTime == nil {
		return time.Duration(1<<63 - 1)
	}
	return snap.CollectedAt.Sub(l.Spec.RenewTime.Time)
}

// Three kube-apiservers, each with its own hostname, share a three-member
// etcd cluster; Node objects for those hostnames sit in three zones. CP-001
// passes from the identity Leases; two of the three hosts in one zone warn;
// etcd static pods describing the three members pass ETCD-001, and objects
// for one or two members fail it; after one API server is killed and its
// Lease has aged past 60 s, CP-001 warns; after another shuts down cleanly
// (deleting its Lease), it fails.
func TestLiveControlPlaneHA(t *testing.T) {
	t.Parallel()
	hosts := []string{"cp-a", "cp-b", "cp-c"}
	zones := []string{"zone-a", "zone-b", "zone-c"}
	cp := controlplane.Start(t, controlplane.Options{Hostnames: hosts, EtcdMembers: 3})
	survivor := cp.APIServers[0]
	client := clientset(t, survivor)
	var nodes []corev1.Node
	for i, h := range hosts {
		nodes = append(nodes, controlPlaneNode(h, zones[i]))
	}
	nodes = createNodes(t, client, nodes...)

	t.Run("three API servers in three zones pass CP-001", func(t *testing.T) {
		snap := collectLive(t, survivor.Admin)
		leases := identityLeases(snap)
		if got := sortedKeys(leases); !slices.Equal(got, hosts) {
			t.Fatalf("identity Leases name hosts %v, want %v", got, hosts)
		}
		for h, l := range leases {
			if age := leaseAge(snap, l); age > apiServerLeaseMaxAge {
				t.Errorf("the Lease of running server %s is %s old", h, age)
			}
		}
		r := oneResult(t, snap, "CP-001")
		wantStatus(t, r, result.StatusPass)
		wantSignal(t, r, "identity-leases")
	})

	t.Run("two of three hosts in one zone warn CP-001", func(t *testing.T) {
		setZone(t, client, "cp-b", "zone-a")
		defer setZone(t, client, "cp-b", "zone-b")
		snap := collectLive(t, survivor.Admin)
		if n := len(identityLeases(snap)); n != 3 {
			t.Fatalf("%d identity Leases, want 3", n)
		}
		r := oneResult(t, snap, "CP-001")
		wantStatus(t, r, result.StatusWarn)
		wantSignal(t, r, "identity-leases")
	})

	// The etcd static pods carry the flags the members really run with;
	// objects for fewer members describe a cluster of that size, so their
	// --initial-cluster lists only those members, as kubeadm's would.
	for _, tc := range []struct {
		members int
		want    result.Status
	}{{3, result.StatusPass}, {2, result.StatusFail}, {1, result.StatusFail}} {
		t.Run(fmt.Sprintf("%d etcd static pods: ETCD-001 %s", tc.members, tc.want), func(t *testing.T) {
			pods := etcdPods(cp.Etcd[:tc.members], nodes)
			loadObjects(t, client, &cluster.Snapshot{Pods: pods})
			defer deletePods(t, client, pods)
			snap := collectLive(t, survivor.Admin)
			if got := componentPods(snap, "etcd"); len(got) != tc.members {
				t.Fatalf("the snapshot holds etcd pods %v, want %d", got, tc.members)
			}
			r := oneResult(t, snap, "ETCD-001")
			wantStatus(t, r, tc.want)
			wantSignal(t, r, "etcd-static-pods")
		})
	}

	t.Run("a killed API server's stale Lease warns CP-001", func(t *testing.T) {
		victim := cp.APIServers[2]
		victim.Kill()
		// Its Lease stays, no longer renewed; wait for it to age past the
		// limit.
		l, err := client.CoordinationV1().Leases("kube-system").List(t.Context(), metav1.ListOptions{LabelSelector: corev1.LabelHostname + "=" + victim.Hostname})
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Items) != 1 || l.Items[0].Spec.RenewTime == nil {
			t.Fatalf("the killed server's Leases: %v; want one, kept as a crash leaves it", l.Items)
		}
		time.Sleep(time.Until(l.Items[0].Spec.RenewTime.Add(apiServerLeaseMaxAge + 2*time.Second)))
		snap := collectLive(t, survivor.Admin)
		leases := identityLeases(snap)
		if got := sortedKeys(leases); !slices.Equal(got, hosts) {
			t.Fatalf("identity Leases name hosts %v, want %v (the killed server's kept)", got, hosts)
		}
		for h, l := range leases {
			age := leaseAge(snap, l)
			if stale := age > apiServerLeaseMaxAge; stale != (h == victim.Hostname) {
				t.Errorf("the Lease of %s is %s old at collection", h, age)
			}
		}
		r := oneResult(t, snap, "CP-001")
		wantStatus(t, r, result.StatusWarn)
		wantSignal(t, r, "identity-leases")
	})

	// A server that shuts down cleanly deletes its Lease: one left.
	t.Run("after a clean shutdown of another, CP-001 fails", func(t *testing.T) {
		cp.APIServers[1].Stop()
		snap := collectLive(t, survivor.Admin)
		leases := identityLeases(snap)
		if got := sortedKeys(leases); !slices.Equal(got, []string{"cp-a", "cp-c"}) {
			t.Fatalf("identity Leases name hosts %v, want [cp-a cp-c] (cp-b's deleted on shutdown, cp-c's left by the kill)", got)
		}
		r := oneResult(t, snap, "CP-001")
		wantStatus(t, r, result.StatusFail)
		wantSignal(t, r, "identity-leases")
	})
}

// etcdPods are kubeadm-style static pods for members, on nodes[i] for
// members[i], with --initial-cluster limited to members.
func etcdPods(members []*controlplane.EtcdMember, nodes []corev1.Node) []corev1.Pod {
	var peers []string
	for _, m := range members {
		peers = append(peers, m.Name+"="+m.PeerURL)
	}
	var pods []corev1.Pod
	for i, m := range members {
		cmd := []string{"etcd"}
		for _, a := range m.Args {
			if strings.HasPrefix(a, "--initial-cluster=") {
				a = "--initial-cluster=" + strings.Join(peers, ",")
			}
			cmd = append(cmd, a)
		}
		p := staticPod("etcd", nodes[i], cmd)
		p.Annotations["kubeadm.kubernetes.io/etcd.advertise-client-urls"] = m.ClientURL
		pods = append(pods, p)
	}
	return pods
}

func deletePods(t *testing.T, client kubernetes.Interface, pods []corev1.Pod) {
	t.Helper()
	zero := int64(0)
	for _, p := range pods {
		if err := client.CoreV1().Pods(p.Namespace).Delete(t.Context(), p.Name, metav1.DeleteOptions{GracePeriodSeconds: &zero}); err != nil {
			t.Errorf("delete pod %s: %v", p.Name, err)
		}
	}
}

// componentPods names the snapshot's kube-system pods of a control-plane
// component.
func componentPods(snap *cluster.Snapshot, component string) []string {
	var names []string
	for _, p := range snap.Pods {
		if p.Namespace == "kube-system" && p.Labels["component"] == component && p.Labels["tier"] == "control-plane" {
			names = append(names, p.Name)
		}
	}
	return names
}

func setZone(t *testing.T, client kubernetes.Interface, node, zone string) {
	t.Helper()
	patch := fmt.Sprintf(`{"metadata":{"labels":{%q:%q}}}`, labelZone, zone)
	if _, err := client.CoreV1().Nodes().Patch(t.Context(), node, types.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		t.Fatalf("move node %s to %s: %v", node, zone, err)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// What the API server says about itself decides ETCD-002, CERT-001 and
// SEC-001 when no control-plane pod is visible: /readyz?verbose lists
// etcd-override-0 for a separate Events etcd, the TLS handshake shows when
// the serving certificate expires, and a request without credentials shows
// whether anonymous users are authorized. Each case is its own control
// plane; they start together.
func TestLiveServerProbes(t *testing.T) {
	t.Parallel()
	t.Run("separate Events etcd", func(t *testing.T) {
		t.Parallel()
		cp := controlplane.Start(t, controlplane.Options{EventsEtcd: true})
		s := cp.APIServers[0]
		snap := collectLive(t, s.Admin)
		if !slices.Contains(snap.Server.ReadyzChecks, "etcd-override-0") {
			t.Fatalf("/readyz?verbose lists %v, want etcd-override-0", snap.Server.ReadyzChecks)
		}
		r := oneResult(t, snap, "ETCD-002")
		wantStatus(t, r, result.StatusPass)
		wantSignal(t, r, "readyz")

		// The same server's static pod, with the flags it really runs
		// with, decides it from the flag.
		flag := slices.IndexFunc(s.Args, func(a string) bool { return strings.HasPrefix(a, "--etcd-servers-overrides=/events#") })
		if flag < 0 {
			t.Fatalf("kube-apiserver runs without --etcd-servers-overrides=/events#…: %v", s.Args)
		}
		client := clientset(t, s)
		node := createNodes(t, client, controlPlaneNode("cp-a", "zone-a"))[0]
		loadObjects(t, client, &cluster.Snapshot{
			Pods: []corev1.Pod{staticPod("kube-apiserver", node, append([]string{"kube-apiserver"}, s.Args...))},
		})
		snap = collectLive(t, s.Admin)
		if got := componentPods(snap, "kube-apiserver"); len(got) != 1 {
			t.Fatalf("the snapshot holds kube-apiserver pods %v, want one", got)
		}
		r = oneResult(t, snap, "ETCD-002")
		wantStatus(t, r, result.StatusPass)
		wantSignal(t, r, "kube-apiserver-pod")
		if ev, _ := json.Marshal(r.Evidence); !strings.Contains(string(ev), cp.EventsEtcd.ClientURL) {
			t.Errorf("ETCD-002's evidence does not show the override %s: %s", s.Args[flag], ev)
		}
		wantStatus(t, oneResult(t, snap, "CERT-001"), result.StatusPass)
	})

	t.Run("one etcd, certificate expiring in 20 days, RBAC", func(t *testing.T) {
		t.Parallel()
		cp := controlplane.Start(t, controlplane.Options{ServingCertValidFor: 20 * 24 * time.Hour})
		s := cp.APIServers[0]
		snap := collectLive(t, s.Admin)
		if i := slices.IndexFunc(snap.Server.ReadyzChecks, func(c string) bool { return strings.HasPrefix(c, "etcd-override") }); i >= 0 || !slices.Contains(snap.Server.ReadyzChecks, "etcd") {
			t.Fatalf("/readyz?verbose lists %v, want etcd and no etcd-override", snap.Server.ReadyzChecks)
		}
		wantExpiry(t, snap, 20*24*time.Hour)
		if a := snap.Server.Anonymous; a == nil || a.StatusCode != 403 {
			t.Errorf("anonymous GET /api answered %+v, want 403 (anonymous auth on, RBAC grants it nothing there)", a)
		}
		if r := oneResult(t, snap, "ETCD-002"); r.Status == result.StatusPass {
			t.Errorf("ETCD-002 passes without a separate Events etcd:\n%s", describeResults([]result.Result{r}))
		}
		wantStatus(t, oneResult(t, snap, "CERT-001"), result.StatusWarn)
		if r := oneResult(t, snap, "SEC-001"); r.Status == result.StatusFail {
			t.Errorf("SEC-001 fails on Node,RBAC:\n%s", describeResults([]result.Result{r}))
		}
	})

	t.Run("certificate expiring in 5 days", func(t *testing.T) {
		t.Parallel()
		cp := controlplane.Start(t, controlplane.Options{ServingCertValidFor: 5 * 24 * time.Hour})
		snap := collectLive(t, cp.APIServers[0].Admin)
		wantExpiry(t, snap, 5*24*time.Hour)
		wantStatus(t, oneResult(t, snap, "CERT-001"), result.StatusFail)
	})

	t.Run("AlwaysAllow authorization config", func(t *testing.T) {
		t.Parallel()
		cp := controlplane.Start(t, controlplane.Options{AuthorizationConfig: `apiVersion: apiserver.config.k8s.io/v1
kind: AuthorizationConfiguration
authorizers:
- type: AlwaysAllow
  name: alwaysallow
`})
		snap := collectLive(t, cp.APIServers[0].Admin)
		if a := snap.Server.Anonymous; a == nil || a.StatusCode != 200 || a.Path != "/api" {
			t.Fatalf("anonymous probe %+v, want 200 on /api", a)
		}
		r := oneResult(t, snap, "SEC-001")
		wantStatus(t, r, result.StatusFail)
		wantSignal(t, r, "anonymous-probe")
	})

	// kube-apiserver turns anonymous authentication off when its
	// --authorization-mode includes AlwaysAllow, so the probe sees 401 and
	// cannot tell; the static pod's flags can.
	t.Run("AlwaysAllow mode", func(t *testing.T) {
		t.Parallel()
		cp := controlplane.Start(t, controlplane.Options{AuthorizationMode: "AlwaysAllow"})
		s := cp.APIServers[0]
		snap := collectLive(t, s.Admin)
		if a := snap.Server.Anonymous; a == nil || a.StatusCode != 401 || a.Path != "/api" {
			t.Fatalf("anonymous probe %+v, want 401 on /api", a)
		}
		if r := oneResult(t, snap, "SEC-001"); r.Status == result.StatusPass {
			t.Errorf("SEC-001 passes an AlwaysAllow server:\n%s", describeResults([]result.Result{r}))
		}
		client := clientset(t, s)
		node := createNodes(t, client, controlPlaneNode("cp-a", "zone-a"))[0]
		loadObjects(t, client, &cluster.Snapshot{
			Pods: []corev1.Pod{staticPod("kube-apiserver", node, append([]string{"kube-apiserver"}, s.Args...))},
		})
		snap = collectLive(t, s.Admin)
		r := oneResult(t, snap, "SEC-001")
		wantStatus(t, r, result.StatusFail)
		wantSignal(t, r, "kube-apiserver-pod")
	})
}

// wantExpiry requires the collected serving certificate to expire about
// validFor after the snapshot's time.
func wantExpiry(t *testing.T, snap *cluster.Snapshot, validFor time.Duration) {
	t.Helper()
	c := snap.Server.ServingCert
	if c == nil {
		t.Fatal("no serving certificate collected")
	}
	want := snap.CollectedAt.Add(validFor)
	if d := c.NotAfter.Sub(want); d < -time.Hour || d > time.Hour {
		t.Errorf("serving certificate expires %s, want about %s", c.NotAfter, want)
	}
}
