package node

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

var node008 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "NODE-008",
		Title:    "Worker nodes span several zones",
		Category: Category,
		Rule: "Workers are schedulable (not cordoned) nodes without the node-role.kubernetes.io/control-plane or master label; " +
			"a node's zone is its topology.kubernetes.io/zone label (else failure-domain.beta.kubernetes.io/zone). " +
			"Warn when all zoned workers are in one zone while the control-plane nodes span two or more; " +
			"info when all are in one zone and no control-plane node is visible or all are in that one zone (the whole cluster shares one failure domain); " +
			"pass when workers span two or more zones; na when no worker carries a zone label (a single failure domain, or unlabelled nodes).",
		Rationale: "A control plane spread over zones survives a zone outage, but workers in a single zone do not: " +
			"every workload goes down with that zone, so the control plane's redundancy protects nothing that serves users.",
		Remediation: "Add worker nodes (or node groups) in the other zones the control plane uses, and spread workloads over them " +
			"with topologySpreadConstraints on topology.kubernetes.io/zone.",
	},
	Needs: []cluster.Kind{cluster.KindNodes},
	Eval:  evalNODE008,
}

var node009 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "NODE-009",
		Title:    "The other zones can take one zone's pods",
		Category: Category,
		Rule: "Over schedulable workers with a zone (as in NODE-008), for each zone Z: " +
			"moving(Z) is the sum of the requests of the unfinished pods bound to Z's nodes, leaving out DaemonSet and static (mirror) pods, which are not rescheduled; " +
			"spare(Z) is the sum over the other zones' nodes of allocatable minus the requests of the unfinished pods bound there (at least 0 per node). " +
			"A pod's request is what the scheduler counts: the larger of its containers' plus restartable (sidecar) init containers' requests " +
			"and its largest init container's need, plus pod overhead. " +
			"Warn for each zone whose moving cpu or memory exceeds its spare; pass when every zone's pods fit. " +
			"This compares sums only, so passing is necessary, not sufficient: bin-packing, affinity, taints and zonal volumes can still strand pods. " +
			"na with fewer than two zones (NODE-008 reports it).",
		Rationale: "Spreading over zones only helps if, when one zone fails, the others have room for its pods. " +
			"Allocatable that is very uneven across zones (one big zone, two small ones) leaves the big zone's pods Pending after its outage.",
		Remediation: "Balance node groups across zones (same instance types and counts, or cluster-autoscaler with --balance-similar-node-groups), " +
			"or add capacity in the zones that cannot absorb the largest one.",
	},
	Needs: []cluster.Kind{cluster.KindNodes, cluster.KindPods},
	Eval:  evalNODE009,
}

// worker reports whether a node takes ordinary workloads: schedulable and
// not a control-plane node.
func worker(n *corev1.Node) bool { return !n.Spec.Unschedulable && !cluster.IsControlPlaneNode(n) }

func evalNODE008(in *check.Input, _ *Options) []result.Result {
	nodes := in.Snapshot.Nodes
	workerZones, cpZones := map[string]int{}, map[string]int{}
	workers, controlPlane := 0, 0
	for i := range nodes {
		n := &nodes[i]
		z := index.NodeZone(n)
		switch {
		case cluster.IsControlPlaneNode(n):
			controlPlane++
			if z != "" {
				cpZones[z]++
			}
		case worker(n):
			workers++
			if z != "" {
				workerZones[z]++
			}
		}
	}
	wz, cz := check.SortedKeys(workerZones), check.SortedKeys(cpZones)
	ev := result.Evidence{"workerZones": wz, "controlPlaneZones": cz, "workers": workers}
	switch {
	case len(wz) == 0:
		return []result.Result{result.New(result.StatusNA, result.Cluster, fmt.Sprintf(
			"None of %d schedulable %s carries a zone label: the cluster is one failure domain, or its nodes are unlabelled; verify which with your infrastructure.",
			workers, check.Plural(workers, "worker", "workers")), ev)}
	case len(wz) >= 2:
		return []result.Result{result.New(result.StatusPass, result.Cluster, fmt.Sprintf(
			"Workers span %d zones (%s).", len(wz), strings.Join(wz, ", ")), ev)}
	case len(cz) >= 2:
		return []result.Result{result.New(result.StatusWarn, result.Cluster, fmt.Sprintf(
			"All zoned workers are in %s while the control plane spans %s: an outage of %s stops every workload although the control plane survives it.",
			wz[0], strings.Join(cz, ", "), wz[0]), ev)}
	}
	why := "no control-plane node is visible"
	if controlPlane > 0 {
		why = "the control plane is there too"
	}
	return []result.Result{result.New(result.StatusInfo, result.Cluster, fmt.Sprintf(
		"All zoned workers are in %s and %s: the cluster shares one failure domain, so a zone outage takes everything down.", wz[0], why), ev)}
}

// podRequest is what the scheduler counts for p's resource r (cpu in
// millicores, anything else in units): max(containers + sidecars, largest
// init need) + overhead.
func podRequest(p *corev1.Pod, r corev1.ResourceName) int64 {
	req := func(c *corev1.Container) int64 {
		q := c.Resources.Requests[r]
		return amount(q, r)
	}
	var sum, sidecars, initMax int64
	for i := range p.Spec.Containers {
		sum += req(&p.Spec.Containers[i])
	}
	for i := range p.Spec.InitContainers {
		c := &p.Spec.InitContainers[i]
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			sidecars += req(c)
			initMax = max(initMax, sidecars)
			continue
		}
		initMax = max(initMax, sidecars+req(c))
	}
	total := max(sum+sidecars, initMax)
	if q, ok := p.Spec.Overhead[r]; ok {
		total += amount(q, r)
	}
	return total
}

