package controlplane

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// DefaultLoadWorkers is how many objects LoadWithOptions writes at once
// when LoadOptions.Workers is not set.
const DefaultLoadWorkers = 64

// LoadOptions tunes LoadWithOptions.
type LoadOptions struct {
	// Workers is how many create or status requests are in flight at once
	// (default DefaultLoadWorkers).
	Workers int
	// Progress, if set, is called about once a second and once at the end
	// with the number of objects written so far out of total. Calls are
	// serialized.
	Progress func(done, total int)
	// Rejected, if set, is told about each object the API server refuses
	// as invalid (422), and the load goes on without it; unset, such an
	// object fails the load. Calls are serialized.
	Rejected func(obj metav1.Object, err error)
	// Dynamic writes custom resources (Velero Schedules and Backups, k3s
	// ETCDSnapshotFiles, OpenShift ClusterVersions, VerticalPodAutoscalers), after installing a
	// definition for each kind present. A snapshot holding any fails to
	// load without it.
	Dynamic dynamic.Interface
}

// BulkConfig returns a copy of cfg suited to loading many objects: protobuf
// request and response bodies, and no client-side rate limit (the API
// server's own inflight limits and priority and fairness still apply, and
// client-go retries their 429 answers).
func BulkConfig(cfg *rest.Config) *rest.Config {
	c := rest.CopyConfig(cfg)
	c.ContentType = runtime.ContentTypeProtobuf
	c.AcceptContentTypes = runtime.ContentTypeProtobuf + "," + runtime.ContentTypeJSON
	c.QPS, c.Burst, c.RateLimiter = -1, 0, nil
	return c
}

// Load puts every object of snap into the API server behind client with the
// given number of workers; see LoadWithOptions. Snapshots with custom
// resources need LoadWithOptions and LoadOptions.Dynamic.
func Load(ctx context.Context, client kubernetes.Interface, snap *cluster.Snapshot, workers int) error {
	return LoadWithOptions(ctx, client, snap, LoadOptions{Workers: workers})
}

