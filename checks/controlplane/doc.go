// Package controlplane holds the control plane checks (CP-001..CP-004).
//
// Every check here first looks at the detected platform (in.Index.Platform,
// see cluster.DetectPlatform). On a managed control plane the provider runs
// the API servers, controllers and etcd: those checks report na and say
// what to verify with the provider (check.ManagedNA, check.ProviderVerify).
// Each result's evidence names the signal it was decided from.
//
// The facts come from the run's index: control-plane pods and nodes, Leases,
// kubeadm's ClusterConfiguration. What stays here is the area's own
// reasoning: counting the live API servers from the strongest signal
// (apiservers.go, shared by CP-001 and CP-003), judging lease freshness
// (leases.go, CP-002 in leaders.go), the load-balanced endpoint
// (endpoint.go) and the platform report (platform.go). The zone rule the
// API servers are judged by is check.Spread, which the etcd area shares.
package controlplane
