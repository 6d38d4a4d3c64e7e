package cluster

import (
	"sort"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// FinishOptions configures Finish.
type FinishOptions struct {
	// DefaultNamespace is the namespace of namespaced objects that name
	// none (kubectl apply -n); empty means "default".
	DefaultNamespace string
	// Tidied says the source stripped and trimmed every object as it
	// arrived (see Tidy), so Finish only sorts.
	Tidied bool
	// Normalized says the objects are normalized already and their order
	// is to be kept: a snapshot file holds a finished snapshot, tidied
	// again as it is read, and reads back exactly as it was written.
	Normalized bool
}

// EffectiveNamespace is the namespace a namespaced object that names none
// is given: o.DefaultNamespace, else "default".
func (o FinishOptions) EffectiveNamespace() string {
	if o.DefaultNamespace != "" {
		return o.DefaultNamespace
	}
	return metav1.NamespaceDefault
}

// Finish is the step every source ends with, so that a snapshot means the
// same whatever it was read from:
//
//  1. every namespaced object without metadata.namespace gets its
//     effective namespace, as kubectl apply does (only manifests lack one,
//     but it is harmless for every source);
//  2. objects are normalized (see Normalize) and origins sorted;
//  3. the platform is detected once and stored in Server.Platform and
//     Server.Detected.
func Finish(s *Snapshot, o FinishOptions) {
	ns := o.EffectiveNamespace()
	for i := range Kinds {
		k := &Kinds[i]
		if !k.Namespaced {
			continue
		}
		k.Each(s, func(obj metav1.Object) {
			if obj.GetNamespace() == "" {
				obj.SetNamespace(ns)
			}
		})
	}
	if !o.Normalized {
		s.normalize(o.Tidied)
		sortOrigins(s.Origins)
	}
	s.SetPlatform()
}

// Origin says where in the input an object was read: a manifest's file
// and the line its document starts at.
type Origin struct {
	Kind      Kind   `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	File      string `json:"file"`
	Line      int    `json:"line,omitempty"`
}

// OriginOf returns where the object kind namespace/name was read, if the
// source recorded it (manifests do; live snapshots have no origins).
func (s *Snapshot) OriginOf(kind Kind, namespace, name string) (Origin, bool) {
	o := s.Origins
	i := sort.Search(len(o), func(i int) bool { return !originLess(o[i], kind, namespace, name) })
	if i < len(o) && o[i].Kind == kind && o[i].Namespace == namespace && o[i].Name == name {
		return o[i], true
	}
	return Origin{}, false
}

// originLess orders origins by kind, namespace and name.
func originLess(a Origin, kind Kind, namespace, name string) bool {
	if a.Kind != kind {
		return a.Kind < kind
	}
	if a.Namespace != namespace {
		return a.Namespace < namespace
	}
	return a.Name < name
}

// sortOrigins orders origins for OriginOf; of duplicates, the first read
// stays first.
func sortOrigins(o []Origin) {
	sort.SliceStable(o, func(i, j int) bool { return originLess(o[i], o[j].Kind, o[j].Namespace, o[j].Name) })
}
