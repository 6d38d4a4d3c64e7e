package checks

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// Cluster DNS checks (DNS-001..DNS-006).
//
// Cluster DNS is found as the kube-system Deployment(s) labelled
// k8s-app=kube-dns, which is how kubeadm, k3s, EKS, AKS and GKE label both
// CoreDNS and the legacy kube-dns. Its pods are the kube-system pods its
// spec.selector matches. The decisions the catalog leaves open are made here
// and stated in each check's Rule:
//
//   - Schedulable nodes are those without spec.unschedulable (not cordoned),
//     which is what the cluster-proportional-autoscaler counts by default.
//     DNS-002 and DNS-003 use them; DNS-006 sizes the cluster by all nodes.
//   - Cores are node allocatable cpu (capacity when allocatable is unset),
//     summed in millicores so fractional allocatable adds up exactly.
//   - When several DNS Deployments exist (a kube-dns to CoreDNS migration),
//     one scaled to 0 while another has replicas is idle: DNS-001 reports
//     it na and the other checks ignore it.

const (
	dnsNamespace      = "kube-system"
	dnsAppLabel       = "k8s-app"
	dnsAppValue       = "kube-dns"
	nodeLocalDNS      = "node-local-dns"
	platformOpenShift = "openshift"
	podNamespaceEnv   = "MY_POD_NAMESPACE"
)

var dns001 = Check{
	Meta: Meta{
		ID:       "DNS-001",
		Title:    "Cluster DNS has enough ready replicas",
		Category: CategoryDNS,
		Rule: "Cluster DNS is the kube-system Deployment labelled k8s-app=kube-dns (CoreDNS or kube-dns). " +
			"Fail when there is none, or when it has fewer than DNSMinReplicas (default 2) ready replicas (status.readyReplicas) " +
			"or desired replicas (spec.replicas, default 1); pass otherwise. " +
			"A DNS Deployment scaled to 0 while another one has replicas is na (a finished migration). " +
			"On OpenShift, whose DNS is the operator-managed dns-default DaemonSet, a missing Deployment is na.",
		Rationale: "Every Service name lookup in the cluster goes through cluster DNS. " +
			"With a single ready replica, one node failure, eviction or rollout stops name resolution for every workload " +
			"until a replacement pod is scheduled and ready.",
		Remediation: "Scale the DNS Deployment to at least 2 replicas (kubectl -n kube-system scale deployment coredns --replicas=2), " +
			"or let a cluster-proportional-autoscaler with min >= 2 or preventSinglePointFailure manage it; " +
			"if replicas are not ready, inspect them with kubectl -n kube-system get pods -l k8s-app=kube-dns and describe the failing ones.",
	},
	Needs: []cluster.Kind{cluster.KindNodes, cluster.KindDeployments},
	Eval:  evalDNS001,
}

var dns002 = Check{
	Meta: Meta{
		ID:       "DNS-002",
		Title:    "Cluster DNS replicas follow the cluster's size",
		Category: CategoryDNS,
		Rule: "wanted = max(ceil(cores/DNSCoresPerReplica), ceil(nodes/DNSNodesPerReplica)) with defaults 256 and 16, " +
			"over schedulable (not cordoned) nodes and their allocatable cpu. " +
			"Warn when the DNS Deployment's spec.replicas is below wanted and no autoscaler targets it. " +
			"An autoscaler is an HPA in the same namespace whose scaleTargetRef is the Deployment, " +
			"or a cluster-proportional-autoscaler: any Deployment whose container command or args carry --target=deployment/<name> " +
			"(kind case-insensitive, deployments/ and deployment.apps/ accepted, also as a separate argument, comma-separated lists) " +
			"in its --namespace (default: MY_POD_NAMESPACE, else its own namespace), and is not scaled to 0. " +
			"With an autoscaler the check passes; when the autoscaler's linear parameters are known " +
			"(its --configmap ConfigMap if collected, else --default-params) wanted is computed as the autoscaler does " +
			"(min/max clamps, preventSinglePointFailure, includeUnschedulableNodes, --nodelabels) and a disagreement with spec.replicas is info; " +
			"invalid linear parameters count as no autoscaler. No schedulable nodes: skip. No DNS Deployment: na (DNS-001 fails).",
		Rationale: "One CoreDNS replica serves a bounded query rate; as nodes and pods grow, too few replicas " +
			"add latency and timeouts to every lookup. The cluster-proportional-autoscaler's linear rule is the " +
			"upstream default for sizing cluster DNS.",
		Remediation: "Deploy the cluster-proportional-autoscaler for the DNS Deployment (--target=deployment/coredns, " +
			"a ConfigMap with linear: {\"coresPerReplica\":256,\"nodesPerReplica\":16,\"min\":2,\"preventSinglePointFailure\":true}), " +
			"or attach an HPA to it, or at least scale it to the number wanted.",
	},
	Needs: []cluster.Kind{cluster.KindNodes, cluster.KindDeployments, cluster.KindHPAs},
	Eval:  evalDNS002,
}

var dns003 = Check{
	Meta: Meta{
		ID:       "DNS-003",
		Title:    "Cluster DNS pods are spread across nodes and zones",
		Category: CategoryDNS,
		Rule: "Over the DNS Deployment's ready pods (PodReady true, scheduled, not terminating, matched by its spec.selector in its namespace): " +
			"warn when all run on one node while the cluster has at least 2 schedulable nodes; " +
			"warn when all run in one zone (node label topology.kubernetes.io/zone, else failure-domain.beta.kubernetes.io/zone) " +
			"while schedulable nodes span 2 or more zones; pass otherwise. " +
			"A cluster with one schedulable node is info (pods cannot be spread). " +
			"No ready pods: na when the Deployment reports none ready (DNS-001 fails), skip when it reports ready replicas the snapshot's pods do not show.",
		Rationale: "DNS replicas exist to survive failures. Replicas packed on one node die together with that node, " +
			"and replicas in one zone die together with that zone, taking name resolution for the whole cluster with them.",
		Remediation: "Add topologySpreadConstraints (or preferred pod anti-affinity) on kubernetes.io/hostname and topology.kubernetes.io/zone " +
			"to the DNS Deployment's pod template, then restart it (kubectl -n kube-system rollout restart deployment coredns) so pods are rescheduled.",
	},
	Needs: []cluster.Kind{cluster.KindNodes, cluster.KindDeployments, cluster.KindPods},
	Eval:  evalDNS003,
}

