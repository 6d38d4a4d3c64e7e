package prometheus

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster/usage"
	"github.com/seaworthy-k8s/seaworthy/cluster/usage/queryrange"
)

// Fetch reads the usage history of opts' namespaces into sink and says
// what it covered. It returns an error, and no coverage, when Prometheus
// cannot be reached, refuses every namespace's query, or ctx ends; a
// namespace that fails after others succeeded, or has no series, is a gap
// in the coverage.
func Fetch(ctx context.Context, opts Options, sink usage.Sink) (usage.Coverage, error) {
	c, err := NewClient(opts)
	if err != nil {
		return usage.Coverage{}, err
	}
	return c.Fetch(ctx, sink)
}

// Client is a configured connection to one Prometheus and one history
// window; its connections are reused between calls. It is safe for
// concurrent use.
type Client struct {
	opts       Options
	api        api.Client
	http       *http.Client
	queryURL   string
	start, end time.Time
}

// NewClient checks opts, fills their defaults and builds the transport.
func NewClient(opts Options) (*Client, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	rt, err := opts.transport()
	if err != nil {
		return nil, err
	}
	ac, err := api.NewClient(api.Config{Address: opts.Address, RoundTripper: rt})
	if err != nil {
		return nil, fmt.Errorf("read prometheus %s: %w", opts.Address, err)
	}
	end := opts.End.UTC().Truncate(opts.Step)
	return &Client{
		opts:     opts,
		api:      ac,
		http:     &http.Client{Transport: rt, Timeout: opts.Timeout},
		queryURL: ac.URL("/api/v1/query_range", nil).String(),
		start:    end.Add(-opts.History),
		end:      end,
	}, nil
}

// Chunk is one step-aligned piece of the history window, both ends
// included.
type Chunk struct{ Start, End time.Time }

// Chunks splits the window into pieces of at most ChunkPoints points each,
// every point in exactly one piece: piece i holds start + (i·n + j)·step
// for j < n.
func (c *Client) Chunks() []Chunk {
	var out []Chunk
	n := time.Duration(c.opts.ChunkPoints)
	for s := c.start; !s.After(c.end); s = s.Add(n * c.opts.Step) {
		e := s.Add((n - 1) * c.opts.Step)
		if e.After(c.end) {
			e = c.end
		}
		out = append(out, Chunk{s, e})
	}
	return out
}

// Fetch reads the window's usage history into sink, as the package's Fetch.
func (c *Client) Fetch(ctx context.Context, sink usage.Sink) (usage.Coverage, error) {
	cov := usage.Coverage{
		Source: "prometheus " + c.opts.Address,
		Start:  c.start,
		End:    c.end,
		Step:   c.opts.Step,
	}
	namespaces := c.opts.Namespaces
	if len(namespaces) == 0 {
		var err error
		namespaces, err = c.namespaces(ctx)
		if cerr := ctx.Err(); cerr != nil {
			return usage.Coverage{}, fmt.Errorf("read prometheus %s: %w", c.opts.Address, cerr)
		}
		if err != nil {
			return usage.Coverage{}, err
		}
	}
	m := queryrange.NewMapper(c.opts.Labels, sink)
	type outcome struct {
		ns       string
		err      error
		answered bool // some query of the namespace was answered first
		series   int
	}
	results := make([]outcome, len(namespaces))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(c.opts.Concurrency, len(namespaces)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				n, answered, err := c.namespace(ctx, m, namespaces[i])
				results[i] = outcome{namespaces[i], err, answered, n}
			}
		}()
	}
feed:
	for i := range namespaces {
		select {
		case work <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return usage.Coverage{}, fmt.Errorf("read prometheus %s: %w", c.opts.Address, err)
	}
	var firstErr error
	ok := 0
	for _, r := range results {
		switch {
		case r.err != nil && r.answered:
			if firstErr == nil {
				firstErr = r.err
			}
			cov.Gaps = append(cov.Gaps, fmt.Sprintf("namespace %s: history incomplete: %v", r.ns, r.err))
		case r.err != nil:
			if firstErr == nil {
				firstErr = r.err
			}
			cov.Gaps = append(cov.Gaps, fmt.Sprintf("namespace %s: %v", r.ns, r.err))
		case r.series == 0:
			ok++
			cov.Gaps = append(cov.Gaps, fmt.Sprintf("namespace %s: no cpu or memory series in the window", r.ns))
		default:
			ok++
		}
	}
	if firstErr != nil && ok == 0 {
		return usage.Coverage{}, firstErr
	}
	counts := m.Counts()
	cov.Series, cov.Samples = counts.Series, counts.Samples
	cov.Gaps = append(cov.Gaps, counts.Gaps()...)
	return cov, nil
}

