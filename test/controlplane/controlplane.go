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
	"sync"
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

// EnvCache overrides CacheDir, the root the pinned test binaries are
// built into.
const EnvCache = "SEAWORTHY_CACHE"

// CacheDir returns the root the build scripts (test/tools/build.sh,
// test/metricsserver/build.sh) build the pinned binaries into, as they
// compute it: $SEAWORTHY_CACHE, else $XDG_CACHE_HOME/seaworthy, else
// ~/.cache/seaworthy. Each part has its own directory under it.
func CacheDir() string {
	if cache := os.Getenv(EnvCache); cache != "" {
		return cache
	}
	base := os.Getenv("XDG_CACHE_HOME")
	if base == "" {
		home, _ := os.UserHomeDir()
		base = filepath.Join(home, ".cache")
	}
	return filepath.Join(base, "seaworthy")
}

// BinDir returns the directory holding kube-apiserver and etcd: $EnvDir,
// else the current build under CacheDir.
func BinDir() string {
	if d := os.Getenv(EnvDir); d != "" {
		return d
	}
	return filepath.Join(CacheDir(), "controlplane", "current")
}

// Require returns the binary directory, or skips the test (fails it when
// EnvRequire is set) with instructions when the binaries are not built.
func Require(tb testing.TB) string {
	tb.Helper()
	dir := BinDir()
	for _, b := range []string{"kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(dir, b)); err != nil {
			msg := fmt.Sprintf("live test needs the pinned control plane, and %s is missing: run `make controlplane` (builds kube-apiserver v1.37.2 and etcd v3.7.3 into %s; about 12 minutes the first time)", b, dir)
			Unavailable(tb, "LIVE TEST", msg)
		}
	}
	return dir
}

// Unavailable stops a test that lacks a real part: it fails with msg when
// EnvRequire is set (make test, CI), else skips loudly ("SKIPPING LABEL:
// msg") so that a plain go test says what it left out.
func Unavailable(tb testing.TB, label, msg string) {
	tb.Helper()
	if os.Getenv(EnvRequire) == "1" {
		tb.Fatal(msg)
	}
	tb.Skip("SKIPPING " + label + ": " + msg)
}

// Options tunes a control plane. The zero value is one etcd and one
// kube-apiserver.
type Options struct {
	// AuthorizationMode defaults to "Node,RBAC". kube-apiserver turns
	// anonymous authentication off when the modes include AlwaysAllow.
	AuthorizationMode string
	// AuthorizationConfig, when set, is an AuthorizationConfiguration
	// (YAML) passed with --authorization-config instead of
	// --authorization-mode.
	AuthorizationConfig string
	// ExtraArgs are appended to every kube-apiserver's flags.
	ExtraArgs []string
	// ServingCertValidFor is the serving certificate's lifetime from now
	// (default a year). The API server presents the leaf alone, so this is
	// also when the chain it shows expires.
	ServingCertValidFor time.Duration

	// Hostnames starts one kube-apiserver per name, all sharing the etcd
	// cluster, each on its own port and in its own UTS namespace whose
	// hostname is that name: kube-apiserver names its identity Lease after
	// the hostname and labels it kubernetes.io/hostname with it. This
	// needs root, or unprivileged user namespaces. Empty: one
	// kube-apiserver with the machine's hostname.
	Hostnames []string
	// EtcdMembers is the size of the etcd cluster the API servers store
	// objects in (default 1), each member on its own loopback ports.
	EtcdMembers int
	// EventsEtcd starts a second, separate single-member etcd and stores
	// Events there (--etcd-servers-overrides=/events#URL).
	EventsEtcd bool
	// NoIdentityLease turns off the API servers' identity Leases
	// (feature gate APIServerIdentity off), for a cluster whose
	// Leases must be exactly the ones loaded into it. kube-apiserver
	// v1.37.2 has no flag for the lease's duration or renew interval: it
	// renews every 10 s while it runs.
	NoIdentityLease bool
	// Aggregation sets up the aggregation layer's front proxy, so an
	// APIService backed by a Service reaches a real aggregated API
	// server: a front-proxy CA and client certificate, the
	// --requestheader-* flags that tell aggregated servers whom a request
	// is for, and --enable-aggregator-routing=true (there is no
	// kube-proxy, so the aggregator dials the Service's EndpointSlice
	// addresses directly).
	Aggregation bool
}

// ControlPlane is a running etcd cluster and one or more kube-apiservers.
type ControlPlane struct {
	// Dir holds certificates, data, logs and kubeconfigs.
	Dir string
	// Host, Kubeconfig and Admin address the first API server.
	Host string
	// Kubeconfig is an admin kubeconfig (system:masters).
	Kubeconfig string
	// Admin is a rest.Config for the admin identity.
	Admin *rest.Config

	// APIServers are the kube-apiservers, in the order of
	// Options.Hostnames.
	APIServers []*APIServer
	// Etcd are the members of the main etcd cluster.
	Etcd []*EtcdMember
	// EventsEtcd is the separate etcd for Events (nil unless
	// Options.EventsEtcd).
	EventsEtcd *EtcdMember

	caPEM    []byte
	pki      *pki
	mu       sync.Mutex
	logs     []string
	managers []*ControllerManager
}

