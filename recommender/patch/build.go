package patch

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/recommender"
)

// Kinds whose pod template a patch can change.
const (
	KindDeployment  = "Deployment"
	KindStatefulSet = "StatefulSet"
	KindDaemonSet   = "DaemonSet"
	KindJob         = "Job"
	KindCronJob     = "CronJob"
	KindPod         = "Pod"
	KindConfigMap   = "ConfigMap"
)

// Templates looks up a workload's current pod template. It reports false
// when the workload is unknown; Build then orders containers by name and
// JSONPatch cannot address them.
type Templates func(w recommender.Workload) (*corev1.PodTemplateSpec, bool)

// FromSnapshot looks pod templates up in snap's Deployments, StatefulSets,
// DaemonSets, Jobs and CronJobs.
func FromSnapshot(snap *cluster.Snapshot) Templates {
	byKey := map[string]*corev1.PodTemplateSpec{}
	add := func(kind, ns, name string, t *corev1.PodTemplateSpec) {
		byKey[kind+"/"+ns+"/"+name] = t
	}
	for i := range snap.Deployments {
		o := &snap.Deployments[i]
		add(KindDeployment, o.Namespace, o.Name, &o.Spec.Template)
	}
	for i := range snap.StatefulSets {
		o := &snap.StatefulSets[i]
		add(KindStatefulSet, o.Namespace, o.Name, &o.Spec.Template)
	}
	for i := range snap.DaemonSets {
		o := &snap.DaemonSets[i]
		add(KindDaemonSet, o.Namespace, o.Name, &o.Spec.Template)
	}
	for i := range snap.Jobs {
		o := &snap.Jobs[i]
		add(KindJob, o.Namespace, o.Name, &o.Spec.Template)
	}
	for i := range snap.CronJobs {
		o := &snap.CronJobs[i]
		add(KindCronJob, o.Namespace, o.Name, &o.Spec.JobTemplate.Spec.Template)
	}
	return func(w recommender.Workload) (*corev1.PodTemplateSpec, bool) {
		t, ok := byKey[w.Kind+"/"+w.Namespace+"/"+w.Name]
		return t, ok
	}
}

// ConfigMapData is a change to a ConfigMap's data: the keys given get the
// values given, other keys are left alone.
type ConfigMapData struct {
	Namespace, Name string
	Data            map[string]string
}

// Options are Build's inputs beyond the recommendations.
type Options struct {
	// Templates gives each workload's current pod template (nil: none
	// known).
	Templates Templates
	// Autoscaler reports, for a replica change, that a
	// cluster-proportional-autoscaler owns the workload's replicas and
	// which change to its ConfigMap parameters carries the recommendation
	// instead of spec.replicas (nil: none does).
	Autoscaler func(recommender.ReplicaChange) (ConfigMapData, bool)
}

// ContainerChange is the new resources of one container.
type ContainerChange struct {
	// Name is the container's name, the key strategic merge matches on.
	Name string
	// Index is its position in the template's containers, -1 when the
	// template is unknown.
	Index int
	// Requests and Limits are the amounts to set; zero fields are left as
	// they are.
	Requests, Limits recommender.Amounts
	// Current are the container's resources in the template (empty when
	// the template is unknown); JSONPatch uses them to choose between
	// "add" and "replace".
	Current corev1.ResourceRequirements
}

// Patch is every change to one object.
type Patch struct {
	// Workload is the object patched (a ConfigMap for an autoscaler's
	// parameters).
	Workload recommender.Workload
	// Containers change the pod template, in template order.
	Containers []ContainerChange
	// Replicas, when set, is the new spec.replicas.
	Replicas *int32
	// Data, when set, are ConfigMap data keys to set.
	Data map[string]string
	// TemplateKnown says the containers were resolved against the current
	// template, so JSONPatch can address them by index.
	TemplateKnown bool
}

// Note says why a recommendation produced no patch, or what to know about
// the one it produced.
type Note struct {
	Workload  recommender.Workload
	Container string // empty for the whole workload
	Message   string
}

// String is "Kind namespace/name[ container]: message".
func (n Note) String() string {
	s := n.Workload.Kind + " " + n.Workload.Namespace + "/" + n.Workload.Name
	if n.Container != "" {
		s += " container " + n.Container
	}
	return s + ": " + n.Message
}

// Set is Build's result.
type Set struct {
	Patches []Patch
	Notes   []Note
}

