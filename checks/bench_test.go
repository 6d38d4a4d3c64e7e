//go:build unix

package checks_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/checks"
	"github.com/seaworthy-k8s/seaworthy/cluster/snapshotfile"
	"github.com/seaworthy-k8s/seaworthy/fixtures/synth"
	"github.com/seaworthy-k8s/seaworthy/internal/heappeak"
)

// The performance budget (docs: DESIGN.md, "Performance budgets"): an
// offline audit of a 5,000-node / 150,000-pod snapshot, reading the file
// and running every check, in seconds and under 1 GiB of heap.
//
// Each benchmark reports, besides time and allocations:
//   - peak-heap-MiB: the most heap (live and not yet collected objects)
//     seen while an iteration ran, sampled every few milliseconds with
//     runtime/metrics; each iteration starts after a full GC;
//   - cpu-s: CPU seconds (user and system, all threads) an iteration
//     used; on a busy machine ns/op grows but cpu-s much less;
//   - file-MiB: the size of the snapshot file read;
//   - results: how many results the checks returned.
//
// (The file builds on unix only, for getrusage.)

var benchSizes = []benchSize{
	{nodes: 500, pods: 15_000},
	{nodes: 5000, pods: 150_000},
}

var benchNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

type benchSize struct{ nodes, pods int }

func (s benchSize) String() string { return fmt.Sprintf("nodes=%d,pods=%d", s.nodes, s.pods) }

func (s benchSize) spec() synth.Spec { return synth.Spec{Nodes: s.nodes, Pods: s.pods, Seed: 1} }

// benchFiles caches generated snapshot files for the life of the test
// binary (across -count runs); TestMain removes them.
var benchFiles struct {
	sync.Mutex
	dir   string
	paths map[benchSize]string
}

func TestMain(m *testing.M) {
	code := m.Run()
	benchFiles.Lock()
	if benchFiles.dir != "" {
		os.RemoveAll(benchFiles.dir)
	}
	benchFiles.Unlock()
	os.Exit(code)
}

// snapshotFile returns a snapshot file of a generated cluster of size,
// writing it on first use. The generated snapshot is dropped before the
// caller starts timing.
func snapshotFile(b *testing.B, size benchSize) (path string, bytes int64) {
	b.Helper()
	benchFiles.Lock()
	defer benchFiles.Unlock()
	if p, ok := benchFiles.paths[size]; ok {
		return p, fileSize(b, p)
	}
	if benchFiles.dir == "" {
		dir, err := os.MkdirTemp("", "seaworthy-bench-")
		if err != nil {
			b.Fatal(err)
		}
		benchFiles.dir = dir
		benchFiles.paths = map[benchSize]string{}
	}
	path = filepath.Join(benchFiles.dir, size.String()+".json")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	// The file is what `seaworthy snapshot` writes for such a cluster: every
	// source normalizes (and so trims templated pods) before writing.
	snap := synth.Generate(size.spec(), benchNow)
	snap.Normalize()
	if err := snapshotfile.Write(f, snap); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	benchFiles.paths[size] = path
	return path, fileSize(b, path)
}

func fileSize(b *testing.B, path string) int64 {
	b.Helper()
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return info.Size()
}

// cpuSeconds returns the CPU time the process has used.
func cpuSeconds(b *testing.B) float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// settle collects everything left over, so that an iteration's peak is
// its own.
func settle() {
	runtime.GC()
	debug.FreeOSMemory()
}

// BenchmarkOfflineAudit reads a snapshot file and runs every check, as
// "seaworthy audit -f snapshot.json" does.
func BenchmarkOfflineAudit(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.String(), func(b *testing.B) {
			path, bytes := snapshotFile(b, size)
			all := checks.Catalog()
			measure(b, func() int {
				snap, err := snapshotfile.ReadFile(path)
				if err != nil {
					b.Fatal(err)
				}
				return len(checks.Run(snap, all))
			})
			b.ReportMetric(float64(bytes)/(1<<20), "file-MiB")
		})
	}
}

// BenchmarkChecksRun runs every check on a snapshot already in memory.
func BenchmarkChecksRun(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.String(), func(b *testing.B) {
			snap := synth.Generate(size.spec(), benchNow)
			all := checks.Catalog()
			measure(b, func() int { return len(checks.Run(snap, all)) })
			runtime.KeepAlive(snap)
		})
	}
}

// measure times run b.N times, each after a full GC, and reports the peak
// heap and CPU seconds of an iteration and the results of the last.
func measure(b *testing.B, run func() (results int)) {
	var peak, cpu float64
	var results int
	settle()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		settle()
		p := heappeak.Start()
		cpu0 := cpuSeconds(b)
		b.StartTimer()

		results = run()

		b.StopTimer()
		cpu += cpuSeconds(b) - cpu0
		peak = max(peak, p.Stop())
		b.StartTimer()
	}
	b.ReportMetric(peak, "peak-heap-MiB")
	b.ReportMetric(cpu/float64(b.N), "cpu-s")
	b.ReportMetric(float64(results), "results")
}
