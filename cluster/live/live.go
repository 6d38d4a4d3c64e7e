package live

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// Options configures a live collection. The zero value is ready to use.
type Options struct {
	// PageSize is the limit of each LIST request (default 500).
	PageSize int64
	// Concurrency is how many kinds are listed at once (default 4).
	Concurrency int
	// Now is the clock for CollectedAt (default time.Now).
	Now func() time.Time
	// Progress, if set, is called as pages arrive and as kinds finish.
	// Collection runs on several goroutines, but calls to Progress are
	// serialized: it is never called concurrently with itself, so it needs
	// no locking of its own. It should return quickly.
	Progress func(Progress)
	// Dynamic reads the custom resource kinds (KindInfo.Optional) and
	// APIServices. Without it they are recorded as gaps. Collect sets it.
	Dynamic dynamic.Interface
	// SecretMetadata lists the Secrets metadata-only and keeps their
	// namespaces and names in Snapshot.SecretNames (the
	// --allow-secret-metadata flag); off, Secrets are not read at all.
	SecretMetadata bool
	// Metadata is the metadata-only client SecretMetadata lists with.
	// Collect sets it when SecretMetadata is on.
	Metadata metadata.Interface
}

// Progress reports how far a live collection has come.
type Progress struct {
	// KindsDone counts kinds finished (read, or recorded as a Gap) out of
	// KindsTotal.
	KindsDone, KindsTotal int
	// Objects counts objects read so far, over all kinds.
	Objects int
	// Current is the kind whose page arrived or that just finished.
	Current cluster.Kind
}

// Defaults for Options and ConfigureClient.
const (
	DefaultPageSize    = 500
	DefaultConcurrency = 4
	// DefaultQPS and DefaultBurst replace client-go's 5 and 10, which would
	// throttle a paginated read of a large cluster into minutes.
	DefaultQPS   = 100
	DefaultBurst = 200
)

// KindServerVersion is the Gap kind recorded when the API server answered
// but would not tell its version (for example 403 on /version).
const KindServerVersion cluster.Kind = "version"

// ConfigureClient returns a copy of cfg tuned for collection: protobuf for
// built-in kinds (with JSON accepted as a fallback) and QPS/Burst raised to
// at least DefaultQPS/DefaultBurst. A negative QPS (rate limiting disabled)
// and a custom RateLimiter are left alone.
func ConfigureClient(cfg *rest.Config) *rest.Config {
	c := rest.CopyConfig(cfg)
	c.ContentType = runtime.ContentTypeProtobuf
	c.AcceptContentTypes = runtime.ContentTypeProtobuf + "," + runtime.ContentTypeJSON
	if c.QPS >= 0 && c.QPS < DefaultQPS {
		c.QPS = DefaultQPS
	}
	if c.Burst < DefaultBurst {
		c.Burst = DefaultBurst
	}
	return c
}

// Collect builds a clientset from cfg (after ConfigureClient) and
// collects a Snapshot through it, as CollectWith does. Server.Host is cfg.Host.
func Collect(ctx context.Context, cfg *rest.Config, opts Options) (*cluster.Snapshot, error) {
	client, err := kubernetes.NewForConfig(ConfigureClient(cfg))
	if err != nil {
		return nil, fmt.Errorf("build a client for %s: %w", cfg.Host, err)
	}
	if opts.Dynamic == nil {
		dcfg := ConfigureClient(cfg)
		dcfg.ContentType, dcfg.AcceptContentTypes = "", "" // custom resources have no protobuf
		if opts.Dynamic, err = dynamic.NewForConfig(dcfg); err != nil {
			return nil, fmt.Errorf("build a client for %s: %w", cfg.Host, err)
		}
	}
	if opts.SecretMetadata && opts.Metadata == nil {
		if opts.Metadata, err = newMetadataClient(cfg); err != nil {
			return nil, fmt.Errorf("build a client for %s: %w", cfg.Host, err)
		}
	}
	return collect(ctx, client, cfg, opts)
}

