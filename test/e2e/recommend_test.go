package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster/usage/prometheus"
	"github.com/seaworthy-k8s/seaworthy/recommender"
	"github.com/seaworthy-k8s/seaworthy/recommender/vpa"
	"github.com/seaworthy-k8s/seaworthy/test/controlplane"
	promtest "github.com/seaworthy-k8s/seaworthy/test/prometheus"
)

// The cluster of the recommend tests: a Deployment of two pods, one of
// them replaced halfway through the history by a pod of a new ReplicaSet,
// with a sidecar that has no history; a StatefulSet whose pod was
// OOM-killed; a DaemonSet on two nodes; a CronJob whose job ran an hour a
// day.
const recommendFixture = `apiVersion: v1
kind: Namespace
metadata: {name: web}
---
apiVersion: v1
kind: Namespace
metadata: {name: data}
---
apiVersion: v1
kind: Namespace
metadata: {name: ops}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: frontend, namespace: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: frontend}}
  template:
    metadata: {labels: {app: frontend}}
    spec:
      containers:
      - name: app
        image: registry.invalid/frontend:3
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: 400m, memory: 512Mi}
      - name: nohist
        image: registry.invalid/proxy:1
        resources:
          requests: {cpu: 10m, memory: 32Mi}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: pg, namespace: data}
spec:
  replicas: 1
  serviceName: pg
  selector: {matchLabels: {app: pg}}
  template:
    metadata: {labels: {app: pg}}
    spec:
      containers:
      - name: postgres
        image: registry.invalid/postgres:17
        resources:
          requests: {cpu: 250m, memory: 512Mi}
          limits: {memory: 1Gi}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: ops}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers:
      - name: agent
        image: registry.invalid/agent:1
        resources:
          requests: {cpu: 50m, memory: 64Mi}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: ops}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
          - name: run
            image: registry.invalid/report:1
            resources:
              requests: {cpu: 100m, memory: 256Mi}
`

var (
	// recEnd is the end of the history and the runs' --now.
	recEnd = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	// recStart is the first sample: ten minutes before the 8-day window,
	// so rate()'s windows at the window's first points are full.
	recStart = recEnd.Add(-8*24*time.Hour - 10*time.Minute)
	// recOOM is when pg-0's postgres was OOM-killed.
	recOOM = recEnd.Add(-72*time.Hour + 30*time.Second)
)

// recPod is one pod container of the generated history, with samples
// from index from to to (inclusive), one a minute from recStart.
type recPod struct {
	ns, pod, container string
	from, to           int
	// baseMiB is its working set's base; usage ramps within each hour.
	baseMiB int
}

// recPoints is the number of minutes from recStart to recEnd, both ends.
var recPoints = int(recEnd.Sub(recStart)/time.Minute) + 1

func recPods() []recPod {
	half := recPoints / 2
	pods := []recPod{
		{"web", "frontend-6d4cf56db6-p2bq4", "app", 0, recPoints - 1, 300},
		// Replaced halfway: the old ReplicaSet's pod, then the new one's.
		{"web", "frontend-6d4cf56db6-x7z9k", "app", 0, half - 1, 300},
		{"web", "frontend-7f8b9c5d4-m4n5q", "app", half, recPoints - 1, 340},
		{"data", "pg-0", "postgres", 0, recPoints - 1, 900},
		{"ops", "agent-x2k9p", "agent", 0, recPoints - 1, 150},
		{"ops", "agent-b8q4z", "agent", 0, recPoints - 1, 160},
	}
	// The CronJob's job pods: one a day, running 03:00 to 04:00; a job
	// is named for its schedule time in minutes since the epoch.
	for day := recStart.Truncate(24 * time.Hour); day.Before(recEnd); day = day.Add(24 * time.Hour) {
		at := day.Add(3 * time.Hour)
		from := int(at.Sub(recStart) / time.Minute)
		if from < 0 || from+60 >= recPoints {
			continue
		}
		pods = append(pods, recPod{"ops", fmt.Sprintf("nightly-%d-bz9xq", at.Unix()/60), "run", from, from + 60, 400})
	}
	return pods
}

