package authz

import (
	_ "embed"
	"encoding/json"
	"sync"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// defaultClusterRolesJSON holds the ClusterRoles kube-apiserver v1.37.2
// creates at start-up (those labelled kubernetes.io/bootstrapping=
// rbac-defaults), read from a real API server, with admin, edit and view
// holding the rules their aggregation gives them on a running cluster.
//
//go:embed default-clusterroles-v1.37.2.json
var defaultClusterRolesJSON []byte

var defaultClusterRoles = sync.OnceValue(func() []rbacv1.ClusterRole {
	var roles []rbacv1.ClusterRole
	if err := json.Unmarshal(defaultClusterRolesJSON, &roles); err != nil {
		panic("rbac: embedded default ClusterRoles: " + err.Error())
	}
	return roles
})

// assumesDefaults reports whether the snapshot is a set of manifests rather
// than a read of a whole cluster. Manifests bind the built-in roles (view,
// edit, admin, cluster-admin, system:…) without containing them, since
// every API server creates them; Build then supplies them, so such a
// binding is judged by the role's real rules instead of reported as
// dangling.
func assumesDefaults(snap *cluster.Snapshot) bool {
	return snap.Source == cluster.SourceManifests ||
		(snap.Source == cluster.SourceSnapshot && snap.OriginalSource == cluster.SourceManifests)
}
