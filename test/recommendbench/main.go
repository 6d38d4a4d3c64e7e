// Command recommendbench measures what reading usage history from
// Prometheus costs seaworthy next to what it costs Prometheus, the budget
// being seaworthy's CPU at most 10% of Prometheus's for the same queries.
//
// It generates cAdvisor-shaped history (test/promdata) for N containers,
// 8 days at 1 m, backfills it with promtool, starts Prometheus, and then,
// in one run, alternates:
//
//	(a) Prometheus alone: the POSTs Fetch makes, bodies read and discarded;
//	(b) prometheus.Fetch into a sink that only counts.
//
// For each it reports wall time, Prometheus's CPU (from /proc/PID/stat),
// this process's CPU (getrusage: user + system), bytes and samples, and
// for (b) the peak RSS (VmHWM, reset before the fetch). Run by hand:
//
//	go run ./test/recommendbench -containers 1000
//
// Measured on 2 shared cores with Prometheus 2.42: at 10,000 containers
// (50 namespaces, 230 M samples, 6.6 GB of JSON, -plain) Fetch took the
// same wall time as Prometheus alone (96.6 s against 96.3 s) and 12.7 s
// of CPU against Prometheus's 176 s (7.2%), peak RSS 30 MB; at 1,000
// containers 7.1% with plain JSON and 8.9% with gzip, which doubles
// Prometheus's CPU and adds the decompression to seaworthy's.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/seaworthy-k8s/seaworthy/cluster/usage"
	"github.com/seaworthy-k8s/seaworthy/cluster/usage/prometheus"
	"github.com/seaworthy-k8s/seaworthy/test/promdata"
	promtest "github.com/seaworthy-k8s/seaworthy/test/prometheus"
)

func main() {
	containers := flag.Int("containers", 1000, "containers to generate (a multiple of -per-namespace)")
	perNS := flag.Int("per-namespace", 200, "containers per namespace (20 workloads × 5 pods × 2 containers)")
	runs := flag.Int("runs", 3, "measured rounds of (a) then (b)")
	dir := flag.String("dir", "", "work directory (default a new one under /tmp, removed at the end)")
	keep := flag.Bool("keep", false, "keep the work directory (and reuse its TSDB on the next run with -dir)")
	concurrency := flag.Int("concurrency", prometheus.DefaultConcurrency, "namespaces queried at once, in (a) and (b)")
	flag.BoolVar(&plain, "plain", false, "ask for plain JSON instead of gzip (Options.DisableCompression)")
	flag.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the (b) runs to this file")
	flag.StringVar(&seaworthyBin, "seaworthy", "", "also run (c), the whole `seaworthy recommend` command, with this binary (e.g. bin/seaworthy)")
	flag.Parse()
	if *containers%*perNS != 0 || *perNS%10 != 0 {
		log.Fatalf("-containers must be a multiple of -per-namespace, itself a multiple of 10")
	}
	if err := run(*containers, *perNS, *runs, *dir, *keep, *concurrency); err != nil {
		log.Fatal(err)
	}
}

var (
	cpuProfile string
	plain      bool
)