// recMemory is p's working set at sample k: whole bytes.
func recMemory(p recPod, k int) float64 {
	return float64(p.baseMiB<<20 + (k%60)*4096)
}

// recCPU is the CPU counter increment of the c-th pod container before
// sample k, in core-seconds: a multiple of 1/4, exact in binary.
func recCPU(c, k int) float64 { return float64(1+(31*c+17*k)%97) / 4 }

// writeRecommendHistory writes the pods' cAdvisor series and pg-0's
// kube-state-metrics termination series as OpenMetrics, cut into
// promtool's block length.
func writeRecommendHistory(t *testing.T, dir string) []string {
	t.Helper()
	pods := recPods()
	var files []string
	block := promtest.MaxBlockDuration
	for b := recStart.Truncate(block); !b.After(recEnd); b = b.Add(block) {
		lo := max(0, int((b.Sub(recStart)+time.Minute-1)/time.Minute))
		hi := min(recPoints-1, int((b.Add(block).Sub(recStart)-1)/time.Minute))
		if lo > hi {
			continue
		}
		path := filepath.Join(dir, fmt.Sprintf("block-%d.om", b.Unix()))
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		w := bufio.NewWriter(f)
		ts := func(k int) int64 { return recStart.Add(time.Duration(k) * time.Minute).Unix() }
		labels := func(p recPod) string {
			return fmt.Sprintf(`container=%q,id="/kubepods/pod%s/%s",job="kubelet",namespace=%q,pod=%q`, p.container, p.pod, p.container, p.ns, p.pod)
		}
		fmt.Fprintln(w, "# TYPE container_cpu_usage_seconds counter")
		for i, p := range pods {
			v := 0.0
			for k := p.from + 1; k < lo; k++ {
				v += recCPU(i, k)
			}
			for k := max(lo, p.from); k <= min(hi, p.to); k++ {
				if k > p.from {
					v += recCPU(i, k)
				}
				fmt.Fprintf(w, "container_cpu_usage_seconds_total{%s} %s %d\n", labels(p), strconv.FormatFloat(v, 'g', -1, 64), ts(k))
			}
		}
		fmt.Fprintln(w, "# TYPE container_memory_working_set_bytes gauge")
		for _, p := range pods {
			for k := max(lo, p.from); k <= min(hi, p.to); k++ {
				fmt.Fprintf(w, "container_memory_working_set_bytes{%s} %s %d\n", labels(p), strconv.FormatFloat(recMemory(p, k), 'g', -1, 64), ts(k))
			}
		}
		oomK := int((recOOM.Sub(recStart) + time.Minute - 1) / time.Minute)
		ksm := `container="postgres",job="kube-state-metrics",namespace="data",pod="pg-0",uid="u-pg-0"`
		fmt.Fprintln(w, "# TYPE kube_pod_container_status_last_terminated_reason gauge")
		for k := max(lo, oomK); k <= hi; k++ {
			fmt.Fprintf(w, "kube_pod_container_status_last_terminated_reason{%s,reason=\"OOMKilled\"} 1 %d\n", ksm, ts(k))
		}
		fmt.Fprintln(w, "# TYPE kube_pod_container_status_last_terminated_timestamp gauge")
		for k := max(lo, oomK); k <= hi; k++ {
			fmt.Fprintf(w, "kube_pod_container_status_last_terminated_timestamp{%s} %d %d\n", ksm, recOOM.Unix(), ts(k))
		}
		fmt.Fprintln(w, "# EOF")
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		f.Close()
		files = append(files, path)
	}
	return files
}

// promSeries is one series of a query_range answer: its labels and
// samples (Unix ms, value), decoded here with encoding/json.
type promSeries struct {
	labels map[string]string
	t      []int64
	v      []float64
}

