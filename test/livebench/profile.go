package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"

	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/seaworthy-k8s/seaworthy/cluster/live"
	"github.com/seaworthy-k8s/seaworthy/internal/cli"
)

// profileAudit runs `seaworthy audit` in-process through cli.Execute, the
// way bin/seaworthy does, with a CPU profile of the whole run and a heap
// profile taken when the live heap was at its highest; then it collects the
// snapshot alone and profiles what it keeps alive.
func profileAudit(kubeconfig, dir string) (childResult, error) {
	if dir == "" {
		return childResult{}, fmt.Errorf("-profile-dir is required")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return childResult{}, err
	}
	cpu, err := os.Create(filepath.Join(dir, "cpu.pprof"))
	if err != nil {
		return childResult{}, err
	}
	defer cpu.Close()
	heapPath := filepath.Join(dir, "heap.pprof")

	// Sample the heap; each time it grows by a tenth past the last
	// profile, profile it again, so the file ends up near the peak.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var peak uint64
	wg.Go(func() {
		var profiled uint64
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			if ms.HeapAlloc > profiled+profiled/10 {
				profiled = ms.HeapAlloc
				var buf bytes.Buffer
				if pprof.Lookup("heap").WriteTo(&buf, 0) == nil {
					_ = os.WriteFile(heapPath, buf.Bytes(), 0o644)
				}
			}
		}
	})

	if err := pprof.StartCPUProfile(cpu); err != nil {
		return childResult{}, err
	}
	start := time.Now()
	var stderr bytes.Buffer
	code := cli.Execute([]string{"audit", "--kubeconfig", kubeconfig, "-o", "json", "--fail-on", "never", "--quiet"},
		genericiooptions.IOStreams{In: bytes.NewReader(nil), Out: io.Discard, ErrOut: &stderr})
	took := time.Since(start)
	pprof.StopCPUProfile()
	close(stop)
	wg.Wait()
	if code != 0 {
		return childResult{}, fmt.Errorf("audit exited %d: %s", code, stderr.String())
	}

	// What the collected snapshot alone keeps alive.
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return childResult{}, err
	}
	snap, err := live.Collect(context.Background(), cfg, live.Options{})
	if err != nil {
		return childResult{}, err
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	f, err := os.Create(filepath.Join(dir, "snapshot-heap.pprof"))
	if err != nil {
		return childResult{}, err
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		return childResult{}, err
	}
	runtime.KeepAlive(snap)
	fmt.Fprintf(os.Stderr, "profiled audit: %.2fs, peak heap %d MiB; the snapshot alone holds %d MiB (snapshot-heap.pprof); profiles in %s\n",
		took.Seconds(), peak>>20, (after.HeapAlloc-before.HeapAlloc)>>20, dir)
	return childResult{Seconds: took.Seconds(), Bytes: int64(peak)}, nil
}