var dns004 = Check{
	Meta: Meta{
		ID:       "DNS-004",
		Title:    "Cluster DNS has a PodDisruptionBudget that allows drains",
		Category: CategoryDNS,
		Rule: "PDBs in the DNS Deployment's namespace whose selector matches its pod template labels " +
			"(a null selector selects nothing, an empty one everything) are evaluated with the disruption controller's arithmetic " +
			"against spec.replicas, all pods assumed healthy: percentages round up for both minAvailable and maxUnavailable; " +
			"desiredHealthy = replicas - maxUnavailable, or minAvailable; allowed = replicas - desiredHealthy. " +
			"Warn when no PDB selects the pods; when more than one does (the eviction API refuses such pods); " +
			"when the PDB allows no disruption (allowed <= 0, e.g. maxUnavailable 0 or minAvailable >= replicas or 100%, or an invalid value); " +
			"or when it protects no pod (desiredHealthy 0, e.g. minAvailable 0 or neither field set). Pass otherwise.",
		Rationale: "Without a PDB a node drain or cluster upgrade may evict every DNS pod at once. " +
			"A PDB that allows no disruption blocks node drains and upgrades instead, which teams then work around by force.",
		Remediation: "Create one PodDisruptionBudget in kube-system with selector matchLabels k8s-app: kube-dns and maxUnavailable: 1, " +
			"and remove or fix any other PDB selecting the DNS pods.",
	},
	Needs: []cluster.Kind{cluster.KindNodes, cluster.KindDeployments, cluster.KindPDBs},
	Eval:  evalDNS004,
}

var dns005 = Check{
	Meta: Meta{
		ID:       "DNS-005",
		Title:    "Cluster DNS containers set requests and a memory limit",
		Category: CategoryDNS,
		Rule: "For each container in the DNS Deployment's pod template (spec.containers), warn when it lacks a cpu request, " +
			"a memory request or a memory limit (zero counts as unset); a request left unset counts as set when the same resource has a limit, " +
			"because the API server defaults requests to limits. Pass otherwise.",
		Rationale: "Without requests DNS pods are scheduled onto full nodes and are the first to be starved or evicted under pressure; " +
			"without a memory limit a cache blow-up in one DNS pod can take memory from everything else on its node.",
		Remediation: "Set resources on every DNS container, e.g. CoreDNS's upstream defaults: requests cpu: 100m, memory: 70Mi; limits memory: 170Mi " +
			"(raise them for large clusters, see the recommender's DNS advice).",
	},
	Needs: []cluster.Kind{cluster.KindNodes, cluster.KindDeployments},
	Eval:  evalDNS005,
}

var dns006 = Check{
	Meta: Meta{
		ID:       "DNS-006",
		Title:    "Large clusters run NodeLocal DNSCache",
		Category: CategoryDNS,
		Rule: "NodeLocal DNSCache is a DaemonSet named node-local-dns or labelled k8s-app=node-local-dns " +
			"(or app.kubernetes.io/name=node-local-dns), in any namespace. Pass when present. " +
			"When absent: warn when the cluster has LargeClusterNodes (default 500) nodes or more, counting all nodes; info below that.",
		Rationale: "Without a node-local cache every lookup crosses the network to a DNS pod through conntrack-tracked UDP, " +
			"which on large clusters causes dropped packets, 5-second lookup timeouts and heavy load on the DNS Deployment.",
		Remediation: "Deploy NodeLocal DNSCache (https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/): " +
			"the node-local-dns DaemonSet in kube-system, with kubelet --cluster-dns pointing at its link-local address where the installation requires it.",
	},
	Needs: []cluster.Kind{cluster.KindNodes, cluster.KindDeployments, cluster.KindDaemonSets},
	Eval:  evalDNS006,
}

// --- finding cluster DNS ----------------------------------------------------

