package live

import (
	"context"
	"fmt"

	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// secretsGVR is the core v1 Secrets resource.
var secretsGVR = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}

// collectSecretNames lists the Secrets metadata-only (the server sends
// PartialObjectMetadata: no data, ever) and keeps each one's namespace and
// name. A refusal is a gap of KindSecrets, as for any kind.
func (c *collector) collectSecretNames(ctx context.Context) {
	if c.opts.Metadata == nil {
		c.addGap(cluster.Gap{Kind: cluster.KindSecrets, Reason: cluster.GapError,
			Message: "list secrets: no metadata client to read secret names with"})
		return
	}
	allowed, answered := c.review(ctx, &authorizationv1.ResourceAttributes{Verb: "list", Version: "v1", Resource: "secrets"})
	if answered && !allowed {
		c.addGap(cluster.Gap{Kind: cluster.KindSecrets, Reason: cluster.GapForbidden,
			Message: "the current identity may not list secrets cluster-wide (their names are read only with --allow-secret-metadata, which needs that grant)"})
		return
	}
	list := func(ctx context.Context, opts metav1.ListOptions) (*metav1.PartialObjectMetadataList, error) {
		return c.opts.Metadata.Resource(secretsGVR).Namespace(metav1.NamespaceAll).List(ctx, opts)
	}
	all, err := listPages[metav1.PartialObjectMetadata](ctx, list,
		func(l *metav1.PartialObjectMetadataList) []metav1.PartialObjectMetadata { return l.Items }, c.opts.PageSize,
		func(delta int) { c.page(cluster.KindSecrets, delta) })
	if lostServer(ctx, err) {
		c.fail("listing secrets", err)
		return
	}
	if err != nil {
		c.addGap(cluster.Gap{Kind: cluster.KindSecrets, Reason: gapReason(ctx, err), Message: fmt.Sprintf("list secrets: %s", oneLine(err.Error()))})
		return
	}
	names := &cluster.SecretNames{Items: make([]cluster.SecretName, len(all))}
	for i := range all {
		names.Items[i] = cluster.SecretName{Namespace: all[i].Namespace, Name: all[i].Name}
	}
	c.snap.SecretNames = names
}

// newMetadataClient builds the metadata-only client Secrets names are
// listed with.
func newMetadataClient(cfg *rest.Config) (metadata.Interface, error) {
	mcfg := ConfigureClient(cfg)
	mcfg.ContentType, mcfg.AcceptContentTypes = "", "" // the metadata client asks for PartialObjectMetadata itself
	return metadata.NewForConfig(mcfg)
}
