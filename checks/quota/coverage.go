package quota

import (
	"fmt"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// uncoveredCap is the most uncovered namespace names QUOTA-005 lists in its
// evidence and message.
const uncoveredCap = 20

var quota005 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "QUOTA-005",
		Title:    "Cluster-wide ResourceQuota coverage",
		Category: Category,
		Rule: "coverage = user namespaces with a ResourceQuota (as in QUOTA-001) / user namespaces. " +
			"coverage < CoverageFail (default 0.5) → fail; < CoverageWarn (default 0.9) → warn; otherwise pass. " +
			"No user namespaces → na. " + quotaScope +
			"Infrastructure namespaces are not counted (evidence infrastructureNamespaces). " +
			"On manifest input the ratio counts only the namespaces the input defines (a Namespace object); namespaces it only refers to are not counted " +
			"(evidence referredNamespaces), and if it defines none → skip. A manifest input that holds no ResourceQuota at all → skip (evidence missingKind): " +
			"the ratio is a claim about the cluster and would rest only on a kind the input holds none of (a single add-on's bundle, a dump of deploy,ns), " +
			"while QUOTA-001 still names each defined namespace without a quota. Live input: every namespace counts.",
		Rationale: "Quotas protect a shared cluster only when (nearly) every tenant has one: a single unbounded namespace " +
			"can still exhaust nodes and starve the rest. Low coverage usually means namespaces are created without a standard template.",
		Remediation: "Create namespaces from a template that includes a ResourceQuota and a LimitRange (a Helm chart, a Kustomize base, " +
			"Capsule or HNC, or a Kyverno generate rule), and add quotas to the namespaces listed in the evidence.",
	},
	Needs: []cluster.Kind{cluster.KindNamespaces, cluster.KindResourceQuotas},
	Eval:  evalQuota005,
}

func evalQuota005(in *check.Input, o *Options) []result.Result {
	s := in.Snapshot
	sc := newNSScope(in.Index, o)
	n := sc.namespaces(in.Index)
	namespaces := n.defined
	infra := capped(n.infra)
	if len(namespaces) == 0 {
		if len(n.referred) == 0 {
			return []result.Result{result.New(result.StatusNA, result.Cluster,
				"no user namespaces (only system, excluded or infrastructure ones), so quota coverage does not apply", nil)}
		}
		names := capped(n.referred)
		return []result.Result{result.New(result.StatusSkip, result.Cluster,
			fmt.Sprintf("The input defines no user Namespace objects (it only refers to %s), and coverage is counted only over the namespaces the input defines, "+
				"since the others it shows only in part; audit the manifests with their Namespace objects, or the live cluster.", joinNames(names, len(n.referred))),
			map[string]any{"referredNamespaces": names})}
	}
	if sc.manifests && len(s.ResourceQuotas) == 0 {
		return []result.Result{result.New(result.StatusSkip, result.Cluster,
			fmt.Sprintf("The input holds no ResourceQuota objects, so the coverage of its %s would rest only on a kind it holds none of "+
				"(QUOTA-001 still names each namespace without one); include the quotas (kubectl get resourcequota -A -o yaml) or audit the live cluster.",
				check.Plural(len(namespaces), "namespace", fmt.Sprintf("%d namespaces", len(namespaces)))),
			map[string]any{"missingKind": "ResourceQuota", "total": len(namespaces)})}
	}
	limiting, _ := quotasByNamespace(s)
	uncovered := []string{}
	for _, ns := range namespaces {
		if len(limiting[ns]) == 0 {
			uncovered = append(uncovered, ns)
		}
	}
	total := len(namespaces)
	covered := total - len(uncovered)
	ratio := float64(covered) / float64(total)

	listed := uncovered
	if len(listed) > uncoveredCap {
		listed = listed[:uncoveredCap]
	}
	ev := map[string]any{"covered": covered, "total": total, "ratio": ratio4(ratio), "uncovered": listed}
	summary := fmt.Sprintf("%d of %d user namespaces (%s) have a ResourceQuota", covered, total, percent(ratio, o.CoverageFail, o.CoverageWarn))
	if len(n.infra) > 0 {
		ev["infrastructureNamespaces"] = infra
		summary += fmt.Sprintf(" (infrastructure not counted: %s)", joinNames(infra, len(n.infra)))
	}
	if len(n.referred) > 0 {
		ev["referredNamespaces"] = capped(n.referred)
	}
	var status result.Status
	var threshold float64
	switch {
	case ratio < o.CoverageFail:
		status, threshold = result.StatusFail, o.CoverageFail
	case ratio < o.CoverageWarn:
		status, threshold = result.StatusWarn, o.CoverageWarn
	default:
		return []result.Result{result.New(result.StatusPass, result.Cluster, summary+".", ev)}
	}
	return []result.Result{result.New(status, result.Cluster,
		fmt.Sprintf("%s, below the %s target; add quotas to %s.", summary, percent(threshold), joinNames(listed, len(uncovered))), ev)}
}
