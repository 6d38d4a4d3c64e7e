package controlplane

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ControllerManager is a running kube-controller-manager.
type ControllerManager struct {
	// Args are its command-line flags (without the binary).
	Args []string

	cmd *exec.Cmd
}

// Stop stops this kube-controller-manager. It is safe to call more than
// once.
func (m *ControllerManager) Stop() { stop(m.cmd) }

// StartControllerManager runs kube-controller-manager (built by
// test/tools/build.sh beside kube-apiserver, from the same k8s.io/kubernetes
// pin) against the first API server with only the given controllers, e.g.
// "cronjob", "job". It talks to the API server as the admin, does no leader
// election and serves nothing (--secure-port=0), so several can run on one
// machine. It skips the test (Unavailable) when the binary was not built,
// and is stopped when tb ends or the control plane closes.
func (cp *ControlPlane) StartControllerManager(tb testing.TB, controllers ...string) *ControllerManager {
	tb.Helper()
	bin := filepath.Join(BinDir(), "kube-controller-manager")
	if _, err := os.Stat(bin); err != nil {
		Unavailable(tb, "LIVE TEST", fmt.Sprintf("no kube-controller-manager in %s (run `bash test/tools/build.sh`, which builds it beside kube-apiserver): %v", BinDir(), err))
	}
	m := &ControllerManager{Args: []string{
		"--kubeconfig=" + cp.Kubeconfig,
		"--controllers=" + strings.Join(controllers, ","),
		"--leader-elect=false",
		"--secure-port=0",
		// The job controller creates pods as the admin, not with
		// per-controller ServiceAccounts that nothing would mint here.
		"--use-service-account-credentials=false",
		"--v=1",
	}}
	cmd, err := cp.run(bin, "kube-controller-manager", "", m.Args...)
	if err != nil {
		tb.Fatalf("start kube-controller-manager: %v", err)
	}
	m.cmd = cmd
	cp.mu.Lock()
	cp.managers = append(cp.managers, m)
	cp.mu.Unlock()
	tb.Cleanup(m.Stop)
	return m
}
