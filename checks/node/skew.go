package node

import (
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/util/version"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

var node006 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "NODE-006",
		Title:    "Kubelet versions are within the supported skew of the API server",
		Category: Category,
		Rule: "Compares each node's status.nodeInfo.kubeletVersion with the API server's gitVersion, by minor version " +
			"(build suffixes such as -eks-… or +k3s1 are ignored). The Kubernetes version skew policy allows a kubelet to be " +
			"up to three minor versions older than kube-apiserver from 1.28 (two before), and never newer. " +
			"Fail for the nodes of each kubelet version that is newer, or further behind than allowed; " +
			"info for those exactly at the limit (the next control-plane upgrade needs them upgraded first); pass otherwise. " +
			"Skip when the API server's version is not known (manifests, or not collected) or no node reports a kubelet version; " +
			"nodes without one or with an unparsable one are counted, not judged.",
		Rationale: "Outside the supported skew the API server and kubelet are not tested together: API fields the kubelet relies on " +
			"may be gone, a newer kubelet may use APIs the server does not serve, and upgrades of the control plane can break nodes.",
		Remediation: "Upgrade the lagging node pools (or replace their nodes) one minor version at a time before upgrading the control plane further; " +
			"never run kubelets newer than the API server: upgrade the control plane first.",
	},
	Needs: []cluster.Kind{cluster.KindNodes},
	Eval:  evalNODE006,
}

// maxKubeletSkew is how many minor versions a kubelet may trail an API
// server of the given minor version (Kubernetes version skew policy).
func maxKubeletSkew(serverMinor uint) int {
	if serverMinor >= 28 {
		return 3
	}
	return 2
}

func evalNODE006(in *check.Input, _ *Options) []result.Result {
	s := in.Snapshot
	gv := s.Server.GitVersion
	if gv == "" {
		return []result.Result{result.New(result.StatusSkip, result.Cluster,
			"The API server's version is not known ("+check.SourceWords(s)+"), so kubelet skew cannot be judged; audit the live cluster.", nil)}
	}
	server, err := version.ParseGeneric(gv)
	if err != nil {
		return []result.Result{result.New(result.StatusSkip, result.Cluster, fmt.Sprintf(
			"The API server's version %q cannot be parsed, so kubelet skew cannot be judged.", gv), result.Evidence{"apiServerVersion": gv})}
	}
	allowed := maxKubeletSkew(server.Minor())
	byVersion := map[string][]string{}
	var unknown []string
	for i := range s.Nodes {
		n := &s.Nodes[i]
		kv := n.Status.NodeInfo.KubeletVersion
		if _, err := version.ParseGeneric(kv); kv == "" || err != nil {
			unknown = append(unknown, n.Name)
			continue
		}
		byVersion[kv] = append(byVersion[kv], n.Name)
	}
	if len(byVersion) == 0 {
		return []result.Result{result.New(result.StatusSkip, result.Cluster, fmt.Sprintf(
			"None of %d %s reports a kubelet version (status.nodeInfo), so kubelet skew cannot be judged.",
			len(s.Nodes), check.Plural(len(s.Nodes), "node", "nodes")), result.Evidence{"nodeCount": len(s.Nodes)})}
	}
	versions := check.SortedKeys(byVersion)
	slices.SortStableFunc(versions, func(a, b string) int {
		va, vb := version.MustParseGeneric(a), version.MustParseGeneric(b)
		switch {
		case va.LessThan(vb):
			return -1
		case vb.LessThan(va):
			return 1
		}
		return 0
	})
	var out []result.Result
	for _, kv := range versions {
		v := version.MustParseGeneric(kv)
		names := byVersion[kv]
		behind := int(server.Minor()) - int(v.Minor())
		if v.Major() < server.Major() {
			behind = allowed + 1 // a major version behind is beyond any minor skew
		}
		ev := result.Evidence{"kubeletVersion": kv, "apiServerVersion": gv, "minorsBehind": behind,
			"maxMinorsBehind": allowed, "nodeCount": len(names), "nodeNames": firstNames(names)}
		who := fmt.Sprintf("%d %s (%s) %s kubelet %s", len(names), check.Plural(len(names), "node", "nodes"), nameList(names),
			check.Plural(len(names), "runs", "run"), kv)
		switch {
		case v.Major() > server.Major() || behind < 0:
			out = append(out, result.New(result.StatusFail, result.Cluster, fmt.Sprintf(
				"%s, newer than the API server %s: a kubelet must never be newer than kube-apiserver, and it may call APIs the server does not serve.",
				check.Capitalize(who), gv), ev))
		case behind > allowed:
			out = append(out, result.New(result.StatusFail, result.Cluster, fmt.Sprintf(
				"%s, %d minor versions behind the API server %s (at most %d are supported): the pair is untested and may break.",
				check.Capitalize(who), behind, gv, allowed), ev))
		case behind == allowed:
			out = append(out, result.New(result.StatusInfo, result.Cluster, fmt.Sprintf(
				"%s, %d minor versions behind the API server %s, the most supported: upgrade them before the next control-plane upgrade.",
				check.Capitalize(who), behind, gv), ev))
		}
	}
	if len(out) > 0 {
		return out
	}
	msg := fmt.Sprintf("Every kubelet (%s) is within %d minor versions of the API server %s and not newer.", nameList(versions), allowed, gv)
	if len(unknown) > 0 {
		msg += fmt.Sprintf(" %d %s without a parsable kubelet version %s not judged: %s.", len(unknown),
			check.Plural(len(unknown), "node", "nodes"), check.Plural(len(unknown), "was", "were"), nameList(unknown))
	}
	return []result.Result{result.New(result.StatusPass, result.Cluster, msg,
		result.Evidence{"apiServerVersion": gv, "maxMinorsBehind": allowed, "kubeletVersions": versions, "nodesWithoutVersion": len(unknown)})}
}
