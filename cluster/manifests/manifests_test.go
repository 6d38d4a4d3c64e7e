package manifests

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

var testNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadManifests(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.yaml", `
apiVersion: v1
kind: Namespace
metadata: {name: team-a}
---
# an empty document and a comment-only one are fine
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: compute, namespace: team-a}
spec:
  hard: {requests.cpu: "2"}
`)
	writeFile(t, dir, "nested/list.yml", `
apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: team-a}
  spec:
    replicas: 3
    selector: {matchLabels: {app: web}}
    template: {metadata: {labels: {app: web}}}
- apiVersion: v1
  kind: Node
  metadata: {name: n1, creationTimestamp: 2025-06-01T10:00:00Z}
`)
	writeFile(t, dir, "b.json", `{"apiVersion":"v1","kind":"LimitRange","metadata":{"name":"lr","namespace":"team-a"}}`)
	writeFile(t, dir, "ignored.txt", `not yaml at all: [`)

	var warnings []string
	s, err := Load([]string{dir}, Options{Now: testNow, Warn: func(m string) { warnings = append(warnings, m) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Namespaces) != 1 || len(s.ResourceQuotas) != 1 || len(s.Deployments) != 1 || len(s.Nodes) != 1 || len(s.LimitRanges) != 1 {
		t.Fatalf("unexpected counts: %v", s.Counts())
	}
	if got := s.Deployments[0].Spec.Replicas; got == nil || *got != 3 {
		t.Errorf("replicas = %v, want 3", got)
	}
	if got := s.Nodes[0].CreationTimestamp.Time; !got.Equal(time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("unquoted YAML timestamp decoded as %v", got)
	}
	if s.Source != cluster.SourceManifests || !s.CollectedAt.Equal(testNow) {
		t.Errorf("source %q at %v", s.Source, s.CollectedAt)
	}
	if len(s.Gaps) != 0 {
		t.Errorf("gaps = %v, want none (a Node is present)", s.Gaps)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings = %v", warnings)
	}
}

func TestLoadOlderAPIVersions(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "old.yaml", `
apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: legacy, namespace: a}
spec:
  template: {metadata: {labels: {app: legacy}}}
---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: a}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  targetCPUUtilizationPercentage: 70
---
apiVersion: autoscaling/v2beta1
kind: HorizontalPodAutoscaler
metadata: {name: api, namespace: a}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  maxReplicas: 5
  metrics:
  - type: Resource
    resource: {name: memory, targetAverageUtilization: 80}
---
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {name: none, namespace: a}
spec:
  minAvailable: 1
  selector: {}
