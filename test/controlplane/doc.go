// Package controlplane starts a real kube-apiserver and etcd on loopback for
// seaworthy's live tests, benchmarks and demo, and loads fixture clusters
// into them.
//
// The zero Options give one etcd and one kube-apiserver. Options also ask
// for several kube-apiservers sharing the etcd cluster, each in its own UTS
// namespace with its own hostname (as their identity Leases show), an etcd
// cluster of several members, a separate etcd for Events
// (--etcd-servers-overrides), a serving certificate with a chosen
// lifetime, another authorization mode or an authorization config file,
// no identity Lease at all, and the aggregation layer's front proxy
// (Options.Aggregation) for a real aggregated API server behind an
// APIService, whose serving certificate IssueServingCert signs.
// APIServer.Kill ends one server as a crash
// would (its Lease stays); APIServer.Stop shuts it down cleanly (its Lease
// is deleted).
//
// The binaries are built from pinned versions by test/tools/build.sh
// (`make controlplane`) into a cache outside the source tree. Tests call
// Require, which skips with instructions when they are missing, or fails
// when SEAWORTHY_REQUIRE_CONTROLPLANE=1 (as `make test` and CI set it).
package controlplane
