package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/seaworthy-k8s/seaworthy/checks"
	"github.com/seaworthy-k8s/seaworthy/result"
)

const demoDir = "../../fixtures/clusters/demo"
const demoNow = "2026-03-01T12:00:00Z"

type run struct {
	code           int
	stdout, stderr string
}

func execute(t *testing.T, stdin string, args ...string) run {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Execute(args, genericiooptions.IOStreams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut})
	return run{code: code, stdout: out.String(), stderr: errOut.String()}
}

// decodeReport parses a JSON report and returns it.
func decodeReport(t *testing.T, data string) map[string]any {
	t.Helper()
	var rep map[string]any
	if err := json.Unmarshal([]byte(data), &rep); err != nil {
		t.Fatalf("stdout is not a JSON report: %v\n%s", err, data)
	}
	return rep
}

func TestAuditDemoJSONContract(t *testing.T) {
	r := execute(t, "", "audit", "-f", demoDir, "--now", demoNow, "-o", "json")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (the demo has failures); stderr: %s", r.code, r.stderr)
	}
	rep := decodeReport(t, r.stdout)
	for _, key := range []string{"schemaVersion", "collectedAt", "summary", "results", "gaps"} {
		if _, ok := rep[key]; !ok {
			t.Errorf("report lacks %q", key)
		}
	}
	if rep["schemaVersion"] != "seaworthy.report/v1" || rep["collectedAt"] != demoNow {
		t.Errorf("schemaVersion %v collectedAt %v", rep["schemaVersion"], rep["collectedAt"])
	}
	results := rep["results"].([]any)
	summary := rep["summary"].(map[string]any)
	if int(summary["total"].(float64)) != len(results) || len(results) == 0 {
		t.Errorf("summary total %v, %d results", summary["total"], len(results))
	}
	for _, x := range results {
		res := x.(map[string]any)
		for _, key := range []string{"check", "status", "object", "message", "evidence"} {
			if _, ok := res[key]; !ok {
				t.Fatalf("result lacks %q: %v", key, res)
			}
		}
		obj := res["object"].(map[string]any)
		for _, key := range []string{"apiVersion", "kind", "namespace", "name"} {
			if _, ok := obj[key]; !ok {
				t.Fatalf("object lacks %q: %v", key, obj)
			}
		}
		if _, err := result.ParseStatus(res["status"].(string)); err != nil {
			t.Errorf("result status: %v", err)
		}
	}
}

func TestAuditDemoFindsPlantedProblems(t *testing.T) {
	r := execute(t, "", "audit", "-f", demoDir, "--now", demoNow, "-o", "json")
	rep := decodeReport(t, r.stdout)
	got := map[string]bool{}
	for _, x := range rep["results"].([]any) {
		res := x.(map[string]any)
		obj := res["object"].(map[string]any)
		got[res["check"].(string)+" "+res["status"].(string)+" "+obj["namespace"].(string)+"/"+obj["name"].(string)] = true
	}
	// The problems planted in fixtures/clusters/demo (see the comments there).
	for _, want := range []string{
		"QUOTA-001 warn /search",
		"QUOTA-002 warn /search",
		"QUOTA-003 fail payments/compute",
		"QUOTA-003 warn checkout/compute",
		"QUOTA-004 warn /monitoring",
		"QUOTA-001 pass /payments",
		"DNS-001 pass kube-system/coredns",
		"DNS-003 warn kube-system/coredns",
		"DNS-004 warn kube-system/coredns",
		"DNS-005 pass kube-system/coredns",
	} {
		if !got[want] {
			t.Errorf("missing result %q", want)
		}
	}
}

func TestAuditFailOnAndFormats(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"default gate fails on fail", nil, 1},
		{"never", []string{"--fail-on", "never"}, 0},
		{"warn", []string{"--fail-on", "warn"}, 1},
		{"only passing check", []string{"--check", "DNS-005"}, 0},
		{"only passing check, fail on info", []string{"--check", "DNS-005", "--fail-on", "info"}, 0},
		{"info gates on DNS-006 info", []string{"--check", "DNS-006", "--fail-on", "info"}, 1},
		{"yaml", []string{"-o", "yaml", "--fail-on", "never"}, 0},
		{"table", []string{"-o", "table", "--fail-on", "never"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := execute(t, "", append([]string{"audit", "-f", demoDir, "--now", demoNow}, tt.args...)...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d; stderr: %s", r.code, tt.code, r.stderr)
			}
			if r.stdout == "" {
				t.Error("no report on stdout")
			}
		})
	}
}

func TestAuditTable(t *testing.T) {
	r := execute(t, "", "audit", "-f", demoDir, "--now", demoNow, "--fail-on", "never")
	for _, want := range []string{"Namespace quotas", "Cluster DNS", "STATUS", "QUOTA-003", "ResourceQuota/payments/compute", "Summary: "} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "PASS ") {
		t.Errorf("passes are listed without --show-passed")
	}
	all := execute(t, "", "audit", "-f", demoDir, "--now", demoNow, "--fail-on", "never", "--show-passed")
	if !strings.Contains(all.stdout, "PASS") {
		t.Errorf("--show-passed lists no passes")
	}
}