`)
	s, err := Load([]string{p}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if sel := s.Deployments[0].Spec.Selector; sel == nil || sel.MatchLabels["app"] != "legacy" {
		t.Errorf("extensions/v1beta1 selector not defaulted from template labels: %v", sel)
	}
	if len(s.HPAs) != 2 {
		t.Fatalf("HPAs = %d, want 2", len(s.HPAs))
	}
	v1 := s.HPAs[1] // sorted by name: api (v2beta1), web (v1)
	if v1.Spec.ScaleTargetRef.Name != "web" || v1.Spec.MaxReplicas != 10 || len(v1.Spec.Metrics) != 1 ||
		*v1.Spec.Metrics[0].Resource.Target.AverageUtilization != 70 {
		t.Errorf("autoscaling/v1 HPA converted wrongly: %+v", v1.Spec)
	}
	if m := s.HPAs[0].Spec.Metrics; len(m) != 1 || m[0].Resource.Name != "memory" || *m[0].Resource.Target.AverageUtilization != 80 {
		t.Errorf("autoscaling/v2beta1 metrics converted wrongly: %+v", m)
	}
	if s.PDBs[0].Spec.Selector != nil {
		t.Errorf("policy/v1beta1 empty selector must select nothing (nil in v1), got %v", s.PDBs[0].Spec.Selector)
	}
	if g, ok := s.GapFor(cluster.KindNodes); !ok || g.Reason != cluster.GapNotInInput {
		t.Errorf("manifests without nodes must record a nodes gap, got %v", s.Gaps)
	}
}

func TestLoadStdin(t *testing.T) {
	s, err := Load([]string{"-"}, Options{Now: testNow, Stdin: strings.NewReader("apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n")})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Namespaces) != 1 {
		t.Fatalf("namespaces = %d", len(s.Namespaces))
	}
}

func TestLoadBadInput(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		content string
		want    string // substring of the error
	}{
		{"malformed YAML", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: [unclosed\n", "bad.yaml:3: did not find expected"},
		{"tab indentation", "apiVersion: v1\nkind: Namespace\n\tmetadata: {}\n", "bad.yaml:"},
		{"no kind", "apiVersion: v1\nmetadata: {name: x}\n", "bad.yaml:1: document has no apiVersion or kind"},
		{"no apiVersion in second doc", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nkind: Namespace\nmetadata: {name: b}\n", "bad.yaml:5: document has no apiVersion or kind"},
		{"duplicate key", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\napiVersion: v1\n", "bad.yaml:4: key \"apiVersion\" already defined at line 1"},
		{"scalar document", "just a string\n", "bad.yaml:1: document is not an object"},
		{"wrong field type", "apiVersion: v1\nkind: Namespace\nmetadata: {name: [1, 2]}\n", "bad.yaml:1: decode v1 Namespace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, dir, "bad.yaml", tt.content)
			_, err := Load([]string{p}, Options{Now: testNow})
			if err == nil {
				t.Fatal("want an error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
			var ie *cluster.InputError
			if !errors.As(err, &ie) {
				t.Errorf("want an *InputError, got %T", err)
			}
		})
	}
}

func TestLoadUnknownKindWarns(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "crd.yaml", `
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
---
apiVersion: v1
kind: Secret
metadata: {name: s, namespace: a}
data: {password: aHVudGVyMg==}
---
apiVersion: v1
kind: Namespace
metadata: {name: a}
`)
	var warnings []string
	s, err := Load([]string{p}, Options{Now: testNow, Warn: func(m string) { warnings = append(warnings, m) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Namespaces) != 1 {
		t.Errorf("namespaces = %d", len(s.Namespaces))
	}
	// One summary line for the unknown kind; the Secret is skipped
	// without a word (seaworthy never reads Secrets).
	want := []string{"skipped 1 Widget (example.com/v1): a kind seaworthy does not read"}
	if !reflect.DeepEqual(warnings, want) {
		t.Errorf("warnings = %q, want %q", warnings, want)
	}
}

func TestLoadMissingPath(t *testing.T) {
	_, err := Load([]string{filepath.Join(t.TempDir(), "nope")}, Options{Now: testNow})
	if err == nil || !strings.Contains(err.Error(), "no such file or directory") {
		t.Fatalf("err = %v", err)
	}
	_, err = Load([]string{t.TempDir()}, Options{Now: testNow})
	if err == nil || !strings.Contains(err.Error(), "no .yaml, .yml or .json files") {
		t.Fatalf("empty dir err = %v", err)
	}
}

func TestLoadSnapshotMustBeAlone(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.json", `{"schemaVersion":"seaworthy.snapshot/v1","collectedAt":"2026-01-01T00:00:00Z","source":"live"}`)
	writeFile(t, dir, "b.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")
	if _, err := Load([]string{dir}, Options{Now: testNow}); err == nil || !strings.Contains(err.Error(), "must be the only input") {
		t.Fatalf("err = %v", err)
	}
	s, err := Load([]string{filepath.Join(dir, "a.json")}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if s.Source != cluster.SourceSnapshot || s.OriginalSource != cluster.SourceLive {
		t.Errorf("source %q original %q", s.Source, s.OriginalSource)
	}
	writeFile(t, dir, "new.json", `{"schemaVersion":"seaworthy.snapshot/v9","collectedAt":"2026-01-01T00:00:00Z"}`)
	if _, err := Load([]string{filepath.Join(dir, "new.json")}, Options{Now: testNow}); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("newer schema err = %v", err)
	}
}

func TestLoadUnknownFieldWarns(t *testing.T) {
	dir := t.TempDir()
	// A mis-indented label lands in metadata, where Deployment has no such field.
	p := writeFile(t, dir, "d.yaml", `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: a}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels:
      app: web
