package net

import (
	"strings"
	"testing"

	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
	"github.com/seaworthy-k8s/seaworthy/cluster"
)

func TestNET009Messages(t *testing.T) {
	unread := func(s *cluster.Snapshot) { s.Source = cluster.SourceLive; s.SecretNames = nil }
	forbidden := func(s *cluster.Snapshot) {
		unread(s)
		s.Gaps = []cluster.Gap{{Kind: cluster.KindSecrets, Reason: cluster.GapForbidden, Message: "the current identity may not list secrets cluster-wide"}}
	}
	const notShown = "seaworthy reads only the names of Secrets, on a live read with --allow-secret-metadata " +
		"(metadata-only; the shipped RBAC does not grant listing them) or from the Secret documents of manifests, so whether it exists is not known."
	tests := []struct {
		name, fixture string
		edit          func(*cluster.Snapshot)
		want          []string
	}{
		{"live: one Secret in another namespace, one present", "fail-live-missing-secret.yaml", nil, []string{
			"NET-009 pass Ingress/blog/blog: Ingress blog/blog uses TLS secret blog-tls, which exists in namespace blog.",
			"NET-009 fail Ingress/shop/storefront: Ingress shop/storefront uses TLS secret www-tls, but namespace shop has no Secret of that name, " +
				"so the controller has no certificate for its hosts (most serve their default, self-signed one) and clients refuse the connection; create the Secret in shop or fix secretName.",
		}},
		{"manifests: the Secret document is in the input", "pass-manifests-secret-document.yaml", nil, []string{
			"NET-009 pass Ingress/shop/storefront: Ingress shop/storefront uses TLS secret shop-tls, which exists in namespace shop.",
		}},
		{"manifests: the Secret is not in the input", "skip-manifests-secret-elsewhere.yaml", nil, []string{
			"NET-009 skip Ingress/shop/storefront: Ingress shop/storefront uses TLS secret shop-tls, which the input does not show in namespace shop: " + notShown,
		}},
		{"live without --allow-secret-metadata", "skip-manifests-secret-elsewhere.yaml", unread, []string{
			"NET-009 skip Ingress/shop/storefront: Ingress shop/storefront uses TLS secret shop-tls, which the input does not show in namespace shop: " + notShown,
		}},
		{"live with the flag, listing refused", "skip-manifests-secret-elsewhere.yaml", forbidden, []string{
			"NET-009 skip (cluster): not evaluated: secrets forbidden (the current identity may not list secrets cluster-wide)",
		}},
		{"no Ingress names a TLS secret", "skip-manifests-secret-elsewhere.yaml", func(s *cluster.Snapshot) { s.Ingresses[0].Spec.TLS[0].SecretName = "" }, []string{
			"NET-009 na (cluster): No Ingress in the input names a TLS secret.",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, r := range checktest.RunFixture(t, Checks(DefaultOptions()), "NET-009", tt.fixture, tt.edit) {
				got = append(got, checktest.FormatResult(r))
			}
			if g, w := strings.Join(got, "\n"), strings.Join(tt.want, "\n"); g != w {
				t.Errorf("got:\n%s\nwant:\n%s", g, w)
			}
		})
	}
}
