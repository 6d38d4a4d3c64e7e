// Package cluster holds the Snapshot that every seaworthy engine reads, and the
// sources that fill it: a live API server (client-go), manifest files and
// saved snapshot files.
//
// Only the sources in this package talk to the outside world. Everything
// downstream (checks, recommender, policies, renderers) is a pure function of
// a Snapshot, so a live audit and an offline audit of the same objects give
// the same results.
package cluster