`)
	var warnings []string
	s, err := Load([]string{p}, Options{Now: testNow, Warn: func(m string) { warnings = append(warnings, m) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Deployments) != 1 {
		t.Fatalf("deployments = %d", len(s.Deployments))
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], `d.yaml:2: apps/v1 Deployment "web": unknown field "app" (ignored)`) {
		t.Errorf("warnings = %q", warnings)
	}
}

// Each object's file and line is kept under its effective namespace, and
// namespace-less objects take that namespace, as kubectl apply -n does.
func TestLoadOriginsAndDefaultNamespace(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "app.yaml", `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: viewer}
---
apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: ReplicaSet
  metadata: {name: web-1, namespace: team-a}
  spec: {selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}}}
`)
	for _, tt := range []struct{ flag, want string }{{"", "default"}, {"argocd", "argocd"}} {
		s, err := Load([]string{dir}, Options{Now: testNow, DefaultNamespace: tt.flag})
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Roles) != 1 || s.Roles[0].Namespace != tt.want {
			t.Errorf("-n %q: roles %v, want one in %s", tt.flag, s.Roles, tt.want)
		}
		if len(s.ReplicaSets) != 1 || s.ReplicaSets[0].Namespace != "team-a" {
			t.Errorf("-n %q: replicasets %v, want team-a/web-1", tt.flag, s.ReplicaSets)
		}
		for _, c := range []struct {
			kind     cluster.Kind
			ns, name string
			line     int
		}{
			{cluster.KindRoles, tt.want, "reader", 1},
			{cluster.KindClusterRoles, "", "viewer", 5},
			{cluster.KindReplicaSets, "team-a", "web-1", 12},
		} {
			o, ok := s.OriginOf(c.kind, c.ns, c.name)
			if !ok || o.File != p || o.Line != c.line {
				t.Errorf("-n %q: OriginOf(%s, %q, %q) = %+v, %v; want %s:%d", tt.flag, c.kind, c.ns, c.name, o, ok, p, c.line)
			}
		}
		if _, ok := s.OriginOf(cluster.KindRoles, "", "reader"); ok {
			t.Errorf("-n %q: the role's origin is kept under no namespace", tt.flag)
		}
		// ReplicaSets are optional: manifests without them are no gap.
		if _, ok := s.GapFor(cluster.KindReplicaSets); ok {
			t.Errorf("-n %q: ReplicaSets are a gap", tt.flag)
		}
	}
}

// A VerticalPodAutoscaler document is read typed, into the default
// namespace when it names none, with its status dropped; a misspelt spec
// field is warned about like any other kind's.
func TestLoadVerticalPodAutoscaler(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "vpa.yaml", `apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: web}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  updatePolicy: {updateMode: "Off"}
  resourcePolicy:
    containerPolicies:
    - {containerName: sidecar, mode: "Off"}
    - {containerName: "*", controlledResources: [cpu], controlledValues: RequestsOnly}
status:
  recommendation: {containerRecommendations: [{containerName: web, target: {cpu: 100m}}]}
`)
	s, err := Load([]string{dir}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.VPAs) != 1 {
		t.Fatalf("vpas = %+v, want one", s.VPAs)
	}
	v := s.VPAs[0]
	cp := v.Spec.ResourcePolicy.ContainerPolicies
	if got := v.Namespace + "/" + v.Name + " " + v.Spec.TargetRef.Kind + "/" + v.Spec.TargetRef.Name + " " + v.UpdateMode() +
		" " + *cp[0].Mode + " " + string((*cp[1].ControlledResources)[0]); got != "default/web Deployment/web Off Off cpu" {
		t.Errorf("vpa = %s", got)
	}
	writeFile(t, dir, "vpa.yaml", `apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: web}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  updatePolicy: {updateMod: "Off"}
`)
	var warned []string
	s, err = Load([]string{dir}, Options{Now: testNow, Warn: func(msg string) { warned = append(warned, msg) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.VPAs) != 1 || len(warned) != 1 || !strings.Contains(warned[0], `VerticalPodAutoscaler "web": unknown field "updateMod" (ignored)`) {
		t.Errorf("misspelt field: vpas %d, warnings %q", len(s.VPAs), warned)
	}
}
