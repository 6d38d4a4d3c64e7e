package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/seaworthy-k8s/seaworthy/recommender"
	"github.com/seaworthy-k8s/seaworthy/recommender/vpa"
)

// recNow is the end of every generated history and the runs' --now.
var recNow = time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)

// recFixture is a small cluster of manifests: in shop, Deployment web
// (app, resized from history; sidecar, never seen in history) and
// Deployment api (requests already at the recommendation); in other,
// Deployment worker (its container renamed from "old" to "worker"
// halfway through the history), Deployment db and a custom resource of a
// kind seaworthy does not know.
const recFixture = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Namespace
metadata: {name: other}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: registry.invalid/web:1
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: 200m, memory: 256Mi}
      - name: sidecar
        image: registry.invalid/sidecar:1
        resources:
          requests: {cpu: 50m, memory: 64Mi}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: app
        image: registry.invalid/api:1
        resources:
          requests: {cpu: API_CPU, memory: API_MEMORY}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: worker, namespace: other}
spec:
  replicas: 1
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker}}
    spec:
      containers:
      - name: worker
        image: registry.invalid/worker:2
        resources:
          requests: {cpu: 100m, memory: 100Mi}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: other}
spec:
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
      - name: db
        image: registry.invalid/db:1
        resources:
          requests: {cpu: 100m, memory: 100Mi}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: gadget, namespace: other}
spec:
  size: 3
