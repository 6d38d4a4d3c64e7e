package cluster

import (
	"fmt"
	"sort"
	"strings"

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
	// Duplicates, when set, makes Finish keep only the last read of the
	// objects that share a kind, namespace and name, as kubectl apply of
	// the same inputs would leave them (base/ and overlay/, a dump and
	// the files it was made from), and receives one warning per such
	// object naming where each copy was read. Manifest sources set it.
	Duplicates func(msg string)
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
//  3. with o.Duplicates set, duplicates are collapsed to the last read
//     (see FinishOptions.Duplicates);
//  4. the platform is detected once and stored in Server.Platform and
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
		if o.Duplicates != nil {
			s.dedupe(o.Duplicates)
		}
	}
	s.SecretNames.finish(ns)
	s.SetPlatform()
}

// dedupe keeps the last read of each object that was read more than once,
// and its origin, and warns once per such object. It relies on normalize
// and sortOrigins being stable: copies sort next to each other in the
// order they were read.
func (s *Snapshot) dedupe(warn func(string)) {
	type key struct {
		kind            Kind
		namespace, name string
	}
	dropped := map[key]bool{}
	for i := range Kinds {
		k := &Kinds[i]
		if k.Count(s) < 2 {
			continue
		}
		k.dedupe(s, func(namespace, name string, n int) {
			dropped[key{k.Kind, namespace, name}] = true
			id := name
			if namespace != "" {
				id = namespace + "/" + name
			}
			where := ""
			if _, ok := s.OriginOf(k.Kind, namespace, name); ok {
				j := sort.Search(len(s.Origins), func(j int) bool { return !originLess(s.Origins[j], k.Kind, namespace, name) })
				var at []string
				for ; j < len(s.Origins) && len(at) < n && s.Origins[j].Kind == k.Kind &&
					s.Origins[j].Namespace == namespace && s.Origins[j].Name == name; j++ {
					at = append(at, s.Origins[j].At())
				}
				where = ": " + strings.Join(at, ", ") + "; keeping the last (" + at[len(at)-1] + ")"
			} else {
				where = "; keeping the last read"
			}
			warn(fmt.Sprintf("%s %s is defined %d times%s, as kubectl apply would", k.Name, id, n, where))
		})
	}
	if len(dropped) == 0 {
		return
	}
	// Of each run of origins of a collapsed object, keep the last, as its
	// object.
	o := s.Origins
	out := o[:0]
	for i := range o {
		if i+1 < len(o) && o[i+1].Kind == o[i].Kind && o[i+1].Namespace == o[i].Namespace && o[i+1].Name == o[i].Name &&
			dropped[key{o[i].Kind, o[i].Namespace, o[i].Name}] {
			continue
		}
		out = append(out, o[i])
	}
	clear(o[len(out):])
	s.Origins = out
}

// At is "file:line" (or just the file when the line is unknown).
func (o Origin) At() string {
	if o.Line == 0 {
		return o.File
	}
	return fmt.Sprintf("%s:%d", o.File, o.Line)
}

// Origin says where in the input an object was read: a manifest's file
// and the line its document starts at.
type Origin struct {
	Kind      Kind   `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	File      string `json:"file"`
	Line      int    `json:"line,omitempty"`
	// APIVersion is the apiVersion the object was written in, for the
	// source's own warnings (removed versions); it is not stored.
	APIVersion string `json:"-"`
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
