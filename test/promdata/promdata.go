// Package promdata generates cAdvisor- and kube-state-metrics-shaped usage
// history as OpenMetrics text for `promtool tsdb create-blocks-from
// openmetrics`, with the truth known exactly: every memory sample and
// every CPU counter increment is a function of the container and the
// minute, so tests compare what a Prometheus answers with what was
// written.
//
// Values are chosen to be exact in binary floating point: working sets are
// whole bytes, CPU increments are multiples of 1/64 core-second, so the
// sums Prometheus's rate() takes have no rounding and the expected rate is
// one correctly rounded division, in any order of addition.
package promdata

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Spec is the shape of a generated cluster's history.
type Spec struct {
	// Namespaces, WorkloadsPerNS, PodsPerWorkload and ContainersPerPod
	// give the containers: Namespaces × WorkloadsPerNS × PodsPerWorkload ×
	// ContainersPerPod of them.
	Namespaces, WorkloadsPerNS, PodsPerWorkload, ContainersPerPod int
	// Start and End bound the samples (both included), one every Interval
	// (default one minute), Start aligned to it.
	Start, End time.Time
	Interval   time.Duration
	// Noise adds, per pod, a pause-container ("POD") series and a pod-level
	// cgroup series (no container label) that readers must leave out.
	Noise bool
	// OOM kills the first container of the first pod of every workload
	// in the first namespace at OOMAt (exposed as kube-state-metrics does:
	// last_terminated_reason{reason="OOMKilled"} 1 and
	// last_terminated_timestamp from then on). OOMLegacyNS names a
	// namespace whose OOM kills have only the reason series, as older
	// kube-state-metrics expose them.
	OOMAt       time.Time
	OOMLegacyNS string
}

// Container is one generated container.
type Container struct {
	Index                     int
	Namespace, Pod, Container string
}

func (s Spec) interval() time.Duration {
	if s.Interval == 0 {
		return time.Minute
	}
	return s.Interval
}

// Containers lists the generated containers in order.
func (s Spec) Containers() []Container {
	var out []Container
	for n := 0; n < s.Namespaces; n++ {
		ns := s.NamespaceName(n)
		for w := 0; w < s.WorkloadsPerNS; w++ {
			for p := 0; p < s.PodsPerWorkload; p++ {
				pod := fmt.Sprintf("wl%d-6d4cf56db6-p%d", w, p)
				for c := 0; c < s.ContainersPerPod; c++ {
					out = append(out, Container{Index: len(out), Namespace: ns, Pod: pod, Container: fmt.Sprintf("c%d", c)})
				}
			}
		}
	}
	return out
}

// NamespaceName is the name of namespace n: ns-N, but OOMLegacyNS for
// the second.
func (s Spec) NamespaceName(n int) string {
	if n == 1 && s.OOMLegacyNS != "" {
		return s.OOMLegacyNS
	}
	return fmt.Sprintf("ns-%d", n)
}

// Points is the number of samples per series.
func (s Spec) Points() int {
	return int(s.End.Sub(s.Start)/s.interval()) + 1
}

// Time is the time of sample k.
func (s Spec) Time(k int) time.Time { return s.Start.Add(time.Duration(k) * s.interval()) }

// Memory is container c's working set at sample k, in bytes: a base of
// 64 MiB plus 1 MiB per container index, and a ramp of 4 KiB per sample
// within each hour.
func Memory(c, k int) float64 {
	return float64(64<<20 + c<<20 + (k%60)*4096 + (c*7919+k*104729)%4093)
}

// CPUIncrement is container c's CPU use in core-seconds during the
// interval before sample k (k ≥ 1): (1 + (31c + 17k) mod 97) / 64.
func CPUIncrement(c, k int) float64 {
	return float64(1+(31*c+17*k)%97) / 64
}

