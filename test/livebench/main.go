// Command livebench measures a live audit against the cost of the API
// server's own LIST responses, as the performance budgets in DESIGN.md ask.
//
// It starts the pinned kube-apiserver and etcd on loopback (in a temporary
// directory, removed at the end and on Ctrl-C), loads a generated cluster
// (fixtures/synth) into them, then alternates, run after run:
//
//   - raw LIST (typed): a child process that lists every kind seaworthy
//     lists (cluster.Kinds minus configmaps, which seaworthy only reads by
//     name) with seaworthy's client settings (live.ConfigureClient:
//     protobuf, QPS/Burst), pages of live.DefaultPageSize and
//     live.DefaultConcurrency kinds at once, decoding each page into its
//     typed list and dropping it. This is the baseline of the budget.
//   - raw LIST (bytes), unless -floor=false: the same, but each protobuf
//     page is read and not decoded (only its continue token is parsed):
//     the API server's own cost plus transfer.
//   - seaworthy audit --kubeconfig K -o json --fail-on never --quiet, with
//     stdout to /dev/null.
//
// All three are child processes, so wall time (start to exit, measured
// here) includes process start and kubeconfig loading on every side, and
// peak RSS (the child's rusage Maxrss) compares like with like. The
// generated cluster is loaded by a child process too: on Linux a child's
// Maxrss starts at its parent's peak RSS (exec inherits the high-water
// mark), so this process stays small. The "inherited" line of the output
// shows that floor, measured with a child that exits at once.
//
// With -publish (make bench-publish) it measures publishing instead: on
// the same loaded cluster it installs the OpenReports CRDs, starts a real
// Pushgateway and alternates the audit with the same audit publishing to
// a ConfigMap, OpenReports and the Pushgateway, then reads back what was
// published and prints both medians and their ratios.
//
//	go run ./test/livebench -nodes 1000 -pods 30000 -runs 5
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/klog/v2"

	"github.com/seaworthy-k8s/seaworthy/test/controlplane"
)

// Budgets from DESIGN.md.
const (
	budgetRatio = 1.3
	budgetRSS   = 300 << 20
)

type options struct {
	nodes, pods, runs, warmup, workers int
	seaworthy, baseline                string
	profile, kubeconfig, crd           string
	floor, collect, hold, publish      bool
}

func main() {
	// client-go logs through klog; its complaints about requests cut short
	// by cancellation would bury the error that caused it.
	klog.SetLogger(logr.Discard())
	if mode := os.Getenv(envChild); mode != "" {
		os.Exit(childMain(mode, os.Args[1:]))
	}
	var o options
	flag.IntVar(&o.nodes, "nodes", 1000, "nodes in the generated cluster")
	flag.IntVar(&o.pods, "pods", 30000, "pods in the generated cluster")
	flag.IntVar(&o.runs, "runs", 5, "measured runs of each command")
	flag.IntVar(&o.warmup, "warmup", 1, "unmeasured runs of each command first (the first audit's report is checked for gaps)")
	flag.IntVar(&o.workers, "load-workers", controlplane.DefaultLoadWorkers, "objects written at once while loading")
	flag.StringVar(&o.seaworthy, "seaworthy", "bin/seaworthy", "seaworthy binary to measure (`make build`)")
	flag.StringVar(&o.baseline, "baseline", "", "also measure this other seaworthy binary (say, one built before a change), alternating with -seaworthy")
	flag.BoolVar(&o.floor, "floor", true, "also run the bytes-only LIST floor")
	flag.BoolVar(&o.collect, "collect", false, "also run seaworthy's live collection alone (live.Collect, no checks or report)")
	flag.StringVar(&o.profile, "profile", "", "after the runs, profile one in-process audit (cli.Execute) into `DIR`/cpu.pprof and heap.pprof")
	flag.StringVar(&o.kubeconfig, "kubeconfig", "", "measure the cluster of this kubeconfig (e.g. one held by -hold) instead of starting and loading one")
	flag.BoolVar(&o.publish, "publish", false, "instead of the LIST comparison, install the OpenReports CRDs and start a Pushgateway, then alternate the audit with the same audit publishing to a ConfigMap, OpenReports and the Pushgateway")
	flag.StringVar(&o.crd, "openreports-crd", "publish/openreports/testdata/openreports-install.yaml", "the OpenReports CRDs -publish installs")
	flag.BoolVar(&o.hold, "hold", false, "after loading, print the kubeconfig and wait for Ctrl-C instead of measuring (to profile by hand)")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintf(os.Stderr, "livebench: %v\n", err)
		os.Exit(1)
	}
}

