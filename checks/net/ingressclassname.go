package net

import (
	"fmt"
	"sort"
	"strings"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// missingClasses is NET-003's part for Ingresses whose
// spec.ingressClassName names no IngressClass: fail on each on a live
// read, skip once per class on manifests.
func missingClasses(s *cluster.Snapshot) []result.Result {
	classes := make(map[string]bool, len(s.IngressClasses))
	for i := range s.IngressClasses {
		classes[s.IngressClasses[i].Name] = true
	}
	partial := s.FromManifests()
	var out []result.Result
	unknown := map[string][]string{}
	for i := range s.Ingresses {
		ing := &s.Ingresses[i]
		n := ing.Spec.IngressClassName
		if n == nil || *n == "" {
			continue
		}
		switch {
		case classes[*n]:
		case partial:
			unknown[*n] = append(unknown[*n], strings.TrimPrefix(ingressName(ing), "Ingress "))
		default:
			out = append(out, result.New(result.StatusFail, ingressRef(ing), fmt.Sprintf(
				"%s sets spec.ingressClassName %s, but no IngressClass %s exists, so no controller serves it; create the class or name one that exists.",
				ingressName(ing), *n, *n), result.Evidence{"ingressClass": *n}))
		}
	}
	for _, n := range check.SortedKeys(unknown) {
		ings := unknown[n]
		sort.Strings(ings)
		out = append(out, result.New(result.StatusSkip, cluster.RefOf(cluster.KindIngressClasses, "", n), fmt.Sprintf(
			"IngressClass %s, named by %s, is not in the input; whether the cluster has it is not known (%s).",
			n, ingressList(ings), check.SourceWords(s)), result.Evidence{"ingressClass": n, "ingresses": ings}))
	}
	return out
}

// ingressList reads "Ingress shop/web" or "Ingresses shop/web and
// shop/api", or "12 Ingresses" beyond five.
func ingressList(names []string) string {
	switch {
	case len(names) == 1:
		return "Ingress " + names[0]
	case len(names) <= 5:
		return "Ingresses " + andList(names)
	}
	return fmt.Sprintf("%d Ingresses", len(names))
}
