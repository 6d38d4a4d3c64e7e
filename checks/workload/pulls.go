package workload

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// alwaysPulled returns "container (image)" for each container of spec
// (init containers included) whose image is :latest or untagged and whose
// pull policy is Always, written or, when unset, defaulted so by the API
// server (it defaults to Always for such images). A live read sees the
// defaulted value and manifests the unset one, so both read the same.
func alwaysPulled(spec *corev1.PodSpec) []string {
	var imgs []string
	for _, list := range [][]corev1.Container{spec.InitContainers, spec.Containers} {
		for _, c := range list {
			if c.Image == "" {
				continue
			}
			if tag, digest := imageTag(c.Image); digest || (tag != "" && tag != "latest") {
				continue
			}
			if c.ImagePullPolicy == corev1.PullAlways || c.ImagePullPolicy == "" {
				imgs = append(imgs, c.Name+" ("+c.Image+")")
			}
		}
	}
	return imgs
}

// fleet is how many pods of w start at once in a rollout or when their
// nodes fail: the replica floor of a Deployment or StatefulSet; for a
// DaemonSet its status.desiredNumberScheduled, else (manifests carry no
// status) the schedulable nodes its nodeSelector matches. known is false
// for a DaemonSet on input without Node objects or status.
func fleet(ix *index.Index, w *index.Workload) (n int, how string, known bool) {
	if w.Kind != index.KindDaemonSet {
		n, hpa := floor(ix, w)
		if hpa != "" {
			return n, fmt.Sprintf("runs at least %d replicas (HorizontalPodAutoscaler %s's minReplicas)", n, hpa), true
		}
		return n, fmt.Sprintf("runs %d replicas", n), true
	}
	if w.Replicas > 0 {
		return w.Replicas, fmt.Sprintf("runs on %d nodes", w.Replicas), true
	}
	if len(ix.Snapshot().Nodes) == 0 {
		return 0, "", false
	}
	var sel labels.Selector
	if ns := w.Template.Spec.NodeSelector; len(ns) > 0 {
		sel = labels.SelectorFromSet(ns)
	}
	n = ix.CountNodes(sel).Schedulable
	return n, fmt.Sprintf("runs on the %d schedulable nodes its nodeSelector matches", n), true
}

// evalWL014 flags large fleets that pull a floating image on every start.
func evalWL014(in *check.Input, o *Options) []result.Result {
	sc := newScope(in.Index, o)
	var out []result.Result
	judged := 0
	for _, w := range in.Index.Workloads() {
		if !sc.user(w.Namespace) {
			continue
		}
		judged++
		imgs := alwaysPulled(&w.Template.Spec)
		if len(imgs) == 0 {
			continue
		}
		n, how, known := fleet(in.Index, w)
		ev := result.Evidence{"images": imgs, "pullFleet": o.LatestPullFleet}
		if !known {
			out = append(out, result.New(result.StatusSkip, w.Ref(), fmt.Sprintf(
				"DaemonSet %s pulls %s with imagePullPolicy Always, but the input holds no Node objects and no DaemonSet status, so how many pods start at once is not known; audit the live cluster.",
				w.Name, strings.Join(imgs, ", ")), ev))
			continue
		}
		if n < o.LatestPullFleet {
			continue
		}
		ev["replicaFloor"] = n
		out = append(out, result.New(result.StatusWarn, w.Ref(), fmt.Sprintf(
			"%s %s %s, each pod pulling %s with imagePullPolicy Always on every start: from %d pods on, a rollout or a node failure makes that many registry pulls at once, "+
				"which can hit the registry's rate limit (Docker Hub limits anonymous pulls per source address) and leave the pods in ImagePullBackOff; pin a version tag or digest and use IfNotPresent.",
			w.Kind, w.Name, how, strings.Join(imgs, ", "), o.LatestPullFleet), ev))
	}
	switch {
	case judged == 0:
		return na("No Deployment, StatefulSet or DaemonSet in a user namespace.")
	case len(out) == 0:
		return passOnce(fmt.Sprintf("No workload in user namespaces of %d or more pods pulls a :latest or untagged image with imagePullPolicy Always.", o.LatestPullFleet))
	}
	return out
}
