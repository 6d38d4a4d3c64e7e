package openreports

import (
	"context"
	"errors"
	"fmt"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/seaworthy-k8s/seaworthy/cluster/live"
	"github.com/seaworthy-k8s/seaworthy/publish"
)

// FieldManager is the server-side apply field manager of every write.
const FieldManager = "seaworthy"

// ErrNotInstalled is returned when the cluster serves neither group.
var ErrNotInstalled = errors.New("neither openreports.io nor wgpolicyk8s.io reports are installed: install the OpenReports CRDs (reports.openreports.io and clusterreports.openreports.io)")

// Target publishes to the cluster's OpenReports, or PolicyReports when
// only those are served.
type Target struct {
	dyn  dynamic.Interface
	disc discovery.DiscoveryInterface
	opts Options
}

// applyWorkers is how many objects Publish applies at once: a cluster of
// a few hundred namespaces gets as many Reports, and one apply after the
// other would take longer than the audit itself.
const applyWorkers = 8

// New returns a target writing to the cluster cfg reaches. Its client's
// QPS and Burst are raised to at least live.DefaultQPS and
// live.DefaultBurst (client-go's 5 and 10 would hold one Report per
// namespace to five a second); cfg itself is not changed.
func New(cfg *rest.Config, opts Options) (*Target, error) {
	cfg = rest.CopyConfig(cfg)
	if cfg.QPS >= 0 && cfg.QPS < live.DefaultQPS {
		cfg.QPS = live.DefaultQPS
	}
	if cfg.Burst < live.DefaultBurst {
		cfg.Burst = live.DefaultBurst
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("build dynamic client: %w", err)
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("build discovery client: %w", err)
	}
	return &Target{dyn: dyn, disc: disc, opts: opts}, nil
}

// Name implements publish.Target.
func (t *Target) Name() string { return "openreports" }

// Discover returns the group to publish to: OpenReports when it serves
// both kinds, else PolicyReports when that does, else ErrNotInstalled.
func (t *Target) Discover() (API, error) {
	for _, api := range []API{OpenReports, PolicyReports} {
		list, err := t.disc.ServerResourcesForGroupVersion(api.GroupVersion())
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return API{}, fmt.Errorf("discover %s: %w", api.GroupVersion(), err)
		}
		served := map[string]bool{}
		for _, r := range list.APIResources {
			served[r.Name] = true
		}
		if served[api.ReportResource] && served[api.ClusterReportResource] {
			return api, nil
		}
	}
	return API{}, ErrNotInstalled
}

// Publish implements publish.Target: it applies every object of the run,
// applyWorkers at a time, then deletes seaworthy's objects of the same
// group the run did not write. When an apply fails nothing is deleted.
func (t *Target) Publish(ctx context.Context, run *publish.Run) error {
	api, err := t.Discover()
	if err != nil {
		return err
	}
	objs := Build(run.Report, api, t.opts)
	keep := map[[2]string]bool{}
	for _, o := range objs {
		keep[[2]string{o.Namespace, o.Name}] = true
	}
	// errs[i] is object i's; the first failure reported is the first in
	// the order Build returned, whatever the order the applies finished.
	errs := make([]error, len(objs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(applyWorkers, len(objs)) {
		wg.Go(func() {
			for i := range next {
				errs[i] = t.apply(ctx, api, objs[i])
			}
		})
	}
	for i := range objs {
		next <- i
	}
	close(next)
	wg.Wait()
	var failed []error
	for _, err := range errs {
		if err != nil {
			failed = append(failed, err)
		}
	}
	if len(failed) > 0 {
		if len(failed) == 1 {
			return failed[0]
		}
		return fmt.Errorf("%w (and %d more of %d objects failed)", failed[0], len(failed)-1, len(objs))
	}
	for _, namespaced := range []bool{false, true} {
		if err := t.deleteStale(ctx, api, namespaced, keep); err != nil {
			return err
		}
	}
	return nil
}

func (t *Target) resource(api API, ns string) dynamic.ResourceInterface {
	if ns == "" {
		return t.dyn.Resource(api.Resource(false))
	}
	return t.dyn.Resource(api.Resource(true)).Namespace(ns)
}

// apply writes one object whole. Strict field validation makes a field the
// CRD does not define an error rather than silently dropped.
func (t *Target) apply(ctx context.Context, api API, o Object) error {
	force := true
	_, err := t.resource(api, o.Namespace).Patch(ctx, o.Name, types.ApplyPatchType, o.Body, metav1.PatchOptions{FieldManager: FieldManager, Force: &force, FieldValidation: "Strict"})
	if err != nil {
		return fmt.Errorf("apply %s %s: %w", o.Kind, objectName(o.Namespace, o.Name), err)
	}
	return nil
}

// deleteStale deletes the labelled objects of one kind that keep does not
// name.
func (t *Target) deleteStale(ctx context.Context, api API, namespaced bool, keep map[[2]string]bool) error {
	kind := api.ClusterReport
	if namespaced {
		kind = api.Report
	}
	list, err := t.dyn.Resource(api.Resource(namespaced)).List(ctx, metav1.ListOptions{LabelSelector: ManagedByLabel + "=" + ManagedBy})
	if err != nil {
		return fmt.Errorf("list %s objects: %w", kind, err)
	}
	for _, item := range list.Items {
		ns, name := item.GetNamespace(), item.GetName()
		if keep[[2]string{ns, name}] {
			continue
		}
		err := t.resource(api, ns).Delete(ctx, name, metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("delete stale %s %s: %w", kind, objectName(ns, name), err)
		}
	}
	return nil
}

func objectName(ns, name string) string {
	if ns == "" {
		return name
	}
	return ns + "/" + name
}
