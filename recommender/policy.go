package recommender

import (
	"fmt"
	"math/big"
	"slices"
	"strconv"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
)

// applyPolicy turns an estimate into the settings to apply: the target (or
// for the burstable preset the lower bound) as requests, rounded up; limits
// by the limit policy; both within the namespace's LimitRange; a resource an
// HPA scales on left alone unless AllowHPA.
func (e *Engine) applyPolicy(rc *Container, lr containerLimits, hpa map[string]map[corev1.ResourceName]string) {
	est, cur := rc.Estimate, rc.Current
	req := est.Target
	if e.opts.Limits == LimitsBurstable {
		req = est.Lower
	}
	req = Amounts{roundUp(req.CPUMillis, e.opts.RoundCPUMillis), roundUp(req.MemoryBytes, e.opts.RoundMemoryBytes)}
	var lim Amounts
	switch e.opts.Limits {
	case LimitsKeepRatio:
		lim.CPUMillis = proportional(cur.Limits.CPUMillis, lr.defaultLimit.CPUMillis, cur.Requests.CPUMillis, req.CPUMillis, false)
		lim.MemoryBytes = proportional(cur.Limits.MemoryBytes, lr.defaultLimit.MemoryBytes, cur.Requests.MemoryBytes, req.MemoryBytes, true)
		if cur.Limits.CPUMillis == 0 && lim.CPUMillis > 0 {
			rc.Reasons = append(rc.Reasons, "cpu limit: the pods get the LimitRange default "+FormatCPU(lr.defaultLimit.CPUMillis)+", kept in proportion to the new request")
		}
		if cur.Limits.MemoryBytes == 0 && lim.MemoryBytes > 0 {
			rc.Reasons = append(rc.Reasons, "memory limit: the pods get the LimitRange default "+FormatMemory(lr.defaultLimit.MemoryBytes)+", kept in proportion to the new request")
		}
	case LimitsUnchanged:
		lim = cur.Limits
		if lim.CPUMillis > 0 && req.CPUMillis > lim.CPUMillis {
			req.CPUMillis = lim.CPUMillis
			rc.Reasons = append(rc.Reasons, "cpu request capped at the unchanged limit "+FormatCPU(lim.CPUMillis))
		}
		if lim.MemoryBytes > 0 && req.MemoryBytes > lim.MemoryBytes {
			req.MemoryBytes = lim.MemoryBytes
			rc.Reasons = append(rc.Reasons, "memory request capped at the unchanged limit "+FormatMemory(lim.MemoryBytes))
		}
	case LimitsGuaranteed:
		lim = req
	case LimitsBurstable:
		lim = Amounts{roundUp(est.Upper.CPUMillis, e.opts.RoundCPUMillis), roundUp(est.Upper.MemoryBytes, e.opts.RoundMemoryBytes)}
	}
	// A limit kept in proportion is rounded like the request.
	lim = Amounts{roundUp(lim.CPUMillis, e.opts.RoundCPUMillis), roundUp(lim.MemoryBytes, e.opts.RoundMemoryBytes)}
	rc.Reasons = append(rc.Reasons, lr.capCPU(&req.CPUMillis, &lim.CPUMillis)...)
	rc.Reasons = append(rc.Reasons, lr.capMemory(&req.MemoryBytes, &lim.MemoryBytes)...)

	var hpaNotes []string
	held := map[corev1.ResourceName]bool{}
	for _, scope := range []string{"", rc.Container} {
		for res, name := range hpa[scope] {
			if e.opts.AllowHPA {
				hpaNotes = append(hpaNotes, fmt.Sprintf("HorizontalPodAutoscaler %s scales on %s; resized anyway (--allow-hpa): its utilization target now applies to the new request", name, res))
				continue
			}
			switch res {
			case corev1.ResourceCPU:
				req.CPUMillis, lim.CPUMillis = cur.Requests.CPUMillis, cur.Limits.CPUMillis
			case corev1.ResourceMemory:
				req.MemoryBytes, lim.MemoryBytes = cur.Requests.MemoryBytes, cur.Limits.MemoryBytes
			}
			held[res] = true
			hpaNotes = append(hpaNotes, fmt.Sprintf("%s left as it is: HorizontalPodAutoscaler %s scales on its utilization, which a new request would change (--allow-hpa to resize it)", res, name))
		}
	}
	slices.Sort(hpaNotes)
	rc.Reasons = append(rc.Reasons, hpaNotes...)
	rc.Recommended = Settings{Requests: req, Limits: lim}
	if held[corev1.ResourceCPU] && held[corev1.ResourceMemory] {
		rc.Action = ActionSkip
	}
}

