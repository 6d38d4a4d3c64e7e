package vpaoracle

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/recommender/vpa"
	"k8s.io/autoscaler/vertical-pod-autoscaler/pkg/recommender/logic"
	"k8s.io/autoscaler/vertical-pod-autoscaler/pkg/recommender/model"
)

// kind of one event in a container instance's history.
type kind int

const (
	cpuSample kind = iota
	memSample
	oomKill
)

// event is one input to a container instance, in feeding order.
type event struct {
	kind kind
	t    int64   // Unix ms
	v    float64 // cores, bytes, or (OOM) the memory request in bytes
}

// instance is one container of one pod: its container name, the label set
// (VPA aggregation key) its pod belongs to, and its events.
type instance struct {
	container string
	group     int
	events    []event
}

// history is one case: the instances of one workload.
type history struct {
	name      string
	instances []instance
}

const (
	mib    = 1024 * 1024
	minute = int64(60 * 1000)
	hour   = 60 * minute
	day    = 24 * hour
)

// start is not aligned to a minute, an hour or a day, so window ends,
// reference times and rounding all see awkward offsets.
var start = time.Date(2026, 2, 20, 7, 13, 29, 500e6, time.UTC).UnixMilli()

// series builds CPU and memory samples every step over span from t0, with
// cpu(i) and mem(i) giving the values of sample i.
func series(t0, span, step int64, cpu, mem func(i int) float64) []event {
	var ev []event
	for i := 0; int64(i)*step < span; i++ {
		t := t0 + int64(i)*step
		if cpu != nil {
			ev = append(ev, event{cpuSample, t, cpu(i)})
		}
		if mem != nil {
			ev = append(ev, event{memSample, t, mem(i)})
		}
	}
	return ev
}

