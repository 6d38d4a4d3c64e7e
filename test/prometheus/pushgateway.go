package prometheus

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/test/controlplane"
)

// EnvPushgateway overrides the Pushgateway binary, which is otherwise
// prometheus-pushgateway (Debian's name) or pushgateway on PATH.
const EnvPushgateway = "SEAWORTHY_PUSHGATEWAY"

// PushgatewayBinary returns the Pushgateway's path.
func PushgatewayBinary() (string, error) {
	if p := os.Getenv(EnvPushgateway); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("find pushgateway: %w", err)
		}
		return p, nil
	}
	for _, name := range []string{"prometheus-pushgateway", "pushgateway"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("find pushgateway: neither prometheus-pushgateway nor pushgateway is on PATH")
}

// Pushgateway is a running Pushgateway.
type Pushgateway struct {
	// URL is its base URL, e.g. http://127.0.0.1:41235.
	URL string
	// Addr is its host:port, for a scrape config.
	Addr string
	// Log is the file its output goes to.
	Log    string
	cmd    *exec.Cmd
	exited chan error
}

// StartPushgateway runs a Pushgateway on a free loopback port, persisting
// to a temporary file, and registers its stop with tb. It skips the test
// (fails it when controlplane.EnvRequire is 1) when the binary is missing.
func StartPushgateway(tb testing.TB) *Pushgateway {
	tb.Helper()
	bin, err := PushgatewayBinary()
	if err != nil {
		msg := fmt.Sprintf("test needs a real Pushgateway: %v: install Debian's prometheus-pushgateway package (.ci/run does) or set %s to its binary", err, EnvPushgateway)
		controlplane.Unavailable(tb, "PUSHGATEWAY TEST", msg)
	}
	dir := tb.TempDir()
	port, err := freePort()
	if err != nil {
		tb.Fatal(err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	logPath := filepath.Join(dir, "pushgateway.log")
	logf, err := os.Create(logPath)
	if err != nil {
		tb.Fatal(err)
	}
	defer logf.Close()
	cmd := exec.Command(bin, "--web.listen-address="+addr, "--persistence.file="+filepath.Join(dir, "pushgateway.data"), "--log.level=warn")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start pushgateway: %v", err)
	}
	p := &Pushgateway{URL: "http://" + addr, Addr: addr, Log: logPath, cmd: cmd, exited: make(chan error, 1)}
	go func() { p.exited <- cmd.Wait() }()
	tb.Cleanup(func() {
		if tb.Failed() {
			b, _ := os.ReadFile(logPath)
			tb.Logf("--- end of the pushgateway log:\n%s", lastLines(string(b), 30))
		}
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-p.exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-p.exited
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(p.URL + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case err := <-p.exited:
			b, _ := os.ReadFile(logPath)
			tb.Fatalf("pushgateway exited before it was ready: %v: %s", err, lastLines(string(b), 10))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			tb.Fatal("pushgateway not ready after 30s")
		}
	}
}

// ScrapeConfig is a Prometheus configuration that scrapes the Pushgateway
// at addr every interval with honor_labels, as a Pushgateway must be
// scraped so that pushed job and grouping labels are kept.
func ScrapeConfig(addr string, interval time.Duration) string {
	return fmt.Sprintf(`global:
  scrape_interval: %[2]s
  evaluation_interval: %[2]s
scrape_configs:
  - job_name: pushgateway
    honor_labels: true
    static_configs:
      - targets: [%[1]q]
`, addr, interval)
}
