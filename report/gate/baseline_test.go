package gate

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/report"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// oldReport and newReport are two audits of the same cluster a week
// apart, as -o json writes them (trimmed to the fields a baseline reads).
const oldReport = `{
  "schemaVersion": "seaworthy.report/v1",
  "collectedAt": "2026-03-01T10:00:00Z",
  "summary": {"pass": 1, "warn": 3, "fail": 1},
  "results": [
    {"check": "QUOTA-001", "status": "warn", "object": {"apiVersion": "v1", "kind": "Namespace", "namespace": "", "name": "shop"}, "message": "shop has no ResourceQuota", "evidence": {}},
    {"check": "QUOTA-001", "status": "pass", "object": {"apiVersion": "v1", "kind": "Namespace", "namespace": "", "name": "web"}, "message": "web has a ResourceQuota", "evidence": {}},
    {"check": "DNS-002", "status": "warn", "object": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "kube-system", "name": "coredns"}, "message": "2 replicas, 3 wanted for 40 nodes", "evidence": {"wanted": 3}},
    {"check": "RBAC-004", "status": "warn", "object": {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "namespace": "", "name": "reader"}, "message": "reads secrets cluster-wide", "evidence": {}},
    {"check": "CP-001", "status": "fail", "object": {"apiVersion": "", "kind": "", "namespace": "", "name": ""}, "message": "1 API server", "evidence": {}}
  ],
  "gaps": []
}`

const newReport = `{
  "schemaVersion": "seaworthy.report/v1",
  "collectedAt": "2026-03-08T10:00:00Z",
  "results": [
    {"check": "QUOTA-001", "status": "warn", "object": {"apiVersion": "v1", "kind": "Namespace", "namespace": "", "name": "shop"}, "message": "shop has no ResourceQuota", "evidence": {}},
    {"check": "QUOTA-001", "status": "warn", "object": {"apiVersion": "v1", "kind": "Namespace", "namespace": "", "name": "web"}, "message": "web has no ResourceQuota", "evidence": {}},
    {"check": "DNS-002", "status": "warn", "object": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "kube-system", "name": "coredns"}, "message": "2 replicas, 4 wanted for 60 nodes", "evidence": {"wanted": 4}},
    {"check": "RBAC-005", "status": "warn", "object": {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "namespace": "", "name": "reader"}, "message": "wildcard verbs", "evidence": {"wildcards": ["verbs"]}},
    {"check": "CP-001", "status": "fail", "object": {"apiVersion": "", "kind": "", "namespace": "", "name": ""}, "message": "1 API server", "evidence": {}}
  ],
  "gaps": []
}`

