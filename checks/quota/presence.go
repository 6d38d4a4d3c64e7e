package quota

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// quotaScope is the namespace scope QUOTA-001, 002, 004 and 005 share, as
// Rule text.
const quotaScope = "Which namespaces: system and excluded namespaces, and namespaces being deleted, are not evaluated. Infrastructure namespaces (ExemptInfrastructure, default on) are not asked for a quota or LimitRange: one that holds a node agent (a DaemonSet whose pods run on the host network or at priority system-node-critical: calico-node, cilium, kube-flannel, MetalLB's speaker), or whose workloads are all node-level (DaemonSets, or long-running pod specs on the host network or at system-node-critical or system-cluster-critical, as tigera-operator's; Jobs and CronJobs never are), since a compute quota there can keep a CNI or load balancer from starting on new nodes. "

var quota001 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "QUOTA-001",
		Title:    "Namespace has a ResourceQuota",
		Category: Category,
		Rule: "Each user namespace must hold at least one ResourceQuota that sets a hard limit (spec.hard or status.hard); " +
			"a namespace without one → warn, as is one whose quotas set no hard limits. " +
			quotaScope +
			"An infrastructure namespace → info, naming the workloads that make it one (and its quotas, if any). " +
			"Manifests are a part of a cluster: only namespaces the input defines (a Namespace object) are judged for lacking a quota; " +
			"a namespace the input only refers to (objects in it, no Namespace object: default for an add-on's one Role, a chart's release namespace) " +
			"is reported only for the quotas the input holds in it, and if nothing is left to report → skip. " +
			"A manifest input with no ResourceQuota at all still warns, each warning saying the input holds none (evidence missingKind): " +
			"a repository of Namespaces without quotas is a real finding, and the words tell the reader of a partial dump (kubectl get deploy,ns) why it appears. " +
			"Live input: every namespace is defined.",
		Rationale: "Without a ResourceQuota nothing stops one namespace from claiming the whole cluster's CPU, memory, " +
			"pods, Services or storage, starving every other team; a quota turns a runaway deployment into a rejected request.",
		Remediation: "Add a ResourceQuota sized for the namespace, for example:\n\n" +
			"    apiVersion: v1\n    kind: ResourceQuota\n    metadata: {name: compute, namespace: team-a}\n" +
			"    spec:\n      hard: {requests.cpu: \"8\", requests.memory: 16Gi, limits.memory: 32Gi, pods: \"100\"}\n\n" +
			"and a LimitRange with defaults (see QUOTA-004) so pods without requests are still admitted.",
	},
	Needs: []cluster.Kind{cluster.KindNamespaces, cluster.KindResourceQuotas},
	Eval:  evalQuota001,
}

var quota002 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "QUOTA-002",
		Title:    "Namespace has a LimitRange",
		Category: Category,
		Rule: "Each user namespace must hold at least one LimitRange with at least one limit; a namespace without one → warn, as is one whose LimitRanges set none. " +
			quotaScope +
			"On manifest input a namespace the input only refers to (no Namespace object) is reported only for the LimitRanges it holds (see QUOTA-001), " +
			"and an input that holds no LimitRange at all → skip (evidence missingKind): unlike a missing quota, the finding rests on that one kind alone, " +
			"the kind dumps most often leave out (kubectl get deploy,ns,resourcequota) and policy engines most often add outside a repository. " +
			"Live input: unchanged, every namespace judged.",
		Rationale: "A LimitRange gives containers that declare no requests or limits sensible defaults and bounds; " +
			"without one such pods are BestEffort (first evicted, invisible to the scheduler) or, under a compute quota, rejected.",
		Remediation: "Add a LimitRange with Container defaults, for example:\n\n" +
			"    apiVersion: v1\n    kind: LimitRange\n    metadata: {name: defaults, namespace: team-a}\n" +
			"    spec:\n      limits:\n      - type: Container\n" +
			"        defaultRequest: {cpu: 100m, memory: 128Mi}\n        default: {memory: 512Mi}",
	},
	Needs: []cluster.Kind{cluster.KindNamespaces, cluster.KindLimitRanges},
	Eval:  evalQuota002,
}

func evalQuota001(in *check.Input, o *Options) []result.Result {
	s := in.Snapshot
	sc := newNSScope(in.Index, o)
	n := sc.namespaces(in.Index)
	if len(n.defined)+len(n.referred)+len(n.infra) == 0 {
		return noUserNamespaces()
	}
	limiting, empty := quotasByNamespace(s)
	// Manifests with no ResourceQuota at all: the warnings stand (a bundle
	// of Namespaces without quotas is a finding) but say so.
	noneInInput := sc.manifests && len(s.ResourceQuotas) == 0
	out := make([]result.Result, 0, len(n.defined)+len(n.infra))
	for _, ns := range n.asked() {
		ref := namespaceRef(ns)
		if qs := limiting[ns]; len(qs) > 0 {
			sort.Strings(qs)
			out = append(out, result.New(result.StatusPass, ref,
				fmt.Sprintf("Namespace %s is bounded by ResourceQuota %s.", ns, strings.Join(qs, ", ")),
				map[string]any{"resourceQuotas": qs}))
			continue
		}
		if qs := empty[ns]; len(qs) > 0 {
			sort.Strings(qs)
			out = append(out, result.New(result.StatusWarn, ref,
				fmt.Sprintf("Namespace %s has ResourceQuota %s but it sets no hard limits; add spec.hard for cpu, memory and object counts.",
					ns, strings.Join(qs, ", ")),
				map[string]any{"resourceQuotas": []string{}, "emptyResourceQuotas": qs}))
			continue
		}
		if sc.referred(ns) {
			continue // not judged for what it lacks
		}
		msg := fmt.Sprintf("Namespace %s has no ResourceQuota, so its workloads can consume the whole cluster; add one with hard limits.", ns)
		ev := map[string]any{"resourceQuotas": []string{}}
		if noneInInput {
			msg += " (The input holds no ResourceQuota objects at all; if they are applied separately, audit them together with these manifests.)"
			ev["missingKind"] = "ResourceQuota"
		}
		out = append(out, result.New(result.StatusWarn, ref, msg, ev))
	}
	for _, ns := range n.infra {
		out = append(out, infrastructureResult(ns, sc.infra[ns], limiting[ns]))
	}
	if len(out) == 0 {
		return []result.Result{onlyReferred(n, "ResourceQuota")}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Object.Name < out[j].Object.Name })
	return out
}

