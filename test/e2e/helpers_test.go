package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/manifests"
	"github.com/seaworthy-k8s/seaworthy/cluster/snapshotfile"
	"github.com/seaworthy-k8s/seaworthy/internal/cli"
	"github.com/seaworthy-k8s/seaworthy/result"
	"github.com/seaworthy-k8s/seaworthy/test/controlplane"
)

const (
	clustersDir = "../../fixtures/clusters"
	demoDir     = clustersDir + "/demo"
)

// cliRun is the outcome of one in-process seaworthy invocation.
type cliRun struct {
	code           int
	stdout, stderr string
	// leaked is what was written to the process's own stderr during the
	// run, bypassing the CLI's streams (client-go's klog, for one): the
	// seaworthy binary would print it on stderr too.
	leaked string
}

func (r cliRun) String() string {
	s := fmt.Sprintf("exit %d, stderr %q", r.code, r.stderr)
	if r.leaked != "" {
		s += fmt.Sprintf(", process stderr %q", r.leaked)
	}
	return s
}

// runCLI runs the whole seaworthy command line in-process, as
// cmd/seaworthy does, and also captures the process's stderr. The CLI sets
// the global slog handler and this swaps os.Stderr, so tests in this
// package do not run it in parallel.
func runCLI(t *testing.T, args ...string) cliRun {
	t.Helper()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	leaked := make(chan string)
	go func() {
		b, _ := io.ReadAll(pr)
		pr.Close()
		leaked <- string(b)
	}()
	var out, errOut bytes.Buffer
	code := func() int {
		saved := os.Stderr
		os.Stderr = pw
		defer func() { os.Stderr = saved; pw.Close() }()
		return cli.Execute(args, genericiooptions.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	}()
	return cliRun{code: code, stdout: out.String(), stderr: errOut.String(), leaked: <-leaked}
}

// auditReport is the part of the JSON report these tests compare.
type auditReport struct {
	CollectedAt string        `json:"collectedAt"`
	Source      string        `json:"source"`
	Results     []auditResult `json:"results"`
	Gaps        []cluster.Gap `json:"gaps"`
}

// auditResult is one result as the JSON report carries it. Evidence is kept
// as compact JSON (map keys sorted by the encoder) so it compares exactly.
type auditResult struct {
	Check    string           `json:"check"`
	Status   result.Status    `json:"status"`
	Object   result.ObjectRef `json:"object"`
	Message  string           `json:"message"`
	Evidence json.RawMessage  `json:"evidence"`
}

// String renders a result on one line, for diffs.
func (r auditResult) String() string {
	return fmt.Sprintf("%s %s %s: %s evidence=%s", r.Check, r.Status, r.Object, r.Message, r.Evidence)
}

// audit runs `seaworthy audit ARGS -o json`, requires a completed run (exit
// 0 or 1 as the gate decides, nothing on stderr) and decodes the report.
func audit(t *testing.T, args ...string) auditReport {
	t.Helper()
	r := runCLI(t, append(append([]string{"audit"}, args...), "-o", "json")...)
	if r.code != 0 && r.code != 1 {
		t.Fatalf("audit %v: %s", args, r)
	}
	rep := decodeReport(t, r.stdout)
	if want := gateCode(rep); r.code != want {
		t.Errorf("audit %v: exit %d, but the report's results gate to %d", args, r.code, want)
	}
	if r.stderr != "" || r.leaked != "" {
		t.Errorf("audit %v wrote to stderr: %q %q", args, r.stderr, r.leaked)
	}
	return rep
}

// gateCode is the exit code the default gate (--fail-on fail) gives rep.
func gateCode(rep auditReport) int {
	for _, res := range rep.Results {
		if res.Status == result.StatusFail {
			return 1
		}
	}
	return 0
}

// decodeReport parses a JSON report.
func decodeReport(t *testing.T, stdout string) auditReport {
	t.Helper()
	var rep auditReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("stdout is not a JSON report: %v\n%s", err, stdout)
	}
	for i := range rep.Results {
		var b bytes.Buffer
		if err := json.Compact(&b, rep.Results[i].Evidence); err != nil {
			t.Fatalf("result %d evidence: %v", i, err)
		}
		rep.Results[i].Evidence = b.Bytes()
	}
	if len(rep.Results) == 0 {
		t.Fatalf("report has no results:\n%s", stdout)
	}
	return rep
}

