package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"os/signal"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/live"
	"github.com/seaworthy-k8s/seaworthy/fixtures/synth"
	"github.com/seaworthy-k8s/seaworthy/test/controlplane"
)

// envChild, when set, makes this binary one of livebench's children: its
// value is the mode, and the flags are childMain's.
const envChild = "SEAWORTHY_LIVEBENCH_CHILD"

const (
	// modeTyped lists and decodes every page into its typed list, then
	// drops it: what any Go client that uses the objects has to do.
	modeTyped = "typed"
	// modeBytes lists and reads every page's protobuf body, parsing only
	// the continue token: the API server's cost plus transfer.
	modeBytes = "bytes"
	// modeLoad generates the cluster and loads it.
	modeLoad = "load"
	// modeNoop exits at once: its peak RSS is what every child inherits.
	modeNoop = "noop"
	// modeCollect runs seaworthy's live collection (live.Collect,
	// as the CLI calls it) and drops the snapshot: the audit without
	// checks and report.
	modeCollect = "collect"
	// modeProfile runs the whole audit in-process (cli.Execute) with CPU
	// and heap profiles.
	modeProfile = "profile"
	// modeSetup installs the OpenReports CRDs and the namespace -publish
	// writes its ConfigMap to.
	modeSetup = "publish-setup"
	// modeVerify reads back what a publishing audit wrote.
	modeVerify = "publish-verify"
)

var childNames = map[string]string{
	modeTyped:   "raw LIST (typed)",
	modeBytes:   "raw LIST (bytes)",
	modeLoad:    "load",
	modeNoop:    "noop",
	modeCollect: "seaworthy collect",
	modeProfile: "audit (profiled)",
	modeSetup:   "publish setup",
	modeVerify:  "publish verify",
}

// childResult is what a LIST child prints on stdout.
type childResult struct {
	Objects int     `json:"objects"`
	Pages   int     `json:"pages"`
	Bytes   int64   `json:"bytes"`
	Seconds float64 `json:"seconds"`
}

// loadResult is what the load child prints on stdout.
type loadResult struct {
	Objects         int     `json:"objects"`
	Requests        int     `json:"requests"`
	Rejected        int     `json:"rejected"`
	RejectedKinds   string  `json:"rejectedKinds"`
	GenerateSeconds float64 `json:"generateSeconds"`
	LoadSeconds     float64 `json:"loadSeconds"`
}

func (r loadResult) took() time.Duration { return time.Duration(r.LoadSeconds * float64(time.Second)) }
func (r loadResult) generate() time.Duration {
	return time.Duration(r.GenerateSeconds * float64(time.Second))
}

func childMain(mode string, args []string) int {
	fs := flag.NewFlagSet("livebench child", flag.ContinueOnError)
	kubeconfig := fs.String("kubeconfig", "", "kubeconfig of the API server")
	nodes := fs.Int("nodes", 0, "nodes to generate (load)")
	pods := fs.Int("pods", 0, "pods to generate (load)")
	workers := fs.Int("workers", 0, "load workers (load)")
	profileDir := fs.String("profile-dir", "", "where to write cpu.pprof and heap.pprof (profile)")
	crd := fs.String("crd", "", "the OpenReports CRDs to install (publish-setup)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var (
		res any
		err error
	)
	switch mode {
	case modeNoop:
		return 0
	case modeTyped, modeBytes:
		res, err = rawList(ctx, *kubeconfig, mode)
	case modeLoad:
		res, err = loadCluster(ctx, *kubeconfig, *nodes, *pods, *workers)
	case modeCollect:
		res, err = collect(ctx, *kubeconfig)
	case modeProfile:
		res, err = profileAudit(*kubeconfig, *profileDir)
	case modeSetup:
		res, err = publishSetup(ctx, *kubeconfig, *crd)
	case modeVerify:
		res, err = publishVerify(ctx, *kubeconfig)
	default:
		err = fmt.Errorf("unknown %s mode %q", envChild, mode)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", childNames[mode], err)
		return 1
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		return 1
	}
	return 0
}

