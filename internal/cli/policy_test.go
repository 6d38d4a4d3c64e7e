package cli

import (
	"os"
	"strings"
	"testing"
)

// The built-in production bundle gates beside the checks; a bad policy
// stops the run before anything is read, naming file:line.
func TestAuditPolicy(t *testing.T) {
	r := execute(t, "", "audit", "-f", demoDir, "--now", demoNow, "--policy", "builtin:production", "--check", "QUOTA-005", "-o", "json")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (PROD-002 denies the search-indexer): %s", r.code, r.stderr)
	}
	rep := decodeReport(t, r.stdout)
	var prod2 bool
	for _, x := range rep["results"].([]any) {
		res := x.(map[string]any)
		obj := res["object"].(map[string]any)
		if res["check"] == "PROD-002" && res["status"] == "fail" && obj["name"] == "search-indexer" {
			prod2 = true
			ev := res["evidence"].(map[string]any)
			if !strings.HasSuffix(ev["file"].(string), "production/gate.rego") || ev["rule"] != "deny" {
				t.Errorf("evidence %v: want the bundle's file and the deny rule", ev)
			}
		}
	}
	if !prod2 {
		t.Errorf("no PROD-002 fail on Deployment/search/search-indexer in %s", r.stdout)
	}

	bad := writeFile(t, "v0.rego", "package main\ndeny[msg] { msg := \"x\" }\n")
	r = execute(t, "", "audit", "-f", demoDir, "--policy", bad)
	if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, "v0.rego:2:") {
		t.Errorf("v0 policy: exit %d stdout %q stderr %q; want exit 2, nothing on stdout, v0.rego:2", r.code, r.stdout, r.stderr)
	}
	shape := writeFile(t, "shape.rego", "package main\n\ndeny contains {\"message\": \"no msg\"} if true\n")
	r = execute(t, "", "audit", "-f", demoDir, "--now", demoNow, "--policy", shape)
	if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, "shape.rego:3") {
		t.Errorf("result without msg: exit %d stdout %q stderr %q; want exit 2 naming shape.rego:3", r.code, r.stdout, r.stderr)
	}
}

// policy test reports like go test, and fails with exit 1 on a failing
// Rego test.
func TestPolicyTest(t *testing.T) {
	r := execute(t, "", "policy", "test", "builtin:production")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "ok\t") {
		t.Errorf("builtin tests: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	failing := writeFile(t, "x_test.rego", "package main_test\n\ntest_wrong if {\n\t1 == 2\n}\n")
	r = execute(t, "", "policy", "test", failing)
	if r.code != 1 || !strings.Contains(r.stdout, "--- FAIL: data.main_test.test_wrong") || !strings.Contains(r.stdout, "FAIL\t1 of 1 tests failed") {
		t.Errorf("failing test: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

// policy input prints the document policies see.
func TestPolicyInput(t *testing.T) {
	r := execute(t, "", "policy", "input", "-f", demoDir, "--now", demoNow)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	doc := decodeReport(t, r.stdout)
	for _, k := range []string{"snapshot", "results", "index"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("input has no %q: keys %v", k, keysOf(doc))
		}
	}
}

func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// policy fmt lists, then rewrites, a file not formatted; policy check
// compiles without a cluster and names file:line when it cannot.
func TestPolicyFmtAndCheck(t *testing.T) {
	f := writeFile(t, "p.rego", "package main\ndeny contains msg if {   msg := \"x\" }\n")
	r := execute(t, "", "policy", "fmt", f)
	if r.code != 1 || r.stdout != f+"\n" {
		t.Errorf("fmt: exit %d stdout %q, want 1 and the file listed", r.code, r.stdout)
	}
	if r := execute(t, "", "policy", "fmt", "-w", f); r.code != 0 || r.stdout != "formatted "+f+"\n" {
		t.Errorf("fmt -w: exit %d stdout %q", r.code, r.stdout)
	}
	if data, _ := os.ReadFile(f); string(data) != "package main\n\ndeny contains msg if msg := \"x\"\n" {
		t.Errorf("rewritten file:\n%s", data)
	}
	if r := execute(t, "", "policy", "fmt", f); r.code != 0 || r.stdout != "" {
		t.Errorf("fmt after -w: exit %d stdout %q", r.code, r.stdout)
	}
	if r := execute(t, "", "policy", "check", "builtin:production"); r.code != 0 || r.stdout != "ok\t3 rules\n" {
		t.Errorf("check: exit %d stdout %q", r.code, r.stdout)
	}
	bad := writeFile(t, "bad.rego", "package main\n\ndeny := 1\n")
	if r := execute(t, "", "policy", "check", bad); r.code != 2 || !strings.Contains(r.stderr, "bad.rego:3") {
		t.Errorf("check of a complete deny: exit %d stderr %q", r.code, r.stderr)
	}
}
