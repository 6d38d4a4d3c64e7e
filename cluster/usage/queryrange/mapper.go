package queryrange

import (
	"fmt"
	"math"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/common/model"

	"github.com/seaworthy-k8s/seaworthy/cluster/usage"
)

// LabelNames are the labels that name a container in a series. The zero
// value means DefaultLabelNames.
type LabelNames struct {
	Namespace, Pod, Container string
}

// DefaultLabelNames are the labels of the kubelet's cAdvisor metrics since
// Kubernetes 1.16 and of kube-state-metrics.
func DefaultLabelNames() LabelNames {
	return LabelNames{Namespace: "namespace", Pod: "pod", Container: "container"}
}

// LegacyLabelNames are cAdvisor's labels before Kubernetes 1.16, which
// named the pod and container pod_name and container_name.
func LegacyLabelNames() LabelNames {
	return LabelNames{Namespace: "namespace", Pod: "pod_name", Container: "container_name"}
}

// OrDefault returns n, or DefaultLabelNames for its empty fields.
func (n LabelNames) OrDefault() LabelNames {
	d := DefaultLabelNames()
	if n.Namespace == "" {
		n.Namespace = d.Namespace
	}
	if n.Pod == "" {
		n.Pod = d.Pod
	}
	if n.Container == "" {
		n.Container = d.Container
	}
	return n
}

// Metric names this package knows, as cAdvisor and kube-state-metrics
// expose them.
const (
	MetricCPU          = "container_cpu_usage_seconds_total"
	MetricMemory       = "container_memory_working_set_bytes"
	MetricOOMReason    = "kube_pod_container_status_last_terminated_reason"
	MetricOOMTimestamp = "kube_pod_container_status_last_terminated_timestamp"
)

// podSandboxName is the container name cAdvisor gives the pause container
// under the dockershim.
const podSandboxName = "POD"

// Mapper turns parsed series into calls on a usage.Sink. It is safe for
// concurrent use by several goroutines that each deliver other containers.
//
// It keeps, per container and resource, the time of the last sample
// delivered, and drops samples that are not later (a second series for one
// container in a response, or files read out of time order), counting
// them, so that the Sink always sees ascending time.
type Mapper struct {
	labels LabelNames
	sink   usage.Sink

	mu      sync.Mutex
	last    map[seriesKey]int64
	oomLast map[usage.ContainerID]oomState
	counts  Counts
}

// Counts are what a Mapper delivered and left out.
type Counts struct {
	// Series counts the distinct container and resource pairs delivered
	// (however many chunks or files each came in); Samples the samples.
	Series  int
	Samples int64
	// OOMs counts the OOM kills delivered.
	OOMs int
	// Unnamed counts series left out because they name no container
	// (pod-level and node-level cgroups) or the pause container "POD".
	Unnamed int
	// OutOfOrder counts samples dropped because they were not later than
	// one already delivered for their container and resource.
	OutOfOrder int64
	// First and Last are the times of the earliest and latest sample
	// delivered, in Unix milliseconds (0 when none).
	First, Last int64
}

type seriesKey struct {
	id usage.ContainerID
	r  usage.Resource
}

type oomState struct {
	lastT     int64   // time of the last reason sample seen
	lastValue float64 // last distinct termination timestamp delivered
}

// NewMapper returns a Mapper that names containers by labels (empty fields
// take the defaults) and delivers to sink.
func NewMapper(labels LabelNames, sink usage.Sink) *Mapper {
	return &Mapper{labels: labels.OrDefault(), sink: sink, last: map[seriesKey]int64{}, oomLast: map[usage.ContainerID]oomState{}}
}

// Counts returns what was delivered so far.
func (m *Mapper) Counts() Counts {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.counts
}

// container names the container of a series; ok is false for series that
// name none, or the pause container.
func (m *Mapper) container(ls model.LabelSet, names LabelNames) (usage.ContainerID, bool) {
	id := usage.ContainerID{
		Namespace: string(ls[model.LabelName(names.Namespace)]),
		Pod:       string(ls[model.LabelName(names.Pod)]),
		Container: string(ls[model.LabelName(names.Container)]),
	}
	if id.Container == "" || id.Container == podSandboxName || id.Pod == "" {
		return id, false
	}
	return id, true
}

