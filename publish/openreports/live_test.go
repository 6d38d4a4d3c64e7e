package openreports

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"

	"github.com/seaworthy-k8s/seaworthy/publish"
	"github.com/seaworthy-k8s/seaworthy/report"
	"github.com/seaworthy-k8s/seaworthy/result"
	"github.com/seaworthy-k8s/seaworthy/test/controlplane"
)

var crdGVR = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// startWith starts a real kube-apiserver, installs the CRDs of the given
// files (none: no report group at all) and creates namespaces team-a and
// team-b.
func startWith(t *testing.T, crdFiles ...string) *rest.Config {
	t.Helper()
	cp := controlplane.Start(t, controlplane.Options{})
	ctx := t.Context()
	dyn := dynamic.NewForConfigOrDie(cp.Admin)
	for _, f := range crdFiles {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range strings.Split(string(data), "\n---\n") {
			var obj map[string]any
			if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
				t.Fatalf("parse %s: %v", f, err)
			}
			if obj == nil {
				continue
			}
			if _, err := dyn.Resource(crdGVR).Create(ctx, &unstructured.Unstructured{Object: obj}, metav1.CreateOptions{}); err != nil {
				t.Fatalf("install %s: %v", f, err)
			}
		}
	}
	client := kubernetes.NewForConfigOrDie(cp.Admin)
	for _, ns := range []string{"team-a", "team-b"} {
		if _, err := client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	return cp.Admin
}

