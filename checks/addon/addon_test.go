package addon

import (
	"strings"
	"testing"

	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
)

// TestMessages runs each check on its fixtures and compares every result,
// message included, with the text a user reads.
func TestMessages(t *testing.T) {
	for _, tt := range messageCases {
		t.Run(tt.id+"/"+tt.file, func(t *testing.T) {
			got := checktest.Format(checktest.RunFixture(t, Checks(DefaultOptions()), tt.id, tt.file, nil))
			if want := strings.Trim(tt.want, "\n"); got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// messageCases are the exact results of each check on its fixtures in
// ../testdata/ADDON-*/.
var messageCases = []struct{ id, file, want string }{
	{"ADDON-001", "fail-bundle-without-pdbs.yaml", `
  ADDON-001 warn Deployment/kube-system/metrics-server: Deployment metrics-server runs a single replica: each drain, eviction or rollout of its pod is an outage in which the HorizontalPodAutoscalers stop scaling and kubectl top fails; run 2 replicas with a PodDisruptionBudget of maxUnavailable: 1. The input holds no PodDisruptionBudget at all, so whether the cluster has one for it is not known; with one replica a PDB can only allow that outage or block the drain.
`},
	{"ADDON-001", "fail-hpa-floor.yaml", `
  ADDON-001 warn Deployment/kube-system/ingress-nginx-controller: Deployment ingress-nginx-controller (ingress-nginx) can run a single replica (HorizontalPodAutoscaler ingress-nginx-controller has minReplicas 1), which PodDisruptionBudget ingress-nginx (maxUnavailable 1) lets a drain evict: each drain, eviction or rollout of its pod is an outage in which traffic through its Ingresses stops; set its minReplicas: 2.
`},
	{"ADDON-001", "fail-single-replica.yaml", `
  ADDON-001 warn Deployment/kube-system/ingress-nginx-controller: PodDisruptionBudget ingress-nginx (minAvailable 2) allows no disruption of the 2 pods of Deployment ingress-nginx-controller (ingress-nginx) even when all are healthy, so every drain of their nodes blocks; set maxUnavailable: 1, with 2 or more replicas.
  ADDON-001 warn Deployment/kube-system/metrics-server: Deployment metrics-server runs a single replica with no PodDisruptionBudget: each drain, eviction or rollout of its pod is an outage in which the HorizontalPodAutoscalers stop scaling and kubectl top fails; run 2 replicas with a PodDisruptionBudget of maxUnavailable: 1.
  ADDON-001 warn Deployment/kube-system/traefik: Deployment traefik (Traefik) runs a single replica, which PodDisruptionBudget traefik (maxUnavailable 1) lets a drain evict: each drain, eviction or rollout of its pod is an outage in which traffic through its Ingresses stops; run 2 replicas.
`},
	{"ADDON-001", "pass-replicated.yaml", `
  ADDON-001 pass (cluster): The one outage-critical add-on (metrics-server, ingress controllers) runs 2 or more replicas, and no PodDisruptionBudget blocks its drains.
`},
	{"ADDON-002", "fail-no-priority.yaml", `
  ADDON-002 warn DaemonSet/calico-system/calico-node: DaemonSet calico-node (Calico) runs at priority class high, so under node pressure its pods are evicted and preempted before the workloads that need them; set priorityClassName: system-node-critical.
  ADDON-002 warn Deployment/kube-system/coredns: Deployment coredns (CoreDNS) sets no priorityClassName, so under node pressure its pods are evicted and preempted before the workloads that need them; set priorityClassName: system-cluster-critical.
  ADDON-002 warn StatefulSet/kube-system/ebs-csi-controller: StatefulSet ebs-csi-controller (a CSI controller) sets no priorityClassName, so under node pressure its pods are evicted and preempted before the workloads that need them; set priorityClassName: system-cluster-critical.
`},
	{"ADDON-002", "pass-priority.yaml", `
  ADDON-002 pass (cluster): All 2 cluster-critical add-ons run at priority system-cluster-critical or system-node-critical.
`},
	{"ADDON-003", "fail-oom-and-storm.yaml", `
  ADDON-003 warn DaemonSet/kube-system/kube-proxy: DaemonSet kube-proxy has been restarting again and again in the last 24h: kube-proxy in pod kube-proxy-7lq2m restarted 12 times, last exiting 30m ago (Error); size its requests and limits with seaworthy recommend, and read kubectl logs --previous for why it exits.
  ADDON-003 warn Deployment/kube-system/metrics-server: Deployment metrics-server was killed for memory in the last 24h: metrics-server in pod metrics-server-5f8c7d9b4-x2k9q restarted 2 times, last OOMKilled 2h ago; size its requests and limits with seaworthy recommend, and read kubectl logs --previous for why it exits.
`},
	{"ADDON-003", "pass-quiet.yaml", `
  ADDON-003 pass (cluster): The one pod of recognised add-ons had no OOM kill and no restart storm in the last 24h.
`},
	{"ADDON-003", "skip-no-pods.yaml", `
  ADDON-003 skip (cluster): The input holds no pods, so the add-ons' container statuses (restarts, OOM kills) are not known; audit the cluster, or include its pods.
`},
	{"ADDON-004", "fail-besteffort.yaml", `
  ADDON-004 fail DaemonSet/kube-system/ebs-csi-node: DaemonSet ebs-csi-node (a CSI node plugin) sets no cpu or memory request or limit on any container (the input holds no LimitRange in kube-system; one in the cluster with defaults would fill these in), so its pods are BestEffort, the first the kubelet evicts under node pressure, ahead of the workloads that depend on it; set cpu and memory requests and a memory limit on each container.
  ADDON-004 fail Deployment/kube-system/metrics-server: Deployment metrics-server sets no cpu or memory request or limit on any container (the input holds no LimitRange in kube-system; one in the cluster with defaults would fill these in), so its pods are BestEffort, the first the kubelet evicts under node pressure, ahead of the workloads that depend on it; set cpu and memory requests and a memory limit on each container.
`},
	{"ADDON-004", "fail-burstable.yaml", `
  ADDON-004 warn DaemonSet/calico-system/calico-node: In DaemonSet calico-node (Calico), container calico-node lacks requests.cpu: without a request the scheduler places it blind and the kubelet evicts it early under pressure, without a memory limit a leak takes its node's memory; set cpu and memory requests and a memory limit on each container.
  ADDON-004 warn DaemonSet/kube-system/aws-node: In DaemonSet aws-node (the AWS VPC CNI), container aws-node lacks requests.cpu and requests.memory and limits.memory: without a request the scheduler places it blind and the kubelet evicts it early under pressure, without a memory limit a leak takes its node's memory; set cpu and memory requests and a memory limit on each container.
  ADDON-004 warn Deployment/kube-system/coredns: In Deployment coredns (CoreDNS), container coredns lacks limits.memory: without a request the scheduler places it blind and the kubelet evicts it early under pressure, without a memory limit a leak takes its node's memory; set cpu and memory requests and a memory limit on each container.
`},
	{"ADDON-004", "pass-addon-resizer.yaml", `
  ADDON-004 pass (cluster): The one cluster-critical add-on has cpu and memory requests and a memory limit on every container.
`},
	{"ADDON-004", "pass-limitrange-defaults.yaml", `
  ADDON-004 pass (cluster): All 2 cluster-critical add-ons have cpu and memory requests and a memory limit on every container.
`},
}