// LoadWithOptions puts every object of snap into the API server behind
// client, so the live cluster looks like the fixture: namespaces first,
// then every other object, each followed by its status subresource (node
// conditions and capacity, pod phase and readiness, workload ready
// replicas, quota usage) that controllers would normally write, and the
// webhook configurations last. APIServices are refused: the API server
// writes their status itself.
//
// After the namespaces, objects of all kinds share one pool of workers, so
// a large cluster loads at the rate the API server accepts writes; nothing
// else depends on creation order while no controller or admission plugin
// that looks at other objects runs. The status is written only when the
// created object does not already carry it (nodes keep the status they are
// created with; pods, workloads and quotas do not).
//
// Use a client built from BulkConfig for large snapshots.
//
// What cannot be carried: metadata the API server owns (uid,
// resourceVersion, creationTimestamp, generation) is reset by the server,
// and defaults are applied to specs. No controller runs, so nothing
// overwrites the status written here. Objects that already exist (the
// default namespaces) are left as they are.
func LoadWithOptions(ctx context.Context, client kubernetes.Interface, snap *cluster.Snapshot, opts LoadOptions) error {
	if opts.Workers <= 0 {
		opts.Workers = DefaultLoadWorkers
	}
	c := client
	namespaces := plain(nil, snap.Namespaces, c.CoreV1().Namespaces().Create)
	var others []task
	others = withStatus(others, snap.Nodes, c.CoreV1().Nodes().Create,
		func(o *corev1.Node) *corev1.NodeStatus { return &o.Status },
		c.CoreV1().Nodes().UpdateStatus)
	others = plain(others, snap.ClusterRoles, c.RbacV1().ClusterRoles().Create)
	others = plain(others, snap.ClusterRoleBindings, c.RbacV1().ClusterRoleBindings().Create)
	others = plain(others, snap.ServiceAccounts, func(ctx context.Context, o *corev1.ServiceAccount, co metav1.CreateOptions) (*corev1.ServiceAccount, error) {
		return c.CoreV1().ServiceAccounts(o.Namespace).Create(ctx, o, co)
	})
	others = plain(others, snap.ConfigMaps, func(ctx context.Context, o *corev1.ConfigMap, co metav1.CreateOptions) (*corev1.ConfigMap, error) {
		return c.CoreV1().ConfigMaps(o.Namespace).Create(ctx, o, co)
	})
	others = plain(others, snap.Roles, func(ctx context.Context, o *rbacv1.Role, co metav1.CreateOptions) (*rbacv1.Role, error) {
		return c.RbacV1().Roles(o.Namespace).Create(ctx, o, co)
	})
	others = plain(others, snap.RoleBindings, func(ctx context.Context, o *rbacv1.RoleBinding, co metav1.CreateOptions) (*rbacv1.RoleBinding, error) {
		return c.RbacV1().RoleBindings(o.Namespace).Create(ctx, o, co)
	})
	others = withStatus(others, snap.ResourceQuotas,
		func(ctx context.Context, o *corev1.ResourceQuota, co metav1.CreateOptions) (*corev1.ResourceQuota, error) {
			return c.CoreV1().ResourceQuotas(o.Namespace).Create(ctx, o, co)
		},
		func(o *corev1.ResourceQuota) *corev1.ResourceQuotaStatus { return &o.Status },
		func(ctx context.Context, o *corev1.ResourceQuota, uo metav1.UpdateOptions) (*corev1.ResourceQuota, error) {
			return c.CoreV1().ResourceQuotas(o.Namespace).UpdateStatus(ctx, o, uo)
		})
	others = plain(others, snap.LimitRanges, func(ctx context.Context, o *corev1.LimitRange, co metav1.CreateOptions) (*corev1.LimitRange, error) {
		return c.CoreV1().LimitRanges(o.Namespace).Create(ctx, o, co)
	})
	others = plain(others, snap.Services, func(ctx context.Context, o *corev1.Service, co metav1.CreateOptions) (*corev1.Service, error) {
		created, err := c.CoreV1().Services(o.Namespace).Create(ctx, o, co)
		// The API server's own default/kubernetes Service holds its
		// cluster IP, so creating the fixture's copy fails IP allocation
		// before the name is checked: it exists, like the default
		// namespaces.
		if apierrors.IsInvalid(err) {
			if _, gerr := c.CoreV1().Services(o.Namespace).Get(ctx, o.Name, metav1.GetOptions{}); gerr == nil {
				return nil, apierrors.NewAlreadyExists(corev1.Resource("services"), o.Name)
			}
		}
		return created, err
	})
	others = withStatus(others, snap.Deployments,
		func(ctx context.Context, o *appsv1.Deployment, co metav1.CreateOptions) (*appsv1.Deployment, error) {
			return c.AppsV1().Deployments(o.Namespace).Create(ctx, o, co)
		},
		func(o *appsv1.Deployment) *appsv1.DeploymentStatus { return &o.Status },
		func(ctx context.Context, o *appsv1.Deployment, uo metav1.UpdateOptions) (*appsv1.Deployment, error) {
			return c.AppsV1().Deployments(o.Namespace).UpdateStatus(ctx, o, uo)
		})
	others = withStatus(others, snap.StatefulSets,
		func(ctx context.Context, o *appsv1.StatefulSet, co metav1.CreateOptions) (*appsv1.StatefulSet, error) {
			return c.AppsV1().StatefulSets(o.Namespace).Create(ctx, o, co)
		},
		func(o *appsv1.StatefulSet) *appsv1.StatefulSetStatus { return &o.Status },
		func(ctx context.Context, o *appsv1.StatefulSet, uo metav1.UpdateOptions) (*appsv1.StatefulSet, error) {
			return c.AppsV1().StatefulSets(o.Namespace).UpdateStatus(ctx, o, uo)
		})
	others = withStatus(others, snap.DaemonSets,
		func(ctx context.Context, o *appsv1.DaemonSet, co metav1.CreateOptions) (*appsv1.DaemonSet, error) {
			return c.AppsV1().DaemonSets(o.Namespace).Create(ctx, o, co)
		},
		func(o *appsv1.DaemonSet) *appsv1.DaemonSetStatus { return &o.Status },
		func(ctx context.Context, o *appsv1.DaemonSet, uo metav1.UpdateOptions) (*appsv1.DaemonSet, error) {
			return c.AppsV1().DaemonSets(o.Namespace).UpdateStatus(ctx, o, uo)
		})
	others = plain(others, snap.Jobs, func(ctx context.Context, o *batchv1.Job, co metav1.CreateOptions) (*batchv1.Job, error) {
		return c.BatchV1().Jobs(o.Namespace).Create(ctx, o, co)
	})
	others = withStatus(others, snap.CronJobs,
		func(ctx context.Context, o *batchv1.CronJob, co metav1.CreateOptions) (*batchv1.CronJob, error) {
			return c.BatchV1().CronJobs(o.Namespace).Create(ctx, o, co)
		},
		func(o *batchv1.CronJob) *batchv1.CronJobStatus { return &o.Status },
		func(ctx context.Context, o *batchv1.CronJob, uo metav1.UpdateOptions) (*batchv1.CronJob, error) {
			return c.BatchV1().CronJobs(o.Namespace).UpdateStatus(ctx, o, uo)
		})
	others = plain(others, snap.HPAs, func(ctx context.Context, o *autoscalingv2.HorizontalPodAutoscaler, co metav1.CreateOptions) (*autoscalingv2.HorizontalPodAutoscaler, error) {
		return c.AutoscalingV2().HorizontalPodAutoscalers(o.Namespace).Create(ctx, o, co)
	})
	others = plain(others, snap.PDBs, func(ctx context.Context, o *policyv1.PodDisruptionBudget, co metav1.CreateOptions) (*policyv1.PodDisruptionBudget, error) {
		return c.PolicyV1().PodDisruptionBudgets(o.Namespace).Create(ctx, o, co)
	})
	others = plain(others, snap.Leases, func(ctx context.Context, o *coordinationv1.Lease, co metav1.CreateOptions) (*coordinationv1.Lease, error) {
		return c.CoordinationV1().Leases(o.Namespace).Create(ctx, o, co)
	})
	others = plain(others, snap.Ingresses, func(ctx context.Context, o *networkingv1.Ingress, co metav1.CreateOptions) (*networkingv1.Ingress, error) {
		return c.NetworkingV1().Ingresses(o.Namespace).Create(ctx, o, co)
	})
	others = plain(others, snap.IngressClasses, c.NetworkingV1().IngressClasses().Create)
	others = plain(others, snap.EndpointSlices, func(ctx context.Context, o *discoveryv1.EndpointSlice, co metav1.CreateOptions) (*discoveryv1.EndpointSlice, error) {
		return c.DiscoveryV1().EndpointSlices(o.Namespace).Create(ctx, o, co)
	})
	others = withStatus(others, snap.Pods,
		func(ctx context.Context, o *corev1.Pod, co metav1.CreateOptions) (*corev1.Pod, error) {
			return c.CoreV1().Pods(o.Namespace).Create(ctx, o, co)
		},
		func(o *corev1.Pod) *corev1.PodStatus { return &o.Status },
		func(ctx context.Context, o *corev1.Pod, uo metav1.UpdateOptions) (*corev1.Pod, error) {
			return c.CoreV1().Pods(o.Namespace).UpdateStatus(ctx, o, uo)
		})

	custom, err := customTasks(ctx, opts.Dynamic, snap)
	if err != nil {
		return err
	}
	others = append(others, custom...)
	if len(snap.APIServices) > 0 {
		// The API server's availability controller writes their status
		// from what it can reach, so a fixture's status cannot be carried.
		return fmt.Errorf("load: the snapshot holds APIService objects, whose status the API server itself writes; this loader does not write them")
	}
	// Webhook configurations come last: a fail-closed one whose backend
	// does not answer (none runs here) would reject the writes after it.
	var hooks []task
	hooks = plain(hooks, snap.ValidatingWebhooks, c.AdmissionregistrationV1().ValidatingWebhookConfigurations().Create)
	hooks = plain(hooks, snap.MutatingWebhooks, c.AdmissionregistrationV1().MutatingWebhookConfigurations().Create)

	p := newProgress(opts.Progress, len(namespaces)+len(others)+len(hooks))
	defer p.stop()
	if opts.Rejected != nil {
		var mu sync.Mutex
		p.rejected = func(err *loadError) {
			mu.Lock()
			defer mu.Unlock()
			opts.Rejected(err.obj, err.err)
		}
	}
	if err := run(ctx, namespaces, opts.Workers, p); err != nil {
		return err
	}
	if err := run(ctx, others, opts.Workers, p); err != nil {
		return err
	}
	return run(ctx, hooks, opts.Workers, p)
}

