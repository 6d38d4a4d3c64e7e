package checks

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// Namespace quotas (QUOTA-001..005).
//
// Every QUOTA check looks only at user namespaces: every namespace the
// snapshot knows of (Namespace objects, and the namespaces its namespaced
// objects live in, since manifests often carry no Namespace objects), minus
// Options.SystemNamespaces, Options.ExcludeNamespaces and namespaces being
// deleted. A namespaced object without a namespace (a manifest that relies
// on kubectl's default) is counted in "default", where it would land.
//
// Each check indexes the objects it needs by namespace once, so a cluster
// with thousands of namespaces and a hundred thousand pods costs one pass
// over its objects.

// uncoveredCap is the most uncovered namespace names QUOTA-005 lists in its
// evidence and message.
const uncoveredCap = 20

var quota001 = Check{
	Meta: Meta{
		ID:       "QUOTA-001",
		Title:    "Namespace has a ResourceQuota",
		Category: CategoryQuota,
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

var quota002 = Check{
	Meta: Meta{
		ID:       "QUOTA-002",
		Title:    "Namespace has a LimitRange",
		Category: CategoryQuota,
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

var quota003 = Check{
	Meta: Meta{
		ID:       "QUOTA-003",
		Title:    "ResourceQuota usage below its hard limits",
		Category: CategoryQuota,
		Rule: "For each ResourceQuota in a user namespace and each resource in status.hard, ratio = status.used / status.hard " +
			"(cpu in millicores, other resources in whole units: bytes or counts). Any ratio ≥ QuotaWarnRatio (default 0.8) → warn; " +
			"≥ QuotaFailRatio (default 1.0) → fail; the worst resource decides and the message names every resource at or over the warning threshold. " +
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

var quota004 = Check{
	Meta: Meta{
		ID:       "QUOTA-004",
		Title:    "Compute quota has LimitRange defaults",
		Category: CategoryQuota,
		Rule: "In each user namespace whose ResourceQuotas constrain compute (spec.hard or status.hard holding requests.cpu, requests.memory, cpu, memory, " +
			"limits.cpu or limits.memory), each such resource must be defaulted by a Container-type LimitRange: limits.* by `default` " +
			"(or `max`, which Kubernetes copies into default), requests.*, cpu and memory by `defaultRequest` (or `default`, or `min`, " +
			"which Kubernetes copies into defaultRequest). Any resource not defaulted → warn, naming it. " +
			"Namespaces without a compute quota are not evaluated; if none has one the check reports na.",
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

var quota005 = Check{
	Meta: Meta{
		ID:       "QUOTA-005",
		Title:    "Cluster-wide ResourceQuota coverage",
		Category: CategoryQuota,
		Rule: "coverage = user namespaces with a ResourceQuota (as in QUOTA-001) / user namespaces. " +
			"coverage < QuotaCoverageFail (default 0.5) → fail; < QuotaCoverageWarn (default 0.9) → warn; otherwise pass. " +
			"No user namespaces → na.",
		Rationale: "Quotas protect a shared cluster only when (nearly) every tenant has one: a single unbounded namespace " +
			"can still exhaust nodes and starve the rest. Low coverage usually means namespaces are created without a standard template.",
		Remediation: "Create namespaces from a template that includes a ResourceQuota and a LimitRange (a Helm chart, a Kustomize base, " +
			"Capsule or HNC, or a Kyverno generate rule), and add quotas to the namespaces listed in the evidence.",
	},
	Needs: []cluster.Kind{cluster.KindNamespaces, cluster.KindResourceQuotas},
	Eval:  evalQuota005,
}

// ---- namespace scope ---------------------------------------------------

// effectiveNamespace is where a namespaced object lives: its namespace, or
// "default" when a manifest leaves it out.
func effectiveNamespace(ns string) string {
	if ns == "" {
		return corev1.NamespaceDefault
	}
	return ns
}

// nsScope decides which namespaces the QUOTA checks evaluate.
type nsScope struct {
	skip map[string]bool // system, excluded and terminating namespaces
}

func newNSScope(s *cluster.Snapshot, o *Options) nsScope {
	skip := make(map[string]bool, len(o.SystemNamespaces)+len(o.ExcludeNamespaces))
	for _, n := range o.SystemNamespaces {
		skip[n] = true
	}
	for _, n := range o.ExcludeNamespaces {
		skip[n] = true
	}
	for i := range s.Namespaces {
		ns := &s.Namespaces[i]
		if ns.Status.Phase == corev1.NamespaceTerminating || ns.DeletionTimestamp != nil {
			skip[ns.Name] = true
		}
	}
	return nsScope{skip: skip}
}

// user reports whether ns (already made effective) is a user namespace.
func (sc nsScope) user(ns string) bool { return !sc.skip[ns] }

// namespacedObject is satisfied by a pointer to every namespaced API type.
type namespacedObject interface{ GetNamespace() string }

// addNamespaces adds the namespace of every object in objs to set.
func addNamespaces[T any, P interface {
	*T
	namespacedObject
}](set map[string]struct{}, objs []T) {
	last := "\x00"
	for i := range objs {
		ns := P(&objs[i]).GetNamespace()
		if ns == last { // objects usually arrive grouped by namespace
			continue
		}
		last = ns
		set[effectiveNamespace(ns)] = struct{}{}
	}
}

// userNamespaces returns the sorted user namespaces of s: Namespace objects
// plus every namespace a namespaced object refers to, minus the scope's
// skipped ones.
func userNamespaces(s *cluster.Snapshot, sc nsScope) []string {
	set := make(map[string]struct{}, len(s.Namespaces))
	for i := range s.Namespaces {
		set[s.Namespaces[i].Name] = struct{}{}
	}
	// Every namespaced kind the snapshot holds (TestQuotaUserNamespacesCoverEveryNamespacedKind
	// fails when a kind is added to cluster.Kinds but not here).
	addNamespaces(set, s.Pods)
	addNamespaces(set, s.Services)
	addNamespaces(set, s.ServiceAccounts)
	addNamespaces(set, s.ResourceQuotas)
	addNamespaces(set, s.LimitRanges)
	addNamespaces(set, s.ConfigMaps)
	addNamespaces(set, s.Deployments)
	addNamespaces(set, s.StatefulSets)
	addNamespaces(set, s.DaemonSets)
	addNamespaces(set, s.Jobs)
	addNamespaces(set, s.CronJobs)
	addNamespaces(set, s.HPAs)
	addNamespaces(set, s.PDBs)
	addNamespaces(set, s.Roles)
	addNamespaces(set, s.RoleBindings)
	addNamespaces(set, s.Leases)
	addNamespaces(set, s.Ingresses)
	addNamespaces(set, s.VeleroSchedules)
	addNamespaces(set, s.VeleroBackups)
	out := make([]string, 0, len(set))
	for ns := range set {
		if sc.user(ns) {
			out = append(out, ns)
		}
	}
	sort.Strings(out)
	return out
}

func namespaceRef(ns string) ObjectRef {
	return ObjectRef{APIVersion: "v1", Kind: "Namespace", Name: ns}
}

// quotaSetsLimits reports whether q constrains anything: a quota with no
// hard limits at all is not a quota.
func quotaSetsLimits(q *corev1.ResourceQuota) bool {
	return len(q.Spec.Hard) > 0 || len(q.Status.Hard) > 0
}

// quotasByNamespace indexes the names of quotas that set limits, and of
// those that set none, by effective namespace.
func quotasByNamespace(s *cluster.Snapshot) (limiting, empty map[string][]string) {
	limiting, empty = map[string][]string{}, map[string][]string{}
	for i := range s.ResourceQuotas {
		q := &s.ResourceQuotas[i]
		ns := effectiveNamespace(q.Namespace)
		if quotaSetsLimits(q) {
			limiting[ns] = append(limiting[ns], q.Name)
		} else {
			empty[ns] = append(empty[ns], q.Name)
		}
	}
	return limiting, empty
}

// noUserNamespaces is the single result of a per-namespace check on a
// cluster without user namespaces.
func noUserNamespaces() []Result {
	return []Result{result.New(StatusNA, ObjectRef{}, "no user namespaces to evaluate (only system or excluded namespaces)", nil)}
}

// ---- QUOTA-001 ---------------------------------------------------------

func evalQuota001(in *Input) []Result {
	s := in.Snapshot
	sc := newNSScope(s, in.Options)
	namespaces := userNamespaces(s, sc)
	if len(namespaces) == 0 {
		return noUserNamespaces()
	}
	limiting, empty := quotasByNamespace(s)
	out := make([]Result, 0, len(namespaces))
	for _, ns := range namespaces {
		ref := namespaceRef(ns)
		if qs := limiting[ns]; len(qs) > 0 {
			sort.Strings(qs)
			out = append(out, result.New(StatusPass, ref,
				fmt.Sprintf("Namespace %s is bounded by ResourceQuota %s.", ns, strings.Join(qs, ", ")),
				map[string]any{"resourceQuotas": qs}))
			continue
		}
		if qs := empty[ns]; len(qs) > 0 {
			sort.Strings(qs)
			out = append(out, result.New(StatusWarn, ref,
				fmt.Sprintf("Namespace %s has ResourceQuota %s but it sets no hard limits; add spec.hard for cpu, memory and object counts.",
					ns, strings.Join(qs, ", ")),
				map[string]any{"resourceQuotas": []string{}, "emptyResourceQuotas": qs}))
			continue
		}
		out = append(out, result.New(StatusWarn, ref,
			fmt.Sprintf("Namespace %s has no ResourceQuota, so its workloads can consume the whole cluster; add one with hard limits.", ns),
			map[string]any{"resourceQuotas": []string{}}))
	}
	return out
}

// ---- QUOTA-002 ---------------------------------------------------------

func evalQuota002(in *Input) []Result {
	s := in.Snapshot
	sc := newNSScope(s, in.Options)
	namespaces := userNamespaces(s, sc)
	if len(namespaces) == 0 {
		return noUserNamespaces()
	}
	limiting, empty := map[string][]string{}, map[string][]string{}
	for i := range s.LimitRanges {
		lr := &s.LimitRanges[i]
		ns := effectiveNamespace(lr.Namespace)
		if len(lr.Spec.Limits) > 0 {
			limiting[ns] = append(limiting[ns], lr.Name)
		} else {
			empty[ns] = append(empty[ns], lr.Name)
		}
	}
	out := make([]Result, 0, len(namespaces))
	for _, ns := range namespaces {
		ref := namespaceRef(ns)
		if lrs := limiting[ns]; len(lrs) > 0 {
			sort.Strings(lrs)
			out = append(out, result.New(StatusPass, ref,
				fmt.Sprintf("Namespace %s has LimitRange %s.", ns, strings.Join(lrs, ", ")),
				map[string]any{"limitRanges": lrs}))
			continue
		}
		if lrs := empty[ns]; len(lrs) > 0 {
			sort.Strings(lrs)
			out = append(out, result.New(StatusWarn, ref,
				fmt.Sprintf("Namespace %s has LimitRange %s but it sets no limits; add a Container item with defaultRequest and default.",
					ns, strings.Join(lrs, ", ")),
				map[string]any{"limitRanges": []string{}, "emptyLimitRanges": lrs}))
			continue
		}
		out = append(out, result.New(StatusWarn, ref,
			fmt.Sprintf("Namespace %s has no LimitRange, so containers without requests run as BestEffort; add one with Container defaults.", ns),
			map[string]any{"limitRanges": []string{}}))
	}
	return out
}

// ---- QUOTA-003 ---------------------------------------------------------

// quotaUsage is one resource of one quota, measured.
type quotaUsage struct {
	resource  corev1.ResourceName
	used      resource.Quantity
	hard      resource.Quantity
	ratio     float64 // used/hard; meaningless when forbidden
	forbidden bool    // hard is 0 and used > 0
}

// level is the usage's status against the thresholds: pass, warn or fail.
func (u quotaUsage) level(o *Options) Status {
	switch {
	case u.forbidden || u.ratio >= o.QuotaFailRatio:
		return StatusFail
	case u.ratio >= o.QuotaWarnRatio:
		return StatusWarn
	}
	return StatusPass
}

func (u quotaUsage) describe() string {
	if u.forbidden {
		return fmt.Sprintf("%s used %s although hard is %s (forbidden)", u.resource, u.used.String(), u.hard.String())
	}
	return fmt.Sprintf("%s used %s of %s (%s)", u.resource, u.used.String(), u.hard.String(), percent(u.ratio))
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

func evalQuota003(in *Input) []Result {
	s, o := in.Snapshot, in.Options
	sc := newNSScope(s, o)
	var out []Result
	for i := range s.ResourceQuotas {
		q := &s.ResourceQuotas[i]
		ns := effectiveNamespace(q.Namespace)
		if !sc.user(ns) {
			continue
		}
		out = append(out, quotaUsageResult(q, ns, o))
	}
	if len(out) == 0 {
		return []Result{result.New(StatusNA, ObjectRef{}, "no ResourceQuota in a user namespace", nil)}
	}
	return out
}

// quotaUsageResult judges one quota: the worst resource decides.
func quotaUsageResult(q *corev1.ResourceQuota, ns string, o *Options) Result {
	ref := ObjectRef{APIVersion: "v1", Kind: "ResourceQuota", Namespace: ns, Name: q.Name}
	label := "ResourceQuota " + ns + "/" + q.Name
	if len(q.Status.Hard) == 0 {
		return result.New(StatusSkip, ref,
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
	worst := StatusPass
	var hot []quotaUsage
	for _, u := range usages {
		if l := u.level(o); l != StatusPass {
			hot = append(hot, u)
			if l.Severity() > worst.Severity() {
				worst = l
			}
		}
	}

	if worst == StatusPass {
		ev := map[string]any{"resources": len(usages)}
		if len(unknown) > 0 {
			ev["unknown"] = unknown
			return result.New(StatusSkip, ref,
				fmt.Sprintf("%s has no status.used for %s, so its usage is unknown (the quota controller has not synced it yet).",
					label, strings.Join(unknown, ", ")), ev)
		}
		msg := fmt.Sprintf("%s: all %d resources are below %s of hard.", label, len(usages), percent(o.QuotaWarnRatio))
		if len(usages) > 0 && usages[0].ratio > 0 {
			top := usages[0]
			msg = fmt.Sprintf("%s: all %d resources are below %s of hard (highest: %s).", label, len(usages), percent(o.QuotaWarnRatio), top.describe())
			for k, v := range top.evidence() {
				ev[k] = v
			}
		}
		return result.New(StatusPass, ref, msg, ev)
	}

	items := make([]string, len(hot))
	list := make([]map[string]any, len(hot))
	for i, u := range hot {
		items[i] = u.describe()
		list[i] = u.evidence()
	}
	// The worst resource's fields at the top level, every hot one in "over".
	ev := hot[0].evidence()
	ev["over"] = list
	if len(unknown) > 0 {
		ev["unknown"] = unknown
	}
	var advice string
	if worst == StatusFail {
		advice = "requests beyond hard are rejected at admission; raise spec.hard or free capacity"
	} else {
		advice = fmt.Sprintf("at or above the %s warning threshold; raise spec.hard or free capacity before it is exhausted", percent(o.QuotaWarnRatio))
	}
	return result.New(worst, ref, fmt.Sprintf("%s: %s; %s.", label, strings.Join(items, ", "), advice), ev)
}

// percent formats a ratio as a percentage truncated (not rounded) to one
// decimal, so a ratio just below a threshold never prints as the threshold:
// 0.9277 → "92.7%", 0.75 → "75%".
func percent(r float64) string {
	p := math.Floor(r*1000+1e-9) / 10
	return strconv.FormatFloat(p, 'f', -1, 64) + "%"
}

// ratio4 truncates a ratio to four decimals for evidence, like percent, so
// 0.79999 is 0.7999 and never reads as the 0.8 threshold it has not reached.
func ratio4(r float64) float64 { return math.Floor(r*10000+1e-9) / 10000 }

// ---- QUOTA-004 ---------------------------------------------------------

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

func evalQuota004(in *Input) []Result {
	s := in.Snapshot
	sc := newNSScope(s, in.Options)

	// Compute resources constrained per namespace, and by which quotas.
	constrained := map[string]map[corev1.ResourceName][]string{}
	for i := range s.ResourceQuotas {
		q := &s.ResourceQuotas[i]
		ns := effectiveNamespace(q.Namespace)
		if !sc.user(ns) {
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
		return []Result{result.New(StatusNA, ObjectRef{}, "no user namespace has a ResourceQuota on cpu or memory", nil)}
	}

	defaults := map[string]*containerDefaults{}
	for i := range s.LimitRanges {
		lr := &s.LimitRanges[i]
		ns := effectiveNamespace(lr.Namespace)
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

	out := make([]Result, 0, len(constrained))
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
		quotas := sortedKeys(quotaSet)
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
			out = append(out, result.New(StatusPass, ref,
				fmt.Sprintf("Namespace %s: Container LimitRange defaults cover every compute resource its quota constrains (%s).",
					ns, strings.Join(resources, ", ")), ev))
			continue
		}
		ev["missing"] = missing
		out = append(out, result.New(StatusWarn, ref,
			fmt.Sprintf("Namespace %s: %s %s %s %s but no Container LimitRange defaults %s, so pods that omit %s are rejected at admission; add %s to a LimitRange.",
				ns, plural(len(quotas), "ResourceQuota", "ResourceQuotas"), strings.Join(quotas, ", "),
				plural(len(quotas), "constrains", "constrain"), strings.Join(resources, ", "), strings.Join(missing, ", "),
				plural(len(missing), "it", "them"), missingFields(missing)), ev))
	}
	return out
}

// plural picks the singular or plural word for n things.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
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
	return strings.Join(sortedKeys(set), ", ")
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ---- QUOTA-005 ---------------------------------------------------------

func evalQuota005(in *Input) []Result {
	s, o := in.Snapshot, in.Options
	sc := newNSScope(s, o)
	namespaces := userNamespaces(s, sc)
	if len(namespaces) == 0 {
		return []Result{result.New(StatusNA, ObjectRef{},
			"no user namespaces (only system or excluded ones), so quota coverage does not apply", nil)}
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

	summary := fmt.Sprintf("%d of %d user namespaces (%s) have a ResourceQuota", covered, total, percent(ratio))
	var status Status
	var threshold float64
	switch {
	case ratio < o.QuotaCoverageFail:
		status, threshold = StatusFail, o.QuotaCoverageFail
	case ratio < o.QuotaCoverageWarn:
		status, threshold = StatusWarn, o.QuotaCoverageWarn
	default:
		return []Result{result.New(StatusPass, ObjectRef{}, summary+".", ev)}
	}
	names := strings.Join(listed, ", ")
	if more := len(uncovered) - len(listed); more > 0 {
		names += fmt.Sprintf(" and %d more", more)
	}
	return []Result{result.New(status, ObjectRef{},
		fmt.Sprintf("%s, below the %s target; add quotas to %s.", summary, percent(threshold), names), ev)}
}