// diffResults returns "" when want and got hold the same results in the same
// order, else a readable diff: "-" lines only in want, "+" lines only in got,
// or the first position where the same results come in a different order.
func diffResults(wantName, gotName string, want, got []auditResult) string {
	wl, gl := resultLines(want), resultLines(got)
	if slices.Equal(wl, gl) {
		return ""
	}
	inGot := map[string]int{}
	for _, l := range gl {
		inGot[l]++
	}
	var removed, added []string
	for _, l := range wl {
		if inGot[l] > 0 {
			inGot[l]--
		} else {
			removed = append(removed, "- "+l)
		}
	}
	for _, l := range gl {
		if inGot[l] > 0 {
			inGot[l]--
			added = append(added, "+ "+l)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "--- %s (%d results)\n+++ %s (%d results)\n", wantName, len(wl), gotName, len(gl))
	for _, l := range append(removed, added...) {
		b.WriteString(l + "\n")
	}
	if len(removed)+len(added) == 0 {
		for i := range wl {
			if wl[i] != gl[i] {
				fmt.Fprintf(&b, "same results, different order; first at %d:\n- %s\n+ %s\n", i, wl[i], gl[i])
				break
			}
		}
	}
	return b.String()
}

func resultLines(rs []auditResult) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.String()
	}
	return out
}

// auditReadsAtOneMoment reads the cluster once through each kubeconfig
// with `seaworthy snapshot` and audits the files with `audit -f`, all as of
// the first read's time. Two live audits happen at different moments, and
// a fixture's time-stamped objects (a leader Lease renewed at a fixed time)
// are judged older by the later one, in its evidence; as of one moment,
// two reads of the same objects must give the same results.
func auditReadsAtOneMoment(t *testing.T, kubeconfigs ...string) []auditReport {
	t.Helper()
	var at time.Time
	var out []auditReport
	for i, kc := range kubeconfigs {
		file := filepath.Join(t.TempDir(), fmt.Sprintf("read-%d.snapshot.json", i))
		if r := runCLI(t, "snapshot", "--kubeconfig", kc, "-o", file); r.code != 0 || r.stdout != "" {
			t.Fatalf("snapshot through %s: %s, stdout %q", kc, r, r.stdout)
		}
		snap, err := snapshotfile.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			at = snap.CollectedAt
		} else {
			snap.CollectedAt = at
			writeSnapshot(t, file, snap)
		}
		out = append(out, audit(t, "-f", file))
	}
	return out
}

// loadFixture reads a fixture directory (or file) the way `audit -f` does.
func loadFixture(t *testing.T, path string) *cluster.Snapshot {
	t.Helper()
	s, err := manifests.Load([]string{path}, manifests.Options{Now: time.Now(), Warn: func(string) {}})
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return s
}

// liveCluster is a running control plane with an admin clientset.
type liveCluster struct {
	*controlplane.ControlPlane
	client kubernetes.Interface
}

// fixtureOptions are the control-plane options of a cluster that holds a
// fixture: no identity Lease of the server's own, which CP-001 would count
// as one more API server and whose age (in the evidence) changes from one
// audit to the next. The live cluster's Leases are then the fixture's.
var fixtureOptions = controlplane.Options{NoIdentityLease: true}

// startCluster starts a control plane (fixtureOptions) and loads the
// fixture directories into it, in order.
func startCluster(t *testing.T, fixtures ...string) *liveCluster {
	t.Helper()
	cp := controlplane.Start(t, fixtureOptions)
	lc, err := newLiveCluster(t.Context(), cp, fixtures...)
	if err != nil {
		t.Fatal(err)
	}
	return lc
}

// newLiveCluster wraps a running control plane and loads fixtures into it.
func newLiveCluster(ctx context.Context, cp *controlplane.ControlPlane, fixtures ...string) (*liveCluster, error) {
	client, err := kubernetes.NewForConfig(cp.Admin)
	if err != nil {
		return nil, err
	}
	lc := &liveCluster{ControlPlane: cp, client: client}
	for _, f := range fixtures {
		snap, err := manifests.Load([]string{f}, manifests.Options{Now: time.Now(), Warn: func(string) {}})
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", f, err)
		}
		if err := lc.loadSnapshot(ctx, snap); err != nil {
			return nil, fmt.Errorf("load %s into the API server: %w", f, err)
		}
	}
	return lc, nil
}

