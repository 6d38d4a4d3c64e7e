package checks

import (
	"fmt"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// Status is the outcome of one check on one object.
type Status string

// Statuses, from the gate's point of view: pass < info < warn < fail; skip
// (could not evaluate) and na (does not apply) never gate.
const (
	StatusPass Status = "pass"
	StatusInfo Status = "info"
	StatusWarn Status = "warn"
	StatusFail Status = "fail"
	StatusSkip Status = "skip"
	StatusNA   Status = "na"
)

// Statuses lists every status in display order.
var Statuses = []Status{StatusFail, StatusWarn, StatusInfo, StatusPass, StatusSkip, StatusNA}

// Severity orders gating statuses; skip and na have severity 0.
func (s Status) Severity() int {
	switch s {
	case StatusInfo:
		return 1
	case StatusWarn:
		return 2
	case StatusFail:
		return 3
	}
	return 0
}

// ParseStatus parses a status name.
func ParseStatus(s string) (Status, error) {
	for _, st := range Statuses {
		if string(st) == s {
			return st, nil
		}
	}
	return "", fmt.Errorf("unknown status %q", s)
}

// ObjectRef names the object a result is about; empty for cluster-wide
// results.
type ObjectRef struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name,omitempty"`
}

// String renders the reference kubectl-style: Kind/namespace/name.
func (o ObjectRef) String() string {
	switch {
	case o.Kind == "" && o.Name == "":
		return "(cluster)"
	case o.Namespace == "":
		return o.Kind + "/" + o.Name
	default:
		return o.Kind + "/" + o.Namespace + "/" + o.Name
	}
}

// Result is one check's verdict on one object.
type Result struct {
	Check    string         `json:"check"`
	Status   Status         `json:"status"`
	Object   ObjectRef      `json:"object"`
	Message  string         `json:"message"`
	Evidence map[string]any `json:"evidence,omitempty"`
}

// Meta describes a check. IDs are stable forever.
type Meta struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Category string `json:"category"`
	// Rule says exactly what is evaluated and at which thresholds.
	Rule string `json:"rule"`
	// Rationale says why it matters in production.
	Rationale string `json:"rationale"`
	// Remediation says how to fix a finding.
	Remediation string `json:"remediation"`
}

// Check is one registered check: its description, the kinds it needs, and
// the function that evaluates it.
type Check struct {
	Meta
	// Needs lists the kinds the check reads. If any of them is a gap in the
	// snapshot the check reports skip and Eval is not called.
	Needs []cluster.Kind
	// Eval evaluates the check. Results need not set Check; the runner does.
	Eval func(in *Input) []Result
}

// Input is what a check's Eval receives.
type Input struct {
	Snapshot *cluster.Snapshot
	Options  *Options
	// memos holds what several checks derive from the same snapshot (the
	// RBAC model, say), computed once per run; see memo.
	memos map[string]any
}

// memo returns the value stored under key for this run, computing it with
// build the first time. Checks run one after another, so it needs no lock.
func memo[T any](in *Input, key string, build func() T) T {
	if v, ok := in.memos[key]; ok {
		return v.(T)
	}
	v := build()
	if in.memos == nil {
		in.memos = map[string]any{}
	}
	in.memos[key] = v
	return v
}

// result is a shorthand for building a Result.
func result(status Status, obj ObjectRef, msg string, evidence map[string]any) Result {
	return Result{Status: status, Object: obj, Message: msg, Evidence: evidence}
}

// Categories.
const (
	CategoryQuota = "Namespace quotas"
	CategoryDNS   = "Cluster DNS"
)
