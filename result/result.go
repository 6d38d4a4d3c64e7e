package result

import "fmt"

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

// Ref builds an ObjectRef.
func Ref(apiVersion, kind, namespace, name string) ObjectRef {
	return ObjectRef{APIVersion: apiVersion, Kind: kind, Namespace: namespace, Name: name}
}

// Cluster is the reference of cluster-wide results.
var Cluster = ObjectRef{}

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
	Check    string    `json:"check"`
	Status   Status    `json:"status"`
	Object   ObjectRef `json:"object"`
	Message  string    `json:"message"`
	Evidence Evidence  `json:"evidence,omitempty"`
}

// New is a shorthand for building a Result; the runner fills Check.
func New(status Status, obj ObjectRef, msg string, evidence Evidence) Result {
	return Result{Status: status, Object: obj, Message: msg, Evidence: evidence}
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
