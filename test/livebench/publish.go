package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/yaml"

	"github.com/seaworthy-k8s/seaworthy/publish/openreports"
	"github.com/seaworthy-k8s/seaworthy/test/prometheus"
)

// The targets the -publish runs write to.
const (
	publishNamespace = "seaworthy-bench"
	publishConfigMap = "seaworthy-report"
	publishCluster   = "bench"
)

// publishSetup installs the CustomResourceDefinitions in crdPath, waits
// until discovery serves openreports.io, and creates the ConfigMap's
// namespace.
func publishSetup(ctx context.Context, kubeconfig, crdPath string) (childResult, error) {
	start := time.Now()
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return childResult{}, err
	}
	data, err := os.ReadFile(crdPath)
	if err != nil {
		return childResult{}, fmt.Errorf("read the OpenReports CRDs: %w", err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return childResult{}, err
	}
	crds := schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	n := 0
	for _, doc := range strings.Split(string(data), "\n---\n") {
		var obj map[string]any
		if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
			return childResult{}, fmt.Errorf("parse %s: %w", crdPath, err)
		}
		if obj == nil {
			continue
		}
		_, err := dyn.Resource(crds).Create(ctx, &unstructured.Unstructured{Object: obj}, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return childResult{}, fmt.Errorf("create CRD: %w", err)
		}
		n++
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return childResult{}, err
	}
	gv := openreports.OpenReports.GroupVersion()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if l, err := disc.ServerResourcesForGroupVersion(gv); err == nil && len(l.APIResources) >= 2 {
			break
		}
		if time.Now().After(deadline) {
			return childResult{}, fmt.Errorf("%s not served 30s after its CRDs were created", gv)
		}
	}
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return childResult{}, err
	}
	_, err = client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: publishNamespace}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return childResult{}, fmt.Errorf("create namespace %s: %w", publishNamespace, err)
	}
	return childResult{Objects: n, Seconds: time.Since(start).Seconds()}, nil
}

// publishVerify counts what a publishing audit wrote: the ConfigMap's
// keys (Pages) and the labelled OpenReports objects (Objects), and the
// bytes of both.
func publishVerify(ctx context.Context, kubeconfig string) (childResult, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return childResult{}, err
	}
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return childResult{}, err
	}
	cm, err := client.CoreV1().ConfigMaps(publishNamespace).Get(ctx, publishConfigMap, metav1.GetOptions{})
	if err != nil {
		return childResult{}, fmt.Errorf("read the published ConfigMap: %w", err)
	}
	var res childResult
	for _, v := range cm.Data {
		res.Pages++
		res.Bytes += int64(len(v))
	}
	for _, v := range cm.BinaryData {
		res.Pages++
		res.Bytes += int64(len(v))
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return childResult{}, err
	}
	for _, namespaced := range []bool{false, true} {
		list, err := dyn.Resource(openreports.OpenReports.Resource(namespaced)).List(ctx,
			metav1.ListOptions{LabelSelector: openreports.ManagedByLabel + "=" + openreports.ManagedBy})
		if err != nil {
			return childResult{}, fmt.Errorf("list the published reports: %w", err)
		}
		res.Objects += len(list.Items)
	}
	if res.Objects == 0 {
		return res, fmt.Errorf("no OpenReports objects labelled %s=%s", openreports.ManagedByLabel, openreports.ManagedBy)
	}
	return res, nil
}

// pushgateway is a Pushgateway this process started.
type pushgateway struct {
	url  string
	cmd  *exec.Cmd
	done chan error
}

// startPushgateway runs the Pushgateway binary test/prometheus finds on a
// free loopback port, its persistence and log in dir.
func startPushgateway(ctx context.Context, dir string) (*pushgateway, error) {
	bin, err := prometheus.PushgatewayBinary()
	if err != nil {
		return nil, fmt.Errorf("%w (install Debian's prometheus-pushgateway or set %s)", err, prometheus.EnvPushgateway)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	logf, err := os.Create(filepath.Join(dir, "pushgateway.log"))
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command(bin, "--web.listen-address="+addr, "--persistence.file="+filepath.Join(dir, "pushgateway.data"), "--log.level=warn")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start pushgateway: %w", err)
	}
	p := &pushgateway{url: "http://" + addr, cmd: cmd, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()
	for deadline := time.Now().Add(30 * time.Second); ; {
		if resp, err := http.Get(p.url + "/-/ready"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p, nil
			}
		}
		select {
		case err := <-p.done:
			return nil, fmt.Errorf("pushgateway exited before it was ready: %v", err)
		case <-ctx.Done():
			p.stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, fmt.Errorf("pushgateway not ready after 30s")
		}
	}
}

// series counts the lines of the Pushgateway's /metrics that seaworthy
// pushed for the bench cluster.
func (p *pushgateway) series() (int, error) {
	resp, err := http.Get(p.url + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, "seaworthy_") && strings.Contains(line, `cluster="`+publishCluster+`"`) {
			n++
		}
	}
	if n == 0 {
		return 0, fmt.Errorf("the pushgateway holds no seaworthy series for cluster %q", publishCluster)
	}
	return n, nil
}

func (p *pushgateway) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// publishArgs are the flags the publishing audit adds.
func publishArgs(pushgatewayURL string) []string {
	return []string{"--publish", "configmap:" + publishNamespace + "/" + publishConfigMap,
		"--publish", "openreports", "--pushgateway", pushgatewayURL, "--cluster-name", publishCluster}
}

