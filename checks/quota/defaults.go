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

var quota004 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "QUOTA-004",
		Title:    "Compute quota has LimitRange defaults",
		Category: Category,
		Rule: "In each user namespace whose ResourceQuotas constrain compute (spec.hard or status.hard holding requests.cpu, requests.memory, cpu, memory, " +
			"limits.cpu or limits.memory), each such resource must be defaulted by a Container-type LimitRange: limits.* by `default` " +
			"(or `max`, which Kubernetes copies into default), requests.*, cpu and memory by `defaultRequest` (or `default`, or `min`, " +
			"which Kubernetes copies into defaultRequest). Any resource not defaulted → warn, naming it. " +
			"Namespaces without a compute quota are not evaluated; if none has one the check reports na. " +
			quotaScope +
			"On manifest input an input that holds no LimitRange at all → skip (as in QUOTA-002), and a namespace the input only refers to " +
			"(its quota, no Namespace object) → pass when the input's LimitRanges default it, otherwise skip naming the resources: " +
			"its LimitRanges may be applied with the namespace outside the input.",
		Rationale: "When a quota constrains cpu or memory, the API server rejects every pod whose containers do not set that request or limit " +
			"(\"must specify limits.memory\"). Charts and operators that omit resources then fail to start in that namespace; " +
			"a LimitRange default fills the field in at admission instead.",
		Remediation: "Add (or extend) a LimitRange in the namespace with a Container default for each limits.* resource and a defaultRequest " +
			"for each requests.* resource the quota sets, for example:\n\n" +
			"    apiVersion: v1\n    kind: LimitRange\n    metadata: {name: defaults, namespace: team-a}\n" +
			"    spec:\n      limits:\n      - type: Container\n" +
			"        defaultRequest: {cpu: 100m, memory: 128Mi}\n        default: {cpu: \"1\", memory: 512Mi}",
	},
	Needs: []cluster.Kind{cluster.KindResourceQuotas, cluster.KindLimitRanges},
	Eval:  evalQuota004,
}

// defaultField names the LimitRange field that supplies a value at
// admission.
type defaultField int

const (
	fieldDefaultRequest defaultField = iota // fills resources.requests
	fieldDefault                            // fills resources.limits
)

// computeNeed says which LimitRange field and resource keep pods admissible
// under a compute quota resource. Only these six quota resources make the
// API server require the field on every container.
var computeNeed = map[corev1.ResourceName]struct {
	field defaultField
	res   corev1.ResourceName
}{
	corev1.ResourceCPU:            {fieldDefaultRequest, corev1.ResourceCPU},
	corev1.ResourceMemory:         {fieldDefaultRequest, corev1.ResourceMemory},
	corev1.ResourceRequestsCPU:    {fieldDefaultRequest, corev1.ResourceCPU},
	corev1.ResourceRequestsMemory: {fieldDefaultRequest, corev1.ResourceMemory},
	corev1.ResourceLimitsCPU:      {fieldDefault, corev1.ResourceCPU},
	corev1.ResourceLimitsMemory:   {fieldDefault, corev1.ResourceMemory},
}

// containerDefaults is what a namespace's Container LimitRanges fill in.
type containerDefaults struct {
	request map[corev1.ResourceName]bool
	limit   map[corev1.ResourceName]bool
	names   []string // LimitRanges that contribute
}

func (d *containerDefaults) covers(f defaultField, r corev1.ResourceName) bool {
	if d == nil {
		return false
	}
	if f == fieldDefault {
		return d.limit[r]
	}
	return d.request[r]
}

// addLimitRangeItem records what item defaults, applying the API server's
// defaulting (SetDefaults_LimitRangeItem) so a manifest and the stored
// object agree: max → default; default → defaultRequest; min → defaultRequest.
func (d *containerDefaults) addLimitRangeItem(item *corev1.LimitRangeItem) bool {
	if item.Type != corev1.LimitTypeContainer {
		return false
	}
	added := false
	for _, l := range []corev1.ResourceList{item.Default, item.Max} {
		for r := range l {
			d.limit[r], added = true, true
			d.request[r] = true // default (or max via default) → defaultRequest
		}
	}
	for _, l := range []corev1.ResourceList{item.DefaultRequest, item.Min} {
		for r := range l {
			d.request[r], added = true, true
		}
	}
	return added
}