// collect runs seaworthy's live collection as the CLI does.
func collect(ctx context.Context, kubeconfig string) (childResult, error) {
	start := time.Now()
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return childResult{}, err
	}
	cfg.Timeout = 30 * time.Second // the CLI's --request-timeout default
	snap, err := live.Collect(ctx, cfg, live.Options{})
	if err != nil {
		return childResult{}, err
	}
	if len(snap.Gaps) > 0 {
		return childResult{}, fmt.Errorf("%d gaps, first: %s", len(snap.Gaps), snap.Gaps[0].Message)
	}
	n := 0
	for _, c := range snap.Counts() {
		n += c
	}
	return childResult{Objects: n, Seconds: time.Since(start).Seconds()}, nil
}

// variable matches what differs between refusals for the same reason:
// quoted values, numbers and quantities.
var variable = regexp.MustCompile(`"[^"]*"|[0-9]+[A-Za-z]*`)

// loadCluster generates the cluster and writes it into the API server.
func loadCluster(ctx context.Context, kubeconfig string, nodes, pods, workers int) (loadResult, error) {
	var res loadResult
	start := time.Now()
	// A fixed clock keeps the generated cluster the same from run to run.
	snap := synth.Generate(synth.Spec{Nodes: nodes, Pods: pods}, time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC))
	res.GenerateSeconds = time.Since(start).Seconds()
	for _, n := range snap.Counts() {
		res.Objects += n
	}
	// A create for each object, and a status update for each whose status
	// the API server resets on create.
	res.Requests = res.Objects + len(snap.Pods) + len(snap.Deployments) + len(snap.StatefulSets) +
		len(snap.DaemonSets) + len(snap.CronJobs) + len(snap.ResourceQuotas)
	logf("generated %d objects (%d nodes, %d pods) in %s", res.Objects, len(snap.Nodes), len(snap.Pods), since(start))

	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return res, err
	}
	client, err := kubernetes.NewForConfig(controlplane.BulkConfig(cfg))
	if err != nil {
		return res, err
	}
	start = time.Now()
	last := time.Now()
	rejected := map[string]int{}
	// One example of each kind of refusal: the message without the
	// object's name.
	reasons := map[string]string{}
	err = controlplane.LoadWithOptions(ctx, client, snap, controlplane.LoadOptions{
		Workers: workers,
		Progress: func(done, total int) {
			if time.Since(last) >= 10*time.Second || done == total {
				last = time.Now()
				logf("loading: %d/%d objects, %s", done, total, since(start))
			}
		},
		// The generated cluster may hold objects a real API server
		// refuses; they are counted and reported, not loaded.
		Rejected: func(obj metav1.Object, err error) {
			rejected[strings.TrimPrefix(fmt.Sprintf("%T", obj), "*")]++
			res.Rejected++
			msg := err.Error()
			_, why, _ := strings.Cut(msg, " is invalid: ")
			why = variable.ReplaceAllString(why, "#")
			if _, seen := reasons[why]; !seen {
				reasons[why] = msg
			}
		},
	})
	if err != nil {
		return res, err
	}
	res.LoadSeconds = time.Since(start).Seconds()
	logf("loaded in %s", since(start))
	if res.Rejected > 0 {
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(rejected)) {
			parts = append(parts, fmt.Sprintf("%d %s", rejected[k], k))
		}
		res.RejectedKinds = strings.Join(parts, ", ")
		logf("the API server refused %d generated objects as invalid (%s); %d distinct reasons:", res.Rejected, res.RejectedKinds, len(reasons))
		for _, why := range slices.Sorted(maps.Keys(reasons)) {
			logf("  e.g. %s", reasons[why])
		}
	}
	return res, nil
}

