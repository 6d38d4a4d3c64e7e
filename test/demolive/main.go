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

	"k8s.io/client-go/kubernetes"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/test/controlplane"
)

func main() {
	bin := flag.String("seaworthy", "bin/seaworthy", "seaworthy binary to run")
	fixture := flag.String("fixture", "fixtures/clusters/demo", "fixture cluster directory to load")
	flag.Parse()
	code, err := run(*bin, *fixture, flag.Args())
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(2)
	}
	os.Exit(code)
}

func run(bin, fixture string, auditArgs []string) (int, error) {
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
	cp, err := controlplane.New(binDir, dir, controlplane.Options{})
	if cp != nil {
		defer cp.Close()
	}
	if err != nil {
		return 0, fmt.Errorf("start control plane: %w", err)
	}
	fmt.Fprintf(os.Stderr, "kube-apiserver v1.37.2 and etcd ready at %s in %s\n", cp.Host, time.Since(start).Round(100*time.Millisecond))
	snap, err := cluster.Load([]string{fixture}, cluster.ManifestOptions{Now: time.Now()})
	if err != nil {
		return 0, err
	}
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