func cases() []history {
	r := rand.New(rand.NewPCG(1, 2))
	noise := func(mean, sd float64) float64 { return math.Max(0, mean+sd*r.NormFloat64()) }
	var hs []history

	hs = append(hs, history{name: "steady", instances: []instance{{container: "app", events: series(start, 8*day, minute,
		func(int) float64 { return noise(0.2, 0.02) },
		func(int) float64 { return noise(200*mib, 5*mib) })}}})

	hs = append(hs, history{name: "spiky", instances: []instance{{container: "app", events: series(start, 8*day, minute,
		func(int) float64 {
			if r.Float64() < 0.05 {
				return noise(2.0, 0.3)
			}
			return noise(0.1, 0.01)
		},
		func(int) float64 {
			if r.Float64() < 0.01 {
				return noise(900*mib, 50*mib)
			}
			return noise(300*mib, 10*mib)
		})}}})

	n := int(8 * day / minute)
	hs = append(hs, history{name: "growing", instances: []instance{{container: "app", events: series(start, 8*day, minute,
		func(i int) float64 { return noise(0.05+1.45*float64(i)/float64(n), 0.02) },
		func(i int) float64 { return noise(100*mib+1100*mib*float64(i)/float64(n), 3*mib) })}}})

	// OOM kills: one mid-history, a second in the same memory window, and
	// one stamped two days before the latest memory sample (too old: both
	// must refuse it).
	oom := series(start, 8*day, minute,
		func(int) float64 { return noise(0.3, 0.03) },
		func(int) float64 { return noise(400*mib, 20*mib) })
	var withOOM []event
	for _, e := range oom {
		withOOM = append(withOOM, e)
		if e.kind != memSample {
			continue
		}
		switch e.t {
		case start + 3*day + 12*hour:
			withOOM = append(withOOM, event{oomKill, e.t + 30*1000, 512 * mib})
		case start + 3*day + 12*hour + 10*minute:
			withOOM = append(withOOM, event{oomKill, e.t + 1000, 512 * mib})
		case start + 6*day:
			withOOM = append(withOOM, event{oomKill, e.t - 2*day, 512 * mib})
		}
	}
	hs = append(hs, history{name: "oom-mid-history", instances: []instance{{container: "app", events: withOOM}}})

	hs = append(hs, history{name: "short-6h", instances: []instance{{container: "app", events: series(start, 6*hour, minute,
		func(int) float64 { return noise(0.5, 0.1) },
		func(int) float64 { return noise(700*mib, 30*mib) })}}})

	// Five small containers in one pod: the pod floors (25m, 250 MiB) are
	// split five ways (5m, 50 MiB each) and bind.
	var many []instance
	for c := range 5 {
		many = append(many, instance{container: fmt.Sprintf("c%d", c), events: series(start, 3*day, minute,
			func(int) float64 { return noise(0.001*float64(c+1), 0.0005) },
			func(int) float64 { return noise(float64(10+5*c)*mib, mib) })})
	}
	hs = append(hs, history{name: "many-containers-floors", instances: many})

	// Two idle containers: the CPU floor, int64(25m·0.5) = 12m, is above
	// the smallest estimate VPA can make (the first bucket's end, 10m, plus
	// the margin: 11m), so it binds too.
	hs = append(hs, history{name: "two-containers-cpu-floor", instances: []instance{
		{container: "a", events: series(start, day, minute,
			func(int) float64 { return noise(0.002, 0.001) },
			func(int) float64 { return noise(20*mib, mib) })},
		{container: "b", events: series(start+5*1000, day, minute,
			func(int) float64 { return noise(0.003, 0.001) },
			func(int) float64 { return noise(30*mib, mib) })},
	}})

	// Three pods of one workload, two containers each; pod 2 replaced pod
	// 1 after two days (a restart), pod 3 runs alongside with less load.
	var pods []instance
	for p, span := range []struct{ from, to int64 }{{0, 2 * day}, {2 * day, 8 * day}, {0, 8 * day}} {
		load := 1.0 / float64(p+1)
		pods = append(pods,
			instance{container: "app", events: series(start+span.from, span.to-span.from, minute,
				func(int) float64 { return noise(0.4*load, 0.05) },
				func(int) float64 { return noise(600*mib*load, 20*mib) })},
			instance{container: "sidecar", events: series(start+span.from+17*1000, span.to-span.from, minute,
				func(int) float64 { return noise(0.02, 0.005) },
				func(int) float64 { return noise(40*mib, 2*mib) })})
	}
	hs = append(hs, history{name: "multiple-pods", instances: pods})

	// Memory every 7 h with a 3-day gap: several windows, and a window
	// shift of more than one interval.
	var win []event
	for t := start; t < start+9*day; t += 7 * hour {
		if t > start+2*day && t < start+5*day {
			continue
		}
		win = append(win, event{cpuSample, t, noise(0.25, 0.05)}, event{memSample, t, noise(500*mib, 100*mib)})
	}
	hs = append(hs, history{name: "memory-windows", instances: []instance{{container: "app", events: win}}})

	// Out-of-order and duplicate samples: VPA drops CPU samples not after
	// the last one and memory samples before the last one.
	ooo := series(start, 2*day, minute,
		func(int) float64 { return noise(0.3, 0.05) },
		func(int) float64 { return noise(300*mib, 10*mib) })
	ooo = append(ooo,
		event{cpuSample, start + day, 9.0},            // earlier: dropped
		event{cpuSample, start + 2*day - minute, 9.0}, // duplicate time: dropped
		event{memSample, start + day, 5000 * mib},     // earlier: dropped
		event{memSample, start + 2*day - minute, 800 * mib},
		event{cpuSample, start + 2*day, 0.3})
	hs = append(hs, history{name: "out-of-order", instances: []instance{{container: "app", events: ooo}}})

	hs = append(hs, history{name: "hourly-8d", instances: []instance{{container: "app", events: series(start, 8*day, hour,
		func(int) float64 { return noise(0.6, 0.1) },
		func(int) float64 { return noise(1024*mib, 64*mib) })}}})

	// 130 days at one sample per 30 min: past maxDecayExponent (100
	// half-lives), so the reference time moves and weights are rescaled.
	hs = append(hs, history{name: "long-130d-rescale", instances: []instance{{container: "app", events: series(start, 130*day, 30*minute,
		func(i int) float64 { return noise(0.2+0.1*math.Sin(float64(i)/50), 0.02) },
		func(i int) float64 { return noise(256*mib+64*mib*math.Sin(float64(i)/70), 4*mib) })}}})

	// Pods with two label sets: two VPA aggregation keys per container
	// name, started 1.5 days apart (different reference times), merged.
	hs = append(hs, history{name: "two-label-sets-merged", instances: []instance{
		{container: "app", group: 0, events: series(start, 4*day, minute,
			func(int) float64 { return noise(0.3, 0.05) },
			func(int) float64 { return noise(300*mib, 10*mib) })},
		{container: "app", group: 1, events: series(start+36*hour, 4*day, minute,
			func(int) float64 { return noise(0.9, 0.05) },
			func(int) float64 { return noise(700*mib, 10*mib) })},
	}})

	// Memory samples only: no CPU samples, confidence 0, and the bounds
	// VPA derives from 1/0.
	hs = append(hs, history{name: "memory-only", instances: []instance{{container: "app", events: series(start, day, minute,
		nil, func(int) float64 { return noise(600*mib, 10*mib) })}}})
	return hs
}

