// Package pushgateway publishes a report's metrics (report.Metrics) to a
// Prometheus Pushgateway, for clusters whose Prometheus does not scrape
// the CronJob's short-lived pod.
//
// Each run replaces its whole group with an HTTP PUT, so a finding that was
// fixed since the last run disappears instead of lingering at its old
// value. The group is job="seaworthy" and cluster=NAME, never the pod or
// instance: a new pod each run would otherwise leave a new group behind
// each time. Prometheus must scrape the Pushgateway with honor_labels:
// true to keep those labels.
//
// A push that fails to connect or gets a 5xx answer is retried with
// backoff; a 4xx answer (a malformed push, a conflicting group) is not.
package pushgateway
