package vpa

import (
	"errors"
	"fmt"
	"time"
)

// Config holds every parameter of the estimator. DefaultConfig returns VPA
// v1.8.1's recommender defaults; a Config must not change after the first
// NewAggregate that uses it.
type Config struct {
	// CPUHistogram: model/aggregations_config.go, cpuHistogramOptions —
	// max 1000 cores, first bucket 0.01 core, ratio 1 +
	// DefaultHistogramBucketSizeGrowth (0.05), epsilon 0.001·minSampleWeight.
	CPUHistogram HistogramOptions
	// MemoryHistogram: memoryHistogramOptions — max 1e12 bytes, first
	// bucket 1e7 bytes, the same ratio and epsilon.
	MemoryHistogram HistogramOptions
	// CPUHalfLife and MemoryHalfLife: DefaultCPUHistogramDecayHalfLife and
	// DefaultMemoryHistogramDecayHalfLife, 24 h.
	CPUHalfLife    time.Duration
	MemoryHalfLife time.Duration
	// MemoryAggregationInterval: DefaultMemoryAggregationInterval, 24 h,
	// the interval each container instance contributes one memory peak for.
	MemoryAggregationInterval time.Duration
	// MemoryAggregationIntervalCount: DefaultMemoryAggregationIntervalCount,
	// 8; interval × count is the history VPA keeps (8 days). The estimator
	// does not drop old samples itself: a source should read no more.
	MemoryAggregationIntervalCount int64
	// OOMBumpUpRatio (DefaultOOMBumpUpRatio, 1.2) and OOMMinBumpUp
	// (DefaultOOMMinBumpUp, 100 MiB in bytes) size the artificial memory
	// sample an OOM kill adds.
	OOMBumpUpRatio float64
	OOMMinBumpUp   float64

	// The rest is recommender/config/config.go's DefaultRecommenderConfig.

	// SafetyMarginFraction: recommendation-margin-fraction, 0.15.
	SafetyMarginFraction float64
	// PodMinCPUMillicores (pod-recommendation-min-cpu-millicores, 25) and
	// PodMinMemoryMb (pod-recommendation-min-memory-mb, 250, in MiB) are
	// floors for the whole pod, split evenly across its containers.
	PodMinCPUMillicores float64
	PodMinMemoryMb      float64
	// Percentiles: target 0.9, lower bound 0.5, upper bound 0.95, for CPU
	// usage and for memory peaks alike.
	TargetCPUPercentile        float64
	LowerBoundCPUPercentile    float64
	UpperBoundCPUPercentile    float64
	TargetMemoryPercentile     float64
	LowerBoundMemoryPercentile float64
	UpperBoundMemoryPercentile float64
	// ConfidenceIntervalCPU and ConfidenceIntervalMemory
	// (confidence-interval-cpu/-memory, 24 h) are the unit of confidence:
	// history length in these units, sample count in these units of one
	// sample a minute.
	ConfidenceIntervalCPU    time.Duration
	ConfidenceIntervalMemory time.Duration

	// ConfidenceStepAware counts samples as samples × SampleStep instead of
	// samples × 1 min when computing confidence. It is not VPA's behaviour
	// (off by default). VPA assumes one sample a minute (its metrics-server
	// feed); fed 1 h Prometheus data over 8 days, VPA's sample term is
	// 192/1440 = 0.133 days, so the upper bound is multiplied by 1 + 1/0.133
	// = 8.5 and ends about 8.5× the target instead of 1.125×. With this
	// option the same history has a confidence of 8 days.
	ConfidenceStepAware bool
	// SampleStep is the sampling interval of the history, used only with
	// ConfidenceStepAware.
	SampleStep time.Duration

	// RoundCPUMillicores and RoundMemoryBytes (round-cpu-millicores,
	// round-memory-bytes, default 1 = off) round non-zero outputs up to a
	// multiple, as model.ResourcesAsResourceList does.
	RoundCPUMillicores int
	RoundMemoryBytes   int
	// HumanizeMemory (humanize-memory, deprecated, default false) rounds
	// memory to two decimals of its largest binary unit (Ki, Mi, Gi, Ti),
	// read back as a quantity (rounded up to a whole byte).
	HumanizeMemory bool
	// MaxAllowedCPUMillis and MaxAllowedMemoryBytes
	// (container-recommendation-max-allowed-cpu/-memory, default unset = 0)
	// cap target, lower and upper bound, as VPA's capping post-processor
	// does with the global maximum when no container policy is set.
	MaxAllowedCPUMillis   int64
	MaxAllowedMemoryBytes int64

	// cached bucketings, rebuilt when the options they were built from
	// differ (a copied Config carries its original's cache)
	cpuB, memB       *bucketing
	cpuOpts, memOpts HistogramOptions
}

