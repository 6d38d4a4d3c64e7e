package prometheus_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/cluster/usage"
	"github.com/seaworthy-k8s/seaworthy/cluster/usage/prometheus"
	"github.com/seaworthy-k8s/seaworthy/cluster/usage/queryrange"
	"github.com/seaworthy-k8s/seaworthy/test/promdata"
	promtest "github.com/seaworthy-k8s/seaworthy/test/prometheus"
)

// recorder keeps everything a source delivers and checks the Sink's
// ascending-time contract.
type recorder struct {
	t      *testing.T
	mu     sync.Mutex
	series map[string][]usage.Sample
	ooms   map[usage.ContainerID][]time.Time
	order  map[usage.ContainerID][]string // "oom", "memory", "cpu" as they came
}

func newRecorder(t *testing.T) *recorder {
	return &recorder{t: t, series: map[string][]usage.Sample{}, ooms: map[usage.ContainerID][]time.Time{}, order: map[usage.ContainerID][]string{}}
}

func skey(id usage.ContainerID, r usage.Resource) string {
	return id.Namespace + "/" + id.Pod + "/" + id.Container + " " + r.String()
}

func (r *recorder) AddSeries(id usage.ContainerID, res usage.Resource, s []usage.Sample) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := skey(id, res)
	old := r.series[k]
	if len(old) > 0 && len(s) > 0 && s[0].T <= old[len(old)-1].T {
		r.t.Errorf("%s: a sample at %d after one at %d", k, s[0].T, old[len(old)-1].T)
	}
	r.series[k] = append(old, s...)
	if o := r.order[id]; len(o) == 0 || o[len(o)-1] != res.String() {
		r.order[id] = append(o, res.String())
	}
}

func (r *recorder) AddOOM(id usage.ContainerID, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ooms[id] = append(r.ooms[id], at)
	if o := r.order[id]; len(o) == 0 || o[len(o)-1] != "oom" {
		r.order[id] = append(o, "oom")
	}
}

// The cluster every test here reads: 3 namespaces × 2 workloads × 2 pods
// × 2 containers = 24 containers, 8 days and 10 minutes at 1 m, with
// pause-container and pod-cgroup series to be left out, and OOM kills.
var (
	end  = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	spec = promdata.Spec{
		Namespaces: 3, WorkloadsPerNS: 2, PodsPerWorkload: 2, ContainersPerPod: 2,
		// Ten minutes before the window, so every rate() window of the
		// first query point is full.
		Start:       end.Add(-prometheus.DefaultHistory - 10*time.Minute),
		End:         end,
		Noise:       true,
		OOMAt:       end.Add(-72*time.Hour + 30*time.Second),
		OOMLegacyNS: "legacy-ksm",
	}
	// lead is the samples before the window's first point.
	lead = 10
)

var (
	serverOnce sync.Once
	serverURL  string
	serverErr  error
	serverStop func()
)

// server backfills the spec once per test binary and starts Prometheus.
func server(t *testing.T) string {
	t.Helper()
	promtest.Require(t)
	serverOnce.Do(func() {
		dir, err := os.MkdirTemp("", "seaworthy-prom-")
		if err != nil {
			serverErr = err
			return
		}
		files, err := spec.Write(dir, promtest.MaxBlockDuration)
		if err == nil {
			err = promtest.Backfill(context.Background(), filepath.Join(dir, "tsdb"), files...)
		}
		if err != nil {
			serverErr = err
			return
		}
		s, err := promtest.New(filepath.Join(dir, "tsdb"), dir)
		if err != nil {
			serverErr = err
			return
		}
		serverURL = s.URL
		serverStop = func() { s.Close(); os.RemoveAll(dir) }
	})
	if serverErr != nil {
		t.Fatalf("start prometheus: %v", serverErr)
	}
	return serverURL
}

func TestMain(m *testing.M) {
	code := m.Run()
	if serverStop != nil {
		serverStop()
	}
	os.Exit(code)
}

