package quota

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

var quota003 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "QUOTA-003",
		Title:    "ResourceQuota usage below its hard limits",
		Category: Category,
		Rule: "For each ResourceQuota in a user namespace and each resource in status.hard, ratio = status.used / status.hard " +
			"(cpu in millicores, other resources in whole units: bytes or counts). Any ratio ≥ WarnRatio (default 0.8) → warn; " +
			"≥ FailRatio (default 1.0) → fail; the worst resource decides and the message names every resource at or over the warning threshold. " +
			"A hard limit of 0 forbids the resource: used > 0 → fail, used 0 → ok. A quota with no status.hard (not yet admitted, " +
			"or read from manifests) → skip, as is one whose status.used lacks a resource while the others are below the threshold.",
		Rationale: "At its hard limit a quota rejects new pods, Services or volumes outright: deployments stall mid-rollout, " +
			"autoscalers cannot scale out and Jobs stop starting. Warning at 80% leaves time to raise the quota or free capacity.",
		Remediation: "Raise the resource in the ResourceQuota's spec.hard (kubectl edit resourcequota -n NAMESPACE NAME) if the usage is legitimate, " +
			"or free capacity: scale down or delete unused workloads, right-size requests (see `seaworthy recommend`), delete unused PVCs or Services.",
	},
	Needs: []cluster.Kind{cluster.KindResourceQuotas},
	Eval:  evalQuota003,
}

// quotaUsage is one resource of one quota, measured.
type quotaUsage struct {
	resource  corev1.ResourceName
	used      resource.Quantity
	hard      resource.Quantity
	ratio     float64 // used/hard; meaningless when forbidden
	forbidden bool    // hard is 0 and used > 0
}

// level is the usage's status against the thresholds: pass, warn or fail.
func (u quotaUsage) level(o *Options) result.Status {
	switch {
	case u.forbidden || u.ratio >= o.FailRatio:
		return result.StatusFail
	case u.ratio >= o.WarnRatio:
		return result.StatusWarn
	}
	return result.StatusPass
}

// describe writes the usage for a message: used in the unit of hard (cpu in
// cores), and the percentage rounded so that it never shows a threshold of
// o it has not reached.
func (u quotaUsage) describe(o *Options) string {
	if u.forbidden {
		return fmt.Sprintf("%s used %s although hard is %s (forbidden)", u.resource, u.used.String(), u.hard.String())
	}
	used, hard := inUnitOf(u.resource, u.used, u.hard)
	return fmt.Sprintf("%s used %s of %s (%s)", u.resource, used, hard, percent(u.ratio, o.WarnRatio, o.FailRatio))
}

func (u quotaUsage) evidence() map[string]any {
	e := map[string]any{"resource": string(u.resource), "used": u.used.String(), "hard": u.hard.String()}
	if !u.forbidden {
		e["ratio"] = ratio4(u.ratio)
	}
	return e
}

// isCPUResource reports whether a quota resource is measured in cores, and
// so compared in millicores.
func isCPUResource(name corev1.ResourceName) bool {
	return name == corev1.ResourceCPU || name == corev1.ResourceRequestsCPU || name == corev1.ResourceLimitsCPU
}

// maxExactUnits is the largest integer a float64 holds exactly (2^53).
const maxExactUnits = 1 << 53

// exactUnits returns q in whole units at scale (rounded up, as Kubernetes
// does), or false when the value is too large to divide exactly in float64.
func exactUnits(q resource.Quantity, scale resource.Scale) (int64, bool) {
	// Compare before scaling: ScaledValue can overflow silently.
	limit := resource.NewScaledQuantity(maxExactUnits, scale)
	if q.Cmp(*limit) > 0 || q.Sign() < 0 {
		return 0, false
	}
	return q.ScaledValue(scale), true
}

// usageRatio returns used/hard for a quota resource: cpu in millicores,
// everything else (bytes, counts, extended resources) in whole units, both
// exact integers so that e.g. 1500m of 2 is exactly 0.75 and 800m of 1 is
// exactly 0.8. Values beyond 2^53 units fall back to approximate floats.
// hard must not be zero.
func usageRatio(name corev1.ResourceName, used, hard resource.Quantity) float64 {
	scale := resource.Scale(0)
	if isCPUResource(name) {
		scale = resource.Milli
	}
	if u, ok := exactUnits(used, scale); ok {
		if h, ok := exactUnits(hard, scale); ok && h > 0 {
			return float64(u) / float64(h)
		}
	}
	return used.AsApproximateFloat64() / hard.AsApproximateFloat64()
}

