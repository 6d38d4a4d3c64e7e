package controlplane

import (
	"fmt"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// evalCP004 reports the detected platform and what decided it.
func evalCP004(in *check.Input, _ *Options) []result.Result {
	p := in.Index.Platform()
	ev := check.WithEvidence(p, map[string]any{"signal": p.Signal})
	if p.ControlPlaneEvidence != "" {
		ev["controlPlaneVisible"] = p.ControlPlaneEvidence
	}
	var msg string
	switch {
	case p.Signal == cluster.SignalNone:
		msg = "Platform unknown: no server version marker, provider node label or ID, distribution annotation or kubeadm object in the input."
	case p.Name == cluster.PlatformUnknown:
		msg = fmt.Sprintf("Platform: %s, self-managed: %s.", p.Label(), p.Detail)
	default:
		msg = fmt.Sprintf("Platform: %s, from %s (%s).", p.Label(), p.Signal, p.Detail)
		if cluster.ManagedPlatforms[p.Name] && !p.Managed {
			msg += " A control plane is visible (" + p.ControlPlaneEvidence + "), so it is treated as self-managed."
		}
	}
	return []result.Result{result.New(result.StatusInfo, result.Cluster, msg, ev)}
}
