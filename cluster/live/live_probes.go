package live

import (
	"bufio"
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// AnonymousProbePath is the path of the unauthenticated probe: the core API
// root, which no default role grants to anonymous users, unlike /version,
// /healthz, /livez and /readyz.
const AnonymousProbePath = "/api"

// probeServer reads what the API server says about itself rather than its
// objects: the /readyz checks, the discovery document and, given the
// client's rest.Config, its serving certificate and its answer to a
// request without credentials. Each failure is a Gap of its own kind; none
// is fatal here, since losing the server is caught by the object reads.
func (c *collector) probeServer(ctx context.Context, cfg *rest.Config) {
	c.probeReadyz(ctx)
	c.probeDiscovery()
	if cfg != nil {
		c.probeAnonymous(ctx, cfg)
	}
}

// probeReadyz records the check names /readyz?verbose lists. Since 1.34 an
// API server with --etcd-servers-overrides lists one etcd-override-N check
// per separate etcd, which is how a separate Events etcd shows on clusters
// whose control-plane pods are invisible.
func (c *collector) probeReadyz(ctx context.Context) {
	rc := c.client.Discovery().RESTClient()
	if rc == nil || reflect.ValueOf(rc).IsNil() {
		return // a fake clientset has no REST client
	}
	body, err := rc.Get().AbsPath("/readyz").Param("verbose", "true").DoRaw(ctx)
	var status apierrors.APIStatus
	if err != nil && errors.As(err, &status) && status.Status().Code == http.StatusInternalServerError {
		err = nil // not ready: the body still lists the checks, failing ones with [-]
	}
	if err != nil {
		c.addGap(cluster.Gap{Kind: cluster.KindReadyz, Reason: gapReason(ctx, err), Message: "get /readyz?verbose: " + oneLine(err.Error())})
		return
	}
	c.snap.Server.ReadyzChecks = parseReadyz(body)
}

// parseReadyz extracts the check names from a verbose /readyz body, whose
// lines read "[+]etcd ok" or "[-]etcd failed: reason withheld".
func parseReadyz(body []byte) []string {
	var names []string
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "[+]") && !strings.HasPrefix(line, "[-]") {
			continue
		}
		name, _, _ := strings.Cut(line[3:], " ")
		if name != "" {
			names = append(names, name)
		}
	}
	return names
}

// probeDiscovery flattens the server's discovery document into
// Snapshot.APIResources. Groups that failed discovery (an aggregated API
// that is down, say) are a gap; the rest are kept.
func (c *collector) probeDiscovery() {
	_, lists, err := c.client.Discovery().ServerGroupsAndResources()
	if err != nil {
		var failed *discovery.ErrGroupDiscoveryFailed
		reason := cluster.GapError
		if errors.As(err, &failed) {
			var groups []string
			for gv := range failed.Groups {
				groups = append(groups, gv.String())
			}
			sort.Strings(groups)
			err = fmt.Errorf("discovery failed for %s", strings.Join(groups, ", "))
		} else if apierrors.IsForbidden(err) {
			reason = cluster.GapForbidden
		}
		c.addGap(cluster.Gap{Kind: cluster.KindAPIResources, Reason: reason, Message: oneLine(err.Error())})
	}
	var out []cluster.APIResource
	for _, l := range lists {
		gv, perr := schema.ParseGroupVersion(l.GroupVersion)
		if perr != nil {
			continue
		}
		for _, r := range l.APIResources {
			out = append(out, cluster.APIResource{Group: gv.Group, Version: gv.Version, Resource: r.Name,
				Kind: r.Kind, Namespaced: r.Namespaced, Verbs: append([]string(nil), r.Verbs...)})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		if a.Version != b.Version {
			return a.Version < b.Version
		}
		return a.Resource < b.Resource
	})
	c.snap.APIResources = out
}

// probeAnonymous sends GET AnonymousProbePath with the client's TLS trust
// but no credentials at all, and records the status code and the
// certificate chain the server presented. It never follows redirects.
func (c *collector) probeAnonymous(ctx context.Context, cfg *rest.Config) {
	anon := rest.AnonymousClientConfig(cfg)
	hc, err := rest.HTTPClientFor(anon)
	if err != nil {
		c.addGap(cluster.Gap{Kind: cluster.KindAnonymous, Reason: cluster.GapError, Message: "build an anonymous client: " + oneLine(err.Error())})
		return
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	base, _, err := rest.DefaultServerUrlFor(anon)
	if err != nil {
		c.addGap(cluster.Gap{Kind: cluster.KindAnonymous, Reason: cluster.GapError, Message: "anonymous probe: " + oneLine(err.Error())})
		return
	}
	u := *base
	u.Path = strings.TrimSuffix(u.Path, "/") + AnonymousProbePath
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		c.addGap(cluster.Gap{Kind: cluster.KindAnonymous, Reason: cluster.GapError, Message: "anonymous probe: " + oneLine(err.Error())})
		return
	}
	resp, err := hc.Do(req)
	if err != nil {
		_, cause := transportCause(c.snap.Server.Host, err)
		c.addGap(cluster.Gap{Kind: cluster.KindAnonymous, Reason: gapReason(ctx, err), Message: "anonymous GET " + AnonymousProbePath + ": " + oneLine(cause.Error())})
		c.addGap(cluster.Gap{Kind: cluster.KindServingCert, Reason: gapReason(ctx, err), Message: "no TLS handshake: " + oneLine(cause.Error())})
		return
	}
	resp.Body.Close()
	c.snap.Server.Anonymous = &cluster.AnonymousProbe{Path: AnonymousProbePath, StatusCode: resp.StatusCode}
	if resp.TLS == nil || len(resp.TLS.PeerCertificates) == 0 {
		c.addGap(cluster.Gap{Kind: cluster.KindServingCert, Reason: cluster.GapError, Message: "the connection to " + u.Host + " is not TLS"})
		return
	}
	c.snap.Server.ServingCert = certInfo(resp.TLS.PeerCertificates)
}

// certInfo summarizes a presented chain: its earliest expiry and whose.
func certInfo(chain []*x509.Certificate) *cluster.CertInfo {
	leaf := chain[0]
	ci := &cluster.CertInfo{LeafSubject: leaf.Subject.String(), LeafDNSNames: leaf.DNSNames, ChainLength: len(chain)}
	for i, cert := range chain {
		if i == 0 || cert.NotAfter.Before(ci.NotAfter) {
			ci.NotAfter = cert.NotAfter.UTC()
			ci.Subject = cert.Subject.String()
		}
	}
	return ci
}
