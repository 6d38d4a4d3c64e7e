package controlplane

import (
	"fmt"
	"net"
	"strings"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

func evalCP003(in *check.Input, o *Options) []result.Result {
	p := in.Index.Platform()
	if p.Managed {
		return []result.Result{check.ManagedNA(p, result.Cluster, "the API endpoint", "its load balancing is part of the service.")}
	}
	c := findAPIServers(in, o)
	n := len(c.members)
	if p.Name == cluster.PlatformK3s || p.Name == cluster.PlatformRKE2 {
		return []result.Result{result.New(result.StatusNA, result.Cluster, fmt.Sprintf(
			"%s agents run a client-side load balancer over every server (%d found); give kubeconfigs a fixed registration address (DNS name or VIP, in --tls-san) rather than one server's address.",
			cluster.PlatformTitle(p.Name), n), check.WithEvidence(p, map[string]any{"signal": check.SignalPlatform, "apiServers": n}))}
	}
	cfg, present, err := in.Index.KubeadmConfig()
	ev := check.WithEvidence(p, map[string]any{"signal": index.SignalKubeadmConfig, "apiServers": n})
	switch {
	case err != nil:
		return []result.Result{result.New(result.StatusSkip, index.KubeadmConfigRef, "Cannot read the control plane endpoint: "+err.Error()+".", ev)}
	case !present:
		why := "there is no kube-system/kubeadm-config ConfigMap"
		if g, ok := in.Index.KubeadmConfigGap(); ok {
			why = "kube-system/kubeadm-config could not be read (" + g.Reason + ")"
		}
		ev["signal"] = check.SignalNone
		return []result.Result{result.New(result.StatusSkip, result.Cluster, fmt.Sprintf(
			"Cannot see the control plane endpoint: %s, and nothing else in the cluster records it; make sure clients reach the %d API %s through a load balancer or DNS name.",
			why, n, check.Plural(n, "server", "servers")), ev)}
	}
	ev["apiVersion"] = cfg.APIVersion
	ep := strings.TrimSpace(cfg.ControlPlaneEndpoint)
	ev["controlPlaneEndpoint"] = ep
	if ep == "" {
		if n <= 1 {
			return []result.Result{result.New(result.StatusInfo, index.KubeadmConfigRef,
				"controlPlaneEndpoint is empty; with one API server that works, but set it to a DNS name or VIP before adding control-plane nodes, since kubeadm does not support turning a cluster created without it into a highly available one.", ev)}
		}
		return []result.Result{result.New(result.StatusWarn, index.KubeadmConfigRef, fmt.Sprintf(
			"%d API servers, but kubeadm's controlPlaneEndpoint is empty: kubelets and kubeconfigs point at the first control-plane node's own address, so losing it cuts them off; put a load balancer or VIP in front and set controlPlaneEndpoint.",
			n), ev)}
	}
	if node := endpointNode(in.Snapshot, ep); node != "" && n > 1 {
		ev["endpointNode"] = node
		return []result.Result{result.New(result.StatusWarn, index.KubeadmConfigRef, fmt.Sprintf(
			"controlPlaneEndpoint %s is control-plane node %s's own name or address, so the %d API servers are reached through one node; point it at a load balancer or VIP.",
			ep, node, n), ev)}
	}
	return []result.Result{result.New(result.StatusPass, index.KubeadmConfigRef, fmt.Sprintf("Clients reach the %d API %s through controlPlaneEndpoint %s.",
		n, check.Plural(n, "server", "servers"), ep), ev)}
}

// endpointNode returns the first control-plane node whose name, host name
// label or address is the endpoint's host (compared case-insensitively),
// if any.
func endpointNode(s *cluster.Snapshot, endpoint string) string {
	host := endpoint
	if h, _, err := net.SplitHostPort(endpoint); err == nil {
		host = h
	}
	host = strings.ToLower(strings.Trim(host, "[]"))
	for i := range s.Nodes {
		n := &s.Nodes[i]
		if !cluster.IsControlPlaneNode(n) {
			continue
		}
		if strings.ToLower(n.Name) == host || strings.ToLower(n.Labels[labelHostname]) == host {
			return n.Name
		}
		for _, a := range n.Status.Addresses {
			if strings.ToLower(a.Address) == host {
				return n.Name
			}
		}
	}
	return ""
}
