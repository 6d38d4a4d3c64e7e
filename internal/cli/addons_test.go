package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// addonsDir holds one directory per common add-on, each written from the
// manifest its project publishes (fixtures/addons/README.md says which).
const addonsDir = "../../fixtures/addons"

// realWorldDir holds manifests real add-on projects ship, beside the
// repository.
var realWorldDir = filepath.Join("..", "..", "..", "shared", "realworld")

// addonFinding is one expected non-pass result, written as
// "CHECK status Kind/namespace/name" ("Kind/name" for cluster-scoped
// objects, "(cluster)" for a cluster-wide result).
type addonFinding = string

// addonBundles are the add-on bundles and exactly the fail, warn and info
// results a careful reviewer agrees with when the bundle is audited alone
// (CP-004's "platform unknown" info, which every bundle gets, is asserted
// separately). A new check that finds something adds a line here; a line
// says why the reviewer agrees.
var addonBundles = []struct {
	dir    string
	stderr string // exactly what the audit writes to stderr
	want   []addonFinding
}{
	{dir: "aws-ebs-csi-driver",
		stderr: "warning: skipped 1 CSIDriver (storage.k8s.io/v1): a kind seaworthy does not read\n",
		// 2 controller replicas with a PDB of maxUnavailable 1, requests and
		// memory limits, system priorities: nothing to flag.
		want: nil},
	{dir: "cert-manager", want: []addonFinding{
		// Its own namespace without a quota; the message says quotas applied
		// separately are outside the input.
		"QUOTA-001 warn Namespace/cert-manager",
		// The upstream install sets no resources at all: BestEffort pods.
		"RES-001 warn Deployment/cert-manager/cert-manager",
		"RES-001 warn Deployment/cert-manager/cert-manager-cainjector",
		"RES-001 warn Deployment/cert-manager/cert-manager-webhook",
		"RES-002 warn Deployment/cert-manager/cert-manager",
		"RES-002 warn Deployment/cert-manager/cert-manager-cainjector",
		"RES-002 warn Deployment/cert-manager/cert-manager-webhook",
		// The controller and cainjector elect a leader in kube-system: a
		// singleton by design, said as info, not flagged.
		"WL-001 info Deployment/cert-manager/cert-manager",
		"WL-001 info Deployment/cert-manager/cert-manager-cainjector",
		// The webhook elects nothing and serves every admission call: one
		// replica is an outage of cert-manager's API on each drain.
		"WL-001 warn Deployment/cert-manager/cert-manager-webhook",
		// No WL-009: the Service cert-manager exposes only the metrics port
		// (9402, tcp-prometheus-servicemonitor), which Prometheus scrapes;
		// no client traffic depends on the controller's readiness.
		// Fail-closed webhooks whose one backend pod has no PDB: validation
		// of every cert-manager resource ("*/*") fails while it is down...
		"ADM-001 fail ValidatingWebhookConfiguration/cert-manager-webhook",
		// ...and CertificateRequests cannot be created (one resource: warn).
		"ADM-001 warn MutatingWebhookConfiguration/cert-manager-webhook",
		// timeoutSeconds 30, the API server's maximum.
		"ADM-002 warn MutatingWebhookConfiguration/cert-manager-webhook",
		"ADM-002 warn ValidatingWebhookConfiguration/cert-manager-webhook",
	}},
	{dir: "cluster-autoscaler",
		// A leader-elected singleton at system-cluster-critical with
		// requests equal to limits: by design, nothing to flag.
		want: nil},
	{dir: "coredns", want: []addonFinding{
		// The standalone manifest leaves replicas unset (1) for a DNS
		// autoscaler that is not there: one pod serves all of cluster DNS.
		"DNS-001 fail Deployment/kube-system/coredns",
		// It ships no PDB; the message says the cluster's are not known.
		"DNS-004 warn Deployment/kube-system/coredns",
	}},
	{dir: "descheduler", want: []addonFinding{
		// Requests without a memory limit (as RES-002 asks of every pod).
		"RES-002 warn CronJob/kube-system/descheduler-cronjob",
	}},
	{dir: "external-dns", want: []addonFinding{
		// Namespace-less upstream: it lands in default, as kubectl apply
		// puts it there, and is judged as a user workload.
		"RES-001 warn Deployment/default/external-dns",
		"RES-002 warn Deployment/default/external-dns",
		// external-dns must run exactly one replica (two race on the same
		// records; it has no leader election): a singleton by design,
		// which the reviewer notes, not flags.
		"WL-001 info Deployment/default/external-dns",
	}},
	{dir: "fluent-bit", want: []addonFinding{
		// A namespace of node-level infrastructure, not asked for a quota.
		"QUOTA-001 info Namespace/logging",
		// The chart's default resources are empty.
		"RES-001 warn DaemonSet/logging/fluent-bit",
		"RES-002 warn DaemonSet/logging/fluent-bit",
		// The log agent is found and named: a note.
		"OBS-002 info DaemonSet/logging/fluent-bit",
	}},
	{dir: "gatekeeper", want: []addonFinding{
		// Every workload in it runs at system-cluster-critical.
		"QUOTA-001 info Namespace/gatekeeper-system",
		// The fail-open webhooks are not flagged; the fail-closed namespace
		// label webhook has 3 replicas and a PDB; the audit singleton is
		// exempt with its namespace.
	}},
	{dir: "ingress-nginx", want: []addonFinding{
		"QUOTA-001 warn Namespace/ingress-nginx",
		// Requests without a memory limit.
		"RES-002 warn Deployment/ingress-nginx/ingress-nginx-controller",
		// One controller replica: every drain stops all ingress traffic
		// (its election id only picks the status writer).
		"WL-001 warn Deployment/ingress-nginx/ingress-nginx-controller",
		// Its fail-closed admission webhook has that one pod behind it.
		"ADM-001 warn ValidatingWebhookConfiguration/ingress-nginx-admission",
		// The controller's shape, with WL-001 named as the judge of its
		// one replica: a note, not a second finding.
		"NET-005 info Deployment/ingress-nginx/ingress-nginx-controller",
	}},
	{dir: "kube-state-metrics", want: []addonFinding{
		// No resources in the standard example.
		"RES-001 warn Deployment/kube-system/kube-state-metrics",
		"RES-002 warn Deployment/kube-system/kube-state-metrics",
	}},
	{dir: "kyverno", want: []addonFinding{
		"QUOTA-001 warn Namespace/kyverno",
		// Kyverno's controllers always elect a leader (their flags are
		// camelCase: --leaderElectionRetryPeriod): a singleton by design.
		"WL-001 info Deployment/kyverno/kyverno-background-controller",
		// The fail-closed pod webhook has 3 replicas and a PDB: not flagged.
	}},
	{dir: "node-problem-detector",
		// A DaemonSet with requests equal to limits: nothing to flag.
		want: nil},
	{dir: "prometheus-operator", want: []addonFinding{
		// An operator that only reconciles (it elects no leader): while
		// its pod is rescheduled nothing it manages stops. A reviewer
		// notes it, not flags it.
		"WL-001 info Deployment/default/prometheus-operator",
		// The operator is taken as a sign of Prometheus, whose scrape
		// configuration is not read: a note.
		"OBS-003 info Deployment/default/prometheus-operator",
		// Its headless Service lists the operator's pod for scraping and
		// the operator has no readiness probe: a reviewer accepts the nit.
		"WL-009 warn Deployment/default/prometheus-operator",
	}},
	{dir: "traefik", want: []addonFinding{
		"QUOTA-001 warn Namespace/traefik",
		// The chart's default resources are empty.
		"RES-001 warn Deployment/traefik/traefik",
		"RES-002 warn Deployment/traefik/traefik",
		// One replica of the default ingress controller.
		"WL-001 warn Deployment/traefik/traefik",
		// Its shape, leaving the one replica to WL-001.
		"NET-005 info Deployment/traefik/traefik",
	}},
	{dir: "vertical-pod-autoscaler", want: []addonFinding{
		// The pod webhook fails open, but with timeoutSeconds 30 every pod
		// creation waits 30 s while the admission controller hangs.
		"ADM-002 warn MutatingWebhookConfiguration/vpa-webhook-config",
	}},
}

