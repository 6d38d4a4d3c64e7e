package e2e

import (
	"context"
	"errors"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/seaworthy-k8s/seaworthy/cluster/metrics"
	"github.com/seaworthy-k8s/seaworthy/cluster/usage"
	"github.com/seaworthy-k8s/seaworthy/test/controlplane"
	"github.com/seaworthy-k8s/seaworthy/test/metricsserver"
)

// recorder is a usage.Sink that keeps everything it is given and checks
// the sink contract: each series' samples arrive in ascending time order.
type recorder struct {
	mu     sync.Mutex
	series map[usage.ContainerID]map[usage.Resource][]usage.Sample
	errs   []string
}

func (r *recorder) AddSeries(id usage.ContainerID, res usage.Resource, samples []usage.Sample) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.series == nil {
		r.series = map[usage.ContainerID]map[usage.Resource][]usage.Sample{}
	}
	if r.series[id] == nil {
		r.series[id] = map[usage.Resource][]usage.Sample{}
	}
	have := r.series[id][res]
	for _, s := range samples {
		if n := len(have); n > 0 && s.T <= have[n-1].T {
			r.errs = append(r.errs, id.Pod+"/"+id.Container+" "+res.String()+": sample out of order")
		}
		have = append(have, s)
	}
	r.series[id][res] = have
}

func (r *recorder) AddOOM(usage.ContainerID, time.Time) {}

// metricsStep is how far each fake kubelet scrape's timestamp advances,
// and so the window metrics-server reports.
const metricsStep = 15 * time.Second

// metricsContainers are what the fake kubelets report: per container a
// CPU rate whose counter step (rate × 15 s) is exact in binary, and a
// working set that grows by a known amount each scrape.
var metricsContainers = map[string][]metricsserver.Container{
	"node-a": {
		// 250m × 15 s = 3.75 s a scrape.
		{Namespace: "shop", Pod: "web-0", Name: "app", CPUMillis: 250, MemoryBytes: 100 << 20, MemoryStepBytes: 1 << 20},
		// 100m × 15 s = 1.5 s a scrape.
		{Namespace: "shop", Pod: "web-0", Name: "proxy", CPUMillis: 100, MemoryBytes: 30 << 20, MemoryStepBytes: 4096},
	},
	"node-b": {
		// 1250m × 15 s = 18.75 s a scrape.
		{Namespace: "kube-system", Pod: "coredns-1", Name: "coredns", CPUMillis: 1250, MemoryBytes: 70 << 20, MemoryStepBytes: 0},
	},
}