// DefaultConfig returns VPA v1.8.1's defaults.
func DefaultConfig() *Config {
	const growth = 0.05                     // DefaultHistogramBucketSizeGrowth
	const epsilon = 0.001 * minSampleWeight // aggregations_config.go epsilon
	return &Config{
		CPUHistogram:                   HistogramOptions{MaxValue: 1000.0, FirstBucketSize: 0.01, Ratio: 1. + growth, Epsilon: epsilon},
		MemoryHistogram:                HistogramOptions{MaxValue: 1e12, FirstBucketSize: 1e7, Ratio: 1. + growth, Epsilon: epsilon},
		CPUHalfLife:                    24 * time.Hour,
		MemoryHalfLife:                 24 * time.Hour,
		MemoryAggregationInterval:      24 * time.Hour,
		MemoryAggregationIntervalCount: 8,
		OOMBumpUpRatio:                 1.2,
		OOMMinBumpUp:                   100 * 1024 * 1024,
		SafetyMarginFraction:           0.15,
		PodMinCPUMillicores:            25,
		PodMinMemoryMb:                 250,
		TargetCPUPercentile:            0.9,
		LowerBoundCPUPercentile:        0.5,
		UpperBoundCPUPercentile:        0.95,
		TargetMemoryPercentile:         0.9,
		LowerBoundMemoryPercentile:     0.5,
		UpperBoundMemoryPercentile:     0.95,
		ConfidenceIntervalCPU:          24 * time.Hour,
		ConfidenceIntervalMemory:       24 * time.Hour,
		SampleStep:                     time.Minute,
		RoundCPUMillicores:             1,
		RoundMemoryBytes:               1,
	}
}

// HistoryWindow is MemoryAggregationInterval × MemoryAggregationIntervalCount,
// the length of history VPA aggregates (8 days by default).
func (c *Config) HistoryWindow() time.Duration {
	return c.MemoryAggregationInterval * time.Duration(c.MemoryAggregationIntervalCount)
}

// Validate reports the first parameter out of range.
func (c *Config) Validate() error {
	if _, err := newBucketing(c.CPUHistogram); err != nil {
		return fmt.Errorf("check cpu histogram: %w", err)
	}
	if _, err := newBucketing(c.MemoryHistogram); err != nil {
		return fmt.Errorf("check memory histogram: %w", err)
	}
	switch {
	case c.CPUHalfLife <= 0 || c.MemoryHalfLife <= 0:
		return errors.New("check half-lives: must be > 0")
	case c.MemoryAggregationInterval <= 0:
		return errors.New("check memory aggregation interval: must be > 0")
	case c.ConfidenceIntervalCPU <= 0 || c.ConfidenceIntervalMemory <= 0:
		return errors.New("check confidence intervals: must be > 0")
	case c.ConfidenceStepAware && c.SampleStep <= 0:
		return errors.New("check sample step: must be > 0 with step-aware confidence")
	case c.RoundCPUMillicores <= 0 || c.RoundMemoryBytes <= 0:
		return errors.New("check rounding: factors must be ≥ 1")
	}
	return nil
}

func (c *Config) bucketings() (cpu, memory *bucketing) {
	if c.cpuB == nil || c.cpuOpts != c.CPUHistogram || c.memOpts != c.MemoryHistogram {
		if err := c.Validate(); err != nil {
			panic(err)
		}
		c.cpuB, _ = newBucketing(c.CPUHistogram)
		c.memB, _ = newBucketing(c.MemoryHistogram)
		c.cpuOpts, c.memOpts = c.CPUHistogram, c.MemoryHistogram
	}
	return c.cpuB, c.memB
}