// realWorldFindings are TestAuditRealWorldManifests' findings (its
// comments say why), for the audit of everything together.
var realWorldFindings = []addonFinding{
	"ADDON-001 warn Deployment/kube-system/metrics-server",
	"ADDON-002 warn Deployment/kube-system/metrics-server",
	"RBAC-004 warn ClusterRoleBinding/kube-state-metrics",
	"RBAC-004 warn ClusterRoleBinding/ingress-nginx",
	"RBAC-010 warn ClusterRoleBinding/ingress-nginx-admission",
	"RES-001 warn Deployment/kube-system/metrics-server",
	"RES-002 warn Deployment/kube-system/metrics-server",
	"ADDON-004 fail Deployment/kube-system/metrics-server",
}

// byDesignSingletons are workloads that run one replica on purpose: none
// may be reported as a single replica to fix (warn or fail).
var byDesignSingletons = []string{
	"Deployment/kube-system/cluster-autoscaler",
	"Deployment/default/external-dns",
	"Deployment/dns/external-dns",
	"CronJob/kube-system/descheduler-cronjob",
	"Deployment/kube-system/vpa-recommender",
	"Deployment/kube-system/vpa-updater",
	"Deployment/cert-manager/cert-manager",
	"Deployment/cert-manager/cert-manager-cainjector",
	"Deployment/kyverno/kyverno-background-controller",
	"Deployment/gatekeeper-system/gatekeeper-audit",
	"Deployment/default/prometheus-operator",
	"Deployment/kube-system/kube-state-metrics",
}

