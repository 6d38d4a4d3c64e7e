package recommender

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/cluster/usage"
	"github.com/seaworthy-k8s/seaworthy/recommender/vpa"
)

// Engine aggregates usage history per workload and container, as VPA's
// recommender does: CPU samples go straight into the workload container's
// histogram; memory goes through each pod container's own peak per
// aggregation window. It implements usage.Sink, so sources feed it
// directly and raw samples are never kept.
type Engine struct {
	ix      *index.Index
	opts    Options
	targets *targets
	jobs    map[[2]string]string
	pods    map[[2]string]*corev1.Pod

	mu sync.Mutex
	// series are the pod containers history named, resolved once.
	series map[usage.ContainerID]*series
	// aggregates are per workload and container name.
	aggregates map[aggKey]*aggregate
	// unmatched are the pods history named that map to no workload.
	unmatched map[[2]string]bool
	samples   atomic.Int64
}

// aggKey names one container of one workload.
type aggKey struct {
	target    *target
	container string
}

// aggregate is VPA's AggregateContainerState for one workload container,
// with a lock: sources feed several pods of one workload at once.
type aggregate struct {
	mu   sync.Mutex
	vpa  *vpa.Aggregate
	pods map[string]bool
	ooms []time.Time
	// samples counts the CPU and memory samples fed to it.
	samples int64
}

// series is one pod container of history, resolved to its aggregate.
type series struct {
	agg *aggregate
	// inst tracks the pod container's memory peaks (VPA's ContainerState).
	inst *vpa.Instance
	// memRequest is the container's memory request in bytes, from which
	// VPA bumps an OOM kill.
	memRequest int64
	// pendingOOM are OOM kills not yet merged into the memory series, in
	// ascending time (Unix ms).
	pendingOOM []int64
	// seenOOM de-duplicates an OOM reported by the snapshot and by
	// kube-state-metrics.
	seenOOM map[int64]bool
}

// New builds an engine over a snapshot's index. OOM kills the snapshot's
// container statuses record are added at once.
func New(ix *index.Index, opts Options) *Engine {
	e := &Engine{
		ix: ix, opts: opts,
		targets:    buildTargets(ix),
		jobs:       jobOwners(ix),
		pods:       make(map[[2]string]*corev1.Pod, len(ix.Snapshot().Pods)),
		series:     map[usage.ContainerID]*series{},
		aggregates: map[aggKey]*aggregate{},
		unmatched:  map[[2]string]bool{},
	}
	for i := range ix.Snapshot().Pods {
		p := &ix.Snapshot().Pods[i]
		e.pods[[2]string{p.Namespace, p.Name}] = p
	}
	for i := range ix.Snapshot().Pods {
		p := &ix.Snapshot().Pods[i]
		for _, st := range p.Status.ContainerStatuses {
			if t := st.LastTerminationState.Terminated; t != nil && t.Reason == "OOMKilled" && !t.FinishedAt.IsZero() {
				e.AddOOM(usage.ContainerID{Namespace: p.Namespace, Pod: p.Name, Container: st.Name}, t.FinishedAt.Time)
			}
		}
	}
	return e
}

// resolve returns the series of a pod container, or nil when its pod maps
// to no workload of the snapshot.
func (e *Engine) resolve(id usage.ContainerID) *series {
	e.mu.Lock()
	defer e.mu.Unlock()
	if s, ok := e.series[id]; ok {
		return s
	}
	var tg *target
	pod := e.pods[[2]string{id.Namespace, id.Pod}]
	if pod != nil {
		tg = e.targets.forPod(e.ix, e.jobs, pod)
	} else {
		tg = e.targets.forPodName(id.Namespace, id.Pod)
	}
	if tg == nil {
		e.unmatched[[2]string{id.Namespace, id.Pod}] = true
		e.series[id] = nil
		return nil
	}
	k := aggKey{tg, id.Container}
	agg := e.aggregates[k]
	if agg == nil {
		agg = &aggregate{vpa: vpa.NewAggregate(&e.opts.VPA), pods: map[string]bool{}}
		e.aggregates[k] = agg
	}
	s := &series{agg: agg, inst: agg.vpa.NewInstance(), seenOOM: map[int64]bool{}}
	s.memRequest = memoryRequestOf(tg, pod, id.Container)
	e.series[id] = s
	return s
}

// memoryRequestOf returns a container's memory request in bytes: the
// pod's own when the snapshot holds it, else the template's.
func memoryRequestOf(tg *target, pod *corev1.Pod, container string) int64 {
	var c *corev1.Container
	if pod != nil {
		for i := range pod.Spec.Containers {
			if pod.Spec.Containers[i].Name == container {
				c = &pod.Spec.Containers[i]
			}
		}
	}
	if c == nil {
		c = templateContainer(tg.template, container)
	}
	if c == nil {
		return 0
	}
	q := c.Resources.Requests[corev1.ResourceMemory]
	return q.Value()
}

// AddSeries implements usage.Sink.
func (e *Engine) AddSeries(id usage.ContainerID, r usage.Resource, samples []usage.Sample) {
	if len(samples) == 0 {
		return
	}
	s := e.resolve(id)
	if s == nil {
		return
	}
	a := s.agg
	a.mu.Lock()
	defer a.mu.Unlock()
	a.pods[id.Pod] = true
	switch r {
	case usage.CPU:
		// Through the pod container's state, as VPA's ContainerState
		// does: it drops duplicate and out-of-order samples.
		for _, x := range samples {
			s.inst.AddCPU(x.T, x.V)
		}
	case usage.Memory:
		for _, x := range samples {
			for len(s.pendingOOM) > 0 && s.pendingOOM[0] <= x.T {
				_ = s.inst.RecordOOM(s.pendingOOM[0], s.memRequest) // too old: VPA discards it too
				s.pendingOOM = s.pendingOOM[1:]
			}
			s.inst.AddMemory(x.T, x.V)
		}
	}
	a.samples += int64(len(samples))
	e.samples.Add(int64(len(samples)))
}

// AddOOM implements usage.Sink. The OOM is merged into the container's
// memory series at its time; one reported after the series is recorded
// when the engine recommends, as VPA records a live OOM event.
func (e *Engine) AddOOM(id usage.ContainerID, at time.Time) {
	s := e.resolve(id)
	if s == nil {
		return
	}
	ms := at.UnixMilli()
	s.agg.mu.Lock()
	defer s.agg.mu.Unlock()
	if s.seenOOM[ms/1000] {
		return
	}
	s.seenOOM[ms/1000] = true
	s.agg.ooms = append(s.agg.ooms, at.UTC())
	i, _ := slices.BinarySearch(s.pendingOOM, ms)
	s.pendingOOM = slices.Insert(s.pendingOOM, i, ms)
}

// flushOOMs records the OOMs no memory sample came after.
func (e *Engine) flushOOMs() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, s := range e.series {
		if s == nil {
			continue
		}
		for _, t := range s.pendingOOM {
			_ = s.inst.RecordOOM(t, s.memRequest)
		}
		s.pendingOOM = nil
	}
}

// Samples returns how many samples the engine has aggregated.
func (e *Engine) Samples() int64 { return e.samples.Load() }