// APIServer is one running kube-apiserver.
type APIServer struct {
	// Hostname is the hostname of its UTS namespace ("" when it runs with
	// the machine's).
	Hostname string
	// Host is its URL.
	Host string
	// Admin is a rest.Config for the admin identity against this server.
	Admin *rest.Config
	// Args are its command-line flags (without the binary), for objects
	// that describe it, such as a static pod.
	Args []string

	cmd *exec.Cmd
}

// EtcdMember is one running etcd.
type EtcdMember struct {
	Name      string
	ClientURL string
	PeerURL   string
	// Args are its command-line flags (without the binary).
	Args []string

	cmd *exec.Cmd
}

// EtcdServers is the --etcd-servers value of the main etcd cluster.
func (cp *ControlPlane) EtcdServers() string {
	urls := make([]string, len(cp.Etcd))
	for i, m := range cp.Etcd {
		urls[i] = m.ClientURL
	}
	return strings.Join(urls, ",")
}

// Start runs etcd and kube-apiserver on free loopback ports, waits for
// /readyz and registers cleanup (processes and files) with tb.
func Start(tb testing.TB, opts Options) *ControlPlane {
	tb.Helper()
	bin := Require(tb)
	if len(opts.Hostnames) > 0 {
		RequireNamespaces(tb)
	}
	cp, err := New(bin, tb.TempDir(), opts)
	if cp != nil {
		tb.Cleanup(func() {
			if tb.Failed() {
				cp.DumpLogs(tb)
			}
			cp.Close()
		})
	}
	if err != nil {
		tb.Fatalf("start control plane: %v", err)
	}
	return cp
}

// RequireNamespaces skips the test (fails it when EnvRequire is set) when
// this process cannot give a child its own UTS namespace and hostname,
// which Options.Hostnames needs.
func RequireNamespaces(tb testing.TB) {
	tb.Helper()
	cmd := exec.Command("hostname", "seaworthy-probe")
	cmd.SysProcAttr = utsAttr()
	out, err := cmd.CombinedOutput()
	if err == nil {
		return
	}
	msg := fmt.Sprintf("live test runs API servers with their own hostnames, which needs root or unprivileged user namespaces, and setting one failed: %v: %s", err, strings.TrimSpace(string(out)))
	Unavailable(tb, "LIVE TEST", msg)
}

// utsAttr puts a child in a new UTS namespace, and in a new user namespace
// mapping the caller to root there when the caller is not root.
func utsAttr() *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL, Cloneflags: syscall.CLONE_NEWUTS}
	if uid := os.Geteuid(); uid != 0 {
		a.Cloneflags |= syscall.CLONE_NEWUSER
		a.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: uid, Size: 1}}
		a.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}}
		a.GidMappingsEnableSetgroups = false
	}
	return a
}

// New starts a control plane from the binaries in bin, keeping its files in
// dir. On error the returned ControlPlane (if not nil) must still be closed.
// Tests use Start instead.
//
// Ports are picked free but only bound by the processes a moment later, so
// another process (a client's ephemeral port, a control plane starting
// beside it) can take one in between; a start whose process exits is
// therefore retried on fresh ports, up to startAttempts times (as is one
// that never became ready, which is how a lost etcd port shows).
func New(bin, dir string, opts Options) (*ControlPlane, error) {
	var lastErr error
	for attempt := range startAttempts {
		if attempt > 0 {
			if err := os.RemoveAll(dir); err != nil {
				return nil, err
			}
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, err
			}
		}
		cp, err := newOnce(bin, dir, opts)
		if err == nil || !(strings.Contains(err.Error(), " exited") || strings.Contains(err.Error(), " not ready after ")) {
			return cp, err
		}
		lastErr = fmt.Errorf("attempt %d: %w (%s)", attempt+1, err, lastLogLine(cp))
		if cp != nil {
			cp.Close()
		}
	}
	return nil, lastErr
}

// startAttempts bounds New's retries of a start whose process exited.
const startAttempts = 3

// lastLogLine returns the last line any of cp's processes logged, which
// usually says why one exited.
func lastLogLine(cp *ControlPlane) string {
	if cp == nil {
		return "no logs"
	}
	var last string
	for _, l := range cp.logs {
		data, err := os.ReadFile(l)
		if err != nil {
			continue
		}
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		if line := lines[len(lines)-1]; line != "" {
			last = filepath.Base(l) + ": " + line
		}
	}
	return last
}

