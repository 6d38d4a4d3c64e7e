package manifests

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

func warningsWith(warnings []string, sub string) []string {
	var out []string
	for _, w := range warnings {
		if strings.Contains(w, sub) {
			out = append(out, w)
		}
	}
	return out
}

const baseQuota = `apiVersion: v1
kind: Namespace
metadata: {name: team-a}
---
apiVersion: v1
kind: ResourceQuota
metadata:
  name: compute
  namespace: team-a
spec:
  hard: {requests.cpu: "4", limits.memory: 8Gi}
`

// An overlay that patches the base's quota by restating it, as a
// kustomize base/ and overlay/ read together with two -f give it; the
// overlay's copy names no namespace and gets it from -n.
const overlayQuota = `# overlay: more CPU for team-a
apiVersion: v1
kind: ResourceQuota
metadata:
  name: compute
spec:
  hard: {requests.cpu: "16", limits.memory: 32Gi}
`

func TestDuplicateObjectsKeepTheLast(t *testing.T) {
	dir := t.TempDir()
	base := writeFile(t, dir, "base/quota.yaml", baseQuota)
	overlay := writeFile(t, dir, "overlay/quota.yaml", overlayQuota)
	s, warnings, err := loadParallel([]string{dir + "/base", dir + "/overlay"}, Options{Now: testNow, DefaultNamespace: "team-a"})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.ResourceQuotas) != 1 {
		t.Fatalf("%d quotas, want 1 (the overlay's)", len(s.ResourceQuotas))
	}
	if got := s.ResourceQuotas[0].Spec.Hard["requests.cpu"]; got.String() != "16" {
		t.Errorf("kept requests.cpu %s, want the overlay's 16", got.String())
	}
	dups := warningsWith(warnings, "defined 2 times")
	want := fmt.Sprintf("ResourceQuota team-a/compute is defined 2 times: %s:5, %s:2; keeping the last (%s:2), as kubectl apply would", base, overlay, overlay)
	if len(dups) != 1 || dups[0] != want {
		t.Errorf("duplicate warnings %q, want [%q]", dups, want)
	}
	if o, ok := s.OriginOf(cluster.KindResourceQuotas, "team-a", "compute"); !ok || o.File != overlay || o.Line != 2 {
		t.Errorf("origin %+v, %v; want the overlay's %s:2", o, ok, overlay)
	}
	if n := len(s.Origins); n != 2 {
		t.Errorf("%d origins, want 2 (namespace, quota): %+v", n, s.Origins)
	}
}

func TestDuplicateDeploymentAndSameFileTwice(t *testing.T) {
	dir := t.TempDir()
	deploy := func(replicas int) string {
		return fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: %d
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
`, replicas)
	}
	dump := writeFile(t, dir, "dump.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n"+deploy(1))
	split := writeFile(t, dir, "split/web.yaml", deploy(3))
	s, warnings, err := loadParallel([]string{dump, split}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Deployments) != 1 || *s.Deployments[0].Spec.Replicas != 3 {
		t.Fatalf("deployments %d, want 1 with the split file's 3 replicas", len(s.Deployments))
	}
	want := fmt.Sprintf("Deployment shop/web is defined 2 times: %s:5, %s:1; keeping the last (%s:1), as kubectl apply would", dump, split, split)
	if dups := warningsWith(warnings, "defined"); len(dups) != 1 || dups[0] != want {
		t.Errorf("warnings %q, want [%q]", dups, want)
	}

	// -f of the same file twice: every object is read twice.
	s, warnings, err = loadParallel([]string{dump, dump}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Deployments) != 1 || len(s.Namespaces) != 1 {
		t.Errorf("%d deployments, %d namespaces; want 1 each", len(s.Deployments), len(s.Namespaces))
	}
	if dups := warningsWith(warnings, "defined 2 times"); len(dups) != 2 {
		t.Errorf("warnings %q, want one for the Deployment and one for the Namespace", dups)
	}

	// Objects without a name (generateName, for kubectl create) are
	// distinct, and distinct names are not duplicates.
	gen := writeFile(t, dir, "jobs.yaml", `apiVersion: batch/v1
kind: Job
metadata: {generateName: migrate-, namespace: shop}
spec: {template: {spec: {restartPolicy: Never, containers: [{name: m, image: app}]}}}
---
apiVersion: batch/v1
kind: Job
metadata: {generateName: migrate-, namespace: shop}
spec: {template: {spec: {restartPolicy: Never, containers: [{name: m, image: app}]}}}
`)
	s, warnings, err = loadParallel([]string{gen, split}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Jobs) != 2 || len(warningsWith(warnings, "defined")) != 0 {
		t.Errorf("%d jobs, warnings %q; want 2 jobs and no duplicate warning", len(s.Jobs), warnings)
	}
}

func TestRemovedAPIVersionsWarnOncePerVersionAndKind(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for _, name := range []string{"web", "api", "worker"} {
		fmt.Fprintf(&b, `---
apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: %s, namespace: legacy}
spec:
  template:
    metadata: {labels: {app: %s}}
    spec: {containers: [{name: c, image: app}]}
`, name, name)
	}
	b.WriteString(`---
apiVersion: rbac.authorization.k8s.io/v1beta1
kind: ClusterRole
metadata: {name: old-viewer}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
---
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {name: web, namespace: legacy}
spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}
---
apiVersion: batch/v1beta1
kind: CronJob
metadata: {name: report, namespace: legacy}
spec:
  schedule: "0 * * * *"
  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: app}]}}}}
