package vpa

import (
	"errors"
	"fmt"
)

// minSampleWeight is model/aggregations_config.go's minSampleWeight: the
// weight of every CPU sample before decay. In v1.8.1 the CPU weight does not
// depend on the container's request.
const minSampleWeight = 0.1

// maxResourceAmount is model/types.go's MaxResourceAmount (1e14), the
// largest ResourceAmount VPA produces.
const maxResourceAmount = int64(1e14)

// amountFromFloat is model/types.go's resourceAmountFromFloat: clamp to
// [0, MaxResourceAmount], then Go's float→int64 conversion (toward zero).
func amountFromFloat(v float64) int64 {
	if v > float64(maxResourceAmount) {
		return maxResourceAmount
	}
	if v < 0 {
		v = 0
	}
	return int64(v)
}

// cpuMillisFromCores is model.CPUAmountFromCores.
func cpuMillisFromCores(cores float64) int64 { return amountFromFloat(cores * 1000.0) }

// scaleAmount is model.ScaleResource.
func scaleAmount(amount int64, factor float64) int64 {
	return amountFromFloat(float64(amount) * factor)
}

// Aggregate is VPA's AggregateContainerState for one container name of one
// workload: a decaying histogram of CPU usage (cores), a decaying histogram
// of memory peaks (bytes, one peak per container instance per aggregation
// interval) and the CPU sample span and count the confidence is computed
// from.
type Aggregate struct {
	cfg    *Config
	cpu    *DecayingHistogram
	memory *DecayingHistogram

	firstSample, lastSample int64 // Unix ns; set once samples > 0
	samples                 int
}

// NewAggregate returns an empty aggregate with cfg's histograms. It panics
// if cfg does not pass Validate.
func NewAggregate(cfg *Config) *Aggregate {
	c, m := cfg.bucketings()
	return &Aggregate{
		cfg:    cfg,
		cpu:    newDecaying(c, cfg.CPUHalfLife),
		memory: newDecaying(m, cfg.MemoryHalfLife),
	}
}

// AddCPU adds one CPU usage sample taken at tMillis (Unix ms) as VPA's
// AggregateContainerState.AddSample does: the usage is first converted to
// whole millicores (model.CPUAmountFromCores), then added as cores with
// weight minSampleWeight. No de-duplication: feed samples through an
// Instance to drop duplicate and out-of-order ones.
func (a *Aggregate) AddCPU(tMillis int64, cores float64) {
	a.addCPU(tMillis*1e6, cpuMillisFromCores(cores))
}

func (a *Aggregate) addCPU(t int64, millis int64) {
	a.cpu.AddSample(float64(millis)/1000.0, minSampleWeight, t)
	if a.samples == 0 || t > a.lastSample {
		a.lastSample = t
	}
	if a.samples == 0 || t < a.firstSample {
		a.firstSample = t
	}
	a.samples++
}

// Merge adds other's histograms and counts into a, as VPA's
// MergeContainerState does when it groups aggregates by container name
// (pods of one workload with different label sets). other's histograms may
// be rescaled to a's reference time.
func (a *Aggregate) Merge(other *Aggregate) {
	a.cpu.Merge(other.cpu)
	a.memory.Merge(other.memory)
	if other.samples > 0 {
		if a.samples == 0 || other.firstSample < a.firstSample {
			a.firstSample = other.firstSample
		}
		if a.samples == 0 || other.lastSample > a.lastSample {
			a.lastSample = other.lastSample
		}
	}
	a.samples += other.samples
}

// Samples is the number of CPU samples aggregated (TotalSamplesCount).
func (a *Aggregate) Samples() int { return a.samples }

// Span returns the first and last CPU sample times (Unix ms); ok is false
// when there are none.
func (a *Aggregate) Span() (firstMillis, lastMillis int64, ok bool) {
	return a.firstSample / 1e6, a.lastSample / 1e6, a.samples > 0
}

// CPU is the decaying CPU usage histogram (cores).
func (a *Aggregate) CPU() *DecayingHistogram { return a.cpu }

// Memory is the decaying memory peaks histogram (bytes).
func (a *Aggregate) Memory() *DecayingHistogram { return a.memory }

// NewInstance returns the state of one container instance (one pod's
// container) feeding a.
func (a *Aggregate) NewInstance() *Instance {
	return &Instance{agg: a}
}