// proportional is VPA's getProportionalResourceLimit: keep the original
// limit's ratio to the original request. No limit (and no LimitRange
// default) stays no limit; a request that was unset, or equal to the limit,
// gives a limit equal to the new request. CPU rounds down to a millicore as
// VPA's does; memory rounds up to a byte, so the ratio never shrinks.
func proportional(origLimit, defaultLimit, origRequest, rec int64, roundUpResult bool) int64 {
	if origLimit == 0 {
		origLimit = defaultLimit
	}
	if origLimit == 0 || rec == 0 {
		return 0
	}
	if origRequest == 0 || origRequest == origLimit {
		return rec
	}
	var n, q, m big.Int
	n.Mul(big.NewInt(origLimit), big.NewInt(rec))
	q.DivMod(&n, big.NewInt(origRequest), &m)
	if roundUpResult && m.Sign() != 0 {
		q.Add(&q, big.NewInt(1))
	}
	if !q.IsInt64() {
		return rec
	}
	return q.Int64()
}

// roundUp rounds v up to a multiple of step (a step below 2 keeps v).
func roundUp(v, step int64) int64 {
	if step <= 1 || v%step == 0 {
		return v
	}
	return (v/step + 1) * step
}

// containerLimits is what a namespace's LimitRanges of type Container
// allow: the tightest min and max, the smallest maxLimitRequestRatio, and
// the default limit the LimitRanger gives containers without one.
type containerLimits struct {
	min, max, defaultLimit Amounts
	ratioCPU, ratioMemory  float64
	// names of the LimitRanges each bound comes from, for reasons.
	minFrom, maxFrom, ratioFrom [2]string
}

func limitRangeFor(lrs []corev1.LimitRange, namespace string) containerLimits {
	var c containerLimits
	for i := range lrs {
		lr := &lrs[i]
		if lr.Namespace != namespace {
			continue
		}
		name := lr.Namespace + "/" + lr.Name
		for _, it := range lr.Spec.Limits {
			if it.Type != corev1.LimitTypeContainer {
				continue
			}
			mn, mx, def := amountsOf(it.Min), amountsOf(it.Max), amountsOf(it.Default)
			if mn.CPUMillis > c.min.CPUMillis {
				c.min.CPUMillis, c.minFrom[0] = mn.CPUMillis, name
			}
			if mn.MemoryBytes > c.min.MemoryBytes {
				c.min.MemoryBytes, c.minFrom[1] = mn.MemoryBytes, name
			}
			if mx.CPUMillis > 0 && (c.max.CPUMillis == 0 || mx.CPUMillis < c.max.CPUMillis) {
				c.max.CPUMillis, c.maxFrom[0] = mx.CPUMillis, name
			}
			if mx.MemoryBytes > 0 && (c.max.MemoryBytes == 0 || mx.MemoryBytes < c.max.MemoryBytes) {
				c.max.MemoryBytes, c.maxFrom[1] = mx.MemoryBytes, name
			}
			if c.defaultLimit.CPUMillis == 0 {
				c.defaultLimit.CPUMillis = def.CPUMillis
			}
			if c.defaultLimit.MemoryBytes == 0 {
				c.defaultLimit.MemoryBytes = def.MemoryBytes
			}
			if q, ok := it.MaxLimitRequestRatio[corev1.ResourceCPU]; ok {
				if r := q.AsApproximateFloat64(); r > 0 && (c.ratioCPU == 0 || r < c.ratioCPU) {
					c.ratioCPU, c.ratioFrom[0] = r, name
				}
			}
			if q, ok := it.MaxLimitRequestRatio[corev1.ResourceMemory]; ok {
				if r := q.AsApproximateFloat64(); r > 0 && (c.ratioMemory == 0 || r < c.ratioMemory) {
					c.ratioMemory, c.ratioFrom[1] = r, name
				}
			}
		}
	}
	return c
}

func (c containerLimits) capCPU(req, lim *int64) []string {
	return capToRange("cpu", req, lim, c.min.CPUMillis, c.max.CPUMillis, c.ratioCPU, c.minFrom[0], c.maxFrom[0], c.ratioFrom[0], FormatCPU)
}

func (c containerLimits) capMemory(req, lim *int64) []string {
	return capToRange("memory", req, lim, c.min.MemoryBytes, c.max.MemoryBytes, c.ratioMemory, c.minFrom[1], c.maxFrom[1], c.ratioFrom[1], FormatMemory)
}

