package metrics

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	metricsv1beta1 "k8s.io/metrics/pkg/apis/metrics/v1beta1"
	"k8s.io/metrics/pkg/client/clientset/versioned"
	clientv1beta1 "k8s.io/metrics/pkg/client/clientset/versioned/typed/metrics/v1beta1"

	"github.com/seaworthy-k8s/seaworthy/cluster/usage"
)

// Source is how Coverage names this source.
const Source = "metrics.k8s.io"

// DefaultPageSize is the list page size when Options.PageSize is 0.
// metrics-server ignores limit and answers in one page; other servers may
// not.
const DefaultPageSize = 500

// DefaultInterval is Sample's polling interval when none is given: the
// --metric-resolution that metrics-server's released manifests and Helm
// chart set (the binary alone defaults to 60 s), so each round can see a
// new window and none is missed. Where the server refreshes less often,
// the repeated rounds add nothing.
const DefaultInterval = 15 * time.Second

// ErrNotServed is returned when the cluster does not serve metrics.k8s.io
// at all (no APIService for it).
var ErrNotServed = errors.New("metrics.k8s.io is not served by this cluster (install metrics-server, or use --prometheus or history files)")

// Options selects what to read.
type Options struct {
	// Namespaces limits the read to these namespaces; empty reads all.
	Namespaces []string
	// LabelSelector limits the read to pods with these labels.
	LabelSelector string
	// PageSize is the list limit (default DefaultPageSize).
	PageSize int64
}

// Snapshot reads the current PodMetrics once and gives the sink one CPU
// sample (cores) and one memory sample (bytes) per container, both at the
// PodMetrics timestamp. The coverage spans the windows read.
func Snapshot(ctx context.Context, cfg *rest.Config, opts Options, sink usage.Sink) (usage.Coverage, error) {
	c, err := newClient(cfg)
	if err != nil {
		return usage.Coverage{Source: Source}, err
	}
	return snapshot(ctx, c, opts, sink)
}

// Sample reads PodMetrics every interval (DefaultInterval when 0) for
// duration, one round at the start and one per interval after it, so
// duration/interval+1 rounds. After each round it gives the sink the
// samples newer than any it gave before for that container, so each
// container's series arrives in ascending time order and a round in which
// the server had not refreshed adds nothing. progress, if not nil, is
// called after each round with the rounds done and the rounds planned.
//
// A round that fails after the first is recorded in Coverage.Gaps and
// sampling goes on; a first round that fails ends it with that error.
// When ctx ends, Sample returns at once with the coverage of what the sink
// was given so far and an error wrapping ctx.Err() (context.Canceled or
// context.DeadlineExceeded), so the caller can tell an interrupted sample
// from a failed one.
func Sample(ctx context.Context, cfg *rest.Config, opts Options, sink usage.Sink, duration, interval time.Duration, progress func(done, total int)) (usage.Coverage, error) {
	c, err := newClient(cfg)
	if err != nil {
		return usage.Coverage{Source: Source}, err
	}
	return sample(ctx, c, opts, sink, duration, interval, progress)
}

func newClient(cfg *rest.Config) (clientv1beta1.MetricsV1beta1Interface, error) {
	cs, err := versioned.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("create metrics.k8s.io client: %w", err)
	}
	return cs.MetricsV1beta1(), nil
}

func snapshot(ctx context.Context, c clientv1beta1.MetricsV1beta1Interface, opts Options, sink usage.Sink) (usage.Coverage, error) {
	cov := usage.Coverage{Source: Source}
	pods, err := list(ctx, c, opts)
	if err != nil {
		return cov, err
	}
	var f feeder
	f.feed(pods, sink, &cov)
	return cov, nil
}

// list reads every PodMetrics the options select, page by page.
func list(ctx context.Context, c clientv1beta1.MetricsV1beta1Interface, opts Options) ([]metricsv1beta1.PodMetrics, error) {
	namespaces := opts.Namespaces
	if len(namespaces) == 0 {
		namespaces = []string{metav1.NamespaceAll}
	}
	limit := opts.PageSize
	if limit <= 0 {
		limit = DefaultPageSize
	}
	var pods []metricsv1beta1.PodMetrics
	for _, ns := range namespaces {
		lo := metav1.ListOptions{LabelSelector: opts.LabelSelector, Limit: limit}
		for {
			page, err := c.PodMetricses(ns).List(ctx, lo)
			if err != nil {
				return pods, explain(ctx, ns, err)
			}
			pods = append(pods, page.Items...)
			if page.Continue == "" {
				break
			}
			lo.Continue = page.Continue
		}
	}
	return pods, nil
}

