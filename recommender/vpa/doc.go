// Package vpa is the Vertical Pod Autoscaler recommender's estimator,
// re-implemented to give the same numbers as VPA v1.8.1 to the millicore
// and the byte.
//
// The model follows VPA's pkg/recommender: an Aggregate (VPA's
// AggregateContainerState) holds, for one container name of one workload,
// a decaying histogram of CPU usage and one of memory peaks. Each pod's
// container feeds it through an Instance (VPA's ContainerState), which drops
// out-of-order CPU samples, keeps one memory peak per 24 h aggregation
// interval, and turns an OOM kill into a bumped-up memory sample. Recommend
// composes the estimators as VPA's CreatePodResourceRecommender does:
// percentile, safety margin, confidence multiplier, then the pod's floors
// split across its containers.
//
// Everything is a pure function of the samples and a Config: no clock, no
// I/O. Times are Unix milliseconds, handled internally in nanoseconds with
// the same rounding and truncation as VPA's time.Time arithmetic. Amounts
// are converted to whole millicores and bytes wherever VPA converts them.
// test/vpaoracle checks all of this against VPA's own code.
//
// One option departs from VPA on purpose, off by default:
// Config.ConfidenceStepAware, which stops coarse Prometheus data from being
// read as a short history (see its comment).
package vpa