// singletonChecks are the checks that flag a single replica.
var singletonChecks = []string{"ADDON-001", "WL-001", "DNS-001"}

// clusterAbsence matches a message claiming something is missing from the
// whole cluster, which a bundle of add-ons cannot show, whatever the status
// (a pass can claim it too).
// "is the only class" catches NET-003 calling one bundle's IngressClass
// the cluster's only one.
var clusterAbsence = regexp.MustCompile(`(?i)no (cluster-level )?log (collection|collector|daemonset)|no metrics api|metrics api is not served|in (one|a single) zone|no poddisruptionbudget in the cluster|the cluster has no|no node problem detector|without (cluster-autoscaler|karpenter)|is the only class`)

// TestAuditCommonAddons audits each add-on bundle alone, as a user would
// (seaworthy audit -f DIR, so the rules for partial input apply), then all
// of them with ../shared/realworld, and compares every fail, warn and info
// with what a careful reviewer flags.
func TestAuditCommonAddons(t *testing.T) {
	var union []addonFinding
	for _, b := range addonBundles {
		t.Run(b.dir, func(t *testing.T) {
			got, rs := auditFindings(t, b.stderr, "-f", filepath.Join(addonsDir, b.dir))
			diffFindings(t, got, b.want)
			checkPartialInput(t, rs)
		})
		union = append(union, b.want...)
	}
	t.Run("all with realworld", func(t *testing.T) {
		if _, err := os.Stat(realWorldDir); err != nil {
			t.Skipf("real-world manifests not found beside the repository (%v)", err)
		}
		// Together nothing new is found and nothing is lost: the bundles
		// share no workload, and each bundle's findings hold in the whole.
		got, rs := auditFindings(t, "warning: skipped 1 CSIDriver (storage.k8s.io/v1): a kind seaworthy does not read\n", "-f", addonsDir, "-f", realWorldDir)
		diffFindings(t, got, append(union, realWorldFindings...))
		checkPartialInput(t, rs)
	})
	t.Run("external-dns with -n", func(t *testing.T) {
		// The namespace-less bundle takes the effective namespace, as
		// kubectl apply -n would place it.
		got, rs := auditFindings(t, "", "-f", filepath.Join(addonsDir, "external-dns"), "-n", "dns")
		diffFindings(t, got, []addonFinding{
			"RES-001 warn Deployment/dns/external-dns",
			"RES-002 warn Deployment/dns/external-dns",
			// As above: a singleton by design.
			"WL-001 info Deployment/dns/external-dns",
		})
		checkPartialInput(t, rs)
	})
}

