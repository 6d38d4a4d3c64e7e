package node

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// fixtureLines runs check id on testdata fixture file and renders each
// result as "status Object: message".
func fixtureLines(t *testing.T, id, file string) []string {
	t.Helper()
	return checktest.FixtureLines(t, Checks(DefaultOptions()), id, file)
}

// TestFixtureMessages pins the exact results of each node check on its
// fixtures: the words a reader sees, the status and the object.
func TestFixtureMessages(t *testing.T) {
	tests := []struct {
		id, file string
		want     []string
	}{
		{"NODE-001", "pass-all-ready.yaml", []string{
			"pass (cluster): All 3 nodes with a Ready condition are Ready.",
		}},
		{"NODE-001", "fail-not-ready.yaml", []string{
			// 12:00 - 11:40 = 20m > 5m grace
			"fail Node/w-b: Node w-b has been not Ready (Ready Unknown, reason NodeStatusUnknown) for 20m (grace 5m): it takes no new pods, its pods have been or are being evicted, and the cluster runs short of that node's capacity.",
			"warn Node/w-c: Node w-c is not Ready (Ready False, reason KubeletNotReady) and its condition has no lastTransitionTime, so how long it has been down is not known: it takes no new pods, and its pods are evicted after the eviction timeout.",
		}},
		{"NODE-001", "pass-within-grace.yaml", []string{
			"info Node/w-b: Node w-b turned not Ready (Ready False, reason KubeletNotReady) 2m ago, within the 5m grace period (a reboot or upgrade); it fails if it stays down.",
		}},
		{"NODE-001", "skip-no-status.yaml", []string{
			"skip (cluster): None of the input's 2 nodes carries status conditions (hand-written Node objects), so node health is not known; audit the live cluster or a kubectl get nodes -o yaml dump.",
		}},
		{"NODE-001", "skip-manifests-no-nodes.yaml", []string{
			"skip (cluster): not evaluated: nodes not-in-input (the manifests hold no Node objects, so there is no whole-cluster context)",
		}},
		{"NODE-002", "pass-no-pressure.yaml", []string{
			"pass (cluster): No node of 3 reports memory, disk or PID pressure.",
		}},
		{"NODE-002", "fail-pressure.yaml", []string{
			"warn Node/w-b: Node w-b reports MemoryPressure, reason KubeletHasInsufficientMemory; DiskPressure, reason KubeletHasDiskPressure: it is tainted against new pods and its kubelet evicts running pods to reclaim the resource.",
			"warn Node/w-c: Node w-c reports PIDPressure, reason KubeletHasInsufficientPID: it is tainted against new pods and its kubelet evicts running pods to reclaim the resource.",
		}},
		{"NODE-003", "pass-routes-created.yaml", []string{
			"pass (cluster): No node of 3 reports NetworkUnavailable.",
		}},
		{"NODE-003", "fail-no-route.yaml", []string{
			"fail Node/w-b: Node w-b reports NetworkUnavailable, reason NoRouteCreated: its pod network is not configured, so it takes no new pods and its pods cannot reach the rest of the cluster.",
		}},
		{"NODE-004", "pass-fresh.yaml", []string{
			"pass (cluster): All 2 nodes renewed their heartbeat Lease in time.",
		}},
		{"NODE-004", "fail-stale.yaml", []string{
			// 12:00:00 - 11:57:00 = 3m > 1.5 × 40s = 60s
			"fail Node/w-b: Node w-b's heartbeat Lease was last renewed 3m ago (limit 1m): its kubelet has stopped reporting. The node still shows Ready: the node controller will mark it Unknown and evict its pods.",
			"warn Node/w-c: Node w-c has no Lease in kube-node-lease: its kubelet has never sent a heartbeat Lease (not running, or never registered), so the node's health rests on status updates alone.",
			"fail Node/w-d: Node w-d's heartbeat Lease has never been renewed: its kubelet is not reporting.",
		}},
		{"NODE-004", "skip-manifests-no-leases.yaml", []string{
			"skip (cluster): The manifests hold no Lease in kube-node-lease: node heartbeats are written by running kubelets, so their absence from files says nothing; audit the live cluster.",
		}},
		{"NODE-004", "skip-renewed-after-now.yaml", []string{
			"skip Node/w-a: Node w-a's heartbeat Lease was renewed 59m after the snapshot time, so its freshness cannot be judged: the snapshot's time (--now) is earlier than its data.",
		}},
		{"NODE-005", "pass-one-in-ten.yaml", []string{
			"pass (cluster): 1 of 10 nodes (10%) is cordoned, within 10%: w-10.",
		}},
		{"NODE-005", "fail-upgrade-left-cordoned.yaml", []string{
			// 3/8 = 37.5% > 10%
			"warn (cluster): 3 of 8 nodes (37.5%) are cordoned, more than 10%: w-6, w-7, w-8. They take no new pods, so the cluster has that much less room for rollouts, scale-ups and rescheduling after a failure.",
		}},
		{"NODE-006", "pass-within-skew.yaml", []string{
			"pass (cluster): Every kubelet (v1.35.1-eks-a737599, v1.36.5, v1.37.2) is within 3 minor versions of the API server v1.37.2 and not newer.",
		}},
		{"NODE-006", "pass-at-limit-info.yaml", []string{
			// 37 - 34 = 3 = the most allowed from 1.28
			"info (cluster): 1 node (w-b) runs kubelet v1.34.9, 3 minor versions behind the API server v1.37.2, the most supported: upgrade them before the next control-plane upgrade.",
		}},
		{"NODE-006", "fail-too-old.yaml", []string{
			// 37 - 33 = 4 > 3
			"fail (cluster): 2 nodes (w-b, w-c) run kubelet v1.33.4, 4 minor versions behind the API server v1.37.2 (at most 3 are supported): the pair is untested and may break.",
		}},
		{"NODE-006", "fail-newer.yaml", []string{
			"fail (cluster): 1 node (w-b) runs kubelet v1.37.0+k3s1, newer than the API server v1.36.1+k3s1: a kubelet must never be newer than kube-apiserver, and it may call APIs the server does not serve.",
		}},
		{"NODE-006", "fail-old-server-two-minors.yaml", []string{
			// before 1.28 the policy allowed two minors: 27 - 24 = 3 > 2
			"fail (cluster): 1 node (w-b) runs kubelet v1.24.17, 3 minor versions behind the API server v1.27.9 (at most 2 are supported): the pair is untested and may break.",
		}},
		{"NODE-006", "skip-manifests.yaml", []string{
			"skip (cluster): The API server's version is not known (the input is manifests, not a live cluster), so kubelet skew cannot be judged; audit the live cluster.",
		}},
		{"NODE-007", "pass-small.yaml", []string{
			"pass (cluster): The cluster has 2 nodes, 0% of the 5000 Kubernetes is tested for.",
			"pass (cluster): The cluster has 3 pods, 0% of the 150000 Kubernetes is tested for.",
			"pass (cluster): The cluster has 6 containers, 0% of the 300000 Kubernetes is tested for.",
			// w-a: 2/110 = 1.8%
			"pass (cluster): Pods per node: the fullest node, w-a, holds 2 of 110 pods (1.8%), below 80%.",
			"pass (cluster): Pods capacity: no node allows more than the 110 pods per node Kubernetes is tested for.",
		}},
		{"NODE-007", "fail-node-full.yaml", []string{
			"pass (cluster): The cluster has 2 nodes, 0% of the 5000 Kubernetes is tested for.",
			"pass (cluster): The cluster has 10 pods, 0% of the 150000 Kubernetes is tested for.",
			"pass (cluster): The cluster has 20 containers, 0% of the 300000 Kubernetes is tested for.",
			// 9/10 = 90% >= 80%; the Succeeded and Failed pods are not counted
			"warn (cluster): Pods per node: 1 node is at 80% of its pod limit or more (w-small 9/10): it has no room for a rollout's surge or a failed node's pods.",
			"pass (cluster): Pods capacity: no node allows more than the 110 pods per node Kubernetes is tested for.",
		}},
		{"NODE-007", "fail-maxpods-self-managed.yaml", []string{
			"pass (cluster): The cluster has 3 nodes, 0.1% of the 5000 Kubernetes is tested for.",
			"pass (cluster): The cluster has 1 pods, 0% of the 150000 Kubernetes is tested for.",
			"pass (cluster): The cluster has 1 containers, 0% of the 300000 Kubernetes is tested for.",
			"pass (cluster): Pods per node: the fullest node, w-b, holds 1 of 200 pods (0.5%), below 80%.",
			// w-a at 110 is not above 110; the largest first
			"warn (cluster): Pods capacity: 2 nodes allow more than the 110 pods per node Kubernetes is tested for (maxPods: w-c 250, w-b 200): beyond that the kubelet's pod lifecycle events, the container runtime and the CNI's per-node address range are untested; keep maxPods at 110 unless the nodes' resources and address range were sized and tested for more.",
		}},
		{"NODE-007", "pass-maxpods-eks.yaml", []string{
			"pass (cluster): The cluster has 1 nodes, 0% of the 5000 Kubernetes is tested for.",
			"pass (cluster): The cluster has 1 pods, 0% of the 150000 Kubernetes is tested for.",
			"pass (cluster): The cluster has 1 containers, 0% of the 300000 Kubernetes is tested for.",
			"pass (cluster): Pods per node: the fullest node, ip-10-0-1-10.eu-west-1.compute.internal, holds 1 of 250 pods (0.4%), below 80%.",
			"info (cluster): Pods capacity: 1 node allows more than the 110 pods per node Kubernetes is tested for (maxPods: ip-10-0-1-10.eu-west-1.compute.internal 250); on eks that is a provider setting it tests, but each pod adds kubelet and runtime work and takes an address from the node's range, so watch the nodes' pod-start latency.",
		}},
		{"NODE-008", "pass-three-zones.yaml", []string{
			"pass (cluster): Workers span 3 zones (eu-west-1a, eu-west-1b, eu-west-1c).",
		}},
		{"NODE-008", "fail-workers-one-zone.yaml", []string{
			"warn (cluster): All zoned workers are in eu-west-1a while the control plane spans eu-west-1a, eu-west-1b, eu-west-1c: an outage of eu-west-1a stops every workload although the control plane survives it.",
		}},
		{"NODE-008", "pass-single-zone-info.yaml", []string{
			"info (cluster): All zoned workers are in eu-west-1a and the control plane is there too: the cluster shares one failure domain, so a zone outage takes everything down.",
		}},
		{"NODE-008", "pass-unzoned-na.yaml", []string{
			"na (cluster): None of 2 schedulable workers carries a zone label: the cluster is one failure domain, or its nodes are unlabelled; verify which with your infrastructure.",
		}},
		{"NODE-009", "pass-balanced.yaml", []string{
			"pass (cluster): Each of 3 zones' rescheduled pods fits in the free allocatable of the others (eu-west-1a, eu-west-1b, eu-west-1c), by the sum of requests.",
		}},
		{"NODE-009", "fail-uneven.yaml", []string{
			// moving(1a) = 10 + 10 cpu, 20Gi + 20Gi (the DaemonSet pod stays);
			// spare(1a) = 1b's 4 - 1 cpu, 16Gi - 2Gi
			"warn (cluster): If zone eu-west-1a fails, its pods do not fit in the other zones (cpu 20 requested, 3 free elsewhere; memory 40Gi requested, 14Gi free elsewhere): some of them stay Pending until the zone returns.",
		}},
		{"NODE-010", "pass-daemonset.yaml", []string{
			"pass DaemonSet/kube-system/node-problem-detector: node-problem-detector runs as DaemonSet kube-system/node-problem-detector.",
		}},
		{"NODE-010", "pass-host-conditions.yaml", []string{
			"pass (cluster): Node w-a reports the KernelDeadlock condition, which only a node problem detector sets: one runs on the host.",
		}},
		{"NODE-010", "info-none.yaml", []string{
			"info (cluster): No node problem detector was found (no node-problem-detector DaemonSet, no node reporting its conditions): kernel, filesystem and runtime faults leave nodes Ready while their pods fail; consider deploying one.",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.id+"/"+tt.file, func(t *testing.T) {
			got := fixtureLines(t, tt.id, tt.file)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestEnvelopeLimits shows each cluster-wide dimension at its three
// verdicts, with limits scaled down to the fixture, and the skip of the pod
// dimensions on manifests without pods.
func TestEnvelopeLimits(t *testing.T) {
	path := filepath.Join("..", "testdata", "NODE-007", "fail-node-full.yaml")
	o := DefaultOptions()
	o.EnvelopeNodes, o.EnvelopePods, o.EnvelopeContainers = 2, 12, 19
	c := checktest.ByID(t, Checks(o), "NODE-007")
	rs := check.Run(checktest.LoadFixture(t, path, checktest.Now), []check.Check{c})
	var got []string
	for _, r := range rs[:3] {
		got = append(got, string(r.Status)+": "+r.Message)
	}
	want := []string{
		// 2 of 2 = 100%: at the limit is not beyond it, but >= 80%
		"warn: The cluster has 2 nodes, 100% of the 2 Kubernetes is tested for: plan to split it before it grows past the limit.",
		// 10/12 = 83.3%
		"warn: The cluster has 10 pods, 83.3% of the 12 Kubernetes is tested for: plan to split it before it grows past the limit.",
		// 20 > 19
		"fail: The cluster has 20 containers, beyond the 19 Kubernetes is tested for (105.3%): expect slow LISTs and watches, slow scheduling and fragile upgrades; split it.",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	rs = check.Run(checktest.LoadFixture(t, filepath.Join("testdata", "nodes-only.yaml"), checktest.Now),
		[]check.Check{checktest.ByID(t, Checks(DefaultOptions()), "NODE-007")})
	got = nil
	for _, r := range rs {
		got = append(got, string(r.Status)+": "+r.Message)
	}
	want = []string{
		"pass: The cluster has 2 nodes, 0% of the 5000 Kubernetes is tested for.",
		"skip: The manifests hold no Pod objects, so pods, containers and pods per node are not known; audit the live cluster.",
		// the nodes' pods capacity needs no pods
		"pass: Pods capacity: no node allows more than the 110 pods per node Kubernetes is tested for.",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A live cluster without Node objects (and no gap for them) has no node to
// judge: every node check is na, and none divides by the node count.
func TestNoNodesIsNA(t *testing.T) {
	s := checktest.Snapshot()
	s.Source = cluster.SourceLive
	s.Server.GitVersion = "v1.37.2"
	for _, c := range Checks(DefaultOptions()) {
		r := checktest.RunOne(t, c, s)
		if r.Status != result.StatusNA || r.Message != "The cluster has no Node objects: there is no node to judge." {
			t.Errorf("%s: %s", c.ID, checktest.FormatResult(r))
		}
	}
}
