package index

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// Workload kinds.
const (
	KindDeployment  = "Deployment"
	KindStatefulSet = "StatefulSet"
	KindDaemonSet   = "DaemonSet"
	// KindReplicaSet controls a Deployment's pods; it is an owner, not a
	// Workload of its own.
	KindReplicaSet = "ReplicaSet"
)

// Workload is a pod controller: a Deployment, StatefulSet or DaemonSet.
type Workload struct {
	Kind, Namespace, Name string
	// Replicas is spec.replicas (the API server defaults it to 1); for a
	// DaemonSet, the pods it wants scheduled.
	Replicas int
	// selector is parsed from spec.selector the first time Selector is
	// called.
	selectorOnce sync.Once
	rawSelector  *metav1.LabelSelector
	selector     labels.Selector
	selectorErr  error
	// Template is the pod template.
	Template *corev1.PodTemplateSpec
	// Labels are the workload's own labels.
	Labels map[string]string
	// Deployment, StatefulSet or DaemonSet is the object itself.
	Deployment  *appsv1.Deployment
	StatefulSet *appsv1.StatefulSet
	DaemonSet   *appsv1.DaemonSet
}

// Selector returns the workload's parsed spec.selector; it selects nothing
// when err says why the selector is empty or invalid. It is parsed once,
// when first asked for: most runs need few workloads' selectors.
func (w *Workload) Selector() (sel labels.Selector, err error) {
	w.selectorOnce.Do(func() { w.selector, w.selectorErr = Selector(w.rawSelector, w.Kind) })
	return w.selector, w.selectorErr
}

// Ref names the workload in results.
func (w *Workload) Ref() result.ObjectRef {
	return workloadKinds[w.Kind].Ref(w.Namespace, w.Name)
}

// workloadKinds are the kind table's entries of the workload kinds.
var workloadKinds = map[string]*cluster.KindInfo{
	KindDeployment:  mustKind(cluster.KindDeployments),
	KindStatefulSet: mustKind(cluster.KindStatefulSets),
	KindDaemonSet:   mustKind(cluster.KindDaemonSets),
}

func mustKind(k cluster.Kind) *cluster.KindInfo {
	info, ok := cluster.InfoFor(k)
	if !ok {
		panic("index: " + string(k) + " is not in the kind table")
	}
	return info
}

// Key is "Kind/namespace/name".
func (w *Workload) Key() string { return w.Kind + "/" + w.Namespace + "/" + w.Name }

type workloadFacts struct {
	all   []*Workload
	byKey map[workloadKey]*Workload
}

func (ix *Index) workloadFacts() *workloadFacts {
	ix.workloadsOnce.Do(func() {
		s := ix.snap
		f := &ix.workloads
		f.byKey = make(map[workloadKey]*Workload, len(s.Deployments)+len(s.StatefulSets)+len(s.DaemonSets))
		add := func(w *Workload) {
			f.all = append(f.all, w)
			if k := (workloadKey{w.Kind, w.Namespace, w.Name}); f.byKey[k] == nil {
				f.byKey[k] = w // of duplicates (merged inputs), the first read
			}
		}
		for i := range s.Deployments {
			d := &s.Deployments[i]
			w := &Workload{Kind: KindDeployment, Namespace: d.Namespace, Name: d.Name, Replicas: replicas(d.Spec.Replicas),
				Template: &d.Spec.Template, Labels: d.Labels, Deployment: d, rawSelector: d.Spec.Selector}
			add(w)
		}
		for i := range s.StatefulSets {
			st := &s.StatefulSets[i]
			w := &Workload{Kind: KindStatefulSet, Namespace: st.Namespace, Name: st.Name, Replicas: replicas(st.Spec.Replicas),
				Template: &st.Spec.Template, Labels: st.Labels, StatefulSet: st, rawSelector: st.Spec.Selector}
			add(w)
		}
		for i := range s.DaemonSets {
			ds := &s.DaemonSets[i]
			w := &Workload{Kind: KindDaemonSet, Namespace: ds.Namespace, Name: ds.Name, Replicas: int(ds.Status.DesiredNumberScheduled),
				Template: &ds.Spec.Template, Labels: ds.Labels, DaemonSet: ds, rawSelector: ds.Spec.Selector}
			add(w)
		}
	})
	return &ix.workloads
}

func replicas(r *int32) int {
	if r == nil {
		return 1
	}
	return int(*r)
}

