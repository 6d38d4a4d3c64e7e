package node

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// npdName is node-problem-detector's upstream name, as DaemonSet name,
// label value and image name.
const npdName = "node-problem-detector"

// npdConditions are node conditions that node-problem-detector's default
// monitors set: seeing one on a node means a detector runs there, as a
// DaemonSet or on the host (GKE and AKS run it as a system service).
var npdConditions = []corev1.NodeConditionType{"KernelDeadlock", "ReadonlyFilesystem", "FrequentKubeletRestart",
	"FrequentDockerRestart", "FrequentContainerdRestart", "CorruptDockerOverlay2"}

var node010 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "NODE-010",
		Title:    "A node problem detector runs",
		Category: Category,
		Rule: "Pass when a DaemonSet in any namespace is node-problem-detector: named so, labelled app, app.kubernetes.io/name or k8s-app " +
			"node-problem-detector, or running an image whose name contains node-problem-detector; " +
			"or when a node reports a condition only a problem detector sets (KernelDeadlock, ReadonlyFilesystem, FrequentKubeletRestart, " +
			"FrequentDockerRestart, FrequentContainerdRestart, CorruptDockerOverlay2), as a detector running on the host does. " +
			"Info otherwise: it is advice, not a fault.",
		Rationale: "The kubelet reports only a few node conditions. Kernel deadlocks, read-only filesystems, a flapping container runtime " +
			"or hardware errors leave a node Ready while its pods fail; a problem detector turns them into node conditions and Events " +
			"that alerts, remediation controllers and cluster-autoscaler can act on.",
		Remediation: "Deploy node-problem-detector as a DaemonSet (https://github.com/kubernetes/node-problem-detector) or enable the " +
			"provider's node problem detection, and alert on the conditions and Events it raises.",
	},
	Needs: []cluster.Kind{cluster.KindNodes, cluster.KindDaemonSets},
	Eval:  evalNODE010,
}

// isNPD reports whether a DaemonSet is node-problem-detector.
func isNPD(w *index.Workload) bool {
	if w.Name == npdName || w.Labels["app"] == npdName || w.Labels["app.kubernetes.io/name"] == npdName || w.Labels["k8s-app"] == npdName {
		return true
	}
	for _, c := range w.DaemonSet.Spec.Template.Spec.Containers {
		if strings.Contains(c.Image, npdName) {
			return true
		}
	}
	return false
}

func evalNODE010(in *check.Input, _ *Options) []result.Result {
	for _, w := range in.Index.Workloads() {
		if w.Kind == index.KindDaemonSet && isNPD(w) {
			return []result.Result{result.New(result.StatusPass, w.Ref(), fmt.Sprintf(
				"node-problem-detector runs as DaemonSet %s/%s.", w.Namespace, w.Name),
				result.Evidence{"detector": w.Namespace + "/" + w.Name})}
		}
	}
	nodes := in.Snapshot.Nodes
	for i := range nodes {
		for _, t := range npdConditions {
			if c := condition(&nodes[i], t); c != nil {
				return []result.Result{result.New(result.StatusPass, result.Cluster, fmt.Sprintf(
					"Node %s reports the %s condition, which only a node problem detector sets: one runs on the host.", nodes[i].Name, t),
					result.Evidence{"condition": string(c.Status), "conditionType": string(t)})}
			}
		}
	}
	return []result.Result{result.New(result.StatusInfo, result.Cluster,
		"No node problem detector was found (no node-problem-detector DaemonSet, no node reporting its conditions): kernel, filesystem and runtime faults leave nodes Ready while their pods fail; consider deploying one.",
		result.Evidence{"nodeCount": len(nodes)})}
}
