package workload

import (
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// mirrorAnnotation marks the API server's copy of a static pod.
const mirrorAnnotation = "kubernetes.io/config.mirror"

// helmHookAnnotation marks a chart's hook pods (helm test), which run once
// by design.
const helmHookAnnotation = "helm.sh/hook"

// evalWL011 flags pods no controller owns.
func evalWL011(in *check.Input, o *Options) []result.Result {
	sc := newScope(in.Index, o)
	var out []result.Result
	judged := 0
	pods := in.Snapshot.Pods
	for i := range pods {
		p := &pods[i]
		if !sc.user(p.Namespace) || p.Annotations[mirrorAnnotation] != "" || p.Annotations[helmHookAnnotation] != "" {
			continue
		}
		if p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
			continue
		}
		judged++
		if len(p.OwnerReferences) > 0 {
			continue
		}
		out = append(out, result.New(result.StatusWarn, index.PodRef(p), fmt.Sprintf(
			"Pod %s has no controller, so nothing recreates it when its node is drained, fails or is upgraded; run it from a Deployment, StatefulSet or Job.",
			p.Name), nil))
	}
	switch {
	case judged == 0:
		return na("No running or pending pod in a user namespace.")
	case len(out) == 0:
		return passOnce(fmt.Sprintf("%s in user namespaces %s a controller.",
			count(judged, "pod", "pods"), check.Plural(judged, "has", "have")))
	}
	return out
}

// imageTag returns the tag of an image reference, "" when it names none,
// and whether it pins a digest.
func imageTag(image string) (tag string, digest bool) {
	if i := strings.Index(image, "@"); i >= 0 {
		return "", true
	}
	name := image
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	if i := strings.LastIndex(name, ":"); i >= 0 {
		return name[i+1:], false
	}
	return "", false
}

// floatingImages returns "container (image)" for each container of spec
// whose image is :latest or untagged, init containers included.
func floatingImages(spec *corev1.PodSpec) []string {
	var out []string
	for _, list := range [][]corev1.Container{spec.InitContainers, spec.Containers} {
		for _, c := range list {
			if tag, digest := imageTag(c.Image); !digest && (tag == "" || tag == "latest") && c.Image != "" {
				out = append(out, c.Name+" ("+c.Image+")")
			}
		}
	}
	return out
}

// evalWL012 flags pod templates running :latest or untagged images.
func evalWL012(in *check.Input, o *Options) []result.Result {
	sc := newScope(in.Index, o)
	var out []result.Result
	judged := 0
	judge := func(ref result.ObjectRef, what string, spec *corev1.PodSpec) {
		judged++
		if imgs := floatingImages(spec); len(imgs) > 0 {
			out = append(out, result.New(result.StatusWarn, ref, fmt.Sprintf(
				"%s runs %s without a fixed tag (:latest or none), so each node pulls whatever the tag points to when the pod starts: replicas drift apart and a rollback cannot return to the old image; pin a version tag or a digest.",
				what, strings.Join(imgs, ", ")), result.Evidence{"images": imgs}))
		}
	}
	for _, w := range in.Index.Workloads() {
		if sc.user(w.Namespace) {
			judge(w.Ref(), w.Kind+" "+w.Name, &w.Template.Spec)
		}
	}
	s := in.Snapshot
	for i := range s.CronJobs {
		cj := &s.CronJobs[i]
		if sc.user(cj.Namespace) {
			judge(cluster.RefOf(cluster.KindCronJobs, cj.Namespace, cj.Name), "CronJob "+cj.Name, &cj.Spec.JobTemplate.Spec.Template.Spec)
		}
	}
	for i := range s.Pods {
		p := &s.Pods[i]
		if sc.user(p.Namespace) && len(p.OwnerReferences) == 0 {
			judge(index.PodRef(p), "Pod "+p.Name, &p.Spec)
		}
	}
	switch {
	case judged == 0:
		return na("No pod template in a user namespace.")
	case len(out) == 0:
		return passOnce(fmt.Sprintf("%s in user namespaces %s fixed image tags or digests.",
			count(judged, "pod template", "pod templates"), check.Plural(judged, "uses", "use")))
	}
	return out
}

// evalWL013 flags rollouts that can take every replica down at once.
func evalWL013(in *check.Input, o *Options) []result.Result {
	sc := newScope(in.Index, o)
	var out []result.Result
	judged := 0
	for _, w := range sc.workloads(in) {
		if w.Replicas < 1 {
			continue
		}
		var mu *intstr.IntOrString
		switch {
		case w.Deployment != nil:
			st := w.Deployment.Spec.Strategy
			if st.Type == appsv1.RecreateDeploymentStrategyType {
				judged++
				if svc := serviceBacked(in, sc, w); svc != "" {
					out = append(out, result.New(result.StatusWarn, w.Ref(), fmt.Sprintf(
						"Deployment %s uses the Recreate strategy while Service %s sends it traffic, so every rollout stops all %d pods before starting new ones: an outage per release; use RollingUpdate with maxUnavailable below the replicas.",
						w.Name, svc, w.Replicas), result.Evidence{"service": svc, "strategy": "Recreate", "desired": w.Replicas}))
				}
				continue
			}
			// Unset, the API server defaults maxUnavailable to 25%.
			def := intstr.FromString("25%")
			mu = &def
			if st.RollingUpdate != nil && st.RollingUpdate.MaxUnavailable != nil {
				mu = st.RollingUpdate.MaxUnavailable
			}
		case w.StatefulSet != nil:
			st := w.StatefulSet.Spec.UpdateStrategy
			if st.RollingUpdate == nil || st.RollingUpdate.MaxUnavailable == nil {
				judged++
				continue // one pod at a time
			}
			mu = st.RollingUpdate.MaxUnavailable
		}
		judged++
		// The controllers round a maxUnavailable percentage down; one
		// replica is WL-001's.
		n, err := intstr.GetScaledValueFromIntOrPercent(mu, w.Replicas, false)
		if err != nil || n < w.Replicas || w.Replicas < 2 {
			continue
		}
		out = append(out, result.New(result.StatusWarn, w.Ref(), fmt.Sprintf(
			"%s %s rolls out with maxUnavailable %s, which for its %d replicas lets every pod be down at once during a rollout; set maxUnavailable below the replicas (e.g. 25%% or 1).",
			w.Kind, w.Name, mu.String(), w.Replicas), result.Evidence{"strategy": "RollingUpdate", "maxUnavailable": mu.String(), "desired": w.Replicas}))
	}
	switch {
	case judged == 0:
		return na("No Deployment or StatefulSet with replicas in a user namespace.")
	case len(out) == 0:
		return passOnce(fmt.Sprintf("%s in user namespaces %s at least one pod up during a rollout.",
			count(judged, "workload", "workloads"), check.Plural(judged, "keeps", "keep")))
	}
	return out
}
