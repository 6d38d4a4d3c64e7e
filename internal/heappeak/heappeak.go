// Package heappeak measures the most heap a piece of work holds, for the
// benchmarks' peak-heap-MiB figures: the live and not yet collected
// objects, sampled every 2 ms with runtime/metrics.
package heappeak

import (
	"runtime/metrics"
	"time"
)

// Sampler samples the heap in the background until Stop.
type Sampler struct {
	stop chan struct{}
	done chan uint64
}

// Start begins sampling. Start each measured piece after a full GC so that
// its peak is its own.
func Start() *Sampler {
	p := &Sampler{stop: make(chan struct{}), done: make(chan uint64)}
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-p.stop:
				metrics.Read(sample)
				p.done <- max(peak, sample[0].Value.Uint64())
				return
			case <-tick.C:
			}
		}
	}()
	return p
}

// Stop ends sampling and returns the peak in MiB.
func (p *Sampler) Stop() float64 {
	close(p.stop)
	return float64(<-p.done) / (1 << 20)
}
