package apiaccess

import (
	"time"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// Category is the catalog category of the SEC and CERT checks.
const Category = "API access"

// Options are the API access checks' thresholds.
type Options struct {
	// CertWarnWithin and CertFailWithin are how close to expiry the API
	// server's serving certificate chain warns and fails (CERT-001).
	CertWarnWithin time.Duration `json:"certWarnWithin"`
	CertFailWithin time.Duration `json:"certFailWithin"`
}

// DefaultOptions returns the documented defaults: warn within 30 days of
// expiry, fail within 7.
func DefaultOptions() Options {
	return Options{
		CertWarnWithin: 30 * 24 * time.Hour,
		CertFailWithin: 7 * 24 * time.Hour,
	}
}

// Checks returns the API access checks in ID order, evaluating with o.
func Checks(o Options) []check.Check {
	return check.Bind(o, sec001, sec002, cert001)
}

// Signals the API access checks decide from.
const (
	signalAnonymousProbe = "anonymous-probe"
	signalTLSHandshake   = "tls-handshake"
)

// kubeAPIServerDefaults are kube-apiserver's own defaults for the flags
// read here: without --authorization-config, --authorization-mode defaults
// to AlwaysAllow; anonymous auth is on.
var kubeAPIServerDefaults = map[string]string{"authorization-mode": "AlwaysAllow", "anonymous-auth": "true"}

var sec001 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "SEC-001",
		Title:    "API server authorization is enforced",
		Category: Category,
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

var sec002 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "SEC-002",
		Title:    "Anonymous requests are not authorized beyond health checks",
		Category: Category,
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

var cert001 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "CERT-001",
		Title:    "API server serving certificate is not about to expire",
		Category: Category,
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
