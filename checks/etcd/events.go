package etcd

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/version"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// etcdOverride is one --etcd-servers-overrides entry.
type etcdOverride struct {
	Group    string   `json:"group"`
	Resource string   `json:"resource"`
	Servers  []string `json:"servers"`
}

// key reads "/events" or "apps/deployments", as the flag writes it.
func (o etcdOverride) key() string { return o.Group + "/" + o.Resource }

// parseEtcdOverrides parses --etcd-servers-overrides values: each is a
// comma list of group/resource#server;server entries. Malformed entries are
// returned apart.
func parseEtcdOverrides(values []string) (out []etcdOverride, bad []string) {
	for _, v := range values {
		for _, entry := range strings.Split(v, ",") {
			entry = strings.TrimSpace(entry)
			if entry == "" {
				continue
			}
			key, servers, ok := strings.Cut(entry, "#")
			group, resource, okKey := strings.Cut(key, "/")
			if !ok || !okKey || resource == "" || servers == "" {
				bad = append(bad, entry)
				continue
			}
			var list []string
			for _, s := range strings.Split(servers, ";") {
				if s = strings.TrimSpace(s); s != "" {
					list = append(list, s)
				}
			}
			out = append(out, etcdOverride{Group: group, Resource: resource, Servers: list})
		}
	}
	return out, bad
}

// eventsOverride returns the override for core events, if any.
func eventsOverride(os []etcdOverride) (etcdOverride, bool) {
	for _, o := range os {
		if o.Group == "" && o.Resource == "events" {
			return o, true
		}
	}
	return etcdOverride{}, false
}

// readyzOverrides returns the etcd-override-N checks /readyz listed.
func readyzOverrides(checks []string) []string {
	var out []string
	for _, c := range checks {
		if strings.HasPrefix(c, "etcd-override-") {
			out = append(out, c)
		}
	}
	return out
}

// readyzListsOverrides reports whether the server is new enough (1.34+)
// for /readyz to list its etcd overrides, so that none listed means none.
func readyzListsOverrides(gitVersion string) bool {
	v, err := version.ParseGeneric(gitVersion)
	return err == nil && v.AtLeast(version.MajorMinor(1, 34))
}

func evalEtcd002(in *check.Input, o *Options) []result.Result {
	s := in.Snapshot
	p := in.Index.Platform()
	nodes := len(s.Nodes)
	large := nodes >= o.LargeClusterNodes
	notFound := result.StatusInfo
	if large {
		notFound = result.StatusWarn
	}
	size := fmt.Sprintf("%d %s", nodes, check.Plural(nodes, "node", "nodes"))
	if large {
		size += fmt.Sprintf(", a large cluster (%d+)", o.LargeClusterNodes)
	}
	var configs []index.APIServerConfig
	var looked []string
	if !p.Managed {
		configs, looked = in.Index.APIServerConfigs()
	}
	if len(configs) > 0 {
		var with, without []string
		var found []etcdOverride
		var bad []string
		for _, c := range configs {
			ov, b := parseEtcdOverrides(c.Flags["etcd-servers-overrides"])
			bad = append(bad, b...)
			if e, ok := eventsOverride(ov); ok {
				with = append(with, c.Source)
				found = append(found, e)
			} else {
				without = append(without, c.Source)
			}
		}
		ev := check.WithEvidence(p, map[string]any{"signal": configs[0].Signal, "eventsOverrides": found, "nodes": nodes})
		if len(bad) > 0 {
			ev["malformedEntries"] = bad
		}
		switch {
		case len(without) == 0:
			return []result.Result{result.New(result.StatusPass, result.Cluster, fmt.Sprintf("Events are stored in a separate etcd (%s), set on %s.",
				strings.Join(found[0].Servers, ";"), strings.Join(with, ", ")), ev)}
		case len(with) > 0:
			return []result.Result{result.New(result.StatusWarn, result.Cluster, fmt.Sprintf(
				"Only some API servers store Events separately: %s %s the /events override, %s %s not, so Events written through them land in the main etcd; give every API server the same --etcd-servers-overrides.",
				strings.Join(with, ", "), check.Plural(len(with), "has", "have"), strings.Join(without, ", "), check.Plural(len(without), "does", "do")), ev)}
		}
		return []result.Result{result.New(notFound, result.Cluster, fmt.Sprintf(
			"Events share the main etcd: no --etcd-servers-overrides entry for /events in %s (%s). %s",
			strings.Join(without, ", "), size, eventsAdvice(large)), ev)}
	}
	// Without the flags, kops' events etcd-manager shows a separate store.
	if pods := in.Index.PodsLabelled(index.KubeSystem, "k8s-app", "etcd-manager-events"); len(pods) > 0 && !p.Managed {
		return []result.Result{result.New(result.StatusPass, result.Cluster, fmt.Sprintf("Events have their own etcd cluster run by etcd-manager-events (%d %s).", len(pods), check.Plural(len(pods), "pod", "pods")),
			check.WithEvidence(p, map[string]any{"signal": signalEtcdManager, "pods": len(pods)}))}
	}
	checks := s.Server.ReadyzChecks
	ovs := readyzOverrides(checks)
	ev := check.WithEvidence(p, map[string]any{"signal": signalReadyz, "readyzOverrides": ovs, "nodes": nodes})
	switch {
	case len(ovs) > 0:
		return []result.Result{result.New(result.StatusPass, result.Cluster, fmt.Sprintf(
			"/readyz lists %s: the API server keeps some resources (normally Events) in a separate etcd.", strings.Join(ovs, ", ")), ev)}
	case p.Managed:
		ev["signal"] = check.SignalPlatform
		return []result.Result{result.New(result.StatusNA, result.Cluster, fmt.Sprintf("%s: the provider runs etcd and decides where Events are stored.", p.Label()), ev)}
	case checks != nil && readyzListsOverrides(s.Server.GitVersion):
		return []result.Result{result.New(notFound, result.Cluster, fmt.Sprintf(
			"Events share the main etcd: /readyz on %s lists no etcd-override check (%s). %s", s.Server.GitVersion, size, eventsAdvice(large)), ev)}
	}
	ev["signal"] = check.SignalNone
	missing := slices.Concat(looked, readyzMissing(s))
	return []result.Result{result.New(result.StatusSkip, result.Cluster, "Cannot tell where Events are stored: "+strings.Join(missing, "; ")+".", ev)}
}

// readyzMissing says why /readyz does not show the etcd overrides.
func readyzMissing(s *cluster.Snapshot) []string {
	if g, ok := s.GapFor(cluster.KindReadyz); ok {
		return []string{"/readyz could not be read (" + g.Reason + ")"}
	}
	if s.Server.ReadyzChecks == nil {
		return []string{"/readyz was not probed (" + check.SourceWords(s) + ")"}
	}
	return []string{fmt.Sprintf("/readyz on %q does not list etcd overrides (needs 1.34+)", s.Server.GitVersion)}
}

// eventsAdvice is the advice when Events share the main etcd.
func eventsAdvice(large bool) string {
	if large {
		return "At this size Events are a large share of etcd writes; move them to their own etcd with --etcd-servers-overrides=/events#…."
	}
	return "That is fine at this size; consider a separate Events etcd as the cluster grows."
}