func run(o options) (err error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Runs last, after the control plane is stopped and its files removed.
	defer func() {
		if err != nil && ctx.Err() != nil {
			err = errors.New("interrupted; the control plane is stopped and its files removed")
		}
	}()
	bin, err := filepath.Abs(o.seaworthy)
	if err != nil {
		return err
	}
	if _, err := os.Stat(bin); err != nil && !o.hold {
		return fmt.Errorf("%s not found: run `make build` or pass -seaworthy", o.seaworthy)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	kubeconfig := o.kubeconfig
	var load *loadResult
	if kubeconfig == "" {
		binDir := controlplane.BinDir()
		if _, err := os.Stat(filepath.Join(binDir, "kube-apiserver")); err != nil {
			return errors.New("the control plane is not built: run `make controlplane`")
		}
		dir, err := os.MkdirTemp("", "seaworthy-livebench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		start := time.Now()
		// Real clusters allow privileged containers (kubeadm sets this),
		// and the generated kube-proxy is one.
		cp, err := controlplane.New(binDir, dir, controlplane.Options{ExtraArgs: []string{"--allow-privileged=true"}})
		if cp != nil {
			defer cp.Close()
		}
		if err != nil {
			return fmt.Errorf("start control plane: %w", err)
		}
		logf("kube-apiserver and etcd ready at %s in %s", cp.Host, since(start))
		kubeconfig = cp.Kubeconfig
		load = new(loadResult)
		loader := child(self, modeLoad, kubeconfig,
			"-nodes="+strconv.Itoa(o.nodes), "-pods="+strconv.Itoa(o.pods), "-workers="+strconv.Itoa(o.workers))
		if err := loader.runChild(ctx, load); err != nil {
			return fmt.Errorf("load: %w", err)
		}
		if o.hold {
			logf("holding; kubeconfig: %s (Ctrl-C to stop)", kubeconfig)
			<-ctx.Done()
			return nil
		}
	}

	noop, err := child(self, modeNoop, kubeconfig).run(ctx, nil)
	if err != nil {
		return fmt.Errorf("noop child: %w", err)
	}
	if o.publish {
		return runPublish(ctx, o, self, bin, kubeconfig, load, noop)
	}
	cmds := []*bench{child(self, modeTyped, kubeconfig)}
	if o.floor {
		cmds = append(cmds, child(self, modeBytes, kubeconfig))
	}
	if o.collect {
		cmds = append(cmds, child(self, modeCollect, kubeconfig))
	}
	auditArgs := []string{"audit", "--kubeconfig", kubeconfig, "-o", "json", "--fail-on", "never", "--quiet"}
	if o.baseline != "" {
		base, err := filepath.Abs(o.baseline)
		if err != nil {
			return err
		}
		cmds = append(cmds, &bench{name: "audit (baseline)", args: append([]string{base}, auditArgs...)})
	}
	audit := &bench{name: "seaworthy audit", args: append([]string{bin}, auditArgs...)}
	cmds = append(cmds, audit)

	loadBefore := loadavg()
	for i := range o.warmup + o.runs {
		warm := i < o.warmup
		for _, b := range cmds {
			var check func([]byte) (string, error)
			if strings.Contains(b.name, "audit") && i == 0 {
				check = checkReport
			}
			r, err := b.run(ctx, check)
			if err != nil {
				return fmt.Errorf("%s: %w", b.name, err)
			}
			label := fmt.Sprintf("run %d", i-o.warmup+1)
			if warm {
				label = "warm-up"
			}
			logf("%-8s %-17s %6.2fs  cpu %6.2fs  peak RSS %4d MiB%s", label, b.name, r.wall.Seconds(), r.cpu.Seconds(), r.rss>>20, r.note)
			if !warm {
				b.results = append(b.results, r)
			}
		}
	}
	loadAfter := loadavg()
	if o.profile != "" {
		dir, err := filepath.Abs(o.profile)
		if err != nil {
			return err
		}
		p := child(self, modeProfile, kubeconfig, "-profile-dir="+dir)
		r, err := p.run(ctx, nil)
		if err != nil {
			return fmt.Errorf("profile: %w", err)
		}
		logf("profiled audit: %.2fs wall, peak RSS %d MiB%s; go tool pprof %s/cpu.pprof", r.wall.Seconds(), r.rss>>20, r.note, dir)
	}

	if load != nil {
		fmt.Printf("\nlivebench: %d nodes, %d pods (fixtures/synth), kube-apiserver v1.37.2, %d CPUs, %s\n",
			o.nodes, o.pods, runtime.NumCPU(), runtime.Version())
		fmt.Printf("load: %d objects (%d requests) in %s, %.0f requests/s with %d workers; generating took %s\n",
			load.Objects, load.Requests, load.took().Round(100*time.Millisecond),
			float64(load.Requests)/load.took().Seconds(), o.workers, load.generate().Round(10*time.Millisecond))
		if load.Rejected > 0 {
			fmt.Printf("      %d generated objects were refused as invalid by the API server and left out: %s\n", load.Rejected, load.RejectedKinds)
		}
	} else {
		fmt.Printf("\nlivebench: the cluster of %s, %d CPUs, %s\n", kubeconfig, runtime.NumCPU(), runtime.Version())
	}
	fmt.Printf("load average (1/5/15 min): %s before the runs, %s after\n", loadBefore, loadAfter)
	fmt.Printf("inherited peak RSS floor (a child that exits at once): %d MiB\n\n", noop.rss>>20)
	fmt.Printf("%-18s %4s %9s %9s %9s %9s %12s\n", "", "runs", "median", "min", "max", "cpu", "peak RSS")
	for _, b := range cmds {
		fmt.Printf("%-18s %4d %8.2fs %8.2fs %8.2fs %8.2fs %8d MiB\n", b.name, len(b.results),
			b.median(wallOf).Seconds(), b.min(wallOf).Seconds(), b.max(wallOf).Seconds(),
			b.median(cpuOf).Seconds(), int64(b.median(rssOf))>>20)
	}
	fmt.Println("(wall: start to exit of the child; cpu: its user+system time; peak RSS: its Maxrss; medians)")
	raw := cmds[0]
	ratio := audit.median(wallOf).Seconds() / raw.median(wallOf).Seconds()
	rss := int64(audit.median(rssOf))
	fmt.Printf("\naudit / raw LIST (median wall): %.2f  (budget <= %.1f: %s)\n", ratio, budgetRatio, verdict(ratio <= budgetRatio))
	if o.floor {
		fmt.Printf("audit / bytes-only LIST:        %.2f  (informational)\n", audit.median(wallOf).Seconds()/cmds[1].median(wallOf).Seconds())
	}
	fmt.Printf("audit peak RSS (median):        %d MiB  (budget < %d MiB: %s)\n", rss>>20, budgetRSS>>20, verdict(rss < budgetRSS))
	if o.baseline != "" {
		base := cmds[len(cmds)-2]
		fmt.Printf("baseline audit: %.2f x raw LIST, peak RSS %d MiB\n",
			base.median(wallOf).Seconds()/raw.median(wallOf).Seconds(), int64(base.median(rssOf))>>20)
	}
	return nil
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "OVER BUDGET"
}

// bench is one command, measured run after run.
type bench struct {
	name    string
	args    []string
	env     []string
	results []result
}

func child(self, mode, kubeconfig string, args ...string) *bench {
	return &bench{
		name: childNames[mode],
		args: append([]string{self, "-kubeconfig=" + kubeconfig}, args...),
		env:  []string{envChild + "=" + mode},
	}
}

type result struct {
	wall, cpu time.Duration
	rss       int64 // bytes
	note      string
}

func wallOf(r result) float64 { return float64(r.wall) }
func cpuOf(r result) float64  { return float64(r.cpu) }
func rssOf(r result) float64  { return float64(r.rss) }

// run runs the command once and measures it. Stdout goes to /dev/null,
// unless check is set (it is then given stdout and returns a note) or the
// command is one of this binary's children (which print a childResult).
func (b *bench) run(ctx context.Context, check func([]byte) (string, error)) (result, error) {
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, b.args[0], b.args[1:]...)
	cmd.Env = append(os.Environ(), b.env...)
	if check != nil || b.env != nil {
		cmd.Stdout = &out
	} else {
		devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			return result{}, err
		}
		defer devnull.Close()
		cmd.Stdout = devnull
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return result{}, fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	r := result{
		wall: wall,
		cpu:  time.Duration(ru.Utime.Nano() + ru.Stime.Nano()),
		rss:  ru.Maxrss << 10, // KiB on Linux
	}
	switch {
	case check != nil:
		note, err := check(out.Bytes())
		if err != nil {
			return r, err
		}
		r.note = "  " + note
	case b.env != nil && out.Len() > 0:
		var c childResult
		if err := json.Unmarshal(out.Bytes(), &c); err != nil {
			return r, fmt.Errorf("child output %q: %w", out.String(), err)
		}
		switch b.env[0] {
		case envChild + "=" + modeProfile:
			r.note = fmt.Sprintf("  (in-process %.2fs, peak heap %d MiB)", c.Seconds, c.Bytes>>20)
		case envChild + "=" + modeCollect:
			r.note = fmt.Sprintf("  (%d objects; collecting %.2fs in-process)", c.Objects, c.Seconds)
		default:
			r.note = fmt.Sprintf("  (%d objects, %d pages, %d MiB; listing %.2fs in-process)", c.Objects, c.Pages, c.Bytes>>20, c.Seconds)
		}
	}
	return r, nil
}

// runChild runs a child whose stderr is passed through (for progress) and
// whose stdout is JSON decoded into v.
func (b *bench) runChild(ctx context.Context, v any) error {
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, b.args[0], b.args[1:]...)
	cmd.Env = append(os.Environ(), b.env...)
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		return err
	}
	return json.Unmarshal(out.Bytes(), v)
}