// infrastructureResult is QUOTA-001's info on an infrastructure namespace:
// not asked for a quota, and why.
func infrastructureResult(ns string, in index.Infrastructure, quotas []string) result.Result {
	why := "every workload in it is node-level"
	if in.Agent {
		why = "it runs a node agent"
	}
	msg := fmt.Sprintf("Namespace %s holds node-level infrastructure (%s: %s), so it is not asked for a ResourceQuota or LimitRange: "+
		"a compute quota there can keep its pods from starting, on the nodes added later or before pod networking works.", ns, why, strings.Join(in.Workloads, "; "))
	ev := map[string]any{"nodeLevel": in.Workloads}
	if len(quotas) > 0 {
		qs := slices.Sorted(slices.Values(quotas))
		msg += fmt.Sprintf(" It has ResourceQuota %s; make sure it leaves room for one more agent pod per node.", strings.Join(qs, ", "))
		ev["resourceQuotas"] = qs
	}
	return result.New(result.StatusInfo, namespaceRef(ns), msg, ev)
}

func evalQuota002(in *check.Input, o *Options) []result.Result {
	s := in.Snapshot
	sc := newNSScope(in.Index, o)
	n := sc.namespaces(in.Index)
	if len(n.defined)+len(n.referred) == 0 {
		return noUserNamespaces()
	}
	if sc.manifests && len(s.LimitRanges) == 0 {
		return []result.Result{noLimitRangesInInput()}
	}
	limiting, empty := map[string][]string{}, map[string][]string{}
	for i := range s.LimitRanges {
		lr := &s.LimitRanges[i]
		ns := lr.Namespace
		if len(lr.Spec.Limits) > 0 {
			limiting[ns] = append(limiting[ns], lr.Name)
		} else {
			empty[ns] = append(empty[ns], lr.Name)
		}
	}
	out := make([]result.Result, 0, len(n.defined))
	for _, ns := range n.asked() {
		ref := namespaceRef(ns)
		if lrs := limiting[ns]; len(lrs) > 0 {
			sort.Strings(lrs)
			out = append(out, result.New(result.StatusPass, ref,
				fmt.Sprintf("Namespace %s has LimitRange %s.", ns, strings.Join(lrs, ", ")),
				map[string]any{"limitRanges": lrs}))
			continue
		}
		if lrs := empty[ns]; len(lrs) > 0 {
			sort.Strings(lrs)
			out = append(out, result.New(result.StatusWarn, ref,
				fmt.Sprintf("Namespace %s has LimitRange %s but it sets no limits; add a Container item with defaultRequest and default.",
					ns, strings.Join(lrs, ", ")),
				map[string]any{"limitRanges": []string{}, "emptyLimitRanges": lrs}))
			continue
		}
		if sc.referred(ns) {
			continue // not judged for what it lacks
		}
		out = append(out, result.New(result.StatusWarn, ref,
			fmt.Sprintf("Namespace %s has no LimitRange, so containers without requests run as BestEffort; add one with Container defaults.", ns),
			map[string]any{"limitRanges": []string{}}))
	}
	if len(out) == 0 {
		return []result.Result{onlyReferred(n, "LimitRange")}
	}
	return out
}

// noLimitRangesInInput is the single skip of QUOTA-002 and QUOTA-004 on
// manifests that hold no LimitRange at all.
func noLimitRangesInInput() result.Result {
	return result.New(result.StatusSkip, result.Cluster,
		"The input holds no LimitRange objects, so it cannot show which namespaces lack one (a dump such as kubectl get deploy,ns,resourcequota leaves them out); "+
			"include them (kubectl get limitrange -A -o yaml) or audit the live cluster.",
		map[string]any{"missingKind": "LimitRange"})
}

// quotaSetsLimits reports whether q constrains anything: a quota with no
// hard limits at all is not a quota.
func quotaSetsLimits(q *corev1.ResourceQuota) bool {
	return len(q.Spec.Hard) > 0 || len(q.Status.Hard) > 0
}

// quotasByNamespace indexes the names of quotas that set limits, and of
// those that set none, by namespace.
func quotasByNamespace(s *cluster.Snapshot) (limiting, empty map[string][]string) {
	limiting, empty = map[string][]string{}, map[string][]string{}
	for i := range s.ResourceQuotas {
		q := &s.ResourceQuotas[i]
		ns := q.Namespace
		if quotaSetsLimits(q) {
			limiting[ns] = append(limiting[ns], q.Name)
		} else {
			empty[ns] = append(empty[ns], q.Name)
		}
	}
	return limiting, empty
}
