package policies

import (
	"sort"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/recommender"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// InputVersion is the version of the input document's shape. Fields are
// only ever added within a version.
const InputVersion = "seaworthy.policy-input/v1"

// Document is the input every policy sees as input, the same for live,
// manifest and snapshot runs: what the checks and the recommender saw and
// said.
type Document struct {
	// Version is InputVersion.
	Version string `json:"version"`
	// Snapshot is the cluster as the checks saw it, in the snapshot file's
	// JSON form.
	Snapshot *cluster.Snapshot `json:"snapshot"`
	// Results are the built-in checks' results ([] when none ran).
	Results []result.Result `json:"results"`
	// Recommendations are the recommender's, or null when it did not run.
	Recommendations *recommender.Result `json:"recommendations"`
	// Index holds facts derived from the snapshot that are tedious in Rego.
	Index Facts `json:"index"`
}

// Facts are derived facts about the snapshot.
type Facts struct {
	// Nodes counts the nodes, and SchedulableNodes those not cordoned.
	Nodes            int `json:"nodes"`
	SchedulableNodes int `json:"schedulableNodes"`
	// Zones are the sorted zones of all nodes (topology.kubernetes.io/zone,
	// else the beta label); [] when no node has one.
	Zones []string `json:"zones"`
	// Namespaces are the sorted namespaces the input defines or uses.
	Namespaces []string `json:"namespaces"`
	// Workloads are the Deployments, StatefulSets and DaemonSets.
	Workloads []WorkloadFact `json:"workloads"`
	// TemplatedPods counts the pods a ReplicaSet, StatefulSet, DaemonSet
	// or Job owns. Their snapshot entries keep only what differs per pod
	// (placement, status, priority, host namespaces, and the containers'
	// names, images and resources): rules about the rest of their spec
	// (probes, security context, volumes, env) judge the owner's template.
	TemplatedPods int `json:"templatedPods"`
}

// WorkloadFact is one pod controller.
type WorkloadFact struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace"`
	Name       string `json:"name"`
	// Replicas is spec.replicas (1 when unset); for a DaemonSet the pods it
	// wants scheduled.
	Replicas int `json:"replicas"`
}

// Input builds the input document. recs may be nil; ix must index snap.
// The document shares memory with snap: do not change either while it is
// in use.
func Input(snap *cluster.Snapshot, results []result.Result, recs *recommender.Result, ix *index.Index) any {
	return NewDocument(snap, results, recs, ix)
}

// NewDocument is Input with its concrete type.
func NewDocument(snap *cluster.Snapshot, results []result.Result, recs *recommender.Result, ix *index.Index) *Document {
	if results == nil {
		results = []result.Result{}
	}
	facts := Facts{
		Nodes:            len(snap.Nodes),
		SchedulableNodes: ix.Schedulable(),
		Zones:            []string{},
		Namespaces:       append([]string{}, ix.NamespacesInUse()...),
		Workloads:        []WorkloadFact{},
	}
	zones := map[string]bool{}
	for i := range snap.Nodes {
		if z := index.NodeZone(&snap.Nodes[i]); z != "" && !zones[z] {
			zones[z] = true
			facts.Zones = append(facts.Zones, z)
		}
	}
	sort.Strings(facts.Zones)
	for i := range snap.Pods {
		if cluster.TemplatedPod(&snap.Pods[i]) {
			facts.TemplatedPods++
		}
	}
	for _, w := range ix.Workloads() {
		ref := w.Ref()
		facts.Workloads = append(facts.Workloads, WorkloadFact{
			APIVersion: ref.APIVersion, Kind: ref.Kind, Namespace: ref.Namespace, Name: ref.Name, Replicas: w.Replicas,
		})
	}
	return &Document{Version: InputVersion, Snapshot: snap, Results: results, Recommendations: recs, Index: facts}
}
