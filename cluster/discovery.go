package cluster

import "k8s.io/apimachinery/pkg/runtime/schema"

// Serves reports whether the server's discovery document lists the
// resource gvr (a custom resource's CRD is installed and served). known is
// false when the snapshot has no discovery document (manifests, a
// snapshot taken without it) or discovery failed for some groups (a
// KindAPIResources gap), since the resource may then be served unseen.
func (s *Snapshot) Serves(gvr schema.GroupVersionResource) (served, known bool) {
	if len(s.APIResources) == 0 {
		return false, false
	}
	for _, r := range s.APIResources {
		if r.Group == gvr.Group && r.Version == gvr.Version && r.Resource == gvr.Resource {
			return true, true
		}
	}
	if _, gap := s.GapFor(KindAPIResources); gap {
		return false, false
	}
	return false, true
}
