package gate

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/seaworthy-k8s/seaworthy/result"
)

// Check IDs of the results Apply reports about exemptions themselves.
const (
	// CheckExpired is a warn result for each file entry past its expiry.
	CheckExpired = "EXEMPT-EXPIRED"
	// CheckUnused is an info result for each file entry in force that
	// covered no result.
	CheckUnused = "EXEMPT-UNUSED"
	// CheckNoReason is a warn result for each object whose exempt
	// annotation has no reason annotation (only with AllowAnnotations).
	CheckNoReason = "EXEMPT-NO-REASON"
)

// Annotation keys of annotation exemptions.
const (
	// AnnotationExempt lists the check IDs (or prefixes) an object is
	// exempt from, comma-separated.
	AnnotationExempt = "seaworthy.io/exempt"
	// AnnotationReason says why; without it the exemption is ignored.
	AnnotationReason = "seaworthy.io/exempt-reason"
)

// ApplyOptions are what Apply needs besides the results and the file.
type ApplyOptions struct {
	// Now is the time expiry is judged at: the snapshot's collectedAt.
	// The zero time is before every expiry, so the caller must set it.
	Now time.Time
	// Labels returns an object's labels; nil means none are known, and
	// then entries with labels cover nothing.
	Labels func(result.ObjectRef) map[string]string
	// AllowAnnotations turns annotation exemptions on.
	AllowAnnotations bool
	// Annotations returns an object's annotations; used only with
	// AllowAnnotations.
	Annotations func(result.ObjectRef) map[string]string
}

// Applied is one result and the exemption that covers it, nil when none
// does.
type Applied struct {
	Result    result.Result `json:"result"`
	Exemption *Entry        `json:"exemption,omitempty"`
}

// Outcome is what Apply decided.
type Outcome struct {
	// Results are the input results in their order, each with the
	// exemption that covers it.
	Results []Applied
	// Findings are results about the exemptions themselves: expired and
	// unused file entries in file order, then exempt annotations without
	// a reason in the order their objects first appear in the results.
	Findings []result.Result
}

// Gating returns the results no exemption covers.
func (o Outcome) Gating() []result.Result {
	var out []result.Result
	for _, a := range o.Results {
		if a.Exemption == nil {
			out = append(out, a.Result)
		}
	}
	return out
}

// Apply marks each gating result (info, warn, fail) with the first
// exemption that covers it and reports expired, unused and reasonless
// exemptions. ex may be nil (no exemptions file).
func Apply(results []result.Result, ex *Exemptions, opts ApplyOptions) Outcome {
	var entries []Entry
	if ex != nil {
		entries = ex.Entries
	}
	expired := make([]bool, len(entries))
	for i, e := range entries {
		expired[i] = !opts.Now.Before(e.Expires.End())
	}
	covered := make([]int, len(entries))
	wouldCover := make([]int, len(entries))

	labels := lookupCache(opts.Labels)
	var annotations func(result.ObjectRef) map[string]string
	if opts.AllowAnnotations {
		annotations = lookupCache(opts.Annotations)
	}
	annotationEntries := map[result.ObjectRef]*annotationExemption{}
	var noReason []result.ObjectRef

	out := Outcome{Results: make([]Applied, len(results))}
	for ri, r := range results {
		out.Results[ri].Result = r
		if r.Status.Severity() == 0 {
			continue
		}
		for i := range entries {
			e := &entries[i]
			if !e.matches(r, labels) {
				continue
			}
			if expired[i] {
				wouldCover[i]++
				continue
			}
			covered[i]++
			out.Results[ri].Exemption = e
			break
		}
		if out.Results[ri].Exemption != nil || annotations == nil || r.Object == result.Cluster {
			continue
		}
		e, seen := annotationEntries[r.Object]
		if !seen {
			var ok bool
			e, ok = annotationEntry(r.Object, annotations(r.Object))
			if !ok {
				noReason = append(noReason, r.Object)
			}
			annotationEntries[r.Object] = e
		}
		if e != nil && e.covers(r.Check) {
			out.Results[ri].Exemption = &e.entry
		}
	}

	for i, e := range entries {
		ev := result.Evidence{"exemption": e.Source, "check": e.Check, "owner": e.Owner, "expires": e.Expires.String(), "reason": e.Reason}
		switch {
		case expired[i]:
			ev["wouldCover"] = wouldCover[i]
			out.Findings = append(out.Findings, result.Result{Check: CheckExpired, Status: result.StatusWarn,
				Message: fmt.Sprintf("exemption %s for %s (owner %s) expired on %s and no longer applies; it would cover %s; renew it with a new date or fix the findings",
					e.Source, e.Check, e.Owner, e.Expires, countOf(wouldCover[i], "result")),
				Evidence: ev})
		case covered[i] == 0:
			out.Findings = append(out.Findings, result.Result{Check: CheckUnused, Status: result.StatusInfo,
				Message: fmt.Sprintf("exemption %s for %s (owner %s) covers no result; remove it, or correct its check or selector",
					e.Source, e.Check, e.Owner),
				Evidence: ev})
		}
	}
	for _, obj := range noReason {
		out.Findings = append(out.Findings, result.Result{Check: CheckNoReason, Status: result.StatusWarn, Object: obj,
			Message: fmt.Sprintf("%s has the %s annotation but no %s annotation, so it exempts nothing; add a reason or remove the annotation",
				obj, AnnotationExempt, AnnotationReason),
			Evidence: result.Evidence{"annotation": annotations(obj)[AnnotationExempt]}})
	}
	return out
}

