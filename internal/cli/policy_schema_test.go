package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/seaworthy-k8s/seaworthy/checks"
	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/fixtures/synth"
	"github.com/seaworthy-k8s/seaworthy/policies"
	"github.com/seaworthy-k8s/seaworthy/recommender"
)

// policyInputSchema compiles what `policy schema` prints.
func policyInputSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	r := execute(t, "", "policy", "schema")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("policy schema: exit %d stderr %q", r.code, r.stderr)
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(r.stdout))
	if err != nil {
		t.Fatalf("parse the schema: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("policy-input.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("policy-input.schema.json")
	if err != nil {
		t.Fatalf("compile the schema: %v", err)
	}
	return sch
}

// validateInput validates a JSON document against sch.
func validateInput(sch *jsonschema.Schema, doc []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return err
	}
	return sch.Validate(v)
}

// presentKeys lists the snapshot's non-empty lists and objects, the
// parts of the document a fixture exercised.
func presentKeys(t *testing.T, doc []byte) string {
	t.Helper()
	var d struct {
		Snapshot        map[string]json.RawMessage `json:"snapshot"`
		Results         []json.RawMessage          `json:"results"`
		Recommendations json.RawMessage            `json:"recommendations"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k, v := range d.Snapshot {
		if v[0] == '[' || v[0] == '{' {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	out := strings.Join(keys, " ")
	if len(d.Results) > 0 {
		out += " +results"
	}
	if string(d.Recommendations) != "null" {
		out += " +recommendations"
	}
	return out
}

// The documents policy input prints for manifests, and for snapshot files
// saved from live clusters, match the schema policy schema prints; the
// snapshot parts each exercised are listed, so a fixture that stops
// covering them is noticed.
func TestPolicyInputMatchesSchema(t *testing.T) {
	sch := policyInputSchema(t)
	for _, tt := range []struct {
		name, file, present string
	}{
		{"demo manifests", demoDir,
			"clusterRoleBindings clusterRoles configMaps deployments endpointSlices ingressClasses ingresses leases limitRanges namespaces nodes origins podDisruptionBudgets pods resourceQuotas roleBindings roles server serviceAccounts services validatingWebhookConfigurations +results"},
		{"healthy manifests", "../../fixtures/clusters/healthy",
			"clusterRoleBindings clusterRoles configMaps cronJobs daemonSets deployments horizontalPodAutoscalers leases limitRanges namespaces nodes origins podDisruptionBudgets pods resourceQuotas server serviceAccounts services +results"},
		{"live API server snapshot", "../../fixtures/rbac/apiserver-v1.37.2-defaults.snapshot.json",
			"clusterRoleBindings clusterRoles leases namespaces roleBindings roles server services +results"},
		{"live serving certificate", "../../checks/testdata/CERT-001/fail-twenty-days.yaml", "nodes server +results"},
		{"aggregated APIService with status", "../../checks/testdata/ADM-004/fail-metrics-unavailable.yaml", "apiServices gaps origins server +results"},
		{"webhooks and their backends", "../../checks/testdata/ADM-001/pass-two-ready-endpoints-pdb.yaml",
			"deployments endpointSlices gaps mutatingWebhookConfigurations origins podDisruptionBudgets server services validatingWebhookConfigurations +results"},
		{"live anonymous probe", "../../checks/testdata/SEC-002/fail-probe-anonymous-on.yaml", "nodes server +results"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"policy", "input", "-f", tt.file}
			if !strings.HasSuffix(tt.file, ".json") && !strings.HasSuffix(tt.file, ".yaml") {
				args = append(args, "--now", demoNow)
			}
			r := execute(t, "", args...)
			if r.code != 0 {
				t.Fatalf("policy input: exit %d: %s", r.code, r.stderr)
			}
			if err := validateInput(sch, []byte(r.stdout)); err != nil {
				t.Errorf("the document does not match the schema: %v", err)
			}
			if got := presentKeys(t, []byte(r.stdout)); got != tt.present {
				t.Errorf("parts present:\n got %s\nwant %s", got, tt.present)
			}
		})
	}
}

// A synthesized cluster shaped like a live read (status, conditions,
// HPAs, StatefulSets, owner references) matches the schema.
func TestSynthInputMatchesSchema(t *testing.T) {
	sch := policyInputSchema(t)
	snap := synth.Generate(synth.Spec{Nodes: 4, Pods: 60, Namespaces: 2, Zones: 2, Roles: 3, RoleBindings: 3, ServiceAccounts: 3}, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	in := check.NewInput(snap)
	doc := policies.NewDocument(snap, check.RunInput(in, checks.All(checks.DefaultOptions())), nil, in.Index)
	text, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := validateInput(sch, text); err != nil {
		t.Errorf("the document does not match the schema: %v", err)
	}
	if got, want := presentKeys(t, text), "clusterRoleBindings clusterRoles configMaps daemonSets deployments horizontalPodAutoscalers leases limitRanges namespaces nodes podDisruptionBudgets pods resourceQuotas roleBindings server serviceAccounts services +results"; got != want {
		t.Errorf("parts present:\n got %s\nwant %s", got, want)
	}
}

// A document with recommendations (the demo's usage history, as audit
// --history-file gives policies), and the same document as the engine
// converts it, match the schema.
func TestPolicyInputWithRecommendationsMatchesSchema(t *testing.T) {
	sch := policyInputSchema(t)
	ctx := context.Background()
	streams := genericiooptions.IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard}
	src := newSourceOptions(streams)
	src.filenames, src.now, src.quiet = []string{demoDir}, demoNow, true
	if err := src.complete(); err != nil {
		t.Fatal(err)
	}
	snap, err := src.load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	in := check.NewInput(snap)
	h := newHistoryOptions()
	h.historyStr, h.files = "8d", []string{filepath.Join("..", "..", "fixtures", "history", "demo")}
	if err := h.complete(src.nowTime); err != nil {
		t.Fatal(err)
	}
	eng := recommender.New(in.Index, recommender.DefaultOptions())
	if _, err := h.fetch(ctx, src, eng, io.Discard, true); err != nil {
		t.Fatal(err)
	}
	in.Usage = eng.Recommend()
	if len(in.Usage.Containers) == 0 {
		t.Fatal("the demo history gives no container recommendations")
	}
	doc := policies.NewDocument(snap, check.RunInput(in, checks.All(checks.DefaultOptions())), in.Usage, in.Index)
	text, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := validateInput(sch, text); err != nil {
		t.Errorf("the document does not match the schema: %v", err)
	}
	if got, want := presentKeys(t, text), "+recommendations"; !strings.HasSuffix(got, want) {
		t.Errorf("parts present %s: want %s", got, want)
	}

	// What policies see: the engine's own conversion, read back as JSON.
	v, err := policies.ToValue(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := validateInput(sch, []byte(ast.NewTerm(v).String())); err != nil {
		t.Errorf("the converted document does not match the schema: %v", err)
	}
}

// Broken documents fail, naming the place.
func TestPolicyInputSchemaRejects(t *testing.T) {
	sch := policyInputSchema(t)
	r := execute(t, "", "policy", "input", "-f", demoDir, "--now", demoNow)
	if r.code != 0 {
		t.Fatalf("policy input: exit %d: %s", r.code, r.stderr)
	}
	for _, tt := range []struct {
		name   string
		change func(doc map[string]any)
		want   string
	}{
		{"status a number", func(doc map[string]any) {
			doc["results"].([]any)[0].(map[string]any)["status"] = 3
		}, "at '/results/0/status': got number, want string"},
		{"status not in the vocabulary", func(doc map[string]any) {
			doc["results"].([]any)[0].(map[string]any)["status"] = "error"
		}, "at '/results/0/status': value must be one of 'fail', 'warn', 'info', 'pass', 'skip', 'na'"},
		{"no version", func(doc map[string]any) { delete(doc, "version") }, "at '': missing property 'version'"},
		{"another version", func(doc map[string]any) { doc["version"] = "seaworthy.policy-input/v2" }, "at '/version': value must be 'seaworthy.policy-input/v1'"},
		{"an unknown field", func(doc map[string]any) { doc["extra"] = true }, "at '': additional properties 'extra' not allowed"},
		{"a quantity as a number", func(doc map[string]any) {
			d := doc["snapshot"].(map[string]any)["deployments"].([]any)[0].(map[string]any)
			c := d["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
			c["resources"] = map[string]any{"requests": map[string]any{"cpu": 0.5}}
		}, "at '/snapshot/deployments/0/spec/template/spec/containers/0/resources/requests/cpu': got number, want string"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var doc map[string]any
			if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
				t.Fatal(err)
			}
			tt.change(doc)
			text, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			err = validateInput(sch, text)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("validation error %v; want one with %q", err, tt.want)
			}
		})
	}
}

// The example in docs/policy-input.md runs as written, over the demo and
// its usage history.
func TestPolicyInputDocExample(t *testing.T) {
	text, err := os.ReadFile(filepath.Join("..", "..", "docs", "policy-input.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(text), "```rego\n")
	if !ok {
		t.Fatal("docs/policy-input.md has no rego block")
	}
	rego, _, _ := strings.Cut(rest, "```")
	policy := writeFile(t, "example.rego", rego)
	r := execute(t, "", "audit", "-f", demoDir, "--now", demoNow, "--history-file", filepath.Join("..", "..", "fixtures", "history", "demo"),
		"--policy", policy, "--fail-on", "never", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var got []string
	for _, x := range decodeReport(t, r.stdout)["results"].([]any) {
		res := x.(map[string]any)
		if id := res["check"].(string); strings.HasPrefix(id, "ACME-") {
			got = append(got, id+" "+res["status"].(string)+" "+res["message"].(string))
		}
	}
	want := `ACME-002 warn Deployment monitoring/prometheus runs one replica (0 failing checks on it)
ACME-003 warn checkout/checkout-web container checkout: requests should be 296m CPU
ACME-003 warn ingress-nginx/ingress-nginx-controller container ingress: requests should be 271m CPU
ACME-003 warn kube-system/coredns container coredns: requests should be 63m CPU
ACME-003 warn monitoring/prometheus container prometheus: requests should be 224m CPU
ACME-003 warn payments/ledger container ledger: requests should be 143m CPU
ACME-003 warn payments/payments-api container payments: requests should be 203m CPU
ACME-003 warn search/search-indexer container search: requests should be 143m CPU`
	if g := strings.Join(got, "\n"); g != want {
		t.Errorf("the example's results:\n%s\nwant:\n%s", g, want)
	}
}

// policy input with audit's history flags prints the recommender's advice
// beside the rest, in the schema's shape.
func TestPolicyInputCommandWithHistory(t *testing.T) {
	sch := policyInputSchema(t)
	r := execute(t, "", "policy", "input", "-f", demoDir, "--now", demoNow, "--quiet",
		"--history-file", filepath.Join("..", "..", "fixtures", "history", "demo"))
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if err := validateInput(sch, []byte(r.stdout)); err != nil {
		t.Errorf("the document does not match the schema: %v", err)
	}
	var doc struct {
		Recommendations *struct {
			Containers []json.RawMessage `json:"containers"`
		} `json:"recommendations"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Recommendations == nil || len(doc.Recommendations.Containers) == 0 {
		t.Fatalf("no recommendations in the input: %.200s", r.stdout)
	}
}