// Bad input: exit 2, one error line on stderr, nothing on stdout.
func TestAuditBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n   labels: {}\n"), 0o644)
	noKind := filepath.Join(dir, "nokind.yaml")
	os.WriteFile(noKind, []byte("metadata: {name: x}\n"), 0o644)
	newer := filepath.Join(dir, "newer.json")
	os.WriteFile(newer, []byte(`{"schemaVersion":"seaworthy.snapshot/v99","collectedAt":"2026-01-01T00:00:00Z","source":"live"}`), 0o644)
	kubeconfig := filepath.Join(dir, "kubeconfig")
	os.WriteFile(kubeconfig, []byte(`apiVersion: v1
kind: Config
clusters:
- name: down
  cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}
users:
- name: u
  user: {token: abc}
contexts:
- name: down
  context: {cluster: down, user: u}
current-context: down
`), 0o600)

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing path", []string{"-f", filepath.Join(dir, "missing")}, "no such file or directory"},
		{"malformed YAML", []string{"-f", bad}, "bad.yaml:"},
		{"no apiVersion or kind", []string{"-f", noKind}, "nokind.yaml:1: document has no apiVersion or kind"},
		{"newer snapshot", []string{"-f", newer}, "newer than this seaworthy reads"},
		{"bad --fail-on", []string{"-f", demoDir, "--fail-on", "sometimes"}, `invalid --fail-on "sometimes"`},
		{"bad format", []string{"-f", demoDir, "-o", "xml"}, `unknown output format "xml"`},
		{"bad --now", []string{"-f", demoDir, "--now", "yesterday"}, "invalid --now"},
		{"unknown check", []string{"-f", demoDir, "--check", "NOPE-1"}, "matches no check"},
		{"unknown flag", []string{"--bogus"}, "unknown flag: --bogus"},
		{"unreachable cluster", []string{"--kubeconfig", kubeconfig, "--request-timeout", "3s"}, "cannot reach the API server at https://127.0.0.1:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := execute(t, "", append([]string{"audit"}, tt.args...)...)
			if r.code != 2 {
				t.Errorf("exit %d, want 2", r.code)
			}
			if r.stdout != "" {
				t.Errorf("stdout not empty: %q", r.stdout)
			}
			lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
			if !strings.HasPrefix(lines[0], "error: ") || !strings.Contains(lines[0], tt.want) {
				t.Errorf("stderr %q does not start with an error line containing %q", r.stderr, tt.want)
			}
		})
	}
}

func TestAuditUnknownKindWarns(t *testing.T) {
	r := execute(t, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: team-a}\n",
		"audit", "-f", "-", "--now", demoNow, "-o", "json", "--fail-on", "never")
	if r.code != 0 {
		t.Fatalf("exit %d; stderr %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "warning: skipped 1 Widget (example.com/v1): a kind seaworthy does not read") {
		t.Errorf("stderr = %q", r.stderr)
	}
	decodeReport(t, r.stdout)
}

// A snapshot saved from an input and replayed gives the same results.
func TestSnapshotReplay(t *testing.T) {
	file := filepath.Join(t.TempDir(), "demo.snapshot.json")
	if r := execute(t, "", "snapshot", "-f", demoDir, "--now", demoNow, "-o", file); r.code != 0 {
		t.Fatalf("snapshot exit %d: %s", r.code, r.stderr)
	}
	direct := decodeReport(t, execute(t, "", "audit", "-f", demoDir, "--now", demoNow, "-o", "json").stdout)
	replay := decodeReport(t, execute(t, "", "audit", "-f", file, "-o", "json").stdout)
	if !reflect.DeepEqual(direct["results"], replay["results"]) {
		t.Errorf("replayed results differ from the direct audit")
	}
	if replay["collectedAt"] != demoNow || replay["source"] != "snapshot (manifests)" {
		t.Errorf("replay collectedAt %v source %v", replay["collectedAt"], replay["source"])
	}
}

func TestSnapshotWriteFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "missing-dir", "x.json")
	r := execute(t, "", "snapshot", "-f", demoDir, "-o", target)
	if r.code != 2 || !strings.HasPrefix(r.stderr, "error: write ") {
		t.Fatalf("exit %d stderr %q", r.code, r.stderr)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("left files behind: %v", entries)
	}
}

