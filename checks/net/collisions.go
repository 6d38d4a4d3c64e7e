package net

import (
	"fmt"
	"sort"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// route is what NET-001 keys Ingress paths by.
type route struct {
	class, host, path, pathType string
}

// String is "HOST PATH (PATHTYPE)", with "*" for a rule without host.
func (r route) String() string {
	host := r.host
	if host == "" {
		host = "every host"
	}
	return fmt.Sprintf("%s %s (%s)", host, r.path, r.pathType)
}

// routes returns the distinct routes of ing, in rule order.
func routes(ing *networkingv1.Ingress) []route {
	class, _ := className(ing)
	var out []route
	seen := map[route]bool{}
	for _, rule := range ing.Spec.Rules {
		if rule.HTTP == nil {
			continue
		}
		for _, p := range rule.HTTP.Paths {
			pt := "ImplementationSpecific"
			if p.PathType != nil {
				pt = string(*p.PathType)
			}
			r := route{class: class, host: strings.ToLower(rule.Host), path: p.Path, pathType: pt}
			if !seen[r] {
				seen[r] = true
				out = append(out, r)
			}
		}
	}
	return out
}

func evalNET001(in *check.Input, _ *Options) []result.Result {
	ings := in.Snapshot.Ingresses
	if len(ings) == 0 {
		return []result.Result{noIngresses()}
	}
	claims := map[route][]int{}
	perIngress := make([][]route, len(ings))
	for i := range ings {
		if isCanary(&ings[i]) {
			continue // shares its main Ingress's routes by design: NET-008's
		}
		perIngress[i] = routes(&ings[i])
		for _, r := range perIngress[i] {
			claims[r] = append(claims[r], i)
		}
	}
	out := make([]result.Result, 0, len(ings))
	for i := range ings {
		ing := &ings[i]
		class, _ := className(ing)
		var parts, collisions, with []string
		others := map[string]bool{}
		for _, r := range perIngress[i] {
			var names []string
			for _, j := range claims[r] {
				if j != i {
					names = append(names, ingressName(&ings[j]))
				}
			}
			if len(names) == 0 {
				continue
			}
			sort.Strings(names)
			collisions = append(collisions, r.String())
			parts = append(parts, fmt.Sprintf("%s with %s", r, strings.Join(names, ", ")))
			for _, n := range names {
				if !others[n] {
					others[n] = true
					with = append(with, strings.TrimPrefix(n, "Ingress "))
				}
			}
		}
		ev := result.Evidence{"ingressClass": class}
		if isCanary(ing) {
			out = append(out, result.New(result.StatusPass, ingressRef(ing), fmt.Sprintf(
				"%s %s is an ingress-nginx canary, which shares its main Ingress's routes by design; NET-008 judges it.", ingressName(ing), classWords(class)), ev))
			continue
		}
		if len(perIngress[i]) == 0 {
			out = append(out, result.New(result.StatusPass, ingressRef(ing), fmt.Sprintf(
				"%s %s has no host and path rules to collide.", ingressName(ing), classWords(class)), ev))
			continue
		}
		if len(parts) == 0 {
			out = append(out, result.New(result.StatusPass, ingressRef(ing), fmt.Sprintf(
				"%s %s: no other Ingress claims any of its %d host and path pairs.", ingressName(ing), classWords(class), len(perIngress[i])), ev))
			continue
		}
		sort.Strings(with)
		ev["collisions"], ev["collidesWith"] = collisions, with
		out = append(out, result.New(result.StatusFail, ingressRef(ing), fmt.Sprintf(
			"%s %s shares %s; the controller routes each to only one of them, so give each host and path to one Ingress.",
			ingressName(ing), classWords(class), strings.Join(parts, "; ")), ev))
	}
	return out
}

// classWords names a class in messages: "(class NAME)" or "(no class)".
func classWords(class string) string {
	if class == "" {
		return "(no class)"
	}
	return "(class " + class + ")"
}