func run(containers, perNS, runs int, dir string, keep bool, concurrency int) error {
	end := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	spec := promdata.Spec{
		Namespaces: containers / perNS, WorkloadsPerNS: perNS / 10, PodsPerWorkload: 5, ContainersPerPod: 2,
		Start: end.Add(-prometheus.DefaultHistory - 10*time.Minute), End: end,
		OOMAt: end.Add(-72 * time.Hour),
	}
	if dir == "" {
		d, err := os.MkdirTemp("", "seaworthy-recommendbench-")
		if err != nil {
			return err
		}
		dir = d
	}
	if !keep {
		defer os.RemoveAll(dir)
	}
	tsdb := filepath.Join(dir, "tsdb")
	if _, err := os.Stat(tsdb); err != nil {
		if err := backfill(spec, dir, tsdb); err != nil {
			return err
		}
	} else {
		fmt.Printf("reusing %s\n", tsdb)
	}
	srv, err := promtest.New(tsdb, dir)
	if err != nil {
		return err
	}
	defer srv.Close()

	opts := prometheus.Options{Address: srv.URL, End: end, Concurrency: concurrency, Timeout: 10 * time.Minute, DisableCompression: plain}
	var namespaces []string
	for n := 0; n < spec.Namespaces; n++ {
		namespaces = append(namespaces, spec.NamespaceName(n))
	}
	opts.Namespaces = namespaces

	// One unmeasured round of each warms Prometheus's caches.
	if _, err := alone(opts); err != nil {
		return err
	}
	if _, err := fetch(opts); err != nil {
		return err
	}
	manifests := filepath.Join(dir, "manifests.yaml")
	if seaworthyBin != "" {
		if err := writeManifests(spec, manifests); err != nil {
			return err
		}
		if _, err := command(srv, manifests, end, concurrency); err != nil {
			return err
		}
	}
	var as, bs, cs []measure
	for i := 0; i < runs; i++ {
		a, err := measured(srv, func() (int64, error) { return alone(opts) })
		if err != nil {
			return err
		}
		resetPeakRSS()
		if cpuProfile != "" {
			f, err := os.Create(cpuProfile)
			if err != nil {
				return err
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				return err
			}
		}
		b, err := measured(srv, func() (int64, error) { return fetch(opts) })
		if cpuProfile != "" {
			pprof.StopCPUProfile()
		}
		if err != nil {
			return err
		}
		b.peakRSS = peakRSS()
		as, bs = append(as, a), append(bs, b)
		fmt.Printf("run %d: (a) %s  (b) %s\n", i+1, a, b)
		if seaworthyBin != "" {
			c, err := command(srv, manifests, end, concurrency)
			if err != nil {
				return err
			}
			cs = append(cs, c)
			fmt.Printf("run %d: (c) %s\n", i+1, c)
		}
	}
	a, b := median(as), median(bs)
	enc := "gzip"
	if plain {
		enc = "plain JSON"
	}
	fmt.Printf("\n%d containers, %d namespaces, 8 days at 1 m (%d points per series), concurrency %d, %s, medians of %d runs\n",
		containers, spec.Namespaces, 8*1440+1, concurrency, enc, runs)
	fmt.Printf("(a) prometheus alone:   wall %8s  prometheus cpu %8s  own cpu %7s  body %d MB\n", a.wall.Round(time.Millisecond), a.promCPU, a.ownCPU.Round(time.Millisecond), a.bytes>>20)
	fmt.Printf("(b) fetch into a sink:  wall %8s  prometheus cpu %8s  own cpu %7s  samples %d  peak RSS %d MB\n", b.wall.Round(time.Millisecond), b.promCPU, b.ownCPU.Round(time.Millisecond), b.bytes, b.peakRSS>>10)
	fmt.Printf("wall (b)/(a) = %.2f; seaworthy cpu in (b) = %.1f%% of prometheus's cpu in (b), %.1f%% of its cpu in (a)\n",
		b.wall.Seconds()/a.wall.Seconds(), 100*b.ownCPU.Seconds()/b.promCPU.Seconds(), 100*b.ownCPU.Seconds()/a.promCPU.Seconds())
	if len(cs) > 0 {
		c := median(cs)
		fmt.Printf("(c) seaworthy recommend: wall %8s  prometheus cpu %8s  own cpu %7s  json %d KB  peak RSS %d MB\n", c.wall.Round(time.Millisecond), c.promCPU, c.ownCPU.Round(time.Millisecond), c.bytes>>10, c.peakRSS>>10)
		fmt.Printf("wall (c)/(a) = %.2f; seaworthy recommend cpu = %.1f%% of prometheus's cpu in (c), %.1f%% of its cpu in (a)\n",
			c.wall.Seconds()/a.wall.Seconds(), 100*c.ownCPU.Seconds()/c.promCPU.Seconds(), 100*c.ownCPU.Seconds()/a.promCPU.Seconds())
	}
	return nil
}