// outcome is what one side produced: estimates per container and the
// RecordOOM errors, in order (nil for accepted).
type outcome struct {
	bounds  map[string]vpa.Bounds
	oomErrs []bool
}

// runVPA feeds h through VPA's model and logic as its recommender does:
// one ContainerState per pod container, one AggregateContainerState per
// (label set, container name), merged by container name into fresh
// aggregates (AggregateStateByContainerName), UpdateFromPolicy(nil), and
// the pod resource recommender built from the default recommender config.
func runVPA(h history) outcome {
	out, _ := runVPARaw(h)
	return out
}

// runVPARaw is runVPA also returning VPA's recommendation before output
// formatting.
func runVPARaw(h history) (outcome, logic.RecommendedPodResources) {
	model.InitializeAggregationsConfig(model.NewAggregationsConfig(
		model.DefaultMemoryAggregationInterval, model.DefaultMemoryAggregationIntervalCount,
		model.DefaultMemoryHistogramDecayHalfLife, model.DefaultCPUHistogramDecayHalfLife,
		model.DefaultOOMBumpUpRatio, model.DefaultOOMMinBumpUp))
	type key struct {
		group     int
		container string
	}
	aggs := map[key]*model.AggregateContainerState{}
	var out outcome
	for _, in := range h.instances {
		k := key{in.group, in.container}
		if aggs[k] == nil {
			aggs[k] = model.NewAggregateContainerState()
		}
		cs := model.NewContainerState(model.Resources{}, aggs[k])
		for _, e := range in.events {
			ts := time.UnixMilli(e.t)
			switch e.kind {
			case cpuSample:
				cs.AddSample(&model.ContainerUsageSample{MeasureStart: ts, Usage: model.CPUAmountFromCores(e.v), Resource: model.ResourceCPU})
			case memSample:
				cs.AddSample(&model.ContainerUsageSample{MeasureStart: ts, Usage: model.MemoryAmountFromBytes(e.v), Resource: model.ResourceMemory})
			case oomKill:
				out.oomErrs = append(out.oomErrs, cs.RecordOOM(ts, model.MemoryAmountFromBytes(e.v)) != nil)
			}
		}
	}
	byName := model.ContainerNameToAggregateStateMap{}
	keys := make([]key, 0, len(aggs))
	for k := range aggs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].group < keys[j].group })
	for _, k := range keys {
		if byName[k.container] == nil {
			byName[k.container] = model.NewAggregateContainerState()
		}
		byName[k.container].MergeContainerState(aggs[k])
	}
	for _, a := range byName {
		a.UpdateFromPolicy(nil)
	}
	rec := logic.CreatePodResourceRecommender(vpaDefaults)
	amounts := func(r model.Resources) vpa.Amounts {
		return vpa.Amounts{CPUMillis: int64(r[model.ResourceCPU]), MemoryBytes: int64(r[model.ResourceMemory])}
	}
	out.bounds = map[string]vpa.Bounds{}
	res := rec.GetRecommendedPodResources(byName)
	for name, r := range res {
		out.bounds[name] = vpa.Bounds{Lower: amounts(r.LowerBound), Target: amounts(r.Target), Upper: amounts(r.UpperBound)}
	}
	return out, res
}

// vpaDefaults is the RecommendationConfig VPA's recommender builds
// (routines/recommender_controller.go) from DefaultRecommenderConfig
// (recommender/config/config.go). That package cannot be imported here (its
// Prometheus client does not build against the client_golang seaworthy
// pins), so the values are written out; TestDefaultsMatchVPASource checks
// them against config.go's source.
var vpaDefaults = logic.RecommendationConfig{
	SafetyMarginFraction:       0.15,
	PodMinCPUMillicores:        25,
	PodMinMemoryMb:             250,
	TargetCPUPercentile:        0.9,
	LowerBoundCPUPercentile:    0.5,
	UpperBoundCPUPercentile:    0.95,
	ConfidenceIntervalCPU:      24 * time.Hour,
	TargetMemoryPercentile:     0.9,
	LowerBoundMemoryPercentile: 0.5,
	UpperBoundMemoryPercentile: 0.95,
	ConfidenceIntervalMemory:   24 * time.Hour,
}

