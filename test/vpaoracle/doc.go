// Package vpaoracle proves that recommender/vpa computes exactly what the
// Vertical Pod Autoscaler recommender v1.8.1 computes.
//
// It is a module of its own so that VPA's code, used here as the oracle,
// never becomes a dependency of seaworthy. The test generates usage
// histories from a seeded PRNG (steady, spiky, growing, an OOM mid-history,
// less than a day, many containers in one pod, idle containers at the CPU
// floor, several pods, samples over several memory windows, an out-of-order
// sample, hourly samples, 130 days (past the decay renormalisation), pods
// of two label sets merged, memory samples only), feeds the
// same samples into VPA's own model (ContainerState, AggregateContainerState
// and their histograms with VPA's options) and logic
// (CreatePodResourceRecommender with the recommender's default flags), and
// into recommender/vpa, and requires lower bound, target and upper bound to
// be equal to the millicore and the byte for every container of every case.
//
// A second test changes one constant in recommender/vpa's Config (the
// safety margin, the bucket ratio, the pod floors) and requires the outputs
// to differ from VPA's, so the comparison is shown to be able to fail. The
// output options (rounding, humanized memory, the global maximum) are
// compared with VPA's formatting and capping code, and the defaults with
// the literals of VPA's DefaultRecommenderConfig, read from its source.
package vpaoracle