// Reset says whether container c restarted just before sample k: the
// counter starts again from zero then (container index 1, every 1,000th
// sample), exercising rate()'s counter-reset handling.
func Reset(c, k int) bool { return c == 1 && k > 0 && k%1000 == 0 }

// Counter is container c's container_cpu_usage_seconds_total at sample k.
func Counter(c, k int, prev float64) float64 {
	if k == 0 {
		return float64(c) // a counter that did not start at zero
	}
	if Reset(c, k) {
		return CPUIncrement(c, k)
	}
	return prev + CPUIncrement(c, k)
}

// Rate is what Prometheus 2.42's rate() over a window of w samples'
// intervals (w = window / interval, the closed window holding w + 1
// samples, the first at its start) answers at sample k (k ≥ w): the
// increase, counter resets corrected, which is the sum of the increments
// of samples k-w+1..k (exact: multiples of 1/64), times the factor
// (extrapolated interval / sampled interval) / window seconds, here
// (300 / 300) / 300 = 1/300 for 5 m: Prometheus multiplies by that factor
// rather than dividing, which can differ from sum / 300 in the last bit.
func Rate(c, k, w int, window time.Duration) float64 {
	var sum float64
	for j := k - w + 1; j <= k; j++ {
		sum += CPUIncrement(c, j)
	}
	factor := 1.0 / window.Seconds()
	return sum * factor
}

// Write writes the history as OpenMetrics files into dir, one per block
// of blockDur (aligned to multiples of it since the Unix epoch, as promtool
// aligns blocks, so that each file becomes whole blocks and no two files
// overlap), and returns their paths.
func (s Spec) Write(dir string, blockDur time.Duration) ([]string, error) {
	var paths []string
	err := s.WriteEach(dir, blockDur, func(p string) error {
		paths = append(paths, p)
		return nil
	})
	return paths, err
}

