package policies

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seaworthy-k8s/seaworthy/internal/gendoc"
)

var update = flag.Bool("update", false, "rewrite docs/policy-input.schema.json from the Go types")

func TestSchemaUpToDate(t *testing.T) {
	gendoc.Check(t, filepath.Join("..", "docs", "policy-input.schema.json"), *update, func(w io.Writer) error {
		b, err := Schema()
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
}

// Two calls give the same bytes, so the committed file is stable.
func TestSchemaDeterministic(t *testing.T) {
	a, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		b, err := Schema()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Fatal("two calls of Schema differ")
		}
	}
}

// The types with their own JSON form are described by that form, omitempty
// fields are optional, and pointers and slices may be null.
func TestSchemaForms(t *testing.T) {
	b, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Defs map[string]json.RawMessage `json:"$defs"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	// prop is the JSON text at a dotted path of a definition, as written.
	prop := func(def, path string) string {
		t.Helper()
		v := doc.Defs[def]
		for _, p := range strings.Split(path, ".") {
			var m map[string]json.RawMessage
			if err := json.Unmarshal(v, &m); err != nil {
				t.Fatalf("%s: no %s in %s", def, p, path)
			}
			v = m[p]
		}
		var out bytes.Buffer
		if v == nil {
			return "absent"
		}
		if err := json.Compact(&out, v); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	for _, tt := range []struct{ def, path, want string }{
		{"seaworthy.policies.Document", "required", `["version","snapshot","results","recommendations","index"]`},
		{"seaworthy.policies.Document", "properties.version", `{"const":"seaworthy.policy-input/v1"}`},
		{"seaworthy.policies.Document", "properties.recommendations", `{"anyOf":[{"$ref":"#/$defs/seaworthy.recommender.Result"},{"type":"null"}]}`},
		{"seaworthy.result.Result", "required", `["check","status","object","message"]`},
		{"seaworthy.result.Result", "properties.status", `{"type":"string","enum":["fail","warn","info","pass","skip","na"]}`},
		{"seaworthy.result.Result", "properties.evidence", `{"type":["object","null"],"additionalProperties":{}}`},
		{"seaworthy.result.Result", "additionalProperties", `false`},
		{"k8s.api.core.v1.ResourceRequirements", "properties.requests", `{"type":["object","null"],"additionalProperties":{"type":"string"}}`},
		{"k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "properties.creationTimestamp", `{"type":["string","null"],"format":"date-time"}`},
		{"k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "properties.deletionTimestamp", `{"type":["string","null"],"format":"date-time"}`},
		{"k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "properties.labels", `{"type":["object","null"],"additionalProperties":{"type":"string"}}`},
		{"k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "required", "absent"},
		{"k8s.api.core.v1.ContainerPort", "required", `["containerPort"]`},
		{"k8s.api.core.v1.HTTPGetAction", "properties.port", `{"type":["integer","string"]}`},
		{"k8s.api.apps.v1.RollingUpdateDeployment", "properties.maxSurge", `{"type":["integer","string","null"]}`},
		{"k8s.api.apps.v1.DeploymentSpec", "properties.replicas", `{"type":["integer","null"]}`},
		{"k8s.api.core.v1.PodSpec", "properties.containers", `{"type":["array","null"],"items":{"$ref":"#/$defs/k8s.api.core.v1.Container"}}`},
		{"k8s.api.coordination.v1.LeaseSpec", "properties.renewTime", `{"type":["string","null"],"format":"date-time"}`},
		{"seaworthy.cluster.Snapshot", "properties.collectedAt", `{"type":"string","format":"date-time"}`},
		{"seaworthy.cluster.Snapshot", "properties.veleroBackups", `{"type":["array","null"],"items":{"type":"object"}}`},
		{"seaworthy.recommender.Container", "properties.historySeconds", `{"type":"number"}`},
	} {
		if got := prop(tt.def, tt.path); got != tt.want {
			t.Errorf("%s %s:\n got %s\nwant %s", tt.def, tt.path, got, tt.want)
		}
	}
}