`

// widgetWarning is what loading recFixture says on stderr.
const widgetWarning = "warning: skipped 1 Widget (example.com/v1): a kind seaworthy does not read\n"

// recSeries is one pod container's generated history: 8 days at 1 m
// ending at recNow, CPU and memory cycling through their values, from
// sample from (inclusive) to to (exclusive).
type recSeries struct {
	ns, pod, container string
	cpu, mem           []float64
	from, to           int
}

const recPoints = 8 * 24 * 60

// recHistory is the history of recFixture's pods: two pods of web (of two
// ReplicaSets, a rollout), one of api, worker's container under its old
// name for the first half and its new one for the second, db, and a pod of
// a workload the manifests do not hold in each namespace.
var recHistory = []recSeries{
	{"shop", "web-7d4b9c8f6d-x2k9p", "app", []float64{0.2, 0.4, 0.3}, []float64{300 << 20, 200 << 20}, 0, recPoints},
	{"shop", "web-5f6d7c8b9-qwz2x", "app", []float64{0.2, 0.4, 0.3}, []float64{300 << 20, 200 << 20}, 0, recPoints},
	{"shop", "api-6b7c8d9f5-bcdfg", "app", []float64{0.05, 0.07}, []float64{100 << 20}, 0, recPoints},
	{"shop", "ghost-5f6d7c8b9-zzzzz", "app", []float64{1}, []float64{1 << 30}, 0, recPoints},
	{"other", "phantom-5f6d7c8b9-zzzzz", "app", []float64{1}, []float64{1 << 30}, 0, recPoints},
	{"other", "worker-5d8f7c6b9-w2x4z", "old", []float64{0.5}, []float64{400 << 20}, 0, recPoints / 2},
	{"other", "worker-5d8f7c6b9-w2x4z", "worker", []float64{0.6}, []float64{500 << 20}, recPoints / 2, recPoints},
	{"other", "db-5d8f7c6b9-d2b4c", "db", []float64{0.9, 1.1}, []float64{700 << 20, 800 << 20}, 0, recPoints},
}

// sampleTime is the Unix ms of sample i: the last one at recNow.
func sampleTime(i int) int64 {
	return recNow.Add(time.Duration(i-recPoints+1) * time.Minute).UnixMilli()
}

// writeQueryRange writes series as a Prometheus query_range response (the
// shape `curl .../api/v1/query_range` saves), values picked by pick.
func writeQueryRange(t *testing.T, path string, series []recSeries, pick func(recSeries) []float64) {
	t.Helper()
	var b bytes.Buffer
	b.WriteString(`{"status":"success","data":{"resultType":"matrix","result":[`)
	for n, s := range series {
		if n > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"metric":{"container":%q,"namespace":%q,"pod":%q},"values":[`, s.container, s.ns, s.pod)
		vals := pick(s)
		for i := s.from; i < s.to; i++ {
			if i > s.from {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `[%d,"%s"]`, sampleTime(i)/1000, strconv.FormatFloat(vals[i%len(vals)], 'g', -1, 64))
		}
		b.WriteString(`]}`)
	}
	b.WriteString(`]}}`)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// recInput writes the fixture (api's requests as given) and its history,
// and returns the manifests file and the history directory.
func recInput(t *testing.T, apiCPU, apiMemory string) (manifests, history string) {
	t.Helper()
	dir := t.TempDir()
	manifests = filepath.Join(dir, "cluster.yaml")
	text := strings.NewReplacer("API_CPU", apiCPU, "API_MEMORY", apiMemory).Replace(recFixture)
	if err := os.WriteFile(manifests, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	history = filepath.Join(dir, "history")
	if err := os.Mkdir(history, 0o755); err != nil {
		t.Fatal(err)
	}
	writeQueryRange(t, filepath.Join(history, "cpu.json"), recHistory, func(s recSeries) []float64 { return s.cpu })
	writeQueryRange(t, filepath.Join(history, "memory.json"), recHistory, func(s recSeries) []float64 { return s.mem })
	return manifests, history
}

// Api's requests in the fixture: exactly its recommendation (its
// estimate's target, 93m, and the 250Mi pod floor; TestRecommendJSON
// checks both against the estimator), so api is kept.
const apiCPU, apiMemory = "93m", "250Mi"

// estimate runs the estimator directly on the samples recHistory gives
// one workload's container, every pod of it one instance, as VPA
// aggregates a workload: the expected values of the CLI's estimates.
// others are the names of the workload's other containers with history
// (VPA divides the pod floors among them).
func estimate(t *testing.T, ns, podPrefix, container string, others ...string) vpa.Estimate {
	t.Helper()
	cfg := vpa.DefaultConfig()
	aggs := map[string]*vpa.Aggregate{}
	for _, name := range append([]string{container}, others...) {
		a := vpa.NewAggregate(cfg)
		for _, s := range recHistory {
			if s.ns != ns || !strings.HasPrefix(s.pod, podPrefix) || s.container != name {
				continue
			}
			inst := a.NewInstance()
			for i := s.from; i < s.to; i++ {
				inst.AddMemory(sampleTime(i), s.mem[i%len(s.mem)])
			}
			for i := s.from; i < s.to; i++ {
				inst.AddCPU(sampleTime(i), s.cpu[i%len(s.cpu)])
			}
		}
		aggs[name] = a
	}
	return vpa.Recommend(cfg, aggs)[container]
}

// recDoc is the part of recommend's JSON these tests read.
type recDoc struct {
	SchemaVersion string                  `json:"schemaVersion"`
	CollectedAt   time.Time               `json:"collectedAt"`
	Containers    []recommender.Container `json:"containers"`
	Unmatched     []string                `json:"unmatched"`
	Samples       int64                   `json:"samples"`
	Summary       struct {
		Containers, Resize, Keep, Skip int
	} `json:"summary"`
}

func decodeRecommend(t *testing.T, data string) recDoc {
	t.Helper()
	var d recDoc
	if err := json.Unmarshal([]byte(data), &d); err != nil {
		t.Fatalf("stdout is not recommend's JSON: %v\n%.2000s", err, data)
	}
	return d
}

func findRec(t *testing.T, d recDoc, workload, container string) recommender.Container {
	t.Helper()
	for _, c := range d.Containers {
		if c.Workload.Namespace+"/"+c.Workload.Kind+"/"+c.Workload.Name == workload && c.Container == container {
			return c
		}
	}
	t.Fatalf("no container %s %s in %+v", workload, container, d.Containers)
	return recommender.Container{}
}

// recArgs are a run over the fixture and its saved history.
func recArgs(t *testing.T, extra ...string) []string {
	t.Helper()
	m, h := recInput(t, apiCPU, apiMemory)
	return append([]string{"recommend", "-f", m, "--now", recNow.Format(time.RFC3339), "--history-file", h}, extra...)
}

func TestRecommendBadInput(t *testing.T) {
	dir := t.TempDir()
	m, h := recInput(t, apiCPU, apiMemory)
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	vector := write("cpu-vector.json", `{"status":"success","data":{"resultType":"vector","result":[]}}`)
	plain := write("cpu-plain.json", "container_memory_working_set_bytes 1\n")
	empty := write("memory-empty.json", "")
	promErr := write("cpu-error.json", `{"status":"error","errorType":"bad_data","error":"1:6: unexpected end of input"}`)
	missing := filepath.Join(dir, "missing.json")
	// A Prometheus that refuses every query, as it answers a bad one.
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:6: unexpected end of input"}`)
	}))
	defer bad.Close()
	base := []string{"recommend", "-f", m, "--now", recNow.Format(time.RFC3339)}
	with := func(args []string, extra ...string) []string { return append(append([]string{}, args...), extra...) }
	prom := with(base, "--prometheus", "http://127.0.0.1:1")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no history", base, "error: no usage history: give --prometheus URL, --history-file FILE or --metrics"},
		{"two history sources", with(prom, "--history-file", h), "error: --prometheus, --history-file and --metrics are alternatives: give one"},
		{"vector response", with(base, "--history-file", vector), "error: history file " + vector + " is a vector; want the output of query_range"},
		{"plain text", with(base, "--history-file", plain), "error: history file " + plain + `: parse query_range response: not JSON (starts with "container_memory")`},
		{"empty file", with(base, "--history-file", empty), "error: history file " + empty + ": parse query_range response: empty body"},
		{"prometheus error response", with(base, "--history-file", promErr), "error: history file " + promErr + ": bad_data: 1:6: unexpected end of input"},
		{"missing file", with(base, "--history-file", missing), "error: read history: stat " + missing + ": no such file or directory"},
		{"closed port", prom, "error: prometheus http://127.0.0.1:1 unreachable: connection refused"},
		// Prometheus's own message, after the server's URL.
		{"prometheus 400", with(base, "--prometheus", bad.URL), "error: query prometheus " + bad.URL + `: bad_data: invalid parameter "query": 1:6: unexpected end of input`},
		{"bad --history", with(prom, "--history", "8x"), `error: invalid --history "8x": want a duration such as 8d or 36h`},
		{"zero --history", with(prom, "--history", "0d"), `error: invalid --history "0d": want a duration such as 8d or 36h`},
		{"bad --step", with(prom, "--step", "100ms"), "error: invalid --step 100ms: at least 1s"},
		{"history shorter than step", with(prom, "--history", "1h", "--step", "2h"), "error: invalid --history 1h: shorter than --step 2h0m0s"},
		{"bad --limits", with(prom, "--limits", "double"), `error: invalid --limits: unknown limit policy "double" (want one of: ratio, requests-only, guaranteed, burstable)`},
		{"bad --confidence", with(prom, "--confidence", "high"), `error: invalid --confidence "high": want vpa or step-aware`},
		{"zero --round-memory", with(prom, "--round-memory", "0"), `error: invalid --round-memory "0": want a quantity such as 1Mi or 1`},
		{"bad --round-memory", with(prom, "--round-memory", "1MB!"), `error: invalid --round-memory "1MB!": want a quantity such as 1Mi or 1`},
		{"bad -o", with(prom, "-o", "csv"), `error: unknown output format "csv" (want one of: table, wide, json, yaml, patch, jsonpatch, vpa)`},
		{"--force without --kustomize", with(prom, "--force"), "error: --force applies only with --kustomize"},
		{"--sample without --metrics", with(prom, "--sample", "5m"), "error: --sample applies only with --metrics"},
		{"--metrics with -f", with(base, "--metrics"), "error: --metrics reads a live cluster's metrics.k8s.io; it cannot be used with -f"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := execute(t, "", tc.args...)
			assertRunError(t, r, tc.want)
		})
	}
}

