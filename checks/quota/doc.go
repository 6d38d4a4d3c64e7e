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
// Each check indexes the objects it needs by namespace once, so a cluster
// with thousands of namespaces and a hundred thousand pods costs one pass
// over its objects.
package quota
