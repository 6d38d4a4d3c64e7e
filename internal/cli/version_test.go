package cli

import (
	"encoding/json"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionJSONKeys(t *testing.T) {
	r := execute(t, "", "version", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatalf("version -o json: %v\n%s", err, r.stdout)
	}
	for _, key := range []string{"version", "commit", "goVersion", "snapshotSchema", "reportSchema"} {
		if _, ok := v[key]; !ok {
			t.Errorf("version -o json lacks %q: %s", key, r.stdout)
		}
	}
	if v["snapshotSchema"] != "seaworthy.snapshot/v1" || v["reportSchema"] != "seaworthy.report/v1" {
		t.Errorf("schemas: %v %v", v["snapshotSchema"], v["reportSchema"])
	}
	if r := execute(t, "", "version"); r.code != 0 || !strings.HasPrefix(r.stdout, "seaworthy ") ||
		!strings.Contains(r.stdout, "report schema: seaworthy.report/v1\n") {
		t.Errorf("version: exit %d\n%s", r.code, r.stdout)
	}
}

// A binary built with 'go install …@v1.2.3' carries its module version
// and VCS settings in its build info; -ldflags wins over both.
func TestVersionFromBuildInfo(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: "github.com/seaworthy-k8s/seaworthy", Version: "v1.2.3"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.time", Value: "2026-11-30T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	v := versionFrom("dev", bi)
	if v.Version != "v1.2.3" || v.Commit != "abc123-dirty" || v.CommitTime != "2026-11-30T10:00:00Z" || v.GoVersion != "go1.26.0" {
		t.Errorf("from build info: %+v", v)
	}
	if v := versionFrom("v9.9.9", bi); v.Version != "v9.9.9" {
		t.Errorf("-ldflags version %q, want v9.9.9", v.Version)
	}
	bi.Main.Version = "(devel)"
	bi.Settings = nil
	if v := versionFrom("dev", bi); v.Version != "dev" || v.Commit != "" {
		t.Errorf("a (devel) build: %+v, want dev and no commit", v)
	}
	if v := versionFrom("dev", nil); v.Version != "dev" {
		t.Errorf("no build info: %+v", v)
	}
}

func TestJSONCarriesSchemaAndGenerator(t *testing.T) {
	r := execute(t, "", "audit", "-f", demoDir, "--now", demoNow, "-o", "json")
	rep := decodeReport(t, r.stdout)
	if rep["generator"] != "seaworthy "+currentVersion().Version {
		t.Errorf("report generator %v, want %q", rep["generator"], "seaworthy "+currentVersion().Version)
	}
	for name, args := range map[string][]string{
		"who-can": {"rbac", "who-can", "create", "pods/exec", "-f", rbacFixture, "-o", "json"},
		"subject": {"rbac", "subject", "Group", "oncall", "-f", rbacFixture, "-o", "json"},
	} {
		r := execute(t, "", args...)
		var top map[string]json.RawMessage
		if err := json.Unmarshal([]byte(r.stdout), &top); err != nil {
			t.Errorf("%s: %v\n%s", name, err, r.stdout)
			continue
		}
		if string(top["schemaVersion"]) != `"seaworthy.rbac/v1"` || !strings.HasPrefix(r.stdout, "{\n  \"schemaVersion\"") {
			t.Errorf("%s: schemaVersion %s, want it first and seaworthy.rbac/v1:\n%s", name, top["schemaVersion"], r.stdout)
		}
	}
}
