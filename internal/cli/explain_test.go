package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/seaworthy-k8s/seaworthy/checks"
)

func TestExplainOneCheck(t *testing.T) {
	c, ok := checks.ByID("DNS-004")
	if !ok {
		t.Fatal("no DNS-004")
	}
	want := "### DNS-004\n\n" +
		"**Cluster DNS has a PodDisruptionBudget that allows drains**\n\n" +
		"- **Rule:** " + c.Rule + "\n" +
		"- **Why it matters:** " + c.Rationale + "\n" +
		"- **Remediation:** " + c.Remediation + "\n" +
		"- **Reads:** `deployments.apps`, `poddisruptionbudgets.policy` (skips when any of them could not be read)\n" +
		"- **Code:** [`checks/dns`](https://github.com/seaworthy-k8s/seaworthy/tree/main/checks/dns) · " +
		"**Fixtures:** [`checks/testdata/DNS-004`](https://github.com/seaworthy-k8s/seaworthy/tree/main/checks/testdata/DNS-004)\n" +
		"- **Docs:** https://github.com/seaworthy-k8s/seaworthy/blob/main/docs/checks.md#dns-004\n"
	for _, id := range []string{"DNS-004", "dns-004", " Dns-004"} {
		r := execute(t, "", "explain", id)
		if r.code != 0 || r.stdout != want {
			t.Errorf("explain %q: exit %d\n%s\nwant:\n%s\nstderr: %s", id, r.code, r.stdout, want, r.stderr)
		}
	}

	// The section's example block is fenced, as in docs/checks.md.
	if r := execute(t, "", "explain", "QUOTA-004"); !strings.Contains(r.stdout, ":\n\n  ```yaml\n  apiVersion: v1\n  kind: LimitRange\n") {
		t.Errorf("explain QUOTA-004: the example is not a fenced yaml block:\n%s", r.stdout)
	}

	r := execute(t, "", "explain", "dns-004", "-o", "json")
	var got map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != 0 {
		t.Fatalf("explain -o json: exit %d, %v\n%s", r.code, err, r.stdout)
	}
	if got["id"] != "DNS-004" || got["rule"] != c.Rule || got["remediation"] != c.Remediation || got["code"] != "checks/dns" ||
		got["fixtures"] != "checks/testdata/DNS-004" || got["doc"] != checks.DocLink("DNS-004") || len(got["needs"].([]any)) != 2 {
		t.Errorf("explain -o json: %s", r.stdout)
	}
	if r := execute(t, "", "explain", "dns-004", "-o", "yaml"); r.code != 0 || !strings.HasPrefix(r.stdout, "id: DNS-004\n") {
		t.Errorf("explain -o yaml: exit %d\n%s", r.code, r.stdout)
	}
	if r := execute(t, "", "explain", "dns-004", "-o", "table"); r.code != 2 || !strings.Contains(r.stderr, "want one of: json, yaml, markdown") {
		t.Errorf("explain -o table: exit %d, stderr %s", r.code, r.stderr)
	}
}

func TestExplainUnknownIDSuggests(t *testing.T) {
	for _, tt := range []struct{ id, want string }{
		{"DNS-04", `error: no check "DNS-04"; did you mean DNS-004? (see 'seaworthy checks')` + "\n"},
		{"qouta-001", `error: no check "QOUTA-001"; did you mean QUOTA-001? (see 'seaworthy checks')` + "\n"},
		{"etcd", `error: no check "ETCD"; did you mean ETCD-001, ETCD-002, ETCD-003? (see 'seaworthy checks')` + "\n"},
		{"NOPE-999999", `error: no check "NOPE-999999" (see 'seaworthy checks')` + "\n"},
	} {
		r := execute(t, "", "explain", tt.id)
		if r.code != 2 || r.stdout != "" || r.stderr != tt.want {
			t.Errorf("explain %s: exit %d, stdout %q, stderr %q, want %q", tt.id, r.code, r.stdout, r.stderr, tt.want)
		}
	}
	if r := execute(t, "", "explain"); r.code != 2 {
		t.Errorf("explain without ID: exit %d, want 2", r.code)
	}
}