// capToRange brings a request and limit inside a LimitRange as VPA's
// capping does: a limit above max is lowered to max and the request scaled
// by the same factor (so the ratio holds); a request (without limit) above
// max is lowered to max; a request below min is raised to min; a limit
// beyond maxLimitRequestRatio × request is lowered to it.
func capToRange(res string, req, lim *int64, min, max int64, ratio float64, minFrom, maxFrom, ratioFrom string, f func(int64) string) []string {
	var out []string
	if max > 0 {
		switch {
		case *lim > max:
			old := *lim
			*req = int64(float64(*req) * float64(max) / float64(old))
			*lim = max
			out = append(out, fmt.Sprintf("%s limit %s capped to LimitRange %s max %s, and the request scaled with it", res, f(old), maxFrom, f(max)))
		case *lim == 0 && *req > max:
			out = append(out, fmt.Sprintf("%s request %s capped to LimitRange %s max %s", res, f(*req), maxFrom, f(max)))
			*req = max
		}
	}
	if min > 0 && *req < min {
		out = append(out, fmt.Sprintf("%s request %s raised to LimitRange %s min %s", res, f(*req), minFrom, f(min)))
		*req = min
		if *lim > 0 && *lim < min {
			*lim = min
		}
	}
	if ratio > 0 && *lim > 0 && *req > 0 && float64(*lim) > ratio*float64(*req) {
		nl := int64(ratio * float64(*req))
		out = append(out, fmt.Sprintf("%s limit %s lowered to %s by LimitRange %s maxLimitRequestRatio %s", res, f(*lim), f(nl), ratioFrom, strconv.FormatFloat(ratio, 'g', -1, 64)))
		*lim = nl
	}
	return out
}

// hpaResources returns the resources the workload's HPAs scale on, by
// container ("" for the whole pod), each with the HPA's name.
func (e *Engine) hpaResources(tg *target) map[string]map[corev1.ResourceName]string {
	if tg.workload == nil {
		return nil
	}
	out := map[string]map[corev1.ResourceName]string{}
	set := func(container string, r corev1.ResourceName, name string) {
		if out[container] == nil {
			out[container] = map[corev1.ResourceName]string{}
		}
		out[container][r] = name
	}
	for _, h := range e.ix.HPAsFor(tg.workload) {
		name := h.Namespace + "/" + h.Name
		for _, m := range h.Spec.Metrics {
			switch m.Type {
			case autoscalingv2.ResourceMetricSourceType:
				if m.Resource != nil {
					set("", m.Resource.Name, name)
				}
			case autoscalingv2.ContainerResourceMetricSourceType:
				if m.ContainerResource != nil {
					set(m.ContainerResource.Container, m.ContainerResource.Name, name)
				}
			}
		}
		if len(h.Spec.Metrics) == 0 {
			set("", corev1.ResourceCPU, name) // the HPA default: 80% CPU
		}
	}
	return out
}

// quotaExceeded names each ResourceQuota limit of a namespace the delta
// would exceed, from the quota's own status.used (a quota read without
// status, from manifests, cannot be judged and is left out).
func quotaExceeded(quotas []corev1.ResourceQuota, namespace string, d Delta) []string {
	var out []string
	for i := range quotas {
		q := &quotas[i]
		if q.Namespace != namespace {
			continue
		}
		for _, k := range []struct {
			names []corev1.ResourceName
			delta int64
			cpu   bool
		}{
			{[]corev1.ResourceName{corev1.ResourceRequestsCPU, corev1.ResourceCPU}, d.Requests.CPUMillis, true},
			{[]corev1.ResourceName{corev1.ResourceRequestsMemory, corev1.ResourceMemory}, d.Requests.MemoryBytes, false},
			{[]corev1.ResourceName{corev1.ResourceLimitsCPU}, d.Limits.CPUMillis, true},
			{[]corev1.ResourceName{corev1.ResourceLimitsMemory}, d.Limits.MemoryBytes, false},
		} {
			if k.delta <= 0 {
				continue
			}
			for _, n := range k.names {
				hard, ok := q.Spec.Hard[n]
				used, hasUsed := q.Status.Used[n]
				if !ok || !hasUsed {
					continue
				}
				h, u, f := hard.Value(), used.Value(), FormatMemory
				if k.cpu {
					h, u, f = hard.MilliValue(), used.MilliValue(), FormatCPU
				}
				if u+k.delta > h {
					out = append(out, fmt.Sprintf("%s/%s %s: %s used + %s > %s hard", q.Namespace, q.Name, n, f(u), f(k.delta), f(h)))
				}
			}
		}
	}
	return out
}

// FormatCPU writes millicores as Kubernetes writes them canonically:
// "250m", or whole cores without a suffix ("1", "2").
func FormatCPU(m int64) string {
	if m%1000 == 0 {
		return strconv.FormatInt(m/1000, 10)
	}
	return strconv.FormatInt(m, 10) + "m"
}

// FormatMemory writes bytes in the largest binary unit that is exact
// ("512Mi", "2Gi"), else as plain bytes ("250000000"): Quantity's own
// canonical form would write 1000 bytes as "1k", and a reader should never
// have to convert between decimal and binary prefixes.
func FormatMemory(b int64) string {
	const mi, gi = 1 << 20, 1 << 30
	switch {
	case b != 0 && b%gi == 0:
		return strconv.FormatInt(b/gi, 10) + "Gi"
	case b != 0 && b%mi == 0:
		return strconv.FormatInt(b/mi, 10) + "Mi"
	default:
		return strconv.FormatInt(b, 10)
	}
}
