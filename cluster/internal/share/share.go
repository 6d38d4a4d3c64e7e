// Package share makes decoded objects share equal maps, resource lists and
// strings, which is most of what a large cluster's objects repeat. The live
// source and the snapshot file reader both use it; nothing outside
// cluster's sources needs it.
package share

import (
	"encoding/binary"
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Sharer makes the objects of one list share equal label and annotation
// maps, resource lists and the strings that repeat from object to object,
// instead of each holding its own copy as decoding leaves them. Pods made
// from one template repeat nearly all of these, so on a large cluster this
// takes about a third off the memory the pods hold (which, with the garbage
// collector's headroom, counts twice in the peak).
//
// Sharing is safe because nothing changes an object once it is in a
// Snapshot; code that does must copy first. Maps are shared only when their
// keys and values are equal, quantities when their canonical form and
// format are, and nil stays distinct from empty.
type Sharer struct {
	strs  map[string]string
	maps  map[string]map[string]string
	lists map[string]corev1.ResourceList
	key   []byte   // scratch
	names []string // scratch
}

// New returns an empty Sharer.
func New() *Sharer {
	return &Sharer{strs: map[string]string{}, maps: map[string]map[string]string{}, lists: map[string]corev1.ResourceList{}}
}

// Object shares what every object's metadata repeats, and for pods what
// their spec and status repeat.
func (s *Sharer) Object(o metav1.Object) {
	o.SetLabels(s.stringMap(o.GetLabels()))
	o.SetAnnotations(s.stringMap(o.GetAnnotations()))
	// Typed objects embed ObjectMeta, which returns itself.
	if a, ok := o.(interface{ GetObjectMeta() metav1.Object }); ok {
		if m, ok := a.GetObjectMeta().(*metav1.ObjectMeta); ok {
			s.meta(m)
		}
	}
	if p, ok := o.(*corev1.Pod); ok {
		s.pod(p)
	}
}

func (s *Sharer) meta(m *metav1.ObjectMeta) {
	shareString(s, &m.Namespace)
	shareString(s, &m.GenerateName)
	for i := range m.OwnerReferences {
		r := &m.OwnerReferences[i]
		shareString(s, &r.APIVersion)
		shareString(s, &r.Kind)
		shareString(s, &r.Name)
		shareString(s, &r.UID)
	}
}

func (s *Sharer) pod(p *corev1.Pod) {
	sp := &p.Spec
	shareString(s, &sp.NodeName)
	shareString(s, &sp.ServiceAccountName)
	shareString(s, &sp.DeprecatedServiceAccount)
	shareString(s, &sp.SchedulerName)
	shareString(s, &sp.PriorityClassName)
	shareString(s, &sp.RestartPolicy)
	shareString(s, &sp.DNSPolicy)
	sp.NodeSelector = s.stringMap(sp.NodeSelector)
	sp.Overhead = s.resourceList(sp.Overhead)
	s.requirements(sp.Resources)
	for _, cs := range [][]corev1.Container{sp.InitContainers, sp.Containers} {
		for i := range cs {
			c := &cs[i]
			shareString(s, &c.Name)
			shareString(s, &c.Image)
			shareString(s, &c.ImagePullPolicy)
			shareString(s, &c.TerminationMessagePath)
			shareString(s, &c.TerminationMessagePolicy)
			s.requirements(&c.Resources)
		}
	}
	st := &p.Status
	// Decoding grows the conditions by appending, and trimming keeps
	// fewer of them in the same array: hold only what is used.
	if cap(st.Conditions) > len(st.Conditions) {
		st.Conditions = slices.Clip(slices.Clone(st.Conditions))
	}
	shareString(s, &st.Phase)
	shareString(s, &st.QOSClass)
	shareString(s, &st.HostIP)
	shareString(s, &st.Reason)
	for i := range st.Conditions {
		c := &st.Conditions[i]
		shareString(s, &c.Type)
		shareString(s, &c.Status)
		shareString(s, &c.Reason)
	}
	for _, ss := range [][]corev1.ContainerStatus{st.InitContainerStatuses, st.ContainerStatuses} {
		for i := range ss {
			c := &ss[i]
			shareString(s, &c.Name)
			shareString(s, &c.Image)
			shareString(s, &c.ImageID)
			c.AllocatedResources = s.resourceList(c.AllocatedResources)
			s.requirements(c.Resources)
			if w := c.State.Waiting; w != nil {
				shareString(s, &w.Reason)
			}
			if t := c.State.Terminated; t != nil {
				shareString(s, &t.Reason)
			}
			if t := c.LastTerminationState.Terminated; t != nil {
				shareString(s, &t.Reason)
			}
		}
	}
}

func (s *Sharer) requirements(r *corev1.ResourceRequirements) {
	if r != nil {
		r.Requests = s.resourceList(r.Requests)
		r.Limits = s.resourceList(r.Limits)
	}
}

// shareString replaces *p with an equal string seen before.
func shareString[S ~string](s *Sharer, p *S) {
	if *p == "" {
		return
	}
	if v, ok := s.strs[string(*p)]; ok {
		*p = S(v)
		return
	}
	s.strs[string(*p)] = string(*p)
}

// PairsMap returns the map of pairs (sorted by key, no duplicates) seen
// before, or a new one whose strings come from str. The pairs' strings may
// be views of a buffer that is reused: nothing keeps them.
func (s *Sharer) PairsMap(pairs [][2]string, str func(string) string) map[string]string {
	if len(pairs) == 0 {
		return map[string]string{}
	}
	s.key = s.key[:0]
	for _, p := range pairs {
		s.key = AppendKeyPart(AppendKeyPart(s.key, p[0]), p[1])
	}
	if v, ok := s.maps[string(s.key)]; ok {
		return v
	}
	c := make(map[string]string, len(pairs))
	for _, p := range pairs {
		c[str(p[0])] = str(p[1])
	}
	s.maps[string(s.key)] = c
	return c
}

// stringMap returns a map equal to m seen before, or m.
func (s *Sharer) stringMap(m map[string]string) map[string]string {
	if len(m) == 0 {
		return m
	}
	s.key = s.key[:0]
	for _, k := range s.sortedKeys(m) {
		s.key = AppendKeyPart(AppendKeyPart(s.key, k), m[k])
	}
	if v, ok := s.maps[string(s.key)]; ok {
		return v
	}
	// A new map: keep a copy of exactly its size, whose keys and values
	// (label names, mostly) are shared too.
	c := make(map[string]string, len(m))
	for k, v := range m {
		shareString(s, &k)
		shareString(s, &v)
		c[k] = v
	}
	s.maps[string(s.key)] = c
	return c
}

// resourceList returns a list equal to l seen before, or l.
func (s *Sharer) resourceList(l corev1.ResourceList) corev1.ResourceList {
	if len(l) == 0 {
		return l
	}
	s.names = s.names[:0]
	for name := range l {
		s.names = append(s.names, string(name))
	}
	slices.Sort(s.names)
	s.key = s.key[:0]
	for _, name := range s.names {
		q := l[corev1.ResourceName(name)]
		s.key = AppendKeyPart(AppendKeyPart(AppendKeyPart(s.key, name), q.String()), string(q.Format))
	}
	if v, ok := s.lists[string(s.key)]; ok {
		return v
	}
	s.lists[string(s.key)] = l
	return l
}

func (s *Sharer) sortedKeys(m map[string]string) []string {
	s.names = s.names[:0]
	for k := range m {
		s.names = append(s.names, k)
	}
	slices.Sort(s.names)
	return s.names
}

// AppendKeyPart appends v, length first, so that keys are unambiguous.
func AppendKeyPart(key []byte, v string) []byte {
	return append(binary.AppendUvarint(key, uint64(len(v))), v...)
}
