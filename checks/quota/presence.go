package quota

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

var quota001 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "QUOTA-001",
		Title:    "Namespace has a ResourceQuota",
		Category: Category,
		Rule: "Each user namespace must hold at least one ResourceQuota that sets a hard limit (spec.hard or status.hard); " +
			"a namespace without one → warn. System and excluded namespaces, and namespaces being deleted, are not evaluated.",
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
		Rule: "Each user namespace must hold at least one LimitRange with at least one limit; a namespace without one → warn. " +
			"System and excluded namespaces, and namespaces being deleted, are not evaluated.",
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
	namespaces := userNamespaces(in.Index, sc)
	if len(namespaces) == 0 {
		return noUserNamespaces()
	}
	limiting, empty := quotasByNamespace(s)
	out := make([]result.Result, 0, len(namespaces))
	for _, ns := range namespaces {
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
		out = append(out, result.New(result.StatusWarn, ref,
			fmt.Sprintf("Namespace %s has no ResourceQuota, so its workloads can consume the whole cluster; add one with hard limits.", ns),
			map[string]any{"resourceQuotas": []string{}}))
	}
	return out
}

func evalQuota002(in *check.Input, o *Options) []result.Result {
	s := in.Snapshot
	sc := newNSScope(in.Index, o)
	namespaces := userNamespaces(in.Index, sc)
	if len(namespaces) == 0 {
		return noUserNamespaces()
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
	out := make([]result.Result, 0, len(namespaces))
	for _, ns := range namespaces {
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
		out = append(out, result.New(result.StatusWarn, ref,
			fmt.Sprintf("Namespace %s has no LimitRange, so containers without requests run as BestEffort; add one with Container defaults.", ns),
			map[string]any{"limitRanges": []string{}}))
	}
	return out
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
