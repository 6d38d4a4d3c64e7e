package manifests

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/fixtures/synth"
	"github.com/seaworthy-k8s/seaworthy/internal/heappeak"
)

// benchManifests is the stream BenchmarkLoadManifests reads: the file
// SEAWORTHY_BENCH_MANIFESTS names, or a generated 1,000-node / 30,000-pod
// cluster as one multi-document YAML file, written once per test binary.
var benchManifests struct {
	once sync.Once
	path string
	err  error
}

func benchFile(b *testing.B) string {
	b.Helper()
	if p := os.Getenv("SEAWORTHY_BENCH_MANIFESTS"); p != "" {
		return p
	}
	benchManifests.once.Do(func() {
		dir, err := os.MkdirTemp("", "seaworthy-manifests-bench-")
		if err != nil {
			benchManifests.err = err
			return
		}
		s := synth.Generate(synth.Spec{Nodes: 1000, Pods: 30_000, Seed: 1}, testNow)
		if err := synth.WriteManifests(dir, s, synth.ManifestOptions{}); err != nil {
			benchManifests.err = err
			return
		}
		files, err := synth.ManifestFiles(dir)
		if err != nil {
			benchManifests.err = err
			return
		}
		out, err := os.Create(filepath.Join(dir, "all.yaml"))
		if err != nil {
			benchManifests.err = err
			return
		}
		defer out.Close()
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err == nil {
				_, err = out.Write(data)
			}
			if err == nil {
				err = os.Remove(f)
			}
			if err != nil {
				benchManifests.err = err
				return
			}
		}
		benchManifests.path = out.Name()
	})
	if benchManifests.err != nil {
		b.Fatal(benchManifests.err)
	}
	return benchManifests.path
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchManifests.path != "" {
		os.RemoveAll(filepath.Dir(benchManifests.path))
	}
	os.Exit(code)
}

// BenchmarkLoadManifests loads one large multi-document YAML stream (see
// benchFile). Besides time and allocations it reports peak-heap-MiB, the
// most heap (live and not yet collected objects) seen while an iteration
// ran, sampled every few milliseconds (each iteration starts after a full
// GC), and file-MiB, the size of the input.
//
// The List sub-benchmark reads the same objects as the items of one
// List (kubectl get -o yaml's form): SEAWORTHY_BENCH_LIST names such a
// file, or it is written from the stream next to it.
func BenchmarkLoadManifests(b *testing.B) {
	b.Run("stream", func(b *testing.B) { benchLoad(b, benchFile(b)) })
	b.Run("List", func(b *testing.B) { benchLoad(b, benchListFile(b)) })
}

// benchListFile is benchFile's stream as one List, each document an item.
func benchListFile(b *testing.B) string {
	b.Helper()
	if p := os.Getenv("SEAWORTHY_BENCH_LIST"); p != "" {
		return p
	}
	src := benchFile(b)
	dst := filepath.Join(b.TempDir(), "list.yaml")
	data, err := os.ReadFile(src)
	if err != nil {
		b.Fatal(err)
	}
	out := []byte("apiVersion: v1\nkind: List\nitems:\n")
	for _, doc := range bytes.Split(data, []byte("---\n")) {
		for len(doc) > 0 && (doc[0] == '#' || doc[0] == '\n') { // comment lines
			if i := bytes.IndexByte(doc, '\n'); i >= 0 {
				doc = doc[i+1:]
			} else {
				doc = nil
			}
		}
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		doc = bytes.TrimSuffix(doc, []byte("\n"))
		out = append(out, "- "...)
		out = append(out, bytes.ReplaceAll(doc, []byte("\n"), []byte("\n  "))...)
		out = append(out, '\n')
	}
	if err := os.WriteFile(dst, out, 0o644); err != nil {
		b.Fatal(err)
	}
	return dst
}

func benchLoad(b *testing.B, path string) {
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	var peak float64
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		runtime.GC()
		p := heappeak.Start()
		b.StartTimer()
		s, err := Load([]string{path}, Options{Now: testNow})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		peak = max(peak, p.Stop())
		runtime.KeepAlive(s)
		b.StartTimer()
	}
	b.ReportMetric(peak, "peak-heap-MiB")
	b.ReportMetric(float64(info.Size())/(1<<20), "file-MiB")
}

// TestLoadMatchesSerialFile holds the parallel reader to the serial one on
// a large input: set SEAWORTHY_COMPARE_MANIFESTS to a manifests file or
// directory (the serial reader takes about a gigabyte and twenty seconds
// for 30,000 pods).
func TestLoadMatchesSerialFile(t *testing.T) {
	path := os.Getenv("SEAWORTHY_COMPARE_MANIFESTS")
	if path == "" {
		t.Skip("SEAWORTHY_COMPARE_MANIFESTS is not set")
	}
	start := time.Now()
	got, gotWarn, err := loadParallel([]string{path}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("parallel: %v, %v", time.Since(start), got.Counts())
	start = time.Now()
	want, wantWarn, err := loadSerial(t, []string{path}, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("serial: %v", time.Since(start))
	sameSnapshot(t, got, want)
	if !reflect.DeepEqual(gotWarn, wantWarn) {
		t.Fatalf("warnings %d, want %d", len(gotWarn), len(wantWarn))
	}
}
