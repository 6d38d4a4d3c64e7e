package index

import (
	"strings"
	"sync"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// disruptionFacts hold the PDBs by namespace with their parsed selectors,
// the HPAs by the workload they name and the workloads by namespace, so
// that asking every workload for its PDBs and HPAs costs one pass over
// each kind rather than one per workload.
type disruptionFacts struct {
	pdbs      map[string][]parsedPDB
	hpas      map[workloadKey][]*autoscalingv2.HorizontalPodAutoscaler
	workloads map[string][]*Workload

	// selected maps each PDB of the snapshot to the workloads it selects
	// (PDBWorkloads).
	selectedOnce sync.Once
	selected     map[*policyv1.PodDisruptionBudget][]*Workload
}

// parsedPDB is a PDB and its selector (labels.Nothing for a null or
// invalid one, labels.Everything for an empty one, as the disruption
// controller reads them).
type parsedPDB struct {
	pdb *policyv1.PodDisruptionBudget
	sel labels.Selector
}

func (ix *Index) disruptionFacts() *disruptionFacts {
	ix.disruptionOnce.Do(func() {
		s := ix.snap
		f := &ix.disruption
		f.pdbs = map[string][]parsedPDB{}
		for i := range s.PDBs {
			p := &s.PDBs[i]
			f.pdbs[p.Namespace] = append(f.pdbs[p.Namespace], parsedPDB{pdb: p, sel: PDBSelector(p)})
		}
		f.hpas = map[workloadKey][]*autoscalingv2.HorizontalPodAutoscaler{}
		for i := range s.HPAs {
			h := &s.HPAs[i]
			t := h.Spec.ScaleTargetRef
			switch groupOf(t.APIVersion) {
			case "apps", "extensions", "":
				k := workloadKey{t.Kind, h.Namespace, t.Name}
				f.hpas[k] = append(f.hpas[k], h)
			}
		}
		f.workloads = map[string][]*Workload{}
		for _, w := range ix.Workloads() {
			f.workloads[w.Namespace] = append(f.workloads[w.Namespace], w)
		}
	})
	return &ix.disruption
}

// groupOf returns the API group of an apiVersion, "" for the core group.
func groupOf(apiVersion string) string {
	g, _, ok := strings.Cut(apiVersion, "/")
	if !ok {
		return ""
	}
	return g
}

// WorkloadsIn returns the workloads of a namespace, in Workloads order.
func (ix *Index) WorkloadsIn(namespace string) []*Workload {
	return ix.disruptionFacts().workloads[namespace]
}

// PDBSelector returns the PDB's selector as the disruption controller
// reads it: a null or invalid selector selects nothing, an empty one every
// pod of its namespace.
func PDBSelector(p *policyv1.PodDisruptionBudget) labels.Selector {
	sel, err := metav1.LabelSelectorAsSelector(p.Spec.Selector)
	if err != nil {
		return labels.Nothing()
	}
	return sel
}

// PDBWorkloads returns the workloads in the PDB's namespace whose pod
// template labels its selector matches, in Workloads order. The matches of
// every PDB are computed together, the first time one is asked for.
func (ix *Index) PDBWorkloads(p *policyv1.PodDisruptionBudget) []*Workload {
	f := ix.disruptionFacts()
	f.selectedOnce.Do(func() {
		f.selected = map[*policyv1.PodDisruptionBudget][]*Workload{}
		for ns, pdbs := range f.pdbs {
			ws := f.workloads[ns]
			for _, pp := range pdbs {
				for _, w := range ws {
					if pp.sel.Matches(labels.Set(w.Template.Labels)) {
						f.selected[pp.pdb] = append(f.selected[pp.pdb], w)
					}
				}
			}
		}
	})
	if ws, ok := f.selected[p]; ok || ix.inSnapshot(p) {
		return ws
	}
	// A PDB not of the snapshot: match it on its own.
	sel := PDBSelector(p)
	var out []*Workload
	for _, w := range f.workloads[p.Namespace] {
		if sel.Matches(labels.Set(w.Template.Labels)) {
			out = append(out, w)
		}
	}
	return out
}

// inSnapshot reports whether p points into the snapshot's PDBs.
func (ix *Index) inSnapshot(p *policyv1.PodDisruptionBudget) bool {
	for _, pp := range ix.disruptionFacts().pdbs[p.Namespace] {
		if pp.pdb == p {
			return true
		}
	}
	return false
}