func newOnce(bin, dir string, opts Options) (*ControlPlane, error) {
	if opts.AuthorizationMode == "" {
		opts.AuthorizationMode = "Node,RBAC"
	}
	if opts.ServingCertValidFor == 0 {
		opts.ServingCertValidFor = 365 * 24 * time.Hour
	}
	if opts.EtcdMembers <= 0 {
		opts.EtcdMembers = 1
	}
	hostnames := opts.Hostnames
	if len(hostnames) == 0 {
		hostnames = []string{""}
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
	nEtcd := opts.EtcdMembers
	if opts.EventsEtcd {
		nEtcd++
	}
	ports, err := freePorts(2*nEtcd + len(hostnames))
	if err != nil {
		return nil, err
	}
	for i := range opts.EtcdMembers {
		cp.Etcd = append(cp.Etcd, &EtcdMember{
			Name:      fmt.Sprintf("etcd-%d", i),
			ClientURL: fmt.Sprintf("http://127.0.0.1:%d", ports[2*i]),
			PeerURL:   fmt.Sprintf("http://127.0.0.1:%d", ports[2*i+1]),
		})
	}
	if err := cp.startEtcd(bin, "etcd", cp.Etcd); err != nil {
		return cp, err
	}
	etcdArgs := []string{"--etcd-servers=" + cp.EtcdServers()}
	if opts.EventsEtcd {
		i := opts.EtcdMembers
		cp.EventsEtcd = &EtcdMember{
			Name:      "etcd-events",
			ClientURL: fmt.Sprintf("http://127.0.0.1:%d", ports[2*i]),
			PeerURL:   fmt.Sprintf("http://127.0.0.1:%d", ports[2*i+1]),
		}
		if err := cp.startEtcd(bin, "etcd-events", []*EtcdMember{cp.EventsEtcd}); err != nil {
			return cp, err
		}
		etcdArgs = append(etcdArgs, "--etcd-servers-overrides=/events#"+cp.EventsEtcd.ClientURL)
	}
	common := []string{
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
		"--tls-cert-file=" + filepath.Join(dir, "serving.crt"), "--tls-private-key-file=" + filepath.Join(dir, "serving.key"),
		"--client-ca-file=" + filepath.Join(dir, "ca.crt"),
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
	if opts.AuthorizationConfig != "" {
		path := filepath.Join(dir, "authorization.yaml")
		if err := os.WriteFile(path, []byte(opts.AuthorizationConfig), 0o600); err != nil {
			return cp, err
		}
		common = append(common, "--authorization-config="+path)
	} else {
		common = append(common, "--authorization-mode="+opts.AuthorizationMode)
	}
	if opts.NoIdentityLease {
		// The peer proxy depends on the identity Leases.
		common = append(common, "--feature-gates=APIServerIdentity=false,UnknownVersionInteroperabilityProxy=false")
	}
	if opts.Aggregation {
		args, err := aggregationArgs(dir)
		if err != nil {
			return cp, err
		}
		common = append(common, args...)
	}
	for i, h := range hostnames {
		port := ports[2*nEtcd+i]
		args := append(append(append([]string{}, etcdArgs...), "--secure-port="+strconv.Itoa(port)), common...)
		s := &APIServer{
			Hostname: h,
			Host:     fmt.Sprintf("https://127.0.0.1:%d", port),
			Args:     append(args, opts.ExtraArgs...),
		}
		s.Admin = &rest.Config{
			Host:            s.Host,
			TLSClientConfig: rest.TLSClientConfig{CAData: p.caPEM, CertData: adminCert, KeyData: adminKey},
			QPS:             200, Burst: 400,
		}
		cp.APIServers = append(cp.APIServers, s)
	}
	cp.Host, cp.Admin = cp.APIServers[0].Host, cp.APIServers[0].Admin
	cp.Kubeconfig = filepath.Join(dir, "admin.kubeconfig")
	if err := cp.writeKubeconfig(cp.Kubeconfig, &clientcmdapi.AuthInfo{ClientCertificateData: adminCert, ClientKeyData: adminKey}); err != nil {
		return cp, err
	}
	// The servers start together: most of a start is waiting for etcd and
	// for post-start hooks, and concurrent bootstrapping is what an HA
	// control plane does anyway.
	errs := make([]error, len(cp.APIServers))
	var wg sync.WaitGroup
	for i, s := range cp.APIServers {
		name := "kube-apiserver"
		if len(cp.APIServers) > 1 {
			name = fmt.Sprintf("kube-apiserver-%d", i)
		}
		if s.Hostname != "" {
			name = "kube-apiserver-" + s.Hostname
		}
		if s.cmd, errs[i] = cp.run(filepath.Join(bin, "kube-apiserver"), name, s.Hostname, s.Args...); errs[i] != nil {
			continue
		}
		wg.Go(func() { errs[i] = s.waitReady(90 * time.Second) })
	}
	wg.Wait()
	return cp, errors.Join(errs...)
}

// startEtcd starts the members of one etcd cluster together (a member of a
// new multi-member cluster waits for its peers) with static peer
// configuration.
func (cp *ControlPlane) startEtcd(bin, name string, members []*EtcdMember) error {
	peers := make([]string, len(members))
	for i, m := range members {
		if len(members) == 1 && name == "etcd" {
			m.Name = "default"
		}
		peers[i] = m.Name + "=" + m.PeerURL
	}
	for _, m := range members {
		m.Args = []string{
			"--name=" + m.Name, "--data-dir=" + filepath.Join(cp.Dir, name, m.Name),
			"--listen-client-urls=" + m.ClientURL, "--advertise-client-urls=" + m.ClientURL,
			"--listen-peer-urls=" + m.PeerURL, "--initial-advertise-peer-urls=" + m.PeerURL,
			"--initial-cluster=" + strings.Join(peers, ","),
			"--initial-cluster-state=new", "--initial-cluster-token=" + name,
			"--unsafe-no-fsync", "--quota-backend-bytes=8589934592", "--log-level=warn",
		}
		log := name
		if len(members) > 1 {
			log = name + "-" + m.Name
		}
		var err error
		if m.cmd, err = cp.run(filepath.Join(bin, "etcd"), log, "", m.Args...); err != nil {
			return err
		}
	}
	return nil
}

// run starts a binary in its own process group with its output in a log
// file; the child is killed if the test process dies. With a hostname it
// runs in a new UTS namespace with that hostname.
func (cp *ControlPlane) run(path, name, hostname string, args ...string) (*exec.Cmd, error) {
	logPath := filepath.Join(cp.Dir, name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(path, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if hostname != "" {
		// The shell sets the new namespace's hostname and replaces itself
		// with the binary, which keeps the process id (and group).
		cmd = exec.Command("/bin/sh", append([]string{"-c", `hostname "$0" && exec "$@"`, hostname, path}, args...)...)
		cmd.SysProcAttr = utsAttr()
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	cp.mu.Lock()
	cp.logs = append(cp.logs, logPath)
	cp.mu.Unlock()
	go func() { _ = cmd.Wait(); logFile.Close() }()
	return cmd, nil
}

func (s *APIServer) waitReady(timeout time.Duration) error {
	client, err := kubernetes.NewForConfig(s.Admin)
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
		if s.cmd.ProcessState != nil {
			return fmt.Errorf("kube-apiserver at %s exited: %s", s.Host, s.cmd.ProcessState)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("kube-apiserver at %s not ready after %s: %v", s.Host, timeout, last)
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

// StopAPIServer stops every kube-apiserver, leaving etcd running.
func (cp *ControlPlane) StopAPIServer() {
	for _, s := range cp.APIServers {
		s.Stop()
	}
}

// Stop shuts this kube-apiserver down gracefully (SIGTERM). A server that
// shuts down deletes its identity Lease. It is safe to call more than once.
func (s *APIServer) Stop() { stop(s.cmd) }

// Kill ends this kube-apiserver at once (SIGKILL), as a crash or the loss
// of its host would: its identity Lease stays, no longer renewed.
func (s *APIServer) Kill() { kill(s.cmd) }

// Stop stops this etcd member.
func (m *EtcdMember) Stop() { stop(m.cmd) }

// Close stops every process and waits for them to exit.
func (cp *ControlPlane) Close() {
	cp.mu.Lock()
	managers := cp.managers
	cp.mu.Unlock()
	for _, m := range managers {
		m.Stop()
	}
	cp.StopAPIServer()
	for _, m := range cp.Etcd {
		m.Stop()
	}
	if cp.EventsEtcd != nil {
		cp.EventsEtcd.Stop()
	}
}

// stop sends SIGTERM to the process group and SIGKILL if it has not
// exited within 5 s.
func stop(cmd *exec.Cmd) {
	if cmd == nil || cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	if !waitGone(cmd, 5*time.Second) {
		kill(cmd)
	}
}

// kill sends SIGKILL to the process group and waits for the process to go.
func kill(cmd *exec.Cmd) {
	if cmd == nil || cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	waitGone(cmd, 5*time.Second)
}

// waitGone reports whether the process has exited (and been reaped) within
// timeout.
func waitGone(cmd *exec.Cmd, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if err := syscall.Kill(cmd.Process.Pid, 0); errors.Is(err, syscall.ESRCH) {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// DumpLogs logs the last lines of every process's log to tb (Start does
// this when the test fails).
func (cp *ControlPlane) DumpLogs(tb testing.TB) {
	cp.mu.Lock()
	defer cp.mu.Unlock()
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
