// Package snapshotfile writes a cluster.Snapshot to a file and reads it
// back, so a cluster read once (live, in CI, by the CronJob) can be
// audited again offline with the same results. The format is streamed one
// list element a line, so the 150,000-pod scale envelope reads in seconds
// and in little more memory than the objects themselves; see the layout
// comment in snapshotfile.go.
package snapshotfile
