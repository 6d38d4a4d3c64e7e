package checks

import (
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// The result vocabulary, re-exported while the areas move to their own
// packages.
type (
	Status    = result.Status
	ObjectRef = result.ObjectRef
	Result    = result.Result
	Meta      = result.Meta
)

// Statuses.
const (
	StatusPass = result.StatusPass
	StatusInfo = result.StatusInfo
	StatusWarn = result.StatusWarn
	StatusFail = result.StatusFail
	StatusSkip = result.StatusSkip
	StatusNA   = result.StatusNA
)

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

// Categories.
const (
	CategoryQuota = "Namespace quotas"
	CategoryDNS   = "Cluster DNS"
)