func readBaseline(t *testing.T, name, data string) *Baseline {
	t.Helper()
	b, err := ReadBaseline(name, []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFingerprint(t *testing.T) {
	deploy := result.Result{Check: "DNS-002", Status: result.StatusWarn,
		Object: result.Ref("apps/v1", "Deployment", "kube-system", "coredns"), Message: "2 replicas, 3 wanted"}
	// The first 16 bytes of the SHA-256 of "DNS-002", "Deployment",
	// "kube-system" and "coredns" joined by NUL bytes (report.Fingerprint),
	// computed apart from this code; fixed so that a change to the
	// fingerprint, which would make every stored baseline's results new,
	// fails here first.
	const want = "1e79b063308807c073285168379fefb9"
	got := Fingerprint(deploy)
	if len(got) != 32 {
		t.Fatalf("Fingerprint = %q, want 32 hex digits", got)
	}
	same := []result.Result{deploy, deploy, deploy}
	same[1].Message, same[1].Status, same[1].Evidence = "2 replicas, 4 wanted for 60 nodes", result.StatusFail, result.Evidence{"wanted": 4}
	same[2].Object.APIVersion = "apps/v1beta2"
	for _, r := range same {
		if fp := Fingerprint(r); fp != got {
			t.Errorf("Fingerprint(%+v) = %s, want %s as for %+v", r, fp, got, deploy)
		}
	}
	other := []result.Result{deploy, deploy, deploy, deploy}
	other[0].Check = "DNS-005"
	other[1].Object.Kind = "DaemonSet"
	other[2].Object.Namespace = "dns"
	other[3].Object.Name = "kube-dns"
	for _, r := range other {
		if fp := Fingerprint(r); fp == got {
			t.Errorf("Fingerprint(%+v) = %s, the same as for %+v", r, fp, deploy)
		}
	}
	// Fields are separated, so moving a character between two fields
	// makes another fingerprint.
	a := result.Result{Check: "X", Object: result.Ref("v1", "Namespace", "", "ab")}
	b := result.Result{Check: "X", Object: result.Ref("v1", "Namespacea", "", "b")}
	if Fingerprint(a) == Fingerprint(b) {
		t.Errorf("fields run together: %+v and %+v share a fingerprint", a, b)
	}
	if got != want {
		t.Errorf("Fingerprint = %s, want %s", got, want)
	}
}

func TestClassify(t *testing.T) {
	base := readBaseline(t, "old.json", oldReport)
	cur := readBaseline(t, "new.json", newReport)
	var got []string
	for _, c := range Classify(cur.Results, base) {
		prev := "-"
		if c.Previous != nil {
			prev = string(c.Previous.Status) + " " + c.Previous.Message
		}
		got = append(got, fmt.Sprintf("%s %s %s gates=%v was: %s", c.Result.Check, c.Result.Object, c.State, c.Gates(), prev))
	}
	// web's QUOTA-001 passed before and warns now: changed, worse, gates.
	// DNS-002's message changed but not its status: changed, no gate.
	// reader's RBAC-005 is a new check on an old object: new.
	want := []string{
		"QUOTA-001 Namespace/shop unchanged gates=false was: warn shop has no ResourceQuota",
		"QUOTA-001 Namespace/web changed gates=true was: pass web has a ResourceQuota",
		"DNS-002 Deployment/kube-system/coredns changed gates=false was: warn 2 replicas, 3 wanted for 40 nodes",
		"RBAC-005 ClusterRoleBinding/reader new gates=true was: -",
		"CP-001 (cluster) unchanged gates=false was: fail 1 API server",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("classified:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, c := range Classify(cur.Results, nil) {
		if c.State != StateNew || !c.Gates() {
			t.Errorf("without a baseline %s %s is %s, want new", c.Result.Check, c.Result.Object, c.State)
		}
	}
}

func TestClassifyPairsDuplicatesOneToOne(t *testing.T) {
	obj := result.Ref("rbac.authorization.k8s.io/v1", "ClusterRole", "", "ops")
	r := func(msg string) result.Result {
		return result.Result{Check: "RBAC-010", Status: result.StatusWarn, Object: obj, Message: msg}
	}
	base := &Baseline{Results: []result.Result{r("creates tokens"), r("approves CSRs")}}
	// The identical "approves CSRs" pairs with its twin although it comes
	// second in the baseline; "creates tokens" became "patches
	// namespaces"; the third has nothing left to pair with.
	got := Classify([]result.Result{r("patches namespaces"), r("approves CSRs"), r("writes webhooks")}, base)
	var states []string
	for _, c := range got {
		states = append(states, string(c.State))
	}
	if s := strings.Join(states, " "); s != "changed unchanged new" {
		t.Errorf("states %s, want changed unchanged new", s)
	}
	if got[0].Previous.Message != "creates tokens" {
		t.Errorf("changed result paired with %q, want creates tokens", got[0].Previous.Message)
	}
}

func TestReadBaselineFromRenderedReport(t *testing.T) {
	snap := &cluster.Snapshot{CollectedAt: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), Source: cluster.SourceManifests}
	results := []result.Result{
		{Check: "QUOTA-001", Status: result.StatusWarn, Object: result.Ref("v1", "Namespace", "", "shop"), Message: "shop has no ResourceQuota",
			Evidence: result.Evidence{"missingKind": "ResourceQuota"}},
		{Check: "CP-001", Status: result.StatusNA, Message: "managed"},
	}
	var buf bytes.Buffer
	r := report.New(snap, []result.Meta{{ID: "QUOTA-001", Category: "Namespace quotas"}, {ID: "CP-001", Category: "Control plane"}}, results)
	if err := report.Render(&buf, "json", r, report.RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	b := readBaseline(t, "report.json", buf.String())
	if b.CollectedAt != "2026-03-01T10:00:00Z" || len(b.Results) != 2 {
		t.Fatalf("baseline collectedAt %q, %d results", b.CollectedAt, len(b.Results))
	}
	for i, c := range Classify(results, b) {
		if c.State != StateUnchanged {
			t.Errorf("result %d (%s) is %s against its own report, want unchanged", i, c.Result.Check, c.State)
		}
	}
	if got := b.Results[0].Evidence["missingKind"]; got != "ResourceQuota" {
		t.Errorf("evidence missingKind = %v", got)
	}
}

func TestReadBaselineErrors(t *testing.T) {
	for _, tc := range []struct{ name, file, want string }{
		{"syntax", "{\n  \"schemaVersion\": \"seaworthy.report/v1\",\n  \"results\": [,]\n}",
			"read baseline b.json:3:15: invalid character ',' looking for beginning of value"},
		{"wrong type", "{\n  \"schemaVersion\": \"seaworthy.report/v1\",\n  \"results\": {}\n}",
			"read baseline b.json:3:14: results: want an array, not a JSON object"},
		{"a snapshot", `{"schemaVersion": "seaworthy.snapshot/v1"}`,
			`read baseline b.json: schemaVersion "seaworthy.snapshot/v1": want "seaworthy.report/v1"`},
		{"no schema", `{"results": []}`,
			"read baseline b.json: no schemaVersion: want a seaworthy JSON report (-o json)"},
		{"no results", `{"schemaVersion": "seaworthy.report/v1"}`,
			"read baseline b.json: no results array"},
		{"bad status", `{"schemaVersion": "seaworthy.report/v1", "results": [{"check": "A", "status": "pass"}, {"check": "B", "status": "ok"}]}`,
			`read baseline b.json: results[1] (B): unknown status "ok"`},
		{"no check", `{"schemaVersion": "seaworthy.report/v1", "results": [{"status": "pass"}]}`,
			"read baseline b.json: results[0]: no check"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadBaseline("b.json", []byte(tc.file))
			if err == nil || err.Error() != tc.want {
				t.Errorf("error %v\nwant    %s", err, tc.want)
			}
		})
	}
}

// fp is the fingerprint of a result of check on the object.
func fp(check, apiVersion, kind, namespace, name string) string {
	return Fingerprint(result.Result{Check: check, Object: result.Ref(apiVersion, kind, namespace, name)})
}