// startClusters prepares one control plane (fixtureOptions) per fixture
// directory, loaded with it. take(t, i) returns the i-th, ready, closed
// when t ends, and has the next `ahead` start meanwhile: most of a start
// is waiting on etcd and post-start hooks, which overlaps well with
// auditing the previous cluster. A cluster started ahead and never taken
// is closed when the calling test ends.
func startClusters(t *testing.T, dirs []string, ahead int) (take func(t *testing.T, i int) *liveCluster) {
	t.Helper()
	bin := controlplane.Require(t)
	type ready struct {
		lc  *liveCluster
		err error
	}
	out := make([]chan ready, len(dirs))
	once := make([]sync.Once, len(dirs))
	var wg sync.WaitGroup
	start := func(i int) {
		if i >= len(dirs) {
			return
		}
		once[i].Do(func() {
			out[i] = make(chan ready, 1)
			wg.Go(func() {
				tmp, err := os.MkdirTemp("", "seaworthy-e2e-")
				if err != nil {
					out[i] <- ready{err: err}
					return
				}
				cp, err := controlplane.New(bin, tmp, fixtureOptions)
				var lc *liveCluster
				if err == nil {
					lc, err = newLiveCluster(context.Background(), cp, dirs[i])
				}
				if err != nil {
					if cp != nil {
						cp.Close()
					}
					os.RemoveAll(tmp)
					lc = nil
				}
				out[i] <- ready{lc: lc, err: err}
			})
		})
	}
	var mu sync.Mutex
	taken := make([]bool, len(dirs))
	t.Cleanup(func() {
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		for i, c := range out {
			if c == nil || taken[i] {
				continue
			}
			if r := <-c; r.lc != nil {
				r.lc.Close()
				os.RemoveAll(r.lc.Dir)
			}
		}
	})
	return func(t *testing.T, i int) *liveCluster {
		t.Helper()
		for j := i; j <= i+ahead; j++ {
			start(j)
		}
		mu.Lock()
		taken[i] = true
		mu.Unlock()
		r := <-out[i]
		if r.err != nil {
			t.Fatalf("start a control plane with %s: %v", dirs[i], r.err)
		}
		t.Cleanup(func() {
			if t.Failed() {
				r.lc.DumpLogs(t)
			}
			r.lc.Close()
			os.RemoveAll(r.lc.Dir)
		})
		return r.lc
	}
}

// loadSnapshot writes snap's objects (custom resources included) into the
// live cluster.
func (lc *liveCluster) loadSnapshot(ctx context.Context, snap *cluster.Snapshot) error {
	dyn, err := dynamic.NewForConfig(lc.Admin)
	if err != nil {
		return err
	}
	return controlplane.LoadWithOptions(ctx, lc.client, snap, controlplane.LoadOptions{Workers: 16, Dynamic: dyn})
}

// kubeconfig writes a kubeconfig for server (default: the API server) with
// the given CA (default: the cluster's) and user, and returns its path.
func (lc *liveCluster) kubeconfig(t *testing.T, name, server string, caPEM []byte, user *clientcmdapi.AuthInfo) string {
	t.Helper()
	if server == "" {
		server = lc.Host
	}
	if caPEM == nil {
		caPEM = lc.Admin.CAData
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["e2e"] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: caPEM}
	cfg.AuthInfos["e2e"] = user
	cfg.Contexts["e2e"] = &clientcmdapi.Context{Cluster: "e2e", AuthInfo: "e2e"}
	cfg.CurrentContext = "e2e"
	path := filepath.Join(t.TempDir(), name+".kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// adminUser is the admin identity's client certificate, for kubeconfigs that
// change something else (the server address or the CA).
func (lc *liveCluster) adminUser() *clientcmdapi.AuthInfo {
	return &clientcmdapi.AuthInfo{ClientCertificateData: lc.Admin.CertData, ClientKeyData: lc.Admin.KeyData}
}

// tokenClient is a clientset that authenticates with a bearer token.
func (lc *liveCluster) tokenClient(t *testing.T, token string) kubernetes.Interface {
	t.Helper()
	c, err := kubernetes.NewForConfig(&rest.Config{
		Host:            lc.Host,
		BearerToken:     token,
		TLSClientConfig: rest.TLSClientConfig{CAData: lc.Admin.CAData},
		// Hundreds of access reviews; client-go's default 5 QPS would
		// stretch them over minutes.
		QPS: 500, Burst: 1000,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// requireOneErrorLine asserts the shape of a failed run: exit 2, nothing on
// stdout, and exactly one line on stderr, "error: …", containing every one
// of wants.
func requireOneErrorLine(t *testing.T, r cliRun, wants ...string) {
	t.Helper()
	if r.code != 2 {
		t.Errorf("exit %d, want 2", r.code)
	}
	if r.stdout != "" {
		t.Errorf("stdout holds %d bytes, want none:\n%s", len(r.stdout), r.stdout)
	}
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "error: ") || !strings.HasSuffix(r.stderr, "\n") {
		t.Fatalf("stderr is not one \"error: …\" line:\n%s", r.stderr)
	}
	for _, w := range wants {
		if !strings.Contains(lines[0], w) {
			t.Errorf("error line %q does not mention %q", lines[0], w)
		}
	}
	if r.leaked != "" {
		t.Errorf("besides its error line, the run wrote to the process's stderr, which the binary prints too:\n%s", r.leaked)
	}
}

// scenarioDirs lists the scenario clusters under fixtures/clusters.
func scenarioDirs(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(clustersDir)
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, filepath.Join(clustersDir, e.Name()))
		}
	}
	if len(dirs) < 3 {
		t.Fatalf("want at least the demo, lab and healthy scenarios in %s, found %v", clustersDir, dirs)
	}
	return dirs
}
