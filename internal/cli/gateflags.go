package cli

import (
	"fmt"
	"os"

	"github.com/spf13/pflag"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/report"
	"github.com/seaworthy-k8s/seaworthy/report/gate"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// gateOptions are audit's flags that shape the gate beyond --fail-on:
// exemptions and a baseline.
type gateOptions struct {
	exemptionsFile   string
	allowAnnotations bool
	baselineFile     string

	exemptions *gate.Exemptions
	baseline   *gate.Baseline
}

func (g *gateOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&g.exemptionsFile, "exemptions", "", "Exempt results listed in this YAML file (check, namespace/kind/name globs, labels, reason, owner, expires; see docs/ci.md). Exempted results no longer gate; expired and unused entries are reported.")
	fs.BoolVar(&g.allowAnnotations, "allow-annotation-exemptions", false, "Also honour seaworthy.io/exempt annotations (with seaworthy.io/exempt-reason) on objects. Off by default: whoever can edit a workload could exempt it.")
	fs.StringVar(&g.baselineFile, "baseline", "", "An earlier JSON report: only results that are new, or worse than in it, gate.")
}

// complete reads and validates the files, so a bad one fails before the
// cluster is read.
func (g *gateOptions) complete() error {
	if g.exemptionsFile != "" {
		data, err := os.ReadFile(g.exemptionsFile)
		if err != nil {
			return fmt.Errorf("read --exemptions: %w", err)
		}
		if g.exemptions, err = gate.ParseExemptions(g.exemptionsFile, data); err != nil {
			return err
		}
	}
	if g.baselineFile != "" {
		data, err := os.ReadFile(g.baselineFile)
		if err != nil {
			return fmt.Errorf("read --baseline: %w", err)
		}
		if g.baseline, err = gate.ReadBaseline(g.baselineFile, data); err != nil {
			return err
		}
	}
	return nil
}

// metas are the descriptions of the findings exemptions added to results
// (only those present: a check that ran without results counts as
// evaluated, and these are not checks of the cluster).
func (g *gateOptions) metas(results []result.Result) []result.Meta {
	var out []result.Meta
	for _, m := range gate.Metas {
		for _, r := range results {
			if r.Check == m.ID {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// apply takes the exempted results out of results and adds the findings
// about the exemptions; exempted are to be set on the report.
func (g *gateOptions) apply(snap *cluster.Snapshot, results []result.Result) (kept []result.Result, exempted []report.Exempted) {
	if g.exemptions == nil && !g.allowAnnotations {
		return results, nil
	}
	meta := objectMeta(snap)
	out := gate.Apply(results, g.exemptions, gate.ApplyOptions{
		Now:              snap.CollectedAt,
		Labels:           func(r result.ObjectRef) map[string]string { return meta(r).labels },
		AllowAnnotations: g.allowAnnotations,
		Annotations:      func(r result.ObjectRef) map[string]string { return meta(r).annotations },
	})
	for _, a := range out.Results {
		if a.Exemption != nil {
			exempted = append(exempted, report.Exempted{Result: a.Result, Exemption: a.Exemption})
		} else {
			kept = append(kept, a.Result)
		}
	}
	return append(kept, out.Findings...), exempted
}

// compare marks which results of rep may gate against the baseline.
func (g *gateOptions) compare(rep *report.Report) {
	if g.baseline == nil {
		return
	}
	cls := gate.Classify(rep.Results, g.baseline)
	gates := make([]bool, len(cls))
	s := report.BaselineSummary{File: g.baselineFile}
	for i, c := range cls {
		gates[i] = c.Gates()
		switch c.State {
		case gate.StateNew:
			s.New++
		case gate.StateChanged:
			s.Changed++
		default:
			s.Unchanged++
		}
	}
	rep.SetBaseline(s, gates)
}

type labelsAndAnnotations struct{ labels, annotations map[string]string }

// objectMeta returns a lookup of an object's labels and annotations by
// its reference, built over the kind table on first use.
func objectMeta(snap *cluster.Snapshot) func(result.ObjectRef) labelsAndAnnotations {
	var byRef map[result.ObjectRef]labelsAndAnnotations
	return func(r result.ObjectRef) labelsAndAnnotations {
		if byRef == nil {
			byRef = map[result.ObjectRef]labelsAndAnnotations{}
			for i := range cluster.Kinds {
				k := &cluster.Kinds[i]
				if k.Each == nil {
					continue
				}
				k.Each(snap, func(o metav1.Object) {
					ref := k.Ref(o.GetNamespace(), o.GetName())
					ref.APIVersion = ""
					byRef[ref] = labelsAndAnnotations{o.GetLabels(), o.GetAnnotations()}
				})
			}
		}
		r.APIVersion = ""
		return byRef[r]
	}
}
