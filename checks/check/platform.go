package check

import (
	"fmt"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// Signals shared by the control-plane, etcd and API access checks.
const (
	// SignalPlatform: decided by the detected platform (managed, say).
	SignalPlatform = "platform"
	// SignalNone: nothing decided it (skip, or the default).
	SignalNone = cluster.SignalNone
)

// WithEvidence merges extra into the platform's evidence.
func WithEvidence(p cluster.PlatformInfo, extra map[string]any) map[string]any {
	ev := p.Evidence()
	for k, v := range extra {
		ev[k] = v
	}
	return ev
}

// ManagedNA is the na result of a check on what a managed provider runs.
func ManagedNA(p cluster.PlatformInfo, obj result.ObjectRef, what, verify string) result.Result {
	return result.New(result.StatusNA, obj, fmt.Sprintf("%s: the provider runs %s; %s", p.Label(), what, verify),
		WithEvidence(p, map[string]any{"signal": SignalPlatform}))
}

// ProviderVerify says what to check with the provider about control-plane
// availability.
func ProviderVerify(p cluster.PlatformInfo) string {
	switch p.Name {
	case cluster.PlatformEKS:
		return "EKS spreads API servers and etcd over three Availability Zones in every cluster; verify the cluster's platform version is supported and watch the control plane's health in the EKS console."
	case cluster.PlatformGKE:
		return "verify in GKE that the cluster is regional (a zonal cluster has a single control plane in one zone)."
	case cluster.PlatformAKS:
		return "verify the AKS cluster uses the Standard or Premium tier, which gives the control plane an uptime SLA (the Free tier has none)."
	}
	return "verify with the provider that the control plane is replicated across zones and covered by an uptime SLA."
}

// SourceWords says why a live probe (anonymous request, /readyz) is not in
// the snapshot: the input is manifests, or it was not collected.
func SourceWords(s *cluster.Snapshot) string {
	src := s.Source
	if s.OriginalSource != "" {
		src = s.OriginalSource
	}
	if src == cluster.SourceManifests {
		return "the input is manifests, not a live cluster"
	}
	return "not collected"
}

// PartOfCluster reports manifests without Node objects (which the reader
// also records as the nodes not-in-input gap): a part of a cluster, such as
// one add-on's bundle or one chart, which need not hold the cluster's
// LimitRanges, PDBs, IngressClasses or add-ons, so their absence from it
// says nothing about the cluster.
func PartOfCluster(s *cluster.Snapshot) bool {
	return s.FromManifests() && len(s.Nodes) == 0
}
