package adm

import (
	"fmt"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

func evalADM004(in *check.Input, _ *Options) []result.Result {
	s := in.Snapshot
	var out []result.Result
	for i := range s.APIServices {
		a := &s.APIServices[i]
		if a.Spec.Service == nil {
			continue // served by the API server itself
		}
		ref := cluster.RefOf(cluster.KindAPIServices, "", a.Name)
		svc := a.Spec.Service.Namespace + "/" + a.Spec.Service.Name
		ev := result.Evidence{"service": svc}
		c := a.Condition("Available")
		switch {
		case c == nil && s.FromManifests():
			out = append(out, result.New(result.StatusSkip, ref, fmt.Sprintf(
				"APIService %s (Service %s) has no Available condition: the API server writes it, and the input is manifests.", a.Name, svc), ev))
		case c == nil:
			out = append(out, result.New(result.StatusWarn, ref, fmt.Sprintf(
				"APIService %s (Service %s) has no Available condition, so the API server has not judged it; check it with kubectl get apiservice %s.",
				a.Name, svc, a.Name), ev))
		case c.Status == "False":
			ev["conditionReason"], ev["conditionMessage"] = c.Reason, c.Message
			out = append(out, result.New(result.StatusFail, ref, fmt.Sprintf(
				"APIService %s is unavailable (%s: %s), so discovery of %s fails: kubectl prints an error on every command, "+
					"namespace deletion hangs and what the API serves is gone; fix Service %s and its pods, or delete the APIService if its add-on was removed.",
				a.Name, c.Reason, c.Message, groupVersion(a), svc), ev))
		case c.Status == "True":
			out = append(out, result.New(result.StatusPass, ref, fmt.Sprintf(
				"APIService %s (Service %s) is available.", a.Name, svc), ev))
		default:
			ev["conditionReason"], ev["conditionMessage"] = c.Reason, c.Message
			out = append(out, result.New(result.StatusWarn, ref, fmt.Sprintf(
				"APIService %s (Service %s) has Available %s (%s: %s); the API server cannot tell whether it serves.",
				a.Name, svc, c.Status, c.Reason, c.Message), ev))
		}
	}
	if len(out) == 0 {
		return []result.Result{result.New(result.StatusNA, result.ObjectRef{}, "No aggregated APIService (one with spec.service) is registered in the input.", nil)}
	}
	return out
}

// groupVersion names the API group version an APIService registers.
func groupVersion(a *cluster.APIService) string {
	return a.Spec.Group + "/" + a.Spec.Version
}
