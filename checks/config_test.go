package checks

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
	"github.com/seaworthy-k8s/seaworthy/internal/gendoc"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// TestConfigSettingsComplete: every option of every area has a rule and a
// comment, and no setting names an option that does not exist.
func TestConfigSettingsComplete(t *testing.T) {
	leaves := leafValues(DefaultOptions())
	for key := range leaves {
		if settings[key].doc == "" {
			t.Errorf("option %s has no entry in settings (config.go)", key)
		}
	}
	for key := range settings {
		if _, ok := leaves[key]; !ok {
			t.Errorf("settings names %s, which is no option", key)
		}
	}
}

// TestDefaultConfigRoundTrip: the printed default file reads back as
// DefaultOptions, and passes its own validation.
func TestDefaultConfigRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteConfig(&buf, DefaultOptions()); err != nil {
		t.Fatal(err)
	}
	got, err := ParseConfig("default.yaml", buf.Bytes())
	if err != nil {
		t.Fatalf("default config does not load: %v\n%s", err, buf.String())
	}
	if !reflect.DeepEqual(got, DefaultOptions()) {
		t.Errorf("round trip changed the options:\n got %+v\nwant %+v", got, DefaultOptions())
	}
	if !strings.Contains(buf.String(), "backupMaxAge: 26h\n") {
		t.Errorf("durations not written as Go durations:\n%s", buf.String())
	}
}