// explain turns a list error into one that says what to do about it.
func explain(ctx context.Context, ns string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("list pods.metrics.k8s.io: %w", ctx.Err())
	}
	where := "in all namespaces"
	if ns != "" {
		where = "in namespace " + ns
	}
	switch {
	case apierrors.IsNotFound(err):
		return ErrNotServed
	case apierrors.IsForbidden(err):
		return fmt.Errorf("list pods.metrics.k8s.io %s: forbidden: grant get and list on resource pods in API group metrics.k8s.io: %w", where, err)
	case apierrors.IsServiceUnavailable(err):
		return fmt.Errorf("list pods.metrics.k8s.io %s: the metrics.k8s.io APIService is registered but unavailable (is metrics-server running and ready?): %w", where, err)
	}
	return fmt.Errorf("list pods.metrics.k8s.io %s: %w", where, err)
}

// feeder gives PodMetrics to a sink, keeping for each container the time
// of the last sample given, so that only newer windows follow.
type feeder struct {
	last   map[usage.ContainerID]int64
	series int
	buf    [1]usage.Sample
}

// feed gives the sink every container window newer than the last one
// given and adds what it gave to cov.
func (f *feeder) feed(pods []metricsv1beta1.PodMetrics, sink usage.Sink, cov *usage.Coverage) {
	if f.last == nil {
		f.last = map[usage.ContainerID]int64{}
	}
	for i := range pods {
		p := &pods[i]
		end := p.Timestamp.Time
		t := end.UnixMilli()
		start := end.Add(-p.Window.Duration)
		for _, c := range p.Containers {
			id := usage.ContainerID{Namespace: p.Namespace, Pod: p.Name, Container: c.Name}
			last, seen := f.last[id]
			if seen && t <= last {
				continue
			}
			if !seen {
				f.series += 2
			}
			f.last[id] = t
			cpu, mem := c.Usage[corev1.ResourceCPU], c.Usage[corev1.ResourceMemory]
			f.buf[0] = usage.Sample{T: t, V: Cores(cpu)}
			sink.AddSeries(id, usage.CPU, f.buf[:])
			f.buf[0] = usage.Sample{T: t, V: Bytes(mem)}
			sink.AddSeries(id, usage.Memory, f.buf[:])
			cov.Samples += 2
			if cov.Start.IsZero() || start.Before(cov.Start) {
				cov.Start = start.UTC()
			}
			if end.After(cov.End) {
				cov.End = end.UTC()
			}
			if p.Window.Duration > cov.Step {
				cov.Step = p.Window.Duration
			}
		}
	}
	cov.Series = f.series
}

// Cores converts a CPU quantity to cores, exactly to the nanocore
// metrics-server reports in.
func Cores(q resource.Quantity) float64 {
	return float64(q.ScaledValue(resource.Nano)) / 1e9
}

// Bytes converts a memory quantity to bytes (rounding a fractional byte
// up, as Quantity.Value does).
func Bytes(q resource.Quantity) float64 {
	return float64(q.Value())
}

func sample(ctx context.Context, c clientv1beta1.MetricsV1beta1Interface, opts Options, sink usage.Sink, duration, interval time.Duration, progress func(done, total int)) (usage.Coverage, error) {
	if interval <= 0 {
		interval = DefaultInterval
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	return sampleWith(ctx, c, opts, sink, duration, interval, progress, tick.C)
}

// sampleWith runs the rounds of Sample, one now and one per value on tick.
func sampleWith(ctx context.Context, c clientv1beta1.MetricsV1beta1Interface, opts Options, sink usage.Sink, duration, interval time.Duration, progress func(done, total int), tick <-chan time.Time) (usage.Coverage, error) {
	cov := usage.Coverage{Source: Source}
	if interval <= 0 {
		interval = DefaultInterval
	}
	if duration < 0 {
		return cov, fmt.Errorf("sample metrics.k8s.io: duration %s is negative", duration)
	}
	total := int(duration/interval) + 1
	var f feeder
	for done := 0; done < total; done++ {
		if done > 0 {
			select {
			case <-ctx.Done():
				return cov, fmt.Errorf("sample metrics.k8s.io: stopped after %d of %d rounds: %w", done, total, ctx.Err())
			case <-tick:
			}
		}
		pods, err := list(ctx, c, opts)
		switch {
		case err != nil && ctx.Err() != nil:
			return cov, fmt.Errorf("sample metrics.k8s.io: stopped after %d of %d rounds: %w", done, total, ctx.Err())
		case err != nil && done == 0:
			return cov, err
		case err != nil:
			cov.Gaps = append(cov.Gaps, fmt.Sprintf("round %d of %d: %v", done+1, total, err))
		default:
			f.feed(pods, sink, &cov)
			// Samples are at least an interval apart.
			cov.Step = max(cov.Step, interval)
		}
		if progress != nil {
			progress(done+1, total)
		}
	}
	return cov, nil
}
