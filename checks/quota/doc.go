// Package quota holds the namespace quota checks (QUOTA-001..005).
//
// Every QUOTA check looks only at user namespaces: every namespace the
// snapshot knows of (Namespace objects, and the namespaces its namespaced
// objects live in, since manifests often carry no Namespace objects; see
// index.NamespacesInUse), minus Options.SystemNamespaces,
// Options.ExcludeNamespaces and namespaces being deleted. A namespaced
// object without a namespace (a manifest that relies on kubectl's default)
// is given its effective namespace ("default", or the one given with -n)
// by the sources before the checks run, so it is counted where it would
// land.
//
// QUOTA-001, 002, 004 and 005 also leave out infrastructure namespaces
// (index.InfrastructureNamespaces, when Options.ExemptInfrastructure is
// set): a CNI's or load balancer's node agents must start on every node,
// and a compute quota can stop them. QUOTA-001 reports each as info.
//
// Manifests are a part of a cluster, so on manifest input (or a snapshot
// saved from manifests) the checks conclude only what the input shows:
//
//   - a namespace the input only refers to (objects in it, no Namespace
//     object) is judged on the quotas and LimitRanges the input holds in
//     it, never for what it lacks, and QUOTA-005 counts only defined
//     namespaces;
//   - a kind the input holds none of is not read as absent from the
//     cluster: no LimitRange at all → QUOTA-002 and QUOTA-004 skip; no
//     ResourceQuota at all → QUOTA-005 skips and QUOTA-001's warnings say
//     so (a repository of Namespaces without quotas is a real finding).
//
// Live input is the whole cluster: every namespace is defined, and an
// empty list is an empty cluster's.
//
// Each check indexes the objects it needs by namespace once, so a cluster
// with thousands of namespaces and a hundred thousand pods costs one pass
// over its objects.
package quota
