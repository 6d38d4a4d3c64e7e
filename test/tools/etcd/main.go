// Command etcd is etcd v3.7.3's server, built from the Go module proxy for
// seaworthy's live tests.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
