package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/live"
	"github.com/seaworthy-k8s/seaworthy/cluster/snapshotfile"
	"github.com/seaworthy-k8s/seaworthy/report"
)

// writeSnapshotFile saves s as a snapshot file in dir and returns its path.
func writeSnapshotFile(t *testing.T, dir, name string, s *cluster.Snapshot) string {
	t.Helper()
	var buf bytes.Buffer
	if err := snapshotfile.Write(&buf, s); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func liveSnapshot(gaps ...cluster.Gap) *cluster.Snapshot {
	return &cluster.Snapshot{
		SchemaVersion: cluster.SchemaVersion,
		CollectedAt:   time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		Source:        cluster.SourceLive,
		Server:        cluster.ServerInfo{Host: "https://10.0.0.1:6443", GitVersion: "v1.37.2"},
		Gaps:          gaps,
	}
}

// forbiddenEverywhere is what a live read by an identity that may read
// nothing records: every kind and every probe forbidden.
func forbiddenEverywhere(except ...cluster.Kind) []cluster.Gap {
	skip := map[cluster.Kind]bool{}
	for _, k := range except {
		skip[k] = true
	}
	var gaps []cluster.Gap
	for _, k := range cluster.Kinds {
		if !skip[k.Kind] {
			gaps = append(gaps, cluster.Gap{Kind: k.Kind, Reason: cluster.GapForbidden, Message: "the current identity may not list " + string(k.Kind) + " cluster-wide"})
		}
	}
	for _, k := range []cluster.Kind{live.KindServerVersion, cluster.KindAPIResources, cluster.KindReadyz, cluster.KindServingCert, cluster.KindAnonymous} {
		gaps = append(gaps, cluster.Gap{Kind: k, Reason: cluster.GapForbidden, Message: string(k) + " forbidden"})
	}
	return gaps
}

// assertRunError checks the contract for bad input: exit 2, nothing on
// stdout, and the last stderr line the one error line, equal to want.
func assertRunError(t *testing.T, r run, want string) {
	t.Helper()
	if r.code != report.ExitRunError {
		t.Errorf("exit %d, want 2; stderr %q", r.code, r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("stdout not empty: %q", r.stdout)
	}
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	if got := lines[len(lines)-1]; got != want {
		t.Errorf("last stderr line\n %q\nwant\n %q\n(stderr %q)", got, want, r.stderr)
	}
	if n := strings.Count(r.stderr, "error: "); n != 1 {
		t.Errorf("%d error lines, want 1: %q", n, r.stderr)
	}
}

// Input that holds no object seaworthy reads is a failed run, not a green
// audit: `helm template … | seaworthy audit -f -` whose helm step failed
// pipes nothing in. The same for every command that reads -f input.
func TestEmptyInputFailsTheRun(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	empty := write("empty.yaml", "")
	dashes := write("dashes.yaml", "---\n")
	// What helm template prints for a chart whose templates all render to
	// nothing (every resource disabled by values).
	helmEmpty := write("helm-empty.yaml", "---\n# Source: app/templates/deployment.yaml\n---\n# Source: app/templates/service.yaml\n\n---\n")
	emptyDir := filepath.Dir(write("rendered/app/empty.yaml", "\n"))
	// A chart of only ServiceMonitors and a PrometheusRule: kinds
	// seaworthy does not read, each warned as skipped.
	unknown := write("monitors.yaml", `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: api
  namespace: shop
spec:
  selector: {matchLabels: {app: api}}
  endpoints: [{port: metrics, interval: 30s}]
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: api-alerts
  namespace: shop
spec:
  groups:
  - name: api
    rules:
    - alert: APIDown
      expr: up{job="api"} == 0
      for: 5m
`)
	emptySnap := writeSnapshotFile(t, dir, "empty.snapshot.json", liveSnapshot())
	forbiddenSnap := writeSnapshotFile(t, dir, "forbidden.snapshot.json", liveSnapshot(forbiddenEverywhere()...))
	nGaps := len(forbiddenEverywhere())

	const noObjects = "error: no objects seaworthy reads in "
	const emptyOrUnknown = ": the input is empty or holds only kinds seaworthy does not read"
	tests := []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"empty file", "", []string{"-f", empty}, noObjects + empty + emptyOrUnknown},
		{"empty stdin", "", []string{"-f", "-"}, noObjects + "stdin" + emptyOrUnknown},
		{"blank stdin", "\n  \n", []string{"-f", "-"}, noObjects + "stdin" + emptyOrUnknown},
		{"only ---", "", []string{"-f", dashes}, noObjects + dashes + emptyOrUnknown},
		{"helm output of no resources on stdin", "---\n# Source: app/templates/deployment.yaml\n", []string{"-f", "-"}, noObjects + "stdin" + emptyOrUnknown},
		{"helm output of no resources", "", []string{"-f", helmEmpty}, noObjects + helmEmpty + emptyOrUnknown},
		{"directory of empty files", "", []string{"-f", emptyDir}, noObjects + emptyDir + emptyOrUnknown},
		{"two empty inputs", "", []string{"-f", empty, "-f", "-"}, noObjects + empty + ", stdin" + emptyOrUnknown},
		{"only unknown kinds", "", []string{"-f", unknown}, noObjects + unknown + ": every document was skipped (see the warnings above)"},
		{"empty snapshot file", "", []string{"-f", emptySnap}, noObjects + emptySnap + ": the snapshot holds none"},
		{"snapshot of a read that was forbidden everything", "", []string{"-f", forbiddenSnap},
			noObjects + forbiddenSnap + ": the snapshot holds none, only " + strconv.Itoa(nGaps) + " gaps (what could not be read when it was taken)"},
	}
	commands := map[string][]string{
		"audit":   {"audit"},
		"rbac":    {"rbac", "who-can", "get", "pods"},
		"subject": {"rbac", "subject", "ServiceAccount", "api", "-n", "shop"},
	}
	for cmdName, cmd := range commands {
		for _, tt := range tests {
			t.Run(cmdName+"/"+tt.name, func(t *testing.T) {
				assertRunError(t, execute(t, tt.stdin, append(append([]string{}, cmd...), tt.args...)...), tt.want)
			})
		}
	}
	for _, tt := range tests {
		t.Run("snapshot/"+tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out.json")
			assertRunError(t, execute(t, tt.stdin, append([]string{"snapshot", "-o", out}, tt.args...)...), tt.want)
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("snapshot of nothing was written (%v)", err)
			}
		})
	}
	// The unknown kinds were named, each on its warning line, before the error.
	r := execute(t, "", "audit", "-f", unknown)
	for _, want := range []string{"ServiceMonitor", "PrometheusRule"} {
		if !strings.Contains(r.stderr, "warning: ") || !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not warn of %s: %q", want, r.stderr)
		}
	}
}