// A real metrics-server, registered as the v1beta1.metrics.k8s.io
// APIService behind kube-apiserver's aggregation layer (front proxy,
// aggregator routing to an EndpointSlice), scrapes two kubelet-shaped
// endpoints; cluster/metrics reads the aggregated API and must give the
// exact per-container usage the scrapes imply.
func TestMetricsServerLive(t *testing.T) {
	metricsserver.Require(t)
	cp := controlplane.Start(t, controlplane.Options{Aggregation: true})
	client := kubernetes.NewForConfigOrDie(cp.Admin)
	ctx := context.Background()
	t0 := time.Now().Truncate(time.Second)
	kubelets := map[string]*metricsserver.Kubelet{}
	for _, node := range []string{"node-a", "node-b"} {
		k := metricsserver.NewKubelet(t, node, t0, metricsStep, metricsContainers[node]...)
		if err := k.Register(ctx, client); err != nil {
			t.Fatal(err)
		}
		kubelets[node] = k
	}
	metricsserver.Start(t, cp)

	// expected returns the container and scrape number a sample at t
	// comes from.
	type want struct {
		c metricsserver.Container
		k *metricsserver.Kubelet
	}
	wants := map[usage.ContainerID]want{}
	for node, cs := range metricsContainers {
		for _, c := range cs {
			wants[usage.ContainerID{Namespace: c.Namespace, Pod: c.Pod, Container: c.Name}] = want{c, kubelets[node]}
		}
	}
	// checkSeries asserts every sample of every series is exactly what
	// the scrape at its timestamp implies.
	checkSeries := func(t *testing.T, rec *recorder, ids []usage.ContainerID) {
		t.Helper()
		if len(rec.errs) > 0 {
			t.Errorf("sink contract broken: %v", rec.errs)
		}
		var got []usage.ContainerID
		for id := range rec.series {
			got = append(got, id)
		}
		sortIDs(got)
		sortIDs(ids)
		if !slices.Equal(got, ids) {
			t.Fatalf("containers = %v, want %v", got, ids)
		}
		for _, id := range ids {
			w := wants[id]
			cpu, mem := rec.series[id][usage.CPU], rec.series[id][usage.Memory]
			if len(cpu) == 0 || len(cpu) != len(mem) {
				t.Errorf("%v: %d cpu and %d memory samples, want as many of each and at least one", id, len(cpu), len(mem))
				continue
			}
			for i := range cpu {
				n := w.k.Scrape(cpu[i].Time())
				// metrics-server reports the window ending at its last
				// scrape, which follows at least one earlier scrape.
				if n < 1 || mem[i].T != cpu[i].T {
					t.Errorf("%v sample %d at %s: not at a scrape after the first (scrape %d)", id, i, cpu[i].Time(), n)
					continue
				}
				// rate = (counter(n) - counter(n-1)) / step = CPUMillis/1000 cores.
				if wantCPU := float64(w.c.CPUMillis) / 1000; cpu[i].V != wantCPU {
					t.Errorf("%v cpu at scrape %d = %v cores, want %v", id, n, cpu[i].V, wantCPU)
				}
				// memory = MemoryBytes + n × MemoryStepBytes.
				if wantMem := float64(w.c.MemoryAt(n)); mem[i].V != wantMem {
					t.Errorf("%v memory at scrape %d = %v bytes, want %v", id, n, mem[i].V, wantMem)
				}
			}
		}
	}
	all := []usage.ContainerID{
		{Namespace: "kube-system", Pod: "coredns-1", Container: "coredns"},
		{Namespace: "shop", Pod: "web-0", Container: "app"},
		{Namespace: "shop", Pod: "web-0", Container: "proxy"},
	}

	t.Run("Snapshot", func(t *testing.T) {
		// metrics-server reports a pod only after two scrapes of its
		// node; wait for every pod (the deadline bounds a hang, it is
		// not what the test measures).
		var rec *recorder
		var cov usage.Coverage
		deadline := time.Now().Add(90 * time.Second)
		for {
			rec = &recorder{}
			var err error
			cov, err = metrics.Snapshot(ctx, cp.Admin, metrics.Options{}, rec)
			if err != nil {
				t.Fatalf("snapshot: %v", err)
			}
			if len(rec.series) == len(all) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("metrics-server reported %d of %d containers after 90s (kubelet scrapes: a=%d b=%d)", len(rec.series), len(all), kubelets["node-a"].Scrapes(), kubelets["node-b"].Scrapes())
			}
			time.Sleep(time.Second)
		}
		checkSeries(t, rec, all)
		// 3 containers × (cpu, memory), one sample each.
		if cov.Source != "metrics.k8s.io" || cov.Series != 6 || cov.Samples != 6 || cov.Step != metricsStep {
			t.Errorf("coverage = %+v, want source metrics.k8s.io, 6 series, 6 samples, step 15s (the window)", cov)
		}
		for id, s := range rec.series {
			if got := cov.End.Sub(s[usage.CPU][0].Time()); got < 0 {
				t.Errorf("%v: sample after coverage end %s", id, cov.End)
			}
		}
		if d := cov.End.Sub(cov.Start); d < metricsStep {
			t.Errorf("coverage spans %s, want at least one window (15s)", d)
		}
	})

	t.Run("Namespaces", func(t *testing.T) {
		rec := &recorder{}
		if _, err := metrics.Snapshot(ctx, cp.Admin, metrics.Options{Namespaces: []string{"shop"}}, rec); err != nil {
			t.Fatal(err)
		}
		checkSeries(t, rec, all[1:])
	})

	t.Run("Sample", func(t *testing.T) {
		rec := &recorder{}
		var progress [][2]int
		// 20s / 10s + 1 = 3 rounds, at 0, 10 and 20 s.
		cov, err := metrics.Sample(ctx, cp.Admin, metrics.Options{}, rec, 2*metricsserver.Resolution, metricsserver.Resolution, func(done, total int) {
			progress = append(progress, [2]int{done, total})
		})
		if err != nil {
			t.Fatalf("sample: %v", err)
		}
		if want := [][2]int{{1, 3}, {2, 3}, {3, 3}}; !slices.Equal(progress, want) {
			t.Errorf("progress = %v, want %v", progress, want)
		}
		checkSeries(t, rec, all)
		var samples int64
		for _, s := range rec.series {
			for _, ss := range s {
				if len(ss) > 3 {
					t.Errorf("%d samples in a series from 3 rounds", len(ss))
				}
				samples += int64(len(ss))
			}
		}
		if cov.Samples != samples || cov.Series != 6 || len(cov.Gaps) != 0 {
			t.Errorf("coverage = %+v, want %d samples (what the sink got), 6 series, no gaps", cov, samples)
		}
		t.Logf("3 rounds gave %d samples in 6 series (rounds in which metrics-server had not scraped again add none)", samples)
	})

	t.Run("SampleDeduplicates", func(t *testing.T) {
		rec := &recorder{}
		// 4s / 1s + 1 = 5 rounds within 4 s; metrics-server refreshes
		// every 10 s, so the rounds see at most 2 distinct windows, and
		// the repeats of a window must not reach the sink.
		cov, err := metrics.Sample(ctx, cp.Admin, metrics.Options{}, rec, 4*time.Second, time.Second, nil)
		if err != nil {
			t.Fatalf("sample: %v", err)
		}
		checkSeries(t, rec, all)
		for id, s := range rec.series {
			if n := len(s[usage.CPU]); n > 2 {
				t.Errorf("%v: %d cpu samples from 5 rounds within 4 s, want at most 2 (one per window)", id, n)
			}
		}
		// The step is the larger of the interval and the window.
		if cov.Step != metricsStep {
			t.Errorf("coverage step = %s, want 15s", cov.Step)
		}
	})

	t.Run("SampleCanceled", func(t *testing.T) {
		rec := &recorder{}
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		// An hour of sampling, canceled once the first round is in.
		_, err := metrics.Sample(cctx, cp.Admin, metrics.Options{}, rec, time.Hour, metricsserver.Resolution, func(done, total int) {
			if done == 1 {
				cancel()
			}
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want one wrapping context.Canceled", err)
		}
		// What the first round read reached the sink: one sample each.
		checkSeries(t, rec, all)
		for id, s := range rec.series {
			if len(s[usage.CPU]) != 1 {
				t.Errorf("%v: %d cpu samples after one round, want 1", id, len(s[usage.CPU]))
			}
		}
	})

	t.Run("Forbidden", func(t *testing.T) {
		cfg := rest.CopyConfig(cp.Admin)
		cfg.Impersonate = rest.ImpersonationConfig{UserName: "no-rights"}
		_, err := metrics.Snapshot(ctx, cfg, metrics.Options{}, &recorder{})
		if err == nil || !strings.Contains(err.Error(), "forbidden: grant get and list on resource pods in API group metrics.k8s.io") {
			t.Fatalf("err = %v, want a forbidden error naming the verbs, resource and group", err)
		}
	})
}

