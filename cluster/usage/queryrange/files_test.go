package queryrange

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/cluster/usage"
)

// recorder is a usage.Sink that keeps everything, and checks the Sink's
// ascending-time contract as it goes.
type recorder struct {
	t      *testing.T
	mu     sync.Mutex
	series map[string][]usage.Sample
	ooms   map[string][]time.Time
	calls  []string
}

func newRecorder(t *testing.T) *recorder {
	return &recorder{t: t, series: map[string][]usage.Sample{}, ooms: map[string][]time.Time{}}
}

func key(id usage.ContainerID, r string) string {
	return id.Namespace + "/" + id.Pod + "/" + id.Container + " " + r
}

func (r *recorder) AddSeries(id usage.ContainerID, res usage.Resource, s []usage.Sample) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := key(id, res.String())
	old := r.series[k]
	if len(old) > 0 && len(s) > 0 && s[0].T <= old[len(old)-1].T {
		r.t.Errorf("%s: samples at %d after %d: not ascending", k, s[0].T, old[len(old)-1].T)
	}
	r.series[k] = append(old, s...)
	r.calls = append(r.calls, k)
}

func (r *recorder) AddOOM(id usage.ContainerID, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := key(id, "oom")
	r.ooms[k] = append(r.ooms[k], at)
	r.calls = append(r.calls, k)
}