func TestChecksCommand(t *testing.T) {
	r := execute(t, "", "checks")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, c := range checks.Catalog() {
		if !strings.Contains(r.stdout, c.ID) || !strings.Contains(r.stdout, "docs/checks.md#"+strings.ToLower(c.ID)) {
			t.Errorf("checks output lacks %s or its doc anchor", c.ID)
		}
	}
	var list struct {
		SchemaVersion string           `json:"schemaVersion"`
		Checks        []map[string]any `json:"checks"`
	}
	if err := json.Unmarshal([]byte(execute(t, "", "checks", "-o", "json").stdout), &list); err != nil || len(list.Checks) != len(checks.Catalog()) {
		t.Errorf("checks -o json: %v, %d entries", err, len(list.Checks))
	}
	if list.SchemaVersion != "seaworthy.checks/v1" {
		t.Errorf("checks -o json: schemaVersion %q, want seaworthy.checks/v1", list.SchemaVersion)
	}
}

// Manifests that real add-on projects ship (../shared/realworld beside the
// repository) must load cleanly. They hold no Node objects, so the DNS
// checks skip; metrics-server and kube-state-metrics live in kube-system,
// which the QUOTA checks exclude, so nothing warns or fails.
func TestAuditRealWorldManifests(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "realworld")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("real-world manifests not found beside the repository (%v)", err)
	}
	r := execute(t, "", "audit", "-f", dir, "--now", demoNow, "-o", "json", "--fail-on", "warn")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (the gate fails on the RBAC warnings); stderr: %s\n%s", r.code, r.stderr, r.stdout)
	}
	if strings.Contains(r.stderr, "warning:") {
		t.Errorf("real manifests produced warnings: %s", r.stderr)
	}
	// What the manifests' README says a careful reviewer flags: Secrets
	// read cluster-wide by kube-state-metrics and the ingress-nginx
	// controller, and webhook configuration writes by its admission job.
	// metrics-server's RBAC is clean, but its Deployment sets no resources:
	// no requests (RES-001) and so no memory limit (RES-002). It runs one
	// replica (ADDON-001: HPAs stop while it is rescheduled; the bundle
	// holds no PDB, so the message says that part is not known) at the
	// default priority (ADDON-002), and with no resources at all its pods
	// are BestEffort, the first evicted under node pressure (ADDON-004).
	want := map[string]bool{
		"ADDON-001 warn Deployment/metrics-server":                 true,
		"ADDON-002 warn Deployment/metrics-server":                 true,
		"ADDON-004 fail Deployment/metrics-server":                 true,
		"RBAC-004 warn ClusterRoleBinding/kube-state-metrics":      true,
		"RBAC-004 warn ClusterRoleBinding/ingress-nginx":           true,
		"RBAC-010 warn ClusterRoleBinding/ingress-nginx-admission": true,
		"RES-001 warn Deployment/metrics-server":                   true,
		"RES-002 warn Deployment/metrics-server":                   true,
	}
	rep := decodeReport(t, r.stdout)
	for _, x := range rep["results"].([]any) {
		res := x.(map[string]any)
		id, status := res["check"].(string), res["status"].(string)
		if strings.HasPrefix(id, "DNS-") && status != "skip" {
			t.Errorf("%s is %s on manifests without nodes, want skip", id, status)
		}
		if status != "warn" && status != "fail" {
			continue
		}
		obj := res["object"].(map[string]any)
		key := fmt.Sprintf("%s %s %s/%s", id, status, obj["kind"], obj["name"])
		if !want[key] {
			t.Errorf("unexpected %s: %s", key, res["message"])
		}
		delete(want, key)
	}
	for key := range want {
		t.Errorf("missing %s", key)
	}
}

// The README's tour shows the demo audit as it really prints.
func TestReadmeShowsRealDemoOutput(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const start = "$ seaworthy audit -f fixtures/clusters/demo\n"
	_, rest, ok := strings.Cut(string(readme), start)
	if !ok {
		t.Fatal("README has no demo audit block")
	}
	shown, _, _ := strings.Cut(rest, "```")
	// From the repository root, as make demo runs it: the header names the
	// -f path as given.
	t.Chdir(filepath.Join("..", ".."))
	r := execute(t, "", "audit", "-f", filepath.Join("fixtures", "clusters", "demo"), "--now", demoNow, "--fail-on", "never")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if shown != r.stdout {
		t.Errorf("README demo output is stale; paste the output of make demo.\nREADME:\n%s\nactual:\n%s", shown, r.stdout)
	}
}

// The README's sizing section shows recommend as it really prints on the
// bundled history.
func TestReadmeShowsRealRecommendOutput(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const start = "$ seaworthy recommend -f fixtures/clusters/demo --history-file fixtures/history/demo --confidence step-aware\n"
	_, rest, ok := strings.Cut(string(readme), start)
	if !ok {
		t.Fatal("README has no recommend block")
	}
	shown, _, _ := strings.Cut(rest, "```")
	t.Chdir(filepath.Join("..", ".."))
	r := execute(t, "", "recommend", "-f", filepath.Join("fixtures", "clusters", "demo"), "--history-file", filepath.Join("fixtures", "history", "demo"),
		"--confidence", "step-aware", "--now", demoNow)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if shown != r.stdout {
		t.Errorf("README recommend output is stale; paste the command's output.\nREADME:\n%s\nactual:\n%s", shown, r.stdout)
	}
}