// namespaces lists the namespaces with a working-set series in the window.
func (c *Client) namespaces(ctx context.Context) ([]string, error) {
	api := v1.NewAPI(c.api)
	match := queryrange.MetricMemory + c.selector("")
	values, _, _, err := api.LabelValues(ctx, c.opts.Labels.Namespace, []string{match}, c.start, c.end)
	if err != nil {
		return nil, c.describe(fmt.Errorf("list namespaces: %w", err))
	}
	out := make([]string, 0, len(values))
	for _, v := range values {
		out = append(out, string(v))
	}
	sort.Strings(out)
	return out, nil
}

// selector is the cAdvisor series' label matchers for namespace ns (all
// namespaces when empty).
func (c *Client) selector(ns string) string {
	l := c.opts.Labels
	ms := []string{l.Container + `!=""`, l.Container + `!="POD"`}
	if ns != "" {
		ms = append(ms, l.Namespace+"="+strconv.Quote(ns))
	}
	ms = append(ms, c.opts.Matchers...)
	return "{" + strings.Join(ms, ",") + "}"
}

// ksmSelector is kube-state-metrics' matchers for namespace ns.
func (c *Client) ksmSelector(ns string, extra ...string) string {
	ms := append([]string{"namespace=" + strconv.Quote(ns)}, extra...)
	ms = append(ms, c.opts.OOMMatchers...)
	return "{" + strings.Join(ms, ",") + "}"
}

// Queries returns the PromQL Fetch asks for one namespace: OOM kill times,
// OOM reasons (asked only when the first has no series), memory and CPU.
// The by-clause merges the series cAdvisor keeps per container instance
// (a restarted container's new id), so each container is one series.
func (c *Client) Queries(ns string) (oomTimes, oomReasons, memory, cpu string) {
	l := c.opts.Labels
	by := fmt.Sprintf("(%s, %s, %s)", l.Namespace, l.Pod, l.Container)
	reason := queryrange.MetricOOMReason + c.ksmSelector(ns, `reason="OOMKilled"`)
	oomTimes = fmt.Sprintf("max by (namespace, pod, container) (%s%s) and on (namespace, pod, container) (%s == 1)",
		queryrange.MetricOOMTimestamp, c.ksmSelector(ns), reason)
	oomReasons = fmt.Sprintf("max by (namespace, pod, container) (%s)", reason)
	memory = fmt.Sprintf("max by %s (%s%s)", by, queryrange.MetricMemory, c.selector(ns))
	cpu = fmt.Sprintf("sum by %s (rate(%s%s[%s]))", by, queryrange.MetricCPU, c.selector(ns), promDuration(c.opts.CPURateWindow))
	return oomTimes, oomReasons, memory, cpu
}

// promDuration writes d in PromQL's duration syntax (whole seconds or
// milliseconds).
func promDuration(d time.Duration) string {
	if d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
}