// One object seaworthy reads is enough: the run is not empty.
func TestOneKnownObjectAmongUnknownIsAudited(t *testing.T) {
	r := execute(t, "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: api, namespace: shop}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n",
		"audit", "-f", "-", "--now", demoNow, "-o", "json", "--fail-on", "never")
	if r.code != 0 {
		t.Fatalf("exit %d; stderr %q", r.code, r.stderr)
	}
	decodeReport(t, r.stdout)
}

// A live read by an identity that may list only Namespaces (an RBAC
// regression on the CronJob's ServiceAccount), saved and replayed: every
// selected check skips, and the gate fails whatever --fail-on says, saying
// why. (The whole catalog is not selected: CP-004 reports the platform as
// "unknown" at info even when every input was forbidden, so there
// --fail-on-gaps is what fails the run; see below.)
func TestAuditNothingEvaluatedFailsTheGate(t *testing.T) {
	s := liveSnapshot(forbiddenEverywhere(cluster.KindNamespaces)...)
	s.Namespaces = []corev1.Namespace{{ObjectMeta: metav1.ObjectMeta{Name: "shop"}}}
	file := writeSnapshotFile(t, t.TempDir(), "rbac-regression.snapshot.json", s)
	for _, failOn := range []string{"fail", "never"} {
		t.Run(failOn, func(t *testing.T) {
			r := execute(t, "", "audit", "-f", file, "-o", "json", "--fail-on", failOn, "--check", "QUOTA,DNS,ETCD,RBAC,SEC,CERT")
			if r.code != report.ExitGate {
				t.Fatalf("exit %d, want 1; stderr %q\n%s", r.code, r.stderr, r.stdout)
			}
			rep := decodeReport(t, r.stdout) // the report is still written
			summary := rep["summary"].(map[string]any)
			total, skip := int(summary["total"].(float64)), int(summary["skip"].(float64))
			if total == 0 || skip != total {
				t.Fatalf("summary %v: want every result skip", summary)
			}
			want := "error: nothing was evaluated: every selected check skipped (" + strconv.Itoa(total) + " skip results; see the report for why)\n"
			if r.stderr != want {
				t.Errorf("stderr %q, want %q", r.stderr, want)
			}
		})
	}
	// The whole catalog on the same read, as the CronJob runs it: gaps fail it.
	r := execute(t, "", "audit", "-f", file, "-o", "json", "--fail-on", "never", "--fail-on-gaps")
	if want := "error: --fail-on-gaps: the report has " + strconv.Itoa(len(s.Gaps)) + " gaps (inputs the audit could not read)\n"; r.code != report.ExitGate || r.stderr != want {
		t.Errorf("whole catalog with --fail-on-gaps: exit %d stderr %q, want 1 %q", r.code, r.stderr, want)
	}
	// --check narrows what "every selected check" means: manifests without
	// Node objects leave the etcd checks nothing to read.
	r = execute(t, "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n", "audit", "-f", "-", "--now", demoNow, "--check", "ETCD", "--fail-on", "never")
	if r.code != report.ExitGate || !strings.HasPrefix(r.stderr, "error: nothing was evaluated: every selected check skipped") {
		t.Errorf("--check ETCD on manifests without nodes: exit %d stderr %q", r.code, r.stderr)
	}
	if r.stdout == "" {
		t.Error("no report on stdout")
	}
}

