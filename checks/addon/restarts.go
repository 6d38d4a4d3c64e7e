package addon

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// evalADDON003 flags add-on containers killed for memory or restarting
// again and again in the restart window.
func evalADDON003(in *check.Input, o *Options) []result.Result {
	if len(in.Snapshot.Pods) == 0 {
		return one(result.StatusSkip, "The input holds no pods, so the add-ons' container statuses (restarts, OOM kills) are not known; audit the cluster, or include its pods.")
	}
	now := in.Snapshot.CollectedAt
	var out []result.Result
	pods := 0
	for _, j := range recognised(in.Index, o) {
		var found []string
		var restarts int32
		oom := false
		for _, p := range in.Index.PodsOwnedBy(j.w) {
			pods++
			for _, ss := range [][]corev1.ContainerStatus{p.Status.InitContainerStatuses, p.Status.ContainerStatuses} {
				for _, cs := range ss {
					t := cs.LastTerminationState.Terminated
					if t == nil || t.FinishedAt.IsZero() {
						continue
					}
					age := now.Sub(t.FinishedAt.Time)
					if age > o.RestartWindow {
						continue
					}
					killed := t.Reason == "OOMKilled"
					if !killed && int(cs.RestartCount) < o.RestartStorm {
						continue
					}
					what := fmt.Sprintf("%s in pod %s restarted %d %s", cs.Name, p.Name, cs.RestartCount, check.Plural(int(cs.RestartCount), "time", "times"))
					if killed {
						oom = true
						what += ", last OOMKilled " + check.HumanDuration(max(age, 0)) + " ago"
					} else {
						what += fmt.Sprintf(", last exiting %s ago (%s)", check.HumanDuration(max(age, 0)), reason(t))
					}
					found = append(found, what)
					restarts = max(restarts, cs.RestartCount)
				}
			}
		}
		if len(found) == 0 {
			continue
		}
		cause := "has been restarting again and again"
		if oom {
			cause = "was killed for memory"
		}
		out = append(out, result.New(result.StatusWarn, j.w.Ref(), fmt.Sprintf(
			"%s %s in the last %s: %s; size its requests and limits with seaworthy recommend, and read kubectl logs --previous for why it exits.",
			is(j), cause, check.HumanDuration(o.RestartWindow), strings.Join(found, "; ")),
			result.Evidence{"addon": j.a.name, "restartedContainers": found, "restarts": restarts, "oomKilled": oom}))
	}
	switch {
	case pods == 0:
		return one(result.StatusNA, "The input holds no pod of a recognised add-on in the add-on namespaces ("+namespaces(o)+" and infrastructure namespaces).")
	case len(out) == 0:
		return one(result.StatusPass, fmt.Sprintf("%s of recognised add-ons had no OOM kill and no restart storm in the last %s.",
			count(pods, "pod", "pods"), check.HumanDuration(o.RestartWindow)))
	}
	return out
}

func reason(t *corev1.ContainerStateTerminated) string {
	if t.Reason != "" {
		return t.Reason
	}
	return fmt.Sprintf("exit code %d", t.ExitCode)
}
