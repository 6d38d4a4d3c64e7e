// Command bench times seaworthy's policy engine beside conftest over one
// synthetic cluster: it generates the cluster (fixtures/synth) as one
// multi-document YAML stream, then, in one sitting, runs
//
//	seaworthy audit -f cluster.yaml -o json                      (no policies: the audit alone)
//	seaworthy audit -f cluster.yaml --policy builtin:production --policy policies/testdata/bench -o json
//	conftest test cluster.yaml --policy policies/testdata/bench --namespace seaworthy.bench -o json
//
// and prints each run's wall time and peak resident set size (from the
// child's rusage), the ratios, and whether the ten bench rules found the
// same denials and warnings through both tools (counted by rule set and
// message). seaworthy converts its input to a Rego value once and
// evaluates every rule once over it; conftest converts and evaluates one
// document at a time.
//
// Usage, from test/conftest:
//
//	go run ./bench [-pods 150000] [-seaworthy BIN] [-conftest BIN] [-timeout 15m]
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/seaworthy-k8s/seaworthy/fixtures/synth"
)

// repo is the main module's root, relative to test/conftest.
const repo = "../.."

func main() {
	pods := flag.Int("pods", 150_000, "pods in the generated cluster")
	seaworthy := flag.String("seaworthy", "", "seaworthy binary (default: build ./cmd/seaworthy)")
	conftest := flag.String("conftest", "", "conftest binary (default: build.sh's pinned build)")
	timeout := flag.Duration("timeout", 15*time.Minute, "longest one run may take")
	keep := flag.Bool("keep", false, "keep the generated cluster and the outputs")
	flag.Parse()
	if err := run(*pods, *seaworthy, *conftest, *timeout, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(pods int, seaworthy, conftest string, timeout time.Duration, keep bool) error {
	dir, err := os.MkdirTemp("", "seaworthy-policy-bench-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Fprintln(os.Stderr, "bench: keeping", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	if seaworthy == "" {
		seaworthy = filepath.Join(dir, "seaworthy")
		if err := command(repo, "go", "build", "-o", seaworthy, "./cmd/seaworthy"); err != nil {
			return fmt.Errorf("build seaworthy: %w", err)
		}
	}
	if conftest == "" {
		out, err := exec.Command("./build.sh").Output()
		if err != nil {
			return fmt.Errorf("build conftest with build.sh: %w", err)
		}
		conftest = filepath.Join(strings.TrimSpace(string(out)), "conftest")
	}
	rules, err := filepath.Abs(filepath.Join(repo, "policies", "testdata", "bench"))
	if err != nil {
		return err
	}

	start := time.Now()
	stream, size, err := writeCluster(dir, pods)
	if err != nil {
		return err
	}
	fmt.Printf("cluster: %d pods, %s of YAML, generated in %s\n\n", pods, mib(size), time.Since(start).Round(time.Millisecond))

	runs := []struct {
		label string
		bin   string
		args  []string
	}{
		{"seaworthy audit (no policies)", seaworthy, []string{"audit", "-f", stream, "-o", "json", "--fail-on", "never"}},
		{"seaworthy audit + builtin:production + 10 rules", seaworthy, []string{"audit", "-f", stream, "--policy", "builtin:production", "--policy", rules, "-o", "json", "--fail-on", "never"}},
		{"conftest test, 10 rules", conftest, []string{"test", stream, "--policy", rules, "--namespace", "seaworthy.bench", "-o", "json", "--no-fail", "--no-color"}},
	}
	var ms []measure
	for i, r := range runs {
		out := filepath.Join(dir, fmt.Sprintf("out-%d.json", i))
		m, err := timed(r.bin, r.args, out, timeout)
		m.label = r.label
		if err != nil {
			return fmt.Errorf("%s: %w", r.label, err)
		}
		ms = append(ms, m)
		fmt.Printf("%-48s %9s  peak RSS %9s  %s\n", r.label, m.wall.Round(time.Millisecond), mib(m.maxRSS), m.status)
	}
	sw, cf := ms[1], ms[2]
	if sw.timedOut || cf.timedOut {
		fmt.Printf("\na run passed -timeout %s: no ratio (measure with fewer -pods)\n", timeout)
		return nil
	}
	fmt.Printf("\nconftest / seaworthy: wall %.1f×, peak RSS %.1f×\n", cf.wall.Seconds()/sw.wall.Seconds(), float64(cf.maxRSS)/float64(sw.maxRSS))
	fmt.Printf("policies' share of seaworthy's run: %s (%s with policies − %s without)\n",
		(sw.wall - ms[0].wall).Round(time.Millisecond), sw.wall.Round(time.Millisecond), ms[0].wall.Round(time.Millisecond))

	a, err := seaworthyCounts(sw.out)
	if err != nil {
		return err
	}
	b, err := conftestCounts(cf.out)
	if err != nil {
		return err
	}
	fmt.Println("\nbench rule findings (seaworthy, conftest):")
	same := true
	keys := slices.Sorted(maps.Keys(mergeKeys(a, b)))
	for _, k := range keys {
		mark := ""
		if a[k] != b[k] {
			mark, same = "  DIFFERENT", false
		}
		fmt.Printf("  %-40s %8d %8d%s\n", k, a[k], b[k], mark)
	}
	if !same {
		// Seen at 30,000 pods: seaworthy's snapshot trims pods owned by a
		// controller to what differs per pod (cluster/trim.go), so rules
		// reading a pod's probes see none in the policy input.
		return errors.New("seaworthy and conftest found different bench findings (pods trimmed in seaworthy's policy input?)")
	}
	return nil
}

// writeCluster generates a cluster of pods pods and writes it as one YAML
// stream, returning its path and size.
func writeCluster(dir string, pods int) (string, int64, error) {
	s := synth.Generate(synth.Spec{Pods: pods, Seed: 1}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	parts := filepath.Join(dir, "parts")
	if err := synth.WriteManifests(parts, s, synth.ManifestOptions{}); err != nil {
		return "", 0, err
	}
	s = nil
	runtime.GC()
	files, err := synth.ManifestFiles(parts)
	if err != nil {
		return "", 0, err
	}
	path := filepath.Join(dir, "cluster.yaml")
	out, err := os.Create(path)
	if err != nil {
		return "", 0, err
	}
	var size int64
	for _, f := range files {
		in, err := os.Open(f)
		if err != nil {
			out.Close()
			return "", 0, err
		}
		n, err := io.Copy(out, in)
		in.Close()
		size += n
		if err != nil {
			out.Close()
			return "", 0, fmt.Errorf("write %s: %w", path, err)
		}
	}
	if err := out.Close(); err != nil {
		return "", 0, err
	}
	return path, size, os.RemoveAll(parts)
}

// measure is one timed run.
type measure struct {
	label    string
	wall     time.Duration
	maxRSS   int64 // bytes
	status   string
	timedOut bool
	out      string // the file holding its stdout
}

// timed runs bin with args, stdout to out, and measures its wall time and
// peak resident set size.
func timed(bin string, args []string, out string, timeout time.Duration) (measure, error) {
	f, err := os.Create(out)
	if err != nil {
		return measure{}, err
	}
	defer f.Close()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout = f
	cmd.Stderr = &stderr
	start := time.Now()
	err = cmd.Run()
	m := measure{wall: time.Since(start), out: out, status: "exit 0"}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru != nil {
		m.maxRSS = ru.Maxrss * 1024 // KiB on Linux
	}
	switch {
	case ctx.Err() != nil:
		m.timedOut, m.status = true, "killed after "+timeout.String()
	case err != nil:
		return m, fmt.Errorf("run %s: %w\n%s", filepath.Base(bin), err, tail(stderr.String()))
	}
	return m, nil
}

// seaworthyCounts counts the bench rules' results in a seaworthy JSON
// report by rule set (deny, warn) and message.
func seaworthyCounts(path string) (map[string]int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var report struct {
		Results []struct {
			Status   string `json:"status"`
			Message  string `json:"message"`
			Evidence struct {
				Policy string `json:"policy"`
			} `json:"evidence"`
		} `json:"results"`
	}
	if err := json.Unmarshal(data, &report); err != nil {
		return nil, fmt.Errorf("decode seaworthy's report: %w", err)
	}
	n := map[string]int{}
	for _, r := range report.Results {
		if r.Evidence.Policy != "seaworthy.bench" {
			continue
		}
		rule := map[string]string{"fail": "deny", "warn": "warn"}[r.Status]
		n[rule+": "+r.Message]++
	}
	return n, nil
}

// conftestCounts counts conftest's JSON results by rule set and message.
func conftestCounts(path string) (map[string]int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	type msg struct {
		Msg string `json:"msg"`
	}
	var results []struct {
		Failures []msg `json:"failures"`
		Warnings []msg `json:"warnings"`
	}
	if err := json.Unmarshal(data, &results); err != nil {
		return nil, fmt.Errorf("decode conftest's output: %w", err)
	}
	n := map[string]int{}
	for _, r := range results {
		for _, f := range r.Failures {
			n["deny: "+f.Msg]++
		}
		for _, w := range r.Warnings {
			n["warn: "+w.Msg]++
		}
	}
	return n, nil
}

func mergeKeys(a, b map[string]int) map[string]bool {
	m := map[string]bool{}
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	return m
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

// tail is the last lines of a command's stderr, for an error.
func tail(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-10):], "\n")
}

// command runs name in dir, its output to stderr.
func command(dir, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}
