package pushgateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/push"
	dto "github.com/prometheus/client_model/go"

	"github.com/seaworthy-k8s/seaworthy/publish"
	"github.com/seaworthy-k8s/seaworthy/report"
)

// Job is the job label of every pushed group.
const Job = "seaworthy"

// Defaults of Options.
const (
	DefaultAttempts = 3
	DefaultBackoff  = 500 * time.Millisecond
	DefaultTimeout  = 10 * time.Second
)

// Options configures a Target.
type Options struct {
	// URL is the Pushgateway's base URL, e.g. http://pushgateway:9091.
	URL string
	// Cluster is the cluster label of the group; required, so that two
	// clusters never replace each other's metrics.
	Cluster string
	// Objects pushes per-object series too (report.MetricsOptions.Objects).
	Objects bool
	// DocLink fills seaworthy_check_info's doc_url label; may be nil.
	DocLink func(id string) string
	// Attempts is how many times a push is tried (default 3); Backoff the
	// wait before the second try, doubled before each later one (default
	// 500ms); Timeout bounds each try (default 10s).
	Attempts int
	Backoff  time.Duration
	Timeout  time.Duration
	// Client sends the requests; nil is a client with Timeout.
	Client *http.Client
}

// Target pushes a run's metrics to a Pushgateway.
type Target struct {
	opts Options
}

// New checks the options and returns the target.
func New(o Options) (*Target, error) {
	if o.URL == "" {
		return nil, errors.New("set the Pushgateway URL")
	}
	if !strings.HasPrefix(o.URL, "http://") && !strings.HasPrefix(o.URL, "https://") {
		return nil, fmt.Errorf("invalid --pushgateway %q: want an http:// or https:// URL", o.URL)
	}
	if o.Cluster == "" {
		return nil, errors.New("set --cluster-name with --pushgateway: the Pushgateway groups metrics by cluster, and without a name every cluster would replace the others' metrics")
	}
	if o.Attempts <= 0 {
		o.Attempts = DefaultAttempts
	}
	if o.Backoff <= 0 {
		o.Backoff = DefaultBackoff
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: o.Timeout}
	}
	return &Target{opts: o}, nil
}

// Name names the target in messages.
func (t *Target) Name() string { return "pushgateway " + t.opts.URL }

// Publish replaces the group job="seaworthy",cluster=NAME with the run's
// metrics. It tries up to Attempts times while the Pushgateway cannot be
// reached or answers 5xx.
func (t *Target) Publish(ctx context.Context, run *publish.Run) error {
	fams := run.Report.Metrics(report.MetricsOptions{DocLink: t.opts.DocLink, Objects: t.opts.Objects, Duration: run.Duration})
	return t.push(ctx, fams)
}

// push PUTs the families, retrying transient failures.
func (t *Target) push(ctx context.Context, fams []*dto.MetricFamily) error {
	gather := prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) { return fams, nil })
	wait := t.opts.Backoff
	var err error
	for attempt := 1; ; attempt++ {
		doer := &statusDoer{client: t.opts.Client}
		tryCtx, cancel := context.WithTimeout(ctx, t.opts.Timeout)
		err = push.New(t.opts.URL, Job).Grouping("cluster", t.opts.Cluster).Gatherer(gather).Client(doer).PushContext(tryCtx)
		cancel()
		if err == nil {
			return nil
		}
		retry := doer.status == 0 || doer.status >= 500
		if !retry || attempt == t.opts.Attempts || ctx.Err() != nil {
			if attempt > 1 {
				return fmt.Errorf("push metrics (%d attempts): %w", attempt, oneLine(err))
			}
			return fmt.Errorf("push metrics: %w", oneLine(err))
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("push metrics: %w", ctx.Err())
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// statusDoer sends requests with client and keeps the last status code
// (0 when no answer came), so push tells a 5xx from a 4xx.
type statusDoer struct {
	client *http.Client
	status int
}

func (d *statusDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.client.Do(req)
	if resp != nil {
		d.status = resp.StatusCode
	}
	return resp, err
}

// oneLine folds an error whose text spans lines (a Pushgateway's answer
// body) into one line.
func oneLine(err error) error {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if s == err.Error() {
		return err
	}
	return errors.New(s)
}
