package addons

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/recommender"
)

// Options configure the add-on rules.
type Options struct {
	// Configured are rules from an add-on sizing file (ParseConfig); they
	// are tried before the built-in table.
	Configured []Configured
	// NoBuiltin leaves the built-in table out.
	NoBuiltin bool
}

// Sizing is one add-on container judged by an addon-resizer rule.
type Sizing struct {
	// Workload is the add-on's workload; Container its index in the pod
	// template's containers.
	Workload  *index.Workload
	Container int
	// Rule decided it; ByNanny is true when the rule is a nanny's flags.
	Rule    Rule
	ByNanny bool
	// Nodes is the node count judged for; NodesKnown is false when the
	// input does not say (manifests without Node objects, nodes
	// unreadable), and then Verdict is zero.
	Nodes      int
	NodesKnown bool
	Verdict    Verdict
	// Recommendation is the result in the recommender's vocabulary.
	Recommendation recommender.Container
}

// NodeCount returns the cluster's node count as the addon-resizer counts
// it (every Node object), or why it is not known.
func NodeCount(ix *index.Index) (int, string, bool) {
	s := ix.Snapshot()
	if g, ok := s.GapFor(cluster.KindNodes); ok {
		if g.Reason == cluster.GapNotInInput {
			return 0, "the input holds no Node objects, so the cluster's node count is not known", false
		}
		return 0, "nodes could not be read (" + g.Message + "), so the cluster's node count is not known", false
	}
	return len(s.Nodes), "", true
}

// Size finds the add-ons of the snapshot and judges each by its rule: the
// flags of a nanny container resizing it when its pod template has one,
// else the first configured rule that matches it, else the built-in table.
// Results are in the index's workload order.
func Size(ix *index.Index, o Options) []Sizing {
	nodes, why, known := NodeCount(ix)
	nannies := nanniesByTarget(ix)
	var out []Sizing
	for _, w := range ix.Workloads() {
		for _, s := range rulesFor(w, nannies[w.Key()], o) {
			s.Nodes, s.NodesKnown = nodes, known
			s.Recommendation, s.Verdict = recommend(s, why)
			out = append(out, s)
		}
	}
	return out
}

// Recommend returns Size's recommendations.
func Recommend(ix *index.Index, o Options) []recommender.Container {
	var out []recommender.Container
	for _, s := range Size(ix, o) {
		out = append(out, s.Recommendation)
	}
	return out
}

// nanniesByTarget maps "Deployment/namespace/name" to the nannies that
// resize it, in the index's order.
func nanniesByTarget(ix *index.Index) map[string][]Nanny {
	out := map[string][]Nanny{}
	for _, w := range ix.Workloads() {
		if w.Kind != index.KindDeployment {
			continue
		}
		cs := w.Template.Spec.Containers
		for i := range cs {
			if !IsNanny(&cs[i]) {
				continue
			}
			n := ReadNanny(&cs[i], w.Namespace)
			target := n.Deployment
			if target == "" {
				target = w.Name // reported against the Deployment it runs in
			}
			key := index.KindDeployment + "/" + n.Namespace + "/" + target
			out[key] = append(out[key], n)
		}
	}
	return out
}

// rulesFor returns the sizings (without node count and recommendation) of
// w's add-on containers.
func rulesFor(w *index.Workload, nannies []Nanny, o Options) []Sizing {
	cs := w.Template.Spec.Containers
	if len(nannies) > 0 {
		var out []Sizing
		for _, n := range nannies {
			i, ok := containerNamed(cs, n.Target)
			if !ok {
				continue // the nanny watches a container this template lacks
			}
			r := n.Rule
			if n.Err != nil {
				r = Rule{Name: n.Rule.Name, Source: n.Rule.Source}
			}
			out = append(out, Sizing{Workload: w, Container: i, Rule: r, ByNanny: true,
				Recommendation: recommender.Container{Reasons: nannyError(n)}})
		}
		if len(out) > 0 {
			return out
		}
	}
	for _, c := range o.Configured {
		if i, ok := c.Match.matches(w); ok {
			return []Sizing{{Workload: w, Container: i, Rule: c.Rule}}
		}
	}
	if o.NoBuiltin {
		return nil
	}
	for _, k := range Builtin() {
		if i, ok := recognise(w, k.App); ok {
			return []Sizing{{Workload: w, Container: i, Rule: k.Rule}}
		}
	}
	return nil
}