func TestFetchExact(t *testing.T) {
	url := server(t)
	rec := newRecorder(t)
	cov, err := prometheus.Fetch(context.Background(), prometheus.Options{Address: url, End: end}, rec)
	if err != nil {
		t.Fatal(err)
	}
	points := 8*1440 + 1 // 8 days at 1 m, both ends
	cs := spec.Containers()
	// Every container's memory and CPU, and nothing else (no POD, no pod
	// cgroup): 24 × 2 series of 11,521 samples.
	if cov.Series != 2*len(cs) || cov.Samples != int64(2*len(cs)*points) || len(rec.series) != 2*len(cs) {
		t.Fatalf("coverage %d series, %d samples, recorded %d; want %d series of %d samples", cov.Series, cov.Samples, len(rec.series), 2*len(cs), points)
	}
	if len(cov.Gaps) != 0 || !cov.Start.Equal(end.Add(-prometheus.DefaultHistory)) || !cov.End.Equal(end) || cov.Step != time.Minute {
		t.Errorf("coverage = %+v", cov)
	}
	window := prometheus.DefaultCPURateWindow
	for _, c := range cs {
		id := usage.ContainerID{Namespace: c.Namespace, Pod: c.Pod, Container: c.Container}
		mem := rec.series[skey(id, usage.Memory)]
		cpu := rec.series[skey(id, usage.CPU)]
		if len(mem) != points || len(cpu) != points {
			t.Fatalf("%v: %d memory and %d cpu samples, want %d", id, len(mem), len(cpu), points)
		}
		for j := 0; j < points; j++ {
			k := j + lead
			wantT := spec.Time(k).UnixMilli()
			// Memory: the gauge as written (each query time has a sample
			// at exactly that time).
			if mem[j].T != wantT || mem[j].V != promdata.Memory(c.Index, k) {
				t.Fatalf("%v memory[%d] = %v, want {%d %v}", id, j, mem[j], wantT, promdata.Memory(c.Index, k))
			}
			// CPU, Prometheus 2.42's rate() over [T-5m, T] (both ends
			// included: 6 samples 60 s apart, the first at the window's
			// start, so no extrapolation): (c(T) - c(T-5m) + resets) × 1/300
			// = (sum of the increments of samples k-4..k) × (1/300).
			want := promdata.Rate(c.Index, k, 5, window)
			if cpu[j].T != wantT || cpu[j].V != want {
				t.Fatalf("%v cpu[%d] = %v, want {%d %v}", id, j, cpu[j], wantT, want)
			}
		}
	}
	// OOMs: from the termination time where kube-state-metrics has it
	// (exact to the second: OOMAt), from the first minute the reason
	// shows in legacy-ksm (OOMAt rounded up to the minute). Each before
	// its container's memory series.
	killed := spec.OOMKilled()
	if len(killed) != 4 || len(rec.ooms) != 4 {
		t.Fatalf("ooms for %d containers, want 4 (%d killed)", len(rec.ooms), len(killed))
	}
	for _, c := range killed {
		id := usage.ContainerID{Namespace: c.Namespace, Pod: c.Pod, Container: c.Container}
		want := spec.OOMAt
		if c.Namespace == "legacy-ksm" {
			want = spec.OOMAt.Truncate(time.Minute).Add(time.Minute)
		}
		if got := rec.ooms[id]; len(got) != 1 || !got[0].Equal(want) {
			t.Errorf("%v ooms = %v, want [%s]", id, got, want)
		}
		if got := strings.Join(rec.order[id], ","); got != "oom,memory,cpu" {
			t.Errorf("%v order = %s, want oom,memory,cpu", id, got)
		}
	}
}

