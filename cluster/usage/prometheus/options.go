package prometheus

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/seaworthy-k8s/seaworthy/cluster/usage/queryrange"
)

// Defaults of Options.
const (
	// DefaultHistory is VPA's default history length for its Prometheus
	// history provider (--history-length=8d).
	DefaultHistory = 8 * 24 * time.Hour
	// DefaultStep is one sample a minute: VPA's recommender samples the
	// metrics API once a minute, and its confidence counts samples at
	// that rate.
	DefaultStep = time.Minute
	// DefaultCPURateWindow is the range of rate(): it must hold at least
	// two scrapes for rate() to return anything, and Prometheus's default
	// and the common kubelet scrape interval is 1 m; 5 m holds four to
	// five scrapes, so one missed scrape leaves no hole.
	DefaultCPURateWindow = 5 * time.Minute
	// DefaultConcurrency is how many namespaces are queried at once.
	DefaultConcurrency = 4
	// DefaultTimeout bounds each query, body included.
	DefaultTimeout = 2 * time.Minute
	// DefaultChunkPoints is the points per series of one query: a day at
	// one a minute. Prometheus refuses more than 11,000 (MaxChunkPoints).
	DefaultChunkPoints = 1440
	// MaxChunkPoints is Prometheus's limit on points per series of a range
	// query ("exceeded maximum resolution of 11,000 points per timeseries").
	MaxChunkPoints = 11000
)

// Options say which Prometheus to read, how, and what history.
type Options struct {
	// Address is the server's base URL, e.g. http://prometheus:9090 (a path
	// prefix, as behind a proxy, is kept).
	Address string
	// End is the end of the history window, normally the snapshot's
	// collection time; it is required (sources read no clock).
	End time.Time
	// History is the window's length (default DefaultHistory) and Step the
	// resolution (default DefaultStep).
	History time.Duration
	Step    time.Duration
	// ChunkPoints is the points per series of one query (default
	// DefaultChunkPoints, at most MaxChunkPoints).
	ChunkPoints int
	// Labels name the container in cAdvisor's series (default namespace,
	// pod, container; queryrange.LegacyLabelNames for pod_name and
	// container_name).
	Labels queryrange.LabelNames
	// CPURateWindow is the range of rate() over the CPU counter (default
	// DefaultCPURateWindow).
	CPURateWindow time.Duration
	// Matchers are extra label matchers for the cAdvisor series, in PromQL
	// form: `job="kubelet"`, `cluster="prod-1"`. They do not apply to
	// kube-state-metrics' series (OOMMatchers do).
	Matchers []string
	// OOMMatchers are extra label matchers for kube-state-metrics' series.
	OOMMatchers []string
	// Namespaces to read. Empty: every namespace that has a working-set
	// series in the window.
	Namespaces []string
	// Concurrency is how many namespaces are queried at once (default
	// DefaultConcurrency).
	Concurrency int

	// BearerToken, or the contents of BearerTokenFile, is sent as
	// "Authorization: Bearer ...".
	BearerToken     string
	BearerTokenFile string
	// CAFile holds PEM certificates to trust in addition to the system's;
	// InsecureSkipVerify trusts any server certificate.
	CAFile             string
	InsecureSkipVerify bool
	// Headers are extra request headers, each "Name: value".
	Headers []string
	// Timeout bounds each query, body included (default DefaultTimeout).
	Timeout time.Duration
	// DisableCompression asks for plain JSON instead of gzip. Prometheus
	// compresses its answers about 10:1 when asked, which saves the
	// network but costs both sides CPU: on loopback or a fast in-cluster
	// network plain JSON is the cheaper of the two.
	DisableCompression bool
	// Transport, when set, is used instead of one built from the TLS
	// options (tests; proxies).
	Transport http.RoundTripper
}

// withDefaults fills the zero fields and checks the rest.
func (o Options) withDefaults() (Options, error) {
	if o.Address == "" {
		return o, errors.New("read prometheus: no address")
	}
	if o.End.IsZero() {
		return o, errors.New("read prometheus: no end time for the history window")
	}
	if o.History == 0 {
		o.History = DefaultHistory
	}
	if o.Step == 0 {
		o.Step = DefaultStep
	}
	if o.ChunkPoints == 0 {
		o.ChunkPoints = DefaultChunkPoints
	}
	if o.CPURateWindow == 0 {
		o.CPURateWindow = DefaultCPURateWindow
	}
	if o.Concurrency == 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	o.Labels = o.Labels.OrDefault()
	switch {
	case o.History < 0 || o.Step < 0 || o.CPURateWindow < 0 || o.Timeout < 0:
		return o, errors.New("read prometheus: history, step, rate window and timeout must be positive")
	case o.Step%time.Second != 0:
		return o, fmt.Errorf("read prometheus: step %s is not a whole number of seconds", o.Step)
	case o.History < o.Step:
		return o, fmt.Errorf("read prometheus: history %s is shorter than the step %s", o.History, o.Step)
	case o.ChunkPoints < 1 || o.ChunkPoints > MaxChunkPoints:
		return o, fmt.Errorf("read prometheus: %d points per query; Prometheus allows 1 to %d", o.ChunkPoints, MaxChunkPoints)
	case o.Concurrency < 1:
		return o, fmt.Errorf("read prometheus: concurrency %d; want at least 1", o.Concurrency)
	}
	return o, nil
}

// headers builds the extra request headers, the bearer token among them.
func (o Options) headers() (http.Header, error) {
	h := http.Header{}
	for _, line := range o.Headers {
		name, value, ok := strings.Cut(line, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, fmt.Errorf("read prometheus header %q: want \"Name: value\"", line)
		}
		h.Add(name, strings.TrimSpace(value))
	}
	token := o.BearerToken
	if o.BearerTokenFile != "" {
		b, err := os.ReadFile(o.BearerTokenFile)
		if err != nil {
			return nil, fmt.Errorf("read prometheus bearer token: %w", err)
		}
		token = strings.TrimSpace(string(b))
	}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	return h, nil
}

// transport builds the round tripper: TLS from the options, then the
// headers on every request.
func (o Options) transport() (http.RoundTripper, error) {
	h, err := o.headers()
	if err != nil {
		return nil, err
	}
	base := o.Transport
	if base == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = o.Concurrency
		// Bodies are tens of megabytes read in 64 KiB pieces by the
		// parser: a read buffer of the same size saves most read calls
		// (the default is 4 KiB).
		t.ReadBufferSize = 64 << 10
		t.DisableCompression = o.DisableCompression
		if o.CAFile != "" || o.InsecureSkipVerify {
			cfg := &tls.Config{InsecureSkipVerify: o.InsecureSkipVerify}
			if o.CAFile != "" {
				pem, err := os.ReadFile(o.CAFile)
				if err != nil {
					return nil, fmt.Errorf("read prometheus CA file: %w", err)
				}
				pool, err := x509.SystemCertPool()
				if err != nil {
					pool = x509.NewCertPool()
				}
				if !pool.AppendCertsFromPEM(pem) {
					return nil, fmt.Errorf("read prometheus CA file %s: no PEM certificates in it", o.CAFile)
				}
				cfg.RootCAs = pool
			}
			t.TLSClientConfig = cfg
		}
		base = t
	}
	if len(h) == 0 {
		return base, nil
	}
	return headerTransport{base: base, header: h}, nil
}

// headerTransport adds fixed headers to every request.
type headerTransport struct {
	base   http.RoundTripper
	header http.Header
}

func (t headerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	for k, v := range t.header {
		req.Header[k] = v
	}
	return t.base.RoundTrip(req)
}
