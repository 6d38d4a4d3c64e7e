// Package controlplane starts a real kube-apiserver and etcd on loopback for
// seaworthy's live tests, benchmarks and demo, and loads fixture clusters
// into them.
//
// The binaries are built from pinned versions by test/tools/build.sh
// (`make controlplane`) into a cache outside the source tree. Tests call
// Require, which skips with instructions when they are missing, or fails
// when SEAWORTHY_REQUIRE_CONTROLPLANE=1 (as `make test` and CI set it).
package controlplane