func nannyError(n Nanny) []string {
	if n.Err == nil {
		return nil
	}
	return []string{fmt.Sprintf("the addon-resizer container %s gives no rule: %v", n.Container, n.Err)}
}

// matches reports whether a configured match selects w, and which
// container.
func (m Match) matches(w *index.Workload) (int, bool) {
	cs := w.Template.Spec.Containers
	if m.Name != "" {
		if w.Name != m.Name || (m.Namespace != "" && w.Namespace != m.Namespace) {
			return 0, false
		}
		if m.Container != "" {
			return containerNamed(cs, m.Container)
		}
		if m.App != "" {
			if i, ok := recognise(w, m.App); ok {
				return i, true
			}
		}
		return onlyContainer(cs)
	}
	if m.Namespace != "" && w.Namespace != m.Namespace {
		return 0, false
	}
	i, ok := recognise(w, m.App)
	if ok && m.Container != "" {
		return containerNamed(cs, m.Container)
	}
	return i, ok
}

func containerNamed(cs []corev1.Container, name string) (int, bool) {
	for i := range cs {
		if cs[i].Name == name {
			return i, true
		}
	}
	return 0, false
}

// onlyContainer returns the one container that is not a nanny.
func onlyContainer(cs []corev1.Container) (int, bool) {
	found := -1
	for i := range cs {
		if IsNanny(&cs[i]) {
			continue
		}
		if found >= 0 {
			return 0, false
		}
		found = i
	}
	return found, found >= 0
}

// workloadOf names w in the recommender's vocabulary.
func workloadOf(w *index.Workload) recommender.Workload {
	return recommender.Workload{APIVersion: "apps/v1", Kind: w.Kind, Namespace: w.Namespace, Name: w.Name}
}

// recommend turns a sizing into a recommendation: skip without a node
// count or a rule, keep within the band, else resize to the rule's value
// as both request and limit of each resource the rule monitors.
func recommend(s Sizing, nodesWhy string) (recommender.Container, Verdict) {
	c := &s.Workload.Template.Spec.Containers[s.Container]
	rec := recommender.Container{
		Workload:  workloadOf(s.Workload),
		Container: c.Name,
		Current:   Current(c),
		Reasons:   s.Recommendation.Reasons,
	}
	rec.Recommended = rec.Current
	switch {
	case len(rec.Reasons) > 0: // a nanny whose flags give no rule
		rec.Action = recommender.ActionSkip
		return rec, Verdict{}
	case !s.NodesKnown:
		rec.Action = recommender.ActionSkip
		rec.Reasons = []string{fmt.Sprintf("%s; the %s rule (%s) cannot be evaluated", nodesWhy, s.Rule.Name, s.Rule.Source)}
		return rec, Verdict{}
	}
	v := s.Rule.Judge(rec.Current, s.Nodes)
	exp := v.Expected
	if s.Rule.CPU != nil {
		rec.Recommended.Requests.CPUMillis, rec.Recommended.Limits.CPUMillis = exp.CPUMillis, exp.CPUMillis
	}
	if s.Rule.Memory != nil {
		rec.Recommended.Requests.MemoryBytes, rec.Recommended.Limits.MemoryBytes = exp.MemoryBytes, exp.MemoryBytes
	}
	rec.Reasons = []string{s.Rule.Explain(s.Nodes) + "; from " + s.Rule.Source}
	band := fmt.Sprintf("±%d%%", s.Rule.ThresholdPercent)
	if s.Rule.AcceptanceOffset > 0 {
		band = fmt.Sprintf("the acceptance range of ±%d%% nodes", s.Rule.AcceptanceOffset)
	}
	if v.Within {
		rec.Action = recommender.ActionKeep
		rec.Reasons = append(rec.Reasons, "current requests and limits are within "+band+" of it")
		return rec, v
	}
	rec.Action = recommender.ActionResize
	var parts []string
	if len(v.Below) > 0 {
		parts = append(parts, strings.Join(v.Below, ", ")+" below the band or unset")
	}
	if len(v.Above) > 0 {
		parts = append(parts, strings.Join(v.Above, ", ")+" above it")
	}
	rec.Reasons = append(rec.Reasons, fmt.Sprintf("outside %s: %s; the addon-resizer sets requests and limits to the rule's value", band, strings.Join(parts, "; ")))
	return rec, v
}
