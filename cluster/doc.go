// Package cluster holds the Snapshot that every seaworthy engine reads: the
// objects of one cluster at one moment, what could not be read (Gap) and
// what the API server said about itself (ServerInfo).
//
// Kinds describes every kind once: its API group and versions, the
// Snapshot field that holds it, and how its objects are decoded, counted,
// walked, normalized and stored. The sources live in subpackages (live,
// manifests, snapshotfile) and all end with Finish, so a live audit and an
// offline audit of the same objects give the same results.
//
// This package talks to nothing and imports no client: everything
// downstream (checks, recommender, policies, renderers) depends on it, and
// a test keeps client-go out of their dependencies.
package cluster
