package index

import "github.com/seaworthy-k8s/seaworthy/cluster/authz"

// RBAC returns the model of the snapshot's effective RBAC permissions,
// built once, with the platform's own bindings recognised (see
// authz.BuildOn).
func (ix *Index) RBAC() *authz.Model {
	ix.rbacOnce.Do(func() { ix.rbac = authz.BuildOn(ix.snap, ix.Platform().Name) })
	return ix.rbac
}

// APIResources returns the served resources from discovery, indexed once.
func (ix *Index) APIResources() *authz.Resources {
	ix.resourcesOnce.Do(func() { ix.resources = authz.NewResources(ix.snap.APIResources) })
	return ix.resources
}
