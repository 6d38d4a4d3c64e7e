package rbac

import (
	"fmt"
	"slices"
	"strings"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster/authz"
	"github.com/seaworthy-k8s/seaworthy/result"
)

var rbac009 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "RBAC-009",
		Title:    "Bindings no wider than their use",
		Category: Category,
		Rule: "Info for each non-platform ClusterRoleBinding whose subjects are all ServiceAccounts and whose role touches only namespaced resources " +
			"(no nonResourceURLs; scope from discovery, or from the built-in resources when there is none, where unknown resources count as cluster-scoped): " +
			"it suggests RoleBindings in the subjects' namespaces and, for wildcard rules, the resources the wildcard covers in discovery today. " +
			"When the role writes (any verb besides get, list and watch) the message says so: write access in every namespace for a workload of one namespace. " +
			"Info also for each binding whose role does not exist (dangling); on manifests the API server's default roles of kube-apiserver v1.37.2 " +
			"(such as kube-system's extension-apiserver-authentication-reader) exist, as on every cluster, though the input does not hold them. Pass when there is none." + skipNoBindings,
		Rationale: "A ClusterRoleBinding grants its rules in every namespace, present and future. A workload that only works in its own namespace " +
			"needs them there only; and a dangling binding grants whatever a role of that name is given later.",
		Remediation: "Replace the ClusterRoleBinding with a RoleBinding to the same ClusterRole in each namespace the workload works in; " +
			"replace wildcards with the listed resources; delete dangling bindings.",
	},
	Needs: needs,
	Eval:  onBindings(evalRBAC009),
}

func evalRBAC009(in *check.Input, o *Options) []result.Result {
	m := in.Index.RBAC()
	res := in.Index.APIResources()
	exempt := o.exempt()
	var out []result.Result
	for _, b := range m.Bindings() {
		if b.Platform || exempt[b.Ref()] {
			continue
		}
		if b.Dangling() {
			msg := fmt.Sprintf("%s references %s, which does not exist: it grants nothing today, and whatever a role of that name is given later; delete it",
				b.Ref(), b.RoleRefString())
			out = append(out, result.New(result.StatusInfo, bindingRef(b), msg, map[string]any{"binding": b.Ref(), "role": b.RoleRefString(), "dangling": true}))
			continue
		}
		if !b.ClusterWide() || len(b.Subjects) == 0 {
			continue
		}
		platformOnly := true
		var namespaces []string
		allSA := true
		for _, s := range b.Subjects {
			if s.Kind != authz.KindServiceAccount || s.Namespace == "" {
				allSA = false
				break
			}
			if !b.PlatformGrant(s, nil) {
				platformOnly = false
			}
			namespaces = append(namespaces, s.Namespace)
		}
		if !allSA || platformOnly || len(b.Role.Rules) == 0 {
			continue
		}
		namespaced := true
		var wildcards []string
		for i := range b.Role.Rules {
			rule := &b.Role.Rules[i]
			covered, ok := res.Covered(rule)
			if !ok {
				namespaced = false
				break
			}
			if v, g, r := authz.HasWildcard(rule); g || r {
				wildcards = append(wildcards, authz.RuleString(rule)+" -> "+strings.Join(covered, ","))
			} else if v {
				wildcards = append(wildcards, authz.RuleString(rule))
			}
		}
		if !namespaced {
			continue
		}
		namespaces = uniqueSorted(namespaces)
		msg := fmt.Sprintf("%s grants %s in every namespace, but its role touches only namespaced resources and its subjects are ServiceAccounts of %s: "+
			"if they work only there, replace it with a RoleBinding to %s in %s",
			b.Ref(), b.RoleRefString(), strings.Join(namespaces, ", "), b.RoleRefString(), strings.Join(namespaces, ", "))
		status := result.StatusInfo
		if w := writeVerbs(b.Role); len(w) > 0 {
			msg += fmt.Sprintf("; it may %s objects in every namespace, so a compromise of those ServiceAccounts reaches all of them", strings.Join(w, ", "))
		}
		ev := map[string]any{"binding": b.Ref(), "role": b.RoleRefString(), "namespaces": namespaces}
		if len(wildcards) > 0 {
			if res.Discovered {
				msg += "; and replace its wildcards with the resources they cover today (" + strings.Join(wildcards, "; ") + ")"
			} else {
				msg += "; its wildcards cannot be expanded because the input has no API discovery (manifests, or a live read where discovery failed)"
			}
			ev["wildcardRules"] = wildcards
		}
		out = append(out, result.New(status, bindingRef(b), msg, ev))
	}
	if len(out) == 0 {
		return passResult("no ClusterRoleBinding outside the platform could be a RoleBinding, and no binding is dangling")
	}
	return out
}

// writeVerbs returns the verbs of role's rules that change objects.
func writeVerbs(r *authz.Role) []string {
	var out []string
	for _, rule := range r.Rules {
		for _, v := range rule.Verbs {
			if !slices.Contains(readOnly, v) {
				out = append(out, v)
			}
		}
	}
	return uniqueSorted(out)
}
