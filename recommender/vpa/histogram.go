package vpa

import (
	"errors"
	"math"
	"sync"
	"time"
)

// HistogramOptions describe an exponential bucketing scheme as VPA's
// util.NewExponentialHistogramOptions does: bucket i starts at
// FirstBucketSize·(Ratio^i − 1)/(Ratio − 1), the last bucket holds every
// value from MaxValue up, and buckets lighter than Epsilon count as empty.
type HistogramOptions struct {
	MaxValue        float64
	FirstBucketSize float64
	Ratio           float64
	Epsilon         float64
}

// bucketing is HistogramOptions with the derived numbers cached. The cached
// logarithm is the same float VPA computes on every call (math.Log is
// deterministic), so bucket indices are bit-identical.
type bucketing struct {
	numBuckets int
	first      float64
	ratio      float64
	ratioM1    float64 // ratio − 1
	logRatio   float64 // math.Log(ratio)
	epsilon    float64
	starts     []float64 // starts[i] is the start of bucket i
}

func newBucketing(o HistogramOptions) (*bucketing, error) {
	if o.MaxValue <= 0 || o.FirstBucketSize <= 0 || o.Ratio <= 1 || o.Epsilon <= 0 {
		return nil, errors.New("check histogram options: max value, first bucket size and epsilon must be > 0, ratio > 1")
	}
	b := &bucketing{
		first:    o.FirstBucketSize,
		ratio:    o.Ratio,
		ratioM1:  o.Ratio - 1,
		logRatio: math.Log(o.Ratio),
		epsilon:  o.Epsilon,
	}
	// util/histogram_options.go, NewExponentialHistogramOptions:
	// numBuckets = ceil(log_ratio(max·(ratio−1)/first + 1)) + 1.
	b.numBuckets = int(math.Ceil(math.Log(o.MaxValue*b.ratioM1/b.first+1)/b.logRatio)) + 1
	b.starts = make([]float64, b.numBuckets)
	for i := 1; i < b.numBuckets; i++ {
		// util/histogram_options.go, GetBucketStart.
		b.starts[i] = b.first * (math.Pow(b.ratio, float64(i)) - 1) / b.ratioM1
	}
	return b, nil
}

// find is VPA's exponentialHistogramOptions.FindBucket.
func (b *bucketing) find(value float64) int {
	if value < b.first {
		return 0
	}
	i := int(math.Log(value*b.ratioM1/b.first+1) / b.logRatio)
	if i >= b.numBuckets {
		return b.numBuckets - 1
	}
	return i
}

// nearMargin is how far inside a bucket's bounds (relatively) a value must
// lie for findNear to answer without find: the logarithm find takes is
// accurate to a few ulps (about 1e-15 relatively), so a value this far
// from both bounds falls in the same bucket by either computation.
const nearMargin = 1e-9

// findNear is find, answered without a logarithm when value lies well
// inside bucket guess (bit-identical results: only values within
// nearMargin of a bucket bound go through find).
func (b *bucketing) findNear(value float64, guess int) int {
	if guess > 0 && guess < b.numBuckets-1 &&
		value > b.starts[guess]*(1+nearMargin) && value < b.starts[guess+1]*(1-nearMargin) {
		return guess
	}
	return b.find(value)
}

// Histogram is VPA's util.histogram: weights per bucket, a total, and the
// range [minBucket, maxBucket] of buckets at least Epsilon heavy.
type Histogram struct {
	b           *bucketing
	weight      []float64
	totalWeight float64
	minBucket   int
	maxBucket   int
	// last is the bucket the previous sample fell in: a container's
	// samples mostly fall in the bucket of the one before (a bucket is 5%
	// wide), and findNear answers those without a logarithm.
	last int
}

// NewHistogram returns an empty histogram with the given bucketing.
func NewHistogram(o HistogramOptions) (*Histogram, error) {
	b, err := newBucketing(o)
	if err != nil {
		return nil, err
	}
	return newHistogram(b), nil
}

func newHistogram(b *bucketing) *Histogram {
	return &Histogram{b: b, weight: make([]float64, b.numBuckets), minBucket: b.numBuckets - 1}
}

// NumBuckets is the number of buckets (176 for VPA's CPU and memory options).
func (h *Histogram) NumBuckets() int { return h.b.numBuckets }

