package controlplane

import (
	"context"
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

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// EnvDir overrides where the binaries are looked for; EnvRequire=1 turns a
// missing binary from a skip into a failure.
const (
	EnvDir     = "SEAWORTHY_CONTROLPLANE_DIR"
	EnvRequire = "SEAWORTHY_REQUIRE_CONTROLPLANE"
)

// BinDir returns the directory holding kube-apiserver and etcd.
func BinDir() string {
	if d := os.Getenv(EnvDir); d != "" {
		return d
	}
	cache := os.Getenv("SEAWORTHY_CACHE")
	if cache == "" {
		base := os.Getenv("XDG_CACHE_HOME")
		if base == "" {
			home, _ := os.UserHomeDir()
			base = filepath.Join(home, ".cache")
		}
		cache = filepath.Join(base, "seaworthy")
	}
	return filepath.Join(cache, "controlplane", "current")
}

// Require returns the binary directory, or skips the test (fails it when
// EnvRequire is set) with instructions when the binaries are not built.
func Require(tb testing.TB) string {
	tb.Helper()
	dir := BinDir()
	for _, b := range []string{"kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(dir, b)); err != nil {
			msg := fmt.Sprintf("live test needs the pinned control plane, and %s is missing: run `make controlplane` (builds kube-apiserver v1.37.2 and etcd v3.7.3 into %s; about 12 minutes the first time)", b, dir)
			if os.Getenv(EnvRequire) == "1" {
				tb.Fatal(msg)
			}
			tb.Skip("SKIPPING LIVE TEST: " + msg)
		}
	}
	return dir
}

// Options tunes a control plane.
type Options struct {
	// AuthorizationMode defaults to "Node,RBAC".
	AuthorizationMode string
	// ExtraArgs are appended to kube-apiserver's flags.
	ExtraArgs []string
	// ServingCertValidFor is the serving certificate's lifetime (default 24h).
	ServingCertValidFor time.Duration
}

// ControlPlane is a running etcd and kube-apiserver.
type ControlPlane struct {
	// Dir holds certificates, data, logs and kubeconfigs.
	Dir string
	// Host is the API server's URL.
	Host string
	// Kubeconfig is an admin kubeconfig (system:masters).
	Kubeconfig string
	// Admin is a rest.Config for the admin identity.
	Admin *rest.Config

	caPEM     []byte
	pki       *pki
	etcd      *exec.Cmd
	apiserver *exec.Cmd
	logs      []string
}

// Start runs etcd and kube-apiserver on free loopback ports, waits for
// /readyz and registers cleanup (processes and files) with tb.
func Start(tb testing.TB, opts Options) *ControlPlane {
	tb.Helper()
	bin := Require(tb)
	cp, err := New(bin, tb.TempDir(), opts)
	if cp != nil {
		tb.Cleanup(func() {
			if tb.Failed() {
				cp.dumpLogs(tb)
			}
			cp.Close()
		})
	}
	if err != nil {
		tb.Fatalf("start control plane: %v", err)
	}
	return cp
}

