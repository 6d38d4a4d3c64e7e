package metricsserver

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/seaworthy-k8s/seaworthy/test/controlplane"
)

// Version is the metrics-server build.sh builds.
const Version = "v0.8.0"

// EnvDir overrides where the binary is looked for.
const EnvDir = "SEAWORTHY_METRICSSERVER_DIR"

// Resolution is the --metric-resolution the tests run metrics-server
// with: its minimum (metrics-server rejects less than 10 s), so the two
// scrapes it needs before it reports a rate come quickly.
const Resolution = 10 * time.Second

// APIServiceName is the APIService metrics-server serves.
const APIServiceName = "v1beta1.metrics.k8s.io"

// BinDir returns the directory holding metrics-server: $EnvDir, else the
// current build under the control plane's cache root
// (controlplane.CacheDir).
func BinDir() string {
	if d := os.Getenv(EnvDir); d != "" {
		return d
	}
	return filepath.Join(controlplane.CacheDir(), "metricsserver", "current")
}

// Require returns the binary's path, or skips the test (fails it when
// controlplane.EnvRequire is set) with instructions when it is not built.
func Require(tb testing.TB) string {
	tb.Helper()
	path := filepath.Join(BinDir(), "metrics-server")
	if _, err := os.Stat(path); err != nil {
		msg := fmt.Sprintf("live test needs the pinned metrics-server, and %s is missing: run `make metricsserver` (builds metrics-server %s; about 2 minutes the first time)", path, Version)
		controlplane.Unavailable(tb, "LIVE TEST", msg)
	}
	return path
}

// HostIP returns a non-loopback IPv4 address of this machine. An
// EndpointSlice may not point at loopback, so the aggregator reaches
// metrics-server there.
func HostIP() (net.IP, error) {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil, fmt.Errorf("list interface addresses: %w", err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() && !n.IP.IsLinkLocalUnicast() {
			return n.IP.To4(), nil
		}
	}
	return nil, errors.New("find a non-loopback IPv4 address: none (an EndpointSlice may not point at loopback)")
}

// Server is a running metrics-server registered as the metrics.k8s.io
// APIService of a control plane.
type Server struct {
	// Host is its URL (host IP and port).
	Host string
	// Log is its log file.
	Log string

	cmd *exec.Cmd
}

// Start runs metrics-server against cp (which must have
// controlplane.Options.Aggregation), with the Service, EndpointSlice and
// APIService that put it behind the aggregation layer, and waits until
// the APIService is Available. tb's cleanup stops it.
func Start(tb testing.TB, cp *controlplane.ControlPlane) *Server {
	tb.Helper()
	bin := Require(tb)
	ip, err := HostIP()
	if err != nil {
		controlplane.Unavailable(tb, "LIVE TEST", err.Error())
	}
	s, err := start(bin, cp, ip)
	if s != nil {
		tb.Cleanup(func() {
			if tb.Failed() {
				s.dumpLog(tb)
			}
			s.Stop()
		})
	}
	if err != nil {
		tb.Fatalf("start metrics-server: %v", err)
	}
	return s
}

func start(bin string, cp *controlplane.ControlPlane, ip net.IP) (*Server, error) {
	dir := filepath.Join(cp.Dir, "metrics-server")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	cert, key, err := cp.IssueServingCert([]string{"metrics-server.kube-system.svc"}, []net.IP{ip})
	if err != nil {
		return nil, err
	}
	for name, data := range map[string][]byte{"tls.crt": cert, "tls.key": key} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			return nil, err
		}
	}
	l, err := net.Listen("tcp", net.JoinHostPort(ip.String(), "0"))
	if err != nil {
		return nil, fmt.Errorf("pick a port on %s: %w", ip, err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s := &Server{Host: "https://" + net.JoinHostPort(ip.String(), strconv.Itoa(port)), Log: filepath.Join(dir, "metrics-server.log")}
	args := []string{
		"--kubeconfig=" + cp.Kubeconfig,
		"--authentication-kubeconfig=" + cp.Kubeconfig,
		"--authorization-kubeconfig=" + cp.Kubeconfig,
		"--bind-address=" + ip.String(), "--secure-port=" + strconv.Itoa(port),
		"--tls-cert-file=" + filepath.Join(dir, "tls.crt"), "--tls-private-key-file=" + filepath.Join(dir, "tls.key"),
		"--kubelet-insecure-tls", "--kubelet-preferred-address-types=InternalIP", "--kubelet-use-node-status-port",
		// metrics-server wants the timeout below the resolution.
		"--kubelet-request-timeout=5s",
		"--metric-resolution=" + Resolution.String(),
		"--v=2",
	}
	logFile, err := os.Create(s.Log)
	if err != nil {
		return nil, err
	}
	s.cmd = exec.Command(bin, args...)
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	if err := s.cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start metrics-server: %w", err)
	}
	go func() { _ = s.cmd.Wait(); logFile.Close() }()

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	client, err := kubernetes.NewForConfig(cp.Admin)
	if err != nil {
		return s, err
	}
	dyn, err := dynamic.NewForConfig(cp.Admin)
	if err != nil {
		return s, err
	}
	if err := Register(ctx, client, dyn, ip, port, cp.CAPEM()); err != nil {
		return s, err
	}
	return s, WaitAvailable(ctx, dyn, func() error {
		if s.cmd.ProcessState != nil {
			return fmt.Errorf("metrics-server exited: %s", s.cmd.ProcessState)
		}
		return nil
	})
}

