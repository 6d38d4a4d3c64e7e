// Package rbac holds the RBAC least-privilege checks (RBAC-001..RBAC-010),
// on the model of effective permissions in package cluster/authz, built
// once per run by the index (index.RBAC).
//
// Decisions the catalog leaves open, stated in each check's Rule:
//
//   - Platform grants are never findings: bindings labelled
//     kubernetes.io/bootstrapping=rbac-defaults, the allow-listed platform
//     bindings of cluster/authz/platform.go (for the subjects and rules they
//     are known to grant), and the bindings named in
//     Options.ExemptBindings.
//   - Each grant is reported by the most specific check: a grant to
//     system:anonymous or system:unauthenticated only by RBAC-002, a
//     cluster-wide "every verb on every resource" rule only by RBAC-001; the
//     other checks leave those alone. A namespaced "*" on "*" rule is
//     RBAC-005's alone.
//   - Rules that reach a namespace through a RoleBinding from the API
//     server's default roles (admin, edit, view and what is aggregated into
//     them by default) are Kubernetes' designed namespace delegation: edit
//     may exec into pods and impersonate ServiceAccounts of its namespace.
//     RBAC-003, RBAC-006 and RBAC-010 report such grants only cluster-wide
//     or in a system namespace (Options.SystemNamespaces), where they reach
//     the control plane's own ServiceAccounts.
//   - A check never passes for lack of the objects it judges (input.go):
//     the checks of grants skip when the input holds no RoleBinding or
//     ClusterRoleBinding of its own, RBAC-008 when it holds no
//     ClusterRole. The API server's default objects the model supplies for
//     manifests do not count.
//   - A result is about the object to change: the contributing ClusterRole
//     when the rule arrived through aggregation from a role that is not a
//     platform role, else the binding (RBAC-005: the role that holds the
//     wildcard rule, unless it is a platform role).
package rbac