// CollectWith reads every kind in cluster.Kinds through client into a Snapshot with
// Source "live".
//
// It first asks the server for its version: a server that cannot be reached,
// or that rejects the credentials, is a fatal error with a one-line message.
// After that, losing the server (connection refused or reset, TLS failure)
// or the credentials (401) is fatal, as is cancellation of ctx; each kind
// that cannot be read for another reason (forbidden, not served, timed out,
// failed) becomes a Gap. Before
// listing a kind it asks a SelfSubjectAccessReview whether the list is
// allowed cluster-wide. Secrets are never read (with Options.SecretMetadata only their names are listed, metadata-only); ConfigMaps only by name from
// cluster.ConfigMapAllowList. Like every source it ends with
// cluster.Finish: objects sorted by namespace and name, gaps by SortGaps,
// so the result does not depend on timing.
//
// A deadline on ctx bounds the whole collection: kinds not read by then
// become timeout gaps.
func CollectWith(ctx context.Context, client kubernetes.Interface, opts Options) (*cluster.Snapshot, error) {
	return collect(ctx, client, nil, opts)
}

// collect does the work of Collect and CollectWith; cfg, when set, is the
// client's configuration, which the probes that need a connection of
// their own (the anonymous request, the TLS handshake) start from.
func collect(ctx context.Context, client kubernetes.Interface, cfg *rest.Config, opts Options) (*cluster.Snapshot, error) {
	host := ""
	if cfg != nil {
		host = cfg.Host
	}
	if opts.PageSize <= 0 {
		opts.PageSize = DefaultPageSize
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &cluster.Snapshot{
		SchemaVersion: cluster.SchemaVersion,
		CollectedAt:   opts.Now().UTC().Truncate(time.Second),
		Source:        cluster.SourceLive,
		Server:        cluster.ServerInfo{Host: host},
	}
	if err := readServerVersion(ctx, client, s); err != nil {
		return nil, err
	}
	c := &collector{client: client, opts: opts, snap: s}
	runCtx, cancel := context.WithCancel(ctx)
	c.cancel = cancel
	probed := make(chan struct{})
	go func() {
		defer close(probed)
		c.probeServer(runCtx, cfg)
	}()
	c.run(runCtx)
	if opts.SecretMetadata {
		c.collectSecretNames(runCtx)
	}
	<-probed
	cancel()
	if c.fatal != nil {
		return nil, c.fatal
	}
	if err := ctx.Err(); errors.Is(err, context.Canceled) {
		return nil, fmt.Errorf("collect from the API server: %w", err)
	}
	cluster.Finish(s, cluster.FinishOptions{Tidied: true})
	return s, nil
}

// readServerVersion is the reachability check. Transport failures and 401
// are fatal; any other answer proves the server is there, so a refusal to
// tell the version is only a gap.
func readServerVersion(ctx context.Context, client kubernetes.Interface, s *cluster.Snapshot) error {
	info, err := client.Discovery().ServerVersionWithContext(ctx)
	if err == nil {
		s.Server.GitVersion = info.GitVersion
		return nil
	}
	if apierrors.IsUnauthorized(err) {
		return fmt.Errorf("the API server rejected the credentials (401 Unauthorized): %s", oneLine(statusMessage(err)))
	}
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		s.Gaps = append(s.Gaps, cluster.Gap{Kind: KindServerVersion, Reason: gapReason(ctx, err),
			Message: "get server version: " + oneLine(err.Error())})
		return nil
	}
	host, cause := transportCause(s.Server.Host, err)
	verb := "cannot reach"
	if isTLSError(cause) {
		verb = "cannot verify"
	}
	if host == "" {
		return fmt.Errorf("%s the API server: %s", verb, oneLine(cause.Error()))
	}
	return fmt.Errorf("%s the API server at %s: %s", verb, host, oneLine(cause.Error()))
}

// transportCause returns the server's scheme://host and the underlying
// cause of a client-go transport error.
func transportCause(host string, err error) (string, error) {
	cause := err
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" {
			host = u.Scheme + "://" + u.Host
		}
		cause = ue.Err
	}
	return host, cause
}

func isTLSError(err error) bool {
	var unknownAuthority x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	var hostname x509.HostnameError
	var verify *tls.CertificateVerificationError
	return errors.As(err, &unknownAuthority) || errors.As(err, &invalid) || errors.As(err, &hostname) || errors.As(err, &verify)
}

// lostServer reports whether err means the API server went away or stopped
// accepting the credentials mid-collection; such errors end the run instead
// of becoming gaps, since every later read would fail the same way.
func lostServer(ctx context.Context, err error) bool {
	if err == nil || ctx.Err() != nil {
		return false
	}
	if apierrors.IsUnauthorized(err) {
		return true
	}
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.EPIPE) || isTLSError(err)
}