// checkReport makes sure the audit read the whole cluster: a report whose
// live read left gaps would make a fast time meaningless.
func checkReport(data []byte) (string, error) {
	var rep struct {
		Summary map[string]int    `json:"summary"`
		Gaps    []json.RawMessage `json:"gaps"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		return "", fmt.Errorf("read the audit report: %w", err)
	}
	if len(rep.Gaps) > 0 {
		return "", fmt.Errorf("the audit left %d gaps, first: %s", len(rep.Gaps), rep.Gaps[0])
	}
	return fmt.Sprintf("(report checked: %d MiB, %d results, no gaps)", len(data)>>20, rep.Summary["total"]), nil
}

func (b *bench) sorted(f func(result) float64) []float64 {
	v := make([]float64, len(b.results))
	for i, r := range b.results {
		v[i] = f(r)
	}
	slices.Sort(v)
	return v
}

func (b *bench) median(f func(result) float64) time.Duration {
	v := b.sorted(f)
	switch {
	case len(v) == 0:
		return 0
	case len(v)%2 == 1:
		return time.Duration(v[len(v)/2])
	default:
		return time.Duration((v[len(v)/2-1] + v[len(v)/2]) / 2)
	}
}

func (b *bench) min(f func(result) float64) time.Duration {
	if v := b.sorted(f); len(v) > 0 {
		return time.Duration(v[0])
	}
	return 0
}

func (b *bench) max(f func(result) float64) time.Duration {
	if v := b.sorted(f); len(v) > 0 {
		return time.Duration(v[len(v)-1])
	}
	return 0
}

func loadavg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func since(t time.Time) time.Duration { return time.Since(t).Round(100 * time.Millisecond) }

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}
