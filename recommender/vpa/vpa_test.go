package vpa

import (
	"math"
	"testing"
	"time"
)

// day0 is 2026-02-20T00:00:00Z in Unix ms: a midnight, so reference times
// are easy to state.
var day0 = time.Date(2026, 2, 20, 0, 0, 0, 0, time.UTC).UnixMilli()

const (
	msHour = int64(time.Hour / time.Millisecond)
	msDay  = 24 * msHour
	mib    = 1 << 20
)

func TestBuckets(t *testing.T) {
	h, err := NewHistogram(DefaultConfig().CPUHistogram)
	if err != nil {
		t.Fatal(err)
	}
	// ceil(ln(1000·0.05/0.01 + 1)/ln 1.05) + 1 = ceil(174.6) + 1.
	if got := h.NumBuckets(); got != 176 {
		t.Errorf("buckets: got %d, want 176", got)
	}
	// start(i) = 0.01·(1.05^i − 1)/0.05: 0, 0.01, 0.0205.
	for i, want := range []float64{0, 0.01, 0.01 * (1.05*1.05 - 1) / 0.05} {
		if got := h.BucketStart(i); math.Abs(got-want) > 1e-15 {
			t.Errorf("start(%d): got %v, want %v", i, got, want)
		}
	}
	// 0.2 cores: bucket floor(ln(0.2·0.05/0.01 + 1)/ln 1.05) = floor(14.21)
	// = 14, so every percentile is the start of bucket 15.
	h.AddSample(0.2, 1)
	if got, want := h.Percentile(0.5), h.BucketStart(15); got != want {
		t.Errorf("p50 of one 0.2 sample: got %v, want start(15) = %v", got, want)
	}
	// A value past the maximum lands in the last bucket, whose own start
	// is returned.
	h.AddSample(5000, 1000)
	if got, want := h.Percentile(0.99), h.BucketStart(175); got != want {
		t.Errorf("p99: got %v, want start(175) = %v", got, want)
	}
	// Subtracting everything leaves an empty histogram (weights below
	// epsilon are zeroed).
	h.SubtractSample(5000, 1000)
	h.SubtractSample(0.2, 1)
	if !h.IsEmpty() || h.Percentile(0.5) != 0 {
		t.Errorf("after subtracting all: empty %v, p50 %v", h.IsEmpty(), h.Percentile(0.5))
	}
}