// Without an APIService for metrics.k8s.io the source says so in one
// line; with one whose backend does not answer, it says it is unavailable.
func TestMetricsNotServedLive(t *testing.T) {
	cp := controlplane.Start(t, controlplane.Options{Aggregation: true})
	ctx := context.Background()
	_, err := metrics.Snapshot(ctx, cp.Admin, metrics.Options{}, &recorder{})
	if !errors.Is(err, metrics.ErrNotServed) || err.Error() != "metrics.k8s.io is not served by this cluster (install metrics-server, or use --prometheus or history files)" {
		t.Fatalf("err = %v, want metrics.ErrNotServed", err)
	}
	_, err = metrics.Sample(ctx, cp.Admin, metrics.Options{}, &recorder{}, time.Minute, time.Second, nil)
	if !errors.Is(err, metrics.ErrNotServed) {
		t.Fatalf("sample err = %v, want metrics.ErrNotServed from the first round", err)
	}

	// Register the APIService with a backend where nothing listens.
	ip, err := metricsserver.HostIP()
	if err != nil {
		controlplane.Unavailable(t, "LIVE TEST", err.Error())
	}
	l, err := net.Listen("tcp", net.JoinHostPort(ip.String(), "0"))
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	client := kubernetes.NewForConfigOrDie(cp.Admin)
	dyn := dynamic.NewForConfigOrDie(cp.Admin)
	if err := metricsserver.Register(ctx, client, dyn, ip, port, cp.CAPEM()); err != nil {
		t.Fatal(err)
	}
	// The aggregator learns of the APIService asynchronously; until then
	// the group is still not served.
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, err = metrics.Snapshot(ctx, cp.Admin, metrics.Options{}, &recorder{})
		if !errors.Is(err, metrics.ErrNotServed) || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err == nil || !strings.Contains(err.Error(), "the metrics.k8s.io APIService is registered but unavailable") {
		t.Fatalf("err = %v, want the unavailable APIService explained", err)
	}
	t.Logf("unavailable: %v", err)
}

func sortIDs(ids []usage.ContainerID) {
	slices.SortFunc(ids, func(a, b usage.ContainerID) int {
		return strings.Compare(a.Namespace+"/"+a.Pod+"/"+a.Container, b.Namespace+"/"+b.Pod+"/"+b.Container)
	})
}
