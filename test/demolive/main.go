// Command demolive starts the pinned kube-apiserver and etcd on loopback,
// loads a fixture cluster into them, runs `seaworthy audit` against it
// through a kubeconfig, prints the report and stops everything.
//
//	go run ./test/demolive -seaworthy bin/seaworthy -fixture fixtures/clusters/demo
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/manifests"
	"github.com/seaworthy-k8s/seaworthy/test/controlplane"
)

func main() {
	bin := flag.String("seaworthy", "bin/seaworthy", "seaworthy binary to run")
	fixture := flag.String("fixture", "fixtures/clusters/demo", "fixture cluster directory to load")
	asOf := flag.String("as-of", "2026-03-01T12:00:00Z", "the time the fixture's timestamps are relative to (make demo's --now); Lease renewals are moved forward by the time since, so they are as fresh live as offline")
	flag.Parse()
	t, err := time.Parse(time.RFC3339, *asOf)
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: -as-of: %v\n", err)
		os.Exit(2)
	}
	code, err := run(*bin, *fixture, t, flag.Args())
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(2)
	}
	os.Exit(code)
}

func run(bin, fixture string, asOf time.Time, auditArgs []string) (int, error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	dir, err := os.MkdirTemp("", "seaworthy-demo-live-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	binDir := controlplane.BinDir()
	if _, err := os.Stat(filepath.Join(binDir, "kube-apiserver")); err != nil {
		return 0, errors.New("the control plane is not built: run `make controlplane`")
	}
	start := time.Now()
	// The fixture describes its own API servers by their identity Leases;
	// this one's own would be counted with them.
	cp, err := controlplane.New(binDir, dir, controlplane.Options{NoIdentityLease: true})
	if cp != nil {
		defer cp.Close()
	}
	if err != nil {
		return 0, fmt.Errorf("start control plane: %w", err)
	}
	fmt.Fprintf(os.Stderr, "kube-apiserver v1.37.2 and etcd ready at %s in %s\n", cp.Host, time.Since(start).Round(100*time.Millisecond))
	snap, err := manifests.Load([]string{fixture}, manifests.Options{Now: time.Now()})
	if err != nil {
		return 0, err
	}
	shiftLeases(snap, time.Since(asOf))
	client, err := kubernetes.NewForConfig(cp.Admin)
	if err != nil {
		return 0, err
	}
	start = time.Now()
	if err := controlplane.Load(ctx, client, snap, 16); err != nil {
		return 0, err
	}
	fmt.Fprintf(os.Stderr, "loaded %s in %s\n$ seaworthy audit --kubeconfig %s\n", fixture, time.Since(start).Round(100*time.Millisecond), cp.Kubeconfig)
	cmd := exec.CommandContext(ctx, bin, append([]string{"audit", "--kubeconfig", cp.Kubeconfig}, auditArgs...)...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), nil
	}
	return 0, err
}

// shiftLeases moves every Lease's acquire and renew times forward by d, so
// that a lease renewed a few seconds before the fixture's time reads as
// renewed a few seconds before the live audit.
func shiftLeases(snap *cluster.Snapshot, d time.Duration) {
	for i := range snap.Leases {
		sp := &snap.Leases[i].Spec
		for _, t := range []*metav1.MicroTime{sp.AcquireTime, sp.RenewTime} {
			if t != nil {
				t.Time = t.Add(d)
			}
		}
	}
}