func TestDecayingHistogram(t *testing.T) {
	cfg := DefaultConfig()
	h, err := NewDecayingHistogram(cfg.CPUHistogram, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	ns := func(ms int64) int64 { return ms * 1e6 }
	// The first sample, 11:59:59.999 after day0, rounds the reference to
	// day0 (time.Round to 24 h); its weight is 1·2^(Δ/24h) with Δ just
	// under half a day.
	h.AddSample(0.2, 1, ns(day0+12*msHour-1))
	if ref, _ := h.ReferenceNanos(); ref != ns(day0) {
		t.Errorf("reference: got %d, want day0 %d", ref, ns(day0))
	}
	w1 := math.Exp2(float64(ns(12*msHour-1)) / float64(24*time.Hour))
	// One day later the weight is twice as large: total w1 + 2·w1.
	h.AddSample(0.2, 1, ns(day0+36*msHour-1))
	if got, want := h.TotalWeight(), w1+2*w1; got != want {
		t.Errorf("total after a day: got %v, want 3·w1 = %v", got, want)
	}
	// A sample more than 100 half-lives after the reference moves it to
	// that sample's rounded day and scales old weights by 2^−101: they drop
	// below epsilon and leave the tracked range.
	h.AddSample(1.0, 1, ns(day0+101*msDay))
	if ref, _ := h.ReferenceNanos(); ref != ns(day0+101*msDay) {
		t.Errorf("reference after 101 days: got %d, want %d", ref, ns(day0+101*msDay))
	}
	if got, want := h.Percentile(0.01), h.BucketStart(h.b.find(1.0)+1); got != want {
		t.Errorf("p1 after rescale: got %v, want the 1.0 sample's bucket end %v", got, want)
	}
	// Total: 3·w1·2^−101 + 1.
	if got, want := h.TotalWeight(), 3*w1*math.Ldexp(1, -101)+1; got != want {
		t.Errorf("total after rescale: got %v, want %v", got, want)
	}
	// Exactly half a day rounds up (halves away from zero).
	h2, _ := NewDecayingHistogram(cfg.CPUHistogram, 24*time.Hour)
	h2.AddSample(0.2, 1, ns(day0+12*msHour))
	if ref, _ := h2.ReferenceNanos(); ref != ns(day0+msDay) {
		t.Errorf("reference at 12:00: got %d, want day0+1d %d", ref, ns(day0+msDay))
	}
}

func TestInstanceMemoryPeaks(t *testing.T) {
	cfg := DefaultConfig()
	a := NewAggregate(cfg)
	in := a.NewInstance()
	m := a.Memory()
	bucketEnd := func(bytes float64) float64 { return m.BucketStart(m.b.find(bytes) + 1) }
	// The first sample opens the window [t, t+24h) and adds its peak.
	in.AddMemory(day0+6*msHour, 100e6)
	// A larger one in the same window replaces it (subtract, add): still
	// one peak. Peaks are stamped at the window end, day0+30h, so the
	// reference is day0+24h (30 h rounded to days) and the weight
	// 2^(6h/24h).
	in.AddMemory(day0+7*msHour, 300e6)
	// A smaller one changes nothing.
	in.AddMemory(day0+8*msHour, 200e6)
	wantW := math.Exp2(float64(6*time.Hour) / float64(24*time.Hour))
	if got := m.TotalWeight(); got != wantW {
		t.Errorf("one window: total %v, want 2^(6/24) = %v", got, wantW)
	}
	if got, want := m.Percentile(0.01), bucketEnd(300e6); got != want {
		t.Errorf("one window: p1 %v, want the 300 MB bucket end %v", got, want)
	}
	// An out-of-order sample is discarded.
	if in.AddMemory(day0+7*msHour, 900e6) {
		t.Error("an earlier memory sample was accepted")
	}
	// 2.5 days later: the window moves by (60h).Truncate(24h) + 24h = 72h
	// to end at day0+102h; a second peak is added there, 78 h after the
	// reference.
	in.AddMemory(day0+90*msHour, 50e6)
	wantW += math.Exp2(float64(78*time.Hour) / float64(24*time.Hour))
	if got := m.TotalWeight(); got != wantW {
		t.Errorf("two windows: total %v, want 2^(6/24) + 2^(78/24) = %v", got, wantW)
	}
}

func TestRecordOOM(t *testing.T) {
	cfg := DefaultConfig()
	a := NewAggregate(cfg)
	in := a.NewInstance()
	m := a.Memory()
	in.AddMemory(day0, 400*mib)
	// Request 2 GiB above the 400 MiB peak: used = 2 GiB, needed =
	// max(2 GiB + 100 MiB, int64(2 GiB·1.2)) = 2576980377 (2.4 GiB, the
	// ratio wins). It is a bigger peak in the same window: it replaces
	// 400 MiB.
	if err := in.RecordOOM(day0+msHour, 2<<30); err != nil {
		t.Fatal(err)
	}
	if got, want := m.Percentile(1), m.BucketStart(m.b.find(2576980377)+1); got != want {
		t.Errorf("after OOM: p100 %v, want the 2576980377 B bucket end %v", got, want)
	}
	if got := m.Percentile(0.01); got != m.Percentile(1) {
		t.Errorf("after OOM: the 400 MiB peak is still there (p1 %v)", got)
	}
	// An OOM more than 24 h before the last memory sample is refused.
	in.AddMemory(day0+3*msDay, 400*mib)
	if err := in.RecordOOM(day0+2*msDay-1, 2<<30); err == nil {
		t.Error("an OOM 24h+1ms before the last sample was accepted")
	}
	if err := in.RecordOOM(day0+2*msDay, 2<<30); err != nil {
		t.Errorf("an OOM exactly 24h before the last sample was refused: %v", err)
	}
}

func TestRecommendOneDay(t *testing.T) {
	cfg := DefaultConfig()
	a := NewAggregate(cfg)
	in := a.NewInstance()
	// 1440 samples a minute apart: 0.2 cores and 300 MiB.
	for i := range int64(1440) {
		in.AddCPU(day0+i*60_000, 0.2)
		in.AddMemory(day0+i*60_000, 300*mib)
	}
	e := Recommend(cfg, map[string]*Aggregate{"app": a})["app"]
	// Confidence: min(1439 min / 1440 min, 1440 samples / 1440).
	if want := 1439.0 / 1440; e.Confidence != want {
		t.Errorf("confidence: got %v, want %v", e.Confidence, want)
	}
	// CPU: every percentile is the end of 0.2's bucket 14, start(15) =
	// 0.01·(1.05^15 − 1)/0.05 = 0.21579 cores → 215 m; + int64(215·0.15)
	// = 32 → 247. Upper: int64(247·(1 + 1440/1439)) = 494. Lower:
	// int64(247·(1 + 0.001·1440/1439)^−2) = 246.
	// Memory: 300 MiB = 314572800 B is in bucket 19; start(20) =
	// 1e7·(1.05^20 − 1)/0.05 → 330659541; + int64(330659541·0.15) =
	// 49598931 → 380258472. Upper: int64(380258472·(1 + 1440/1439)) =
	// 760781195; lower: int64(380258472·(1 + 0.001·1440/1439)^−2) = 379498567.
	want := struct{ lc, tc, uc, lm, tm, um int64 }{246, 247, 494, 379498567, 380258472, 760781195}
	got := struct{ lc, tc, uc, lm, tm, um int64 }{e.Lower.CPUMillis, e.Target.CPUMillis, e.Upper.CPUMillis,
		e.Lower.MemoryBytes, e.Target.MemoryBytes, e.Upper.MemoryBytes}
	if got != want {
		t.Errorf("estimate: got %+v, want %+v", got, want)
	}
}

func TestRecommendFloorsSplit(t *testing.T) {
	cfg := DefaultConfig()
	aggs := map[string]*Aggregate{}
	for _, name := range []string{"a", "b", "c", "d"} {
		a := NewAggregate(cfg)
		in := a.NewInstance()
		for i := range int64(600) {
			in.AddCPU(day0+i*60_000, 0.001)
			in.AddMemory(day0+i*60_000, 1e6)
		}
		aggs[name] = a
	}
	for name, e := range Recommend(cfg, aggs) {
		// CPU: bucket 0 ends at 0.01 → 10 m, + int64(10·0.15) = 1 → 11,
		// above the floor int64(25·0.25) = 6. Memory: bucket 0 ends at 1e7
		// B, + 1.5e6 = 11500000, below the floor int64(250 MiB·0.25) =
		// 65536000, which wins for target, lower and upper.
		if e.Target.CPUMillis != 11 || e.Target.MemoryBytes != 65536000 ||
			e.Lower.MemoryBytes != 65536000 || e.Upper.MemoryBytes != 65536000 {
			t.Errorf("%s: got %+v", name, e.Bounds)
		}
	}
}

func TestConfidenceStepAware(t *testing.T) {
	// Hourly samples for 8 days: 192 samples over 191 h.
	for _, tc := range []struct {
		name      string
		stepAware bool
		want      float64
	}{
		{"vpa", false, 192.0 / 1440},            // samples at one a minute: 0.133 days
		{"step-aware", true, float64(191) / 24}, // min(191 h/24 h, 192·1 h/24 h = 8)
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.ConfidenceStepAware, cfg.SampleStep = tc.stepAware, time.Hour
			a := NewAggregate(cfg)
			in := a.NewInstance()
			for i := range int64(192) {
				in.AddCPU(day0+i*msHour, 0.5)
			}
			e := Recommend(cfg, map[string]*Aggregate{"app": a})["app"]
			if math.Abs(e.Confidence-tc.want) > 1e-12 {
				t.Errorf("confidence: got %v, want %v", e.Confidence, tc.want)
			}
			// Upper/target = int64(T·(1 + 1/c))/T with T the target; VPA's
			// 1 + 1/0.1333 = 8.5, step-aware 1 + 24/191 = 1.126.
			ratio := float64(e.Upper.CPUMillis) / float64(e.Target.CPUMillis)
			if want := 1 + 1/tc.want; math.Abs(ratio-want) > 0.01 {
				t.Errorf("upper/target: got %.3f, want %.3f", ratio, want)
			}
		})
	}
}

func TestHumanizedBytes(t *testing.T) {
	for _, tc := range []struct{ in, want int64 }{
		{1000, 1000},             // below 1 KiB: unchanged
		{1536, 1536},             // "1.50Ki" = 1536 exactly
		{1000000000, 999995474},  // "953.67Mi" = ceil(95367·2^20/100) = ceil(999995473.92)
		{2576980377, 2576980378}, // "2.40Gi" = ceil(240·2^30/100) = 2576980377.6 → 2576980378
	} {
		if got := humanizedBytes(tc.in); got != tc.want {
			t.Errorf("humanize %d: got %d, want %d", tc.in, got, tc.want)
		}
	}
}
