// Command historygen writes usage history for the workloads of a set of
// manifests as saved Prometheus query_range responses (cpu.json and
// memory.json), the files `seaworthy recommend --history-file` replays. The
// history is deterministic for a seed: each container gets a daily CPU
// cycle and a slowly growing memory working set around levels derived from
// its name, so the bundled example cluster has history to recommend from.
//
//	go run ./test/historygen -f fixtures/clusters/demo -out fixtures/history/demo \
//	    -end 2026-03-01T12:00:00Z -days 8 -step 10m
package main

import (
	"bufio"
	"flag"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/cluster/manifests"
)

func main() {
	dir := flag.String("f", "fixtures/clusters/demo", "manifests whose workloads get history")
	out := flag.String("out", "fixtures/history/demo", "directory to write cpu.json and memory.json into")
	endS := flag.String("end", "2026-03-01T12:00:00Z", "end of the history (RFC 3339)")
	days := flag.Int("days", 8, "days of history")
	step := flag.Duration("step", 10*time.Minute, "resolution")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	end, err := time.Parse(time.RFC3339, *endS)
	if err != nil {
		fail(err)
	}
	snap, err := manifests.Load([]string{*dir}, manifests.Options{Now: end})
	if err != nil {
		fail(err)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}
	ix := index.New(snap)
	var series []container
	for _, w := range ix.Workloads() {
		pods := min(max(w.Replicas, 1), 3)
		for p := 0; p < pods; p++ {
			name := podName(w, p)
			for _, c := range w.Template.Spec.Containers {
				series = append(series, container{ns: w.Namespace, pod: name, name: c.Name, c: c})
			}
		}
	}
	start := end.Add(-time.Duration(*days) * 24 * time.Hour)
	n := int(end.Sub(start) / *step)
	write(filepath.Join(*out, "cpu.json"), series, n, start, *step, *seed, cpuAt)
	write(filepath.Join(*out, "memory.json"), series, n, start, *step, *seed, memAt)
}

type container struct {
	ns, pod, name string
	c             corev1.Container
}

// podName is a name the workload's controller could give its pod p.
func podName(w *index.Workload, p int) string {
	switch w.Kind {
	case index.KindStatefulSet:
		return fmt.Sprintf("%s-%d", w.Name, p)
	case index.KindDaemonSet:
		return fmt.Sprintf("%s-%s", w.Name, suffix(w.Name, p, 5))
	}
	return fmt.Sprintf("%s-%s-%s", w.Name, suffix(w.Name, 99, 10), suffix(w.Name, p, 5))
}

// suffix is a generated-name suffix in the controllers' alphabet.
func suffix(name string, p, n int) string {
	const alphabet = "bcdfghjklmnpqrstvwxz2456789"
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%d", name, p)
	v := h.Sum64()
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[v%uint64(len(alphabet))]
		v /= uint64(len(alphabet))
	}
	return string(b)
}

// level is how a container's usage compares with its requests, from its
// name: from a third of them to twice them, so some containers are sized
// well and others are not.
func level(c container) float64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%s", c.ns, c.name)
	return 0.33 + float64(h.Sum64()%1000)/600
}

// request returns a container's request of r, or def when it has none.
func request(c container, r corev1.ResourceName, def float64) float64 {
	q, ok := c.c.Resources.Requests[r]
	if !ok {
		return def
	}
	return q.AsApproximateFloat64()
}

// cpuAt is cores: a daily cycle around level × the request, with noise.
func cpuAt(c container, i int, t time.Time, r *rand.Rand) float64 {
	day := math.Sin(2 * math.Pi * float64(t.Hour()*60+t.Minute()) / 1440)
	base := level(c) * request(c, corev1.ResourceCPU, 0.1)
	return math.Max(0.001, base*(1+0.4*day)+0.05*base*r.NormFloat64())
}

// memAt is bytes: a working set around level × the request that grows
// slowly through the history.
func memAt(c container, i int, t time.Time, r *rand.Rand) float64 {
	base := level(c) * request(c, corev1.ResourceMemory, 128<<20)
	return math.Round(base * (0.9 + 0.00001*float64(i) + 0.05*r.Float64()))
}

func write(path string, cs []container, n int, start time.Time, step time.Duration, seed uint64,
	at func(container, int, time.Time, *rand.Rand) float64) {
	f, err := os.Create(path)
	if err != nil {
		fail(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprint(w, `{"status":"success","data":{"resultType":"matrix","result":[`)
	for k, c := range cs {
		if k > 0 {
			w.WriteByte(',')
		}
		fmt.Fprintf(w, "\n"+`{"metric":{"container":%q,"namespace":%q,"pod":%q},"values":[`, c.name, c.ns, c.pod)
		r := rand.New(rand.NewPCG(seed, uint64(k)))
		for i := 0; i < n; i++ {
			t := start.Add(time.Duration(i+1) * step)
			if i > 0 {
				w.WriteByte(',')
			}
			fmt.Fprintf(w, "[%d,%q]", t.Unix(), strconv.FormatFloat(at(c, i, t, r), 'g', 6, 64))
		}
		w.WriteString("]}")
	}
	fmt.Fprint(w, "\n]}}\n")
	if err := w.Flush(); err != nil {
		fail(err)
	}
	if err := f.Close(); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "historygen:", err)
	os.Exit(1)
}
