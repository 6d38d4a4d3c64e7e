package recommender

import (
	"encoding/json"
	"time"
)

// Amounts are a CPU and a memory amount with explicit units: CPU in
// millicores, memory in bytes. Zero means unset (no request or no limit).
type Amounts struct {
	CPUMillis   int64 `json:"cpuMillicores,omitempty"`
	MemoryBytes int64 `json:"memoryBytes,omitempty"`
}

// Settings are a container's requests and limits.
type Settings struct {
	Requests Amounts `json:"requests"`
	Limits   Amounts `json:"limits"`
}

// Bounds are the estimator's output for one container: VPA's lowerBound,
// target and upperBound, before any limit policy, LimitRange or rounding.
type Bounds struct {
	Lower  Amounts `json:"lower"`
	Target Amounts `json:"target"`
	Upper  Amounts `json:"upper"`
}

// Workload names the controller whose pods share one recommendation:
// Deployment, StatefulSet, DaemonSet, Job or CronJob (a bare ReplicaSet or
// pod is its own workload).
type Workload struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace"`
	Name       string `json:"name"`
}

// Action says what to do with a container.
type Action string

const (
	// Resize: the recommendation differs enough to act on (VPA's updater
	// rule: outside [lower, upper], a ≥ 10% change on pods older than 12 h,
	// or a recent OOM).
	ActionResize Action = "resize"
	// Keep: the current settings are within the band.
	ActionKeep Action = "keep"
	// Skip: no recommendation could be made or may be applied (no history,
	// an HPA scales on the resource, confidence too low); Reason says why.
	ActionSkip Action = "skip"
)

// Container is the recommendation for one container of one workload.
type Container struct {
	Workload  Workload `json:"workload"`
	Container string   `json:"container"`
	// Current are the settings in the workload's pod template.
	Current Settings `json:"current"`
	// Estimate is the estimator's output (zero when skipped for no history).
	Estimate Bounds `json:"estimate"`
	// Recommended are the settings to apply: the target as requests, limits
	// by the limit policy, capped by LimitRanges, rounded.
	Recommended Settings `json:"recommended"`
	// Confidence is VPA's: the smaller of the history's span in days and
	// its sample count in days of one sample a minute.
	Confidence float64 `json:"confidence"`
	// History is the span between the first and the last CPU sample.
	History time.Duration `json:"-"`
	// Samples counts the CPU samples aggregated, Pods the pods they came from.
	Samples int `json:"samples"`
	Pods    int `json:"pods"`
	// OOMs are the OOM kills seen in the history window.
	OOMs []time.Time `json:"ooms,omitempty"`
	// Action and Reasons: what to do and why (every skip and every resize
	// says why; LimitRange capping and quota headroom are reasons too).
	Action  Action   `json:"action"`
	Reasons []string `json:"reasons,omitempty"`
}

// ReplicaChange is a recommendation for a workload's replica count (CoreDNS
// from the cluster-proportional-autoscaler's rule).
type ReplicaChange struct {
	Workload    Workload `json:"workload"`
	Current     int      `json:"current"`
	Recommended int      `json:"recommended"`
	Rule        string   `json:"rule"`
	Action      Action   `json:"action"`
	Reasons     []string `json:"reasons,omitempty"`
}

// MarshalJSON writes History as historySeconds.
func (c Container) MarshalJSON() ([]byte, error) {
	type plain Container
	return json.Marshal(struct {
		plain
		HistorySeconds float64 `json:"historySeconds"`
	}{plain(c), c.History.Seconds()})
}