// decodeQueryRange reads a query_range response.
func decodeQueryRange(t *testing.T, data []byte) []promSeries {
	t.Helper()
	var resp struct {
		Status string
		Data   struct {
			ResultType string
			Result     []struct {
				Metric map[string]string
				Values [][2]any
			}
		}
	}
	if err := json.Unmarshal(data, &resp); err != nil || resp.Status != "success" || resp.Data.ResultType != "matrix" {
		t.Fatalf("query_range response: %v %s %s", err, resp.Status, resp.Data.ResultType)
	}
	var out []promSeries
	for _, r := range resp.Data.Result {
		s := promSeries{labels: r.Metric}
		for _, pair := range r.Values {
			sec := pair[0].(float64)
			v, err := strconv.ParseFloat(pair[1].(string), 64)
			if err != nil {
				t.Fatal(err)
			}
			s.t = append(s.t, int64(sec*1000))
			s.v = append(s.v, v)
		}
		out = append(out, s)
	}
	return out
}

// recommendPrometheus backfills the history, starts Prometheus and saves
// the responses to the queries recommend makes (per namespace, in two
// chunks each under the 11,000-point limit) into dirs, named for their
// kind: oom-, memory-, cpu-<namespace>-<chunk>.json. The OOM files of
// dir hold the OOM reason query's answers, those of timesDir the OOM
// times query's, the one Fetch asks first.
func recommendPrometheus(t *testing.T, dir, timesDir string) (url string) {
	t.Helper()
	promtest.Require(t)
	work := t.TempDir()
	tsdb := filepath.Join(work, "tsdb")
	if err := promtest.Backfill(t.Context(), tsdb, writeRecommendHistory(t, work)...); err != nil {
		t.Fatal(err)
	}
	s := promtest.Start(t, tsdb)
	c, err := prometheus.NewClient(prometheus.Options{Address: s.URL, End: recEnd})
	if err != nil {
		t.Fatal(err)
	}
	start := recEnd.Add(-prometheus.DefaultHistory)
	mid := start.Add(4 * 24 * time.Hour)
	for _, ns := range []string{"data", "ops", "web"} {
		oomTimes, oomReasons, memQ, cpuQ := c.Queries(ns)
		for i, ch := range []prometheus.Chunk{{Start: start, End: mid}, {Start: mid.Add(time.Minute), End: recEnd}} {
			for kind, q := range map[string]string{"oom": oomReasons, "oomtimes": oomTimes, "memory": memQ, "cpu": cpuQ} {
				body, err := c.PostQueryRange(context.Background(), q, ch)
				if err != nil {
					t.Fatal(err)
				}
				b, err := io.ReadAll(body)
				body.Close()
				if err != nil {
					t.Fatal(err)
				}
				for _, d := range []string{dir, timesDir} {
					name := kind
					switch {
					case kind == "oomtimes" && d == dir, kind == "oom" && d == timesDir:
						continue
					case kind == "oomtimes":
						name = "oom"
					}
					if err := os.WriteFile(filepath.Join(d, fmt.Sprintf("%s-%s-%d.json", name, ns, i)), b, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	}
	return s.URL
}

// recommendOracle computes every container's estimate from the saved
// responses with the estimator itself: per workload container one
// aggregate, per pod one instance, memory gauges and CPU rates exactly as
// Prometheus answered, pg-0's OOM recorded before its first memory sample
// at or after the kill (with the template's memory request, 512Mi), as
// VPA records an OOM event. withOOM false leaves the OOM out.
func recommendOracle(t *testing.T, dir string, withOOM bool) map[string]vpa.Estimate {
	t.Helper()
	workloadOf := func(ns, pod string) string {
		switch {
		case strings.HasPrefix(pod, "frontend-"):
			return "web/Deployment/frontend"
		case strings.HasPrefix(pod, "pg-"):
			return "data/StatefulSet/pg"
		case strings.HasPrefix(pod, "agent-"):
			return "ops/DaemonSet/agent"
		case strings.HasPrefix(pod, "nightly-"):
			return "ops/CronJob/nightly"
		}
		t.Fatalf("pod %s/%s of no workload", ns, pod)
		return ""
	}
	type podKey struct{ ns, pod, container string }
	mem, cpu := map[podKey][][2]float64{}, map[podKey][][2]float64{}
	for _, kind := range []string{"memory", "cpu"} {
		paths, _ := filepath.Glob(filepath.Join(dir, kind+"-*.json"))
		// Chunks in time order per namespace (file names sort so).
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range decodeQueryRange(t, data) {
				k := podKey{s.labels["namespace"], s.labels["pod"], s.labels["container"]}
				for i := range s.t {
					x := [2]float64{float64(s.t[i]), s.v[i]}
					if kind == "memory" {
						mem[k] = append(mem[k], x)
					} else {
						cpu[k] = append(cpu[k], x)
					}
				}
			}
		}
	}
	cfg := vpa.DefaultConfig()
	aggs := map[string]map[string]*vpa.Aggregate{}
	for k := range mem {
		w := workloadOf(k.ns, k.pod)
		if aggs[w] == nil {
			aggs[w] = map[string]*vpa.Aggregate{}
		}
		a := aggs[w][k.container]
		if a == nil {
			a = vpa.NewAggregate(cfg)
			aggs[w][k.container] = a
		}
		inst := a.NewInstance()
		oom := k.pod == "pg-0" && withOOM
		for _, x := range mem[k] {
			if oom && int64(x[0]) >= recOOM.UnixMilli() {
				if err := inst.RecordOOM(recOOM.UnixMilli(), 512<<20); err != nil {
					t.Fatal(err)
				}
				oom = false
			}
			inst.AddMemory(int64(x[0]), x[1])
		}
		for _, x := range cpu[k] {
			inst.AddCPU(int64(x[0]), x[1])
		}
	}
	out := map[string]vpa.Estimate{}
	for w, byName := range aggs {
		for name, e := range vpa.Recommend(cfg, byName) {
			out[w+" "+name] = e
		}
	}
	return out
}

// recommendJSON is the part of recommend's JSON compared here.
type recommendJSON struct {
	Containers []recommender.Container `json:"containers"`
	Unmatched  []string                `json:"unmatched"`
}

func decodeRecommendJSON(t *testing.T, stdout string) recommendJSON {
	t.Helper()
	var d recommendJSON
	if err := json.Unmarshal([]byte(stdout), &d); err != nil {
		t.Fatalf("stdout is not recommend's JSON: %v\n%.2000s", err, stdout)
	}
	return d
}

func writeRecommendFixture(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "cluster.yaml")
	if err := os.WriteFile(p, []byte(recommendFixture), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// `seaworthy recommend --prometheus` against a real Prometheus gives
// exactly the estimator's numbers for the values Prometheus answers, and
// the saved responses replayed with --history-file give the same JSON.
func TestRecommendFromPrometheus(t *testing.T) {
	saved, savedTimes := t.TempDir(), t.TempDir()
	url := recommendPrometheus(t, saved, savedTimes)
	fixture := writeRecommendFixture(t)
	now := recEnd.Format(time.RFC3339)
	live := runCLI(t, "recommend", "-f", fixture, "--now", now, "--prometheus", url, "-q", "-o", "json")
	if live.code != 0 || live.stderr != "" {
		t.Fatalf("recommend --prometheus: %s", live)
	}
	d := decodeRecommendJSON(t, live.stdout)
	want := recommendOracle(t, saved, true)
	got := map[string]recommender.Container{}
	for _, c := range d.Containers {
		got[c.Workload.Namespace+"/"+c.Workload.Kind+"/"+c.Workload.Name+" "+c.Container] = c
	}
	for k, e := range want {
		c, ok := got[k]
		if !ok {
			t.Errorf("%s: no recommendation", k)
			continue
		}
		if c.Estimate != (recommender.Bounds{Lower: recommender.Amounts(e.Lower), Target: recommender.Amounts(e.Target), Upper: recommender.Amounts(e.Upper)}) || c.Confidence != e.Confidence {
			t.Errorf("%s: estimate %+v confidence %v, want the estimator's %+v %v", k, c.Estimate, c.Confidence, e.Bounds, e.Confidence)
		}
	}
	// 4 containers with history, the sidecar without.
	if len(want) != 4 || len(d.Containers) != 5 || len(d.Unmatched) != 0 {
		t.Errorf("%d estimates, %d containers, unmatched %v; want 4, 5, none", len(want), len(d.Containers), d.Unmatched)
	}
	fe := got["web/Deployment/frontend app"]
	// Three pods: two of the old ReplicaSet, one of the new.
	if fe.Pods != 3 || fe.Action != recommender.ActionResize {
		t.Errorf("frontend app: %d pods, %s (%q); want 3, resize", fe.Pods, fe.Action, fe.Reasons)
	}
	if s := got["web/Deployment/frontend nohist"]; s.Action != recommender.ActionSkip || s.Samples != 0 {
		t.Errorf("nohist %s %d samples, want a skip for no history", s.Action, s.Samples)
	}
	// One job pod a day at 03:00, October 24 to 31 (the 23rd's ran before
	// the history starts at 23:50).
	if nj := got["ops/CronJob/nightly run"]; nj.Pods != 8 || nj.Samples == 0 {
		t.Errorf("nightly run: %d pods, %d samples; want the job pods of 8 days", nj.Pods, nj.Samples)
	}
	// The OOM shows, and raises memory above the history without it.
	pg := got["data/StatefulSet/pg postgres"]
	noOOM := recommendOracle(t, saved, false)["data/StatefulSet/pg postgres"]
	if len(pg.OOMs) != 1 || !pg.OOMs[0].Equal(recOOM) {
		t.Errorf("pg ooms %v, want [%s]", pg.OOMs, recOOM)
	}
	if pg.Estimate.Upper.MemoryBytes <= noOOM.Upper.MemoryBytes || pg.Estimate.Target.MemoryBytes < noOOM.Target.MemoryBytes {
		t.Errorf("pg memory with the OOM %+v, without %+v: the OOM must raise it", pg.Estimate, noOOM.Bounds)
	}
	t.Logf("pg memory target/upper with the OOM %d/%d, without %d/%d", pg.Estimate.Target.MemoryBytes, pg.Estimate.Upper.MemoryBytes, noOOM.Target.MemoryBytes, noOOM.Upper.MemoryBytes)

	// The same responses, saved: the same containers, exactly, but for
	// the OOM's time: kube-state-metrics' reason series shows it at the
	// first minute after the kill (the timestamp series, the exact second).
	files := runCLI(t, "recommend", "-f", fixture, "--now", now, "--history-file", saved, "-q", "-o", "json")
	if files.code != 0 || files.stderr != "" {
		t.Fatalf("recommend --history-file: %s", files)
	}
	fromFiles := decodeRecommendJSON(t, files.stdout)
	wantFiles := slices.Clone(d.Containers)
	for i := range wantFiles {
		if len(wantFiles[i].OOMs) > 0 {
			wantFiles[i].OOMs = []time.Time{recOOM.Truncate(time.Minute).Add(time.Minute)}
		}
	}
	if !reflect.DeepEqual(fromFiles.Containers, wantFiles) {
		a, _ := json.Marshal(wantFiles)
		b, _ := json.Marshal(fromFiles.Containers)
		t.Errorf("--history-file containers differ from --prometheus's:\n%s\n%s", a, b)
	}

	// Saved as Fetch asks first: the OOM times query. Its answer has no
	// __name__ (max by drops it); the file reader recognises termination
	// times by their values, so the kill is kept at its exact second.
	t.Run("oom times saved", func(t *testing.T) {
		r := runCLI(t, "recommend", "-f", fixture, "--now", now, "--history-file", savedTimes, "-q", "-o", "json")
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("recommend --history-file: %s", r)
		}
		got := decodeRecommendJSON(t, r.stdout).Containers
		if !reflect.DeepEqual(got, d.Containers) {
			a, _ := json.Marshal(d.Containers)
			b, _ := json.Marshal(got)
			t.Errorf("containers differ from --prometheus's:\n%s\n%s", a, b)
		}
	})
}

// --validate against a real API server: every patch of the fixture's
// recommendations passes the server-side dry run; with a LimitRange whose
// max is below a recommended limit, a run that reads the cluster caps the
// limit to it, and a run from the manifests (which lack the LimitRange)
// has that patch refused with the LimitRange's message. Nothing changes
// in the cluster.
func TestRecommendValidate(t *testing.T) {
	controlplane.Require(t)
	saved := t.TempDir()
	recommendPrometheus(t, saved, t.TempDir())
	fixture := writeRecommendFixture(t)
	lc := startCluster(t, fixture)
	ctx := t.Context()
	before, err := lc.client.AppsV1().Deployments("web").Get(ctx, "frontend", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	accepted := "accepted  CronJob/ops/nightly (server-side dry run)\n" +
		"accepted  DaemonSet/ops/agent (server-side dry run)\n" +
		"accepted  StatefulSet/data/pg (server-side dry run)\n" +
		"accepted  Deployment/web/frontend (server-side dry run)\n"
	r := runCLI(t, "recommend", "--kubeconfig", lc.Kubeconfig, "--history-file", saved, "--validate", "-q", "-o", "json")
	if r.code != 0 || sortedLines(r.stderr) != sortedLines(accepted) {
		t.Fatalf("validate: %s\nwant stderr %q", r, accepted)
	}

	lr := &corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Namespace: "web", Name: "max-memory"},
		Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{{Type: corev1.LimitTypeContainer,
			Max: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1Gi")}}}}}
	if _, err := lc.client.CoreV1().LimitRanges("web").Create(ctx, lr, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// Read from the cluster, the LimitRange caps the recommendation.
	r = runCLI(t, "recommend", "--kubeconfig", lc.Kubeconfig, "--history-file", saved, "--validate", "-q", "-o", "json")
	if r.code != 0 || sortedLines(r.stderr) != sortedLines(accepted) {
		t.Fatalf("validate with the LimitRange: %s\nwant stderr %q", r, accepted)
	}
	var app recommender.Container
	for _, c := range decodeRecommendJSON(t, r.stdout).Containers {
		if c.Workload.Name == "frontend" && c.Container == "app" {
			app = c
		}
	}
	if app.Recommended.Limits.MemoryBytes != 1<<30 || !strings.Contains(strings.Join(app.Reasons, "; "), "LimitRange web/max-memory max 1Gi") {
		t.Errorf("frontend app %+v %q: want the memory limit capped to the LimitRange's 1Gi", app.Recommended, app.Reasons)
	}
	// From the manifests, the patch is judged against the cluster it is
	// validated on, whose LimitRange refuses it.
	r = runCLI(t, "recommend", "-f", fixture, "--now", recEnd.Format(time.RFC3339), "--kubeconfig", lc.Kubeconfig, "--history-file", saved, "--validate", "-q", "-o", "json")
	// frontend's memory limit: the request, 392Mi (the target 410,771,395
	// bytes rounded up to 1Mi), times the template's ratio 4 (512Mi /
	// 128Mi) = 1568Mi.
	want := "accepted  CronJob/ops/nightly (server-side dry run)\n" +
		"accepted  DaemonSet/ops/agent (server-side dry run)\n" +
		"accepted  StatefulSet/data/pg (server-side dry run)\n" +
		"refused   Deployment/web/frontend: accepted by the API server, but its pods would be refused: memory limit 1568Mi exceeds LimitRange web/max-memory max 1Gi\n" +
		"error: 1 patch of 4 refused by the dry run or a LimitRange\n"
	if r.code != 1 || sortedLines(r.stderr) != sortedLines(want) {
		t.Errorf("validate from manifests: %s\nwant exit 1 and stderr %q", r, want)
	}
	after, err := lc.client.AppsV1().Deployments("web").Get(ctx, "frontend", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if after.ResourceVersion != before.ResourceVersion || !reflect.DeepEqual(after.Spec, before.Spec) {
		t.Errorf("the dry runs changed Deployment web/frontend: resourceVersion %s → %s", before.ResourceVersion, after.ResourceVersion)
	}
}

// sortedLines sorts s's lines, for output whose order is not specified.
func sortedLines(s string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}
