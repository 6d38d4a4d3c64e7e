package recommender

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/recommender/vpa"
)

// Result is one run's recommendations.
type Result struct {
	CollectedAt time.Time `json:"collectedAt"`
	// Containers are sorted by namespace, workload kind and name, then in
	// the pod template's container order.
	Containers []Container `json:"containers"`
	// Addons are add-on containers sized by rules that scale with the
	// cluster (addon-resizer, CoreDNS's memory guidance), apart from their
	// usage; Replicas are replica counts (cluster DNS).
	Addons     []Container      `json:"addons,omitempty"`
	Replicas   []ReplicaChange  `json:"replicas,omitempty"`
	Namespaces []NamespaceDelta `json:"namespaces,omitempty"`
	// Total is the change of every resized container, over all replicas.
	Total Delta `json:"total"`
	// Samples counts the history samples aggregated; Unmatched names the
	// pods history had that map to no workload of the snapshot. With
	// Options.Namespace, both count that namespace only.
	Samples   int64    `json:"samples"`
	Unmatched []string `json:"unmatched,omitempty"`
}

// Delta is a change of requests and limits summed over replicas: CPU in
// millicores, memory in bytes, negative for a decrease.
type Delta struct {
	Requests SignedAmounts `json:"requests"`
	Limits   SignedAmounts `json:"limits"`
}

// SignedAmounts are CPU millicores and memory bytes that may be negative.
type SignedAmounts struct {
	CPUMillis   int64 `json:"cpuMillicores"`
	MemoryBytes int64 `json:"memoryBytes"`
}

func (d *Delta) add(o Delta) {
	d.Requests.CPUMillis += o.Requests.CPUMillis
	d.Requests.MemoryBytes += o.Requests.MemoryBytes
	d.Limits.CPUMillis += o.Limits.CPUMillis
	d.Limits.MemoryBytes += o.Limits.MemoryBytes
}

// NamespaceDelta is one namespace's change, and what its ResourceQuotas
// say of it.
type NamespaceDelta struct {
	Namespace string `json:"namespace"`
	Delta
	// Quota names each ResourceQuota limit the change would exceed.
	Quota []string `json:"quota,omitempty"`
}

// Recommend turns the history fed so far into recommendations. Call it
// once, after the sources are done.
func (e *Engine) Recommend() *Result {
	e.flushOOMs()
	res := &Result{CollectedAt: e.ix.Snapshot().CollectedAt, Samples: e.Samples()}
	byTarget := map[*target]map[string]*aggregate{}
	e.mu.Lock()
	if e.opts.Namespace != "" {
		res.Samples = 0
	}
	for k, a := range e.aggregates {
		if e.opts.Namespace != "" && k.target.w.Namespace == e.opts.Namespace {
			a.mu.Lock()
			res.Samples += a.samples
			a.mu.Unlock()
		}
		if byTarget[k.target] == nil {
			byTarget[k.target] = map[string]*aggregate{}
		}
		byTarget[k.target][k.container] = a
	}
	for k := range e.unmatched {
		if e.opts.Namespace == "" || k[0] == e.opts.Namespace {
			res.Unmatched = append(res.Unmatched, k[0]+"/"+k[1])
		}
	}
	e.mu.Unlock()
	slices.Sort(res.Unmatched)

	for _, tg := range e.targets.order {
		if e.opts.Namespace != "" && tg.w.Namespace != e.opts.Namespace {
			continue
		}
		res.Containers = append(res.Containers, e.recommendTarget(tg, byTarget[tg])...)
	}
	slices.SortStableFunc(res.Containers, func(a, b Container) int {
		return cmp.Or(cmp.Compare(a.Workload.Namespace, b.Workload.Namespace),
			cmp.Compare(a.Workload.Kind, b.Workload.Kind), cmp.Compare(a.Workload.Name, b.Workload.Name))
	})
	e.summarize(res)
	return res
}