// Usage delivers a series of CPU cores or memory bytes to the sink.
func (m *Mapper) Usage(r usage.Resource, s *Series) {
	id, ok := m.container(s.Labels, m.labels)
	m.mu.Lock()
	if !ok {
		m.counts.Unnamed++
		m.mu.Unlock()
		return
	}
	k := seriesKey{id, r}
	samples := s.Samples
	last, seen := m.last[k]
	if seen {
		i := sort.Search(len(samples), func(i int) bool { return samples[i].T > last })
		m.counts.OutOfOrder += int64(i)
		samples = samples[i:]
	}
	if len(samples) == 0 {
		m.mu.Unlock()
		return
	}
	m.last[k] = samples[len(samples)-1].T
	if !seen {
		m.counts.Series++
	}
	m.counts.Samples += int64(len(samples))
	if m.counts.First == 0 || samples[0].T < m.counts.First {
		m.counts.First = samples[0].T
	}
	m.counts.Last = max(m.counts.Last, samples[len(samples)-1].T)
	m.mu.Unlock()
	// The sink is called outside the lock: the caller never delivers one
	// container from two goroutines at once.
	m.sink.AddSeries(id, r, samples)
}

// OOMReasons delivers the OOM kills a kube_pod_container_status_last_terminated_reason{reason="OOMKilled"}
// series shows: one at the first sample of each run of samples equal to 1,
// a run ending at a sample of another value or a gap longer than twice
// step. kube-state-metrics labels are always namespace, pod and container.
// Kills before notBefore (Unix milliseconds) are left out, and so is a run
// that starts at notBefore itself when notBefore is set: the container was
// killed before the window, when is unknown.
func (m *Mapper) OOMReasons(s *Series, step time.Duration, notBefore int64) {
	id, ok := m.container(s.Labels, DefaultLabelNames())
	if !ok {
		return
	}
	gap := 2 * step.Milliseconds()
	m.mu.Lock()
	st, seen := m.oomLast[id]
	var kills []int64
	for _, x := range s.Samples {
		if x.V == 1 && (!seen || st.lastT == 0 || x.T-st.lastT > gap) && (x.T > notBefore || notBefore == 0) {
			kills = append(kills, x.T)
		}
		if x.V == 1 {
			st.lastT = x.T
		} else {
			st.lastT = 0
		}
		seen = true
	}
	m.oomLast[id] = st
	m.counts.OOMs += len(kills)
	m.mu.Unlock()
	for _, t := range kills {
		m.sink.AddOOM(id, time.UnixMilli(t).UTC())
	}
}

// OOMTimestamps delivers the OOM kills a series of termination times in
// Unix seconds shows (kube_pod_container_status_last_terminated_timestamp
// of containers whose last termination reason is OOMKilled): one per
// distinct value, at that time. Kills before notBefore (Unix milliseconds)
// are left out.
func (m *Mapper) OOMTimestamps(s *Series, notBefore int64) {
	id, ok := m.container(s.Labels, DefaultLabelNames())
	if !ok {
		return
	}
	m.mu.Lock()
	st := m.oomLast[id]
	var kills []int64
	for _, x := range s.Samples {
		if x.V == st.lastValue || x.V <= 0 {
			continue
		}
		st.lastValue = x.V
		t := int64(math.Round(x.V * 1000))
		if t >= notBefore {
			kills = append(kills, t)
		}
	}
	m.oomLast[id] = st
	m.counts.OOMs += len(kills)
	m.mu.Unlock()
	for _, t := range kills {
		m.sink.AddOOM(id, time.UnixMilli(t).UTC())
	}
}

// Gaps returns the coverage lines for what the mapper dropped.
func (c Counts) Gaps() []string {
	if c.OutOfOrder == 0 {
		return nil
	}
	return []string{fmt.Sprintf("%d samples dropped: not later than samples already read for their container (a second series for one container, or history files that do not sort in time order)", c.OutOfOrder)}
}
