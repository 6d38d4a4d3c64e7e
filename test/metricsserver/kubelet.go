package metricsserver

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// Container is one container a Kubelet reports.
type Container struct {
	Namespace, Pod, Name string
	// CPUMillis is its constant CPU usage rate in millicores: the
	// cumulative counter grows by CPUMillis/1000 × Step seconds a scrape.
	// Pick rates for which that is a multiple of 1/64 s, so the counter
	// and metrics-server's nanosecond arithmetic stay exact.
	CPUMillis int64
	// MemoryBytes is its working set at scrape 0; it grows by
	// MemoryStepBytes a scrape.
	MemoryBytes, MemoryStepBytes int64
}

// Kubelet serves one node's /metrics/resource as kubelet v1.37 does
// (Prometheus text with explicit timestamps). Scrape n (from 0) is
// stamped T0 + n×Step; metrics-server takes those timestamps, not its own
// clock, so the window and rate it computes follow from them.
type Kubelet struct {
	// Node is the Node's name.
	Node string
	// Port is the HTTPS port it listens on, on 127.0.0.1.
	Port int
	// T0 is the timestamp of scrape 0 (whole seconds: metrics.k8s.io
	// timestamps have second resolution).
	T0 time.Time
	// Step is how far each scrape's timestamp advances.
	Step time.Duration

	containers []Container
	srv        *httptest.Server
	mu         sync.Mutex
	scrapes    int
}

// counterStart is every CPU counter's value (seconds) at scrape 0.
const counterStart = 1000.0

// NewKubelet starts serving the containers of one node on a free loopback
// port; tb's cleanup stops it.
func NewKubelet(tb testing.TB, node string, t0 time.Time, step time.Duration, containers ...Container) *Kubelet {
	tb.Helper()
	k := &Kubelet{Node: node, T0: t0.Truncate(time.Second), Step: step, containers: containers}
	k.srv = httptest.NewUnstartedServer(http.HandlerFunc(k.serve))
	k.srv.StartTLS()
	tb.Cleanup(k.srv.Close)
	k.Port = k.srv.Listener.Addr().(*net.TCPAddr).Port
	return k
}

// Scrapes returns how many times /metrics/resource was served.
func (k *Kubelet) Scrapes() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.scrapes
}

// Scrape returns the scrape number whose timestamp is t, or -1.
func (k *Kubelet) Scrape(t time.Time) int {
	d := t.Sub(k.T0)
	if d < 0 || d%k.Step != 0 {
		return -1
	}
	return int(d / k.Step)
}

// MemoryAt is c's working set at scrape n.
func (c Container) MemoryAt(n int) int64 { return c.MemoryBytes + int64(n)*c.MemoryStepBytes }

// CPUCounterAt is c's cumulative CPU seconds at scrape n.
func (c Container) CPUCounterAt(n int, step time.Duration) float64 {
	return counterStart + float64(c.CPUMillis)/1000*step.Seconds()*float64(n)
}

func (k *Kubelet) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/metrics/resource" {
		http.NotFound(w, r)
		return
	}
	k.mu.Lock()
	n := k.scrapes
	k.scrapes++
	k.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_, _ = w.Write([]byte(k.exposition(n)))
}