// recommendTarget sizes every container of one workload.
func (e *Engine) recommendTarget(tg *target, aggs map[string]*aggregate) []Container {
	spec := &tg.template.Spec
	known := map[string]*vpa.Aggregate{}
	for _, c := range spec.Containers {
		if a := aggs[c.Name]; a != nil && a.vpa.Samples() > 0 {
			known[c.Name] = a.vpa
		}
	}
	var estimates map[string]vpa.Estimate
	if len(known) > 0 {
		estimates = vpa.Recommend(&e.opts.VPA, known)
	}
	limits := limitRangeFor(e.ix.Snapshot().LimitRanges, tg.w.Namespace)
	hpa := e.hpaResources(tg)
	age, ageKnown := oldestPod(tg, e.ix.Snapshot().CollectedAt)

	var out []Container
	for i := range spec.Containers {
		c := &spec.Containers[i]
		rc := Container{Workload: tg.w, Container: c.Name, Current: settingsOf(c)}
		a := aggs[c.Name]
		est, ok := estimates[c.Name]
		if a == nil || !ok {
			rc.Action = ActionSkip
			rc.Reasons = []string{"no usage history for this container in the history window"}
			out = append(out, rc)
			continue
		}
		rc.Pods = len(a.pods)
		rc.OOMs = slices.Clone(a.ooms)
		slices.SortFunc(rc.OOMs, time.Time.Compare)
		rc.Samples = a.vpa.Samples()
		if first, last, ok := a.vpa.Span(); ok {
			rc.History = time.Duration(last-first) * time.Millisecond
		}
		rc.Confidence = est.Confidence
		rc.Estimate = Bounds{Lower: Amounts(est.Lower), Target: Amounts(est.Target), Upper: Amounts(est.Upper)}
		if rc.History < e.opts.MinHistory {
			rc.Action = ActionSkip
			rc.Reasons = []string{fmt.Sprintf("only %s of history; at least %s is needed (--min-history)", HumanDuration(rc.History), HumanDuration(e.opts.MinHistory))}
			out = append(out, rc)
			continue
		}
		e.applyPolicy(&rc, limits, hpa)
		e.decide(&rc, age, ageKnown)
		out = append(out, rc)
	}
	// History of containers the template no longer has (renamed or
	// removed): say so, recommend nothing.
	var gone []string
	for name, a := range aggs {
		if templateContainer(tg.template, name) == nil && a.vpa.Samples() > 0 {
			gone = append(gone, name)
		}
	}
	slices.Sort(gone)
	for _, name := range gone {
		out = append(out, Container{Workload: tg.w, Container: name, Action: ActionSkip, Pods: len(aggs[name].pods),
			Reasons: []string{"history names this container, but the pod template has no container of that name (renamed or removed); nothing to resize"}})
	}
	return out
}

// settingsOf reads a container's requests and limits.
func settingsOf(c *corev1.Container) Settings {
	return Settings{Requests: amountsOf(c.Resources.Requests), Limits: amountsOf(c.Resources.Limits)}
}

func amountsOf(l corev1.ResourceList) Amounts {
	var a Amounts
	if q, ok := l[corev1.ResourceCPU]; ok {
		a.CPUMillis = q.MilliValue()
	}
	if q, ok := l[corev1.ResourceMemory]; ok {
		a.MemoryBytes = q.Value()
	}
	return a
}

// oldestPod returns the age of the workload's oldest pod, when the
// snapshot holds any.
func oldestPod(tg *target, now time.Time) (time.Duration, bool) {
	var oldest time.Time
	for _, p := range tg.pods {
		t := p.CreationTimestamp.Time
		if p.Status.StartTime != nil {
			t = p.Status.StartTime.Time
		}
		if !t.IsZero() && (oldest.IsZero() || t.Before(oldest)) {
			oldest = t
		}
	}
	if oldest.IsZero() {
		return 0, false
	}
	return now.Sub(oldest), true
}

// decide applies VPA updater's rule: act when a current request lies
// outside [lower, upper], when the total relative change is at least
// UpdateThreshold on pods older than PodLifetimeThreshold, or after an OOM
// kill when the recommendation raises memory.
func (e *Engine) decide(rc *Container, age time.Duration, ageKnown bool) {
	if rc.Action == ActionSkip {
		return
	}
	cur, rec := rc.Current.Requests, rc.Recommended.Requests
	if cur == rec && rc.Current.Limits == rc.Recommended.Limits {
		rc.Action = ActionKeep
		rc.Reasons = lead(rc.Reasons, "the recommendation equals the current settings")
		return
	}
	type res struct {
		name                 string
		cur, rec, low, upper int64
	}
	rs := []res{
		{"cpu", cur.CPUMillis, rec.CPUMillis, rc.Estimate.Lower.CPUMillis, rc.Estimate.Upper.CPUMillis},
		{"memory", cur.MemoryBytes, rec.MemoryBytes, rc.Estimate.Lower.MemoryBytes, rc.Estimate.Upper.MemoryBytes},
	}
	var outside []string
	diff := 0.0
	for _, r := range rs {
		if r.cur == r.rec {
			continue // left alone (HPA) or already there
		}
		if r.cur < r.low || r.cur > r.upper {
			outside = append(outside, r.name)
		}
		if r.cur > 0 {
			d := float64(r.rec-r.cur) / float64(r.cur)
			if d < 0 {
				d = -d
			}
			diff += d
		} else {
			diff += 1
		}
	}
	switch {
	case len(outside) > 0:
		rc.Action = ActionResize
		what := "request is"
		if len(outside) > 1 {
			what = "requests are"
		}
		rc.Reasons = lead(rc.Reasons, fmt.Sprintf("the current %s %s outside the recommended range [lower, upper]", strings.Join(outside, " and "), what))
	case len(rc.OOMs) > 0 && rec.MemoryBytes > cur.MemoryBytes:
		rc.Action = ActionResize
		rc.Reasons = lead(rc.Reasons, fmt.Sprintf("OOM-killed %d time(s) in the history window", len(rc.OOMs)))
	case diff >= e.opts.UpdateThreshold && (!ageKnown || age >= e.opts.PodLifetimeThreshold):
		rc.Action = ActionResize
		rc.Reasons = lead(rc.Reasons, fmt.Sprintf("requests change by %.0f%% in total (acting from %.0f%%)", diff*100, e.opts.UpdateThreshold*100))
	case diff >= e.opts.UpdateThreshold:
		rc.Action = ActionKeep
		rc.Reasons = lead(rc.Reasons, fmt.Sprintf("requests would change by %.0f%%, but the oldest pod is only %s old (VPA waits %s)", diff*100, HumanDuration(age), HumanDuration(e.opts.PodLifetimeThreshold)))
	default:
		rc.Action = ActionKeep
		rc.Reasons = lead(rc.Reasons, fmt.Sprintf("within [lower, upper], and requests change by %.0f%% in total (acting from %.0f%%)", diff*100, e.opts.UpdateThreshold*100))
	}
}

