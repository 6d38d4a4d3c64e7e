package net

import (
	"fmt"
	"slices"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// secretMetadataFlag is the opt-in that lists Secrets' names.
const secretMetadataFlag = "--allow-secret-metadata"

var net009 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "NET-009",
		Title:    "Ingress TLS secrets exist in the Ingress's namespace",
		Category: Category,
		Rule: "Each spec.tls[].secretName of an Ingress must name a Secret in the Ingress's own namespace. seaworthy never reads Secrets: " +
			"only with " + secretMetadataFlag + " does a live read list them metadata-only and keep their namespaces and names (no data is fetched); " +
			"manifests give the names of the Secret documents they hold, and nothing else of them. " +
			"Fail when the names are known from a live read and one is missing; pass when every named Secret exists. " +
			"Skip when the names were not read (no " + secretMetadataFlag + "; the shipped RBAC does not grant listing Secrets), when listing them was refused, " +
			"or, on manifests, when a named Secret is not among the documents (it may be created elsewhere, by cert-manager for example). " +
			"A TLS entry without secretName (the controller's default certificate) is not judged. No Ingress naming a TLS secret: na.",
		Rationale: "An Ingress may only use a TLS Secret of its own namespace. When it is missing, the controller has no certificate for the hosts: " +
			"most serve their default, self-signed certificate instead, and clients refuse the connection for every one of those hosts.",
		Remediation: "Create the Secret (type kubernetes.io/tls) in the Ingress's namespace, or have cert-manager issue it there, or fix secretName.",
	},
	Needs: []cluster.Kind{cluster.KindIngresses, cluster.KindSecrets},
	Eval:  evalNET009,
}

// tlsSecretNames returns the distinct secretNames of ing's TLS entries,
// in order.
func tlsSecretNames(ing *networkingv1.Ingress) []string {
	var out []string
	for _, t := range ing.Spec.TLS {
		if t.SecretName != "" && !slices.Contains(out, t.SecretName) {
			out = append(out, t.SecretName)
		}
	}
	return out
}

func evalNET009(in *check.Input, _ *Options) []result.Result {
	s := in.Snapshot
	names := s.SecretNames
	manifests := s.FromManifests()
	var out []result.Result
	for i := range s.Ingresses {
		ing := &s.Ingresses[i]
		secrets := tlsSecretNames(ing)
		if len(secrets) == 0 {
			continue
		}
		ev := result.Evidence{"tlsSecrets": secrets}
		known := names != nil || manifests
		var missing []string
		for _, n := range secrets {
			if !names.Has(ing.Namespace, n) {
				missing = append(missing, n)
			}
		}
		switch {
		case len(missing) == 0:
			out = append(out, result.New(result.StatusPass, ingressRef(ing), fmt.Sprintf(
				"%s uses TLS %s %s, which %s in namespace %s.", ingressName(ing), plural(len(secrets), "secret", "secrets"),
				andList(secrets), plural(len(secrets), "exists", "exist"), ing.Namespace), ev))
		case manifests || !known:
			// The same words for both: neither shows every Secret.
			ev["unknownSecrets"] = missing
			out = append(out, result.New(result.StatusSkip, ingressRef(ing), fmt.Sprintf(
				"%s uses TLS %s %s, which the input does not show in namespace %s: seaworthy reads only the names of Secrets, "+
					"on a live read with %s (metadata-only; the shipped RBAC does not grant listing them) or from the Secret documents of manifests, "+
					"so whether %s is not known.",
				ingressName(ing), plural(len(missing), "secret", "secrets"), andList(missing), ing.Namespace, secretMetadataFlag,
				plural(len(missing), "it exists", "they exist")), ev))
		default:
			ev["missingSecrets"] = missing
			out = append(out, result.New(result.StatusFail, ingressRef(ing), fmt.Sprintf(
				"%s uses TLS %s %s, but namespace %s has no Secret of that name, so the controller has no certificate for %s "+
					"(most serve their default, self-signed one) and clients refuse the connection; create the Secret in %s or fix secretName.",
				ingressName(ing), plural(len(missing), "secret", "secrets"), andList(missing), ing.Namespace,
				plural(len(missing), "its hosts", "their hosts"), ing.Namespace), ev))
		}
	}
	if len(out) == 0 {
		return []result.Result{result.New(result.StatusNA, result.Cluster, "No Ingress in the input names a TLS secret.", nil)}
	}
	return out
}