// --kustomize never replaces a directory seaworthy did not write, and a
// refusal leaves it as it was and prints nothing.
func TestRecommendKustomizeRefusesForeignDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := execute(t, "", recArgs(t, "--kustomize", dir)...)
	assertRunError(t, r, "error: write --kustomize "+dir+": write "+dir+": refuse to replace a directory that is not empty and not an earlier seaworthy output (no kustomization.yaml starting with its marker); choose another directory or force the replacement")
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 || entries[0].Name() != "notes.txt" {
		t.Fatalf("the directory changed: %v %v", entries, err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "notes.txt")); string(b) != "mine\n" {
		t.Errorf("notes.txt = %q", b)
	}
}

// The JSON's estimates are exactly the estimator's over the same samples,
// and the recommended requests follow from them by the documented rules.
func TestRecommendJSON(t *testing.T) {
	r := execute(t, "", recArgs(t, "-o", "json")...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	d := decodeRecommend(t, r.stdout)
	if d.SchemaVersion != RecommendSchemaVersion || RecommendSchemaVersion != "seaworthy.recommendations/v1" || !d.CollectedAt.Equal(recNow) {
		t.Errorf("schemaVersion %q collectedAt %s", d.SchemaVersion, d.CollectedAt)
	}
	const mi = 1 << 20
	roundMi := func(b int64) int64 { return (b + mi - 1) / mi * mi }
	for _, tc := range []struct {
		workload, prefix, container string
		pods, samples               int
		action                      recommender.Action
	}{
		// Two pods of two ReplicaSets, each 8 days at 1 m.
		{"shop/Deployment/web", "web-", "app", 2, 2 * recPoints, recommender.ActionResize},
		// Already at its recommendation.
		{"shop/Deployment/api", "api-", "app", 1, recPoints, recommender.ActionKeep},
		// Only the second half of the history is under the new name.
		{"other/Deployment/worker", "worker-", "worker", 1, recPoints / 2, recommender.ActionResize},
		{"other/Deployment/db", "db-", "db", 1, recPoints, recommender.ActionResize},
	} {
		t.Run(tc.workload, func(t *testing.T) {
			want := estimate(t, strings.Split(tc.workload, "/")[0], tc.prefix, tc.container)
			c := findRec(t, d, tc.workload, tc.container)
			if c.Estimate != (recommender.Bounds{Lower: recommender.Amounts(want.Lower), Target: recommender.Amounts(want.Target), Upper: recommender.Amounts(want.Upper)}) {
				t.Errorf("estimate %+v, want the estimator's %+v", c.Estimate, want.Bounds)
			}
			if c.Confidence != want.Confidence || c.Pods != tc.pods || c.Samples != tc.samples || c.Action != tc.action {
				t.Errorf("confidence %v pods %d samples %d action %s (%q), want %v %d %d %s", c.Confidence, c.Pods, c.Samples, c.Action, c.Reasons, want.Confidence, tc.pods, tc.samples, tc.action)
			}
			// Requests: the target, memory rounded up to 1 Mi.
			if req := c.Recommended.Requests; req.CPUMillis != want.Target.CPUMillis || req.MemoryBytes != roundMi(want.Target.MemoryBytes) {
				t.Errorf("recommended requests %+v, want target %+v with memory rounded up to 1Mi", req, want.Target)
			}
		})
	}
	// api's requests in the fixture are its recommendation.
	if e := estimate(t, "shop", "api-", "app"); e.Target.CPUMillis != 93 || roundMi(e.Target.MemoryBytes) != 250*mi {
		t.Errorf("api's target %+v: update apiCPU and apiMemory", e.Target)
	}
	// web: limits keep the template's ratio 2 (200m / 100m, 256Mi / 128Mi).
	web := findRec(t, d, "shop/Deployment/web", "app")
	if l := web.Recommended.Limits; l.CPUMillis != 2*web.Recommended.Requests.CPUMillis || l.MemoryBytes != 2*web.Recommended.Requests.MemoryBytes {
		t.Errorf("web limits %+v, want twice the requests %+v", l, web.Recommended.Requests)
	}
	if s := findRec(t, d, "shop/Deployment/web", "sidecar"); s.Action != recommender.ActionSkip || s.Samples != 0 ||
		strings.Join(s.Reasons, "; ") != "no usage history for this container in the history window" {
		t.Errorf("sidecar %s %q, want a skip for no history", s.Action, s.Reasons)
	}
	// The renamed container: skipped, with the reason, its history not
	// mixed into the new name's.
	if o := findRec(t, d, "other/Deployment/worker", "old"); o.Action != recommender.ActionSkip || o.Pods != 1 ||
		strings.Join(o.Reasons, "; ") != "history names this container, but the pod template has no container of that name (renamed or removed); nothing to resize" {
		t.Errorf("old %s %q, want a skip: not in the template", o.Action, o.Reasons)
	}
	if strings.Join(d.Unmatched, " ") != "other/phantom-5f6d7c8b9-zzzzz shop/ghost-5f6d7c8b9-zzzzz" {
		t.Errorf("unmatched %v, want the pods of no workload", d.Unmatched)
	}
	// 6 containers (web's two, api, worker and its old name, db); samples:
	// the CPU and memory samples aggregated, ghost's left out: 2 × (web 2
	// + api 1 + worker ½ + old ½ + db 1) × recPoints.
	if s := d.Summary; s.Containers != 6 || s.Resize != 3 || s.Keep != 1 || s.Skip != 2 || d.Samples != 2*5*recPoints {
		t.Errorf("summary %+v samples %d, want 6 containers: 3 resize, 1 keep, 2 skip; %d samples", s, d.Samples, 2*5*recPoints)
	}
	// The custom resource is skipped with a warning on stderr, nothing
	// more.
	if r.stderr != widgetWarning {
		t.Errorf("stderr %q", r.stderr)
	}
}

// Ctrl-C while Prometheus has not answered: the interrupt exit code,
// nothing on stdout, nothing in the --kustomize directory.
func TestRecommendInterruptedFetch(t *testing.T) {
	release := make(chan struct{})
	hung := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer hung.Close()
	defer close(release)
	m, _ := recInput(t, apiCPU, apiMemory)
	out := filepath.Join(t.TempDir(), "sizing")
	r := executeCancelled(t, "recommend", "-f", m, "--now", recNow.Format(time.RFC3339), "--prometheus", hung.URL, "-q", "--kustomize", out)
	// The fixture's custom resource is warned about while loading, before
	// the fetch.
	if r.code != ExitInterrupted || r.stdout != "" || r.stderr != widgetWarning+"interrupted\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 130, nothing, \"interrupted\"", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("the interrupted run wrote %s: %v", out, err)
	}
}