// summarize adds the per-namespace and total changes of resized
// containers, over their workloads' replicas, and the quota each
// namespace's change would exceed.
func (e *Engine) summarize(res *Result) {
	replicas := map[Workload]int{}
	for _, tg := range e.targets.order {
		replicas[tg.w] = tg.replicas
	}
	byNS := map[string]*NamespaceDelta{}
	var order []string
	for i := range res.Containers {
		rc := &res.Containers[i]
		if rc.Action != ActionResize {
			continue
		}
		n := int64(replicas[rc.Workload])
		d := Delta{
			Requests: SignedAmounts{(rc.Recommended.Requests.CPUMillis - rc.Current.Requests.CPUMillis) * n, (rc.Recommended.Requests.MemoryBytes - rc.Current.Requests.MemoryBytes) * n},
			Limits:   SignedAmounts{(rc.Recommended.Limits.CPUMillis - rc.Current.Limits.CPUMillis) * n, (rc.Recommended.Limits.MemoryBytes - rc.Current.Limits.MemoryBytes) * n},
		}
		ns := rc.Workload.Namespace
		if byNS[ns] == nil {
			byNS[ns] = &NamespaceDelta{Namespace: ns}
			order = append(order, ns)
		}
		byNS[ns].add(d)
		res.Total.add(d)
	}
	slices.Sort(order)
	for _, ns := range order {
		nd := byNS[ns]
		nd.Quota = quotaExceeded(e.ix.Snapshot().ResourceQuotas, ns, nd.Delta)
		res.Namespaces = append(res.Namespaces, *nd)
		if len(nd.Quota) == 0 {
			continue
		}
		for i := range res.Containers {
			rc := &res.Containers[i]
			if rc.Workload.Namespace == ns && rc.Action == ActionResize {
				rc.Reasons = append(rc.Reasons, "with the namespace's other resizes, exceeds its ResourceQuota ("+strings.Join(quotaNames(nd.Quota), ", ")+"; see the change per namespace)")
			}
		}
	}
}

// HumanDuration writes a duration the way the table reads it: 8d, 3d4h,
// 5h, 45m.
func HumanDuration(d time.Duration) string {
	switch {
	case d >= 24*time.Hour:
		days := d / (24 * time.Hour)
		h := (d % (24 * time.Hour)) / time.Hour
		if h == 0 {
			return fmt.Sprintf("%dd", days)
		}
		return fmt.Sprintf("%dd%dh", days, h)
	case d >= time.Hour:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d >= time.Minute:
		return fmt.Sprintf("%dm", d/time.Minute)
	default:
		return fmt.Sprintf("%ds", d/time.Second)
	}
}

// quotaNames shortens quota findings to "NS/NAME RESOURCE".
func quotaNames(found []string) []string {
	out := make([]string, len(found))
	for i, f := range found {
		out[i], _, _ = strings.Cut(f, ":")
	}
	return out
}

// SetSampleStep tells the estimator the history's resolution once the
// sources have read it, for the step-aware confidence.
func (e *Engine) SetSampleStep(step time.Duration) {
	if step > 0 {
		e.opts.VPA.SampleStep = step
	}
}

// lead puts why a container is resized or kept before the notes of the
// policy that shaped the numbers.
func lead(reasons []string, why string) []string {
	return append([]string{why}, reasons...)
}
