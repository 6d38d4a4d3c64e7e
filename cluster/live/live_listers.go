package live

import (
	"context"
	"fmt"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/internal/share"
)

// kindLister reads every object of one kind through typed clients, page by
// page, and stores the complete, sorted list in s. It calls page with the
// number of objects each page added (negative when a restarted list discards
// what it had). On error nothing is stored.
type kindLister func(ctx context.Context, c kubernetes.Interface, pageSize int64, s *cluster.Snapshot, page func(delta int)) error

// liveListers holds one lister for every kind in cluster.Kinds except
// configmaps, which are only read by name (see cluster.ConfigMapAllowList),
// and the kinds the typed clientset has no client for (the custom
// resources and APIServices), read through the dynamic client. Secrets have
// no lister and never will. Each entry names only the typed client call
// (protobuf needs it) and the list's items; the descriptor in cluster.Kinds
// says where they are stored.
var liveListers = map[cluster.Kind]kindLister{
	cluster.KindNamespaces: lister(cluster.KindNamespaces,
		func(c kubernetes.Interface) listFunc[*corev1.NamespaceList] { return c.CoreV1().Namespaces().List },
		func(l *corev1.NamespaceList) []corev1.Namespace { return l.Items }),
	cluster.KindNodes: lister(cluster.KindNodes,
		func(c kubernetes.Interface) listFunc[*corev1.NodeList] { return c.CoreV1().Nodes().List },
		func(l *corev1.NodeList) []corev1.Node { return l.Items }),
	cluster.KindPods: lister(cluster.KindPods,
		func(c kubernetes.Interface) listFunc[*corev1.PodList] { return c.CoreV1().Pods("").List },
		func(l *corev1.PodList) []corev1.Pod { return l.Items }),
	cluster.KindServices: lister(cluster.KindServices,
		func(c kubernetes.Interface) listFunc[*corev1.ServiceList] { return c.CoreV1().Services("").List },
		func(l *corev1.ServiceList) []corev1.Service { return l.Items }),
	cluster.KindServiceAccounts: lister(cluster.KindServiceAccounts,
		func(c kubernetes.Interface) listFunc[*corev1.ServiceAccountList] {
			return c.CoreV1().ServiceAccounts("").List
		},
		func(l *corev1.ServiceAccountList) []corev1.ServiceAccount { return l.Items }),
	cluster.KindResourceQuotas: lister(cluster.KindResourceQuotas,
		func(c kubernetes.Interface) listFunc[*corev1.ResourceQuotaList] {
			return c.CoreV1().ResourceQuotas("").List
		},
		func(l *corev1.ResourceQuotaList) []corev1.ResourceQuota { return l.Items }),
	cluster.KindLimitRanges: lister(cluster.KindLimitRanges,
		func(c kubernetes.Interface) listFunc[*corev1.LimitRangeList] { return c.CoreV1().LimitRanges("").List },
		func(l *corev1.LimitRangeList) []corev1.LimitRange { return l.Items }),
	cluster.KindDeployments: lister(cluster.KindDeployments,
		func(c kubernetes.Interface) listFunc[*appsv1.DeploymentList] { return c.AppsV1().Deployments("").List },
		func(l *appsv1.DeploymentList) []appsv1.Deployment { return l.Items }),
	cluster.KindReplicaSets: lister(cluster.KindReplicaSets,
		func(c kubernetes.Interface) listFunc[*appsv1.ReplicaSetList] { return c.AppsV1().ReplicaSets("").List },
		replicaSets),
	cluster.KindStatefulSets: lister(cluster.KindStatefulSets,
		func(c kubernetes.Interface) listFunc[*appsv1.StatefulSetList] {
			return c.AppsV1().StatefulSets("").List
		},
		func(l *appsv1.StatefulSetList) []appsv1.StatefulSet { return l.Items }),
	cluster.KindDaemonSets: lister(cluster.KindDaemonSets,
		func(c kubernetes.Interface) listFunc[*appsv1.DaemonSetList] { return c.AppsV1().DaemonSets("").List },
		func(l *appsv1.DaemonSetList) []appsv1.DaemonSet { return l.Items }),
	cluster.KindJobs: lister(cluster.KindJobs,
		func(c kubernetes.Interface) listFunc[*batchv1.JobList] { return c.BatchV1().Jobs("").List },
		func(l *batchv1.JobList) []batchv1.Job { return l.Items }),
	cluster.KindCronJobs: lister(cluster.KindCronJobs,
		func(c kubernetes.Interface) listFunc[*batchv1.CronJobList] { return c.BatchV1().CronJobs("").List },
		func(l *batchv1.CronJobList) []batchv1.CronJob { return l.Items }),
	cluster.KindHPAs: lister(cluster.KindHPAs,
		func(c kubernetes.Interface) listFunc[*autoscalingv2.HorizontalPodAutoscalerList] {
			return c.AutoscalingV2().HorizontalPodAutoscalers("").List
		},
		func(l *autoscalingv2.HorizontalPodAutoscalerList) []autoscalingv2.HorizontalPodAutoscaler {
			return l.Items
		}),
	cluster.KindPDBs: lister(cluster.KindPDBs,
		func(c kubernetes.Interface) listFunc[*policyv1.PodDisruptionBudgetList] {
			return c.PolicyV1().PodDisruptionBudgets("").List
		},
		func(l *policyv1.PodDisruptionBudgetList) []policyv1.PodDisruptionBudget { return l.Items }),
	cluster.KindRoles: lister(cluster.KindRoles,
		func(c kubernetes.Interface) listFunc[*rbacv1.RoleList] { return c.RbacV1().Roles("").List },
		func(l *rbacv1.RoleList) []rbacv1.Role { return l.Items }),
	cluster.KindClusterRoles: lister(cluster.KindClusterRoles,
		func(c kubernetes.Interface) listFunc[*rbacv1.ClusterRoleList] { return c.RbacV1().ClusterRoles().List },
		func(l *rbacv1.ClusterRoleList) []rbacv1.ClusterRole { return l.Items }),
	cluster.KindRoleBindings: lister(cluster.KindRoleBindings,
		func(c kubernetes.Interface) listFunc[*rbacv1.RoleBindingList] {
			return c.RbacV1().RoleBindings("").List
		},
		func(l *rbacv1.RoleBindingList) []rbacv1.RoleBinding { return l.Items }),
	cluster.KindClusterRoleBindings: lister(cluster.KindClusterRoleBindings,
		func(c kubernetes.Interface) listFunc[*rbacv1.ClusterRoleBindingList] {
			return c.RbacV1().ClusterRoleBindings().List
		},
		func(l *rbacv1.ClusterRoleBindingList) []rbacv1.ClusterRoleBinding { return l.Items }),
	cluster.KindLeases: lister(cluster.KindLeases,
		func(c kubernetes.Interface) listFunc[*coordinationv1.LeaseList] {
			return c.CoordinationV1().Leases("").List
		},
		func(l *coordinationv1.LeaseList) []coordinationv1.Lease { return l.Items }),
	cluster.KindIngresses: lister(cluster.KindIngresses,
		func(c kubernetes.Interface) listFunc[*networkingv1.IngressList] {
			return c.NetworkingV1().Ingresses("").List
		},
		func(l *networkingv1.IngressList) []networkingv1.Ingress { return l.Items }),
	cluster.KindIngressClasses: lister(cluster.KindIngressClasses,
		func(c kubernetes.Interface) listFunc[*networkingv1.IngressClassList] {
			return c.NetworkingV1().IngressClasses().List
		},
		func(l *networkingv1.IngressClassList) []networkingv1.IngressClass { return l.Items }),
	cluster.KindEndpointSlices: lister(cluster.KindEndpointSlices,
		func(c kubernetes.Interface) listFunc[*discoveryv1.EndpointSliceList] {
			return c.DiscoveryV1().EndpointSlices("").List
		},
		func(l *discoveryv1.EndpointSliceList) []discoveryv1.EndpointSlice { return l.Items }),
	cluster.KindValidatingWebhooks: lister(cluster.KindValidatingWebhooks,
		func(c kubernetes.Interface) listFunc[*admissionregistrationv1.ValidatingWebhookConfigurationList] {
			return c.AdmissionregistrationV1().ValidatingWebhookConfigurations().List
		},
		func(l *admissionregistrationv1.ValidatingWebhookConfigurationList) []admissionregistrationv1.ValidatingWebhookConfiguration {
			return l.Items
		}),
	cluster.KindMutatingWebhooks: lister(cluster.KindMutatingWebhooks,
		func(c kubernetes.Interface) listFunc[*admissionregistrationv1.MutatingWebhookConfigurationList] {
			return c.AdmissionregistrationV1().MutatingWebhookConfigurations().List
		},
		func(l *admissionregistrationv1.MutatingWebhookConfigurationList) []admissionregistrationv1.MutatingWebhookConfiguration {
			return l.Items
		}),
}

