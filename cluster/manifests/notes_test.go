package manifests

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// monitoringBundle is shaped like a monitoring stack's install bundle: its
// CRDs, a Secret of Alertmanager config, the operator's Deployment, and
// custom resources of the kinds it defines.
func monitoringBundle(widgets int) string {
	var b strings.Builder
	b.WriteString(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: servicemonitors.monitoring.coreos.com}
spec:
  group: monitoring.coreos.com
  names: {kind: ServiceMonitor, plural: servicemonitors}
  scope: Namespaced
---
apiVersion: v1
kind: Secret
metadata: {name: alertmanager-main, namespace: monitoring}
stringData: {alertmanager.yaml: "route: {receiver: 'null'}"}
---
apiVersion: v1
kind: Namespace
metadata: {name: monitoring}
`)
	for i := range widgets {
		fmt.Fprintf(&b, "---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w%d, namespace: monitoring}\nspec: {size: %d}\n", i, i)
		if i%30 == 0 {
			fmt.Fprintf(&b, "---\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: sm%d, namespace: monitoring}\nspec:\n  endpoints: [{port: web}]\n", i)
		}
	}
	b.WriteString(`---
apiVersion: v1
kind: List
items:
- apiVersion: monitoring.coreos.com/v1
  kind: ServiceMonitor
  metadata: {name: in-list, namespace: monitoring}
- apiVersion: v1
  kind: Secret
  metadata: {name: in-list, namespace: monitoring}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: prometheus-operator, namespace: monitoring}
  spec:
    selector: {matchLabels: {app: po}}
    template:
      metadata: {labels: {app: po}}
      spec: {containers: [{name: po, image: quay.io/prometheus-operator/prometheus-operator:v0.80.0}]}
