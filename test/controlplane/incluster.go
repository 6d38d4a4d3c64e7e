package controlplane

import (
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ServiceAccountDir is where a pod finds its ServiceAccount's token, CA and
// namespace, and where client-go's rest.InClusterConfig reads them (a fixed
// path it has no setting for).
const ServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount"

// InClusterOptions describe the pod an InClusterCommand imitates.
type InClusterOptions struct {
	// Token is the ServiceAccount token the kubelet would mount.
	Token string
	// Namespace is the pod's namespace (the namespace file).
	Namespace string
	// RunAsUser, when not zero, is the uid and gid the command runs as
	// (a pod's runAsUser/runAsGroup); switching needs this process to be
	// root.
	RunAsUser int
	// ReadOnlyRoot makes the whole filesystem read-only for the command
	// (a container's readOnlyRootFilesystem with no writable volume).
	ReadOnlyRoot bool
}

// InClusterCommand returns a command that runs binary with args as a pod of
// this cluster would see itself: KUBERNETES_SERVICE_HOST and
// KUBERNETES_SERVICE_PORT name the first API server, and ServiceAccountDir
// holds opts.Token, the cluster's CA and opts.Namespace. Since that path is
// fixed, the command runs in a private mount namespace (unshare) where a
// tmpfs over /var/run holds those files and a copy of binary; nothing
// outside the command sees them. The environment is only PATH and the two
// service variables. It skips the test (Unavailable) when this process
// cannot make a mount namespace.
func (cp *ControlPlane) InClusterCommand(tb testing.TB, opts InClusterOptions, binary string, args ...string) *exec.Cmd {
	tb.Helper()
	RequireMountNamespace(tb)
	u, err := url.Parse(cp.Host)
	if err != nil {
		tb.Fatalf("parse the API server address %q: %v", cp.Host, err)
	}
	src := tb.TempDir()
	files := map[string][]byte{"token": []byte(opts.Token), "ca.crt": cp.caPEM, "namespace": []byte(opts.Namespace)}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(src, name), data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	// The script runs as root in the new mount namespace, then replaces
	// itself with the binary (as opts.RunAsUser when set).
	script := []string{
		"set -e",
		`mount -t tmpfs -o mode=0755 seaworthy-pod /var/run`,
		`mkdir -p ` + ServiceAccountDir + ` /var/run/seaworthy-pod`,
		`cp "$0"/token "$0"/ca.crt "$0"/namespace ` + ServiceAccountDir + `/`,
		`cp "$1" /var/run/seaworthy-pod/binary`,
		`shift`,
	}
	if opts.ReadOnlyRoot {
		script = append(script, `mount -o remount,bind,ro /var/run`, `mount -o remount,bind,ro /`)
	}
	run := `exec /var/run/seaworthy-pod/binary "$@"`
	if opts.RunAsUser != 0 {
		run = fmt.Sprintf(`exec setpriv --reuid=%d --regid=%d --clear-groups /var/run/seaworthy-pod/binary "$@"`, opts.RunAsUser, opts.RunAsUser)
	}
	script = append(script, run)
	unshare := []string{"--mount", "--propagation", "private"}
	if os.Geteuid() != 0 {
		unshare = append(unshare, "--map-root-user")
	}
	cmd := exec.Command("unshare", append(append(unshare, "/bin/sh", "-c", strings.Join(script, "\n"), src, binary), args...)...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "KUBERNETES_SERVICE_HOST=" + u.Hostname(), "KUBERNETES_SERVICE_PORT=" + u.Port()}
	return cmd
}

// RequireMountNamespace skips the test (fails it when EnvRequire is set)
// when this process cannot run a child in its own mount namespace with a
// tmpfs of its own, which InClusterCommand needs.
func RequireMountNamespace(tb testing.TB) {
	tb.Helper()
	args := []string{"--mount", "--propagation", "private"}
	if os.Geteuid() != 0 {
		args = append(args, "--map-root-user")
	}
	out, err := exec.Command("unshare", append(args, "/bin/sh", "-c", "mount -t tmpfs seaworthy-probe /var/run")...).CombinedOutput()
	if err == nil {
		return
	}
	msg := fmt.Sprintf("live test runs a command as a pod would, with its ServiceAccount files at %s, which needs a private mount namespace (root or unprivileged user namespaces), and making one failed: %v: %s", ServiceAccountDir, err, strings.TrimSpace(string(out)))
	Unavailable(tb, "LIVE TEST", msg)
}