// measureQuota returns the measured resources of q's status, sorted by
// name, and the resources whose usage is missing from status.used.
func measureQuota(q *corev1.ResourceQuota) (usages []quotaUsage, unknown []string) {
	names := make([]string, 0, len(q.Status.Hard))
	for name := range q.Status.Hard {
		names = append(names, string(name))
	}
	sort.Strings(names)
	for _, n := range names {
		name := corev1.ResourceName(n)
		hard := q.Status.Hard[name]
		used, ok := q.Status.Used[name]
		if !ok {
			unknown = append(unknown, n)
			continue
		}
		u := quotaUsage{resource: name, used: used, hard: hard}
		switch {
		case hard.Sign() <= 0:
			u.forbidden = used.Sign() > 0
		default:
			u.ratio = usageRatio(name, used, hard)
		}
		usages = append(usages, u)
	}
	return usages, unknown
}

func evalQuota003(in *check.Input, o *Options) []result.Result {
	s := in.Snapshot
	sc := newNSScope(in.Index, o)
	var out []result.Result
	for i := range s.ResourceQuotas {
		q := &s.ResourceQuotas[i]
		ns := q.Namespace
		if !sc.user(ns) {
			continue
		}
		out = append(out, quotaUsageResult(q, ns, o))
	}
	if len(out) == 0 {
		return []result.Result{result.New(result.StatusNA, result.Cluster, "no ResourceQuota in a user namespace", nil)}
	}
	return out
}

// quotaUsageResult judges one quota: the worst resource decides.
func quotaUsageResult(q *corev1.ResourceQuota, ns string, o *Options) result.Result {
	ref := result.Ref("v1", "ResourceQuota", ns, q.Name)
	label := "ResourceQuota " + ns + "/" + q.Name
	if len(q.Status.Hard) == 0 {
		return result.New(result.StatusSkip, ref,
			label+" has no status.hard, so its usage is unknown (it was read from manifests or not yet admitted by the quota controller); audit the live cluster.",
			map[string]any{"reason": "no-status"})
	}
	usages, unknown := measureQuota(q)

	// Worst first: forbidden, then by ratio, then by name.
	sort.SliceStable(usages, func(i, j int) bool {
		a, b := usages[i], usages[j]
		if a.forbidden != b.forbidden {
			return a.forbidden
		}
		if a.ratio != b.ratio {
			return a.ratio > b.ratio
		}
		return a.resource < b.resource
	})
	worst := result.StatusPass
	var hot []quotaUsage
	for _, u := range usages {
		if l := u.level(o); l != result.StatusPass {
			hot = append(hot, u)
			if l.Severity() > worst.Severity() {
				worst = l
			}
		}
	}

	if worst == result.StatusPass {
		ev := map[string]any{"resources": len(usages)}
		if len(unknown) > 0 {
			ev["unknown"] = unknown
			return result.New(result.StatusSkip, ref,
				fmt.Sprintf("%s has no status.used for %s, so its usage is unknown (the quota controller has not synced it yet).",
					label, strings.Join(unknown, ", ")), ev)
		}
		all := fmt.Sprintf("all %d resources are", len(usages))
		if len(usages) == 1 {
			all = "its one resource is"
		}
		msg := fmt.Sprintf("%s: %s below %s of hard.", label, all, percent(o.WarnRatio))
		if len(usages) > 0 && usages[0].ratio > 0 {
			top := usages[0]
			msg = fmt.Sprintf("%s: %s below %s of hard (highest: %s).", label, all, percent(o.WarnRatio), top.describe(o))
			for k, v := range top.evidence() {
				ev[k] = v
			}
		}
		return result.New(result.StatusPass, ref, msg, ev)
	}

	items := make([]string, len(hot))
	list := make([]map[string]any, len(hot))
	for i, u := range hot {
		items[i] = u.describe(o)
		list[i] = u.evidence()
	}
	// The worst resource's fields at the top level, every hot one in "over".
	ev := hot[0].evidence()
	ev["over"] = list
	if len(unknown) > 0 {
		ev["unknown"] = unknown
	}
	var advice string
	if worst == result.StatusFail {
		advice = "requests beyond hard are rejected at admission; raise spec.hard or free capacity"
	} else {
		advice = fmt.Sprintf("at or above the %s warning threshold; raise spec.hard or free capacity before it is exhausted", percent(o.WarnRatio))
	}
	return result.New(worst, ref, fmt.Sprintf("%s: %s; %s.", label, strings.Join(items, ", "), advice), ev)
}

// percent formats a ratio as a percentage rounded half-up to one decimal
// (0.9375 → "93.8%", 0.75 → "75%"), except that a ratio below one of the
// thresholds never prints as reaching it: then it is truncated instead
// (0.79999 with threshold 0.8 → "79.9%", not "80%").
func percent(r float64, thresholds ...float64) string {
	p := math.Floor(r*1000+0.5+1e-9) / 10
	for _, t := range thresholds {
		if r < t && p >= math.Floor(t*1000+1e-9)/10 {
			p = math.Floor(r*1000+1e-9) / 10
			break
		}
	}
	return strconv.FormatFloat(p, 'f', -1, 64) + "%"
}

// ratio4 truncates a ratio to four decimals for evidence, like percent, so
// 0.79999 is 0.7999 and never reads as the 0.8 threshold it has not reached.
func ratio4(r float64) float64 { return math.Floor(r*10000+1e-9) / 10000 }
