// Package addons sizes the add-ons whose needs grow with the cluster: the
// addon-resizer's rules for add-ons such as metrics-server and
// kube-state-metrics, and cluster DNS's replicas and memory.
//
// It is pure: every input is the snapshot and its index, and every output
// is the recommender's vocabulary (recommender.Container and
// recommender.ReplicaChange), each decision with the rule and its
// arithmetic in Reasons.
//
// Add-on resizing follows the addon-resizer ("pod_nanny",
// kubernetes/autoscaler addon-resizer): expected = base + perNode × nodes
// over every Node, either for the node count itself (linear) or for the
// smallest step minClusterSize × 1.5^k at or above it (exponential, each
// step truncated). The nanny writes the expected value to both the request
// and the limit of each resource it monitors, and only when a request or a
// limit is unset or deviates from it by more than --threshold percent
// (default 0; upstream manifests use 5). Which rule applies to a container
// is, in order: the flags of a nanny container in the add-on's pod template
// that names it (--deployment, --container), read with the index's flag
// parser; the first entry of an add-on sizing file (ParseConfig) that
// matches it; the built-in table (Builtin), which recognises an add-on by
// what it is (its image's name, its k8s-app or app.kubernetes.io/name
// label), never by namespace or object name alone. Without Node objects in
// the input the node count is unknown, and every rule skips with that
// reason rather than size for 0 nodes.
//
// Cluster DNS replicas follow the cluster-proportional-autoscaler: its
// live linear or ladder parameters when an autoscaler targets the DNS
// Deployment (its ConfigMap, else its --default-params; read and computed
// by index.AutoscalerParams, as the DNS checks read them), else the
// dns-horizontal-autoscaler's default parameters. CoreDNS memory follows
// CoreDNS's own guidance by pods and services (DNSMemoryMB), which needs
// the cluster's pods: manifests without them skip. NodeLocal DNSCache has
// no such rule; its memory is left to the usage-based estimator.
package addons
