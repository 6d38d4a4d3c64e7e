// Package manifests reads Kubernetes manifests (YAML or JSON files, whole
// directories, or stdin) into a cluster.Snapshot, as kubectl apply would
// see them: namespace-less objects take the effective namespace (-n, else
// default), and each object's file and line is kept in Snapshot.Origins so
// findings can point at the line to fix. A single snapshot file among the
// inputs is handed to snapshotfile. Bad input is one InputError naming the
// file and line.
//
// Large streams are decoded on every core (parallel.go) with the result,
// warnings and first error of the serial reader, decodeManifests, which
// stays the reference and takes over for input the fast path does not
// handle exactly.
package manifests
