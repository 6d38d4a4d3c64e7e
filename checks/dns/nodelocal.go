package dns

import (
	"fmt"
	"slices"
	"strings"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// nodeLocalDNS is NodeLocal DNSCache's upstream DaemonSet name and label.
const nodeLocalDNS = "node-local-dns"

// isNodeLocalDNS reports whether a DaemonSet is NodeLocal DNSCache: named
// or labelled (k8s-app or app.kubernetes.io/name) node-local-dns.
func isNodeLocalDNS(w *index.Workload) bool {
	return w.Name == nodeLocalDNS || w.Labels[index.DNSAppLabel] == nodeLocalDNS ||
		w.Labels["app.kubernetes.io/name"] == nodeLocalDNS
}

// evalDNS006 looks for NodeLocal DNSCache, and weighs its absence by the
// cluster's size.
func evalDNS006(in *check.Input, o *Options) []result.Result {
	ref := result.Cluster
	if active, _ := in.Index.DNS(); len(active) > 0 {
		ref = active[0].Ref()
	}
	nodes := len(in.Snapshot.Nodes)
	gap, noNodes := in.Snapshot.GapFor(cluster.KindNodes)
	ev := result.Evidence{"largeClusterNodes": o.LargeClusterNodes}
	if !noNodes {
		ev["nodes"] = nodes
	}
	var found []*index.Workload
	for _, w := range in.Index.Workloads() {
		if w.Kind == index.KindDaemonSet && isNodeLocalDNS(w) {
			found = append(found, w)
		}
	}
	if len(found) > 0 {
		slices.SortFunc(found, func(a, b *index.Workload) int {
			if c := strings.Compare(a.Namespace, b.Namespace); c != 0 {
				return c
			}
			return strings.Compare(a.Name, b.Name)
		})
		ds := found[0].DaemonSet
		ev["daemonSet"] = ds.Namespace + "/" + ds.Name
		st := &ds.Status
		if !statusKnown(in.Snapshot, st.ObservedGeneration != 0 || st.DesiredNumberScheduled != 0 || st.CurrentNumberScheduled != 0 ||
			st.NumberReady != 0 || st.NumberAvailable != 0 || st.NumberMisscheduled != 0 || len(st.Conditions) > 0) {
			ev["readyKnown"] = false
			return []result.Result{result.New(result.StatusPass, ref, fmt.Sprintf(
				"NodeLocal DNSCache is deployed as DaemonSet %s/%s; the input carries no DaemonSet status, so how many of its pods are ready is not known.",
				ds.Namespace, ds.Name), ev)}
		}
		ev["desiredScheduled"], ev["ready"] = int(st.DesiredNumberScheduled), int(st.NumberReady)
		return []result.Result{result.New(result.StatusPass, ref, fmt.Sprintf(
			"NodeLocal DNSCache runs as DaemonSet %s/%s (%d of %d pods ready).",
			ds.Namespace, ds.Name, st.NumberReady, st.DesiredNumberScheduled), ev)}
	}
	if noNodes {
		return []result.Result{result.New(result.StatusSkip, ref, fmt.Sprintf(
			"No NodeLocal DNSCache DaemonSet is in the input, and whether the cluster needs one depends on its size, which is not known: %s.",
			gap.Message), ev)}
	}
	if nodes >= o.LargeClusterNodes {
		return []result.Result{result.New(result.StatusWarn, ref, fmt.Sprintf(
			"The cluster has %d %s (large from %d) and no NodeLocal DNSCache, so every lookup crosses the network to cluster DNS; deploy the node-local-dns DaemonSet.",
			nodes, check.Plural(nodes, "node", "nodes"), o.LargeClusterNodes), ev)}
	}
	return []result.Result{result.New(result.StatusInfo, ref, fmt.Sprintf(
		"The cluster has %d %s and no NodeLocal DNSCache; consider the node-local-dns DaemonSet to cut DNS latency and conntrack load, and deploy it before reaching %d nodes.",
		nodes, check.Plural(nodes, "node", "nodes"), o.LargeClusterNodes), ev)}
}