// Build turns resize recommendations and replica changes into one Patch per
// object. Recommendations whose Action is not resize are ignored.
func Build(recs []recommender.Container, replicas []recommender.ReplicaChange, opts Options) Set {
	var set Set
	byKey := map[string]*Patch{}
	get := func(w recommender.Workload) *Patch {
		k := key(w)
		if p, ok := byKey[k]; ok {
			return p
		}
		p := &Patch{Workload: w}
		byKey[k] = p
		return p
	}
	noted := map[string]bool{}
	note := func(n Note) {
		if k := n.String(); !noted[k] {
			noted[k] = true
			set.Notes = append(set.Notes, n)
		}
	}
	for _, r := range recs {
		if r.Action != recommender.ActionResize {
			continue
		}
		w := r.Workload
		if r.Recommended.Requests == (recommender.Amounts{}) && r.Recommended.Limits == (recommender.Amounts{}) {
			note(Note{Workload: w, Container: r.Container, Message: "the recommendation sets no amount, so there is nothing to patch"})
			continue
		}
		switch w.Kind {
		case KindDeployment, KindStatefulSet, KindDaemonSet, KindJob, KindCronJob:
		case KindPod:
			note(Note{Workload: w, Message: "a bare pod's resources cannot be patched in place (only through the resize subresource on clusters that support in-place resize); change the manifest it was created from and recreate it"})
			continue
		default:
			note(Note{Workload: w, Message: fmt.Sprintf("kind %s has no pod template seaworthy can patch; change its owner instead", w.Kind)})
			continue
		}
		c := ContainerChange{Name: r.Container, Index: -1, Requests: r.Recommended.Requests, Limits: r.Recommended.Limits}
		var tmpl *corev1.PodTemplateSpec
		known := false
		if opts.Templates != nil {
			tmpl, known = opts.Templates(w)
		}
		if known {
			i := slices.IndexFunc(tmpl.Spec.Containers, func(tc corev1.Container) bool { return tc.Name == r.Container })
			if i < 0 {
				note(Note{Workload: w, Container: r.Container, Message: "the current pod template has no such container (renamed, or an init container), so no patch is made for it"})
				continue
			}
			c.Index = i
			c.Current = *tmpl.Spec.Containers[i].Resources.DeepCopy()
		}
		p := get(w)
		p.TemplateKnown = known
		if j := slices.IndexFunc(p.Containers, func(o ContainerChange) bool { return o.Name == c.Name }); j >= 0 {
			p.Containers[j] = c // the later recommendation for a container wins
		} else {
			p.Containers = append(p.Containers, c)
		}
		if w.Kind == KindJob {
			note(Note{Workload: w, Message: "a Job's pod template is immutable: the API server rejects this patch; apply it to the manifest and recreate the Job, or size the CronJob that creates it"})
		}
	}
	for _, rc := range replicas {
		if rc.Action != recommender.ActionResize {
			continue
		}
		if opts.Autoscaler != nil {
			if cm, ok := opts.Autoscaler(rc); ok {
				p := get(recommender.Workload{APIVersion: "v1", Kind: KindConfigMap, Namespace: cm.Namespace, Name: cm.Name})
				if p.Data == nil {
					p.Data = map[string]string{}
				}
				maps.Copy(p.Data, cm.Data)
				continue
			}
		}
		for _, reason := range rc.Reasons {
			if strings.Contains(strings.ToLower(reason), "autoscaler") {
				note(Note{Workload: rc.Workload, Message: "an autoscaler manages the replicas (" + reason + ") and its parameters were not given, so spec.replicas is patched and the autoscaler will set it back; change the autoscaler's parameters instead"})
				break
			}
		}
		n := int32(rc.Recommended)
		get(rc.Workload).Replicas = &n
	}
	for _, p := range byKey {
		slices.SortStableFunc(p.Containers, func(a, b ContainerChange) int {
			return cmp.Or(cmp.Compare(a.Index, b.Index), cmp.Compare(a.Name, b.Name))
		})
		set.Patches = append(set.Patches, *p)
	}
	slices.SortFunc(set.Patches, func(a, b Patch) int { return compareWorkloads(a.Workload, b.Workload) })
	slices.SortStableFunc(set.Notes, func(a, b Note) int {
		return cmp.Or(compareWorkloads(a.Workload, b.Workload), cmp.Compare(a.Container, b.Container))
	})
	return set
}

func key(w recommender.Workload) string { return w.Namespace + "/" + w.Kind + "/" + w.Name }

func compareWorkloads(a, b recommender.Workload) int {
	return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name))
}

// containersPath is where kind keeps its pod template's containers.
func containersPath(kind string) []string {
	if kind == KindCronJob {
		return []string{"spec", "jobTemplate", "spec", "template", "spec", "containers"}
	}
	return []string{"spec", "template", "spec", "containers"}
}

// ApplyTo sets the change's amounts on spec's container of the same name,
// as the patches do, for checks of the patched template. It reports false
// when spec has no such container.
func (c ContainerChange) ApplyTo(spec *corev1.PodSpec) bool {
	i := slices.IndexFunc(spec.Containers, func(tc corev1.Container) bool { return tc.Name == c.Name })
	if i < 0 {
		return false
	}
	r := &spec.Containers[i].Resources
	r.Requests = setAmounts(r.Requests, c.Requests)
	r.Limits = setAmounts(r.Limits, c.Limits)
	return true
}

func setAmounts(l corev1.ResourceList, a recommender.Amounts) corev1.ResourceList {
	for name, q := range quantities(a) {
		if l == nil {
			l = corev1.ResourceList{}
		}
		l[name] = q
	}
	return l
}