// A saved query_range response replays through ReadFiles to the samples
// the live fetch delivered.
func TestSavedResponsesReplay(t *testing.T) {
	url := server(t)
	opts := prometheus.Options{Address: url, End: end, Namespaces: []string{"ns-2"}}
	live := newRecorder(t)
	if _, err := prometheus.Fetch(context.Background(), opts, live); err != nil {
		t.Fatal(err)
	}
	c, err := prometheus.NewClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	_, _, memQ, cpuQ := c.Queries("ns-2")
	dir := t.TempDir()
	start := end.Add(-prometheus.DefaultHistory)
	// Two files per resource, each half of the window (5,761 and 5,760
	// points, under the 11,000 limit), named to sort in time order.
	mid := start.Add(4 * 24 * time.Hour)
	for _, f := range []struct {
		name, query string
		from, to    time.Time
	}{
		{"cpu-1.json", cpuQ, start, mid},
		{"cpu-2.json", cpuQ, mid.Add(time.Minute), end},
		{"memory-1.json", memQ, start, mid},
		{"memory-2.json", memQ, mid.Add(time.Minute), end},
	} {
		body, err := c.PostQueryRange(context.Background(), f.query, prometheus.Chunk{Start: f.from, End: f.to})
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.Create(filepath.Join(dir, f.name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, body); err != nil {
			t.Fatal(err)
		}
		body.Close()
		out.Close()
	}
	replay := newRecorder(t)
	cov, err := queryrange.ReadFiles([]string{dir}, queryrange.FileOptions{}, replay)
	if err != nil {
		t.Fatal(err)
	}
	if len(live.series) != 16 || len(replay.series) != len(live.series) {
		t.Fatalf("live %d series, replay %d; want 16 (8 containers × 2)", len(live.series), len(replay.series))
	}
	for k, want := range live.series {
		if got := replay.series[k]; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: replay differs from the live fetch (%d samples vs %d)", k, len(got), len(want))
		}
	}
	if cov.Step != time.Minute || !cov.Start.Equal(start) || !cov.End.Equal(end) || cov.Samples != 16*(8*1440+1) {
		t.Errorf("coverage = %+v", cov)
	}
}

func TestFetchErrors(t *testing.T) {
	url := server(t)
	t.Run("bad matcher", func(t *testing.T) {
		_, err := prometheus.Fetch(context.Background(), prometheus.Options{Address: url, End: end, Namespaces: []string{"ns-0"}, Matchers: []string{`job=~"("`}}, newRecorder(t))
		// The OOM queries do not carry the cAdvisor matchers; the memory
		// query is the first to fail, with Prometheus's own message.
		want := "memory from 2026-10-24T00:00:00Z: query prometheus " + url + ": 400 Bad Request: 1:120: parse error: error parsing regexp: missing closing ): `^(?:()$`"
		if err == nil || err.Error() != want {
			t.Fatalf("error = %v\nwant    %s", err, want)
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		_, err := prometheus.Fetch(context.Background(), prometheus.Options{Address: "http://127.0.0.1:9/", End: end}, newRecorder(t))
		if err == nil || err.Error() != "prometheus http://127.0.0.1:9/ unreachable: connection refused" {
			t.Fatalf("error = %v", err)
		}
	})
	t.Run("namespace without data", func(t *testing.T) {
		rec := newRecorder(t)
		cov, err := prometheus.Fetch(context.Background(), prometheus.Options{Address: url, End: end, Namespaces: []string{"ns-1", "empty"}}, rec)
		if err != nil {
			t.Fatal(err)
		}
		// legacy-ksm is the spec's second namespace; ns-1 does not exist
		// either: both are gaps, neither an error.
		sort.Strings(cov.Gaps)
		if cov.Series != 0 || fmt.Sprint(cov.Gaps) != "[namespace empty: no cpu or memory series in the window namespace ns-1: no cpu or memory series in the window]" {
			t.Fatalf("coverage = %+v", cov)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := prometheus.Fetch(ctx, prometheus.Options{Address: url, End: end}, newRecorder(t))
		if err == nil || err.Error() != "read prometheus "+url+": context canceled" {
			t.Fatalf("error = %v", err)
		}
	})
}
