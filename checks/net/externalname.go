package net

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/result"
)

func evalNET007(in *check.Input, _ *Options) []result.Result {
	s := in.Snapshot
	if len(s.Ingresses) == 0 {
		return []result.Result{noIngresses()}
	}
	partial := s.FromManifests()
	var out []result.Result
	judged := 0
	unknown := map[string]bool{}
	for i := range s.Ingresses {
		ing := &s.Ingresses[i]
		var external []string
		var names []string
		for _, b := range backendRefs(ing) {
			svc := in.Index.Service(ing.Namespace, b.Name)
			ok := svc != nil
			if !ok {
				if partial {
					unknown[ing.Namespace+"/"+b.Name] = true
				}
				continue
			}
			judged++
			if svc.Spec.Type == corev1.ServiceTypeExternalName {
				external = append(external, fmt.Sprintf("Service %s (externalName %s)", b.Name, svc.Spec.ExternalName))
				names = append(names, b.Name+" "+svc.Spec.ExternalName)
			}
		}
		if len(external) == 0 {
			continue
		}
		out = append(out, result.New(result.StatusWarn, ingressRef(ing), fmt.Sprintf(
			"%s routes to %s: the controller sends that traffic out of the cluster to a name it resolves itself, "+
				"which ingress-nginx and Traefik serve only when allowed (Traefik: allowExternalNameServices, and HTTPS to the name only on port 443); "+
				"make sure the controller allows it and the name is trusted, or route to a Service with endpoints in the cluster.",
			ingressName(ing), andList(external)), result.Evidence{"externalNames": names}))
	}
	if len(out) > 0 {
		return out
	}
	if len(unknown) > 0 {
		us := check.SortedKeys(unknown)
		msg := fmt.Sprintf("Backend %s %s %s not in the input (%s), so whether %s of type ExternalName is not known.",
			plural(len(us), "Service", "Services"), andList(us), plural(len(us), "is", "are"), check.SourceWords(s), plural(len(us), "it is", "they are"))
		if judged > 0 {
			msg = fmt.Sprintf("No Ingress routes to an ExternalName Service among the %d backend %s in the input. ",
				judged, plural(judged, "Service", "Services")) + msg
		}
		return []result.Result{result.New(result.StatusSkip, result.Cluster, msg, result.Evidence{"unknownServices": us})}
	}
	if judged == 0 {
		return []result.Result{result.New(result.StatusNA, result.Cluster, "No Ingress in the input routes to a Service backend.", nil)}
	}
	return []result.Result{result.New(result.StatusPass, result.Cluster, fmt.Sprintf(
		"No Ingress routes to an ExternalName Service (%d Service %s judged).", judged, plural(judged, "backend", "backends")), nil)}
}
