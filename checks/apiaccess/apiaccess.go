package checks

import (
	"fmt"
	"strings"
	"time"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// API access checks (SEC-001, SEC-002, CERT-001).
//
// The API server's flags are read where they are visible (see
// apiServerConfigs: its static pods, else kubeadm's ClusterConfiguration
// with kubeadm's own defaults, else k3s/rke2 node-args with theirs). Where
// they are not, the live source's probes stand in: an anonymous GET of
// /api (401 anonymous auth off, 403 on but not authorized, 200 authorized)
// and the certificate chain presented in the TLS handshake.

// CategoryAPIAccess is the category of the SEC and CERT checks.
const CategoryAPIAccess = "API access"

// Signals the API access checks decide from.
const (
	signalAnonymousProbe = "anonymous-probe"
	signalTLSHandshake   = "tls-handshake"
)

// kubeAPIServerDefaults are kube-apiserver's own defaults for the flags
// read here: without --authorization-config, --authorization-mode defaults
// to AlwaysAllow; anonymous auth is on.
var kubeAPIServerDefaults = map[string]string{"authorization-mode": "AlwaysAllow", "anonymous-auth": "true"}

var sec001 = Check{
	Meta: Meta{
		ID:       "SEC-001",
		Title:    "API server authorization is enforced",
		Category: CategoryAPIAccess,
		Rule: "For each place the API server's flags are visible (each kube-apiserver pod; else kubeadm-config apiServer.extraArgs, " +
			"where kubeadm passes Node,RBAC by default; else each k3s/rke2 server's --kube-apiserver-arg, default Node,RBAC): " +
			"--authorization-mode (kube-apiserver's default is AlwaysAllow) containing AlwaysAllow, or lacking both RBAC and Webhook → fail; " +
			"lacking Node → warn; otherwise pass. --authorization-config (a file on the host) → skip unless the anonymous probe shows more. " +
			"Without flags, the anonymous probe of /api: 200 → fail (everything or anonymous is authorized), 403 → info (AlwaysAllow is not " +
			"in effect, the mode list is not visible), 401 or no probe → skip; managed control plane without a 200 → na.",
		Rationale: "AlwaysAllow lets every authenticated (and, with anonymous auth, every unauthenticated) request do anything, " +
			"including reading every Secret. Without the Node authorizer, kubelets need broad RBAC grants, so one compromised node " +
			"can read Secrets for pods it does not run.",
		Remediation: "Start kube-apiserver with --authorization-mode=Node,RBAC (plus Webhook if you use one), or an equivalent " +
			"--authorization-config with Node and RBAC authorizers; never include AlwaysAllow.",
	},
	Eval: evalSec001,
}

var sec002 = Check{
	Meta: Meta{
		ID:       "SEC-002",
		Title:    "Anonymous requests are not authorized beyond health checks",
		Category: CategoryAPIAccess,
		Rule: "With the live anonymous probe of /api: 200 → fail (anonymous requests are authorized beyond health and version endpoints); " +
			"403 → anonymous auth is on for every path → warn (info on kubeadm, whose bootstrap relies on it, and on managed control planes); " +
			"401 → pass. Without a probe, from the flags as in SEC-001: --anonymous-auth=false → pass; --authentication-config " +
			"(which may limit anonymous requests to some paths) → skip; anonymous auth on (kube-apiserver's default) → warn, info on kubeadm. " +
			"k3s and rke2 default to --anonymous-auth=false. Nothing visible → skip; managed → na.",
		Rationale: "Anonymous requests carry no identity, so nothing can be audited or revoked per user. Left on for every path, " +
			"any RBAC grant to system:anonymous or system:unauthenticated opens the API to the whole network.",
		Remediation: "Set --anonymous-auth=false if nothing needs unauthenticated access, or (1.32+) use an AuthenticationConfiguration " +
			"file with anonymous.conditions limited to /livez, /readyz and /healthz; keep RBAC grants to system:anonymous and " +
			"system:unauthenticated to the defaults.",
	},
	Eval: evalSec002,
}

var cert001 = Check{
	Meta: Meta{
		ID:       "CERT-001",
		Title:    "API server serving certificate is not about to expire",
		Category: CategoryAPIAccess,
		Rule: "The live source records the earliest NotAfter of the certificate chain the API server presented. Expired or within " +
			"CertFailWithin (default 7 days) of the snapshot time → fail; within CertWarnWithin (default 30 days) → warn; otherwise pass. " +
			"On a managed control plane, where the provider rotates it, warn and fail are reported as info. Not collected (manifests, " +
			"or a connection that yielded no certificate) → skip.",
		Rationale: "When the serving certificate (or an intermediate in its chain) expires, every client that verifies it — kubelets, " +
			"controllers, kubectl, webhooks calling back — stops talking to the API server at once.",
		Remediation: "Renew the certificates before expiry: kubeadm certs check-expiration and kubeadm certs renew all (then restart the " +
			"control-plane static pods), or your PKI's rotation; k3s and rke2 renew certificates within 90 days of expiry on restart.",
	},
	Eval: evalCert001,
}

// ---- SEC-001 ------------------------------------------------------------

// authzModes returns a config's authorization modes, whether they come from
// a default, and its --authorization-config file if any.
func authzModes(c apiServerConfig) (modes []string, defaulted bool, file string) {
	if f, ok := c.flags.last("authorization-config"); ok && f != "" {
		return nil, false, f
	}
	v, set := c.flags.last("authorization-mode")
	if !set {
		defaulted = true
		if d, ok := c.defaults["authorization-mode"]; ok {
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

func hasMode(modes []string, want string) bool {
	for _, m := range modes {
		if strings.EqualFold(m, want) {
			return true
		}
	}
	return false
}

func probeEvidence(s *cluster.Snapshot) map[string]any {
	if a := s.Server.Anonymous; a != nil {
		return map[string]any{"path": a.Path, "statusCode": a.StatusCode}
	}
	return nil
}

func anonymousMissing(s *cluster.Snapshot) string {
	if g, ok := s.GapFor(cluster.KindAnonymous); ok {
		return "the anonymous probe failed (" + g.Reason + ": " + g.Message + ")"
	}
	return "no anonymous probe (" + sourceWords(s) + ")"
}

func evalSec001(in *Input) []Result {
	s := in.Snapshot
	p := platformOf(in)
	var configs []apiServerConfig
	var looked []string
	if !p.Managed {
		configs, looked = apiServerConfigs(s)
	}
	var out []Result
	for _, c := range configs {
		modes, defaulted, file := authzModes(c)
		ev := withEvidence(p, map[string]any{"signal": c.signal, "modes": modes, "defaulted": defaulted})
		if a := probeEvidence(s); a != nil {
			ev["anonymousProbe"] = a
		}
		origin := "authorization modes " + strings.Join(modes, ",")
		switch {
		case !defaulted:
			origin += " (--authorization-mode)"
		case c.signal == signalKubeadmConfig:
			origin += " (kubeadm's default; extraArgs do not set it)"
		case c.signal == signalK3sNodeArgs:
			origin += " (the k3s/rke2 default; --kube-apiserver-arg does not set it)"
		default:
			origin += " (kube-apiserver's default: --authorization-mode is not set)"
		}
		var r Result
		switch {
		case file != "":
			ev["authorizationConfig"] = file
			if a := s.Server.Anonymous; a != nil && a.StatusCode == 200 {
				r = result.New(StatusFail, c.ref, fmt.Sprintf("%s: authorization comes from --authorization-config %s, and an anonymous request to %s was authorized (200).", c.source, file, a.Path), ev)
			} else {
				r = result.New(StatusSkip, c.ref, fmt.Sprintf("%s: authorization comes from --authorization-config %s, a file on the control-plane host that the cluster does not show; check it lists Node and RBAC and no AlwaysAllow.", c.source, file), ev)
			}
		case hasMode(modes, "AlwaysAllow"):
			r = result.New(StatusFail, c.ref, fmt.Sprintf("%s: %s include AlwaysAllow, so any request the other authorizers do not deny is allowed, including reading every Secret; use Node,RBAC.", c.source, origin), ev)
		case !hasMode(modes, "RBAC") && !hasMode(modes, "Webhook"):
			r = result.New(StatusFail, c.ref, fmt.Sprintf("%s: %s has neither RBAC nor Webhook, so access cannot be granted per user and role; use Node,RBAC.", c.source, origin), ev)
		case !hasMode(modes, "Node"):
			r = result.New(StatusWarn, c.ref, fmt.Sprintf("%s: %s lacks Node, so kubelets need broad RBAC grants and one node can read Secrets of pods it does not run; add Node first (Node,RBAC).", c.source, origin), ev)
		default:
			r = result.New(StatusPass, c.ref, fmt.Sprintf("%s: %s.", c.source, origin), ev)
		}
		out = append(out, r)
	}
	if len(out) > 0 {
		return out
	}
	ev := withEvidence(p, map[string]any{"signal": signalAnonymousProbe})
	a := s.Server.Anonymous
	switch {
	case a != nil && a.StatusCode == 200:
		ev["anonymousProbe"] = probeEvidence(s)
		return []Result{result.New(StatusFail, ObjectRef{}, fmt.Sprintf(
			"An anonymous request to %s was authorized (200): either the API server runs with AlwaysAllow or system:anonymous has been granted API access; find which and remove it.", a.Path), ev)}
	case p.Managed:
		ev["signal"] = signalPlatform
		return []Result{result.New(StatusNA, ObjectRef{}, p.Label()+": the provider configures the API server's authorizers (Node and RBAC, plus its own webhook); manage access with RBAC.", ev)}
	case a != nil && a.StatusCode == 403:
		ev["anonymousProbe"] = probeEvidence(s)
		return []Result{result.New(StatusInfo, ObjectRef{}, fmt.Sprintf(
			"The API server's flags are not visible (%s); an anonymous request to %s was refused (403), so AlwaysAllow is not in effect, but the authorization modes cannot be read.",
			strings.Join(looked, "; "), a.Path), ev)}
	}
	ev["signal"] = signalNone
	why := anonymousMissing(s)
	if a != nil {
		why = fmt.Sprintf("the anonymous probe got %d, which does not show the authorizers", a.StatusCode)
	}
	return []Result{result.New(StatusSkip, ObjectRef{}, "Cannot see the authorization mode: "+strings.Join(append(looked, why), "; ")+".", ev)}
}

// ---- SEC-002 ------------------------------------------------------------

func evalSec002(in *Input) []Result {
	s := in.Snapshot
	p := platformOf(in)
	var configs []apiServerConfig
	var looked []string
	if !p.Managed {
		configs, looked = apiServerConfigs(s)
	}
	lenient := p.Name == PlatformKubeadm || p.Managed
	onStatus := StatusWarn
	if lenient {
		onStatus = StatusInfo
	}
	if a := s.Server.Anonymous; a != nil {
		ev := withEvidence(p, map[string]any{"signal": signalAnonymousProbe, "anonymousProbe": probeEvidence(s)})
		var flags []string
		for _, c := range configs {
			v, _ := c.value("anonymous-auth")
			flags = append(flags, c.source+": anonymous-auth="+nonEmpty(v, "true (default)"))
		}
		if len(flags) > 0 {
			ev["flags"] = flags
		}
		switch a.StatusCode {
		case 200:
			return []Result{result.New(StatusFail, ObjectRef{}, fmt.Sprintf(
				"An anonymous request to %s was authorized (200): unauthenticated clients can use the API beyond health and version endpoints; remove grants to system:anonymous and system:unauthenticated (see RBAC-002) or AlwaysAllow.", a.Path), ev)}
		case 401:
			return []Result{result.New(StatusPass, ObjectRef{}, fmt.Sprintf(
				"An anonymous request to %s was rejected as unauthenticated (401): anonymous auth is off, or limited to other paths.", a.Path), ev)}
		case 403:
			msg := fmt.Sprintf("An anonymous request to %s was authenticated as system:anonymous and only refused by authorization (403): anonymous auth is on for every path, so a single RBAC grant to system:anonymous or system:unauthenticated would open the API.", a.Path)
			switch {
			case p.Managed:
				msg += " The provider keeps it on; keep RBAC grants to anonymous at the defaults."
			case p.Name == PlatformKubeadm:
				msg += " kubeadm leaves it on for health checks and node bootstrap (cluster-info discovery); set --anonymous-auth=false, or on 1.32+ limit it to /livez, /readyz and /healthz with an AuthenticationConfiguration, if you do not need that."
			default:
				msg += " Set --anonymous-auth=false, or on 1.32+ limit it to health paths with an AuthenticationConfiguration."
			}
			return []Result{result.New(onStatus, ObjectRef{}, msg, ev)}
		}
		looked = append(looked, fmt.Sprintf("the anonymous probe of %s answered %d", a.Path, a.StatusCode))
	}
	var out []Result
	for _, c := range configs {
		ev := withEvidence(p, map[string]any{"signal": c.signal})
		if f, ok := c.flags.last("authentication-config"); ok && f != "" {
			ev["authenticationConfig"] = f
			out = append(out, result.New(StatusSkip, c.ref, fmt.Sprintf(
				"%s: authentication comes from --authentication-config %s, which may limit anonymous requests to some paths; the file is not visible and there is no anonymous probe.", c.source, f), ev))
			continue
		}
		v, set := c.value("anonymous-auth")
		if !set {
			v = kubeAPIServerDefaults["anonymous-auth"]
		}
		ev["anonymousAuth"] = v
		if v == "false" {
			out = append(out, result.New(StatusPass, c.ref, c.source+": --anonymous-auth=false.", ev))
			continue
		}
		origin := "--anonymous-auth=" + v
		if _, explicit := c.flags.last("anonymous-auth"); !explicit {
			origin = "anonymous auth is on (the default)"
		}
		msg := fmt.Sprintf("%s: %s for every path, so a single RBAC grant to system:anonymous or system:unauthenticated would open the API.", c.source, origin)
		if p.Name == PlatformKubeadm {
			msg += " kubeadm leaves it on for health checks and node bootstrap; turn it off or limit it to health paths if you do not need that."
		} else {
			msg += " Set --anonymous-auth=false, or on 1.32+ limit it to health paths with an AuthenticationConfiguration."
		}
		st := StatusWarn
		if p.Name == PlatformKubeadm {
			st = StatusInfo
		}
		out = append(out, result.New(st, c.ref, msg, ev))
	}
	if len(out) > 0 {
		return out
	}
	ev := withEvidence(p, map[string]any{"signal": signalNone})
	if p.Managed {
		ev["signal"] = signalPlatform
		return []Result{result.New(StatusNA, ObjectRef{}, p.Label()+": the provider sets anonymous authentication; keep RBAC grants to system:anonymous and system:unauthenticated at the defaults.", ev)}
	}
	return []Result{result.New(StatusSkip, ObjectRef{}, "Cannot see whether anonymous requests are allowed: "+strings.Join(append(looked, anonymousMissing(s)), "; ")+".", ev)}
}

// ---- CERT-001 -----------------------------------------------------------

func evalCert001(in *Input) []Result {
	s, o := in.Snapshot, in.Options
	p := platformOf(in)
	c := s.Server.ServingCert
	if c == nil {
		why := "the input is manifests, with no TLS connection to the API server"
		if g, ok := s.GapFor(cluster.KindServingCert); ok {
			why = "the TLS handshake yielded no certificate (" + g.Reason + ": " + g.Message + ")"
		} else if s.Source != cluster.SourceManifests && s.OriginalSource != cluster.SourceManifests {
			why = "the serving certificate was not recorded"
		}
		return []Result{result.New(StatusSkip, ObjectRef{}, "Cannot check the API server certificate: "+why+".",
			withEvidence(p, map[string]any{"signal": signalNone}))}
	}
	left := c.NotAfter.Sub(s.CollectedAt)
	ev := withEvidence(p, map[string]any{"signal": signalTLSHandshake, "notAfter": c.NotAfter.UTC().Format(time.RFC3339),
		"subject": c.Subject, "daysLeft": int(left.Hours() / 24), "chainLength": c.ChainLength})
	if c.LeafSubject != "" {
		ev["leafSubject"] = c.LeafSubject
	}
	which := "the serving certificate"
	if c.ChainLength > 1 && c.Subject != "" && c.Subject != c.LeafSubject {
		which = "a certificate in the serving chain"
	}
	subject := ""
	if c.Subject != "" {
		subject = " (" + c.Subject + ")"
	}
	var st Status
	var msg string
	switch {
	case left <= 0:
		st, msg = StatusFail, fmt.Sprintf("%s%s expired %s ago, on %s: clients that verify it cannot connect.",
			capitalize(which), subject, humanDuration(-left), c.NotAfter.UTC().Format(time.RFC3339))
	case left <= o.CertFailWithin:
		st, msg = StatusFail, fmt.Sprintf("%s%s expires in %s, on %s (under %s): renew it now.",
			capitalize(which), subject, humanDuration(left), c.NotAfter.UTC().Format(time.RFC3339), humanDuration(o.CertFailWithin))
	case left <= o.CertWarnWithin:
		st, msg = StatusWarn, fmt.Sprintf("%s%s expires in %s, on %s (under %s): plan its renewal.",
			capitalize(which), subject, humanDuration(left), c.NotAfter.UTC().Format(time.RFC3339), humanDuration(o.CertWarnWithin))
	default:
		st, msg = StatusPass, fmt.Sprintf("%s%s is valid until %s (%s left).",
			capitalize(which), subject, c.NotAfter.UTC().Format(time.RFC3339), humanDuration(left))
	}
	if p.Managed && st.Severity() > StatusInfo.Severity() {
		st = StatusInfo
		msg += " " + p.Label() + " rotates it; raise it with the provider if it does not change soon."
	}
	return []Result{result.New(st, ObjectRef{}, msg, ev)}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