// fail records the first fatal error and stops the collection.
func (c *collector) fail(what string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fatal != nil {
		return
	}
	if apierrors.IsUnauthorized(err) {
		c.fatal = fmt.Errorf("the API server rejected the credentials (401 Unauthorized) while %s: %s", what, oneLine(statusMessage(err)))
	} else {
		host, cause := transportCause(c.snap.Server.Host, err)
		c.fatal = fmt.Errorf("lost the API server at %s while %s: %s", host, what, oneLine(cause.Error()))
	}
	c.cancel()
}

// collector reads the kinds of one Snapshot concurrently.
type collector struct {
	client kubernetes.Interface
	opts   Options
	snap   *cluster.Snapshot
	// noReview is set once the SelfSubjectAccessReview API itself failed
	// with forbidden or not found, so the preflight is not asked again.
	noReview atomic.Bool
	// cancel stops the whole collection once fatal is set.
	cancel context.CancelFunc

	mu      sync.Mutex // guards the fields below, snap.Gaps and Progress calls
	fatal   error
	done    int
	objects int
}

// run reads every kind in Kinds, at most opts.Concurrency at once. Each
// lister stores into its own Snapshot field, so only gaps and progress
// need the lock.
func (c *collector) run(ctx context.Context) {
	sem := make(chan struct{}, c.opts.Concurrency)
	var wg sync.WaitGroup
	for i := range cluster.Kinds {
		k := &cluster.Kinds[i]
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			c.addGap(cluster.Gap{Kind: k.Kind, Reason: gapReason(ctx, ctx.Err()),
				Message: fmt.Sprintf("list %s: %v", k.Kind, ctx.Err())})
			c.finish(k.Kind)
			continue
		}
		wg.Go(func() {
			defer func() { <-sem }()
			c.collectKind(ctx, k)
			c.finish(k.Kind)
		})
	}
	wg.Wait()
}

// collectKind reads one kind, or records why it could not.
func (c *collector) collectKind(ctx context.Context, k *cluster.KindInfo) {
	if k.Kind == cluster.KindConfigMaps {
		c.collectConfigMaps(ctx)
		return
	}
	list, ok := liveListers[k.Kind]
	why := "no live lister for this kind"
	switch convert := convertedListers[k.Kind]; {
	case convert != nil:
		ok, why = c.opts.Dynamic != nil, "no dynamic client to read "+string(k.Kind)+" with"
		list = func(ctx context.Context, _ kubernetes.Interface, pageSize int64, s *cluster.Snapshot, page func(int)) error {
			return convert(ctx, c.opts.Dynamic, k, pageSize, s, page)
		}
	case k.Optional:
		ok, why = c.opts.Dynamic != nil, "no dynamic client to read custom resources with"
		list = func(ctx context.Context, _ kubernetes.Interface, pageSize int64, s *cluster.Snapshot, page func(int)) error {
			return listCustom(ctx, c.opts.Dynamic, k, pageSize, s, page)
		}
	}
	if !ok {
		c.addGap(cluster.Gap{Kind: k.Kind, Reason: cluster.GapError, Message: fmt.Sprintf("list %s: %s", k.Kind, why)})
		return
	}
	allowed, answered := c.review(ctx, &authorizationv1.ResourceAttributes{
		Verb: "list", Group: k.GVR.Group, Version: k.GVR.Version, Resource: k.GVR.Resource})
	if answered && !allowed {
		c.addGap(cluster.Gap{Kind: k.Kind, Reason: cluster.GapForbidden,
			Message: fmt.Sprintf("the current identity may not list %s cluster-wide", k.Kind)})
		return
	}
	err := list(ctx, c.client, c.opts.PageSize, c.snap, func(delta int) { c.page(k.Kind, delta) })
	if lostServer(ctx, err) {
		c.fail("listing "+string(k.Kind), err)
		return
	}
	if k.Optional && apierrors.IsNotFound(err) {
		return // the add-on is not installed
	}
	if err != nil {
		c.addGap(listGap(ctx, k, err))
	}
}