// namespace reads one namespace: OOMs, then memory, then CPU, each in
// time order. It returns how many usage series arrived and whether any
// query was answered.
func (c *Client) namespace(ctx context.Context, m *queryrange.Mapper, ns string) (series int, answered bool, err error) {
	oomTimes, oomReasons, memory, cpu := c.Queries(ns)
	notBefore := c.start.UnixMilli()
	chunks := c.Chunks()

	got := 0
	for _, ch := range chunks {
		n, err := c.query(ctx, oomTimes, ch, func(s *queryrange.Series) { m.OOMTimestamps(s, notBefore) })
		if err != nil {
			return 0, answered, err
		}
		answered = true
		got += n
	}
	if got == 0 {
		for _, ch := range chunks {
			if _, err := c.query(ctx, oomReasons, ch, func(s *queryrange.Series) { m.OOMReasons(s, c.opts.Step, notBefore) }); err != nil {
				return 0, answered, err
			}
		}
	}
	for _, q := range []struct {
		r     usage.Resource
		query string
	}{{usage.Memory, memory}, {usage.CPU, cpu}} {
		for _, ch := range chunks {
			n, err := c.query(ctx, q.query, ch, func(s *queryrange.Series) { m.Usage(q.r, s) })
			if err != nil {
				return series, answered, fmt.Errorf("%s from %s: %w", q.r, ch.Start.Format(time.RFC3339), err)
			}
			answered = true
			series += n
		}
	}
	return series, answered, nil
}

// query POSTs one range query and streams its series to fn; it returns how
// many series came.
func (c *Client) query(ctx context.Context, query string, ch Chunk, fn func(*queryrange.Series)) (int, error) {
	body, err := c.PostQueryRange(ctx, query, ch)
	if err != nil {
		return 0, err
	}
	defer body.Close()
	n := 0
	_, err = queryrange.Parse(body, func(s *queryrange.Series) error {
		n++
		fn(s)
		return nil
	})
	if err != nil {
		return n, c.describe(err)
	}
	return n, nil
}

// PostQueryRange POSTs one range query over ch at the client's step, as
// Fetch does, and returns the body of a 200 answer (the caller closes it):
// for saving history files and for measuring Prometheus alone.
func (c *Client) PostQueryRange(ctx context.Context, query string, ch Chunk) (io.ReadCloser, error) {
	return c.post(ctx, url.Values{
		"query": {query},
		"start": {formatTime(ch.Start)},
		"end":   {formatTime(ch.End)},
		"step":  {strconv.FormatFloat(c.opts.Step.Seconds(), 'f', -1, 64)},
	})
}

// post sends the form and returns the body of a 200 answer; any other
// status becomes an error with Prometheus's own message.
func (c *Client) post(ctx context.Context, form url.Values) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.queryURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("read prometheus %s: %w", c.opts.Address, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.describe(err)
	}
	if resp.StatusCode == http.StatusOK {
		return resp.Body, nil
	}
	defer resp.Body.Close()
	// Error bodies are small; read a bounded part of one.
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_, perr := queryrange.Parse(strings.NewReader(string(head)), func(*queryrange.Series) error { return nil })
	var apiErr *queryrange.APIError
	if errors.As(perr, &apiErr) {
		return nil, fmt.Errorf("query prometheus %s: %s: %s", c.opts.Address, resp.Status, apiErr.Message)
	}
	msg := strings.TrimSpace(string(head))
	if len(msg) > 200 {
		msg = msg[:200] + "..."
	}
	return nil, fmt.Errorf("query prometheus %s: %s: %s", c.opts.Address, resp.Status, msg)
}

// describe turns transport errors into one line that says what happened.
func (c *Client) describe(err error) error {
	if err == nil {
		return nil
	}
	addr := c.opts.Address
	var netErr net.Error
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) && !isTimeout(err):
		return err
	case errors.As(err, &dnsErr):
		return fmt.Errorf("prometheus %s unreachable: no such host %s", addr, dnsErr.Name)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("prometheus %s unreachable: connection refused", addr)
	case errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH):
		return fmt.Errorf("prometheus %s unreachable: no route to host", addr)
	case errors.As(err, &netErr) && netErr.Timeout() || errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Errorf("query prometheus %s: timed out after %s (raise the timeout, or lower the history or step)", addr, c.opts.Timeout)
	}
	var apiErr *v1.Error
	if errors.As(err, &apiErr) {
		return fmt.Errorf("query prometheus %s: %s: %s", addr, apiErr.Type, apiErr.Msg)
	}
	return fmt.Errorf("query prometheus %s: %w", addr, err)
}

func isTimeout(err error) bool {
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
}

// formatTime writes t as Unix seconds with milliseconds, as the API takes it.
func formatTime(t time.Time) string {
	return strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', -1, 64)
}