// auditResult is the part of a JSON report result the test reads.
type auditResult struct{ key, status, message string }

// auditFindings runs the audit with the arguments given after its own and
// returns its fail, warn and info results as findings (CP-004's platform
// info, which it asserts, left out) and every result.
func auditFindings(t *testing.T, wantStderr string, more ...string) ([]addonFinding, []auditResult) {
	t.Helper()
	args := append([]string{"audit", "--now", demoNow, "-o", "json", "--fail-on", "never"}, more...)
	r := execute(t, "", args...)
	if r.code != 0 {
		t.Fatalf("exit %d, want 0; stderr: %s", r.code, r.stderr)
	}
	if r.stderr != wantStderr {
		t.Errorf("stderr:\n%s\nwant:\n%s", r.stderr, wantStderr)
	}
	var got []addonFinding
	var rs []auditResult
	platform := false
	for _, x := range decodeReport(t, r.stdout)["results"].([]any) {
		res := x.(map[string]any)
		id, status, msg := res["check"].(string), res["status"].(string), res["message"].(string)
		key := id + " " + status + " " + objectKey(res["object"])
		rs = append(rs, auditResult{key, status, msg})
		if id == "CP-004" && status == "info" {
			platform = strings.HasPrefix(msg, "Platform unknown: ")
			continue
		}
		if status == "fail" || status == "warn" || status == "info" {
			got = append(got, key+"\t"+msg)
		}
	}
	if !platform {
		t.Errorf("no CP-004 info saying the platform is unknown")
	}
	return got, rs
}

// objectKey writes a result's object as Kind/namespace/name, Kind/name or
// (cluster).
func objectKey(o any) string {
	obj, _ := o.(map[string]any)
	kind, _ := obj["kind"].(string)
	ns, _ := obj["namespace"].(string)
	name, _ := obj["name"].(string)
	switch {
	case kind == "":
		return "(cluster)"
	case ns == "":
		return kind + "/" + name
	}
	return kind + "/" + ns + "/" + name
}

// diffFindings fails with the findings got has beyond want (+, with their
// messages) and those it lacks (-).
func diffFindings(t *testing.T, got []string, want []addonFinding) {
	t.Helper()
	w := map[string]bool{}
	for _, k := range want {
		w[k] = true
	}
	var diff []string
	seen := map[string]bool{}
	for _, g := range got {
		key, msg, _ := strings.Cut(g, "\t")
		seen[key] = true
		if !w[key] {
			diff = append(diff, fmt.Sprintf("+ %s\n      %s", key, msg))
		}
	}
	for _, k := range want {
		if !seen[k] {
			diff = append(diff, "- "+k)
		}
	}
	if len(diff) > 0 {
		slices.Sort(diff)
		t.Errorf("findings differ from the reviewer's (+ reported, not expected; - expected, not reported):\n%s", strings.Join(diff, "\n"))
	}
}

// checkPartialInput fails on a by-design singleton reported as a single
// replica to fix, and on a claim that something is missing from the whole
// cluster.
func checkPartialInput(t *testing.T, rs []auditResult) {
	t.Helper()
	for _, r := range rs {
		if r.status != "warn" && r.status != "fail" && r.status != "info" && r.status != "pass" {
			continue
		}
		id, rest, _ := strings.Cut(r.key, " ")
		_, obj, _ := strings.Cut(rest, " ")
		if (r.status == "warn" || r.status == "fail") && slices.Contains(singletonChecks, id) && slices.Contains(byDesignSingletons, obj) {
			t.Errorf("by-design singleton reported: %s: %s", r.key, r.message)
		}
		if clusterAbsence.MatchString(r.message) {
			t.Errorf("cluster-wide absence claimed from add-on manifests: %s: %s", r.key, r.message)
		}
	}
}
