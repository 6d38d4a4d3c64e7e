package vpa

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Amounts are a CPU amount in millicores and a memory amount in bytes, VPA's
// ResourceAmount units (recommender.Amounts has the same shape).
type Amounts struct {
	CPUMillis   int64
	MemoryBytes int64
}

// Bounds are VPA's lowerBound, target and upperBound.
type Bounds struct {
	Lower, Target, Upper Amounts
}

// Estimate is the recommendation for one container name: VPA's
// RecommendedContainerResources (lower bound, target, upper bound in
// millicores and bytes) and the confidence the bounds were widened by.
type Estimate struct {
	Bounds
	// Confidence is the CPU confidence in units of ConfidenceIntervalCPU
	// (days by default): min(history span, samples × 1 min), or samples ×
	// SampleStep with ConfidenceStepAware.
	Confidence float64
}

// Recommend computes the estimate for each container of one workload, as
// VPA's podResourceRecommender.GetRecommendedPodResources does for one VPA
// object: per resource the percentile of the histogram, plus the safety
// margin; the upper bound scaled by (1 + 1/confidence), the lower bound by
// (1 + 0.001/confidence)^−2; then each raised to the pod floor divided by
// the number of containers; then VPA's output formatting (rounding,
// humanized memory) and the global maximum, when configured. Every step
// converts to whole millicores or bytes the way VPA's model does.
func Recommend(cfg *Config, containers map[string]*Aggregate) map[string]Estimate {
	out := make(map[string]Estimate, len(containers))
	if len(containers) == 0 {
		return out
	}
	fraction := 1.0 / float64(len(containers))
	minCPU := scaleAmount(cpuMillisFromCores(cfg.PodMinCPUMillicores*0.001), fraction)
	minMemory := scaleAmount(amountFromFloat(cfg.PodMinMemoryMb*1024*1024), fraction)
	for name, a := range containers {
		cpuConf := confidence(cfg, a, cfg.ConfidenceIntervalCPU)
		memConf := confidence(cfg, a, cfg.ConfidenceIntervalMemory)
		cpu := func(p float64) int64 {
			base := cpuMillisFromCores(a.cpu.Percentile(p))
			return base + scaleAmount(base, cfg.SafetyMarginFraction)
		}
		mem := func(p float64) int64 {
			base := amountFromFloat(a.memory.Percentile(p))
			return base + scaleAmount(base, cfg.SafetyMarginFraction)
		}
		// logic/recommender.go, CreatePodResourceRecommender: the upper
		// bound with multiplier 1.0 and exponent +1, the lower bound with
		// multiplier 0.001 and exponent −2.
		upper := func(v int64, conf float64) int64 { return scaleAmount(v, math.Pow(1.+1.0/conf, 1.0)) }
		lower := func(v int64, conf float64) int64 { return scaleAmount(v, math.Pow(1.+0.001/conf, -2.0)) }
		var b Bounds
		b.Target.CPUMillis = max(cpu(cfg.TargetCPUPercentile), minCPU)
		b.Lower.CPUMillis = max(lower(cpu(cfg.LowerBoundCPUPercentile), cpuConf), minCPU)
		b.Upper.CPUMillis = max(upper(cpu(cfg.UpperBoundCPUPercentile), cpuConf), minCPU)
		b.Target.MemoryBytes = max(mem(cfg.TargetMemoryPercentile), minMemory)
		b.Lower.MemoryBytes = max(lower(mem(cfg.LowerBoundMemoryPercentile), memConf), minMemory)
		b.Upper.MemoryBytes = max(upper(mem(cfg.UpperBoundMemoryPercentile), memConf), minMemory)
		for _, v := range []*Amounts{&b.Target, &b.Lower, &b.Upper} {
			*v = cfg.format(*v)
		}
		out[name] = Estimate{Bounds: b, Confidence: cpuConf}
	}
	return out
}

// confidence is logic/estimator.go's getConfidence: the smaller of the
// span between the first and last CPU sample and the sample count at one
// sample a minute, both in units of interval.
func confidence(cfg *Config, a *Aggregate, interval time.Duration) float64 {
	lifespan := float64(a.lastSample-a.firstSample) / float64(interval)
	var amount float64
	if cfg.ConfidenceStepAware {
		amount = float64(a.samples) * (float64(cfg.SampleStep) / float64(interval))
	} else {
		amount = float64(a.samples) / interval.Minutes()
	}
	return math.Min(lifespan, amount)
}

// format applies model.ResourcesAsResourceList's rounding and humanizing,
// then the capping post-processor's global maximum.
func (c *Config) format(v Amounts) Amounts {
	if c.RoundCPUMillicores != 1 && v.CPUMillis != 0 {
		v.CPUMillis = roundUpToScale(v.CPUMillis, c.RoundCPUMillicores)
	}
	if c.RoundMemoryBytes != 1 && v.MemoryBytes != 0 {
		v.MemoryBytes = roundUpToScale(v.MemoryBytes, c.RoundMemoryBytes)
	}
	if c.HumanizeMemory && v.MemoryBytes != 0 {
		v.MemoryBytes = humanizedBytes(v.MemoryBytes)
	}
	if c.MaxAllowedCPUMillis > 0 && v.CPUMillis > c.MaxAllowedCPUMillis {
		v.CPUMillis = c.MaxAllowedCPUMillis
	}
	if c.MaxAllowedMemoryBytes > 0 && v.MemoryBytes > c.MaxAllowedMemoryBytes {
		v.MemoryBytes = c.MaxAllowedMemoryBytes
	}
	return v
}

// roundUpToScale is model.RoundUpToScale: ceil(value/scale)·scale in
// float64, as VPA computes it.
func roundUpToScale(value int64, scale int) int64 {
	s := int64(scale)
	return int64(math.Ceil(float64(value)/float64(s))) * s
}

// humanizedBytes is model.HumanizeMemoryQuantity read back as a quantity:
// the value printed with two decimals in the largest binary unit not above
// it, parsed exactly and rounded up to a whole byte (Quantity.Value).
func humanizedBytes(b int64) int64 {
	const kib = 1024
	var unit int64
	switch {
	case b >= kib*kib*kib*kib:
		unit = kib * kib * kib * kib
	case b >= kib*kib*kib:
		unit = kib * kib * kib
	case b >= kib*kib:
		unit = kib * kib
	case b >= kib:
		unit = kib
	default:
		return b
	}
	s := strconv.FormatFloat(float64(b)/float64(unit), 'f', 2, 64)
	whole, frac, _ := strings.Cut(s, ".")
	cents, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		panic(fmt.Sprintf("humanize %d: %v", b, err)) // FormatFloat output always parses
	}
	// ceil(cents·unit/100) without overflow: cents < 10⁷ and unit ≤ 2⁴⁰.
	n := cents * unit
	q := n / 100
	if n%100 != 0 {
		q++
	}
	return q
}
