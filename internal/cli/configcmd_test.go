package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/seaworthy-k8s/seaworthy/checks"
)

// The printed default file is the defaults, and audit reads it back.
func TestConfigDefaultCommand(t *testing.T) {
	r := execute(t, "", "config", "default")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	got, err := checks.ParseConfig("stdout", []byte(r.stdout))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, checks.DefaultOptions()) {
		t.Errorf("config default is not the defaults:\n%s", r.stdout)
	}
	path := filepath.Join(t.TempDir(), "seaworthy.yaml")
	os.WriteFile(path, []byte(r.stdout), 0o644)
	if r := execute(t, "", "audit", "-f", "../../fixtures/clusters/demo", "--config", path, "--fail-on", "never", "-o", "json"); r.code != 0 {
		t.Errorf("audit with the default config: exit %d, stderr %q", r.code, r.stderr)
	}
}

// A bad config file is a run failure: exit 2, one line naming file:line,
// nothing on stdout.
func TestAuditBadConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(path, []byte("quota:\n  warnRatoi: 0.9\n"), 0o644)
	for name, args := range map[string][]string{
		"unknown key": {"--config", path},
		"missing":     {"--config", path + ".none"},
		"bad flag":    {"--large-cluster-nodes", "0"},
	} {
		t.Run(name, func(t *testing.T) {
			r := execute(t, "", append([]string{"audit", "-f", "../../fixtures/clusters/demo"}, args...)...)
			if r.code != 2 || r.stdout != "" || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
				t.Fatalf("exit %d, stdout %q, stderr %q: want exit 2, one line on stderr", r.code, r.stdout, r.stderr)
			}
			if name == "unknown key" && !strings.Contains(r.stderr, path+`:2:3: unknown key "warnRatoi" in quota`) {
				t.Errorf("stderr %q does not name file:line:column and the key", r.stderr)
			}
		})
	}
}

// The flags override the file; the file overrides the defaults.
func TestThresholdFlagsOverrideConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(path, []byte("quota:\n  excludeNamespaces: [sandbox]\n  systemNamespaces: [kube-system]\n  warnRatio: 0.9\ndns:\n  largeClusterNodes: 100\n"), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		want func(*checks.Options)
	}{
		{"defaults", nil, func(*checks.Options) {}},
		{"file", []string{"--config", path}, func(o *checks.Options) {
			o.Quota.ExcludeNamespaces = []string{"sandbox"}
			o.Quota.SystemNamespaces = []string{"kube-system"}
			o.Quota.WarnRatio = 0.9
			o.DNS.LargeClusterNodes = 100
		}},
		{"flags over file", []string{"--config", path, "--exclude-namespaces", "ci,tmp", "--system-namespaces", "kube-system,infra", "--large-cluster-nodes", "2000"}, func(o *checks.Options) {
			o.Quota.ExcludeNamespaces = []string{"ci", "tmp"}
			o.Quota.SystemNamespaces = []string{"kube-system", "infra"}
			o.RBAC.SystemNamespaces = []string{"kube-system", "infra"}
			o.Workload.SystemNamespaces = []string{"kube-system", "infra"}
			o.Quota.WarnRatio = 0.9
			o.DNS.LargeClusterNodes = 2000
			o.Etcd.LargeClusterNodes = 2000
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd, o := auditCommand(genericiooptions.IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}})
			if err := cmd.ParseFlags(tc.args); err != nil {
				t.Fatal(err)
			}
			got, err := o.thresholds.options(cmd.Flags())
			if err != nil {
				t.Fatal(err)
			}
			want := checks.DefaultOptions()
			tc.want(&want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

// --config reaches the checks: QUOTA-003's warn ratio at 0.95 turns the
// fixture's 0.88 quota from warn into pass.
func TestAuditConfigChangesResult(t *testing.T) {
	fixture := "../../checks/testdata/QUOTA-003/fail.yaml"
	path := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(path, []byte("quota: {warnRatio: 0.95}\n"), 0o644)
	status := func(args ...string) string {
		t.Helper()
		r := execute(t, "", append([]string{"audit", "-f", fixture, "--check", "QUOTA-003", "--fail-on", "never", "-o", "json", "--now", "2026-03-01T12:00:00Z"}, args...)...)
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		for _, res := range decodeReport(t, r.stdout)["results"].([]any) {
			m := res.(map[string]any)
			obj := m["object"].(map[string]any)
			if obj["namespace"] == "team-a" && obj["name"] == "compute" {
				return m["status"].(string)
			}
		}
		t.Fatalf("no result for team-a/compute:\n%s", r.stdout)
		return ""
	}
	if got := status(); got != "warn" {
		t.Fatalf("without config: %s, want warn", got)
	}
	if got := status("--config", path); got != "pass" {
		t.Errorf("with warnRatio 0.95: %s, want pass", got)
	}
}
