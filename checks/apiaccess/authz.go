package apiaccess

import (
	"fmt"
	"slices"
	"strings"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// authzModes returns a config's authorization modes, whether they come from
// a default, and its --authorization-config file if any.
func authzModes(c index.APIServerConfig) (modes []string, defaulted bool, file string) {
	if f, ok := c.Flags.Last("authorization-config"); ok && f != "" {
		return nil, false, f
	}
	v, set := c.Flags.Last("authorization-mode")
	if !set {
		defaulted = true
		if d, ok := c.Defaults["authorization-mode"]; ok {
			v = d
		} else {
			v = kubeAPIServerDefaults["authorization-mode"]
		}
	}
	for _, m := range strings.Split(v, ",") {
		if m = strings.TrimSpace(m); m != "" {
			modes = append(modes, m)
		}
	}
	return modes, defaulted, ""
}

// hasMode reports whether modes holds want (case-insensitively).
func hasMode(modes []string, want string) bool {
	for _, m := range modes {
		if strings.EqualFold(m, want) {
			return true
		}
	}
	return false
}

func evalSec001(in *check.Input, _ *Options) []result.Result {
	s := in.Snapshot
	p := in.Index.Platform()
	var configs []index.APIServerConfig
	var looked []string
	if !p.Managed {
		configs, looked = in.Index.APIServerConfigs()
	}
	var out []result.Result
	for _, c := range configs {
		modes, defaulted, file := authzModes(c)
		ev := check.WithEvidence(p, map[string]any{"signal": c.Signal, "modes": modes, "defaulted": defaulted})
		if a := probeEvidence(s); a != nil {
			ev["anonymousProbe"] = a
		}
		origin := "authorization modes " + strings.Join(modes, ",")
		switch {
		case !defaulted:
			origin += " (--authorization-mode)"
		case c.Signal == index.SignalKubeadmConfig:
			origin += " (kubeadm's default; extraArgs do not set it)"
		case c.Signal == index.SignalK3sNodeArgs:
			origin += " (the k3s/rke2 default; --kube-apiserver-arg does not set it)"
		default:
			origin += " (kube-apiserver's default: --authorization-mode is not set)"
		}
		var r result.Result
		switch {
		case file != "":
			ev["authorizationConfig"] = file
			if a := s.Server.Anonymous; a != nil && a.StatusCode == 200 {
				r = result.New(result.StatusFail, c.Ref, fmt.Sprintf("%s: authorization comes from --authorization-config %s, and an anonymous request to %s was authorized (200).", c.Source, file, a.Path), ev)
			} else {
				r = result.New(result.StatusSkip, c.Ref, fmt.Sprintf("%s: authorization comes from --authorization-config %s, a file on the control-plane host that the cluster does not show; check it lists Node and RBAC and no AlwaysAllow.", c.Source, file), ev)
			}
		case hasMode(modes, "AlwaysAllow"):
			r = result.New(result.StatusFail, c.Ref, fmt.Sprintf("%s: %s include AlwaysAllow, so any request the other authorizers do not deny is allowed, including reading every Secret; use Node,RBAC.", c.Source, origin), ev)
		case !hasMode(modes, "RBAC") && !hasMode(modes, "Webhook"):
			r = result.New(result.StatusFail, c.Ref, fmt.Sprintf("%s: %s has neither RBAC nor Webhook, so access cannot be granted per user and role; use Node,RBAC.", c.Source, origin), ev)
		case !hasMode(modes, "Node"):
			r = result.New(result.StatusWarn, c.Ref, fmt.Sprintf("%s: %s lacks Node, so kubelets need broad RBAC grants and one node can read Secrets of pods it does not run; add Node first (Node,RBAC).", c.Source, origin), ev)
		default:
			r = result.New(result.StatusPass, c.Ref, fmt.Sprintf("%s: %s.", c.Source, origin), ev)
		}
		out = append(out, r)
	}
	if len(out) > 0 {
		return out
	}
	ev := check.WithEvidence(p, map[string]any{"signal": signalAnonymousProbe})
	a := s.Server.Anonymous
	switch {
	case a != nil && a.StatusCode == 200:
		ev["anonymousProbe"] = probeEvidence(s)
		return []result.Result{result.New(result.StatusFail, result.Cluster, fmt.Sprintf(
			"An anonymous request to %s was authorized (200): either the API server runs with AlwaysAllow or system:anonymous has been granted API access; find which and remove it.", a.Path), ev)}
	case p.Managed:
		ev["signal"] = check.SignalPlatform
		return []result.Result{result.New(result.StatusNA, result.Cluster, p.Label()+": the provider configures the API server's authorizers (Node and RBAC, plus its own webhook); manage access with RBAC.", ev)}
	case a != nil && a.StatusCode == 403:
		ev["anonymousProbe"] = probeEvidence(s)
		return []result.Result{result.New(result.StatusInfo, result.Cluster, fmt.Sprintf(
			"The API server's flags are not visible (%s); an anonymous request to %s was refused (403), so AlwaysAllow is not in effect, but the authorization modes cannot be read.",
			strings.Join(looked, "; "), a.Path), ev)}
	}
	ev["signal"] = check.SignalNone
	why := anonymousMissing(s)
	if a != nil {
		why = fmt.Sprintf("the anonymous probe got %d, which does not show the authorizers", a.StatusCode)
	}
	return []result.Result{result.New(result.StatusSkip, result.Cluster, "Cannot see the authorization mode: "+strings.Join(slices.Concat(looked, []string{why}), "; ")+".", ev)}
}