// --fail-on-gaps fails the run on any gap even when no finding does; off,
// the same report passes.
func TestAuditFailOnGaps(t *testing.T) {
	s := liveSnapshot(cluster.Gap{Kind: cluster.KindLimitRanges, Reason: cluster.GapForbidden, Message: "the current identity may not list limitranges cluster-wide"})
	s.Namespaces = []corev1.Namespace{{ObjectMeta: metav1.ObjectMeta{Name: "kube-system"}}, {ObjectMeta: metav1.ObjectMeta{Name: "shop"}}}
	file := writeSnapshotFile(t, t.TempDir(), "limitranges-forbidden.snapshot.json", s)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"off by default", nil, 0, ""},
		{"off explicitly", []string{"--fail-on-gaps=false"}, 0, ""},
		{"on", []string{"--fail-on-gaps"}, 1, "error: --fail-on-gaps: the report has 1 gap (inputs the audit could not read)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := execute(t, "", append([]string{"audit", "-f", file, "-o", "json", "--fail-on", "never"}, tt.args...)...)
			if r.code != tt.code || r.stderr != tt.stderr {
				t.Errorf("exit %d stderr %q, want %d %q", r.code, r.stderr, tt.code, tt.stderr)
			}
			rep := decodeReport(t, r.stdout)
			if gaps := rep["gaps"].([]any); len(gaps) != 1 {
				t.Errorf("report gaps %v", gaps)
			}
		})
	}
}

// --fail-on-gaps defaults to on for --in-cluster runs (the CronJob) and
// off otherwise; an explicit value wins. Resolved without a cluster.
func TestAuditFailOnGapsDefault(t *testing.T) {
	tests := []struct {
		args []string
		want report.Gate
	}{
		{nil, report.Gate{FailOn: report.FailOnFail}},
		{[]string{"-f", "x.yaml"}, report.Gate{FailOn: report.FailOnFail}},
		{[]string{"--in-cluster"}, report.Gate{FailOn: report.FailOnFail, FailOnGaps: true}},
		{[]string{"--in-cluster", "--fail-on", "never"}, report.Gate{FailOn: report.FailOnNever, FailOnGaps: true}},
		{[]string{"--in-cluster", "--fail-on-gaps=false"}, report.Gate{FailOn: report.FailOnFail}},
		{[]string{"--fail-on-gaps"}, report.Gate{FailOn: report.FailOnFail, FailOnGaps: true}},
		{[]string{"--context", "prod", "--fail-on", "warn"}, report.Gate{FailOn: report.FailOnWarn}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			cmd, o := auditCommand(genericiooptions.IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}})
			if err := cmd.ParseFlags(tt.args); err != nil {
				t.Fatal(err)
			}
			if err := o.complete(cmd, nil); err != nil {
				t.Fatal(err)
			}
			if o.gate != tt.want {
				t.Errorf("gate %+v, want %+v", o.gate, tt.want)
			}
		})
	}
}