func (r *recorder) keys() []string {
	var ks []string
	for k := range r.series {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func matrix(series ...string) string {
	return `{"status":"success","data":{"resultType":"matrix","result":[` + strings.Join(series, ",") + `]}}`
}

func TestReadFiles(t *testing.T) {
	dir := t.TempDir()
	// Two days of CPU in two files (rate() drops __name__: the names say
	// cpu), one file of memory with __name__, one of OOM reasons.
	write(t, dir, "cpu-1.json", matrix(
		`{"metric":{"namespace":"shop","pod":"web-1","container":"app"},"values":[[100,"0.5"],[160,"0.25"]]}`,
		`{"metric":{"namespace":"shop","pod":"web-1","container":"POD"},"values":[[100,"9"]]}`,
		`{"metric":{"namespace":"shop","pod":"web-1","container":""},"values":[[100,"9"]]}`,
	))
	write(t, dir, "cpu-2.json", matrix(
		`{"metric":{"namespace":"shop","pod":"web-1","container":"app"},"values":[[160,"7"],[220,"0.125"]]}`,
	))
	mem := write(t, t.TempDir(), "saved.json", matrix(
		`{"metric":{"__name__":"container_memory_working_set_bytes","namespace":"shop","pod":"web-1","container":"app"},"values":[[100,"1048576"]]}`,
	))
	oom := write(t, t.TempDir(), "oom.json", matrix(
		`{"metric":{"__name__":"kube_pod_container_status_last_terminated_reason","reason":"OOMKilled","namespace":"shop","pod":"web-1","container":"app"},"values":[[40,"1"],[100,"1"],[160,"1"],[400,"1"],[460,"0"],[520,"1"]]}`,
	))
	rec := newRecorder(t)
	cov, err := ReadFiles([]string{dir, mem, oom}, FileOptions{}, rec)
	if err != nil {
		t.Fatal(err)
	}
	// cpu: 100 s, 160 s from cpu-1; cpu-2's 160 s sample is not later and
	// is dropped; 220 s follows.
	if got := fmt.Sprint(rec.series["shop/web-1/app cpu"]); got != "[{100000 0.5} {160000 0.25} {220000 0.125}]" {
		t.Errorf("cpu = %s", got)
	}
	if got := fmt.Sprint(rec.series["shop/web-1/app memory"]); got != "[{100000 1.048576e+06}]" {
		t.Errorf("memory = %s", got)
	}
	// OOM runs start at 40 s, at 400 s (after a 240 s gap > 2 × the 60 s
	// step) and at 520 s (after a 0).
	if got := fmt.Sprint(rec.ooms["shop/web-1/app oom"]); got != "[1970-01-01 00:00:40 +0000 UTC 1970-01-01 00:06:40 +0000 UTC 1970-01-01 00:08:40 +0000 UTC]" {
		t.Errorf("ooms = %s", got)
	}
	// The OOMs come first, then cpu; saved.json's kind is known only from
	// its series, so it is read last.
	if got := strings.Join(rec.calls, ";"); got != strings.Repeat("shop/web-1/app oom;", 3)+"shop/web-1/app cpu;shop/web-1/app cpu;shop/web-1/app memory" {
		t.Errorf("calls = %s", got)
	}
	// Series: app's cpu (two files) and memory = 2; samples 2 + 1 + 1 = 4.
	if cov.Series != 2 || cov.Samples != 4 || cov.Step != time.Minute || !cov.Start.Equal(time.Unix(100, 0)) || !cov.End.Equal(time.Unix(220, 0)) {
		t.Errorf("coverage = %+v", cov)
	}
	if len(cov.Gaps) != 1 || !strings.HasPrefix(cov.Gaps[0], "1 samples dropped") {
		t.Errorf("gaps = %q", cov.Gaps)
	}
}

func TestReadFilesLegacyLabelsAndTimestamps(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "history.json", matrix(
		`{"metric":{"namespace":"a","pod_name":"p","container_name":"c"},"values":[[60,"2"]]}`,
	))
	ts := write(t, dir, "kills.json", matrix(
		`{"metric":{"namespace":"a","pod":"p","container":"c"},"values":[[60,"50.5"],[120,"50.5"],[180,"170"]]}`,
	))
	rec := newRecorder(t)
	if _, err := ReadFiles([]string{"oom=" + ts, "memory=" + p}, FileOptions{Labels: LegacyLabelNames()}, rec); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(rec.keys()); got != "[a/p/c memory]" {
		t.Errorf("series = %s", got)
	}
	// An OOM file without __name__ whose values are above 1 holds
	// termination times (the saved query aggregates them): one kill per
	// distinct time, 50.5 s and 170 s.
	if got := fmt.Sprint(rec.ooms["a/p/c oom"]); got != "[1970-01-01 00:00:50.5 +0000 UTC 1970-01-01 00:02:50 +0000 UTC]" {
		t.Errorf("ooms = %s", got)
	}
	ts2 := write(t, dir, "oom-ts.json", matrix(
		`{"metric":{"__name__":"kube_pod_container_status_last_terminated_timestamp","namespace":"a","pod":"p","container":"c"},"values":[[60,"50.5"],[120,"50.5"],[180,"170"]]}`,
	))
	rec = newRecorder(t)
	if _, err := ReadFiles([]string{ts2}, FileOptions{}, rec); err != nil {
		t.Fatal(err)
	}
	// Distinct termination times 50.5 s and 170 s.
	if got := fmt.Sprint(rec.ooms["a/p/c oom"]); got != "[1970-01-01 00:00:50.5 +0000 UTC 1970-01-01 00:02:50 +0000 UTC]" {
		t.Errorf("ooms = %s", got)
	}
}

func TestReadFilesErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, file, body, want string
	}{
		{"vector", "cpu.json", `{"status":"success","data":{"resultType":"vector","result":[]}}`, "history file DIR/cpu.json is a vector; want the output of query_range"},
		{"unknown kind", "saved.json", matrix(`{"metric":{"namespace":"a","pod":"p","container":"c"},"values":[[60,"2"]]}`), "history file DIR/saved.json: cannot tell whether it holds cpu or memory: name it cpu*.json or memory*.json, or pass cpu=FILE or memory=FILE (rate() drops __name__)"},
		{"raw counter", "cpu.json", matrix(`{"metric":{"__name__":"container_cpu_usage_seconds_total","namespace":"a","pod":"p","container":"c"},"values":[[60,"2"]]}`), "history file DIR/cpu.json: holds the raw counter container_cpu_usage_seconds_total; save its rate instead (rate(container_cpu_usage_seconds_total{...}[5m]), see docs/history-files.md)"},
		{"name disagrees", "cpu.json", matrix(`{"metric":{"__name__":"container_memory_working_set_bytes","namespace":"a","pod":"p","container":"c"},"values":[[60,"2"]]}`), "history file DIR/cpu.json: holds container_memory_working_set_bytes, which is memory, but its name or prefix says cpu"},
		{"error response", "memory.json", `{"status":"error","errorType":"bad_data","error":"exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"}`, "history file DIR/memory.json: bad_data: exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"},
		{"not json", "memory.json", "curl: (7) Failed to connect", `history file DIR/memory.json: parse query_range response: not JSON (starts with "curl: (7) Failed")`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := write(t, dir, tc.file, tc.body)
			_, err := ReadFiles([]string{p}, FileOptions{}, newRecorder(t))
			want := strings.ReplaceAll(tc.want, "DIR", dir)
			if err == nil || err.Error() != want {
				t.Fatalf("error = %v\nwant    %s", err, want)
			}
		})
	}
	if _, err := ReadFiles([]string{"disk=x"}, FileOptions{}, newRecorder(t)); err == nil || err.Error() != "read history disk=x: want cpu=FILE, memory=FILE or oom=FILE before '='" {
		t.Errorf("bad prefix: %v", err)
	}
}
