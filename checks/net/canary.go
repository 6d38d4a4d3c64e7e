package net

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// The ingress-nginx canary annotations NET-008 reads.
const (
	canaryAnnotation      = "nginx.ingress.kubernetes.io/canary"
	canaryWeight          = "nginx.ingress.kubernetes.io/canary-weight"
	canaryWeightTotal     = "nginx.ingress.kubernetes.io/canary-weight-total"
	defaultCanaryTotal    = 100
	canaryAnnotationWords = `nginx.ingress.kubernetes.io/canary: "true"`
)

// isCanary reports whether ing is an ingress-nginx canary Ingress.
func isCanary(ing *networkingv1.Ingress) bool {
	return ing.Annotations[canaryAnnotation] == "true"
}

func evalNET008(in *check.Input, _ *Options) []result.Result {
	s := in.Snapshot
	mains := map[route][]string{}
	canaries := map[route][]string{}
	var judged []int
	for i := range s.Ingresses {
		ing := &s.Ingresses[i]
		if !isCanary(ing) {
			for _, r := range routes(ing) {
				mains[r] = append(mains[r], ingressName(ing))
			}
			continue
		}
		judged = append(judged, i)
		for _, r := range routes(ing) {
			canaries[r] = append(canaries[r], ingressName(ing))
		}
	}
	if len(judged) == 0 {
		return []result.Result{result.New(result.StatusNA, result.Cluster,
			"No Ingress in the input is an ingress-nginx canary ("+canaryAnnotationWords+").", nil)}
	}
	partial := s.FromManifests()
	out := make([]result.Result, 0, len(judged))
	for _, i := range judged {
		ing := &s.Ingresses[i]
		name := ingressName(ing)
		var fails, warns, unknown, mainOf []string
		ev := result.Evidence{}

		// The weight: integers, 0 <= weight <= total.
		total := defaultCanaryTotal
		if v, ok := ing.Annotations[canaryWeightTotal]; ok {
			ev["canaryWeightTotal"] = v
			n, err := strconv.Atoi(v)
			switch {
			case err != nil:
				fails = append(fails, fmt.Sprintf("%s %q is not an integer, so the controller discards it", canaryWeightTotal, v))
			case n <= 0:
				fails = append(fails, fmt.Sprintf("%s %d is not a positive total", canaryWeightTotal, n))
			default:
				total = n
			}
		}
		if v, ok := ing.Annotations[canaryWeight]; ok {
			ev["canaryWeight"] = v
			n, err := strconv.Atoi(v)
			switch {
			case err != nil:
				fails = append(fails, fmt.Sprintf("%s %q is not an integer, so the controller discards it and the canary gets no weighted traffic", canaryWeight, v))
			case n < 0 || n > total:
				warns = append(warns, fmt.Sprintf("%s %d is outside 0..%d (the weight total), the range the annotation allows", canaryWeight, n, total))
			}
		}

		// The routes: each needs one main Ingress and no other canary.
		rs := routes(ing)
		if len(rs) == 0 {
			warns = append(warns, "it has no host and path rules, so there is no main Ingress route for it to split")
		}
		for _, r := range rs {
			switch m := mains[r]; {
			case len(m) > 0:
				mainOf = append(mainOf, m...)
			case partial:
				unknown = append(unknown, r.String())
			default:
				warns = append(warns, fmt.Sprintf("no non-canary Ingress of its class routes %s, so the controller has no main backend to split and the canary serves nothing there", r))
			}
			var others []string
			for _, c := range canaries[r] {
				if c != name {
					others = append(others, strings.TrimPrefix(c, "Ingress "))
				}
			}
			if len(others) > 0 {
				sort.Strings(others)
				fails = append(fails, fmt.Sprintf("%s is also a canary of %s, and ingress-nginx applies at most one canary per rule, so only one of them receives traffic", andList(others), r))
			}
		}
		mainOf = dedupe(mainOf)
		if len(mainOf) > 0 {
			of := make([]string, len(mainOf))
			for k, m := range mainOf {
				of[k] = strings.TrimPrefix(m, "Ingress ")
			}
			ev["canaryOf"] = of
		}
		if len(unknown) > 0 {
			ev["unknownRoutes"] = unknown
		}
		var unknownWords string
		if len(unknown) > 0 {
			unknownWords = fmt.Sprintf("no non-canary Ingress in the input routes %s; whether one elsewhere does is not known (%s).", andList(unknown), check.SourceWords(s))
		}
		switch {
		case len(fails)+len(warns) > 0:
			status := result.StatusWarn
			if len(fails) > 0 {
				status = result.StatusFail
			}
			out = append(out, result.New(status, ingressRef(ing), fmt.Sprintf(
				"Canary %s: %s; fix the split so that one canary with an integer weight within its total sits beside each main Ingress.%s",
				name, strings.Join(append(fails, warns...), "; "), prefixed(" ", check.Capitalize(unknownWords))), ev))
		case len(unknown) > 0:
			out = append(out, result.New(result.StatusSkip, ingressRef(ing), "Canary "+name+": "+unknownWords, ev))
		default:
			out = append(out, result.New(result.StatusPass, ingressRef(ing), fmt.Sprintf(
				"Canary %s splits traffic from %s%s.", name, andList(mainOf), weightWords(ing, total)), ev))
		}
	}
	return out
}

// weightWords reads ", weight 10 of 100" when a weight is set.
func weightWords(ing *networkingv1.Ingress, total int) string {
	if v, ok := ing.Annotations[canaryWeight]; ok {
		return fmt.Sprintf(", weight %s of %d", v, total)
	}
	return ""
}

// dedupe returns names sorted, each once.
func dedupe(names []string) []string {
	sort.Strings(names)
	out := names[:0]
	for i, n := range names {
		if i == 0 || n != names[i-1] {
			out = append(out, n)
		}
	}
	return out
}

// prefixed is p+s, or "" for an empty s.
func prefixed(p, s string) string {
	if s == "" {
		return ""
	}
	return p + s
}