// Selector returns a workload's pod selector. A null or empty selector is
// invalid for a workload (the API server rejects both), so it selects
// nothing here rather than every pod in the namespace.
func Selector(sel *metav1.LabelSelector, kind string) (labels.Selector, error) {
	if sel == nil || len(sel.MatchLabels)+len(sel.MatchExpressions) == 0 {
		return labels.Nothing(), errors.New("its spec.selector is empty, which the API server rejects for a " + kind)
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		return labels.Nothing(), fmt.Errorf("its spec.selector is invalid: %w", err)
	}
	return s, nil
}

// Workloads returns every Deployment, StatefulSet and DaemonSet, in that
// order, each sorted as the snapshot is.
func (ix *Index) Workloads() []*Workload { return ix.workloadFacts().all }

// Workload returns the workload kind namespace/name, or nil.
func (ix *Index) Workload(kind, namespace, name string) *Workload {
	return ix.workloadFacts().byKey[workloadKey{kind, namespace, name}]
}

// DeploymentWorkload returns the workload of a Deployment in the snapshot.
func (ix *Index) DeploymentWorkload(d *appsv1.Deployment) *Workload {
	return ix.Workload(KindDeployment, d.Namespace, d.Name)
}

// Budget is one PodDisruptionBudget selecting a workload's pods, and what
// it allows when all Replicas pods are healthy.
type Budget struct {
	PDB *policyv1.PodDisruptionBudget
	// Setting reads "maxUnavailable 1" or "minAvailable 50%".
	Setting string
	// DesiredHealthy and Allowed are the disruption controller's numbers;
	// Err is set for an invalid value, on which it allows no disruption.
	DesiredHealthy, Allowed int
	Err                     error
}

// PDBsFor returns the PodDisruptionBudgets in the workload's namespace
// whose selector matches its pod template's labels, sorted by name, each
// with its budget for the workload's replicas.
func (ix *Index) PDBsFor(w *Workload) []Budget {
	podLabels := labels.Set(w.Template.Labels)
	var out []Budget
	for _, pp := range ix.disruptionFacts().pdbs[w.Namespace] {
		if !pp.sel.Matches(podLabels) {
			continue
		}
		p := pp.pdb
		b := Budget{PDB: p, Setting: PDBSetting(p.Spec)}
		b.DesiredHealthy, b.Allowed, b.Err = PDBBudget(p.Spec, w.Replicas)
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b Budget) int { return strings.Compare(a.PDB.Name, b.PDB.Name) })
	return out
}

// PDBBudget applies the disruption controller's arithmetic to a PDB guarding
// replicas pods, all of them healthy: both minAvailable and maxUnavailable
// percentages round up; desiredHealthy is replicas - maxUnavailable (at least
// 0) or minAvailable, and 0 when neither is set; allowed is replicas -
// desiredHealthy (at least 0). An invalid value is an error, on which the
// controller allows no disruption.
func PDBBudget(spec policyv1.PodDisruptionBudgetSpec, replicas int) (desiredHealthy, allowed int, err error) {
	switch {
	case spec.MaxUnavailable != nil:
		mu, err := intstr.GetScaledValueFromIntOrPercent(spec.MaxUnavailable, replicas, true)
		if err != nil {
			return 0, 0, fmt.Errorf("maxUnavailable %s: %w", spec.MaxUnavailable.String(), err)
		}
		desiredHealthy = max(replicas-mu, 0)
	case spec.MinAvailable != nil:
		ma, err := intstr.GetScaledValueFromIntOrPercent(spec.MinAvailable, replicas, true)
		if err != nil {
			return 0, 0, fmt.Errorf("minAvailable %s: %w", spec.MinAvailable.String(), err)
		}
		desiredHealthy = ma
	}
	return desiredHealthy, max(replicas-desiredHealthy, 0), nil
}

// PDBSetting renders the budget field a PDB sets.
func PDBSetting(spec policyv1.PodDisruptionBudgetSpec) string {
	switch {
	case spec.MaxUnavailable != nil:
		return "maxUnavailable " + spec.MaxUnavailable.String()
	case spec.MinAvailable != nil:
		return "minAvailable " + spec.MinAvailable.String()
	}
	return "neither minAvailable nor maxUnavailable"
}

// HPAsFor returns the HorizontalPodAutoscalers whose scaleTargetRef names
// the workload (kind and name, an apps, extensions or empty API group, the
// same namespace), sorted by name.
func (ix *Index) HPAsFor(w *Workload) []*autoscalingv2.HorizontalPodAutoscaler {
	out := slices.Clone(ix.disruptionFacts().hpas[workloadKey{w.Kind, w.Namespace, w.Name}])
	slices.SortFunc(out, func(a, b *autoscalingv2.HorizontalPodAutoscaler) int { return strings.Compare(a.Name, b.Name) })
	return out
}