// runOurs feeds h through recommender/vpa the same way.
func runOurs(cfg *vpa.Config, h history) outcome {
	type key struct {
		group     int
		container string
	}
	aggs := map[key]*vpa.Aggregate{}
	var out outcome
	for _, in := range h.instances {
		k := key{in.group, in.container}
		if aggs[k] == nil {
			aggs[k] = vpa.NewAggregate(cfg)
		}
		inst := aggs[k].NewInstance()
		for _, e := range in.events {
			switch e.kind {
			case cpuSample:
				inst.AddCPU(e.t, e.v)
			case memSample:
				inst.AddMemory(e.t, e.v)
			case oomKill:
				out.oomErrs = append(out.oomErrs, inst.RecordOOM(e.t, int64(e.v)) != nil)
			}
		}
	}
	keys := make([]key, 0, len(aggs))
	for k := range aggs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].group < keys[j].group })
	byName := map[string]*vpa.Aggregate{}
	for _, k := range keys {
		if byName[k.container] == nil {
			byName[k.container] = vpa.NewAggregate(cfg)
		}
		byName[k.container].Merge(aggs[k])
	}
	out.bounds = map[string]vpa.Bounds{}
	for name, e := range vpa.Recommend(cfg, byName) {
		out.bounds[name] = e.Bounds
	}
	return out
}

// TestMatchesVPA: for every case and container, lower bound, target and
// upper bound (millicores and bytes) equal VPA v1.8.1's exactly, and the
// same OOM kills are refused.
func TestMatchesVPA(t *testing.T) {
	for _, h := range cases() {
		t.Run(h.name, func(t *testing.T) {
			want := runVPA(h)
			got := runOurs(vpa.DefaultConfig(), h)
			if len(got.bounds) != len(want.bounds) {
				t.Fatalf("containers: got %d, want %d", len(got.bounds), len(want.bounds))
			}
			for name, w := range want.bounds {
				if g := got.bounds[name]; g != w {
					t.Errorf("%s:\n got %+v\nwant %+v", name, g, w)
				}
			}
			if fmt.Sprint(got.oomErrs) != fmt.Sprint(want.oomErrs) {
				t.Errorf("refused OOMs: got %v, want %v", got.oomErrs, want.oomErrs)
			}
			t.Logf("%v", want.bounds)
		})
	}
}

// TestOracleCatchesChangedConstant: with one constant changed in our Config
// (the safety margin 0.16 instead of 0.15, the bucket ratio 1.06 instead of
// 1.05, the pod floors 26m/251 MiB instead of 25m/250 MiB) the outputs
// differ from VPA's, so TestMatchesVPA's equality is not vacuous. Margin
// and ratio are caught in every case whose estimates are not all at the
// floors; the floor change is caught where the floors bind; every case is
// caught by at least one.
func TestOracleCatchesChangedConstant(t *testing.T) {
	changes := []struct {
		name   string
		change func(*vpa.Config)
	}{
		{"margin-0.16", func(c *vpa.Config) { c.SafetyMarginFraction = 0.16 }},
		{"ratio-1.06", func(c *vpa.Config) {
			c.CPUHistogram.Ratio = 1.06
			c.MemoryHistogram.Ratio = 1.06
		}},
		{"floors-26m-251Mi", func(c *vpa.Config) {
			c.PodMinCPUMillicores = 26
			c.PodMinMemoryMb = 251
		}},
	}
	// floorBound are the cases where every estimate sits at a pod floor
	// (or is the smallest CPU estimate, which a margin of 0.16 does not
	// move: 10 + int64(10·0.16) = 11).
	floorBound := map[string]bool{"two-containers-cpu-floor": true}
	for _, h := range cases() {
		want := runVPA(h)
		caught := 0
		for _, c := range changes {
			cfg := vpa.DefaultConfig()
			c.change(cfg)
			got := runOurs(cfg, h)
			differ := 0
			for name, w := range want.bounds {
				if got.bounds[name] != w {
					differ++
				}
			}
			if differ > 0 {
				caught++
			} else if c.name != "floors-26m-251Mi" && !floorBound[h.name] {
				t.Errorf("%s/%s: every container equals VPA's despite the change", c.name, h.name)
			}
		}
		if caught == 0 {
			t.Errorf("%s: no changed constant is caught", h.name)
		}
	}
}