// BucketStart is the smallest value bucket i holds.
func (h *Histogram) BucketStart(i int) float64 { return h.b.starts[i] }

// AddSample adds weight to the bucket holding value. A negative weight
// panics, as in VPA.
func (h *Histogram) AddSample(value, weight float64) {
	if weight < 0 {
		panic("sample weight must be non-negative")
	}
	i := h.b.findNear(value, h.last)
	h.last = i
	h.weight[i] += weight
	h.totalWeight += weight
	if i < h.minBucket && h.weight[i] >= h.b.epsilon {
		h.minBucket = i
	}
	if i > h.maxBucket && h.weight[i] >= h.b.epsilon {
		h.maxBucket = i
	}
}

// safeSubtract is VPA's: a result below epsilon becomes zero.
func safeSubtract(value, sub, epsilon float64) float64 {
	value -= sub
	if value < epsilon {
		return 0
	}
	return value
}

// SubtractSample removes weight from the bucket holding value.
func (h *Histogram) SubtractSample(value, weight float64) {
	if weight < 0 {
		panic("sample weight must be non-negative")
	}
	i := h.b.find(value)
	h.totalWeight = safeSubtract(h.totalWeight, weight, h.b.epsilon)
	h.weight[i] = safeSubtract(h.weight[i], weight, h.b.epsilon)
	h.updateMinAndMaxBucket()
}

// Percentile returns the end of the first bucket at which the cumulative
// weight reaches p·total (the start of the last bucket if that is it), or 0
// for an empty histogram: VPA's histogram.Percentile.
func (h *Histogram) Percentile(p float64) float64 {
	if h.IsEmpty() {
		return 0
	}
	partial := 0.0
	threshold := p * h.totalWeight
	i := h.minBucket
	for ; i < h.maxBucket; i++ {
		partial += h.weight[i]
		if partial >= threshold {
			break
		}
	}
	if i < h.b.numBuckets-1 {
		return h.b.starts[i+1]
	}
	return h.b.starts[i]
}

// IsEmpty reports whether the lightest tracked bucket is below Epsilon.
func (h *Histogram) IsEmpty() bool {
	return h.weight[h.minBucket] < h.b.epsilon
}

// TotalWeight is the sum of the weights added less those subtracted.
func (h *Histogram) TotalWeight() float64 { return h.totalWeight }

// Scale multiplies every weight by factor (≥ 0) and drops buckets that fall
// below Epsilon from the tracked range.
func (h *Histogram) Scale(factor float64) {
	if factor < 0 {
		panic("scale factor must be non-negative")
	}
	for i := h.minBucket; i <= h.maxBucket; i++ {
		h.weight[i] *= factor
	}
	h.totalWeight *= factor
	h.updateMinAndMaxBucket()
}

// Merge adds other's weights into h. Both must share one bucketing.
func (h *Histogram) Merge(other *Histogram) {
	for i := other.minBucket; i <= other.maxBucket; i++ {
		h.weight[i] += other.weight[i]
	}
	h.totalWeight += other.totalWeight
	if other.minBucket < h.minBucket {
		h.minBucket = other.minBucket
	}
	if other.maxBucket > h.maxBucket {
		h.maxBucket = other.maxBucket
	}
}

func (h *Histogram) updateMinAndMaxBucket() {
	last := h.b.numBuckets - 1
	for h.weight[h.minBucket] < h.b.epsilon && h.minBucket < last {
		h.minBucket++
	}
	for h.weight[h.maxBucket] < h.b.epsilon && h.maxBucket > 0 {
		h.maxBucket--
	}
}

// maxDecayExponent is util/decaying_histogram.go's maxDecayExponent: once a
// sample is more than 100 half-lives past the reference time, the reference
// moves forward and every weight is scaled down, so weights stay finite.
const maxDecayExponent = 100

// DecayingHistogram is VPA's util.decayingHistogram: a sample at time t is
// added with weight·2^((t − ref)/halfLife), so a sample one half-life older
// counts half as much. Times are Unix nanoseconds.
type DecayingHistogram struct {
	Histogram
	halfLife int64 // ns
	ref      int64 // reference time, Unix ns; meaningful once refSet
	refSet   bool  // false: VPA's zero time.Time, before the first sample
	// minutes is decayTable(halfLife), shared and read-only.
	minutes []float64
}