// exposition is scrape n's text, in the families and label order kubelet
// v1.37's resource metrics endpoint uses.
func (k *Kubelet) exposition(n int) string {
	ts := " " + strconv.FormatInt(k.T0.Add(time.Duration(n)*k.Step).UnixMilli(), 10) + "\n"
	started := strconv.FormatInt(k.T0.Add(-time.Hour).Unix(), 10)
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	var b strings.Builder
	family := func(name, typ, help string) {
		fmt.Fprintf(&b, "# HELP %s [STABLE] %s\n# TYPE %s %s\n", name, help, name, typ)
	}
	labels := func(c Container) string {
		return fmt.Sprintf(`{container=%q,namespace=%q,pod=%q}`, c.Name, c.Namespace, c.Pod)
	}
	family("container_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed by the container in core-seconds")
	for _, c := range k.containers {
		b.WriteString("container_cpu_usage_seconds_total" + labels(c) + " " + num(c.CPUCounterAt(n, k.Step)) + ts)
	}
	family("container_memory_working_set_bytes", "gauge", "Current working set of the container in bytes")
	for _, c := range k.containers {
		b.WriteString("container_memory_working_set_bytes" + labels(c) + " " + strconv.FormatInt(c.MemoryAt(n), 10) + ts)
	}
	family("container_start_time_seconds", "gauge", "Start time of the container since unix epoch in seconds")
	for _, c := range k.containers {
		b.WriteString("container_start_time_seconds" + labels(c) + " " + started + ts)
	}
	var cpu float64
	var mem int64
	for _, c := range k.containers {
		cpu += c.CPUCounterAt(n, k.Step)
		mem += c.MemoryAt(n)
	}
	family("node_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed by the node in core-seconds")
	b.WriteString("node_cpu_usage_seconds_total " + num(cpu+counterStart) + ts)
	family("node_memory_working_set_bytes", "gauge", "Current working set of the node in bytes")
	b.WriteString("node_memory_working_set_bytes " + strconv.FormatInt(mem+1<<30, 10) + ts)
	family("pod_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed by the pod in core-seconds")
	family("pod_memory_working_set_bytes", "gauge", "Current working set of the pod in bytes")
	for _, c := range k.containers {
		pl := fmt.Sprintf(`{namespace=%q,pod=%q}`, c.Namespace, c.Pod)
		b.WriteString("pod_cpu_usage_seconds_total" + pl + " " + num(c.CPUCounterAt(n, k.Step)) + ts)
		b.WriteString("pod_memory_working_set_bytes" + pl + " " + strconv.FormatInt(c.MemoryAt(n), 10) + ts)
	}
	family("resource_scrape_error", "gauge", "1 if there was an error while getting container metrics, 0 otherwise")
	b.WriteString("resource_scrape_error 0\n")
	return b.String()
}

// Register creates the Node (InternalIP 127.0.0.1, kubelet endpoint port
// Port) and one Running pod per distinct pod of its containers, bound to
// it: metrics-server scrapes the nodes it lists and reports only pods it
// sees running.
func (k *Kubelet) Register(ctx context.Context, client kubernetes.Interface) error {
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: k.Node}}
	node, err := client.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("create node %s: %w", k.Node, err)
	}
	node.Status.Addresses = []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "127.0.0.1"}}
	node.Status.DaemonEndpoints.KubeletEndpoint.Port = int32(k.Port)
	node.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue, LastHeartbeatTime: metav1.Now(), LastTransitionTime: metav1.Now()}}
	if _, err := client.CoreV1().Nodes().UpdateStatus(ctx, node, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("update node %s status: %w", k.Node, err)
	}
	pods := map[[2]string][]string{}
	var order [][2]string
	for _, c := range k.containers {
		key := [2]string{c.Namespace, c.Pod}
		if _, ok := pods[key]; !ok {
			order = append(order, key)
		}
		pods[key] = append(pods[key], c.Name)
	}
	for _, key := range order {
		if err := ensureNamespace(ctx, client, key[0]); err != nil {
			return err
		}
		pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: key[0], Name: key[1], Labels: map[string]string{"app": key[1]}}, Spec: corev1.PodSpec{NodeName: k.Node}}
		for _, name := range pods[key] {
			pod.Spec.Containers = append(pod.Spec.Containers, corev1.Container{Name: name, Image: "registry.invalid/" + name})
		}
		pod, err := client.CoreV1().Pods(key[0]).Create(ctx, pod, metav1.CreateOptions{})
		if err != nil {
			return fmt.Errorf("create pod %s/%s: %w", key[0], key[1], err)
		}
		pod.Status.Phase = corev1.PodRunning
		if _, err := client.CoreV1().Pods(key[0]).UpdateStatus(ctx, pod, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("update pod %s/%s status: %w", key[0], key[1], err)
		}
	}
	return nil
}

func ensureNamespace(ctx context.Context, client kubernetes.Interface, name string) error {
	_, err := client.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{})
	if err == nil {
		return nil
	}
	_, err = client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create namespace %s: %w", name, err)
	}
	return nil
}
