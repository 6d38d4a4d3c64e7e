// Package metricsserver runs the pinned metrics-server against a local
// control plane (test/controlplane) so live tests read metrics.k8s.io as a
// cluster serves it: through the API server's aggregation layer, from a
// real metrics-server that scraped kubelets.
//
// There are no real kubelets here, so Kubelet serves what a kubelet's
// /metrics/resource serves, over HTTPS, for one Node that AddNode creates
// with that port as its kubelet endpoint; each scrape advances its clock by
// a fixed step and its CPU counters by rate × step, so the usage
// metrics-server computes from any two scrapes is known exactly.
//
// The binary is built by build.sh (`make metricsserver`) from the tool
// module's pins into a cache beside the control plane's. Require skips
// when it is missing, or fails when SEAWORTHY_REQUIRE_CONTROLPLANE=1.
package metricsserver