`)
	return b.String()
}

// Objects of kinds seaworthy does not read give one line for the whole
// load, with a count per kind in the order first seen, however the input
// is cut into batches; Secrets and CRDs give none.
func TestSkippedKindsSummarised(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "bundle.yaml", monitoringBundle(200))
	b := writeFile(t, dir, "extra.yaml", "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: extra}\n---\n"+
		"apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: r}\n")
	want := []string{"skipped 201 Widget (example.com/v1), 8 ServiceMonitor (monitoring.coreos.com/v1), 1 PrometheusRule (monitoring.coreos.com/v1): kinds seaworthy does not read"}
	serial, serialWarn, err := loadSerial(t, []string{a, b}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(serialWarn, want) {
		t.Errorf("serial reader: warnings\n%q\nwant\n%q", serialWarn, want)
	}
	for _, bb := range []int{1, 700, 256 << 10} {
		withBatchBytes(t, bb, func() {
			s, warnings, err := loadParallel([]string{a, b}, Options{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(warnings, want) {
				t.Errorf("batch %d: warnings\n%q\nwant\n%q", bb, warnings, want)
			}
			if len(s.Deployments) != 1 || len(s.Namespaces) != 1 || len(s.Origins) != len(serial.Origins) {
				t.Errorf("batch %d: %d deployments, %d namespaces, %d origins (serial %d)", bb, len(s.Deployments), len(s.Namespaces), len(s.Origins), len(serial.Origins))
			}
		})
	}
}

// gitopsRepo lays out a directory like a GitOps repository: manifests
// next to Helm values, kustomize and Helm chart files, CI workflows and a
// .git directory, some of them YAML that is no Kubernetes object.
func gitopsRepo(t *testing.T) string {
	dir := t.TempDir()
	writeFile(t, dir, ".git/config.yaml", "core: {bare: false}\n")
	writeFile(t, dir, ".github/workflows/ci.yaml", "name: ci\non: [push]\njobs:\n  lint: {runs-on: ubuntu-latest, steps: [{run: make lint}]}\n")
	writeFile(t, dir, ".pre-commit-config.yaml", "repos: []\n")
	writeFile(t, dir, "kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [apps/]\n")
	writeFile(t, dir, "apps/team-a/namespace.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a}\n")
	writeFile(t, dir, "apps/team-a/kustomization.yml", "resources: [namespace.yaml]\n")
	writeFile(t, dir, "charts/web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n")
	writeFile(t, dir, "charts/web/values.yaml", "replicaCount: 2\nimage: {repository: nginx, tag: \"1.27\"}\n")
	writeFile(t, dir, "renovate.json", `{"extends": ["config:recommended"]}`)
	writeFile(t, dir, "hosts.yaml", "- web-1\n- web-2\n")
	// A file of objects with a values block left in it.
	writeFile(t, dir, "apps/mixed.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: team-b}\n---\nreplicas: 3\n---\nfoo: bar\n")
	return dir
}

func TestLoadDirectoryLikeGitOpsRepo(t *testing.T) {
	dir := gitopsRepo(t)
	s, warnings, err := loadParallel([]string{dir}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Namespaces) != 2 {
		t.Errorf("namespaces = %d, want team-a and team-b", len(s.Namespaces))
	}
	want := []string{
		"skipped " + filepath.Join(dir, "apps/mixed.yaml") + ":5: not a Kubernetes object (no apiVersion/kind), and 1 more document like it",
		"skipped " + filepath.Join(dir, "charts/web/values.yaml") + ": not a Kubernetes object (no apiVersion/kind)",
		"skipped " + filepath.Join(dir, "hosts.yaml") + ": not a Kubernetes object (not a mapping)",
		"skipped " + filepath.Join(dir, "renovate.json") + ": not a Kubernetes object (no apiVersion/kind)",
	}
	if !reflect.DeepEqual(warnings, want) {
		t.Errorf("warnings\n%s\nwant\n%s", strings.Join(warnings, "\n"), strings.Join(want, "\n"))
	}
	for _, o := range s.Origins {
		if strings.Contains(o.File, "/.") {
			t.Errorf("read %s, in a dot-directory", o.File)
		}
	}
	_, serialWarn, err := loadSerial(t, []string{dir}, Options{Now: testNow})
	if err != nil || !reflect.DeepEqual(serialWarn, want) {
		t.Errorf("serial reader: err %v, warnings %q", err, serialWarn)
	}

	// Named explicitly, a file that is no Kubernetes object stays an
	// error, and a dot-directory is read.
	for _, p := range []string{"charts/web/values.yaml", "charts/web/Chart.yaml", ".github/workflows/ci.yaml"} {
		_, err := Load([]string{filepath.Join(dir, p)}, Options{Now: testNow})
		if err == nil || !strings.Contains(err.Error(), "document has no apiVersion or kind") {
			t.Errorf("-f %s: err = %v, want the no apiVersion or kind error", p, err)
		}
	}
	_, warnings, err = loadParallel([]string{filepath.Join(dir, ".git")}, Options{Now: testNow})
	if err != nil || len(warnings) != 1 || !strings.Contains(warnings[0], "config.yaml: not a Kubernetes object") {
		t.Errorf("-f .git: err %v, warnings %q; want the named directory walked", err, warnings)
	}
	// A List's item without a kind is an error in a walked file too.
	writeFile(t, dir, "apps/list.yaml", "apiVersion: v1\nkind: List\nitems:\n- metadata: {name: x}\n")
	if _, err := Load([]string{dir}, Options{Now: testNow}); err == nil || !strings.Contains(err.Error(), "list.yaml:4: document has no apiVersion or kind") {
		t.Errorf("List item without kind: err = %v", err)
	}
}

// Progress is called as a large input is read, with counts that never
// decrease, ending at every object and byte of the input.
func TestLoadProgress(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	const n = 3000
	for i := range n {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-%d\n  labels: {team: t%d}\n", i, i%7)
	}
	p := writeFile(t, dir, "big.yaml", b.String())
	q := writeFile(t, dir, "small.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: last}\n")
	size := int64(b.Len()) + 54
	if fi, err := os.Stat(q); err != nil || fi.Size() != 54 {
		t.Fatalf("small.yaml: %v, %d bytes", err, fi.Size())
	}
	withBatchBytes(t, 16<<10, func() {
		type call struct {
			objects int
			bytes   int64
		}
		var calls []call
		_, err := Load([]string{p, q}, Options{Now: testNow, Progress: func(o int, b int64) { calls = append(calls, call{o, b}) }})
		if err != nil {
			t.Fatal(err)
		}
		if len(calls) < 5 {
			t.Fatalf("%d progress calls, want many", len(calls))
		}
		for i := 1; i < len(calls); i++ {
			if calls[i].objects < calls[i-1].objects || calls[i].bytes < calls[i-1].bytes {
				t.Fatalf("call %d %v after %v: counts decrease", i, calls[i], calls[i-1])
			}
		}
		mid := calls[len(calls)/2]
		if mid.objects == 0 || mid.objects >= n+1 {
			t.Errorf("midway call %v: want some objects, not all", mid)
		}
		if last := calls[len(calls)-1]; last.objects != n+1 || last.bytes != size {
			t.Errorf("last call %v, want %d objects, %d bytes", last, n+1, size)
		}
	})
}
