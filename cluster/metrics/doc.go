// Package metrics reads container usage from the metrics.k8s.io API
// (metrics-server, or any other server registered as its APIService) and
// feeds it to a usage.Sink.
//
// metrics.k8s.io keeps no history: each PodMetrics is one window
// (metrics-server's --metric-resolution, 15 s as it is usually deployed)
// ending at its timestamp. So Snapshot gives one CPU sample (cores
// averaged over the window) and one memory sample (working-set bytes at
// the window's end) per container, and Sample polls for a while and keeps
// every new window, dropping rounds in which the server had not refreshed
// yet. Either is only as good as the minutes it saw, which Coverage
// reports for the recommender's confidence.
//
// The reader needs get and list on pods in the metrics.k8s.io API group.
// Errors say which of the usual failures happened: the group is not
// served at all (ErrNotServed), the caller may not list it, or the
// APIService is registered but its backend does not answer.
package metrics
