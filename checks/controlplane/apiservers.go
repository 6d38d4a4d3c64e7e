package controlplane

import (
	"fmt"
	"strings"
	"time"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// apiServerCount is the live API servers found from the strongest signal
// available. stale lists identity leases not renewed in time.
type apiServerCount struct {
	signal  string
	members []check.Member
	stale   []check.Member
	// note explains a fallback.
	note string
}

// findAPIServers counts the API servers from, strongest first: fresh
// identity Leases, running kube-apiserver pods, Ready control-plane nodes.
func findAPIServers(in *check.Input, o *Options) apiServerCount {
	s, ix := in.Snapshot, in.Index
	var c apiServerCount
	_, leaseGap := s.GapFor(cluster.KindLeases)
	for i := range s.Leases {
		l := &s.Leases[i]
		if !isIdentityLease(l) {
			continue
		}
		m := check.Member{Name: l.Labels[labelHostname], Object: "Lease/" + l.Name, Host: l.Labels[labelHostname]}
		if m.Name == "" {
			m.Name = l.Name
		}
		m.Place(ix)
		age, ok := leaseAge(l, s.CollectedAt)
		switch {
		case !ok:
			m.Detail = "never renewed"
			c.stale = append(c.stale, m)
		case age < -o.APIServerLeaseMaxAge:
			m.Detail = "renewed " + check.HumanDuration(-age) + " after the snapshot time"
			c.stale = append(c.stale, m)
		case age > o.APIServerLeaseMaxAge:
			m.Detail = "renewed " + check.HumanDuration(age) + " ago"
			c.stale = append(c.stale, m)
		default:
			m.Detail = "renewed " + check.HumanDuration(max(age, 0)) + " ago"
			c.members = append(c.members, m)
		}
	}
	if len(c.members) > 0 {
		c.signal = signalIdentityLeases
		check.SortMembers(c.members)
		return c
	}
	switch {
	case leaseGap:
		c.note = "Leases could not be read"
	case len(c.stale) > 0:
		c.note = fmt.Sprintf("%d API server identity %s found, none renewed within %s of the snapshot time",
			len(c.stale), check.Plural(len(c.stale), "lease", "leases"), check.HumanDuration(o.APIServerLeaseMaxAge))
	}
	for _, p := range ix.ComponentPods("kube-apiserver") {
		if index.PodRunning(p) {
			c.members = append(c.members, check.PodMember(ix, p))
		}
	}
	if len(c.members) > 0 {
		c.signal = signalStaticPods
		check.SortMembers(c.members)
		return c
	}
	for i := range s.Nodes {
		n := &s.Nodes[i]
		if cluster.IsControlPlaneNode(n) && index.NodeReady(n) {
			c.members = append(c.members, check.NodeMember(n))
		}
	}
	if len(c.members) > 0 {
		c.signal = signalControlPlaneNodes
	}
	return c
}

func evalCP001(in *check.Input, o *Options) []result.Result {
	s := in.Snapshot
	p := in.Index.Platform()
	if p.Managed {
		return []result.Result{check.ManagedNA(p, result.Cluster, "the API servers", check.ProviderVerify(p))}
	}
	c := findAPIServers(in, o)
	ev := check.WithEvidence(p, map[string]any{"signal": c.signal, "apiServers": c.members, "count": len(c.members)})
	if len(c.stale) > 0 {
		ev["staleLeases"] = c.stale
	}
	n := len(c.members)
	if n == 0 {
		ev["signal"] = check.SignalNone
		why := "no fresh API server identity Lease, no running kube-apiserver pod in kube-system and no Ready control-plane node"
		if c.note != "" {
			why = c.note + "; " + why
		}
		if len(c.stale) > 0 && !s.CollectedAt.IsZero() {
			why += fmt.Sprintf(" (if the input was exported earlier, pass --now with the time it was read; snapshot time %s)",
				s.CollectedAt.Format(time.RFC3339))
		}
		return []result.Result{result.New(result.StatusSkip, result.Cluster, "Cannot count the API servers: "+why+".", ev)}
	}
	from := map[string]string{
		signalIdentityLeases:    "identity leases",
		signalStaticPods:        "kube-apiserver pods",
		signalControlPlaneNodes: "control-plane nodes",
	}[c.signal]
	if c.note != "" {
		from += " (" + c.note + ")"
	}
	sp := check.NewSpread(c.members)
	ev["zones"] = sp.Zones()
	names := make([]string, n)
	for i, m := range c.members {
		names[i] = m.Name
		if m.Node != "" && m.Node != m.Name {
			names[i] += " (node " + m.Node + ")"
		}
	}
	head := fmt.Sprintf("%d API %s (%s) from %s", n, check.Plural(n, "server", "servers"), strings.Join(names, ", "), from)
	staleNote := ""
	if len(c.stale) > 0 && c.signal == signalIdentityLeases {
		staleNote = fmt.Sprintf(" %d more identity %s stale (%s): an API server that stopped renewing.",
			len(c.stale), check.Plural(len(c.stale), "lease is", "leases are"), memberNames(c.stale))
	}
	switch {
	case n == 1:
		return []result.Result{result.New(result.StatusFail, result.Cluster, head+": a single API server is a single point of failure for the whole cluster; run at least 3 across 3 zones."+staleNote, ev)}
	case n == 2:
		return []result.Result{result.New(result.StatusWarn, result.Cluster, head+": losing either one halves capacity and leaves no spare; run at least 3 across 3 zones."+staleNote, ev)}
	}
	st, why := sp.Verdict("API servers", o.MinZones, o.MaxPerZone)
	return []result.Result{result.New(st, result.Cluster, head+"; "+why+staleNote, ev)}
}

// memberNames reads "cp-a, renewed 5m ago; cp-b, never renewed".
func memberNames(ms []check.Member) string {
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.Name
		if m.Detail != "" {
			names[i] += ", " + m.Detail
		}
	}
	return strings.Join(names, "; ")
}