// task writes one object (and its status).
type task func(ctx context.Context) error

type object[T any] interface {
	*T
	metav1.Object
}

// fresh returns a copy of want without the metadata the API server owns.
func fresh[T any, PT object[T]](want PT) PT {
	obj := PT(new(T))
	*obj = *want
	obj.SetResourceVersion("")
	obj.SetUID("")
	obj.SetCreationTimestamp(metav1.Time{})
	obj.SetGeneration(0)
	return obj
}

// plain appends one task per item that creates it.
func plain[T any, PT object[T]](tasks []task, items []T,
	create func(context.Context, PT, metav1.CreateOptions) (PT, error),
) []task {
	for i := range items {
		want := PT(&items[i])
		tasks = append(tasks, func(ctx context.Context) error {
			_, err := create(ctx, fresh(want), metav1.CreateOptions{})
			if apierrors.IsAlreadyExists(err) {
				return nil
			}
			return describe(want, err)
		})
	}
	return tasks
}

// withStatus appends one task per item that creates it, then writes its
// status through the status subresource unless the created object already
// has it.
func withStatus[T any, PT object[T], S any](tasks []task, items []T,
	create func(context.Context, PT, metav1.CreateOptions) (PT, error),
	status func(PT) *S,
	update func(context.Context, PT, metav1.UpdateOptions) (PT, error),
) []task {
	for i := range items {
		want := PT(&items[i])
		tasks = append(tasks, func(ctx context.Context) error {
			created, err := create(ctx, fresh(want), metav1.CreateOptions{})
			if apierrors.IsAlreadyExists(err) {
				return nil
			}
			if err != nil {
				return describe(want, err)
			}
			if equality.Semantic.DeepEqual(status(created), status(want)) {
				return nil
			}
			*status(created) = *status(want)
			_, err = update(ctx, created, metav1.UpdateOptions{})
			return describe(want, err)
		})
	}
	return tasks
}

