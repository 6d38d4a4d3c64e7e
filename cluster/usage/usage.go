// Package usage is the vocabulary of usage history: which container a series
// belongs to, its samples with explicit units, and the Sink that sources feed
// and the recommender implements. It does no I/O; the sources live in its
// subpackages (prometheus, queryrange) and in cluster/metrics.
package usage

import (
	"encoding/json"
	"time"
)

// Resource is what a series measures.
type Resource uint8

const (
	// CPU samples are usage rates in cores (rate of
	// container_cpu_usage_seconds_total, or metrics.k8s.io's usage.cpu).
	CPU Resource = iota
	// Memory samples are working-set bytes
	// (container_memory_working_set_bytes, or metrics.k8s.io's usage.memory).
	Memory
)

// String is "cpu" or "memory", the Kubernetes resource name.
func (r Resource) String() string {
	if r == Memory {
		return "memory"
	}
	return "cpu"
}

// ContainerID names one container of one pod as usage history names it. The
// pod may no longer exist (history outlives rollouts); the recommender maps
// it to its workload.
type ContainerID struct {
	Namespace, Pod, Container string
}

// Sample is one point of a series: T in Unix milliseconds (Prometheus's
// resolution) and V in the resource's unit (cores or bytes).
type Sample struct {
	T int64
	V float64
}

// Time returns the sample's time.
func (s Sample) Time() time.Time { return time.UnixMilli(s.T).UTC() }

// Sink takes usage history. Sources call it; the recommender implements it.
//
// AddSeries delivers samples of one container and resource in ascending time
// order; one container's series may come in several calls (a range split into
// chunks), each later than the one before. The slice is reused by the caller
// after AddSeries returns. Calls may come from several goroutines at once,
// but never two at a time for the same ContainerID and Resource.
//
// AddOOM records that the container was OOM-killed at the given time. Sources
// report OOMs before the memory series of the same container where they can
// (the recommender then merges them in time order, as VPA sees them live).
type Sink interface {
	AddSeries(id ContainerID, r Resource, samples []Sample)
	AddOOM(id ContainerID, at time.Time)
}

// Coverage says what a source could and could not read, for the report:
// a partial history lowers confidence and is shown, not hidden.
type Coverage struct {
	// Source is e.g. "prometheus http://prom:9090", "file cpu.json" or
	// "metrics.k8s.io".
	Source string `json:"source"`
	// Start and End bound the history asked for.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Step is the resolution of the samples (stepSeconds in JSON).
	Step time.Duration `json:"-"`
	// Series and Samples count what arrived.
	Series  int   `json:"series"`
	Samples int64 `json:"samples"`
	// Gaps are the parts that could not be read (a namespace whose query
	// failed, a chunk that timed out), one line each.
	Gaps []string `json:"gaps,omitempty"`
}

// MarshalJSON writes Step as stepSeconds.
func (c Coverage) MarshalJSON() ([]byte, error) {
	type plain Coverage
	return json.Marshal(struct {
		plain
		StepSeconds float64 `json:"stepSeconds"`
	}{plain(c), c.Step.Seconds()})
}