// A snapshot carries its own collectedAt; --now with one is an error, not
// silently ignored.
func TestNowWithSnapshotFile(t *testing.T) {
	dir := t.TempDir()
	s := liveSnapshot()
	s.Namespaces = []corev1.Namespace{{ObjectMeta: metav1.ObjectMeta{Name: "shop"}}}
	file := writeSnapshotFile(t, dir, "cluster.snapshot.json", s)
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	const want = "error: --now applies to manifests; a snapshot carries its own collectedAt"
	for name, tt := range map[string]struct {
		stdin string
		args  []string
	}{
		"audit":        {"", []string{"audit", "-f", file}},
		"audit stdin":  {string(data), []string{"audit", "-f", "-"}},
		"snapshot":     {"", []string{"snapshot", "-o", filepath.Join(dir, "again.json"), "-f", file}},
		"rbac who-can": {"", []string{"rbac", "who-can", "get", "pods", "-f", file}},
		"rbac subject": {"", []string{"rbac", "subject", "User", "alice", "-f", file}},
	} {
		t.Run(name, func(t *testing.T) {
			assertRunError(t, execute(t, tt.stdin, append(tt.args, "--now", demoNow)...), want)
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "again.json")); !os.IsNotExist(err) {
		t.Errorf("snapshot written despite the error (%v)", err)
	}
	// For a snapshot, -n only scopes audit's results (its objects keep
	// their namespaces); snapshot -n, which would only rename, is refused.
	for name, stdin := range map[string]string{"file": "", "stdin": string(data)} {
		t.Run("-n "+name, func(t *testing.T) {
			input := file
			if stdin != "" {
				input = "-"
			}
			if r := execute(t, stdin, "audit", "-f", input, "-n", "shop", "-o", "json", "--fail-on", "never"); r.code != 0 {
				t.Errorf("audit -n on a snapshot: exit %d: %s", r.code, r.stderr)
			}
			assertRunError(t, execute(t, stdin, "snapshot", "-f", input, "-n", "argocd", "-o", filepath.Join(dir, "renamed.json")),
				"error: -n/--namespace applies to manifests; a snapshot keeps the namespaces its objects were read with")
		})
	}
	// Without --now the snapshot's own time is the report's.
	r := execute(t, "", "audit", "-f", file, "-o", "json", "--fail-on", "never")
	if r.code != 0 || decodeReport(t, r.stdout)["collectedAt"] != "2026-03-01T12:00:00Z" {
		t.Errorf("exit %d stderr %q", r.code, r.stderr)
	}
}

// Snapshot schema versions that never existed are refused by name.
func TestSnapshotSchemaVersionNeverWritten(t *testing.T) {
	dir := t.TempDir()
	for _, v := range []string{"v0", "v-5", "vx", "v01"} {
		t.Run(v, func(t *testing.T) {
			content := `{"schemaVersion":"seaworthy.snapshot/` + v + `","collectedAt":"2026-01-01T00:00:00Z","source":"live","namespaces":[{"metadata":{"name":"shop"}}]}`
			file := filepath.Join(dir, v+".json")
			if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			msg := `snapshot schemaVersion "seaworthy.snapshot/` + v + `" names no schema seaworthy has written (seaworthy.snapshot/v1 to ` + cluster.SchemaVersion + `)`
			r := execute(t, "", "audit", "-f", file)
			assertRunError(t, r, "error: "+file+": "+msg)
			r = execute(t, content, "audit", "-f", "-")
			assertRunError(t, r, "error: -: "+msg)
		})
	}
}
