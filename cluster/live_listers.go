package cluster

import (
	"context"
	"fmt"
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
// managedFields and the last-applied annotation as its page arrives. When a
// continue token has expired (410) the list starts over and what was read so
// far is discarded, so the result is complete and holds no duplicates.
func listPages[T any, PT objectPtr[T], L metav1.ListInterface](
	ctx context.Context, list listFunc[L], items func(L) []T, pageSize int64, page func(int),
) ([]T, error) {
	var all []T
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