func TestConfigOverlay(t *testing.T) {
	got, err := ParseConfig("c.yaml", []byte("quota:\n  warnRatio: 0.95\netcd:\n  backupMaxAge: 48h\nrbac:\n  exemptBindings: [RoleBinding/kube-system/x]\ndns:\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultOptions()
	want.Quota.WarnRatio = 0.95
	want.Etcd.BackupMaxAge = 48 * 3600e9
	want.RBAC.ExemptBindings = []string{"RoleBinding/kube-system/x"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if got, err := ParseConfig("empty.yaml", nil); err != nil || !reflect.DeepEqual(got, DefaultOptions()) {
		t.Errorf("empty file: %v, %+v", err, got)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name, file, want string
	}{
		{"unknown top-level key", "quota:\n  warnRatio: 0.9\nqouta:\n  warnRatio: 0.9\n", `c.yaml:3:1: unknown key "qouta" in the top level (known: quota, dns, controlPlane, etcd, apiAccess, rbac, res, node, workload, adm, addon, net, obs, scale)`},
		{"unknown nested key", "quota:\n  warnRatio: 0.9\n\n  warnRatoi: 0.9\n", `c.yaml:4:3: unknown key "warnRatoi" in quota (known: `},
		{"bare number duration", "controlPlane:\n  leaderLeaseMaxAge: 60\n", `c.yaml:2:22: controlPlane.leaderLeaseMaxAge: 60 is a bare number; write a duration with its unit`},
		{"quoted number duration", "etcd:\n  backupMaxAge: \"26\"\n", `c.yaml:2:17: etcd.backupMaxAge: "26" is not a duration`},
		{"negative duration", "etcd:\n  backupMaxAge: -1h\n", `c.yaml:2:17: etcd.backupMaxAge: -1h: want a duration above zero`},
		{"ratio above 1", "quota:\n  failRatio: 1.5\n", `c.yaml:2:14: quota.failRatio: 1.5 is not a ratio in 0..1`},
		{"ratio not a number", "quota:\n  warnRatio: high\n", `c.yaml:2:14: quota.warnRatio: want a number, got "high"`},
		{"warn above fail", "quota:\n  failRatio: 0.9\n  warnRatio: 0.95\n", `c.yaml:3:14: quota.warnRatio (0.95) must not exceed quota.failRatio (0.9)`},
		{"warn above default fail", "apiAccess:\n  certFailWithin: 800h\n", `c.yaml:2:19: apiAccess.certFailWithin (800h) must not exceed apiAccess.certWarnWithin (720h)`},
		{"count zero", "dns:\n  minReplicas: 0\n", `c.yaml:2:16: dns.minReplicas: 0: want a count of at least 1`},
		{"count not whole", "etcd:\n  minZones: 2.5\n", `c.yaml:2:13: etcd.minZones: want a whole number, got "2.5"`},
		{"list expected", "quota:\n  systemNamespaces: kube-system\n", `c.yaml:2:21: quota.systemNamespaces: want a list`},
		{"area not a mapping", "dns: 3\n", `c.yaml:1:6: dns: want a mapping`},
		{"top level a list", "- quota\n", `c.yaml:1:1: the top level: want a mapping`},
		{"duplicate key", "dns:\n  minReplicas: 2\n  minReplicas: 3\n", `c.yaml:3:3: dns: key "minReplicas" given twice`},
		{"two documents", "dns: {}\n---\ndns: {}\n", `c.yaml:2: a config file holds one YAML document`},
		{"bad YAML", "dns:\n  minReplicas: [\n", `c.yaml:`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig("c.yaml", []byte(tc.file))
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			if !strings.HasPrefix(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q, want one line starting %q", err, tc.want)
			}
		})
	}
}

func TestLoadConfigMissingFile(t *testing.T) {
	if _, err := LoadConfig(filepath.Join(t.TempDir(), "none.yaml")); err == nil || !strings.HasPrefix(err.Error(), "read config: ") {
		t.Errorf("got %v", err)
	}
}

// TestConfigChangesOutcome: one threshold per area, set in a config file,
// changes the result a fixture's object gets.
func TestConfigChangesOutcome(t *testing.T) {
	for _, tc := range []struct {
		id, fixture, object string
		before, after       result.Status
		config              string
	}{
		// team-a/compute is at 0.8789 of requests.memory: warn at 0.8, pass at 0.95.
		{"QUOTA-003", "fail.yaml", "ResourceQuota/team-a/compute", result.StatusWarn, result.StatusPass, "quota: {warnRatio: 0.95}"},
		// 500 nodes is large at 500, not at 1000.
		{"DNS-006", "fail-large-cluster.yaml", "Deployment/kube-system/coredns", result.StatusWarn, result.StatusInfo, "dns: {largeClusterNodes: 1000}"},
		// the last backup is 30 h old: warn past 26 h, pass within 48 h.
		{"ETCD-003", "fail-day-old.yaml", "CronJob/kube-system/etcd-backup", result.StatusWarn, result.StatusPass, "etcd: {backupMaxAge: 48h}"},
		// three API servers span two zones: warn when 3 are required, pass at 2.
		{"CP-001", "fail-two-in-one-zone.yaml", "(cluster)", result.StatusWarn, result.StatusPass, "controlPlane: {minZones: 2}"},
		// 20 days to expiry: warn within 30 days, pass within 14.
		{"CERT-001", "fail-twenty-days.yaml", "", result.StatusWarn, result.StatusPass, "apiAccess: {certWarnWithin: 336h}"},
		// edit bound in kube-system, accepted knowingly: no longer a finding.
		{"RBAC-003", "fail-edit-in-kube-system.yaml", "RoleBinding/kube-system/oncall-edit", result.StatusFail, "", "rbac: {exemptBindings: [RoleBinding/kube-system/oncall-edit]}"},
	} {
		t.Run(tc.id, func(t *testing.T) {
			path := filepath.Join("testdata", tc.id, tc.fixture)
			opts, err := ParseConfig("c.yaml", []byte(tc.config))
			if err != nil {
				t.Fatal(err)
			}
			if got := statusOf(t, DefaultOptions(), tc.id, path, tc.object); got != tc.before {
				t.Fatalf("defaults: %s %s is %s, want %s", tc.id, tc.object, got, tc.before)
			}
			if got := statusOf(t, opts, tc.id, path, tc.object); got != tc.after {
				t.Errorf("with %q: %s %s is %s, want %s", tc.config, tc.id, tc.object, got, tc.after)
			}
		})
	}
}

// statusOf runs check id with opts on the fixture and returns the worst
// status among the results for object ("" for any object), or "" when no
// result names it.
func statusOf(t *testing.T, opts Options, id, path, object string) result.Status {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	snap := checktest.LoadFixture(t, path, checktest.FixtureNow(t, path))
	for _, c := range All(opts) {
		if c.ID != id {
			continue
		}
		var worst result.Status
		found := false
		for _, r := range Run(snap, []check.Check{c}) {
			if object == "" || r.Object.String() == object {
				if !found || r.Status.Severity() > worst.Severity() {
					worst = r.Status
				}
				found = true
			}
		}
		if !found {
			return "" // no result names the object
		}
		return worst
	}
	t.Fatalf("no check %s", id)
	return ""
}

func TestConfigDocUpToDate(t *testing.T) {
	gendoc.Check(t, filepath.Join("..", "docs", "config.md"), *update, WriteConfigDoc)
}
