package net

import (
	"fmt"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// hostMatches reports whether a rule host matches host as the Ingress API
// defines it: equal, or a rule "*.SUFFIX" matching exactly one more
// leading label; a rule without host matches every host.
func hostMatches(rule, host string) bool {
	rule, host = strings.ToLower(rule), strings.ToLower(host)
	if rule == "" || rule == host {
		return true
	}
	suffix, ok := strings.CutPrefix(rule, "*")
	if !ok || !strings.HasPrefix(suffix, ".") {
		return false
	}
	label, ok := strings.CutSuffix(host, suffix)
	return ok && label != "" && !strings.Contains(label, ".") && label != "*"
}

// uncoveredTLSHosts returns the TLS hosts of ing that no rule host of ing
// matches, and the number of TLS hosts judged.
func uncoveredTLSHosts(ing *networkingv1.Ingress) (uncovered []string, judged int) {
	for _, t := range ing.Spec.TLS {
		for _, h := range t.Hosts {
			judged++
			covered := false
			for _, r := range ing.Spec.Rules {
				if hostMatches(r.Host, h) {
					covered = true
					break
				}
			}
			if !covered {
				uncovered = append(uncovered, h)
			}
		}
	}
	return uncovered, judged
}

func evalNET004(in *check.Input, _ *Options) []result.Result {
	var out []result.Result
	for i := range in.Snapshot.Ingresses {
		ing := &in.Snapshot.Ingresses[i]
		uncovered, judged := uncoveredTLSHosts(ing)
		if judged == 0 {
			continue
		}
		if len(uncovered) == 0 {
			out = append(out, result.New(result.StatusPass, ingressRef(ing), fmt.Sprintf(
				"%s has a rule for each of its %d TLS host%s.", ingressName(ing), judged, plural(judged, "", "s")), nil))
			continue
		}
		out = append(out, result.New(result.StatusWarn, ingressRef(ing), fmt.Sprintf(
			"%s lists TLS %s %s that no rule of the Ingress matches, so requests for %s reach no backend; make the TLS and rule hosts the same names.",
			ingressName(ing), plural(len(uncovered), "host", "hosts"), andList(uncovered), plural(len(uncovered), "it", "them")), result.Evidence{"uncoveredHosts": uncovered}))
	}
	if len(out) == 0 {
		return []result.Result{result.New(result.StatusNA, result.Cluster, "No Ingress in the input lists TLS hosts.", nil)}
	}
	return out
}