// findDNSDeployments returns the cluster DNS Deployments sorted by name. When
// at least one has replicas, those scaled to 0 are returned as idle; when none
// has, all are active so that DNS-001 fails on them.
func findDNSDeployments(s *cluster.Snapshot) (active, idle []*appsv1.Deployment) {
	var all []*appsv1.Deployment
	for i := range s.Deployments {
		d := &s.Deployments[i]
		if d.Namespace == dnsNamespace && d.Labels[dnsAppLabel] == dnsAppValue {
			all = append(all, d)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	for _, d := range all {
		if desiredReplicas(d) > 0 {
			active = append(active, d)
		} else {
			idle = append(idle, d)
		}
	}
	if len(active) == 0 {
		return idle, nil
	}
	return active, idle
}

// desiredReplicas is spec.replicas, which the API server defaults to 1.
func desiredReplicas(d *appsv1.Deployment) int {
	if d.Spec.Replicas == nil {
		return 1
	}
	return int(*d.Spec.Replicas)
}

func deploymentRef(d *appsv1.Deployment) ObjectRef {
	return ObjectRef{APIVersion: "apps/v1", Kind: "Deployment", Namespace: d.Namespace, Name: d.Name}
}

// deploymentSelector returns the pod selector of a Deployment. A null or empty
// selector is invalid for a Deployment (the API server rejects both), so it
// selects nothing here rather than every pod in the namespace.
func deploymentSelector(d *appsv1.Deployment) (labels.Selector, error) {
	sel := d.Spec.Selector
	if sel == nil || len(sel.MatchLabels)+len(sel.MatchExpressions) == 0 {
		return labels.Nothing(), errors.New("its spec.selector is empty, which the API server rejects for a Deployment")
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		return labels.Nothing(), fmt.Errorf("its spec.selector is invalid: %w", err)
	}
	return s, nil
}

func noDNSResult(status Status) Result {
	return result.New(status, ObjectRef{},
		"No cluster DNS Deployment (kube-system, k8s-app=kube-dns) was found; DNS-001 reports it.",
		map[string]any{"namespace": dnsNamespace, "selector": dnsAppLabel + "=" + dnsAppValue})
}

// --- nodes ------------------------------------------------------------------

// nodeCPUMilli is a node's allocatable cpu in millicores, or its capacity
// when allocatable is unset.
func nodeCPUMilli(n *corev1.Node) int64 {
	if q, ok := n.Status.Allocatable[corev1.ResourceCPU]; ok {
		return q.MilliValue()
	}
	if q, ok := n.Status.Capacity[corev1.ResourceCPU]; ok {
		return q.MilliValue()
	}
	return 0
}

func nodeZone(n *corev1.Node) string {
	if z := n.Labels[corev1.LabelTopologyZone]; z != "" {
		return z
	}
	return n.Labels[corev1.LabelFailureDomainBetaZone]
}

// nodeCounts sums nodes and their cpu, all and schedulable only.
type nodeCounts struct {
	total, schedulable           int
	totalMilli, schedulableMilli int64
}

// countNodes counts the nodes sel matches (all when sel is nil).
func countNodes(nodes []corev1.Node, sel labels.Selector) nodeCounts {
	var c nodeCounts
	for i := range nodes {
		n := &nodes[i]
		if sel != nil && !sel.Matches(labels.Set(n.Labels)) {
			continue
		}
		m := nodeCPUMilli(n)
		c.total++
		c.totalMilli += m
		if !n.Spec.Unschedulable {
			c.schedulable++
			c.schedulableMilli += m
		}
	}
	return c
}

func (c nodeCounts) pick(includeUnschedulable bool) (nodes int, cores float64) {
	if includeUnschedulable {
		return c.total, float64(c.totalMilli) / 1000
	}
	return c.schedulable, float64(c.schedulableMilli) / 1000
}

// --- DNS-001 ----------------------------------------------------------------

func evalDNS001(in *Input) []Result {
	s, minReplicas := in.Snapshot, in.Options.DNSMinReplicas
	active, idle := findDNSDeployments(s)
	if len(active) == 0 {
		ev := map[string]any{"namespace": dnsNamespace, "selector": dnsAppLabel + "=" + dnsAppValue}
		if s.Server.Platform == platformOpenShift {
			return []Result{result.New(StatusNA, ObjectRef{},
				"OpenShift runs cluster DNS as the operator-managed dns-default DaemonSet, not a kube-dns Deployment.", ev)}
		}
		return []Result{result.New(StatusFail, ObjectRef{}, fmt.Sprintf(
			"No Deployment labelled k8s-app=kube-dns exists in kube-system, so the cluster has no recognisable DNS; deploy CoreDNS with at least %d replicas.",
			minReplicas), ev)}
	}
	var out []Result
	for _, d := range active {
		desired, ready := desiredReplicas(d), int(d.Status.ReadyReplicas)
		ev := map[string]any{"deployment": d.Name, "desired": desired, "ready": ready, "minReplicas": minReplicas}
		var r Result
		switch {
		case ready < minReplicas:
			r = result.New(StatusFail, deploymentRef(d), fmt.Sprintf(
				"%s has %d ready of %d desired replicas, below the minimum of %d, so one pod or node failure can stop cluster DNS; scale it to at least %d and make its pods ready.",
				d.Name, ready, desired, minReplicas, minReplicas), ev)
		case desired < minReplicas:
			r = result.New(StatusFail, deploymentRef(d), fmt.Sprintf(
				"%s is set to %d replicas (%d ready during a rollout), below the minimum of %d; scale it to at least %d.",
				d.Name, desired, ready, minReplicas, minReplicas), ev)
		default:
			r = result.New(StatusPass, deploymentRef(d), fmt.Sprintf(
				"%s has %d of %d replicas ready (minimum %d).", d.Name, ready, desired, minReplicas), ev)
		}
		out = append(out, r)
	}
	for _, d := range idle {
		out = append(out, result.New(StatusNA, deploymentRef(d), fmt.Sprintf(
			"%s is scaled to 0; cluster DNS is served by %s.", d.Name, active[0].Name),
			map[string]any{"deployment": d.Name, "desired": 0, "servedBy": active[0].Name}))
	}
	return out
}

// --- DNS-002 ----------------------------------------------------------------

// proportionalReplicas is the catalog's rule max(ceil(cores/coresPerReplica),
// ceil(nodes/nodesPerReplica)); a term whose divisor is not positive is left
// out.
func proportionalReplicas(cores float64, nodes int, coresPerReplica, nodesPerReplica float64) int {
	want := 0
	if coresPerReplica > 0 {
		want = max(want, int(math.Ceil(cores/coresPerReplica)))
	}
	if nodesPerReplica > 0 {
		want = max(want, int(math.Ceil(float64(nodes)/nodesPerReplica)))
	}
	return want
}

// linearParams are the cluster-proportional-autoscaler's linear mode
// parameters, as in its ConfigMap's "linear" key.
type linearParams struct {
	CoresPerReplica           float64 `json:"coresPerReplica"`
	NodesPerReplica           float64 `json:"nodesPerReplica"`
	Min                       int     `json:"min"`
	Max                       int     `json:"max"`
	PreventSinglePointFailure bool    `json:"preventSinglePointFailure"`
	IncludeUnschedulableNodes bool    `json:"includeUnschedulableNodes"`
}

// parseLinearParams decodes and validates linear parameters the way the
// autoscaler does: min defaults to 1, negative values and max < min are
// errors, and at least one of coresPerReplica and nodesPerReplica must be set.
func parseLinearParams(data string) (linearParams, error) {
	var p linearParams
	if err := json.Unmarshal([]byte(data), &p); err != nil {
		return p, fmt.Errorf("parse linear params: %w", err)
	}
	switch {
	case p.Min < 0:
		return p, fmt.Errorf("min %d is negative", p.Min)
	case p.Max < 0:
		return p, fmt.Errorf("max %d is negative", p.Max)
	case p.CoresPerReplica < 0 || p.NodesPerReplica < 0:
		return p, errors.New("coresPerReplica and nodesPerReplica must not be negative")
	case p.CoresPerReplica == 0 && p.NodesPerReplica == 0:
		return p, errors.New("neither coresPerReplica nor nodesPerReplica is set")
	}
	if p.Min == 0 {
		p.Min = 1
	}
	if p.Max != 0 && p.Max < p.Min {
		return p, fmt.Errorf("max %d is below min %d", p.Max, p.Min)
	}
	return p, nil
}

// replicas is what the autoscaler's linear controller sets for nodes and
// cores: each term is ceil(amount/perReplica) clamped to [min, max] (1 when
// its perReplica is 0); preventSinglePointFailure raises the node term to 2
// when there is more than one node; the larger term wins.
func (p linearParams) replicas(nodes int, cores float64) int {
	fromCores := p.term(cores, p.CoresPerReplica)
	fromNodes := p.term(float64(nodes), p.NodesPerReplica)
	if p.PreventSinglePointFailure && nodes > 1 && fromNodes < 2 {
		fromNodes = 2
	}
	return max(fromCores, fromNodes)
}

func (p linearParams) term(amount, perReplica float64) int {
	if perReplica == 0 {
		return 1
	}
	r := math.Ceil(amount / perReplica)
	if p.Max != 0 {
		r = math.Min(float64(p.Max), r)
	}
	return int(math.Max(float64(p.Min), r))
}

// cpa is one cluster-proportional-autoscaler Deployment targeting a DNS
// Deployment.
type cpa struct {
	deploy        *appsv1.Deployment
	namespace     string // where it scales and reads its ConfigMap
	configMap     string
	defaultParams string
	nodeLabels    string
}

func (a cpa) name() string { return a.deploy.Namespace + "/" + a.deploy.Name }

// envRef matches a $(VAR) reference in a container's command or args.
var envRef = regexp.MustCompile(`\$\(([-._a-zA-Z][-._a-zA-Z0-9]*)\)`)

// envValue resolves a container env var the way the kubelet expands $(VAR):
// literal values, and the downward-API pod namespace.
func envValue(c *corev1.Container, name, podNamespace string) (string, bool) {
	for i := len(c.Env) - 1; i >= 0; i-- {
		e := c.Env[i]
		if e.Name != name {
			continue
		}
		if e.ValueFrom == nil {
			return e.Value, true
		}
		if f := e.ValueFrom.FieldRef; f != nil && f.FieldPath == "metadata.namespace" {
			return podNamespace, true
		}
		return "", false
	}
	return "", false
}

// containerFlags returns the long flags (--name=value or --name value) on a
// container's command line, the last occurrence winning as with pflag. An
// argument that is a whole shell command line is split on whitespace.
func containerFlags(c *corev1.Container, podNamespace string) map[string]string {
	var tokens []string
	for _, list := range [][]string{c.Command, c.Args} {
		for _, t := range list {
			if !strings.HasPrefix(t, "-") && strings.ContainsAny(t, " \t\n") {
				for _, f := range strings.Fields(t) {
					tokens = append(tokens, strings.Trim(f, `'"`))
				}
				continue
			}
			tokens = append(tokens, t)
		}
	}
	var flags map[string]string
	for i := 0; i < len(tokens); i++ {
		t := tokens[i]
		if !strings.HasPrefix(t, "--") || len(t) == 2 {
			continue
		}
		name, value, hasValue := strings.Cut(t[2:], "=")
		if !hasValue && i+1 < len(tokens) && !strings.HasPrefix(tokens[i+1], "-") {
			value = tokens[i+1]
			i++
		}
		value = envRef.ReplaceAllStringFunc(value, func(ref string) string {
			if v, ok := envValue(c, ref[2:len(ref)-1], podNamespace); ok {
				return v
			}
			return ref
		})
		if flags == nil {
			flags = map[string]string{}
		}
		flags[name] = value
	}
	return flags
}

// targetsDeployment reports whether a --target value (kind/name, possibly a
// comma-separated list, case-insensitive) names the Deployment name.
func targetsDeployment(target, name string) bool {
	for _, t := range strings.Split(strings.ToLower(target), ",") {
		kind, n, ok := strings.Cut(strings.TrimSpace(t), "/")
		if !ok || n != strings.ToLower(name) {
			continue
		}
		parts := strings.Split(kind, ".")
		if parts[0] != "deployment" && parts[0] != "deployments" {
			continue
		}
		if len(parts) > 1 && parts[len(parts)-1] != "apps" {
			continue
		}
		return true
	}
	return false
}

// findCPAs returns the cluster-proportional-autoscalers targeting d, sorted
// by namespace and name, and those that do but are scaled to 0.
func findCPAs(s *cluster.Snapshot, d *appsv1.Deployment) (running []cpa, stopped []string) {
	for i := range s.Deployments {
		a := &s.Deployments[i]
		if a == d {
			continue
		}
		for j := range a.Spec.Template.Spec.Containers {
			c := &a.Spec.Template.Spec.Containers[j]
			flags := containerFlags(c, a.Namespace)
			if flags["target"] == "" || !targetsDeployment(flags["target"], d.Name) {
				continue
			}
			ns := flags["namespace"]
			if ns == "" {
				ns, _ = envValue(c, podNamespaceEnv, a.Namespace)
			}
			if ns == "" {
				ns = a.Namespace
			}
			if ns != d.Namespace {
				continue
			}
			found := cpa{deploy: a, namespace: ns, configMap: flags["configmap"],
				defaultParams: flags["default-params"], nodeLabels: flags["nodelabels"]}
			if desiredReplicas(a) == 0 {
				stopped = append(stopped, found.name())
			} else {
				running = append(running, found)
			}
			break
		}
	}
	sort.Slice(running, func(i, j int) bool { return running[i].name() < running[j].name() })
	sort.Strings(stopped)
	return running, stopped
}

// cpaPlan is what we know of an autoscaler's parameters.
type cpaPlan struct {
	params *linearParams // nil when not known or not linear
	source string        // where the parameters came from, or why they are unknown
	err    error         // invalid linear parameters: the autoscaler cannot scale
}

// planFor reads an autoscaler's linear parameters from its ConfigMap when the
// snapshot has it, else from --default-params (which the autoscaler writes to
// the ConfigMap when that is missing).
func planFor(s *cluster.Snapshot, a cpa) cpaPlan {
	cmName := a.namespace + "/" + a.configMap
	if a.configMap != "" {
		if cm, ok := s.ConfigMap(a.namespace, a.configMap); ok {
			src := "ConfigMap " + cmName
			if data, ok := cm.Data["linear"]; ok {
				p, err := parseLinearParams(data)
				if err != nil {
					return cpaPlan{source: src, err: err}
				}
				return cpaPlan{params: &p, source: src}
			}
			if _, ok := cm.Data["ladder"]; ok {
				return cpaPlan{source: src + " (ladder mode, not recomputed)"}
			}
			return cpaPlan{source: src, err: errors.New("the ConfigMap has neither a linear nor a ladder key")}
		}
	}
	missing := "ConfigMap " + cmName + " not in the snapshot"
	if a.configMap == "" {
		missing = "no --configmap flag"
	}
	if a.defaultParams != "" {
		var modes map[string]json.RawMessage
		if err := json.Unmarshal([]byte(a.defaultParams), &modes); err == nil {
			src := "--default-params (" + missing + ")"
			if raw, ok := modes["linear"]; ok {
				p, err := parseLinearParams(string(raw))
				if err != nil {
					return cpaPlan{source: src, err: err}
				}
				return cpaPlan{params: &p, source: src}
			}
			if _, ok := modes["ladder"]; ok {
				return cpaPlan{source: src + " (ladder mode, not recomputed)"}
			}
		}
	}
	return cpaPlan{source: "seaworthy defaults (" + missing + ")"}
}

func formatCores(cores float64) string {
	return strconv.FormatFloat(cores, 'f', -1, 64)
}

func evalDNS002(in *Input) []Result {
	s, o := in.Snapshot, in.Options
	active, _ := findDNSDeployments(s)
	if len(active) == 0 {
		return []Result{noDNSResult(StatusNA)}
	}
	all := countNodes(s.Nodes, nil)
	var out []Result
	for _, d := range active {
		out = append(out, dns002For(s, o, d, all))
	}
	return out
}

func dns002For(s *cluster.Snapshot, o *Options, d *appsv1.Deployment, all nodeCounts) Result {
	ref, current := deploymentRef(d), desiredReplicas(d)
	if all.schedulable == 0 {
		return result.New(StatusSkip, ref, fmt.Sprintf(
			"The snapshot has no schedulable nodes (%d in all), so the replicas %s needs cannot be computed.", all.total, d.Name),
			map[string]any{"deployment": d.Name, "nodes": all.total})
	}
	nodes, cores := all.pick(false)
	wanted := proportionalReplicas(cores, nodes, o.DNSCoresPerReplica, o.DNSNodesPerReplica)
	ev := map[string]any{
		"deployment": d.Name, "current": current, "wanted": wanted,
		"nodes": nodes, "cores": cores, "unschedulableNodes": all.total - all.schedulable,
		"coresPerReplica": o.DNSCoresPerReplica, "nodesPerReplica": o.DNSNodesPerReplica,
	}
	rule := fmt.Sprintf("max(ceil(%s cores/%s), ceil(%d nodes/%s))", formatCores(cores),
		formatCores(o.DNSCoresPerReplica), nodes, formatCores(o.DNSNodesPerReplica))

	var hpas []string
	for i := range s.HPAs {
		h := &s.HPAs[i]
		t := h.Spec.ScaleTargetRef
		group := ""
		if g, _, ok := strings.Cut(t.APIVersion, "/"); ok {
			group = g
		}
		if h.Namespace == d.Namespace && t.Kind == "Deployment" && t.Name == d.Name &&
			(group == "apps" || group == "extensions" || group == "") {
			hpas = append(hpas, h.Name)
		}
	}
	sort.Strings(hpas)
	if len(hpas) > 0 {
		ev["autoscaler"] = "HorizontalPodAutoscaler " + d.Namespace + "/" + hpas[0]
		return result.New(StatusPass, ref, fmt.Sprintf(
			"%s is scaled by HorizontalPodAutoscaler %s (now %d replicas; the proportional rule wants %d).",
			d.Name, hpas[0], current, wanted), ev)
	}

	cpas, stopped := findCPAs(s, d)
	if len(stopped) > 0 {
		ev["stoppedAutoscalers"] = stopped
	}
	var broken []string
	for _, a := range cpas {
		plan := planFor(s, a)
		if plan.err != nil {
			broken = append(broken, fmt.Sprintf("%s: %s: %v", a.name(), plan.source, plan.err))
			continue
		}
		ev["autoscaler"] = "cluster-proportional-autoscaler Deployment " + a.name()
		ev["paramsSource"] = plan.source
		if plan.params == nil {
			return result.New(StatusPass, ref, fmt.Sprintf(
				"%s is scaled by the cluster-proportional-autoscaler %s (now %d replicas; the proportional rule wants %d).",
				d.Name, a.name(), current, wanted), ev)
		}
		p := *plan.params
		counts := all
		if a.nodeLabels != "" {
			if sel, err := labels.Parse(a.nodeLabels); err == nil {
				counts = countNodes(s.Nodes, sel)
				ev["nodeLabels"] = a.nodeLabels
			}
		}
		n, c := counts.pick(p.IncludeUnschedulableNodes)
		want := p.replicas(n, c)
		ev["wanted"], ev["nodes"], ev["cores"] = want, n, c
		ev["coresPerReplica"], ev["nodesPerReplica"] = p.CoresPerReplica, p.NodesPerReplica
		ev["min"], ev["max"] = p.Min, p.Max
		ev["preventSinglePointFailure"], ev["includeUnschedulableNodes"] = p.PreventSinglePointFailure, p.IncludeUnschedulableNodes
		if want != current {
			return result.New(StatusInfo, ref, fmt.Sprintf(
				"The cluster-proportional-autoscaler %s would set %s to %d replicas for %d nodes and %s cores, but it has %d; check that the autoscaler is running and can scale it.",
				a.name(), d.Name, want, n, formatCores(c), current), ev)
		}
		return result.New(StatusPass, ref, fmt.Sprintf(
			"%s is scaled by the cluster-proportional-autoscaler %s, which wants %d replicas for %d nodes and %s cores, as it has.",
			d.Name, a.name(), want, n, formatCores(c)), ev)
	}
	if len(broken) > 0 {
		ev["brokenAutoscalers"] = broken
	}
	if current < wanted {
		msg := fmt.Sprintf("%s runs %d replicas, below the %d wanted by the proportional rule %s, and no autoscaler targets it; deploy the cluster-proportional-autoscaler for it or scale it to %d.",
			d.Name, current, wanted, rule, wanted)
		if len(broken) > 0 {
			msg = fmt.Sprintf("%s runs %d replicas, below the %d wanted by the proportional rule %s, and its cluster-proportional-autoscaler has invalid linear parameters (%s); fix them or scale it to %d.",
				d.Name, current, wanted, rule, broken[0], wanted)
		}
		return result.New(StatusWarn, ref, msg, ev)
	}
	if len(broken) > 0 {
		return result.New(StatusInfo, ref, fmt.Sprintf(
			"%s has %d replicas, enough for the proportional rule %s, but its cluster-proportional-autoscaler has invalid linear parameters (%s); fix them.",
			d.Name, current, rule, broken[0]), ev)
	}
	return result.New(StatusPass, ref, fmt.Sprintf(
		"%s runs %d replicas, at least the %d wanted by the proportional rule %s.", d.Name, current, wanted, rule), ev)
}

// --- DNS-003 ----------------------------------------------------------------

// podReady reports whether a pod is running, ready and not terminating.
func podReady(p *corev1.Pod) bool {
	if p.DeletionTimestamp != nil || p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
		return false
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func evalDNS003(in *Input) []Result {
	s := in.Snapshot
	active, _ := findDNSDeployments(s)
	if len(active) == 0 {
		return []Result{noDNSResult(StatusNA)}
	}
	// Pods first by namespace: one pass over all pods keeps only the few
	// that can belong to cluster DNS.
	var nsPods []*corev1.Pod
	for i := range s.Pods {
		if s.Pods[i].Namespace == dnsNamespace {
			nsPods = append(nsPods, &s.Pods[i])
		}
	}
	// Nodes once: zone by name, schedulable count and zones.
	zoneOf := make(map[string]string, len(s.Nodes))
	schedZones := map[string]bool{}
	schedulable := 0
	for i := range s.Nodes {
		n := &s.Nodes[i]
		z := nodeZone(n)
		zoneOf[n.Name] = z
		if !n.Spec.Unschedulable {
			schedulable++
			if z != "" {
				schedZones[z] = true
			}
		}
	}
	var out []Result
	for _, d := range active {
		out = append(out, dns003For(d, nsPods, zoneOf, schedulable, dnsSortedKeys(schedZones)))
	}
	return out
}

func dns003For(d *appsv1.Deployment, nsPods []*corev1.Pod, zoneOf map[string]string, schedulable int, clusterZones []string) Result {
	ref := deploymentRef(d)
	sel, err := deploymentSelector(d)
	if err != nil {
		return result.New(StatusSkip, ref, fmt.Sprintf("The pods of %s cannot be found because %v.", d.Name, err),
			map[string]any{"deployment": d.Name})
	}
	podNodes := map[string]int{}
	podZones := map[string]bool{}
	ready, unknownZone := 0, 0
	for _, p := range nsPods {
		if p.Spec.NodeName == "" || !podReady(p) || !sel.Matches(labels.Set(p.Labels)) {
			continue
		}
		ready++
		podNodes[p.Spec.NodeName]++
		if z := zoneOf[p.Spec.NodeName]; z != "" {
			podZones[z] = true
		} else {
			unknownZone++
		}
	}
	ev := map[string]any{
		"deployment": d.Name, "readyPods": ready, "podNodes": len(podNodes), "podZones": dnsSortedKeys(podZones),
		"schedulableNodes": schedulable, "clusterZones": clusterZones,
	}
	if unknownZone > 0 {
		ev["podsWithoutZone"] = unknownZone
	}
	if ready == 0 {
		if d.Status.ReadyReplicas == 0 {
			return result.New(StatusNA, ref, fmt.Sprintf("%s has no ready pods to spread; DNS-001 reports it.", d.Name), ev)
		}
		return result.New(StatusSkip, ref, fmt.Sprintf(
			"%s reports %d ready replicas but the snapshot holds no ready, scheduled pods matching its selector, so their placement cannot be checked.",
			d.Name, d.Status.ReadyReplicas), ev)
	}
	if len(podNodes) == 1 {
		node := dnsSortedKeys(podNodes)[0]
		ev["node"] = node
		pods := fmt.Sprintf("All %d ready %s pods run", ready, d.Name)
		if ready == 1 {
			pods = fmt.Sprintf("The only ready %s pod runs", d.Name)
		}
		if schedulable <= 1 {
			return result.New(StatusInfo, ref, fmt.Sprintf(
				"%s on node %s because the cluster has %d schedulable node; add nodes before relying on it in production.",
				pods, node, schedulable), ev)
		}
		return result.New(StatusWarn, ref, fmt.Sprintf(
			"%s on node %s, so losing that node stops cluster DNS; spread them with topologySpreadConstraints on kubernetes.io/hostname across the %d schedulable nodes.",
			pods, node, schedulable), ev)
	}
	if len(clusterZones) > 1 && unknownZone == 0 && len(podZones) == 1 {
		zone := dnsSortedKeys(podZones)[0]
		return result.New(StatusWarn, ref, fmt.Sprintf(
			"All %d ready %s pods run in zone %s (on %d nodes) while schedulable nodes span %d zones, so a zone outage stops cluster DNS; spread them with topologySpreadConstraints on topology.kubernetes.io/zone.",
			ready, d.Name, zone, len(podNodes), len(clusterZones)), ev)
	}
	return result.New(StatusPass, ref, fmt.Sprintf(
		"The %d ready %s pods run on %d nodes in %d zones.", ready, d.Name, len(podNodes), len(podZones)), ev)
}

func dnsSortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// --- DNS-004 ----------------------------------------------------------------

// pdbBudget applies the disruption controller's arithmetic to a PDB guarding
// replicas pods, all of them healthy: both minAvailable and maxUnavailable
// percentages round up; desiredHealthy is replicas - maxUnavailable (at least
// 0) or minAvailable, and 0 when neither is set; allowed is replicas -
// desiredHealthy (at least 0). An invalid value is an error, on which the
// controller allows no disruption.
func pdbBudget(spec policyv1.PodDisruptionBudgetSpec, replicas int) (desiredHealthy, allowed int, err error) {
	switch {
	case spec.MaxUnavailable != nil:
		mu, err := intstr.GetScaledValueFromIntOrPercent(spec.MaxUnavailable, replicas, true)
		if err != nil {
			return 0, 0, fmt.Errorf("maxUnavailable %s: %w", spec.MaxUnavailable.String(), err)
		}
		desiredHealthy = max(replicas-mu, 0)
	case spec.MinAvailable != nil:
		ma, err := intstr.GetScaledValueFromIntOrPercent(spec.MinAvailable, replicas, true)
		if err != nil {
			return 0, 0, fmt.Errorf("minAvailable %s: %w", spec.MinAvailable.String(), err)
		}
		desiredHealthy = ma
	}
	return desiredHealthy, max(replicas-desiredHealthy, 0), nil
}

// pdbSetting renders the budget field a PDB sets.
func pdbSetting(spec policyv1.PodDisruptionBudgetSpec) string {
	switch {
	case spec.MaxUnavailable != nil:
		return "maxUnavailable " + spec.MaxUnavailable.String()
	case spec.MinAvailable != nil:
		return "minAvailable " + spec.MinAvailable.String()
	}
	return "neither minAvailable nor maxUnavailable"
}

func evalDNS004(in *Input) []Result {
	s := in.Snapshot
	active, _ := findDNSDeployments(s)
	if len(active) == 0 {
		return []Result{noDNSResult(StatusNA)}
	}
	var out []Result
	for _, d := range active {
		out = append(out, dns004For(s, d))
	}
	return out
}

func dns004For(s *cluster.Snapshot, d *appsv1.Deployment) Result {
	ref, replicas := deploymentRef(d), desiredReplicas(d)
	podLabels := labels.Set(d.Spec.Template.Labels)
	var pdbs []*policyv1.PodDisruptionBudget
	for i := range s.PDBs {
		p := &s.PDBs[i]
		if p.Namespace != d.Namespace {
			continue
		}
		sel, err := metav1.LabelSelectorAsSelector(p.Spec.Selector)
		if err != nil || !sel.Matches(podLabels) {
			continue
		}
		pdbs = append(pdbs, p)
	}
	sort.Slice(pdbs, func(i, j int) bool { return pdbs[i].Name < pdbs[j].Name })
	ev := map[string]any{"deployment": d.Name, "desired": replicas}
	switch len(pdbs) {
	case 0:
		return result.New(StatusWarn, ref, fmt.Sprintf(
			"No PodDisruptionBudget in %s selects the %s pods, so a node drain or upgrade can evict all %d at once; create one with maxUnavailable: 1.",
			d.Namespace, d.Name, replicas), ev)
	case 1:
	default:
		names := make([]string, len(pdbs))
		for i, p := range pdbs {
			names[i] = p.Name
		}
		ev["pdbs"] = names
		return result.New(StatusWarn, ref, fmt.Sprintf(
			"%d PodDisruptionBudgets (%s) select the %s pods, and the eviction API refuses to evict a pod covered by more than one, so drains of their nodes block; keep exactly one.",
			len(pdbs), strings.Join(names, ", "), d.Name), ev)
	}
	p := pdbs[0]
	ev["pdb"] = p.Name
	ev["setting"] = pdbSetting(p.Spec)
	desiredHealthy, allowed, err := pdbBudget(p.Spec, replicas)
	if err != nil {
		ev["error"] = err.Error()
		return result.New(StatusWarn, ref, fmt.Sprintf(
			"PodDisruptionBudget %s for %s has an invalid %v, on which the disruption controller allows no disruption, so drains block; set maxUnavailable: 1.",
			p.Name, d.Name, err), ev)
	}
	ev["desiredHealthy"], ev["disruptionsAllowed"] = desiredHealthy, allowed
	switch {
	case allowed <= 0:
		return result.New(StatusWarn, ref, fmt.Sprintf(
			"PodDisruptionBudget %s (%s) allows no disruption of the %d %s pods, so node drains and upgrades block; set maxUnavailable: 1.",
			p.Name, pdbSetting(p.Spec), replicas, d.Name), ev)
	case desiredHealthy <= 0:
		return result.New(StatusWarn, ref, fmt.Sprintf(
			"PodDisruptionBudget %s (%s) keeps none of the %d %s pods available, so a drain can still evict them all at once; set maxUnavailable: 1.",
			p.Name, pdbSetting(p.Spec), replicas, d.Name), ev)
	}
	return result.New(StatusPass, ref, fmt.Sprintf(
		"PodDisruptionBudget %s (%s) lets %d of the %d %s pods be disrupted at a time.",
		p.Name, pdbSetting(p.Spec), allowed, replicas, d.Name), ev)
}

// --- DNS-005 ----------------------------------------------------------------

// missingResources lists the resource settings a container lacks. A request
// left unset counts as set when the resource has a limit: the API server
// defaults requests to limits.
func missingResources(c *corev1.Container) []string {
	set := func(l corev1.ResourceList, r corev1.ResourceName) bool {
		q, ok := l[r]
		return ok && !q.IsZero()
	}
	var missing []string
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if !set(c.Resources.Requests, r) && !set(c.Resources.Limits, r) {
			missing = append(missing, "requests."+string(r))
		}
	}
	if !set(c.Resources.Limits, corev1.ResourceMemory) {
		missing = append(missing, "limits.memory")
	}
	return missing
}

func evalDNS005(in *Input) []Result {
	active, _ := findDNSDeployments(in.Snapshot)
	if len(active) == 0 {
		return []Result{noDNSResult(StatusNA)}
	}
	var out []Result
	for _, d := range active {
		missing := map[string][]string{}
		var parts []string
		for i := range d.Spec.Template.Spec.Containers {
			c := &d.Spec.Template.Spec.Containers[i]
			if m := missingResources(c); len(m) > 0 {
				missing[c.Name] = m
				parts = append(parts, fmt.Sprintf("%s lacks %s", c.Name, strings.Join(m, ", ")))
			}
		}
		ev := map[string]any{"deployment": d.Name, "containers": len(d.Spec.Template.Spec.Containers)}
		if len(missing) == 0 {
			out = append(out, result.New(StatusPass, deploymentRef(d), fmt.Sprintf(
				"Every %s container sets cpu and memory requests and a memory limit.", d.Name), ev))
			continue
		}
		ev["missing"] = missing
		out = append(out, result.New(StatusWarn, deploymentRef(d), fmt.Sprintf(
			"In %s, container %s; set cpu and memory requests and a memory limit on each (CoreDNS upstream: 100m, 70Mi, limit 170Mi).",
			d.Name, strings.Join(parts, "; container ")), ev))
	}
	return out
}

// --- DNS-006 ----------------------------------------------------------------

func isNodeLocalDNS(ds *appsv1.DaemonSet) bool {
	return ds.Name == nodeLocalDNS || ds.Labels[dnsAppLabel] == nodeLocalDNS ||
		ds.Labels["app.kubernetes.io/name"] == nodeLocalDNS
}

func evalDNS006(in *Input) []Result {
	s, o := in.Snapshot, in.Options
	ref := ObjectRef{}
	if active, _ := findDNSDeployments(s); len(active) > 0 {
		ref = deploymentRef(active[0])
	}
	nodes := len(s.Nodes)
	ev := map[string]any{"nodes": nodes, "largeClusterNodes": o.LargeClusterNodes}
	var found []*appsv1.DaemonSet
	for i := range s.DaemonSets {
		if isNodeLocalDNS(&s.DaemonSets[i]) {
			found = append(found, &s.DaemonSets[i])
		}
	}
	if len(found) > 0 {
		sort.Slice(found, func(i, j int) bool {
			if found[i].Namespace != found[j].Namespace {
				return found[i].Namespace < found[j].Namespace
			}
			return found[i].Name < found[j].Name
		})
		ds := found[0]
		ev["daemonSet"] = ds.Namespace + "/" + ds.Name
		ev["desiredScheduled"], ev["ready"] = int(ds.Status.DesiredNumberScheduled), int(ds.Status.NumberReady)
		return []Result{result.New(StatusPass, ref, fmt.Sprintf(
			"NodeLocal DNSCache runs as DaemonSet %s/%s (%d of %d pods ready).",
			ds.Namespace, ds.Name, ds.Status.NumberReady, ds.Status.DesiredNumberScheduled), ev)}
	}
	if nodes >= o.LargeClusterNodes {
		return []Result{result.New(StatusWarn, ref, fmt.Sprintf(
			"The cluster has %d nodes (large from %d) and no NodeLocal DNSCache, so every lookup crosses the network to cluster DNS; deploy the node-local-dns DaemonSet.",
			nodes, o.LargeClusterNodes), ev)}
	}
	return []Result{result.New(StatusInfo, ref, fmt.Sprintf(
		"The cluster has %d nodes and no NodeLocal DNSCache; consider the node-local-dns DaemonSet to cut DNS latency and conntrack load, and deploy it before reaching %d nodes.",
		nodes, o.LargeClusterNodes), ev)}
}