// collectConfigMaps gets each allow-listed ConfigMap by name. One that does
// not exist is simply absent; one that cannot be read is a Gap naming it.
func (c *collector) collectConfigMaps(ctx context.Context) {
	var got []corev1.ConfigMap
	for _, nn := range cluster.ConfigMapAllowList() {
		allowed, answered := c.review(ctx, &authorizationv1.ResourceAttributes{
			Verb: "get", Version: "v1", Resource: "configmaps", Namespace: nn.Namespace, Name: nn.Name})
		if answered && !allowed {
			c.addGap(cluster.Gap{Kind: cluster.KindConfigMaps, Namespace: nn.Namespace, Name: nn.Name, Reason: cluster.GapForbidden,
				Message: fmt.Sprintf("the current identity may not get configmap %s", nn)})
			continue
		}
		cm, err := c.client.CoreV1().ConfigMaps(nn.Namespace).Get(ctx, nn.Name, metav1.GetOptions{})
		switch {
		case err == nil:
			cluster.Tidy(cm)
			got = append(got, *cm)
			c.page(cluster.KindConfigMaps, 1)
		case apierrors.IsNotFound(err):
		case lostServer(ctx, err):
			c.fail("reading configmap "+nn.String(), err)
			return
		default:
			c.addGap(cluster.Gap{Kind: cluster.KindConfigMaps, Namespace: nn.Namespace, Name: nn.Name, Reason: gapReason(ctx, err),
				Message: fmt.Sprintf("get configmap %s: %s", nn, oneLine(err.Error()))})
		}
	}
	cluster.ListStore[corev1.ConfigMap](cluster.KindConfigMaps)(c.snap, got)
}

// review asks the API server whether the current identity may perform attrs.
// answered is false when the review itself failed or was inconclusive; the
// caller then simply tries the request.
func (c *collector) review(ctx context.Context, attrs *authorizationv1.ResourceAttributes) (allowed, answered bool) {
	if c.noReview.Load() {
		return false, false
	}
	r, err := c.client.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx,
		&authorizationv1.SelfSubjectAccessReview{Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: attrs}},
		metav1.CreateOptions{})
	if err != nil {
		if apierrors.IsForbidden(err) || apierrors.IsNotFound(err) {
			c.noReview.Store(true)
		}
		if lostServer(ctx, err) {
			c.fail("checking access", err)
		}
		return false, false
	}
	if r.Status.Allowed {
		return true, true
	}
	if r.Status.EvaluationError != "" && !r.Status.Denied {
		return false, false
	}
	return false, true
}

// listGap turns a failed list of k into a Gap.
func listGap(ctx context.Context, k *cluster.KindInfo, err error) cluster.Gap {
	reason := gapReason(ctx, err)
	msg := fmt.Sprintf("list %s: %s", k.Kind, oneLine(err.Error()))
	if reason == cluster.GapNotInstalled {
		msg = fmt.Sprintf("the API server does not serve %s (%s)", k.Kind, k.GVR.GroupVersion())
	}
	return cluster.Gap{Kind: k.Kind, Reason: reason, Message: msg}
}

// gapReason classifies a read error as one of the Gap reasons.
func gapReason(ctx context.Context, err error) string {
	var ne net.Error
	switch {
	case apierrors.IsForbidden(err):
		return cluster.GapForbidden
	case apierrors.IsNotFound(err):
		return cluster.GapNotInstalled
	case apierrors.IsTimeout(err), apierrors.IsServerTimeout(err),
		errors.Is(err, context.DeadlineExceeded), errors.Is(ctx.Err(), context.DeadlineExceeded),
		errors.As(err, &ne) && ne.Timeout():
		return cluster.GapTimeout
	default:
		return cluster.GapError
	}
}

// addGap records g.
func (c *collector) addGap(g cluster.Gap) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.snap.Gaps = append(c.snap.Gaps, g)
}

// page counts delta more objects of kind and reports progress.
func (c *collector) page(kind cluster.Kind, delta int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.objects += delta
	c.progress(kind)
}

// finish counts kind as done and reports progress.
func (c *collector) finish(kind cluster.Kind) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.done++
	c.progress(kind)
}

// progress calls opts.Progress; c.mu must be held, which serializes calls.
func (c *collector) progress(kind cluster.Kind) {
	if c.opts.Progress != nil {
		c.opts.Progress(Progress{KindsDone: c.done, KindsTotal: len(cluster.Kinds), Objects: c.objects, Current: kind})
	}
}

// statusMessage returns the server's own message for an API error.
func statusMessage(err error) string {
	var status apierrors.APIStatus
	if errors.As(err, &status) && status.Status().Message != "" {
		return status.Status().Message
	}
	return err.Error()
}

// oneLine folds a message onto one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
