package net

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// backendRefs returns the Service backends of ing: the default backend
// first, then every rule path's, each once.
func backendRefs(ing *networkingv1.Ingress) []*networkingv1.IngressServiceBackend {
	var out []*networkingv1.IngressServiceBackend
	seen := map[string]bool{}
	add := func(b *networkingv1.IngressBackend) {
		if b == nil || b.Service == nil {
			return
		}
		k := backendWords(b.Service)
		if !seen[k] {
			seen[k] = true
			out = append(out, b.Service)
		}
	}
	add(ing.Spec.DefaultBackend)
	for _, rule := range ing.Spec.Rules {
		if rule.HTTP == nil {
			continue
		}
		for i := range rule.HTTP.Paths {
			add(&rule.HTTP.Paths[i].Backend)
		}
	}
	return out
}

// backendWords is "NAME:PORT", the port by number or name.
func backendWords(b *networkingv1.IngressServiceBackend) string {
	if b.Port.Name != "" {
		return b.Name + ":" + b.Port.Name
	}
	return fmt.Sprintf("%s:%d", b.Name, b.Port.Number)
}

// exposes reports whether svc has the port b asks for.
func exposes(svc *corev1.Service, b *networkingv1.IngressServiceBackend) bool {
	for _, p := range svc.Spec.Ports {
		if (b.Port.Name != "" && p.Name == b.Port.Name) || (b.Port.Name == "" && p.Port == b.Port.Number) {
			return true
		}
	}
	return false
}

func evalNET002(in *check.Input, _ *Options) []result.Result {
	s := in.Snapshot
	if len(s.Ingresses) == 0 {
		return []result.Result{noIngresses()}
	}
	partial := s.FromManifests()
	out := make([]result.Result, 0, len(s.Ingresses))
	for i := range s.Ingresses {
		ing := &s.Ingresses[i]
		var missing, badPort, unknown, found, problems []string
		for _, b := range backendRefs(ing) {
			svc := in.Index.Service(ing.Namespace, b.Name)
			ok := svc != nil
			switch {
			case !ok && partial:
				unknown = append(unknown, b.Name)
			case !ok:
				missing = append(missing, b.Name)
				problems = append(problems, fmt.Sprintf("Service %s does not exist in namespace %s", b.Name, ing.Namespace))
			case svc.Spec.Type != corev1.ServiceTypeExternalName && !exposes(svc, b):
				badPort = append(badPort, backendWords(b))
				problems = append(problems, fmt.Sprintf("Service %s exposes no port %s", b.Name, strings.TrimPrefix(backendWords(b), b.Name+":")))
			default:
				found = append(found, backendWords(b))
			}
		}
		ev := result.Evidence{"backends": found}
		if len(missing) > 0 {
			ev["missingServices"] = missing
		}
		if len(badPort) > 0 {
			ev["missingPorts"] = badPort
		}
		var unknownWords string
		if len(unknown) > 0 {
			ev["unknownServices"] = unknown
			unknownWords = fmt.Sprintf("Service %s %s not in the input (%s), so %s not judged.",
				andList(unknown), plural(len(unknown), "is", "are"), check.SourceWords(s), plural(len(unknown), "that backend is", "those backends are"))
		}
		switch {
		case len(problems) > 0:
			msg := fmt.Sprintf("%s routes to backends that do not resolve: %s. The controller answers those requests with an error; point each backend at a Service and port that exist.",
				ingressName(ing), strings.Join(problems, "; "))
			if unknownWords != "" {
				msg += " " + unknownWords
			}
			out = append(out, result.New(result.StatusFail, ingressRef(ing), msg, ev))
		case len(unknown) > 0:
			out = append(out, result.New(result.StatusSkip, ingressRef(ing), ingressName(ing)+": "+unknownWords, ev))
		case len(found) == 0:
			out = append(out, result.New(result.StatusPass, ingressRef(ing), ingressName(ing)+" has no Service backend.", ev))
		default:
			out = append(out, result.New(result.StatusPass, ingressRef(ing), fmt.Sprintf(
				"%s routes to %s, which %s.", ingressName(ing), strings.Join(found, ", "), plural(len(found), "exists with that port", "exist with those ports")), ev))
		}
	}
	return out
}

// andList joins names with commas and a final "and".
func andList(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// plural returns one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