// loadError is the failure to write one object.
type loadError struct {
	obj metav1.Object
	err error
}

func (e *loadError) Error() string {
	name := e.obj.GetName()
	if ns := e.obj.GetNamespace(); ns != "" {
		name = ns + "/" + name
	}
	return fmt.Sprintf("load %T %s: %v", e.obj, name, e.err)
}

func (e *loadError) Unwrap() error { return e.err }

func describe(o metav1.Object, err error) error {
	if err == nil {
		return nil
	}
	return &loadError{obj: o, err: err}
}

// run executes tasks on workers goroutines and returns the first error;
// an error stops the tasks not yet started.
func run(ctx context.Context, tasks []task, workers int, p *progress) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
		next  atomic.Int64
	)
	for range min(workers, len(tasks)) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= len(tasks) {
					return
				}
				err := tasks[i](ctx)
				var le *loadError
				if p.rejected != nil && errors.As(err, &le) && apierrors.IsInvalid(err) {
					p.rejected(le)
					err = nil
				}
				if err != nil {
					once.Do(func() { first = err; cancel() })
					return
				}
				p.done.Add(1)
			}
		})
	}
	wg.Wait()
	if first != nil {
		return first
	}
	return context.Cause(ctx)
}

// progress reports the number of objects written about once a second.
type progress struct {
	done  atomic.Int64
	total int
	fn    func(done, total int)
	// rejected, when set, takes objects refused as invalid.
	rejected func(*loadError)
	quit     chan struct{}
	wg       sync.WaitGroup
}

func newProgress(fn func(done, total int), total int) *progress {
	p := &progress{total: total, fn: fn, quit: make(chan struct{})}
	if fn == nil {
		return p
	}
	p.wg.Go(func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				fn(int(p.done.Load()), total)
			case <-p.quit:
				fn(int(p.done.Load()), total)
				return
			}
		}
	})
	return p
}

func (p *progress) stop() {
	close(p.quit)
	p.wg.Wait()
}