// New starts a control plane from the binaries in bin, keeping its files in
// dir. On error the returned ControlPlane (if not nil) must still be closed.
// Tests use Start instead.
func New(bin, dir string, opts Options) (*ControlPlane, error) {
	if opts.AuthorizationMode == "" {
		opts.AuthorizationMode = "Node,RBAC"
	}
	if opts.ServingCertValidFor == 0 {
		opts.ServingCertValidFor = 24 * time.Hour
	}
	cp := &ControlPlane{Dir: dir}
	p, err := newPKI()
	if err != nil {
		return nil, err
	}
	cp.pki, cp.caPEM = p, p.caPEM
	servingCert, servingKey, err := p.issue("kube-apiserver", nil, true, opts.ServingCertValidFor)
	if err != nil {
		return nil, err
	}
	adminCert, adminKey, err := p.issue("seaworthy-admin", []string{"system:masters"}, false, 24*time.Hour)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{"ca.crt": p.caPEM, "serving.crt": servingCert, "serving.key": servingKey}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			return nil, err
		}
	}
	saKey, saPub, err := writeSigningKey(dir)
	if err != nil {
		return nil, err
	}
	ports, err := freePorts(3)
	if err != nil {
		return nil, err
	}
	etcdURL := fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	peerURL := fmt.Sprintf("http://127.0.0.1:%d", ports[1])
	cp.etcd, err = cp.run(filepath.Join(bin, "etcd"), "etcd",
		"--name=default", "--data-dir="+filepath.Join(dir, "etcd"),
		"--listen-client-urls="+etcdURL, "--advertise-client-urls="+etcdURL,
		"--listen-peer-urls="+peerURL, "--initial-advertise-peer-urls="+peerURL,
		"--initial-cluster=default="+peerURL,
		"--unsafe-no-fsync", "--quota-backend-bytes=8589934592", "--log-level=warn")
	if err != nil {
		return cp, err
	}
	cp.Host = fmt.Sprintf("https://127.0.0.1:%d", ports[2])
	args := []string{
		"--etcd-servers=" + etcdURL,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", "--secure-port=" + strconv.Itoa(ports[2]),
		"--tls-cert-file=" + filepath.Join(dir, "serving.crt"), "--tls-private-key-file=" + filepath.Join(dir, "serving.key"),
		"--client-ca-file=" + filepath.Join(dir, "ca.crt"),
		"--authorization-mode=" + opts.AuthorizationMode,
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + saPub, "--service-account-signing-key-file=" + saKey,
		"--service-cluster-ip-range=10.96.0.0/16",
		"--endpoint-reconciler-type=none",
		// No controllers run here, so admission plugins that depend on them
		// (ServiceAccount, ResourceQuota) or that rewrite objects behind the
		// fixture's back (LimitRanger, TaintNodesByCondition,
		// DefaultTolerationSeconds) are off: the live cluster then holds
		// exactly what the fixture says.
		"--disable-admission-plugins=ServiceAccount,ResourceQuota,LimitRanger,TaintNodesByCondition,DefaultTolerationSeconds",
		"--max-requests-inflight=800", "--max-mutating-requests-inflight=400",
		"--v=0",
	}
	cp.apiserver, err = cp.run(filepath.Join(bin, "kube-apiserver"), "kube-apiserver", append(args, opts.ExtraArgs...)...)
	if err != nil {
		return cp, err
	}
	cp.Admin = &rest.Config{
		Host:            cp.Host,
		TLSClientConfig: rest.TLSClientConfig{CAData: p.caPEM, CertData: adminCert, KeyData: adminKey},
		QPS:             200, Burst: 400,
	}
	cp.Kubeconfig = filepath.Join(dir, "admin.kubeconfig")
	if err := cp.writeKubeconfig(cp.Kubeconfig, &clientcmdapi.AuthInfo{ClientCertificateData: adminCert, ClientKeyData: adminKey}); err != nil {
		return cp, err
	}
	return cp, cp.waitReady(90 * time.Second)
}

// run starts a binary in its own process group with its output in a log
// file; the child is killed if the test process dies.
func (cp *ControlPlane) run(path, name string, args ...string) (*exec.Cmd, error) {
	logPath := filepath.Join(cp.Dir, name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(path, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	cp.logs = append(cp.logs, logPath)
	go func() { _ = cmd.Wait(); logFile.Close() }()
	return cmd, nil
}

func (cp *ControlPlane) waitReady(timeout time.Duration) error {
	client, err := kubernetes.NewForConfig(cp.Admin)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var last error
	for {
		body, err := client.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		if err == nil {
			return nil
		}
		last = fmt.Errorf("%v: %s", err, strings.TrimSpace(string(body)))
		if cp.apiserver.ProcessState != nil {
			return fmt.Errorf("kube-apiserver exited: %s", cp.apiserver.ProcessState)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("kube-apiserver not ready after %s: %v", timeout, last)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// writeKubeconfig writes a kubeconfig for this server with the given user.
func (cp *ControlPlane) writeKubeconfig(path string, user *clientcmdapi.AuthInfo) error {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["test"] = &clientcmdapi.Cluster{Server: cp.Host, CertificateAuthorityData: cp.caPEM}
	cfg.AuthInfos["user"] = user
	cfg.Contexts["test"] = &clientcmdapi.Context{Cluster: "test", AuthInfo: "user"}
	cfg.CurrentContext = "test"
	return clientcmd.WriteToFile(*cfg, path)
}

// TokenKubeconfig writes a kubeconfig that authenticates with a bearer
// token and returns its path.
func (cp *ControlPlane) TokenKubeconfig(tb testing.TB, name, token string) string {
	tb.Helper()
	path := filepath.Join(cp.Dir, name+".kubeconfig")
	if err := cp.writeKubeconfig(path, &clientcmdapi.AuthInfo{Token: token}); err != nil {
		tb.Fatal(err)
	}
	return path
}

// StopAPIServer kills kube-apiserver, leaving etcd running.
func (cp *ControlPlane) StopAPIServer() { stop(cp.apiserver) }

// Close stops both processes.
func (cp *ControlPlane) Close() {
	stop(cp.apiserver)
	stop(cp.etcd)
}

func stop(cmd *exec.Cmd) {
	if cmd == nil || cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if err := syscall.Kill(cmd.Process.Pid, 0); errors.Is(err, syscall.ESRCH) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}

func (cp *ControlPlane) dumpLogs(tb testing.TB) {
	for _, l := range cp.logs {
		data, err := os.ReadFile(l)
		if err != nil {
			continue
		}
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		if len(lines) > 40 {
			lines = lines[len(lines)-40:]
		}
		tb.Logf("--- last lines of %s:\n%s", filepath.Base(l), strings.Join(lines, "\n"))
	}
}

func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
