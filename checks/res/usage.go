package res

import (
	"fmt"
	"strings"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/recommender"
	"github.com/seaworthy-k8s/seaworthy/result"
)

var res004 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "RES-004",
		Title:    "Requests match observed usage",
		Category: Category,
		Rule: "Only with usage history (audit --prometheus URL or --history-file FILE): every container the recommender could judge " +
			"(history of at least its minimum length, no HorizontalPodAutoscaler holding the resource) is compared with VPA's bounds from that history. " +
			"Warn when its cpu or memory request is below the lower bound (under-provisioned: throttled, or OOM-killed and evicted first) " +
			"or above the upper bound (over-provisioned: capacity paid for and never used), naming the bounds and the target; pass when both lie within them. " +
			"Without usage history: skip. With history that matched no container of the input: skip, naming why.",
		Rationale: "Requests are what the scheduler reserves. Far below usage, pods are packed onto nodes that cannot run them and are throttled or OOM-killed; " +
			"far above it, the cluster's capacity is reserved for nothing. VPA's recommender bounds are the band within which it would not act either.",
		Remediation: "Apply the recommendation: seaworthy recommend with the same history prints it, and -o patch or --kustomize DIR writes the patches.",
	},
	Needs: []cluster.Kind{cluster.KindDeployments, cluster.KindStatefulSets, cluster.KindDaemonSets, cluster.KindJobs, cluster.KindCronJobs},
	Eval:  evalRES004,
}

// evalRES004 compares current requests with the recommender's bounds.
func evalRES004(in *check.Input, _ *Options) []result.Result {
	if in.Usage == nil {
		return []result.Result{result.New(result.StatusSkip, result.Cluster,
			"No usage history was given (audit --prometheus URL or --history-file FILE), so requests are not compared with usage.", nil)}
	}
	var out []result.Result
	for _, c := range in.Usage.Containers {
		if c.Samples == 0 || c.Action == recommender.ActionSkip {
			continue
		}
		out = append(out, res004For(in, c))
	}
	if len(out) == 0 {
		why := "The usage history matched no container of the input"
		if n := len(in.Usage.Unmatched); n > 0 {
			why += fmt.Sprintf(" (%d pods in it map to no workload here)", n)
		}
		return []result.Result{result.New(result.StatusSkip, result.Cluster, why+", or none had enough of it, so no request is compared with usage.", nil)}
	}
	return out
}

// res004For judges one container's requests against its bounds.
func res004For(in *check.Input, c recommender.Container) result.Result {
	ref := refOf(c.Workload)
	e, cur := c.Estimate, c.Current.Requests
	ev := result.Evidence{"container": c.Container, "confidence": c.Confidence,
		"requests": settingsEvidence(cur), "lower": settingsEvidence(e.Lower), "target": settingsEvidence(e.Target), "upper": settingsEvidence(e.Upper)}
	var under, over []string
	judge := func(name string, cur, lo, up int64, f func(int64) string) {
		switch {
		case cur == 0:
			under = append(under, fmt.Sprintf("no %s request (lower bound %s)", name, f(lo)))
		case cur < lo:
			under = append(under, fmt.Sprintf("%s request %s below the lower bound %s", name, f(cur), f(lo)))
		case cur > up:
			over = append(over, fmt.Sprintf("%s request %s above the upper bound %s", name, f(cur), f(up)))
		}
	}
	judge("cpu", cur.CPUMillis, e.Lower.CPUMillis, e.Upper.CPUMillis, recommender.FormatCPU)
	judge("memory", cur.MemoryBytes, e.Lower.MemoryBytes, e.Upper.MemoryBytes, recommender.FormatMemory)
	target := fmt.Sprintf("cpu %s, memory %s", recommender.FormatCPU(e.Target.CPUMillis), recommender.FormatMemory(e.Target.MemoryBytes))
	span := recommender.HumanDuration(c.History)
	switch {
	case len(under) > 0:
		ev["underProvisioned"] = under
		return result.New(result.StatusWarn, ref, fmt.Sprintf("Container %s of %s %s has %s, from %s of history; it is throttled or OOM-killed and evicted first. Request about %s (the target).",
			c.Container, ref.Kind, ref.Name, strings.Join(append(under, over...), " and "), span, target), ev)
	case len(over) > 0:
		ev["overProvisioned"] = over
		return result.New(result.StatusWarn, ref, fmt.Sprintf("Container %s of %s %s has its %s, from %s of history: capacity reserved and never used. Request about %s (the target).",
			c.Container, ref.Kind, ref.Name, strings.Join(over, " and "), span, target), ev)
	}
	return result.New(result.StatusPass, ref, fmt.Sprintf("Container %s of %s %s requests within the bounds of %s of usage history (target %s).",
		c.Container, ref.Kind, ref.Name, span, target), ev)
}

// settingsEvidence writes amounts as Kubernetes quantities.
func settingsEvidence(a recommender.Amounts) map[string]string {
	return map[string]string{"cpu": recommender.FormatCPU(a.CPUMillis), "memory": recommender.FormatMemory(a.MemoryBytes)}
}

// refOf names a recommender workload in results.
func refOf(w recommender.Workload) result.ObjectRef {
	k, ok := cluster.LookupKind(w.APIVersion, w.Kind)
	if !ok {
		return result.ObjectRef{APIVersion: w.APIVersion, Kind: w.Kind, Namespace: w.Namespace, Name: w.Name}
	}
	return k.Ref(w.Namespace, w.Name)
}