// staysOnNode reports whether a pod is not rescheduled when its node's
// zone fails: a DaemonSet's pod or a static (mirror) pod.
func staysOnNode(p *corev1.Pod) bool {
	if _, ok := p.Annotations[corev1.MirrorPodAnnotationKey]; ok {
		return true
	}
	for _, o := range p.OwnerReferences {
		if o.Controller != nil && *o.Controller && (o.Kind == "DaemonSet" || o.Kind == "Node") {
			return true
		}
	}
	return false
}

// zoneLoad is one zone's pods to move and free room (cpu in millicores,
// memory in bytes).
type zoneLoad struct {
	movingCPU, movingMem int64
	freeCPU, freeMem     int64
}

func evalNODE009(in *check.Input, _ *Options) []result.Result {
	s := in.Snapshot
	nodeZone := map[string]string{}
	loads := map[string]*zoneLoad{}
	used := map[string][2]int64{}
	for i := range s.Nodes {
		n := &s.Nodes[i]
		if z := index.NodeZone(n); z != "" && worker(n) {
			nodeZone[n.Name] = z
			if loads[z] == nil {
				loads[z] = &zoneLoad{}
			}
		}
	}
	zones := check.SortedKeys(loads)
	if len(zones) < 2 {
		return []result.Result{result.New(result.StatusNA, result.Cluster, fmt.Sprintf(
			"Schedulable workers with a zone span %d %s: there is no other zone to move pods to (NODE-008 reports the layout).",
			len(zones), check.Plural(len(zones), "zone", "zones")), result.Evidence{"workerZones": zones})}
	}
	for i := range s.Pods {
		p := &s.Pods[i]
		z, ok := nodeZone[p.Spec.NodeName]
		if !ok || !podActive(p) {
			continue
		}
		cpu, mem := podRequest(p, corev1.ResourceCPU), podRequest(p, corev1.ResourceMemory)
		u := used[p.Spec.NodeName]
		used[p.Spec.NodeName] = [2]int64{u[0] + cpu, u[1] + mem}
		if !staysOnNode(p) {
			loads[z].movingCPU += cpu
			loads[z].movingMem += mem
		}
	}
	for i := range s.Nodes {
		n := &s.Nodes[i]
		z, ok := nodeZone[n.Name]
		if !ok {
			continue
		}
		u := used[n.Name]
		loads[z].freeCPU += max(0, allocatable(n, corev1.ResourceCPU)-u[0])
		loads[z].freeMem += max(0, allocatable(n, corev1.ResourceMemory)-u[1])
	}
	var out []result.Result
	for _, z := range zones {
		var spareCPU, spareMem int64
		for _, other := range zones {
			if other != z {
				spareCPU += loads[other].freeCPU
				spareMem += loads[other].freeMem
			}
		}
		l := loads[z]
		var short []string
		if l.movingCPU > spareCPU {
			short = append(short, fmt.Sprintf("cpu %s requested, %s free elsewhere", cpuWords(l.movingCPU), cpuWords(spareCPU)))
		}
		if l.movingMem > spareMem {
			short = append(short, fmt.Sprintf("memory %s requested, %s free elsewhere", memWords(l.movingMem), memWords(spareMem)))
		}
		if len(short) == 0 {
			continue
		}
		out = append(out, result.New(result.StatusWarn, result.Cluster, fmt.Sprintf(
			"If zone %s fails, its pods do not fit in the other zones (%s): some of them stay Pending until the zone returns.",
			z, strings.Join(short, "; ")), result.Evidence{"zone": z,
			"movingCPU": cpuWords(l.movingCPU), "spareCPU": cpuWords(spareCPU),
			"movingMemory": memWords(l.movingMem), "spareMemory": memWords(spareMem)}))
	}
	if len(out) > 0 {
		return out
	}
	return []result.Result{result.New(result.StatusPass, result.Cluster, fmt.Sprintf(
		"Each of %d zones' rescheduled pods fits in the free allocatable of the others (%s), by the sum of requests.",
		len(zones), strings.Join(zones, ", ")), result.Evidence{"workerZones": zones})}
}

// amount is q in the unit the zone sums use: millicores for cpu, units
// (bytes) otherwise, so memory sums of thousands of nodes stay far from
// overflow.
func amount(q resource.Quantity, r corev1.ResourceName) int64 {
	if r == corev1.ResourceCPU {
		return q.MilliValue()
	}
	return q.Value()
}

// allocatable is a node's allocatable r (capacity when unset), as amount
// counts it.
func allocatable(n *corev1.Node, r corev1.ResourceName) int64 {
	if q, ok := n.Status.Allocatable[r]; ok {
		return amount(q, r)
	}
	if q, ok := n.Status.Capacity[r]; ok {
		return amount(q, r)
	}
	return 0
}

// cpuWords renders millicores as Kubernetes writes them: 3800m, 4.
func cpuWords(milli int64) string {
	if milli%1000 == 0 {
		return fmt.Sprintf("%d", milli/1000)
	}
	return fmt.Sprintf("%dm", milli)
}

// memWords renders bytes as whole Mi (rounded down), or Gi when exact.
func memWords(bytes int64) string {
	mi := bytes / (1 << 20)
	if mi%1024 == 0 && mi > 0 {
		return fmt.Sprintf("%dGi", mi/1024)
	}
	return fmt.Sprintf("%dMi", mi)
}