// NewDecayingHistogram returns an empty decaying histogram.
func NewDecayingHistogram(o HistogramOptions, halfLife time.Duration) (*DecayingHistogram, error) {
	b, err := newBucketing(o)
	if err != nil {
		return nil, err
	}
	if halfLife <= 0 {
		return nil, errors.New("check half-life: must be > 0")
	}
	return newDecaying(b, halfLife), nil
}

func newDecaying(b *bucketing, halfLife time.Duration) *DecayingHistogram {
	return &DecayingHistogram{Histogram: *newHistogram(b), halfLife: int64(halfLife), minutes: decayTable(int64(halfLife))}
}

// decayTables hold, per half-life, 2^(Δ/halfLife) for every whole minute Δ
// up to maxDecayExponent half-lives: history read at a step of whole
// minutes lands on these, and the factor is then read instead of computed
// (Exp2 was half of the estimator's time). Each entry is the very
// expression decayFactor computes, so results are bit-identical.
var (
	decayTablesMu sync.Mutex
	decayTables   = map[int64][]float64{}
)

func decayTable(halfLife int64) []float64 {
	decayTablesMu.Lock()
	defer decayTablesMu.Unlock()
	if t, ok := decayTables[halfLife]; ok {
		return t
	}
	n := halfLife * maxDecayExponent / int64(time.Minute)
	if halfLife <= 0 || n > 1<<20 {
		return nil // an unusual half-life: compute every factor
	}
	t := make([]float64, n+1)
	for k := range t {
		t[k] = math.Exp2(float64(int64(k)*int64(time.Minute)) / float64(halfLife))
	}
	decayTables[halfLife] = t
	return t
}

// AddSample adds value at time tNanos (Unix ns) with the decayed weight.
func (h *DecayingHistogram) AddSample(value, weight float64, tNanos int64) {
	h.Histogram.AddSample(value, weight*h.decayFactor(tNanos))
}

// SubtractSample removes value at time tNanos with the decayed weight.
func (h *DecayingHistogram) SubtractSample(value, weight float64, tNanos int64) {
	h.Histogram.SubtractSample(value, weight*h.decayFactor(tNanos))
}

// Merge merges other into h, first moving the older reference time to the
// newer one, as VPA's decayingHistogram.Merge does (other may be rescaled).
func (h *DecayingHistogram) Merge(other *DecayingHistogram) {
	switch {
	case !other.refSet:
	case !h.refSet || h.ref < other.ref:
		h.shiftReference(other.ref)
	case other.ref < h.ref:
		other.shiftReference(h.ref)
	}
	h.Histogram.Merge(&other.Histogram)
}

// ReferenceNanos is the current reference time (Unix ns) and whether one is set.
func (h *DecayingHistogram) ReferenceNanos() (int64, bool) { return h.ref, h.refSet }

func (h *DecayingHistogram) decayFactor(t int64) float64 {
	// timestamp.After(ref + halfLife·maxDecayExponent); VPA's reference
	// starts at the zero time.Time, so the first sample always shifts it.
	if !h.refSet || t > h.ref+h.halfLife*maxDecayExponent {
		h.shiftReference(t)
	}
	d := t - h.ref
	if d >= 0 && d%int64(time.Minute) == 0 {
		if k := d / int64(time.Minute); k < int64(len(h.minutes)) {
			return h.minutes[k]
		}
	}
	return math.Exp2(float64(d) / float64(h.halfLife))
}

// shiftReference is shiftReferenceTimestamp: the new reference is rounded to
// a multiple of the half-life counted from the zero time.Time (time.Round,
// halves away from zero), and weights are scaled by 2^round(Δ/halfLife).
func (h *DecayingHistogram) shiftReference(t int64) {
	newRef := time.Unix(0, t).Round(time.Duration(h.halfLife)).UnixNano()
	if !h.refSet {
		// From the zero time the exponent is about −10⁵ (time.Sub
		// saturates), 2^exponent underflows to 0, and the histogram is
		// empty anyway: only the tracked range would be touched, and an
		// empty histogram's range does not move.
		h.Scale(0)
	} else {
		exponent := round(float64(h.ref-newRef) / float64(h.halfLife))
		h.Scale(math.Ldexp(1, exponent))
	}
	h.ref = newRef
	h.refSet = true
}

// round is util/decaying_histogram.go's round: halves up.
func round(x float64) int {
	return int(math.Floor(x + 0.5))
}
