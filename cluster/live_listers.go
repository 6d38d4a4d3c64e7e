package cluster

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// kindLister reads every object of one kind through typed clients, page by
// page, and stores the complete, sorted list in s. It calls page with the
// number of objects each page added (negative when a restarted list discards
// what it had). On error nothing is stored.
type kindLister func(ctx context.Context, c kubernetes.Interface, pageSize int64, s *Snapshot, page func(delta int)) error

// liveListers holds one lister for every kind in Kinds except configmaps,
// which are only read by name (see ConfigMapAllowList). Secrets have no
// lister and never will.
var liveListers = map[Kind]kindLister{
	KindNamespaces: lister(
		func(c kubernetes.Interface) listFunc[*corev1.NamespaceList] { return c.CoreV1().Namespaces().List },
		func(l *corev1.NamespaceList) []corev1.Namespace { return l.Items },
		func(s *Snapshot, v []corev1.Namespace) { s.Namespaces = v }),
	KindNodes: lister(
		func(c kubernetes.Interface) listFunc[*corev1.NodeList] { return c.CoreV1().Nodes().List },
		func(l *corev1.NodeList) []corev1.Node { return l.Items },
		func(s *Snapshot, v []corev1.Node) { s.Nodes = v }),
	KindPods: lister(
		func(c kubernetes.Interface) listFunc[*corev1.PodList] { return c.CoreV1().Pods("").List },
		func(l *corev1.PodList) []corev1.Pod { return l.Items },
		func(s *Snapshot, v []corev1.Pod) { s.Pods = v }),
	KindServices: lister(
		func(c kubernetes.Interface) listFunc[*corev1.ServiceList] { return c.CoreV1().Services("").List },
		func(l *corev1.ServiceList) []corev1.Service { return l.Items },
		func(s *Snapshot, v []corev1.Service) { s.Services = v }),
	KindServiceAccounts: lister(
		func(c kubernetes.Interface) listFunc[*corev1.ServiceAccountList] {
			return c.CoreV1().ServiceAccounts("").List
		},
		func(l *corev1.ServiceAccountList) []corev1.ServiceAccount { return l.Items },
		func(s *Snapshot, v []corev1.ServiceAccount) { s.ServiceAccounts = v }),
	KindResourceQuotas: lister(
		func(c kubernetes.Interface) listFunc[*corev1.ResourceQuotaList] {
			return c.CoreV1().ResourceQuotas("").List
		},
		func(l *corev1.ResourceQuotaList) []corev1.ResourceQuota { return l.Items },
		func(s *Snapshot, v []corev1.ResourceQuota) { s.ResourceQuotas = v }),
	KindLimitRanges: lister(
		func(c kubernetes.Interface) listFunc[*corev1.LimitRangeList] { return c.CoreV1().LimitRanges("").List },
		func(l *corev1.LimitRangeList) []corev1.LimitRange { return l.Items },
		func(s *Snapshot, v []corev1.LimitRange) { s.LimitRanges = v }),
	KindDeployments: lister(
		func(c kubernetes.Interface) listFunc[*appsv1.DeploymentList] { return c.AppsV1().Deployments("").List },
		func(l *appsv1.DeploymentList) []appsv1.Deployment { return l.Items },
		func(s *Snapshot, v []appsv1.Deployment) { s.Deployments = v }),
	KindStatefulSets: lister(
		func(c kubernetes.Interface) listFunc[*appsv1.StatefulSetList] {
			return c.AppsV1().StatefulSets("").List
		},
		func(l *appsv1.StatefulSetList) []appsv1.StatefulSet { return l.Items },
		func(s *Snapshot, v []appsv1.StatefulSet) { s.StatefulSets = v }),
	KindDaemonSets: lister(
		func(c kubernetes.Interface) listFunc[*appsv1.DaemonSetList] { return c.AppsV1().DaemonSets("").List },
		func(l *appsv1.DaemonSetList) []appsv1.DaemonSet { return l.Items },
		func(s *Snapshot, v []appsv1.DaemonSet) { s.DaemonSets = v }),
	KindJobs: lister(
		func(c kubernetes.Interface) listFunc[*batchv1.JobList] { return c.BatchV1().Jobs("").List },
		func(l *batchv1.JobList) []batchv1.Job { return l.Items },
		func(s *Snapshot, v []batchv1.Job) { s.Jobs = v }),
	KindCronJobs: lister(
		func(c kubernetes.Interface) listFunc[*batchv1.CronJobList] { return c.BatchV1().CronJobs("").List },
		func(l *batchv1.CronJobList) []batchv1.CronJob { return l.Items },
		func(s *Snapshot, v []batchv1.CronJob) { s.CronJobs = v }),
	KindHPAs: lister(
		func(c kubernetes.Interface) listFunc[*autoscalingv2.HorizontalPodAutoscalerList] {
			return c.AutoscalingV2().HorizontalPodAutoscalers("").List
		},
		func(l *autoscalingv2.HorizontalPodAutoscalerList) []autoscalingv2.HorizontalPodAutoscaler {
			return l.Items
		},
		func(s *Snapshot, v []autoscalingv2.HorizontalPodAutoscaler) { s.HPAs = v }),
	KindPDBs: lister(
		func(c kubernetes.Interface) listFunc[*policyv1.PodDisruptionBudgetList] {
			return c.PolicyV1().PodDisruptionBudgets("").List
		},
		func(l *policyv1.PodDisruptionBudgetList) []policyv1.PodDisruptionBudget { return l.Items },
		func(s *Snapshot, v []policyv1.PodDisruptionBudget) { s.PDBs = v }),
	KindRoles: lister(
		func(c kubernetes.Interface) listFunc[*rbacv1.RoleList] { return c.RbacV1().Roles("").List },
		func(l *rbacv1.RoleList) []rbacv1.Role { return l.Items },
		func(s *Snapshot, v []rbacv1.Role) { s.Roles = v }),
	KindClusterRoles: lister(
		func(c kubernetes.Interface) listFunc[*rbacv1.ClusterRoleList] { return c.RbacV1().ClusterRoles().List },
		func(l *rbacv1.ClusterRoleList) []rbacv1.ClusterRole { return l.Items },
		func(s *Snapshot, v []rbacv1.ClusterRole) { s.ClusterRoles = v }),
	KindRoleBindings: lister(
		func(c kubernetes.Interface) listFunc[*rbacv1.RoleBindingList] {
			return c.RbacV1().RoleBindings("").List
		},
		func(l *rbacv1.RoleBindingList) []rbacv1.RoleBinding { return l.Items },
		func(s *Snapshot, v []rbacv1.RoleBinding) { s.RoleBindings = v }),
	KindClusterRoleBindings: lister(
		func(c kubernetes.Interface) listFunc[*rbacv1.ClusterRoleBindingList] {
			return c.RbacV1().ClusterRoleBindings().List
		},
		func(l *rbacv1.ClusterRoleBindingList) []rbacv1.ClusterRoleBinding { return l.Items },
		func(s *Snapshot, v []rbacv1.ClusterRoleBinding) { s.ClusterRoleBindings = v }),
	KindLeases: lister(
		func(c kubernetes.Interface) listFunc[*coordinationv1.LeaseList] {
			return c.CoordinationV1().Leases("").List
		},
		func(l *coordinationv1.LeaseList) []coordinationv1.Lease { return l.Items },
		func(s *Snapshot, v []coordinationv1.Lease) { s.Leases = v }),
	KindIngresses: lister(
		func(c kubernetes.Interface) listFunc[*networkingv1.IngressList] {
			return c.NetworkingV1().Ingresses("").List
		},
		func(l *networkingv1.IngressList) []networkingv1.Ingress { return l.Items },
		func(s *Snapshot, v []networkingv1.Ingress) { s.Ingresses = v }),
}

