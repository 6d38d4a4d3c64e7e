// Package queryrange reads the JSON that Prometheus's /api/v1/query_range
// answers with, one series at a time, without holding the body or more than
// one series' samples in memory.
//
// Parse is the streaming parser: a byte scanner over a fixed buffer that
// hands each series (its labels and its samples, both reused between
// series) to a callback. Timestamps become exact Unix milliseconds as
// Prometheus writes them (seconds with up to three decimals); NaN and ±Inf
// samples are counted and left out. An error response becomes an *APIError
// carrying Prometheus's own message, and any other result type than a
// matrix is refused with a message that says what was expected.
//
// Mapper turns parsed series into usage history for a usage.Sink: it maps
// the configured label names to a usage.ContainerID, skips the pause
// container and series without a container, and keeps each container's
// samples in ascending time even when a response holds two series for one
// container. ReadFiles replays saved query_range responses through it; the
// live source in cluster/usage/prometheus streams its responses through the
// same path. docs/history-files.md says how to save such files.
package queryrange
