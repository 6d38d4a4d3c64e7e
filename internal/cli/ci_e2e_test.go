package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/seaworthy-k8s/seaworthy/report"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// locatePolicy warns once on every object of the snapshot's lists, so
// every kind in the stream has a result whose location can be checked.
const locatePolicy = `package seaworthy.e2e

# METADATA
# title: Every object is located
# custom:
#   id: E2E-001
#   severity: low
warn contains {"msg": sprintf("%s %s is in the stream", [o.kind, o.metadata.name]), "object": ref} if {
	some list in input.snapshot
	is_array(list)
	some o in list
	o.metadata.name
	ref := {"apiVersion": o.apiVersion, "kind": o.kind, "namespace": object.get(o.metadata, "namespace", ""), "name": o.metadata.name}
}
`

// appDeployment is rendered beside deploy/base: a team's Deployment that the
// example policies deny (unpinned image, may run as root) and warn on (no
// app name label), as a repository's own overlay would.
const appDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: shop/web:latest
`

// streamObject is one document of a rendered stream: what it is and the
// line its document starts at, as the manifest reader counts it (the
// document's first line that is neither blank nor a comment).
type streamObject struct {
	ref  result.ObjectRef
	line int
}

// streamObjects reads the documents of a rendered stream, apart from the
// manifest reader.
func streamObjects(t *testing.T, stream string) []streamObject {
	t.Helper()
	var out []streamObject
	lines := strings.Split(stream, "\n")
	start, body := 0, []string{}
	flush := func() {
		text := strings.Join(body, "\n")
		if strings.TrimSpace(text) == "" {
			return
		}
		var doc struct {
			Kind     string `yaml:"kind"`
			Metadata struct {
				Name      string `yaml:"name"`
				Namespace string `yaml:"namespace"`
			} `yaml:"metadata"`
		}
		if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
			t.Fatalf("parse the document at line %d: %v", start+1, err)
		}
		first := start
		for i, l := range body {
			if s := strings.TrimSpace(l); s != "" && !strings.HasPrefix(s, "#") {
				first = start + i + 1
				break
			}
		}
		out = append(out, streamObject{ref: result.ObjectRef{Kind: doc.Kind, Namespace: doc.Metadata.Namespace, Name: doc.Metadata.Name}, line: first})
	}
	for i, l := range lines {
		if strings.TrimRight(l, " ") == "---" {
			flush()
			start, body = i+1, nil
			continue
		}
		body = append(body, l)
	}
	flush()
	return out
}

// renderKubectl is kubectl kustomize DIR.
func renderKubectl(t *testing.T, dir string) string {
	t.Helper()
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("SKIPPING the kubectl rendering: kubectl is not on PATH (the kustomize library rendering still runs)")
	}
	var out, errOut bytes.Buffer
	cmd := exec.Command(kubectl, "kustomize", dir)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("kubectl kustomize %s: %v: %s", dir, err, errOut.String())
	}
	return out.String()
}

// renderLibrary is the same rendering with the kustomize library.
func renderLibrary(t *testing.T, dir string) string {
	t.Helper()
	res, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	y, err := res.AsYaml()
	if err != nil {
		t.Fatal(err)
	}
	return string(y)
}

// The CI example of docs/ci.md, kubectl kustomize deploy/base | seaworthy
// audit -f - --policy policies/examples -o sarif, gives SARIF that the
// schema accepts, whose every physical location is stdin ("-") at the
// line where the object's document begins in the rendered stream; every
// kind in the stream has a located result, and (with a Deployment
// rendered beside the base) so do a built-in check and an example policy.
func TestCIExampleSARIFLocations(t *testing.T) {
	base, err := filepath.Abs(filepath.Join("..", "..", "deploy", "base"))
	if err != nil {
		t.Fatal(err)
	}
	overlay := t.TempDir()
	rel, err := filepath.Rel(overlay, base)
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{
		"kustomization.yaml": "resources:\n  - " + filepath.ToSlash(rel) + "\n  - web.yaml\n",
		"web.yaml":           appDeployment,
	} {
		if err := os.WriteFile(filepath.Join(overlay, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	locate := writeFile(t, "locate.rego", locatePolicy)
	sch := sarifSchema(t)
	for _, tt := range []struct {
		name, dir   string
		examplesHit bool
	}{
		{"deploy/base", base, false},
		{"overlay with an app", overlay, true},
	} {
		for _, rd := range []struct {
			name   string
			render func(*testing.T, string) string
		}{{"kubectl", renderKubectl}, {"library", renderLibrary}} {
			t.Run(tt.name+" rendered by "+rd.name, func(t *testing.T) {
				stream := rd.render(t, tt.dir)
				objects := streamObjects(t, stream)
				if len(objects) == 0 {
					t.Fatal("the rendered stream holds no objects")
				}
				args := []string{"audit", "-f", "-", "--now", demoNow,
					"--policy", filepath.Join("..", "..", "policies", "examples"), "--policy", locate, "-o", "sarif"}
				// deploy/base is being changed: whether its built-in
				// results fail is not this test's concern.
				wantCode := 0
				if tt.examplesHit {
					wantCode = 1 // EX-001 and EX-002 deny the web Deployment
				} else {
					args = append(args, "--fail-on", "never")
				}
				r := execute(t, stream, args...)
				if r.code != wantCode {
					t.Fatalf("exit %d, want %d: %s", r.code, wantCode, r.stderr)
				}
				v, err := jsonschema.UnmarshalJSON(strings.NewReader(r.stdout))
				if err != nil {
					t.Fatalf("parse SARIF: %v", err)
				}
				if err := sch.Validate(v); err != nil {
					t.Errorf("SARIF does not match the schema: %v", err)
				}
				checkSARIFLocations(t, r.stdout, objects, tt.examplesHit)
			})
		}
	}
}

func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(filepath.Join("..", "..", "report", "testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatalf("compile the SARIF schema: %v", err)
	}
	return sch
}

// checkSARIFLocations matches every SARIF result with a physical location
// to the stream's object by its fingerprint, and checks the location.
func checkSARIFLocations(t *testing.T, sarif string, objects []streamObject, examplesHit bool) {
	t.Helper()
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID              string            `json:"ruleId"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
				Locations           []struct {
					Physical *struct {
						Artifact struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region *struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(sarif), &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(log.Runs))
	}
	kinds := map[string]bool{}
	for _, o := range objects {
		kinds[o.ref.Kind] = false
	}
	var builtinHit, exampleHit bool
	located := 0
	for _, res := range log.Runs[0].Results {
		if len(res.Locations) != 1 || res.Locations[0].Physical == nil {
			continue
		}
		p := res.Locations[0].Physical
		var obj *streamObject
		for i := range objects {
			if report.Fingerprint(res.RuleID, objects[i].ref) == res.PartialFingerprints["seaworthy/v1"] {
				obj = &objects[i]
			}
		}
		if obj == nil {
			t.Errorf("%s result at %s:%v: its fingerprint matches no object of the stream", res.RuleID, p.Artifact.URI, p.Region)
			continue
		}
		located++
		if p.Artifact.URI != "-" {
			t.Errorf("%s on %s: uri %q, want \"-\" (stdin)", res.RuleID, obj.ref, p.Artifact.URI)
		}
		if p.Region == nil || p.Region.StartLine != obj.line {
			t.Errorf("%s on %s: region %+v, want startLine %d", res.RuleID, obj.ref, p.Region, obj.line)
		}
		kinds[obj.ref.Kind] = true
		switch {
		case strings.HasPrefix(res.RuleID, "EX-"):
			exampleHit = true
		case res.RuleID != "E2E-001":
			builtinHit = true
		}
	}
	var missing []string
	for k, hit := range kinds {
		if !hit {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("no located result for the kinds %v", missing)
	}
	// deploy/base passes its own audit, and SARIF leaves passes out: only
	// the stream with the app in it has failing built-in results.
	if examplesHit && !builtinHit {
		t.Error("no built-in check result is located")
	}
	if examplesHit && !exampleHit {
		t.Error("no example policy result is located")
	}
	t.Logf("%d objects, %d located results", len(objects), located)
}