---
apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: legacy}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 4
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: current, namespace: legacy}
spec:
  selector: {matchLabels: {app: current}}
  template:
    metadata: {labels: {app: current}}
    spec: {containers: [{name: c, image: app}]}
`)
	p := writeFile(t, dir, "legacy.yaml", b.String())
	s, warnings, err := loadParallel([]string{p}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Deployments) != 4 || len(s.ClusterRoles) != 1 || len(s.PDBs) != 1 || len(s.CronJobs) != 1 || len(s.HPAs) != 1 {
		t.Fatalf("removed versions are no longer decoded: %v", s.Counts())
	}
	got := warningsWith(warnings, "removed in Kubernetes")
	want := []string{
		"1 ClusterRole in rbac.authorization.k8s.io/v1beta1: removed in Kubernetes 1.22; the API server refuses them",
		"1 CronJob in batch/v1beta1: removed in Kubernetes 1.25; the API server refuses them",
		"3 Deployment in extensions/v1beta1: removed in Kubernetes 1.16; the API server refuses them",
		"1 HorizontalPodAutoscaler in autoscaling/v2beta2: removed in Kubernetes 1.26; the API server refuses them",
		"1 PodDisruptionBudget in policy/v1beta1: removed in Kubernetes 1.25; the API server refuses them",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// extensions/v1beta1 defaulted the selector: no selector warning.
	if sel := warningsWith(warnings, "spec.selector"); len(sel) != 0 {
		t.Errorf("selector warnings for versions that default it: %q", sel)
	}
}

func TestWorkloadWithoutSelectorWarns(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "agent.yaml", `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-agent, namespace: monitoring}
spec:
  template:
    metadata: {labels: {app: node-agent}}
    spec: {containers: [{name: agent, image: agent:1}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: monitoring}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web:1}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: monitoring}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: db:1}]}
`)
	_, warnings, err := loadParallel([]string{p}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	got := warningsWith(warnings, "spec.selector")
	want := []string{
		p + ":9: apps/v1 Deployment monitoring/web has no spec.selector: the API server rejects it",
		p + ":1: apps/v1 DaemonSet monitoring/node-agent has no spec.selector: the API server rejects it",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestUnrenderedTemplates(t *testing.T) {
	for _, tt := range []struct {
		name, content string
		line          int // 0: no error
	}{
		{"quoted name", `apiVersion: v1
kind: ServiceAccount
metadata: {name: ok, namespace: apps}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: "{{ include \"app.fullname\" . }}"
  namespace: apps
`, 5},
		{"templated namespace", `apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
  namespace: '{{ .Release.Namespace }}'
`, 1},
		{"unquoted name does not parse", `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
  labels:
    app: web
`, 4},
		{"control action", `{{- if .Values.serviceAccount.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: app
{{- end }}
`, 1},
		{"second document", `apiVersion: v1
kind: Namespace
metadata: {name: apps}
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: apps
spec:
  ports:
  {{- range .Values.ports }}
  - port: {{ .port }}
  {{- end }}
`, 12},
		// Rendered manifests carry "{{" in their data, for another
		// templating engine (Prometheus alert text): not a chart.
		{"rendered alert rules", `apiVersion: v1
kind: ConfigMap
metadata: {name: alert-rules, namespace: monitoring}
data:
  rules.yaml: |
    groups:
    - name: node
      rules:
      - alert: NodeDown
        annotations:
          summary: "{{ $labels.instance }} is down"
`, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, bb := range []int{batchBytes, 1} {
				withBatchBytes(t, bb, func() {
					p := writeFile(t, t.TempDir(), "chart.yaml", tt.content)
					_, _, err := loadParallel([]string{p}, Options{Now: testNow})
					if tt.line == 0 {
						if err != nil {
							t.Fatalf("batch %d: %v", bb, err)
						}
						return
					}
					want := fmt.Sprintf("%s:%d: unrendered template: run helm template (or your renderer) first", p, tt.line)
					if err == nil || err.Error() != want {
						t.Fatalf("batch %d: error %v, want %q", bb, err, want)
					}
				})
			}
		})
	}
}

func TestLoadCancelledWhileReadingStdin(t *testing.T) {
	r, w := io.Pipe() // a terminal nobody types into: never closed
	defer w.Close()
	go func() { _, _ = w.Write([]byte("apiVersion: v1\nkind: Namespace\n")) }()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() {
		s, err := Load([]string{"-"}, Options{Now: testNow, Stdin: r, Context: ctx})
		if s != nil {
			err = fmt.Errorf("a snapshot (%v) with %w", s.Counts(), err)
		}
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || err != context.Canceled {
			t.Fatalf("error %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Load did not return after the context was cancelled")
	}
}

func TestLoadCancelledBeforeFiles(t *testing.T) {
	p := writeFile(t, t.TempDir(), "q.yaml", baseQuota)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s, err := Load([]string{p}, Options{Now: testNow, Context: ctx})
	if s != nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("snapshot %v, error %v; want none and context.Canceled", s != nil, err)
	}
	// Without a context Load reads as before.
	if _, err := Load([]string{p}, Options{Now: testNow}); err != nil {
		t.Fatal(err)
	}
}