// recRuns runs recommend over one copy of the fixture in each of the
// given output formats (the same input paths, so documents compare).
func recRuns(t *testing.T, formats ...string) (manifests string, out map[string]string) {
	t.Helper()
	m, h := recInput(t, apiCPU, apiMemory)
	out = map[string]string{}
	for _, f := range formats {
		r := execute(t, "", "recommend", "-f", m, "--now", recNow.Format(time.RFC3339), "--history-file", h, "-o", f)
		if r.code != 0 || r.stderr != widgetWarning {
			t.Fatalf("-o %s: exit %d, stderr %q", f, r.code, r.stderr)
		}
		out[f] = r.stdout
	}
	return m, out
}

// fixtureDeployments are recFixture's Deployments by namespace/name.
func fixtureDeployments(t *testing.T, manifests string) map[string]appsv1.Deployment {
	t.Helper()
	data, err := os.ReadFile(manifests)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]appsv1.Deployment{}
	for _, doc := range strings.Split(string(data), "\n---\n") {
		var d appsv1.Deployment
		if err := sigsyaml.Unmarshal([]byte(doc), &d); err != nil {
			t.Fatal(err)
		}
		if d.Kind == "Deployment" {
			out[d.Namespace+"/"+d.Name] = d
		}
	}
	return out
}