// listFunc is a typed client's List method.
type listFunc[L metav1.ListInterface] func(ctx context.Context, opts metav1.ListOptions) (L, error)

// maxListRestarts bounds how often one kind's list starts over after its
// continue token expired.
const maxListRestarts = 3

// lister builds a kindLister from a typed client's List method and the
// list's items; the kind's descriptor stores them (cluster.ListStore). A
// table entry whose items are not the type the kind is stored as is a
// programming error, caught when the package initializes.
func lister[T any, PT cluster.ObjectPtr[T], L metav1.ListInterface](
	kind cluster.Kind,
	client func(kubernetes.Interface) listFunc[L],
	items func(L) []T,
) kindLister {
	store := cluster.ListStore[T](kind)
	if store == nil {
		panic(fmt.Sprintf("live: kind %s is not in cluster.Kinds or not stored as []%T", kind, *new(T)))
	}
	return func(ctx context.Context, c kubernetes.Interface, pageSize int64, s *cluster.Snapshot, page func(int)) error {
		all, err := listPages[T, PT](ctx, client(c), items, pageSize, page)
		if err != nil {
			return err
		}
		store(s, all)
		return nil
	}
}

// replicaSets keeps of each listed ReplicaSet only its metadata, replicas
// and selector (cluster.ReplicaSet), page by page, so the templates of a
// large cluster's old ReplicaSets never accumulate.
func replicaSets(l *appsv1.ReplicaSetList) []cluster.ReplicaSet {
	out := make([]cluster.ReplicaSet, len(l.Items))
	for i := range l.Items {
		out[i] = cluster.ReplicaSetFrom(&l.Items[i])
	}
	return out
}

// listPages reads every page of a list. Each object is tidied as its page
// arrives (cluster.Tidy: managedFields, the last-applied annotation and
// what trimming drops go), and made to share equal maps and strings with
// the objects before it (share.Sharer). When a
// continue token has expired (410) the list starts over and what was read so
// far is discarded, so the result is complete and holds no duplicates.
func listPages[T any, PT cluster.ObjectPtr[T], L metav1.ListInterface](
	ctx context.Context, list listFunc[L], items func(L) []T, pageSize int64, page func(int),
) ([]T, error) {
	var all []T
	sharer := share.New()
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
			cluster.Tidy(PT(&got[i]))
			sharer.Object(PT(&got[i]))
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
