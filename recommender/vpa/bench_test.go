package vpa

import (
	"math/rand/v2"
	"testing"
)

// benchValues are pre-drawn so the benchmarks time the estimator, not the
// PRNG.
func benchValues(n int, mean, spread float64) []float64 {
	r := rand.New(rand.NewPCG(7, 8))
	v := make([]float64, n)
	for i := range v {
		v[i] = mean + spread*r.Float64()
	}
	return v
}

// BenchmarkAddCPU: one CPU sample a minute through an Instance (dedupe,
// millicore conversion, decayed histogram add), reported as samples/s.
func BenchmarkAddCPU(b *testing.B) {
	cfg := DefaultConfig()
	v := benchValues(1<<16, 0.05, 2)
	a := NewAggregate(cfg)
	in := a.NewInstance()
	t0 := int64(1_771_571_609_500)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in.AddCPU(t0+int64(i)*60_000, v[i&(1<<16-1)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "samples/s")
}

// BenchmarkAddMemory: one memory sample a minute through an Instance (peak
// tracking, subtract/add on a new maximum, window shifts), as samples/s.
func BenchmarkAddMemory(b *testing.B) {
	cfg := DefaultConfig()
	v := benchValues(1<<16, 100e6, 900e6)
	a := NewAggregate(cfg)
	in := a.NewInstance()
	t0 := int64(1_771_571_609_500)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in.AddMemory(t0+int64(i)*60_000, v[i&(1<<16-1)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "samples/s")
}

// BenchmarkRecommend: the estimate for one workload of two containers with
// eight days of one-minute samples.
func BenchmarkRecommend(b *testing.B) {
	cfg := DefaultConfig()
	v := benchValues(11520, 0.05, 2)
	aggs := map[string]*Aggregate{}
	for _, name := range []string{"app", "sidecar"} {
		a := NewAggregate(cfg)
		in := a.NewInstance()
		for i, x := range v {
			in.AddCPU(int64(i)*60_000, x)
			in.AddMemory(int64(i)*60_000, x*1e9)
		}
		aggs[name] = a
	}
	b.ReportAllocs()
	for b.Loop() {
		Recommend(cfg, aggs)
	}
}
