package controlplane

import (
	"context"
	"fmt"
	"sync"

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

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// Load puts every object of snap into the API server behind client, so the
// live cluster looks like the fixture: namespaces and cluster-scoped objects
// first, then namespaced ones, then the status subresources (node
// conditions and capacity, pod phase and readiness, workload ready
// replicas, quota usage) that controllers would normally write.
//
// What cannot be carried: metadata the API server owns (uid,
// resourceVersion, creationTimestamp, generation) is reset by the server,
// and defaults are applied to specs. No controller runs, so nothing
// overwrites the status written here.
func Load(ctx context.Context, client kubernetes.Interface, snap *cluster.Snapshot, workers int) error {
	if workers <= 0 {
		workers = 16
	}
	l := &loader{ctx: ctx, c: client, workers: workers}
	steps := []func() error{
		// Cluster-scoped first.
		func() error {
			return load(l, snap.Namespaces, func(o *corev1.Namespace) (*corev1.Namespace, error) {
				return client.CoreV1().Namespaces().Create(ctx, o, metav1.CreateOptions{})
			}, nil)
		},
		func() error {
			return load(l, snap.Nodes, func(o *corev1.Node) (*corev1.Node, error) {
				return client.CoreV1().Nodes().Create(ctx, o, metav1.CreateOptions{})
			}, func(created, want *corev1.Node) error {
				created.Status = want.Status
				_, err := client.CoreV1().Nodes().UpdateStatus(ctx, created, metav1.UpdateOptions{})
				return err
			})
		},
		func() error {
			return load(l, snap.ClusterRoles, func(o *rbacv1.ClusterRole) (*rbacv1.ClusterRole, error) {
				return client.RbacV1().ClusterRoles().Create(ctx, o, metav1.CreateOptions{})
			}, nil)
		},
		func() error {
			return load(l, snap.ClusterRoleBindings, func(o *rbacv1.ClusterRoleBinding) (*rbacv1.ClusterRoleBinding, error) {
				return client.RbacV1().ClusterRoleBindings().Create(ctx, o, metav1.CreateOptions{})
			}, nil)
		},
		// Then namespaced objects, each with its status where it has one.
		func() error {
			return load(l, snap.ServiceAccounts, func(o *corev1.ServiceAccount) (*corev1.ServiceAccount, error) {
				return client.CoreV1().ServiceAccounts(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
			}, nil)
		},
		func() error {
			return load(l, snap.ConfigMaps, func(o *corev1.ConfigMap) (*corev1.ConfigMap, error) {
				return client.CoreV1().ConfigMaps(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
			}, nil)
		},
		func() error {
			return load(l, snap.Roles, func(o *rbacv1.Role) (*rbacv1.Role, error) {
				return client.RbacV1().Roles(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
			}, nil)
		},
		func() error {
			return load(l, snap.RoleBindings, func(o *rbacv1.RoleBinding) (*rbacv1.RoleBinding, error) {
				return client.RbacV1().RoleBindings(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
			}, nil)
		},
		func() error {
			return load(l, snap.ResourceQuotas, func(o *corev1.ResourceQuota) (*corev1.ResourceQuota, error) {
				return client.CoreV1().ResourceQuotas(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
			}, func(created, want *corev1.ResourceQuota) error {
				created.Status = want.Status
				_, err := client.CoreV1().ResourceQuotas(created.Namespace).UpdateStatus(ctx, created, metav1.UpdateOptions{})
				return err
			})
		},
		func() error {
			return load(l, snap.LimitRanges, func(o *corev1.LimitRange) (*corev1.LimitRange, error) {
				return client.CoreV1().LimitRanges(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
			}, nil)
		},
		func() error {
			return load(l, snap.Services, func(o *corev1.Service) (*corev1.Service, error) {
				return client.CoreV1().Services(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
			}, nil)
		},
		func() error {
			return load(l, snap.Deployments, func(o *appsv1.Deployment) (*appsv1.Deployment, error) {
				return client.AppsV1().Deployments(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
			}, func(created, want *appsv1.Deployment) error {
				created.Status = want.Status
				_, err := client.AppsV1().Deployments(created.Namespace).UpdateStatus(ctx, created, metav1.UpdateOptions{})
				return err
			})
		},
		func() error {
			return load(l, snap.StatefulSets, func(o *appsv1.StatefulSet) (*appsv1.StatefulSet, error) {
				return client.AppsV1().StatefulSets(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
			}, func(created, want *appsv1.StatefulSet) error {
				created.Status = want.Status
				_, err := client.AppsV1().StatefulSets(created.Namespace).UpdateStatus(ctx, created, metav1.UpdateOptions{})
				return err
			})
		},
		func() error {
			return load(l, snap.DaemonSets, func(o *appsv1.DaemonSet) (*appsv1.DaemonSet, error) {
				return client.AppsV1().DaemonSets(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
			}, func(created, want *appsv1.DaemonSet) error {
				created.Status = want.Status
				_, err := client.AppsV1().DaemonSets(created.Namespace).UpdateStatus(ctx, created, metav1.UpdateOptions{})
				return err
			})
		},
		func() error {
			return load(l, snap.Jobs, func(o *batchv1.Job) (*batchv1.Job, error) {
				return client.BatchV1().Jobs(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
			}, nil)
		},
		func() error {
			return load(l, snap.CronJobs, func(o *batchv1.CronJob) (*batchv1.CronJob, error) {
				return client.BatchV1().CronJobs(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
			}, func(created, want *batchv1.CronJob) error {
				created.Status = want.Status
				_, err := client.BatchV1().CronJobs(created.Namespace).UpdateStatus(ctx, created, metav1.UpdateOptions{})
				return err
			})
		},
		func() error {
			return load(l, snap.HPAs, func(o *autoscalingv2.HorizontalPodAutoscaler) (*autoscalingv2.HorizontalPodAutoscaler, error) {
				return client.AutoscalingV2().HorizontalPodAutoscalers(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
			}, nil)
		},
		func() error {
			return load(l, snap.PDBs, func(o *policyv1.PodDisruptionBudget) (*policyv1.PodDisruptionBudget, error) {
				return client.PolicyV1().PodDisruptionBudgets(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
			}, nil)
		},
		func() error {
			return load(l, snap.Leases, func(o *coordinationv1.Lease) (*coordinationv1.Lease, error) {
				return client.CoordinationV1().Leases(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
			}, nil)
		},
		func() error {
			return load(l, snap.Ingresses, func(o *networkingv1.Ingress) (*networkingv1.Ingress, error) {
				return client.NetworkingV1().Ingresses(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
			}, nil)
		},
		func() error {
			return load(l, snap.Pods, func(o *corev1.Pod) (*corev1.Pod, error) {
				return client.CoreV1().Pods(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
			}, func(created, want *corev1.Pod) error {
				created.Status = want.Status
				_, err := client.CoreV1().Pods(created.Namespace).UpdateStatus(ctx, created, metav1.UpdateOptions{})
				return err
			})
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

type loader struct {
	ctx     context.Context
	c       kubernetes.Interface
	workers int
}

type object[T any] interface {
	*T
	metav1.Object
}

// load creates items with a bounded number of workers, then writes each
// one's status. Objects that already exist (default namespaces) are left
// as they are.
func load[T any, PT object[T]](l *loader, items []T, create func(PT) (PT, error), status func(created, want PT) error) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	next := make(chan int)
	for range l.workers {
		wg.Go(func() {
			for i := range next {
				want := PT(&items[i])
				obj := PT(new(T))
				*obj = *want
				obj.SetResourceVersion("")
				obj.SetUID("")
				obj.SetCreationTimestamp(metav1.Time{})
				obj.SetGeneration(0)
				created, err := create(obj)
				if apierrors.IsAlreadyExists(err) {
					continue
				}
				if err == nil && status != nil {
					err = status(created, want)
				}
				if err != nil {
					mu.Lock()
					if first == nil {
						first = fmt.Errorf("load %s/%s: %w", want.GetNamespace(), want.GetName(), err)
					}
					mu.Unlock()
				}
			}
		})
	}
	for i := range items {
		if l.ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if first == nil {
		first = l.ctx.Err()
	}
	return first
}
