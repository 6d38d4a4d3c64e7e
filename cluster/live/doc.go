// Package live reads a cluster.Snapshot from a running API server through
// client-go: typed clients with protobuf for built-in kinds, the dynamic
// client for add-on custom resources, paginated lists a bounded number at
// a time, each object tidied as its page arrives. It asks before it lists
// (SelfSubjectAccessReview), never reads Secrets (with Options.SecretMetadata it lists only their
// names, metadata-only), reads ConfigMaps only by
// name from cluster.ConfigMapAllowList, and turns each kind it cannot read
// into a Gap. It also probes what the server says about itself (/readyz,
// discovery, its certificate, an anonymous request). It is the only
// package of seaworthy's model and engines that imports client-go.
package live
