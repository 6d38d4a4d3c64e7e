package res

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// nannyResized names the containers of a Deployment's template that an
// addon-resizer in it resizes (index.NannyResized); nil for other kinds.
func (t podTemplate) nannyResized() map[string]bool {
	if t.ref.Kind != index.KindDeployment {
		return nil
	}
	return index.NannyResized(t.spec, t.namespace, t.ref.Name)
}

// podTemplate is one pod spec where it is written.
type podTemplate struct {
	ref       result.ObjectRef
	namespace string
	spec      *corev1.PodSpec
}

// podTemplates lists the input's pod templates in the order RES-001
// states: workloads (the index's order), CronJobs, Jobs no CronJob owns,
// pods no controller owns.
func podTemplates(in *check.Input, exclude []string) []podTemplate {
	var out []podTemplate
	add := func(kind cluster.Kind, ns, name string, spec *corev1.PodSpec) {
		if slices.Contains(exclude, ns) {
			return
		}
		info, _ := cluster.InfoFor(kind)
		out = append(out, podTemplate{ref: info.Ref(ns, name), namespace: ns, spec: spec})
	}
	for _, w := range in.Index.Workloads() {
		if slices.Contains(exclude, w.Namespace) {
			continue
		}
		out = append(out, podTemplate{ref: w.Ref(), namespace: w.Namespace, spec: &w.Template.Spec})
	}
	s := in.Snapshot
	for i := range s.CronJobs {
		cj := &s.CronJobs[i]
		add(cluster.KindCronJobs, cj.Namespace, cj.Name, &cj.Spec.JobTemplate.Spec.Template.Spec)
	}
	for i := range s.Jobs {
		j := &s.Jobs[i]
		if ownedBy(j.OwnerReferences, "CronJob") {
			continue
		}
		add(cluster.KindJobs, j.Namespace, j.Name, &j.Spec.Template.Spec)
	}
	for i := range s.Pods {
		p := &s.Pods[i]
		if metav1.GetControllerOf(p) != nil || len(p.OwnerReferences) > 0 {
			continue // judged through its controller (a mirror pod's owner is its Node)
		}
		add(cluster.KindPods, p.Namespace, p.Name, &p.Spec)
	}
	return out
}

func ownedBy(refs []metav1.OwnerReference, kind string) bool {
	for _, r := range refs {
		if r.Kind == kind {
			return true
		}
	}
	return false
}

// lacks is one template's verdict: the settings each container lacks.
type lacks struct {
	missing map[string][]string
}

// judge applies want (which returns the settings a container lacks and
// the LimitRanges that default the ones it has only through them) to every
// judged container of every template, and reports as RES-001 and RES-002
// do: a warn per template with a lacking container, else one pass.
func judge(in *check.Input, o *Options, what string, want func(*corev1.Container, *index.ContainerDefaults) ([]string, []string)) []result.Result {
	templates := podTemplates(in, o.ExcludeNamespaces)
	if len(templates) == 0 {
		return []result.Result{result.New(result.StatusSkip, result.Cluster,
			"The input holds no pod templates (no Deployment, StatefulSet, DaemonSet, Job, CronJob or unowned pod), so there are no containers to judge.",
			result.Evidence{"podTemplates": 0})}
	}
	var out []result.Result
	containers := 0
	usedDefaults := map[string]bool{}
	for _, t := range templates {
		l := lacks{missing: map[string][]string{}}
		var parts []string
		resized := t.nannyResized()
		for _, c := range index.LongRunningContainers(t.spec) {
			containers++
			if resized[c.Name] {
				continue // the addon-resizer writes its requests and limits
			}
			m, by := want(c, in.Index.ContainerDefaults(t.namespace))
			for _, b := range by {
				usedDefaults[t.namespace+"/"+b] = true
			}
			if len(m) > 0 {
				l.missing[c.Name] = m
				parts = append(parts, fmt.Sprintf("%s lacks %s", c.Name, strings.Join(m, " and ")))
			}
		}
		if len(l.missing) == 0 {
			continue
		}
		ev := result.Evidence{"missing": l.missing}
		msg := fmt.Sprintf("In %s %s, container %s", t.ref.Kind, t.ref.Name, strings.Join(parts, "; container "))
		if in.Index.ContainerDefaults(t.namespace) == nil && check.PartOfCluster(in.Snapshot) {
			msg += " (the input holds no LimitRange in " + t.namespace + "; one in the cluster with defaults would fill these in)"
		}
		msg += "; " + what
		out = append(out, result.New(result.StatusWarn, t.ref, msg, ev))
	}
	if len(out) > 0 {
		return out
	}
	ev := result.Evidence{"podTemplates": len(templates), "containersChecked": containers}
	msg := fmt.Sprintf("All %d %s of %d pod %s judged have them.", containers, check.Plural(containers, "container", "containers"),
		len(templates), check.Plural(len(templates), "template", "templates"))
	if len(usedDefaults) > 0 {
		names := check.SortedKeys(usedDefaults)
		ev["limitRanges"] = names
		msg += " Some through the defaults of LimitRange " + strings.Join(names, ", ") + "."
	}
	return []result.Result{result.New(result.StatusPass, result.Cluster, msg, ev)}
}

// requestsLacking is RES-001's rule for one container.
func requestsLacking(c *corev1.Container, d *index.ContainerDefaults) (missing, defaultedBy []string) {
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		set, by := d.Request(c, r)
		if !set {
			missing = append(missing, "requests."+string(r))
		}
		defaultedBy = append(defaultedBy, by...)
	}
	return missing, defaultedBy
}

// memoryLimitLacking is RES-002's rule for one container.
func memoryLimitLacking(c *corev1.Container, d *index.ContainerDefaults) (missing, defaultedBy []string) {
	set, by := d.Limit(c, corev1.ResourceMemory)
	if !set {
		missing = []string{"limits.memory"}
	}
	return missing, by
}

func evalRES001(in *check.Input, o *Options) []result.Result {
	return judge(in, o, "set cpu and memory requests on each (or a LimitRange defaultRequest in the namespace), or the scheduler places it blind and it is evicted first.", requestsLacking)
}

func evalRES002(in *check.Input, o *Options) []result.Result {
	return judge(in, o, "set a memory limit on each (or a LimitRange default in the namespace): without one a leak or spike takes memory from everything else on its node.", memoryLimitLacking)
}

// partial reports manifests without Node objects (check.PartOfCluster).
func partial(in *check.Input) bool { return check.PartOfCluster(in.Snapshot) }