var apiServiceGVR = schema.GroupVersionResource{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"}

// Register creates kube-system/metrics-server (a Service whose port
// "https" is 443), an EndpointSlice for it with the one ready address
// ip:port, and the APIService v1beta1.metrics.k8s.io backed by that
// Service, trusting caPEM for its serving certificate. With ip:port where
// nothing listens, the APIService stays unavailable.
func Register(ctx context.Context, client kubernetes.Interface, dyn dynamic.Interface, ip net.IP, port int, caPEM []byte) error {
	const ns, name = "kube-system", "metrics-server"
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{
			Name: "https", Port: 443, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromInt32(int32(port)),
		}}},
	}
	if _, err := client.CoreV1().Services(ns).Create(ctx, svc, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create service %s/%s: %w", ns, name, err)
	}
	ready, portName, proto, p := true, "https", corev1.ProtocolTCP, int32(port)
	slice := &discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Namespace: ns, Name: name + "-1", Labels: map[string]string{discoveryv1.LabelServiceName: name}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Endpoints:   []discoveryv1.Endpoint{{Addresses: []string{ip.String()}, Conditions: discoveryv1.EndpointConditions{Ready: &ready}}},
		Ports:       []discoveryv1.EndpointPort{{Name: &portName, Protocol: &proto, Port: &p}},
	}
	if _, err := client.DiscoveryV1().EndpointSlices(ns).Create(ctx, slice, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create endpointslice %s/%s: %w", ns, slice.Name, err)
	}
	apiService := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiregistration.k8s.io/v1",
		"kind":       "APIService",
		"metadata":   map[string]any{"name": APIServiceName},
		"spec": map[string]any{
			"group": "metrics.k8s.io", "version": "v1beta1",
			"service":              map[string]any{"namespace": ns, "name": name, "port": int64(443)},
			"caBundle":             base64.StdEncoding.EncodeToString(caPEM),
			"groupPriorityMinimum": int64(100), "versionPriority": int64(100),
		},
	}}
	if _, err := dyn.Resource(apiServiceGVR).Create(ctx, apiService, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create apiservice %s: %w", APIServiceName, err)
	}
	return nil
}

// WaitAvailable waits until the APIService reports Available=True, or
// alive returns an error, or ctx ends.
func WaitAvailable(ctx context.Context, dyn dynamic.Interface, alive func() error) error {
	var last string
	for {
		obj, err := dyn.Resource(apiServiceGVR).Get(ctx, APIServiceName, metav1.GetOptions{})
		if err == nil {
			conds, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
			for _, c := range conds {
				m, _ := c.(map[string]any)
				if m["type"] == "Available" {
					if m["status"] == "True" {
						return nil
					}
					last = fmt.Sprintf("%v: %v", m["reason"], m["message"])
				}
			}
		} else {
			last = err.Error()
		}
		if err := alive(); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for apiservice %s to be available: %w (last: %s)", APIServiceName, ctx.Err(), last)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// Stop stops metrics-server (SIGTERM, then SIGKILL after 5 s).
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if err := syscall.Kill(s.cmd.Process.Pid, 0); errors.Is(err, syscall.ESRCH) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
}

func (s *Server) dumpLog(tb testing.TB) {
	data, err := os.ReadFile(s.Log)
	if err != nil {
		return
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) > 60 {
		lines = lines[len(lines)-60:]
	}
	tb.Logf("--- last lines of metrics-server.log:\n%s", strings.Join(lines, "\n"))
}