func backfill(spec promdata.Spec, dir, tsdb string) error {
	om := filepath.Join(dir, "om")
	if err := os.MkdirAll(om, 0o755); err != nil {
		return err
	}
	var size int64
	var gen, fill time.Duration
	files := 0
	t0 := time.Now()
	err := spec.WriteEach(om, promtest.MaxBlockDuration, func(f string) error {
		gen += time.Since(t0)
		if fi, err := os.Stat(f); err == nil {
			size += fi.Size()
		}
		t1 := time.Now()
		err := promtest.Backfill(context.Background(), tsdb, f)
		fill += time.Since(t1)
		os.Remove(f)
		files++
		t0 = time.Now()
		return err
	})
	if err != nil {
		return err
	}
	fmt.Printf("generated %d files, %d MB of OpenMetrics in %s; backfilled in %s\n", files, size>>20, gen.Round(time.Second), fill.Round(time.Second))
	return nil
}

type measure struct {
	wall, promCPU, ownCPU time.Duration
	bytes                 int64 // body bytes for (a), samples for (b)
	peakRSS               int64 // KiB
}

func (m measure) String() string {
	return fmt.Sprintf("wall %s prom %s own %s", m.wall.Round(time.Millisecond), m.promCPU, m.ownCPU.Round(time.Millisecond))
}

func measured(srv *promtest.Server, f func() (int64, error)) (measure, error) {
	p0, err := srv.CPUTime()
	if err != nil {
		return measure{}, err
	}
	o0 := ownCPU()
	t0 := time.Now()
	n, err := f()
	if err != nil {
		return measure{}, err
	}
	wall := time.Since(t0)
	o1 := ownCPU()
	p1, err := srv.CPUTime()
	if err != nil {
		return measure{}, err
	}
	return measure{wall: wall, promCPU: p1 - p0, ownCPU: o1 - o0, bytes: n}, nil
}

// alone makes the POSTs Fetch makes, namespaces in parallel, and discards
// the bodies. (Fetch asks the OOM-reason queries only of namespaces whose
// termination-time query had no series; alone asks them of every one, a
// few small extra queries.)
func alone(opts prometheus.Options) (int64, error) {
	c, err := prometheus.NewClient(opts)
	if err != nil {
		return 0, err
	}
	chunks := c.Chunks()
	var total atomic.Int64
	var firstErr error
	var mu sync.Mutex
	work := make(chan string)
	var wg sync.WaitGroup
	for range opts.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ns := range work {
				oomT, oomR, mem, cpu := c.Queries(ns)
				var err error
				for _, q := range []string{oomT, oomR, mem, cpu} {
					for _, ch := range chunks {
						if err != nil {
							break
						}
						var body io.ReadCloser
						body, err = c.PostQueryRange(context.Background(), q, ch)
						if err == nil {
							var n int64
							n, err = io.Copy(io.Discard, body)
							body.Close()
							total.Add(n)
						}
					}
				}
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
				}
			}
		}()
	}
	for _, ns := range opts.Namespaces {
		work <- ns
	}
	close(work)
	wg.Wait()
	return total.Load(), firstErr
}

// counter is a sink that only counts.
type counter struct{ samples, ooms atomic.Int64 }

func (c *counter) AddSeries(_ usage.ContainerID, _ usage.Resource, s []usage.Sample) {
	c.samples.Add(int64(len(s)))
}
func (c *counter) AddOOM(usage.ContainerID, time.Time) { c.ooms.Add(1) }

func fetch(opts prometheus.Options) (int64, error) {
	var c counter
	cov, err := prometheus.Fetch(context.Background(), opts, &c)
	if err != nil {
		return 0, err
	}
	if len(cov.Gaps) > 0 {
		return 0, fmt.Errorf("fetch has gaps: %s", strings.Join(cov.Gaps, "; "))
	}
	return c.samples.Load(), nil
}

func ownCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// resetPeakRSS resets this process's VmHWM (writing 5 to clear_refs).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS is VmHWM in KiB.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

func median(ms []measure) measure {
	pick := func(get func(measure) time.Duration) time.Duration {
		v := make([]time.Duration, len(ms))
		for i, m := range ms {
			v[i] = get(m)
		}
		sort.Slice(v, func(i, j int) bool { return v[i] < v[j] })
		return v[len(v)/2]
	}
	out := ms[0]
	out.wall = pick(func(m measure) time.Duration { return m.wall })
	out.promCPU = pick(func(m measure) time.Duration { return m.promCPU })
	out.ownCPU = pick(func(m measure) time.Duration { return m.ownCPU })
	for _, m := range ms {
		out.peakRSS = max(out.peakRSS, m.peakRSS)
	}
	return out
}
