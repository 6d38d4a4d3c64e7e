package addon

import (
	"fmt"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// evalADDON002 flags cluster-critical add-ons at an ordinary priority.
func evalADDON002(in *check.Input, o *Options) []result.Result {
	var out []result.Result
	critical := criticalAddons(in.Index, o)
	n := len(critical)
	for _, j := range critical {
		pc := j.w.Template.Spec.PriorityClassName
		if pc == index.PrioritySystemClusterCritical || pc == index.PrioritySystemNodeCritical {
			continue
		}
		want := index.PrioritySystemClusterCritical
		if j.w.Kind == index.KindDaemonSet && j.a.daemon {
			want = index.PrioritySystemNodeCritical
		}
		has := "sets no priorityClassName"
		if pc != "" {
			has = "runs at priority class " + pc
		}
		out = append(out, result.New(result.StatusWarn, j.w.Ref(), fmt.Sprintf(
			"%s %s, so under node pressure its pods are evicted and preempted before the workloads that need them; set priorityClassName: %s.",
			is(j), has, want), result.Evidence{"addon": j.a.name, "priorityClassName": pc, "suggestedPriorityClass": want}))
	}
	switch {
	case n == 0:
		return one(result.StatusNA, "No cluster-critical add-on (CoreDNS, metrics-server, an ingress controller, kube-proxy, a CNI, a CSI controller, cluster-autoscaler) in the add-on namespaces ("+namespaces(o)+" and infrastructure namespaces).")
	case len(out) == 0:
		return one(result.StatusPass, fmt.Sprintf("%s %s at priority system-cluster-critical or system-node-critical.",
			count(n, "cluster-critical add-on", "cluster-critical add-ons"), check.Plural(n, "runs", "run")))
	}
	return out
}