// checkResources says how a patched Deployment's containers differ from
// the recommendations of the resized ones (and from their own settings,
// for the rest).
func checkResources(t *testing.T, how string, got appsv1.Deployment, orig appsv1.Deployment, d recDoc) {
	t.Helper()
	for i, c := range got.Spec.Template.Spec.Containers {
		want := orig.Spec.Template.Spec.Containers[i].Resources
		for _, rc := range d.Containers {
			if rc.Workload.Namespace == got.Namespace && rc.Workload.Name == got.Name && rc.Container == c.Name && rc.Action == recommender.ActionResize {
				want = corev1.ResourceRequirements{Requests: resourceList(rc.Recommended.Requests), Limits: resourceList(rc.Recommended.Limits)}
			}
		}
		if !equalResources(c.Resources.Requests, want.Requests) || !equalResources(c.Resources.Limits, want.Limits) {
			t.Errorf("%s: %s/%s %s resources %v, want %v", how, got.Namespace, got.Name, c.Name, c.Resources, want)
		}
	}
}

func resourceList(a recommender.Amounts) corev1.ResourceList {
	l := corev1.ResourceList{}
	if a.CPUMillis > 0 {
		l[corev1.ResourceCPU] = *resource.NewMilliQuantity(a.CPUMillis, resource.DecimalSI)
	}
	if a.MemoryBytes > 0 {
		l[corev1.ResourceMemory] = *resource.NewQuantity(a.MemoryBytes, resource.BinarySI)
	}
	return l
}