// matches reports whether the entry selects the result; labels looks up
// the object's labels, needed only when the entry has labels. A Namespace
// object matches the namespace glob by its own name.
func (e *Entry) matches(r result.Result, labels func(result.ObjectRef) map[string]string) bool {
	ns := r.Object.Namespace
	if ns == "" && r.Object.Kind == "Namespace" {
		ns = r.Object.Name // a Namespace is in itself, for "namespace: team-a"
	}
	if !checkMatches(e.Check, r.Check) || !glob(e.Namespace, ns) ||
		!glob(e.Kind, r.Object.Kind) || !glob(e.Name, r.Object.Name) {
		return false
	}
	if len(e.Labels) == 0 {
		return true
	}
	if labels == nil {
		return false
	}
	have := labels(r.Object)
	for k, v := range e.Labels {
		if got, ok := have[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// checkMatches reports whether pattern names id: the ID itself, or a
// prefix ending where id has a "-" or ".".
func checkMatches(pattern, id string) bool {
	if pattern == id {
		return true
	}
	rest, ok := strings.CutPrefix(id, pattern)
	return ok && (rest[0] == '-' || rest[0] == '.' || strings.HasSuffix(pattern, "-") || strings.HasSuffix(pattern, "."))
}

// glob matches s against a path.Match pattern; empty matches anything.
// Patterns are checked when parsed, so the error cannot happen.
func glob(pattern, s string) bool {
	if pattern == "" {
		return true
	}
	ok, _ := path.Match(pattern, s)
	return ok
}

// annotationExemption is the exemption an object's annotations declare for
// its own results.
type annotationExemption struct {
	entry  Entry
	checks []string
}

// covers reports whether one of the annotation's checks names id.
func (a *annotationExemption) covers(id string) bool {
	for _, c := range a.checks {
		if checkMatches(c, id) {
			return true
		}
	}
	return false
}

// annotationEntry builds the exemption an object's annotations declare:
// nil, true when it has no exempt annotation; nil, false when it has one
// without a reason.
func annotationEntry(obj result.ObjectRef, ann map[string]string) (*annotationExemption, bool) {
	list, ok := ann[AnnotationExempt]
	if !ok {
		return nil, true
	}
	reason := strings.TrimSpace(ann[AnnotationReason])
	if reason == "" {
		return nil, false
	}
	var checks []string
	for _, c := range strings.Split(list, ",") {
		if c = strings.TrimSpace(c); c != "" {
			checks = append(checks, c)
		}
	}
	if len(checks) == 0 {
		return nil, true
	}
	return &annotationExemption{
		entry: Entry{Check: strings.Join(checks, ","), Reason: reason,
			Namespace: obj.Namespace, Kind: obj.Kind, Name: obj.Name,
			Source: "annotation on " + obj.String()},
		checks: checks,
	}, true
}

// lookupCache calls f at most once per object; nil stays nil.
func lookupCache(f func(result.ObjectRef) map[string]string) func(result.ObjectRef) map[string]string {
	if f == nil {
		return nil
	}
	memo := map[result.ObjectRef]map[string]string{}
	return func(o result.ObjectRef) map[string]string {
		m, ok := memo[o]
		if !ok {
			m = f(o)
			memo[o] = m
		}
		return m
	}
}

func countOf(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
