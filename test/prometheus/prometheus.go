// Package prometheus starts a real Prometheus on loopback for seaworthy's
// tests and benchmarks, over a TSDB backfilled from OpenMetrics text with
// `promtool tsdb create-blocks-from openmetrics`.
//
// It uses the prometheus and promtool binaries on PATH (Debian's
// `prometheus` package installs both; SEAWORTHY_PROMETHEUS_DIR points
// elsewhere). Tests call Require, which skips with instructions when they
// are missing, or fails when SEAWORTHY_REQUIRE_CONTROLPLANE=1, as `make
// test` and CI set it. The server scrapes nothing: its data is exactly what
// was backfilled.
package prometheus

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/test/controlplane"
)

// EnvDir overrides where prometheus and promtool are looked for.
const EnvDir = "SEAWORTHY_PROMETHEUS_DIR"

// Binaries returns the paths of prometheus and promtool, or an error
// saying which is missing.
func Binaries() (prometheus, promtool string, err error) {
	find := func(name string) (string, error) {
		if d := os.Getenv(EnvDir); d != "" {
			p := filepath.Join(d, name)
			if _, err := os.Stat(p); err != nil {
				return "", err
			}
			return p, nil
		}
		return exec.LookPath(name)
	}
	if prometheus, err = find("prometheus"); err != nil {
		return "", "", fmt.Errorf("find prometheus: %w", err)
	}
	if promtool, err = find("promtool"); err != nil {
		return "", "", fmt.Errorf("find promtool: %w", err)
	}
	return prometheus, promtool, nil
}

// Require skips the test (fails it when controlplane.EnvRequire is 1)
// when the binaries are missing.
func Require(tb testing.TB) {
	tb.Helper()
	if _, _, err := Binaries(); err != nil {
		msg := fmt.Sprintf("test needs a real Prometheus: %v: install Debian's prometheus package (apt-get install prometheus; .ci/run does) or set %s to a directory holding prometheus and promtool", err, EnvDir)
		controlplane.Unavailable(tb, "PROMETHEUS TEST", msg)
	}
}

// MaxBlockDuration is the block length Backfill asks promtool for: 18 h is
// the largest of Prometheus's compatible block ranges (2 h × 3^n) under a
// day. Files cut at multiples of it each become whole blocks.
const MaxBlockDuration = 18 * time.Hour

// Backfill turns OpenMetrics files into TSDB blocks under tsdbDir.
func Backfill(ctx context.Context, tsdbDir string, files ...string) error {
	_, promtool, err := Binaries()
	if err != nil {
		return err
	}
	for _, f := range files {
		cmd := exec.CommandContext(ctx, promtool, "tsdb", "create-blocks-from", "openmetrics", "--max-block-duration="+MaxBlockDuration.String(), f, tsdbDir)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("backfill %s: %w: %s", f, err, lastLines(string(out), 10))
		}
	}
	return nil
}

// BackfillText writes text (OpenMetrics, ending in "# EOF") to a file and
// backfills it into a new TSDB directory, which it returns.
func BackfillText(tb testing.TB, text string) string {
	tb.Helper()
	Require(tb)
	dir := tb.TempDir()
	f := filepath.Join(dir, "input.om")
	if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
		tb.Fatal(err)
	}
	tsdb := filepath.Join(dir, "tsdb")
	if err := Backfill(context.Background(), tsdb, f); err != nil {
		tb.Fatal(err)
	}
	return tsdb
}

// Server is a running Prometheus.
type Server struct {
	// URL is its base URL, e.g. http://127.0.0.1:41234.
	URL string
	// Log is the file its output goes to.
	Log    string
	cmd    *exec.Cmd
	exited chan error
}

// Start runs Prometheus over tsdbDir and registers its stop with tb,
// showing the end of its log when the test failed.
func Start(tb testing.TB, tsdbDir string) *Server {
	tb.Helper()
	return StartWithConfig(tb, tsdbDir, "global:\n  scrape_interval: 1m\nscrape_configs: []\n")
}

// StartWithConfig is Start with config as prometheus.yml.
func StartWithConfig(tb testing.TB, tsdbDir, config string) *Server {
	tb.Helper()
	Require(tb)
	s, err := NewWithConfig(tsdbDir, tb.TempDir(), config)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if tb.Failed() {
			b, _ := os.ReadFile(s.Log)
			tb.Logf("--- end of the prometheus log:\n%s", lastLines(string(b), 30))
		}
		s.Close()
	})
	return s
}

// New runs Prometheus over tsdbDir with its configuration and log in
// workDir, on a free loopback port, and returns once /-/ready answers 200.
// Retention is ten years: blocks are kept whatever their age (Prometheus
// measures retention from the newest block, not the clock).
func New(tsdbDir, workDir string) (*Server, error) {
	return NewWithConfig(tsdbDir, workDir, "global:\n  scrape_interval: 1m\nscrape_configs: []\n")
}

// NewWithConfig is New with config as prometheus.yml, for a server that
// scrapes something.
func NewWithConfig(tsdbDir, workDir, config string) (*Server, error) {
	bin, _, err := Binaries()
	if err != nil {
		return nil, err
	}
	cfg := filepath.Join(workDir, "prometheus.yml")
	if err := os.WriteFile(cfg, []byte(config), 0o644); err != nil {
		return nil, fmt.Errorf("write prometheus config: %w", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("find a free port: %w", err)
	}
	logPath := filepath.Join(workDir, "prometheus.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("create prometheus log: %w", err)
	}
	defer logf.Close()
	addr := "127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command(bin,
		"--config.file="+cfg,
		"--storage.tsdb.path="+tsdbDir,
		"--storage.tsdb.retention.time=3650d",
		"--web.listen-address="+addr,
		"--query.max-samples=500000000",
		"--log.level=warn",
	)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start prometheus: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	s := &Server{URL: "http://" + addr, Log: logPath, cmd: cmd, exited: exited}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := http.Get(s.URL + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case err := <-exited:
			b, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("prometheus exited before it was ready: %v: %s", err, lastLines(string(b), 10))
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-exited
			return nil, errors.New("prometheus not ready after 2m")
		}
	}
}

// PID is the server's process id.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// CPUTime is the user and system CPU time the server has used so far,
// from /proc/PID/stat.
func (s *Server) CPUTime() (time.Duration, error) {
	return ProcessCPU(s.PID())
}

// ProcessCPU reads a process's user plus system CPU time from
// /proc/PID/stat (fields 14 and 15, in clock ticks of 1/100 s, the value
// of USER_HZ on Linux).
func ProcessCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read process cpu: %w", err)
	}
	// The command name (field 2) is in parentheses and may hold spaces.
	i := strings.LastIndexByte(string(b), ')')
	fields := strings.Fields(string(b[i+1:]))
	if len(fields) < 13 {
		return 0, fmt.Errorf("read process cpu: short /proc/%d/stat", pid)
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("read process cpu: bad /proc/%d/stat", pid)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}

// Close stops the server (SIGTERM, then SIGKILL after 10 s) and waits.
func (s *Server) Close() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
	s.cmd = nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