func equalResources(a, b corev1.ResourceList) bool {
	if len(a) != len(b) {
		return false
	}
	for k, q := range a {
		if w, ok := b[k]; !ok || q.Cmp(w) != 0 {
			return false
		}
	}
	return true
}

// Every output format parses, and the patch formats, applied to the
// manifests, give exactly the JSON's recommendations.
func TestRecommendOutputs(t *testing.T) {
	m, out := recRuns(t, "json", "yaml", "patch", "jsonpatch", "vpa")
	d := decodeRecommend(t, out["json"])
	deployments := fixtureDeployments(t, m)

	t.Run("yaml is the json document", func(t *testing.T) {
		fromYAML, err := sigsyaml.YAMLToJSON([]byte(out["yaml"]))
		if err != nil {
			t.Fatal(err)
		}
		var a, b any
		if err := json.Unmarshal(fromYAML, &a); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(out["json"]), &b); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			ja, _ := json.Marshal(a)
			jb, _ := json.Marshal(b)
			t.Errorf("yaml and json differ:\n%s\n%s", ja, jb)
		}
	})

	t.Run("patch", func(t *testing.T) {
		// One document per resized workload: db, worker, web (api is kept).
		docs := strings.Split(strings.TrimSpace(out["patch"]), "\n---\n")
		if len(docs) != 3 {
			t.Fatalf("%d documents, want 3:\n%s", len(docs), out["patch"])
		}
		for _, doc := range docs {
			var meta metav1.PartialObjectMetadata
			if err := sigsyaml.Unmarshal([]byte(doc), &meta); err != nil {
				t.Fatal(err)
			}
			orig, ok := deployments[meta.Namespace+"/"+meta.Name]
			if meta.Kind != "Deployment" || meta.APIVersion != "apps/v1" || !ok {
				t.Fatalf("patch for %s %s/%s, not a fixture Deployment", meta.Kind, meta.Namespace, meta.Name)
			}
			origJSON, _ := json.Marshal(orig)
			patchJSON, err := sigsyaml.YAMLToJSON([]byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			merged, err := strategicpatch.StrategicMergePatch(origJSON, patchJSON, appsv1.Deployment{})
			if err != nil {
				t.Fatalf("apply the patch to %s: %v", meta.Name, err)
			}
			var got appsv1.Deployment
			if err := json.Unmarshal(merged, &got); err != nil {
				t.Fatal(err)
			}
			checkResources(t, "strategic merge", got, orig, d)
		}
	})

	t.Run("jsonpatch", func(t *testing.T) {
		var docs []struct {
			Target struct{ Group, Version, Kind, Namespace, Name string } `json:"target"`
			Patch  json.RawMessage                                        `json:"patch"`
		}
		if err := json.Unmarshal([]byte(out["jsonpatch"]), &docs); err != nil {
			t.Fatal(err)
		}
		if len(docs) != 3 {
			t.Fatalf("%d patches, want 3", len(docs))
		}
		for _, doc := range docs {
			orig, ok := deployments[doc.Target.Namespace+"/"+doc.Target.Name]
			if doc.Target.Group != "apps" || doc.Target.Version != "v1" || doc.Target.Kind != "Deployment" || !ok {
				t.Fatalf("target %+v", doc.Target)
			}
			p, err := jsonpatch.DecodePatch(doc.Patch)
			if err != nil {
				t.Fatal(err)
			}
			origJSON, _ := json.Marshal(orig)
			patched, err := p.Apply(origJSON)
			if err != nil {
				t.Fatalf("apply the json patch to %s: %v", doc.Target.Name, err)
			}
			var got appsv1.Deployment
			if err := json.Unmarshal(patched, &got); err != nil {
				t.Fatal(err)
			}
			checkResources(t, "json patch", got, orig, d)
		}
	})

	t.Run("vpa", func(t *testing.T) {
		docs := strings.Split(strings.TrimSpace(out["vpa"]), "\n---\n")
		var names []string
		for _, doc := range docs {
			var v struct {
				APIVersion, Kind string
				Metadata         metav1.ObjectMeta
				Spec             struct {
					TargetRef    struct{ APIVersion, Kind, Name string } `json:"targetRef"`
					UpdatePolicy struct{ UpdateMode string }             `json:"updatePolicy"`
				}
			}
			if err := sigsyaml.Unmarshal([]byte(doc), &v); err != nil {
				t.Fatal(err)
			}
			if v.APIVersion != "autoscaling.k8s.io/v1" || v.Kind != "VerticalPodAutoscaler" || v.Spec.UpdatePolicy.UpdateMode != "Off" || v.Spec.TargetRef.Kind != "Deployment" {
				t.Errorf("vpa %+v", v)
			}
			names = append(names, v.Metadata.Namespace+"/"+v.Spec.TargetRef.Name)
		}
		if got := strings.Join(names, " "); got != "other/db other/worker shop/web" {
			t.Errorf("vpas for %s, want the resized workloads", got)
		}
	})
}