// waitServed waits until discovery serves api's two kinds.
func waitServed(t *testing.T, tg *Target, want API) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, err := tg.Discover()
		if err == nil && got.Group == want.Group {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not served after 30s: %v", want.GroupVersion(), err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stored lists seaworthy's objects of api as "Kind ns/name results=N
// summary", sorted, and returns them by ns/name too.
func stored(t *testing.T, cfg *rest.Config, api API) ([]string, map[string]map[string]any) {
	t.Helper()
	dyn := dynamic.NewForConfigOrDie(cfg)
	var lines []string
	byName := map[string]map[string]any{}
	for _, namespaced := range []bool{false, true} {
		list, err := dyn.Resource(api.Resource(namespaced)).List(t.Context(), metav1.ListOptions{LabelSelector: ManagedByLabel + "=" + ManagedBy})
		if err != nil {
			t.Fatal(err)
		}
		for _, item := range list.Items {
			results, _, _ := unstructured.NestedSlice(item.Object, "results")
			sum, _, _ := unstructured.NestedMap(item.Object, "summary")
			key := item.GetNamespace() + "/" + item.GetName()
			lines = append(lines, fmt.Sprintf("%s %s results=%d pass=%v fail=%v warn=%v error=%v skip=%v", item.GetKind(), key, len(results), sum["pass"], sum["fail"], sum["warn"], sum["error"], sum["skip"]))
			byName[key] = item.Object
		}
	}
	sort.Strings(lines)
	return lines, byName
}

// sameContent reports whether what the server stored holds exactly what
// Build wrote: every field but metadata, and metadata's name, namespace
// and labels.
func sameContent(t *testing.T, objs []Object, got map[string]map[string]any) {
	t.Helper()
	for _, o := range objs {
		var want map[string]any
		if err := json.Unmarshal(o.Body, &want); err != nil {
			t.Fatal(err)
		}
		g := got[o.Namespace+"/"+o.Name]
		if g == nil {
			t.Errorf("%s %s/%s not stored", o.Kind, o.Namespace, o.Name)
			continue
		}
		for k, v := range want {
			if k == "metadata" {
				wm, gm := v.(map[string]any), g[k].(map[string]any)
				for _, f := range []string{"name", "namespace", "labels"} {
					if !reflect.DeepEqual(wm[f], gm[f]) {
						t.Errorf("%s/%s metadata.%s = %v, want %v", o.Namespace, o.Name, f, gm[f], wm[f])
					}
				}
				continue
			}
			// JSON numbers decode as float64 on both sides.
			gb, _ := json.Marshal(g[k])
			var gv any
			_ = json.Unmarshal(gb, &gv)
			if !reflect.DeepEqual(v, gv) {
				t.Errorf("%s/%s %s = %s, want %v", o.Namespace, o.Name, k, gb, v)
			}
		}
	}
}

// The real CRD accepts every object (strict field validation on), they
// read back as written, and a second run replaces them: the fixed finding
// is gone, a namespace with no results left loses its Report, and a split
// that shrank loses its extra part.
func TestLivePublishAndReplace(t *testing.T) {
	cfg := startWith(t, openReportsCRD)
	opts := Options{DocLink: docLink, MaxResults: 1}
	tg, err := New(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	waitServed(t, tg, OpenReports)
	ctx := t.Context()

	rep := smallReport()
	if err := tg.Publish(ctx, &publish.Run{Report: rep}); err != nil {
		t.Fatal(err)
	}
	lines, got := stored(t, cfg, OpenReports)
	want := []string{
		"ClusterReport /seaworthy results=1 pass=0 fail=1 warn=0 error=0 skip=0",
		"ClusterReport /seaworthy-2 results=1 pass=0 fail=0 warn=0 error=1 skip=0",
		"Report team-a/seaworthy results=1 pass=0 fail=0 warn=1 error=0 skip=0",
		"Report team-a/seaworthy-2 results=1 pass=1 fail=0 warn=0 error=0 skip=0",
		"Report team-b/seaworthy results=1 pass=0 fail=0 warn=0 error=0 skip=1",
	}
	if !reflect.DeepEqual(lines, want) {
		t.Fatalf("first run stored:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	sameContent(t, Build(rep, OpenReports, opts), got)

	// Second run: the warn on team-a/web is fixed (gone), team-b's Job is
	// deleted, the Node's zone label became readable.
	rep2 := smallReport()
	rep2.Results = []result.Result{rep.Results[0], rep.Results[3]}
	rep2.Results[1].Status = result.StatusPass
	if err := tg.Publish(ctx, &publish.Run{Report: rep2}); err != nil {
		t.Fatal(err)
	}
	lines, got = stored(t, cfg, OpenReports)
	want = []string{
		"ClusterReport /seaworthy results=1 pass=0 fail=1 warn=0 error=0 skip=0",
		"Report team-a/seaworthy results=1 pass=1 fail=0 warn=0 error=0 skip=0",
	}
	if !reflect.DeepEqual(lines, want) {
		t.Fatalf("second run stored:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	sameContent(t, Build(rep2, OpenReports, opts), got)
	if msg := got["team-a/seaworthy"]["results"].([]any)[0].(map[string]any)["message"]; msg != "api <burstable>" {
		t.Errorf("team-a's result is %v", msg)
	}

	// An object seaworthy does not manage is left alone.
	other := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "openreports.io/v1alpha1", "kind": "Report", "metadata": map[string]any{"name": "kyverno", "namespace": "team-b"}}}
	dyn := dynamic.NewForConfigOrDie(cfg)
	if _, err := dyn.Resource(OpenReports.Resource(true)).Namespace("team-b").Create(ctx, other, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := tg.Publish(ctx, &publish.Run{Report: rep2}); err != nil {
		t.Fatal(err)
	}
	if _, err := dyn.Resource(OpenReports.Resource(true)).Namespace("team-b").Get(ctx, "kyverno", metav1.GetOptions{}); err != nil {
		t.Errorf("another tool's Report was touched: %v", err)
	}
}

// With only wgpolicyk8s.io served, the same results go to PolicyReports.
func TestLivePublishFallsBackToPolicyReports(t *testing.T) {
	cfg := startWith(t, policyReportCRD)
	tg, err := New(cfg, Options{DocLink: docLink})
	if err != nil {
		t.Fatal(err)
	}
	waitServed(t, tg, PolicyReports)
	rep := smallReport()
	if err := tg.Publish(t.Context(), &publish.Run{Report: rep}); err != nil {
		t.Fatal(err)
	}
	lines, got := stored(t, cfg, PolicyReports)
	want := []string{
		"ClusterPolicyReport /seaworthy results=2 pass=0 fail=1 warn=0 error=1 skip=0",
		"PolicyReport team-a/seaworthy results=2 pass=1 fail=0 warn=1 error=0 skip=0",
		"PolicyReport team-b/seaworthy results=1 pass=0 fail=0 warn=0 error=0 skip=1",
	}
	if !reflect.DeepEqual(lines, want) {
		t.Fatalf("stored:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	sameContent(t, Build(rep, PolicyReports, Options{DocLink: docLink}), got)
}

// With neither group, publishing fails with one line saying what to
// install, and writes nothing.
func TestLivePublishNeitherInstalled(t *testing.T) {
	cfg := startWith(t)
	tg, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = tg.Publish(context.Background(), &publish.Run{Report: &report.Report{CollectedAt: testNow}})
	if !errors.Is(err, ErrNotInstalled) || err.Error() != "neither openreports.io nor wgpolicyk8s.io reports are installed: install the OpenReports CRDs (reports.openreports.io and clusterreports.openreports.io)" {
		t.Fatalf("err = %v", err)
	}
}

// With more objects than applyWorkers, every object is applied, and when
// some fail the error names the first failing object in Build's order,
// counts the rest, and nothing is deleted. The applies into the two
// namespaces that exist succeed; the 20 into namespaces never created
// fail.
func TestLivePublishManyObjectsFirstFailure(t *testing.T) {
	cfg := startWith(t, openReportsCRD)
	tg, err := New(cfg, Options{DocLink: docLink})
	if err != nil {
		t.Fatal(err)
	}
	waitServed(t, tg, OpenReports)
	ctx := t.Context()
	if err := tg.Publish(ctx, &publish.Run{Report: smallReport()}); err != nil {
		t.Fatal(err)
	}

	rep := smallReport()
	rep.Results = rep.Results[:3] // team-b's result is gone: its Report is stale
	for i := range 20 {
		ns := fmt.Sprintf("missing-%02d", i)
		rep.Results = append(rep.Results, result.Result{Check: "RES-001", Status: result.StatusWarn,
			Object: result.Ref("apps/v1", "Deployment", ns, "web"), Message: "web sets no memory request"})
	}
	if n := len(Build(rep, OpenReports, Options{DocLink: docLink})); n != 22 {
		t.Fatalf("built %d objects, want 22", n)
	}
	err = tg.Publish(ctx, &publish.Run{Report: rep})
	want := `apply Report missing-00/seaworthy: namespaces "missing-00" not found (and 19 more of 22 objects failed)`
	if err == nil || err.Error() != want {
		t.Fatalf("Publish = %v, want %s", err, want)
	}
	lines, _ := stored(t, cfg, OpenReports)
	wantLines := []string{
		"ClusterReport /seaworthy results=2 pass=0 fail=1 warn=0 error=1 skip=0",
		"Report team-a/seaworthy results=1 pass=0 fail=0 warn=1 error=0 skip=0",
		"Report team-b/seaworthy results=1 pass=0 fail=0 warn=0 error=0 skip=1",
	}
	if !reflect.DeepEqual(lines, wantLines) {
		t.Fatalf("stored:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(wantLines, "\n"))
	}
}

// New raises the rate limits on its own copy: the caller's config (shared
// with the audit's other clients) is left as it was.
func TestNewLeavesCallersConfig(t *testing.T) {
	cfg := &rest.Config{Host: "https://127.0.0.1:1"}
	tg, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.QPS != 0 || cfg.Burst != 0 {
		t.Errorf("the caller's config changed: QPS %v, Burst %d", cfg.QPS, cfg.Burst)
	}
	if tg.dyn == nil {
		t.Fatal("no dynamic client")
	}
}
