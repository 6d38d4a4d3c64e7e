package res

import (
	"fmt"
	"strings"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/recommender"
	"github.com/seaworthy-k8s/seaworthy/recommender/addons"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// evalRES003 judges every add-on with an addon-resizer rule against the
// cluster's node count.
func evalRES003(in *check.Input, o *Options) []result.Result {
	sizings := addons.Size(in.Index, o.Addons)
	if len(sizings) == 0 {
		status, why := result.StatusInfo, "No add-on the cluster runs has an addon-resizer rule (a nanny container, a sizing-file entry, or the built-in metrics-server and kube-state-metrics rules), so no add-on is judged against the node count."
		if partial(in) {
			status, why = result.StatusSkip, "The input holds no add-on with an addon-resizer rule (a nanny container, a sizing-file entry, or the built-in metrics-server and kube-state-metrics rules); the cluster's may be outside it."
		}
		return []result.Result{result.New(status, result.Cluster, why, nil)}
	}
	out := make([]result.Result, 0, len(sizings))
	for _, s := range sizings {
		out = append(out, res003For(s))
	}
	return out
}

// res003For judges one add-on container.
func res003For(s addons.Sizing) result.Result {
	rec := s.Recommendation
	ref := s.Workload.Ref()
	ev := result.Evidence{"container": rec.Container, "addonRule": s.Rule.Name, "ruleSource": s.Rule.Source, "byNanny": s.ByNanny}
	if rec.Action == recommender.ActionSkip {
		return result.New(result.StatusSkip, ref, fmt.Sprintf("Container %s of %s %s is not judged: %s.", rec.Container, ref.Kind, ref.Name,
			strings.Join(rec.Reasons, "; ")), ev)
	}
	v := s.Verdict
	ev["nodes"], ev["sizedNodes"], ev["thresholdPercent"] = s.Nodes, s.Rule.SizedNodes(s.Nodes), s.Rule.ThresholdPercent
	ev["expected"] = amounts(v.Expected, s.Rule)
	// A limit left unset is unbounded, not small: RES-002 reports it.
	var below []string
	for _, b := range v.Below {
		if strings.HasPrefix(b, "limits.") && limitOf(rec.Current, b) == 0 {
			continue
		}
		below = append(below, b)
	}
	explain := s.Rule.Explain(s.Nodes)
	if len(below) > 0 {
		ev["below"] = below
		msg := fmt.Sprintf("Container %s of %s %s has %s, below the band (±%d%%) of the rule for this cluster, %s; set its requests and limits to %s, or it is throttled or OOM-killed as the cluster grows.",
			rec.Container, ref.Kind, ref.Name, strings.Join(settingsOf(rec.Current, below), ", "), s.Rule.ThresholdPercent, explain, describe(v.Expected, s.Rule))
		if s.ByNanny {
			msg += " Its addon-resizer should have done so: check that the nanny container runs and may update the Deployment."
		}
		return result.New(result.StatusWarn, ref, msg, ev)
	}
	msg := fmt.Sprintf("Container %s of %s %s is not below %s.", rec.Container, ref.Kind, ref.Name, explain)
	if len(v.Above) > 0 {
		ev["above"] = v.Above
		msg += fmt.Sprintf(" It is above the band in %s; the addon-resizer would lower them to %s.", strings.Join(v.Above, ", "), describe(v.Expected, s.Rule))
	}
	return result.New(result.StatusPass, ref, msg, ev)
}

// limitOf returns the current limit a "limits.cpu" or "limits.memory"
// setting names.
func limitOf(cur recommender.Settings, name string) int64 {
	if name == "limits.cpu" {
		return cur.Limits.CPUMillis
	}
	return cur.Limits.MemoryBytes
}

// settingsOf writes each named setting with its current value:
// "requests.cpu 20m", "requests.memory unset".
func settingsOf(cur recommender.Settings, names []string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		a := cur.Requests
		if strings.HasPrefix(n, "limits.") {
			a = cur.Limits
		}
		val := "unset"
		if strings.HasSuffix(n, ".cpu") && a.CPUMillis != 0 {
			val = addons.FormatMillis(a.CPUMillis)
		} else if strings.HasSuffix(n, ".memory") && a.MemoryBytes != 0 {
			val = addons.FormatBytes(a.MemoryBytes)
		}
		out = append(out, n+" "+val)
	}
	return out
}

// amounts is the expected evidence: {"cpu": "100m", "memory": "520Mi"},
// for the resources the rule sets.
func amounts(a recommender.Amounts, r addons.Rule) map[string]string {
	m := map[string]string{}
	if r.CPU != nil {
		m["cpu"] = addons.FormatMillis(a.CPUMillis)
	}
	if r.Memory != nil {
		m["memory"] = addons.FormatBytes(a.MemoryBytes)
	}
	return m
}

func describe(a recommender.Amounts, r addons.Rule) string {
	var parts []string
	m := amounts(a, r)
	for _, k := range check.SortedKeys(m) {
		parts = append(parts, k+" "+m[k])
	}
	return strings.Join(parts, ", ")
}
