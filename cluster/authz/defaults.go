package authz

import (
	_ "embed"
	"encoding/json"
	"sync"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// The API server's own RBAC objects, which every cluster has and manifests
// leave out (see assumesDefaults).
//
// defaultClusterRolesJSON holds the ClusterRoles kube-apiserver v1.37.2
// creates at start-up (those labelled kubernetes.io/bootstrapping=
// rbac-defaults), read from a real API server, with admin, edit and view
// holding the rules their aggregation gives them on a running cluster.
//
//go:embed default-clusterroles-v1.37.2.json
var defaultClusterRolesJSON []byte

// defaultRolesJSON, defaultRoleBindingsJSON and
// defaultClusterRoleBindingsJSON hold the Roles and RoleBindings (in
// kube-system and kube-public) and the ClusterRoleBindings kube-apiserver
// v1.37.2 creates at start-up: k8s.io/kubernetes v1.37.2,
// plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/
// namespace-roles.yaml, namespace-role-bindings.yaml,
// cluster-role-bindings.yaml and controller-role-bindings.yaml (the
// package's tests hold them equal to namespace_policy.go, policy.go and
// controller_policy.go), sorted by namespace and name. They are identical
// to what a real v1.37.2 API server returns
// (fixtures/rbac/apiserver-v1.37.2-defaults.snapshot.json; see
// TestDefaultsMatchAPIServerRead).
//
//go:embed default-roles-v1.37.2.json
var defaultRolesJSON []byte

//go:embed default-rolebindings-v1.37.2.json
var defaultRoleBindingsJSON []byte

//go:embed default-clusterrolebindings-v1.37.2.json
var defaultClusterRoleBindingsJSON []byte

var defaultClusterRoles = sync.OnceValue(func() []rbacv1.ClusterRole {
	return decodeDefaults[rbacv1.ClusterRole]("ClusterRoles", defaultClusterRolesJSON)
})

var defaultRoles = sync.OnceValue(func() []rbacv1.Role {
	return decodeDefaults[rbacv1.Role]("Roles", defaultRolesJSON)
})

var defaultRoleBindings = sync.OnceValue(func() []rbacv1.RoleBinding {
	return decodeDefaults[rbacv1.RoleBinding]("RoleBindings", defaultRoleBindingsJSON)
})

var defaultClusterRoleBindings = sync.OnceValue(func() []rbacv1.ClusterRoleBinding {
	return decodeDefaults[rbacv1.ClusterRoleBinding]("ClusterRoleBindings", defaultClusterRoleBindingsJSON)
})

func decodeDefaults[T any](what string, data []byte) []T {
	var out []T
	if err := json.Unmarshal(data, &out); err != nil {
		panic("rbac: embedded default " + what + ": " + err.Error())
	}
	return out
}

// assumesDefaults reports whether the snapshot is a set of manifests rather
// than a read of a whole cluster. Manifests bind the built-in roles (view,
// edit, admin, cluster-admin, system:…, and the namespaced
// extension-apiserver-authentication-reader every aggregated API server
// binds) without containing them, since every API server creates them;
// Build then supplies the API server's default ClusterRoles, Roles,
// RoleBindings and ClusterRoleBindings the input lacks (by kind, namespace
// and name), so such a binding is judged by the role's real rules instead
// of reported as dangling, and who-can lists the built-in grants. The
// supplied objects are labelled as the API server's defaults, so they are
// platform objects and never findings.
func assumesDefaults(snap *cluster.Snapshot) bool { return snap.FromManifests() }