// listFunc is a typed client's List method.
type listFunc[L metav1.ListInterface] func(ctx context.Context, opts metav1.ListOptions) (L, error)

// objectPtr is a pointer to a typed API object.
type objectPtr[T any] interface {
	*T
	metav1.Object
}

// maxListRestarts bounds how often one kind's list starts over after its
// continue token expired.
const maxListRestarts = 3

// lister builds a kindLister from a typed client's List method, the list's
// items and the Snapshot field that stores them.
func lister[T any, PT objectPtr[T], L metav1.ListInterface](
	client func(kubernetes.Interface) listFunc[L],
	items func(L) []T,
	store func(*Snapshot, []T),
) kindLister {
	return func(ctx context.Context, c kubernetes.Interface, pageSize int64, s *Snapshot, page func(int)) error {
		all, err := listPages[T, PT](ctx, client(c), items, pageSize, page)
		if err != nil {
			return err
		}
		sortByNamespaceName[T, PT](all)
		store(s, all)
		return nil
	}
}

// listPages reads every page of a list. Each object is stripped of
// managedFields and the last-applied annotation as its page arrives, trimmed
// (trim.go), and made to share equal maps and strings with the objects
// before it (sharer). When a
// continue token has expired (410) the list starts over and what was read so
// far is discarded, so the result is complete and holds no duplicates.
func listPages[T any, PT objectPtr[T], L metav1.ListInterface](
	ctx context.Context, list listFunc[L], items func(L) []T, pageSize int64, page func(int),
) ([]T, error) {
	var all []T
	share := newSharer()
	opts := metav1.ListOptions{Limit: pageSize}
	restarts := 0
	for {
		l, err := list(ctx, opts)
		if err != nil {
			if opts.Continue != "" && (apierrors.IsResourceExpired(err) || apierrors.IsGone(err)) {
				if restarts == maxListRestarts {
					page(-len(all))
					return nil, fmt.Errorf("continue token expired %d times: %w", restarts+1, err)
				}
				restarts++
				page(-len(all))
				all = nil
				opts.Continue = ""
				continue
			}
			page(-len(all))
			return nil, err
		}
		got := items(l)
		for i := range got {
			stripObject(PT(&got[i]))
			trimObject(PT(&got[i]))
			share.object(PT(&got[i]))
		}
		if rest := l.GetRemainingItemCount(); rest != nil && *rest > 0 && all == nil {
			all = make([]T, 0, len(got)+int(*rest))
		}
		all = append(all, got...)
		page(len(got))
		if opts.Continue = l.GetContinue(); opts.Continue == "" {
			return all, nil
		}
	}
}

