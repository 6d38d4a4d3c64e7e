package adm

import (
	"fmt"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// The admissionregistration.k8s.io/v1 limits of timeoutSeconds: "The
// timeout value must be between 1 and 30 seconds. Default to 10 seconds."
const (
	defaultTimeoutSeconds = 10
	maxTimeoutSeconds     = 30
)

func evalADM002(in *check.Input, o *Options) []result.Result {
	hooks := webhooks(in.Snapshot)
	if len(hooks) == 0 {
		return []result.Result{noWebhooks(in.Snapshot)}
	}
	out := make([]result.Result, 0, len(hooks))
	for i := range hooks {
		w := &hooks[i]
		// The API server writes the default into the object, so a live
		// read and the manifest it came from say the same thing here.
		timeout := defaultTimeoutSeconds
		if w.timeoutSeconds != nil {
			timeout = int(*w.timeoutSeconds)
		}
		ev := w.evidence()
		ev["timeoutSeconds"] = timeout
		if timeout >= o.TimeoutWarnSeconds {
			then := "admitted without it (failurePolicy Ignore)"
			if w.failsClosed() {
				then = "rejected (failurePolicy Fail)"
			}
			out = append(out, result.New(result.StatusWarn, w.ref(), fmt.Sprintf(
				"%s waits up to %d s (the API server allows at most %d) for its backend, so while the backend hangs every request it matches waits that long and is then %s; "+
					"set timeoutSeconds to 10 or less.", w.label(), timeout, maxTimeoutSeconds, then), ev))
			continue
		}
		out = append(out, result.New(result.StatusPass, w.ref(), fmt.Sprintf(
			"%s times out after %d s.", w.label(), timeout), ev))
	}
	return out
}

func evalADM003(in *check.Input, _ *Options) []result.Result {
	hooks := webhooks(in.Snapshot)
	if len(hooks) == 0 {
		return []result.Result{noWebhooks(in.Snapshot)}
	}
	var out []result.Result
	for i := range hooks {
		w := &hooks[i]
		if !w.matchesPods() {
			continue
		}
		ev := w.evidence()
		switch {
		case w.sideEffects == nil:
			ev["sideEffects"] = ""
			out = append(out, result.New(result.StatusWarn, w.ref(), fmt.Sprintf(
				"%s matches pods and declares no sideEffects, which admissionregistration.k8s.io/v1 requires; set sideEffects: None (or NoneOnDryRun).",
				w.label()), ev))
		case *w.sideEffects == admissionregistrationv1.SideEffectClassUnknown || *w.sideEffects == admissionregistrationv1.SideEffectClassSome:
			ev["sideEffects"] = string(*w.sideEffects)
			out = append(out, result.New(result.StatusWarn, w.ref(), fmt.Sprintf(
				"%s matches pods with sideEffects %s, so the API server rejects every dry-run request for pods it matches (kubectl apply --dry-run=server, kubectl diff); "+
					"set sideEffects: None (or NoneOnDryRun).", w.label(), *w.sideEffects), ev))
		default:
			ev["sideEffects"] = string(*w.sideEffects)
			out = append(out, result.New(result.StatusPass, w.ref(), fmt.Sprintf(
				"%s matches pods with sideEffects %s.", w.label(), *w.sideEffects), ev))
		}
	}
	if len(out) == 0 {
		return []result.Result{result.New(result.StatusNA, result.ObjectRef{}, "No admission webhook matches pods.", nil)}
	}
	return out
}