// rawList lists every kind seaworthy lists, the way seaworthy does (same
// client configuration, page size and concurrency), and drops the items.
func rawList(ctx context.Context, kubeconfig, mode string) (childResult, error) {
	start := time.Now()
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return childResult{}, err
	}
	client, err := kubernetes.NewForConfig(live.ConfigureClient(cfg))
	if err != nil {
		return childResult{}, err
	}
	restClients := map[string]rest.Interface{
		"v1":                           client.CoreV1().RESTClient(),
		"apps/v1":                      client.AppsV1().RESTClient(),
		"batch/v1":                     client.BatchV1().RESTClient(),
		"autoscaling/v2":               client.AutoscalingV2().RESTClient(),
		"policy/v1":                    client.PolicyV1().RESTClient(),
		"rbac.authorization.k8s.io/v1": client.RbacV1().RESTClient(),
		"coordination.k8s.io/v1":       client.CoordinationV1().RESTClient(),
		"networking.k8s.io/v1":         client.NetworkingV1().RESTClient(),
	}
	var (
		objects, pages, size atomic.Int64
		wg                   sync.WaitGroup
		mu                   sync.Mutex
		first                error
	)
	sem := make(chan struct{}, live.DefaultConcurrency)
	for _, k := range cluster.Kinds {
		if k.Kind == cluster.KindConfigMaps || k.Optional {
			// Custom resources are not installed on the benchmark cluster:
			// the audit's list of each is one 404, which costs nothing
			// worth comparing.
			continue
		}
		rc, ok := restClients[k.GVR.GroupVersion().String()]
		if !ok {
			return childResult{}, fmt.Errorf("no client for %s", k.GVR.GroupVersion())
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			opts := metav1.ListOptions{Limit: live.DefaultPageSize}
			for {
				n, cont, b, err := listPage(ctx, rc, k.GVR.Resource, &opts, mode)
				if err != nil {
					mu.Lock()
					first = errors.Join(first, fmt.Errorf("list %s: %w", k.Kind, err))
					mu.Unlock()
					return
				}
				objects.Add(int64(n))
				pages.Add(1)
				size.Add(b)
				if cont == "" {
					return
				}
				opts.Continue = cont
			}
		})
	}
	wg.Wait()
	return childResult{Objects: int(objects.Load()), Pages: int(pages.Load()), Bytes: size.Load(),
		Seconds: time.Since(start).Seconds()}, first
}

// listPage reads one page and returns its item count, continue token and
// body size.
func listPage(ctx context.Context, rc rest.Interface, resource string, opts *metav1.ListOptions, mode string) (int, string, int64, error) {
	req := rc.Get().Resource(resource).VersionedParams(opts, scheme.ParameterCodec)
	if mode == modeBytes {
		body, err := req.DoRaw(ctx)
		if err != nil {
			return 0, "", 0, err
		}
		n, cont, err := protoList(body)
		return n, cont, int64(len(body)), err
	}
	res := req.Do(ctx)
	raw, _ := res.Raw()
	obj, err := res.Get() // decodes the page into its typed list
	if err != nil {
		return 0, "", 0, err
	}
	list, err := meta.ListAccessor(obj)
	if err != nil {
		return 0, "", 0, err
	}
	return meta.LenList(obj), list.GetContinue(), int64(len(raw)), nil
}

// k8sMagic starts every protobuf-encoded Kubernetes response.
var k8sMagic = []byte{'k', '8', 's', 0}

// protoList reads a protobuf list response without decoding its items:
// the runtime.Unknown envelope's raw bytes (field 2) hold the list, whose
// field 1 is ListMeta (continue is its field 3) and field 2 the items.
func protoList(body []byte) (items int, cont string, err error) {
	if !bytes.HasPrefix(body, k8sMagic) {
		return 0, "", errors.New("not a protobuf response")
	}
	var raw []byte
	if err := fields(body[len(k8sMagic):], func(num int, val []byte) {
		if num == 2 {
			raw = val
		}
	}); err != nil {
		return 0, "", err
	}
	err = fields(raw, func(num int, val []byte) {
		switch num {
		case 1:
			_ = fields(val, func(num int, val []byte) {
				if num == 3 {
					cont = string(val)
				}
			})
		case 2:
			items++
		}
	})
	return items, cont, err
}

// fields calls fn with each length-delimited field of a protobuf message,
// skipping the others.
func fields(b []byte, fn func(num int, val []byte)) error {
	for len(b) > 0 {
		key, n := binary.Uvarint(b)
		if n <= 0 {
			return errors.New("bad protobuf key")
		}
		b = b[n:]
		num, wire := int(key>>3), key&7
		switch wire {
		case 0:
			_, n = binary.Uvarint(b)
			if n <= 0 {
				return errors.New("bad protobuf varint")
			}
			b = b[n:]
		case 1:
			if len(b) < 8 {
				return errors.New("short protobuf fixed64")
			}
			b = b[8:]
		case 5:
			if len(b) < 4 {
				return errors.New("short protobuf fixed32")
			}
			b = b[4:]
		case 2:
			l, n := binary.Uvarint(b)
			if n <= 0 || uint64(len(b)-n) < l {
				return errors.New("bad protobuf length")
			}
			fn(num, b[n:n+int(l)])
			b = b[n+int(l):]
		default:
			return fmt.Errorf("unsupported protobuf wire type %d", wire)
		}
	}
	return nil
}