// runPublish measures what publishing adds to the audit: it installs the
// targets, then runs the plain audit and the publishing audit in pairs,
// the order alternating from pair to pair so that neither always runs on
// a cache the other warmed.
func runPublish(ctx context.Context, o options, self, bin, kubeconfig string, load *loadResult, noop result) error {
	crd, err := filepath.Abs(o.crd)
	if err != nil {
		return err
	}
	var setup childResult
	if err := child(self, modeSetup, kubeconfig, "-crd="+crd).runChild(ctx, &setup); err != nil {
		return fmt.Errorf("publish setup: %w", err)
	}
	logf("installed %d OpenReports CRDs and namespace %s in %.1fs", setup.Objects, publishNamespace, setup.Seconds)
	dir, err := os.MkdirTemp("", "seaworthy-livebench-pushgateway-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	pg, err := startPushgateway(ctx, dir)
	if err != nil {
		return err
	}
	defer pg.stop()
	logf("pushgateway ready at %s", pg.url)

	auditArgs := []string{bin, "audit", "--kubeconfig", kubeconfig, "-o", "json", "--fail-on", "never", "--quiet"}
	plain := &bench{name: "audit", args: auditArgs}
	pub := &bench{name: "audit + publish", args: append(slices.Clone(auditArgs), publishArgs(pg.url)...)}
	var verified childResult
	var pushed int
	for i := range o.warmup + o.runs {
		warm := i < o.warmup
		pair := []*bench{plain, pub}
		if i%2 == 1 {
			pair = []*bench{pub, plain}
		}
		for _, b := range pair {
			var check func([]byte) (string, error)
			if i == 0 {
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
			logf("%-8s %-16s %6.2fs  cpu %6.2fs  peak RSS %4d MiB%s", label, b.name, r.wall.Seconds(), r.cpu.Seconds(), r.rss>>20, r.note)
			if !warm {
				b.results = append(b.results, r)
			}
			if b == pub && i == 0 {
				if err := child(self, modeVerify, kubeconfig).runChild(ctx, &verified); err != nil {
					return fmt.Errorf("read back the published report: %w", err)
				}
				if pushed, err = pg.series(); err != nil {
					return err
				}
				logf("published: ConfigMap %s/%s with %d keys (%d KiB), %d OpenReports objects, %d series on the pushgateway",
					publishNamespace, publishConfigMap, verified.Pages, verified.Bytes>>10, verified.Objects, pushed)
			}
		}
	}

	if load != nil {
		fmt.Printf("\nlivebench -publish: %d nodes, %d pods (fixtures/synth), kube-apiserver v1.37.2, %d CPUs, %s\n",
			o.nodes, o.pods, runtime.NumCPU(), runtime.Version())
		fmt.Printf("load: %d objects in %s\n", load.Objects, load.took().Round(100*time.Millisecond))
	} else {
		fmt.Printf("\nlivebench -publish: the cluster of %s, %d CPUs, %s\n", kubeconfig, runtime.NumCPU(), runtime.Version())
	}
	fmt.Printf("published: ConfigMap %s/%s (%d keys, %d KiB), %d OpenReports objects, %d Pushgateway series\n",
		publishNamespace, publishConfigMap, verified.Pages, verified.Bytes>>10, verified.Objects, pushed)
	fmt.Printf("inherited peak RSS floor (a child that exits at once): %d MiB\n\n", noop.rss>>20)
	fmt.Printf("%-18s %4s %9s %9s %9s %9s %12s\n", "", "runs", "median", "min", "max", "cpu", "peak RSS")
	for _, b := range []*bench{plain, pub} {
		fmt.Printf("%-18s %4d %8.2fs %8.2fs %8.2fs %8.2fs %8d MiB\n", b.name, len(b.results),
			b.median(wallOf).Seconds(), b.min(wallOf).Seconds(), b.max(wallOf).Seconds(),
			b.median(cpuOf).Seconds(), int64(b.median(rssOf))>>20)
	}
	fmt.Println("(wall: start to exit of the child; cpu: its user+system time; peak RSS: its Maxrss; medians)")
	wall := pub.median(wallOf).Seconds() / plain.median(wallOf).Seconds()
	rss := float64(pub.median(rssOf)) / float64(plain.median(rssOf))
	var pairs []float64
	for i := range min(len(plain.results), len(pub.results)) {
		pairs = append(pairs, pub.results[i].wall.Seconds()/plain.results[i].wall.Seconds())
	}
	slices.Sort(pairs)
	fmt.Printf("\npublishing / plain (median wall):   %.3f  (budget <= %.2f: %s)\n", wall, budgetPublish, verdict(wall <= budgetPublish))
	if len(pairs) > 0 {
		fmt.Printf("publishing / plain (pairs, median): %.3f  (min %.3f, max %.3f)\n", pairs[len(pairs)/2], pairs[0], pairs[len(pairs)-1])
	}
	fmt.Printf("publishing / plain (median RSS):    %.3f  (%+d MiB)\n", rss, (int64(pub.median(rssOf))-int64(plain.median(rssOf)))>>20)
	return nil
}

// budgetPublish is the bound on what publishing adds to the
// audit's wall time at 1,000 nodes.
const budgetPublish = 1.10
