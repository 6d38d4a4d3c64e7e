package etcd

import (
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

const labelEtcdRole = "node-role.kubernetes.io/etcd"

// quorum returns etcd's quorum for n members and how many can fail.
func quorum(n int) (q, tolerated int) {
	if n <= 0 {
		return 0, 0
	}
	q = n/2 + 1
	return q, n - q
}

// quorumText reads "3 members: quorum 2, tolerates 1 failure".
func quorumText(n int) string {
	q, f := quorum(n)
	return fmt.Sprintf("%d %s: quorum %d, tolerates %d %s", n, check.Plural(n, "member", "members"), q, f, check.Plural(f, "failure", "failures"))
}

// etcdMembers is what findEtcdMembers saw.
type etcdMembers struct {
	signal  string
	members []check.Member
	// notRunning lists members whose pod (or node) is not running.
	notRunning []string
	// sqlite is set when a k3s server runs without etcd.
	sqlite string
	// external is set when a k3s server uses --datastore-endpoint.
	external string
}

// placeByAddress places m by its host as a node name or host name, else as
// a node address (external endpoints are often given as IPs).
func placeByAddress(ix *index.Index, m *check.Member) {
	m.Place(ix)
	if m.Node != "" {
		return
	}
	if n := ix.NodeByAddress(m.Host); n != nil {
		m.Node, m.Zone = n.Name, index.NodeZone(n)
	}
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// endpointHost returns the host of an etcd endpoint URL or host:port.
func endpointHost(ep string) string {
	if u, err := url.Parse(ep); err == nil && u.Host != "" {
		return u.Hostname()
	}
	if h, _, err := net.SplitHostPort(ep); err == nil {
		return h
	}
	return ep
}

// endpointMembers returns one member per endpoint host, sorted.
func endpointMembers(ix *index.Index, eps []string) []check.Member {
	var out []check.Member
	seen := map[string]bool{}
	for _, ep := range eps {
		ep = strings.TrimSpace(ep)
		h := endpointHost(ep)
		if ep == "" || seen[h] {
			continue
		}
		seen[h] = true
		m := check.Member{Name: h, Object: ep, Host: h}
		placeByAddress(ix, &m)
		out = append(out, m)
	}
	check.SortMembers(out)
	return out
}

// podMembers returns one member per etcd pod, sorted, and the names of
// those not running.
func podMembers(ix *index.Index, pods []*corev1.Pod) (ms []check.Member, notRunning []string) {
	for _, p := range pods {
		m := check.PodMember(ix, p)
		if !index.PodRunning(p) {
			m.Detail = "not running"
			notRunning = append(notRunning, m.Name)
		}
		ms = append(ms, m)
	}
	check.SortMembers(ms)
	sort.Strings(notRunning)
	return ms, notRunning
}

// findEtcdMembers counts the etcd members from the strongest signal.
func findEtcdMembers(in *check.Input) etcdMembers {
	s, ix, p := in.Snapshot, in.Index, in.Index.Platform()
	var e etcdMembers
	for _, src := range []struct {
		signal string
		pods   []*corev1.Pod
	}{
		{signalEtcdPods, ix.ComponentPods("etcd")},
		{signalOpenShiftEtcd, ix.PodsLabelled("openshift-etcd", "app", "etcd")},
		{signalEtcdManager, ix.PodsLabelled(index.KubeSystem, "k8s-app", "etcd-manager-main")},
	} {
		if len(src.pods) > 0 {
			e.signal = src.signal
			e.members, e.notRunning = podMembers(ix, src.pods)
			return e
		}
	}
	if cfg, _, err := ix.KubeadmConfig(); err == nil && cfg != nil && cfg.Etcd.External != nil && len(cfg.Etcd.External.Endpoints) > 0 {
		e.signal = signalKubeadmExternal
		e.members = endpointMembers(ix, cfg.Etcd.External.Endpoints)
		return e
	}
	for _, pod := range ix.ComponentPods("kube-apiserver") {
		var eps []string
		for _, v := range index.PodFlags(pod, "kube-apiserver")["etcd-servers"] {
			for _, ep := range strings.Split(v, ",") {
				if !isLoopback(endpointHost(ep)) {
					eps = append(eps, ep)
				}
			}
		}
		if len(eps) > 0 {
			e.signal = signalEtcdServersFlag
			e.members = endpointMembers(ix, eps)
			return e
		}
	}
	for i := range s.Nodes {
		n := &s.Nodes[i]
		if v, ok := n.Labels[labelEtcdRole]; ok && v != "false" {
			e.members = append(e.members, check.NodeMember(n))
			if !index.NodeReady(n) {
				e.notRunning = append(e.notRunning, n.Name)
			}
		}
	}
	if len(e.members) > 0 {
		e.signal = signalEtcdRoleNodes
		return e
	}
	if p.Name == cluster.PlatformK3s {
		for _, sv := range ix.ServerNodes() {
			if _, ext := index.ParseFlags(sv.Args)["datastore-endpoint"]; ext {
				e.external = sv.Node.Name
			} else if e.sqlite == "" {
				e.sqlite = sv.Node.Name
			}
		}
		if e.external != "" || e.sqlite != "" {
			e.signal = signalK3sDatastore
		}
	}
	return e
}

func evalEtcd001(in *check.Input, o *Options) []result.Result {
	s := in.Snapshot
	p := in.Index.Platform()
	if p.Managed {
		return []result.Result{check.ManagedNA(p, result.Cluster, "etcd", check.ProviderVerify(p))}
	}
	e := findEtcdMembers(in)
	n := len(e.members)
	q, f := quorum(n)
	ev := check.WithEvidence(p, map[string]any{"signal": e.signal, "members": e.members, "count": n, "quorum": q, "tolerates": f})
	switch {
	case e.signal == "":
		ev["signal"] = check.SignalNone
		why := "no etcd pod (component=etcd, openshift-etcd, etcd-manager), no kubeadm external endpoints, no remote --etcd-servers and no etcd-role node"
		if g, ok := s.GapFor(cluster.KindPods); ok {
			why += " (pods could not be read: " + g.Reason + ")"
		}
		return []result.Result{result.New(result.StatusSkip, result.Cluster, "Cannot count the etcd members: "+why+".", ev)}
	case e.external != "":
		return []result.Result{result.New(result.StatusSkip, result.Cluster, fmt.Sprintf(
			"k3s server %s keeps its state in an external datastore (--datastore-endpoint); check that datastore's own replication.", e.external), ev)}
	case e.sqlite != "":
		return []result.Result{result.New(result.StatusFail, result.Cluster, fmt.Sprintf(
			"k3s server %s runs without etcd (no etcd-role node, no --datastore-endpoint), so the cluster state is a SQLite file on that one machine; "+
				"for production start servers with --cluster-init (embedded etcd) and run 3 of them.", e.sqlite), ev)}
	}
	if len(e.notRunning) > 0 {
		ev["notRunning"] = e.notRunning
	}
	from := map[string]string{
		signalEtcdPods: "etcd pods", signalOpenShiftEtcd: "openshift-etcd pods", signalEtcdManager: "etcd-manager-main pods",
		signalKubeadmExternal: "kubeadm external etcd endpoints", signalEtcdServersFlag: "kube-apiserver --etcd-servers",
		signalEtcdRoleNodes: "etcd-role nodes",
	}[e.signal]
	names := make([]string, n)
	for i, m := range e.members {
		names[i] = m.Name
	}
	head := fmt.Sprintf("etcd has %s (%s, from %s)", quorumText(n), strings.Join(names, ", "), from)
	switch {
	case n <= 1:
		return []result.Result{result.New(result.StatusFail, result.Cluster, head+": losing it loses the cluster state and stops the API; run 3 members across 3 zones.", ev)}
	case n == 2:
		return []result.Result{result.New(result.StatusFail, result.Cluster, head+": both are needed for quorum, so it is less available than one; run 3 members across 3 zones.", ev)}
	case n%2 == 0:
		return []result.Result{result.New(result.StatusWarn, result.Cluster, fmt.Sprintf(
			"%s: an even count tolerates no more failures than %d members but has one more machine that can fail; run %d or %d.",
			head, n-1, n-1, n+1), ev)}
	}
	if len(e.notRunning) > 0 {
		return []result.Result{result.New(result.StatusWarn, result.Cluster, fmt.Sprintf("%s, but %s %s not running, which uses up its failure tolerance.",
			head, strings.Join(e.notRunning, ", "), check.Plural(len(e.notRunning), "is", "are")), ev)}
	}
	sp := check.NewSpread(e.members)
	ev["zones"] = sp.Zones()
	st, why := sp.Verdict("etcd members", o.MinZones, o.MaxPerZone)
	return []result.Result{result.New(st, result.Cluster, head+"; "+why, ev)}
}
