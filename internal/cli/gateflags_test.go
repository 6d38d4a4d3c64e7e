package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, name, data string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// An exemption takes its result out of the gate and into the JSON's
// exempted list; an expired one is reported and no longer applies; a bad
// file is one line naming file:line, exit 2, nothing on stdout.
func TestAuditExemptions(t *testing.T) {
	ex := writeFile(t, "exemptions.yaml", `- check: QUOTA-001
  namespace: search
  reason: batch namespace
  owner: team-search
  expires: 2026-06-30
- check: RBAC-001
  name: ci-deployer-*
  reason: being replaced
  owner: platform
  expires: 2026-01-31
`)
	r := execute(t, "", "audit", "-f", demoDir, "--now", demoNow, "--exemptions", ex, "-o", "json", "--fail-on", "never")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rep struct {
		Results []struct {
			Check  string
			Status string
			Object struct{ Kind, Namespace, Name string }
		}
		Exempted []struct {
			Check     string
			Object    struct{ Name string }
			Exemption struct{ Owner, Source string }
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Exempted) != 1 || rep.Exempted[0].Check != "QUOTA-001" || rep.Exempted[0].Object.Name != "search" ||
		rep.Exempted[0].Exemption.Owner != "team-search" || !strings.HasSuffix(rep.Exempted[0].Exemption.Source, "exemptions.yaml:1") {
		t.Errorf("exempted = %+v, want QUOTA-001 on Namespace search by team-search's entry at line 1", rep.Exempted)
	}
	var expired, stillQuota, stillRBAC bool
	for _, res := range rep.Results {
		expired = expired || (res.Check == "EXEMPT-EXPIRED" && res.Status == "warn")
		stillQuota = stillQuota || (res.Check == "QUOTA-001" && res.Object.Name == "search")
		stillRBAC = stillRBAC || (res.Check == "RBAC-001" && res.Status == "fail")
	}
	if !expired || stillQuota || !stillRBAC {
		t.Errorf("expired reported %v (want true), exempted result still in results %v (want false), RBAC-001 still failing %v (want true)", expired, stillQuota, stillRBAC)
	}

	bad := writeFile(t, "bad.yaml", "- check: QUOTA-001\n  owner: me\n  expires: 2026-13-01\n")
	r = execute(t, "", "audit", "-f", demoDir, "--now", demoNow, "--exemptions", bad)
	if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, "bad.yaml:") || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Errorf("bad exemptions: exit %d, stdout %q, stderr %q; want exit 2, one line naming bad.yaml:LINE", r.code, r.stdout, r.stderr)
	}
}

// With a baseline of the same audit nothing is new, so the gate passes
// where it fails without one; diff of the two reports lists what changed.
func TestAuditBaselineAndDiff(t *testing.T) {
	base := execute(t, "", "audit", "-f", demoDir, "--now", demoNow, "-o", "json", "--fail-on", "never")
	if base.code != 0 {
		t.Fatalf("exit %d: %s", base.code, base.stderr)
	}
	basePath := writeFile(t, "base.json", base.stdout)
	if r := execute(t, "", "audit", "-f", demoDir, "--now", demoNow); r.code != 1 {
		t.Fatalf("without a baseline the demo must fail the gate, exit %d", r.code)
	}
	r := execute(t, "", "audit", "-f", demoDir, "--now", demoNow, "--baseline", basePath)
	if r.code != 0 || !strings.Contains(r.stdout, "Baseline "+basePath+": 0 new, 0 changed, 120 unchanged") {
		t.Errorf("with its own baseline: exit %d (want 0), stdout tail:\n%s", r.code, r.stdout[max(0, len(r.stdout)-400):])
	}
	// One fewer finding: the search namespace exempted.
	ex := writeFile(t, "ex.yaml", "- {check: QUOTA-001, namespace: search, reason: batch, owner: team, expires: 2026-06-30}\n")
	after := execute(t, "", "audit", "-f", demoDir, "--now", demoNow, "--exemptions", ex, "-o", "json", "--fail-on", "never")
	afterPath := writeFile(t, "after.json", after.stdout)
	d := execute(t, "", "diff", basePath, afterPath)
	want := ` CHANGE       CHECK      OBJECT            STATUS  MESSAGE
 disappeared  QUOTA-001  Namespace/search  warn    Namespace search has no ResourceQuota, so its workloads can consume the whole cluster; add one with hard limits.
0 appeared, 1 disappeared, 0 changed, 119 unchanged
`
	if d.code != 0 || d.stdout != want {
		t.Errorf("diff: exit %d\n%s\nwant:\n%s", d.code, d.stdout, want)
	}
	if r := execute(t, "", "diff", basePath, writeFile(t, "x.json", "{}")); r.code != 2 || r.stdout != "" {
		t.Errorf("diff of a non-report: exit %d stdout %q", r.code, r.stdout)
	}
}
