package apiaccess

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// probeEvidence is the anonymous probe's path and status code, or nil.
func probeEvidence(s *cluster.Snapshot) map[string]any {
	if a := s.Server.Anonymous; a != nil {
		return map[string]any{"path": a.Path, "statusCode": a.StatusCode}
	}
	return nil
}

// anonymousMissing says why there is no anonymous probe.
func anonymousMissing(s *cluster.Snapshot) string {
	if g, ok := s.GapFor(cluster.KindAnonymous); ok {
		return "the anonymous probe failed (" + g.Reason + ": " + g.Message + ")"
	}
	return "no anonymous probe (" + check.SourceWords(s) + ")"
}

func evalSec002(in *check.Input, _ *Options) []result.Result {
	s := in.Snapshot
	p := in.Index.Platform()
	var configs []index.APIServerConfig
	var looked []string
	if !p.Managed {
		configs, looked = in.Index.APIServerConfigs()
		looked = slices.Clip(looked) // the index's: appending must copy
	}
	lenient := p.Name == cluster.PlatformKubeadm || p.Managed
	onStatus := result.StatusWarn
	if lenient {
		onStatus = result.StatusInfo
	}
	if a := s.Server.Anonymous; a != nil {
		ev := check.WithEvidence(p, map[string]any{"signal": signalAnonymousProbe, "anonymousProbe": probeEvidence(s)})
		var flags []string
		for _, c := range configs {
			v, _ := c.Value("anonymous-auth")
			flags = append(flags, c.Source+": anonymous-auth="+cmp.Or(v, "true (default)"))
		}
		if len(flags) > 0 {
			ev["flags"] = flags
		}
		switch a.StatusCode {
		case 200:
			return []result.Result{result.New(result.StatusFail, result.Cluster, fmt.Sprintf(
				"An anonymous request to %s was authorized (200): unauthenticated clients can use the API beyond health and version endpoints; remove grants to system:anonymous and system:unauthenticated (see RBAC-002) or AlwaysAllow.", a.Path), ev)}
		case 401:
			return []result.Result{result.New(result.StatusPass, result.Cluster, fmt.Sprintf(
				"An anonymous request to %s was rejected as unauthenticated (401): anonymous auth is off, or limited to other paths.", a.Path), ev)}
		case 403:
			msg := fmt.Sprintf("An anonymous request to %s was authenticated as system:anonymous and only refused by authorization (403): anonymous auth is on for every path, so a single RBAC grant to system:anonymous or system:unauthenticated would open the API.", a.Path)
			switch {
			case p.Managed:
				msg += " The provider keeps it on; keep RBAC grants to anonymous at the defaults."
			case p.Name == cluster.PlatformKubeadm:
				msg += " kubeadm leaves it on for health checks and node bootstrap (cluster-info discovery); set --anonymous-auth=false, or on 1.32+ limit it to /livez, /readyz and /healthz with an AuthenticationConfiguration, if you do not need that."
			default:
				msg += " Set --anonymous-auth=false, or on 1.32+ limit it to health paths with an AuthenticationConfiguration."
			}
			return []result.Result{result.New(onStatus, result.Cluster, msg, ev)}
		}
		looked = append(looked, fmt.Sprintf("the anonymous probe of %s answered %d", a.Path, a.StatusCode))
	}
	var out []result.Result
	for _, c := range configs {
		ev := check.WithEvidence(p, map[string]any{"signal": c.Signal})
		if f, ok := c.Flags.Last("authentication-config"); ok && f != "" {
			ev["authenticationConfig"] = f
			out = append(out, result.New(result.StatusSkip, c.Ref, fmt.Sprintf(
				"%s: authentication comes from --authentication-config %s, which may limit anonymous requests to some paths; the file is not visible and there is no anonymous probe.", c.Source, f), ev))
			continue
		}
		v, set := c.Value("anonymous-auth")
		if !set {
			v = kubeAPIServerDefaults["anonymous-auth"]
		}
		ev["anonymousAuth"] = v
		if v == "false" {
			out = append(out, result.New(result.StatusPass, c.Ref, c.Source+": --anonymous-auth=false.", ev))
			continue
		}
		origin := "--anonymous-auth=" + v
		if _, explicit := c.Flags.Last("anonymous-auth"); !explicit {
			origin = "anonymous auth is on (the default)"
		}
		msg := fmt.Sprintf("%s: %s for every path, so a single RBAC grant to system:anonymous or system:unauthenticated would open the API.", c.Source, origin)
		if p.Name == cluster.PlatformKubeadm {
			msg += " kubeadm leaves it on for health checks and node bootstrap; turn it off or limit it to health paths if you do not need that."
		} else {
			msg += " Set --anonymous-auth=false, or on 1.32+ limit it to health paths with an AuthenticationConfiguration."
		}
		st := result.StatusWarn
		if p.Name == cluster.PlatformKubeadm {
			st = result.StatusInfo
		}
		out = append(out, result.New(st, c.Ref, msg, ev))
	}
	if len(out) > 0 {
		return out
	}
	ev := check.WithEvidence(p, map[string]any{"signal": check.SignalNone})
	if p.Managed {
		ev["signal"] = check.SignalPlatform
		return []result.Result{result.New(result.StatusNA, result.Cluster, p.Label()+": the provider sets anonymous authentication; keep RBAC grants to system:anonymous and system:unauthenticated at the defaults.", ev)}
	}
	return []result.Result{result.New(result.StatusSkip, result.Cluster, "Cannot see whether anonymous requests are allowed: "+strings.Join(append(looked, anonymousMissing(s)), "; ")+".", ev)}
}
