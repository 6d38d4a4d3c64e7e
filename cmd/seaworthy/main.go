// Command seaworthy audits Kubernetes clusters for production readiness.
package main

import (
	"os"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/seaworthy-k8s/seaworthy/internal/cli"
)

// main runs as os.Args[0]: installed as kubectl-seaworthy (a kubectl
// plugin), usage says "kubectl seaworthy".
func main() {
	os.Exit(cli.ExecuteAs(os.Args[0], os.Args[1:], genericiooptions.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}))
}