func evalQuota004(in *check.Input, o *Options) []result.Result {
	s := in.Snapshot
	sc := newNSScope(in.Index, o)

	// Compute resources constrained per namespace, and by which quotas.
	constrained := map[string]map[corev1.ResourceName][]string{}
	for i := range s.ResourceQuotas {
		q := &s.ResourceQuotas[i]
		ns := q.Namespace
		if !sc.asked(ns) {
			continue
		}
		for _, hard := range []corev1.ResourceList{q.Spec.Hard, q.Status.Hard} {
			for r := range hard {
				if _, ok := computeNeed[r]; !ok {
					continue
				}
				m := constrained[ns]
				if m == nil {
					m = map[corev1.ResourceName][]string{}
					constrained[ns] = m
				}
				if qs := m[r]; len(qs) == 0 || qs[len(qs)-1] != q.Name {
					m[r] = append(qs, q.Name)
				}
			}
		}
	}
	if len(constrained) == 0 {
		return []result.Result{result.New(result.StatusNA, result.Cluster, "no user namespace has a ResourceQuota on cpu or memory", nil)}
	}
	if sc.manifests && len(s.LimitRanges) == 0 {
		return []result.Result{noLimitRangesInInput()}
	}

	defaults := map[string]*containerDefaults{}
	for i := range s.LimitRanges {
		lr := &s.LimitRanges[i]
		ns := lr.Namespace
		if constrained[ns] == nil {
			continue
		}
		d := defaults[ns]
		if d == nil {
			d = &containerDefaults{request: map[corev1.ResourceName]bool{}, limit: map[corev1.ResourceName]bool{}}
			defaults[ns] = d
		}
		contributes := false
		for j := range lr.Spec.Limits {
			if d.addLimitRangeItem(&lr.Spec.Limits[j]) {
				contributes = true
			}
		}
		if contributes {
			d.names = append(d.names, lr.Name)
		}
	}

	out := make([]result.Result, 0, len(constrained))
	for ns, m := range constrained {
		d := defaults[ns]
		var resources, missing []string
		quotaSet := map[string]bool{}
		for r, qs := range m {
			resources = append(resources, string(r))
			for _, q := range qs {
				quotaSet[q] = true
			}
			need := computeNeed[r]
			if !d.covers(need.field, need.res) {
				missing = append(missing, string(r))
			}
		}
		sort.Strings(resources)
		sort.Strings(missing)
		quotas := check.SortedKeys(quotaSet)
		var lrs []string
		if d != nil {
			lrs = append(lrs, d.names...)
			sort.Strings(lrs)
		}
		if lrs == nil {
			lrs = []string{}
		}
		ev := map[string]any{"resourceQuotas": quotas, "constrained": resources, "limitRanges": lrs}
		ref := namespaceRef(ns)
		if len(missing) == 0 {
			out = append(out, result.New(result.StatusPass, ref,
				fmt.Sprintf("Namespace %s: Container LimitRange defaults cover every compute resource its quota constrains (%s).",
					ns, strings.Join(resources, ", ")), ev))
			continue
		}
		ev["missing"] = missing
		if sc.referred(ns) {
			// The quota is in the input, the rest of the namespace is not:
			// its defaults may be applied with it.
			out = append(out, result.New(result.StatusSkip, ref,
				fmt.Sprintf("Namespace %s: the input defines no Namespace object for it and none of its LimitRanges defaults %s, which its quota constrains; "+
					"the namespace's LimitRanges may be applied with it outside the input, so audit them together or audit the live cluster.",
					ns, strings.Join(missing, ", ")), ev))
			continue
		}
		out = append(out, result.New(result.StatusWarn, ref,
			fmt.Sprintf("Namespace %s: %s %s %s %s but no Container LimitRange defaults %s, so pods that omit %s are rejected at admission; add %s to a LimitRange.",
				ns, check.Plural(len(quotas), "ResourceQuota", "ResourceQuotas"), strings.Join(quotas, ", "),
				check.Plural(len(quotas), "constrains", "constrain"), strings.Join(resources, ", "), strings.Join(missing, ", "),
				check.Plural(len(missing), "it", "them"), missingFields(missing)), ev))
	}
	return out
}

// missingFields names the LimitRange fields that would fix the missing
// quota resources: "default.cpu, defaultRequest.memory".
func missingFields(missing []string) string {
	set := map[string]bool{}
	for _, m := range missing {
		need := computeNeed[corev1.ResourceName(m)]
		f := "defaultRequest"
		if need.field == fieldDefault {
			f = "default"
		}
		set[f+"."+string(need.res)] = true
	}
	return strings.Join(check.SortedKeys(set), ", ")
}
