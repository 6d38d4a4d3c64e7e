// Package prometheus reads containers' usage history from a Prometheus
// server: CPU as the rate of cAdvisor's container_cpu_usage_seconds_total,
// memory as container_memory_working_set_bytes (the two series VPA's
// recommender reads), and OOM kills from kube-state-metrics when it is
// scraped.
//
// Fetch asks one query per namespace and resource, so a cluster is neither
// one giant query nor one per pod, and splits the history window into
// step-aligned chunks (a day at one sample a minute), because Prometheus
// refuses a range query of more than 11,000 points per series. A
// namespace's queries run in time order, OOMs first, so each container's
// samples reach the usage.Sink in ascending time; namespaces run in
// parallel. Each response body is streamed through the queryrange parser:
// the client_golang API type decodes whole bodies into memory, so Fetch
// uses its client only for the address, URL building and transport, and
// POSTs the form itself (a POST, so long matchers never meet a URL length
// limit).
//
// A Prometheus that cannot be reached, or refuses the query, is one error
// that says so; a namespace whose query fails after others succeeded is a
// gap in the returned usage.Coverage, as is a namespace with no series.
package prometheus
