package rbac

import (
	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// Category is the RBAC checks' category.
const Category = "RBAC least privilege"

// Options holds the RBAC checks' settings. Start from DefaultOptions.
type Options struct {
	// ExemptBindings are bindings whose grants the RBAC checks accept
	// knowingly, as "ClusterRoleBinding/name" or "RoleBinding/namespace/name"
	// (for example an ingress controller that must watch Secrets
	// cluster-wide).
	ExemptBindings []string `json:"exemptBindings"`
	// SystemNamespaces are the namespaces where a RoleBinding reaches the
	// control plane's own ServiceAccounts: RBAC-003, RBAC-006 and RBAC-010
	// report grants there as they would cluster-wide ones.
	SystemNamespaces []string `json:"systemNamespaces"`
}

// DefaultOptions returns the documented defaults.
func DefaultOptions() Options {
	return Options{SystemNamespaces: []string{"kube-system", "kube-public", "kube-node-lease"}}
}

// Checks returns the RBAC checks in ID order, evaluating with o.
func Checks(o Options) []check.Check {
	return check.Bind(o, rbac001, rbac002, rbac003, rbac004, rbac005, rbac006, rbac007, rbac008, rbac009, rbac010)
}

// needs are the kinds every RBAC check reads.
var needs = []cluster.Kind{cluster.KindRoles, cluster.KindClusterRoles, cluster.KindRoleBindings, cluster.KindClusterRoleBindings}

const rbacAPIVersion = "rbac.authorization.k8s.io/v1"