// WriteEach writes the files Write writes, calling done after each one
// (to backfill and remove it before the next is written, for histories
// larger than the disk holds as text).
func (s Spec) WriteEach(dir string, blockDur time.Duration, done func(path string) error) error {
	first := s.Start.Truncate(blockDur)
	for b := first; !b.After(s.End); b = b.Add(blockDur) {
		from := max(0, int((b.Sub(s.Start)+s.interval()-1)/s.interval()))
		to := min(s.Points()-1, int((b.Add(blockDur).Sub(s.Start)-1)/s.interval()))
		if from > to {
			continue
		}
		p := filepath.Join(dir, fmt.Sprintf("block-%d.om", b.Unix()))
		f, err := os.Create(p)
		if err != nil {
			return fmt.Errorf("create openmetrics file: %w", err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		err = s.write(w, from, to)
		if err == nil {
			err = w.Flush()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("write openmetrics file: %w", err)
		}
		if err := done(p); err != nil {
			return err
		}
	}
	return nil
}

// counterAt is the counter at sample k, computed from the last reset.
func counterAt(c, k int) float64 {
	start := 0
	v := float64(c)
	if c == 1 && k >= 1000 {
		start = k - k%1000
		v = 0
	}
	for j := start; j <= k; j++ {
		if j == 0 {
			continue
		}
		v += CPUIncrement(c, j)
	}
	return v
}

// write writes samples from..to (inclusive) of every series: one metric
// family at a time, as OpenMetrics asks.
func (s Spec) write(w *bufio.Writer, from, to int) error {
	cs := s.Containers()
	interval := s.interval()
	var line []byte
	// series writes one series' samples from..to: its name and labels
	// once, then value(k) and the time of each sample.
	series := func(name, labels string, kFrom int, value func(k int) []byte) {
		head := name + "{" + labels + "} "
		for k := kFrom; k <= to; k++ {
			line = append(line[:0], head...)
			line = append(line, value(k)...)
			line = append(line, ' ')
			line = strconv.AppendInt(line, s.Time(k).Unix(), 10)
			line = append(line, '\n')
			w.Write(line)
		}
	}
	var num []byte
	float := func(v float64) []byte {
		num = strconv.AppendFloat(num[:0], v, 'g', -1, 64)
		return num
	}

	// CPU counters.
	w.WriteString("# TYPE container_cpu_usage_seconds counter\n")
	for _, c := range cs {
		v := counterAt(c.Index, from)
		series("container_cpu_usage_seconds_total", cadvisorLabels(c, c.Container), from, func(k int) []byte {
			if k > from {
				v = Counter(c.Index, k, v)
			}
			return float(v)
		})
	}
	if s.Noise {
		for _, c := range cs {
			if c.Container != "c0" {
				continue
			}
			series("container_cpu_usage_seconds_total", cadvisorLabels(c, "POD"), from, func(k int) []byte { return float(float64(k)) })
			series("container_cpu_usage_seconds_total", cadvisorLabels(c, ""), from, func(k int) []byte { return float(float64(2 * k)) })
		}
	}

	// Working sets.
	w.WriteString("# TYPE container_memory_working_set_bytes gauge\n")
	for _, c := range cs {
		series("container_memory_working_set_bytes", cadvisorLabels(c, c.Container), from, func(k int) []byte { return float(Memory(c.Index, k)) })
	}
	if s.Noise {
		for _, c := range cs {
			if c.Container != "c0" {
				continue
			}
			series("container_memory_working_set_bytes", cadvisorLabels(c, "POD"), from, func(int) []byte { return float(1e12) })
			series("container_memory_working_set_bytes", cadvisorLabels(c, ""), from, func(int) []byte { return float(2e12) })
		}
	}

	// kube-state-metrics' termination reason and time for the OOM-killed
	// containers, from the kill on.
	if !s.OOMAt.IsZero() {
		killed := s.OOMKilled()
		oomK := int((s.OOMAt.Sub(s.Start) + interval - 1) / interval)
		w.WriteString("# TYPE kube_pod_container_status_last_terminated_reason gauge\n")
		for _, c := range killed {
			series("kube_pod_container_status_last_terminated_reason", ksmLabels(c)+`,reason="OOMKilled"`, max(from, oomK), func(int) []byte { return float(1) })
		}
		w.WriteString("# TYPE kube_pod_container_status_last_terminated_timestamp gauge\n")
		for _, c := range killed {
			if c.Namespace == s.OOMLegacyNS {
				continue
			}
			series("kube_pod_container_status_last_terminated_timestamp", ksmLabels(c), max(from, oomK), func(int) []byte { return float(float64(s.OOMAt.Unix())) })
		}
	}
	_, err := w.WriteString("# EOF\n")
	return err
}

// OOMKilled lists the containers killed at OOMAt: container c0 of pod p0
// of every workload in the first namespace and in OOMLegacyNS.
func (s Spec) OOMKilled() []Container {
	if s.OOMAt.IsZero() {
		return nil
	}
	var out []Container
	for _, c := range s.Containers() {
		if (c.Namespace == s.NamespaceName(0) || (s.OOMLegacyNS != "" && c.Namespace == s.OOMLegacyNS)) && c.Container == "c0" && len(c.Pod) > 3 && c.Pod[len(c.Pod)-3:] == "-p0" {
			out = append(out, c)
		}
	}
	return out
}

func cadvisorLabels(c Container, container string) string {
	id := "/kubepods/burstable/pod" + c.Pod
	if container != "" {
		id += "/" + container
	}
	l := fmt.Sprintf(`id=%q,job="kubelet",metrics_path="/metrics/cadvisor",namespace=%q,pod=%q`, id, c.Namespace, c.Pod)
	if container != "" {
		l = fmt.Sprintf(`container=%q,`, container) + l
	}
	return l
}

func ksmLabels(c Container) string {
	return fmt.Sprintf(`container=%q,job="kube-state-metrics",namespace=%q,pod=%q,uid="u-%d"`, c.Container, c.Namespace, c.Pod, c.Index)
}
