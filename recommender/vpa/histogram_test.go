package vpa

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// findNear answers as find does for every value, whatever the guess:
// values at, just around and between every bucket bound, and random ones.
func TestFindNearMatchesFind(t *testing.T) {
	for _, o := range []HistogramOptions{DefaultConfig().CPUHistogram, DefaultConfig().MemoryHistogram} {
		b, err := newBucketing(o)
		if err != nil {
			t.Fatal(err)
		}
		var values []float64
		for i := 1; i < b.numBuckets; i++ {
			s := b.starts[i]
			values = append(values, s, math.Nextafter(s, 0), math.Nextafter(s, math.Inf(1)), s*(1+1e-9), s*(1-1e-9), s*1.01)
		}
		r := rand.New(rand.NewPCG(1, 2))
		for range 100000 {
			values = append(values, math.Exp(r.Float64()*math.Log(o.MaxValue*2)))
		}
		for _, v := range values {
			want := b.find(v)
			for _, g := range []int{0, want - 1, want, want + 1, b.numBuckets - 1} {
				if g < 0 || g >= b.numBuckets {
					continue
				}
				if got := b.findNear(v, g); got != want {
					t.Fatalf("findNear(%v, %d) = %d, find = %d", v, g, got, want)
				}
			}
		}
	}
}

// The decay table gives what Exp2 gives, minute by minute, and factors off
// the minute grid are computed as before.
func TestDecayTableMatchesExp2(t *testing.T) {
	hl := int64(24 * time.Hour)
	h := newDecaying(&bucketing{}, 24*time.Hour)
	h.ref, h.refSet = 0, true
	for _, d := range []int64{0, int64(time.Minute), 1440 * int64(time.Minute), 99*hl + 7*int64(time.Minute), 100 * hl, int64(time.Second), 90 * int64(time.Second)} {
		if got, want := h.decayFactor(d), math.Exp2(float64(d)/float64(hl)); got != want {
			t.Errorf("decayFactor(%d) = %v, want %v", d, got, want)
		}
	}
}