// kustomize itself builds the --kustomize directory over the manifests,
// each resized Deployment then carrying exactly its recommendation.
func TestRecommendKustomizeBuilds(t *testing.T) {
	m, h := recInput(t, apiCPU, apiMemory)
	dir := filepath.Join(t.TempDir(), "sizing")
	r := execute(t, "", "recommend", "-f", m, "--now", recNow.Format(time.RFC3339), "--history-file", h, "-o", "json", "--kustomize", dir)
	if r.code != 0 || r.stderr != widgetWarning+"Wrote 3 patch files and a kustomization.yaml to "+dir+"\n" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	d := decodeRecommend(t, r.stdout)
	// As the flag's help says: add `resources:` with the manifests.
	manifests, err := os.ReadFile(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cluster.yaml"), manifests, 0o644); err != nil {
		t.Fatal(err)
	}
	k, err := os.OpenFile(filepath.Join(dir, "kustomization.yaml"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(k, "resources:\n- cluster.yaml\n")
	k.Close()
	res, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build: %v", err)
	}
	orig := fixtureDeployments(t, m)
	seen := 0
	for _, rn := range res.Resources() {
		if rn.GetKind() != "Deployment" {
			continue
		}
		b, err := rn.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var got appsv1.Deployment
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		checkResources(t, "kustomize", got, orig[got.Namespace+"/"+got.Name], d)
		seen++
	}
	if seen != 4 || len(res.Resources()) != 7 {
		t.Errorf("built %d objects, %d Deployments; want 7 (2 namespaces, 4 Deployments, the Widget) and 4", len(res.Resources()), seen)
	}
	// A second run replaces its own directory.
	if r := execute(t, "", "recommend", "-f", m, "--now", recNow.Format(time.RFC3339), "--history-file", h, "-q", "--kustomize", dir, "-o", "json"); r.code != 0 {
		t.Fatalf("rerun: exit %d %q", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "cluster.yaml")); !os.IsNotExist(err) {
		t.Errorf("the rerun kept a file of the old directory: %v", err)
	}
}

// The table, exactly, for -n shop: a resized workload with a container
// without history, a kept one, and the pod no workload holds.
func TestRecommendTable(t *testing.T) {
	m, h := recInput(t, apiCPU, apiMemory)
	r := execute(t, "", "recommend", "-f", m, "--now", recNow.Format(time.RFC3339), "--history-file", h, "-n", "shop", "--show-all")
	if r.code != 0 || r.stderr != widgetWarning {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	got := strings.ReplaceAll(r.stdout, h, "HISTORY")
	// web: 476m = the CPU target, 363Mi = the memory target rounded up to
	// 1Mi, limits twice them (the template's ratio). The change counts 2
	// replicas: (476m − 100m) × 2 = +0.75 cores, (363 − 128) Mi × 2 =
	// 470Mi = +0.46 GiB, (952m − 200m) × 2 = +1.50, (726 − 256) Mi × 2 =
	// 940Mi = +0.92 GiB. Samples: those of shop's containers, CPU and
	// memory: 2 × (web 2 pods + api 1) × 11,520 = 69,120. Unmatched:
	// shop's pod of no workload, not other's.
	want := `Recommendations for 3 containers of 2 workloads, from files HISTORY/memory.json, HISTORY/cpu.json (7d23h at 1m), as of 2026-03-09 00:00 UTC (69,120 samples)

 NAMESPACE  WORKLOAD        CONTAINER  CPU REQUEST  CPU LIMIT    MEMORY REQUEST  MEMORY LIMIT   CONFIDENCE  ACTION  WHY
 shop       Deployment/api  app        93m          -            250Mi           -              8.0d        keep    the recommendation equals the current settings
 shop       Deployment/web  app        100m → 476m  200m → 952m  128Mi → 363Mi   256Mi → 726Mi  8.0d        resize  the current cpu and memory requests are outside the recommended range [lower, upper]
 shop       Deployment/web  sidecar    50m          -            64Mi            -              -           skip    no usage history for this container in the history window

Change if every resize above is applied (usage-based, over all replicas):
 NAMESPACE  CPU REQUESTS  MEMORY REQUESTS  CPU LIMITS   MEMORY LIMITS  QUOTA
 shop       +0.75 cores   +0.46 GiB        +1.50 cores  +0.92 GiB      -

1 to resize, 1 to keep, 1 skipped.
History of 1 pod matched no workload of the input (pods of workloads it does not hold): shop/ghost-5f6d7c8b9-zzzzz
`
	if got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
	// -n in JSON too: only shop's containers.
	r = execute(t, "", "recommend", "-f", m, "--now", recNow.Format(time.RFC3339), "--history-file", h, "-n", "shop", "-o", "json")
	d := decodeRecommend(t, r.stdout)
	for _, c := range d.Containers {
		if c.Workload.Namespace != "shop" {
			t.Errorf("-n shop lists %s/%s", c.Workload.Namespace, c.Workload.Name)
		}
	}
	if len(d.Containers) != 3 || strings.Join(d.Unmatched, " ") != "shop/ghost-5f6d7c8b9-zzzzz" || d.Samples != 2*3*recPoints {
		t.Errorf("%d containers, unmatched %v, %d samples; want 3, the ghost pod, %d", len(d.Containers), d.Unmatched, d.Samples, 2*3*recPoints)
	}
}
