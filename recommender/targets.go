package recommender

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster/index"
)

// Workload kinds the recommender sizes, beside index.KindDeployment,
// KindStatefulSet and KindDaemonSet.
const (
	KindJob     = "Job"
	KindCronJob = "CronJob"
)

// target is one workload the recommender sizes: its pod template, how many
// pods it runs, and the pods of it the snapshot holds.
type target struct {
	w        Workload
	template *corev1.PodTemplateSpec
	replicas int
	// workload is the index's entry for Deployments, StatefulSets and
	// DaemonSets (PDBs, HPAs); nil for Jobs and CronJobs.
	workload *index.Workload
	pods     []*corev1.Pod
}

// targetKey names a target without building a string.
type targetKey struct{ kind, namespace, name string }

// targets are every workload of the snapshot with a pod template, by key
// and by namespace and name (for history of pods the snapshot no longer
// holds).
type targets struct {
	byKey  map[targetKey]*target
	byName map[[2]string][]*target // namespace, name → targets of any kind
	order  []*target
}

func buildTargets(ix *index.Index) *targets {
	s := ix.Snapshot()
	t := &targets{byKey: map[targetKey]*target{}, byName: map[[2]string][]*target{}}
	add := func(tg *target) {
		k := targetKey{tg.w.Kind, tg.w.Namespace, tg.w.Name}
		if t.byKey[k] != nil {
			return // of duplicates (merged inputs), the first read
		}
		t.byKey[k] = tg
		nk := [2]string{tg.w.Namespace, tg.w.Name}
		t.byName[nk] = append(t.byName[nk], tg)
		t.order = append(t.order, tg)
	}
	for _, w := range ix.Workloads() {
		add(&target{
			w:        Workload{APIVersion: "apps/v1", Kind: w.Kind, Namespace: w.Namespace, Name: w.Name},
			template: w.Template, replicas: w.Replicas, workload: w,
			pods: ix.PodsOwnedBy(w),
		})
	}
	for i := range s.CronJobs {
		c := &s.CronJobs[i]
		add(&target{
			w:        Workload{APIVersion: "batch/v1", Kind: KindCronJob, Namespace: c.Namespace, Name: c.Name},
			template: &c.Spec.JobTemplate.Spec.Template, replicas: parallelism(c.Spec.JobTemplate.Spec.Parallelism),
		})
	}
	for i := range s.Jobs {
		j := &s.Jobs[i]
		if c := metav1.GetControllerOfNoCopy(j); c != nil && c.Kind == KindCronJob {
			continue // sized as its CronJob
		}
		add(&target{
			w:        Workload{APIVersion: "batch/v1", Kind: KindJob, Namespace: j.Namespace, Name: j.Name},
			template: &j.Spec.Template, replicas: parallelism(j.Spec.Parallelism),
		})
	}
	return t
}

func parallelism(p *int32) int {
	if p == nil {
		return 1
	}
	return int(*p)
}

// jobOwners maps each Job a CronJob controls to that CronJob's name.
func jobOwners(ix *index.Index) map[[2]string]string {
	s := ix.Snapshot()
	m := map[[2]string]string{}
	for i := range s.Jobs {
		j := &s.Jobs[i]
		if c := metav1.GetControllerOfNoCopy(j); c != nil && c.Kind == KindCronJob {
			m[[2]string{j.Namespace, j.Name}] = c.Name
		}
	}
	return m
}

// forPod returns the target of a pod the snapshot holds, through its
// owner references.
func (t *targets) forPod(ix *index.Index, jobs map[[2]string]string, p *corev1.Pod) *target {
	kind, name, ok := ix.ControllerOf(p)
	if !ok {
		return nil
	}
	if kind == KindJob {
		if c, ok := jobs[[2]string{p.Namespace, name}]; ok {
			kind, name = KindCronJob, c
		}
	}
	return t.byKey[targetKey{kind, p.Namespace, name}]
}

// forPodName returns the target whose controller would give a pod this
// name, for history of pods that no longer exist (a rollout, a finished
// Job): the names the controllers give their pods are
//
//	Deployment   NAME-<pod-template-hash>-<5 characters>
//	CronJob      NAME-<scheduled time in minutes>-<5 characters>
//	StatefulSet  NAME-<ordinal>
//	DaemonSet    NAME-<5 characters>
//	Job          NAME-<5 characters>
//
// The first form that names a workload of that kind in the namespace wins.
func (t *targets) forPodName(namespace, pod string) *target {
	find := func(name string, kinds ...string) *target {
		for _, tg := range t.byName[[2]string{namespace, name}] {
			for _, k := range kinds {
				if tg.w.Kind == k {
					return tg
				}
			}
		}
		return nil
	}
	last, rest, ok := cutLast(pod)
	if !ok {
		return nil
	}
	if mid, base, ok := cutLast(rest); ok && isSuffix(last) {
		if isSuffix(mid) {
			if tg := find(base, index.KindDeployment); tg != nil {
				return tg
			}
		}
		if isDigits(mid) {
			if tg := find(base, KindCronJob); tg != nil {
				return tg
			}
		}
	}
	if isDigits(last) {
		if tg := find(rest, index.KindStatefulSet); tg != nil {
			return tg
		}
	}
	if isSuffix(last) {
		return find(rest, index.KindDaemonSet, KindJob)
	}
	return nil
}

// cutLast splits "a-b-c" into "c" and "a-b".
func cutLast(s string) (last, rest string, ok bool) {
	i := strings.LastIndexByte(s, '-')
	if i <= 0 || i == len(s)-1 {
		return "", "", false
	}
	return s[i+1:], s[:i], true
}

// isSuffix reports whether s could be a generated name suffix: the
// characters the API server and the controllers use (lowercase consonants
// and digits without vowels or look-alikes), up to 10 long.
func isSuffix(s string) bool {
	if len(s) == 0 || len(s) > 10 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune("bcdfghjklmnpqrstvwxz2456789", rune(s[i])) {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// templateContainer returns the named container of a pod template.
func templateContainer(t *corev1.PodTemplateSpec, name string) *corev1.Container {
	for i := range t.Spec.Containers {
		if t.Spec.Containers[i].Name == name {
			return &t.Spec.Containers[i]
		}
	}
	return nil
}
