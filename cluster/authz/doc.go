// Package authz models a cluster's effective RBAC permissions from a
// cluster.Snapshot, without calling the API server.
//
// Build resolves every RoleBinding and ClusterRoleBinding to its subjects
// and to the rules of the role it references, and indexes those rules by
// verb and resource so that questions are answered quickly after one
// build:
//
//   - WhoCan: which subjects may do this verb on this resource, through
//     which binding, role and rule, in which scope.
//   - ForSubject: every grant a User, Group or ServiceAccount holds,
//     including those that reach it through groups (a ServiceAccount is in
//     system:serviceaccounts, system:serviceaccounts:<namespace> and
//     system:authenticated).
//   - Allows: the RBAC authorizer's own decision for a user, its groups
//     and one request.
//
// Rules match exactly as the Kubernetes RBAC authorizer matches them: "*"
// in verbs, API groups and resources; "resource/subresource" and
// "*/subresource"; resourceNames (an empty list matches any name, else the
// request's name must be listed, so a named rule never matches a list or
// create); nonResourceURLs, with a trailing "*" as a prefix match. A
// ClusterRoleBinding's rules apply in every namespace and to cluster-scoped
// requests; a RoleBinding's only to requests in its own namespace, so they
// never reach cluster-scoped resources or non-resource URLs. A binding
// whose role does not exist grants nothing and is kept as dangling.
//
// Aggregated ClusterRoles are evaluated by the rules stored in them, as the
// authorizer does (the aggregation controller writes the union of the
// selected roles' rules there). Each such rule is traced back to the
// labelled ClusterRole that contributed it, so a finding can name the role
// to fix and the path it took (admin <- edit <- my-extra-rights).
//
// For manifests (not a read of a whole cluster) Build also supplies the
// API server's own default ClusterRoles, Roles, RoleBindings and
// ClusterRoleBindings (kube-apiserver v1.37.2, embedded; see defaults.go)
// that the input lacks by kind, namespace and name, marked Assumed, so
// manifests are judged as the cluster will see them.
//
// Objects labelled kubernetes.io/bootstrapping=rbac-defaults, and the few
// well-known platform bindings in platform.go, are marked as platform
// objects; the checks do not report them. A "system:" name prefix alone
// proves nothing.
package authz