// stripObject drops what seaworthy never reads and what costs most memory on
// large clusters: managedFields and the kubectl last-applied annotation.
// Templated pods and node image lists are trimmed next (trim.go).
func stripObject(o metav1.Object) {
	o.SetManagedFields(nil)
	if a := o.GetAnnotations(); a != nil {
		if _, ok := a[corev1.LastAppliedConfigAnnotation]; ok {
			delete(a, corev1.LastAppliedConfigAnnotation)
			if len(a) == 0 {
				o.SetAnnotations(nil)
			}
		}
	}
}

// sortByNamespaceName orders objects by namespace, then name, so live and
// offline snapshots of the same objects compare equal. The API server already
// returns etcd key order, which is this order, so the usual cost is one pass;
// comparisons go through pointers because objects such as Pods are large.
func sortByNamespaceName[T any, PT objectPtr[T]](items []T) {
	less := func(i, j int) bool {
		a, b := PT(&items[i]), PT(&items[j])
		if a.GetNamespace() != b.GetNamespace() {
			return a.GetNamespace() < b.GetNamespace()
		}
		return a.GetName() < b.GetName()
	}
	if !sort.SliceIsSorted(items, less) {
		sort.SliceStable(items, less)
	}
}

// sharer makes the objects of one list share equal label and annotation
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
type sharer struct {
	strs  map[string]string
	maps  map[string]map[string]string
	lists map[string]corev1.ResourceList
	key   []byte   // scratch
	names []string // scratch
}

func newSharer() *sharer {
	return &sharer{strs: map[string]string{}, maps: map[string]map[string]string{}, lists: map[string]corev1.ResourceList{}}
}

// object shares what every object's metadata repeats, and for pods what
// their spec and status repeat.
func (s *sharer) object(o metav1.Object) {
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

func (s *sharer) meta(m *metav1.ObjectMeta) {
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

func (s *sharer) pod(p *corev1.Pod) {
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

func (s *sharer) requirements(r *corev1.ResourceRequirements) {
	if r != nil {
		r.Requests = s.resourceList(r.Requests)
		r.Limits = s.resourceList(r.Limits)
	}
}

// shareString replaces *p with an equal string seen before.
func shareString[S ~string](s *sharer, p *S) {
	if *p == "" {
		return
	}
	if v, ok := s.strs[string(*p)]; ok {
		*p = S(v)
		return
	}
	s.strs[string(*p)] = string(*p)
}

// pairsMap returns the map of pairs (sorted by key, no duplicates) seen
// before, or a new one whose strings come from str. The pairs' strings may
// be views of a buffer that is reused: nothing keeps them.
func (s *sharer) pairsMap(pairs [][2]string, str func(string) string) map[string]string {
	if len(pairs) == 0 {
		return map[string]string{}
	}
	s.key = s.key[:0]
	for _, p := range pairs {
		s.key = appendKeyPart(appendKeyPart(s.key, p[0]), p[1])
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
func (s *sharer) stringMap(m map[string]string) map[string]string {
	if len(m) == 0 {
		return m
	}
	s.key = s.key[:0]
	for _, k := range s.sortedKeys(m) {
		s.key = appendKeyPart(appendKeyPart(s.key, k), m[k])
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
func (s *sharer) resourceList(l corev1.ResourceList) corev1.ResourceList {
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
		s.key = appendKeyPart(appendKeyPart(appendKeyPart(s.key, name), q.String()), string(q.Format))
	}
	if v, ok := s.lists[string(s.key)]; ok {
		return v
	}
	s.lists[string(s.key)] = l
	return l
}

func (s *sharer) sortedKeys(m map[string]string) []string {
	s.names = s.names[:0]
	for k := range m {
		s.names = append(s.names, k)
	}
	slices.Sort(s.names)
	return s.names
}

// appendKeyPart appends v, length first, so that keys are unambiguous.
func appendKeyPart(key []byte, v string) []byte {
	return append(binary.AppendUvarint(key, uint64(len(v))), v...)
}