// Instance is VPA's ContainerState for one container of one pod: it drops
// duplicate and out-of-order CPU samples, and turns memory samples into one
// peak per memory aggregation interval in its aggregate's memory histogram.
type Instance struct {
	agg *Aggregate

	lastCPU    int64 // Unix ns of the last CPU sample aggregated
	lastCPUSet bool

	memoryPeak int64 // bytes, max usage in the current interval
	oomPeak    int64 // bytes, from an OOM in the current interval
	windowEnd  int64 // Unix ns, end (exclusive) of the current interval
	windowSet  bool
	lastMemory int64 // Unix ns of the last memory sample aggregated
	memorySet  bool
}

// AddCPU adds a CPU sample at tMillis unless it is not later than the last
// one (VPA discards duplicate and out-of-order CPU samples) or negative.
// It reports whether the sample was aggregated.
func (c *Instance) AddCPU(tMillis int64, cores float64) bool {
	t := tMillis * 1e6
	millis := cpuMillisFromCores(cores)
	if c.lastCPUSet && t <= c.lastCPU {
		return false
	}
	c.agg.addCPU(t, millis)
	c.lastCPU, c.lastCPUSet = t, true
	return true
}

// AddMemory adds a memory usage sample (bytes) at tMillis, as VPA's
// ContainerState.addMemorySample: a sample older than the last one is
// discarded; within the current interval a new maximum replaces the old
// peak in the histogram (subtract, then add); a sample at or past the
// interval's end moves the window forward by whole intervals and adds a
// new peak. Peaks are recorded at the window's end time. It reports
// whether the sample was used.
func (c *Instance) AddMemory(tMillis int64, bytes float64) bool {
	return c.addMemory(tMillis*1e6, amountFromFloat(bytes), false)
}

func (c *Instance) maxPeak() int64 { return max(c.memoryPeak, c.oomPeak) }

func (c *Instance) addMemory(t, usage int64, isOOM bool) bool {
	if !isOOM && c.memorySet && t < c.lastMemory {
		return false
	}
	c.lastMemory, c.memorySet = t, true
	if !c.windowSet { // the first sample
		c.windowEnd, c.windowSet = t, true
	}
	mem := c.agg.memory
	addNewPeak := false
	if t < c.windowEnd {
		if old := c.maxPeak(); old != 0 && usage > old {
			mem.SubtractSample(float64(old), 1.0, c.windowEnd)
			addNewPeak = true
		}
	} else {
		// shift = (t − windowEnd).Truncate(interval) + interval.
		interval := int64(c.agg.cfg.MemoryAggregationInterval)
		d := t - c.windowEnd
		c.windowEnd += d - d%interval + interval
		c.memoryPeak, c.oomPeak = 0, 0
		addNewPeak = true
	}
	if addNewPeak {
		mem.AddSample(float64(usage), 1.0, c.windowEnd)
		if isOOM {
			c.oomPeak = usage
		} else {
			c.memoryPeak = usage
		}
	}
	return true
}

// errOOMNotAdded mirrors VPA's "adding OOM sample failed" (an invalid,
// negative sample; unreachable with amounts clamped at zero).
var errOOMNotAdded = errors.New("add oom sample: sample rejected")

// RecordOOM records an OOM kill at tMillis of a container whose memory
// request was requestBytes, as VPA's ContainerState.RecordOOM: an OOM more
// than one aggregation interval older than the last memory sample is
// discarded (an error, as in VPA); otherwise a memory sample of
// max(used + OOMMinBumpUp, used·OOMBumpUpRatio), with used =
// max(request, current interval's usage peak), is added at the OOM's time.
func (c *Instance) RecordOOM(tMillis int64, requestBytes int64) error {
	t := tMillis * 1e6
	cfg := c.agg.cfg
	if c.memorySet && t < c.lastMemory-int64(cfg.MemoryAggregationInterval) {
		return fmt.Errorf("record oom at %d: older than one aggregation interval before the last memory sample, discarded", tMillis)
	}
	used := max(requestBytes, c.memoryPeak)
	needed := max(used+amountFromFloat(cfg.OOMMinBumpUp), scaleAmount(used, cfg.OOMBumpUpRatio))
	if !c.addMemory(t, needed, true) {
		return errOOMNotAdded
	}
	return nil
}
