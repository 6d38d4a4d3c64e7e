package rbac

import (
	"fmt"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster/authz"
	"github.com/seaworthy-k8s/seaworthy/result"
)

var rbac005 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "RBAC-005",
		Title:    "No wildcards in bound roles",
		Category: Category,
		Rule: "Warn for each non-platform grant of a rule with '*' in verbs, apiGroups or resources (including '*/subresource') or '*' in nonResourceURLs. " +
			"A cluster-wide '*' on '*' in '*' is RBAC-001's; grants to anonymous subjects are RBAC-002's. " +
			"The result names the role holding the rule, or the binding when that role is a platform role (such as cluster-admin bound in a namespace)." + skipNoBindings,
		Rationale: "A wildcard grants every verb or resource that exists now and every one added later (custom resources, subresources like pods/exec), " +
			"so the role's real reach grows without anyone reviewing it.",
		Remediation: "List the verbs, API groups and resources the subject uses instead of '*'; " +
			"for namespace owners bind the default admin role rather than cluster-admin.",
	},
	Needs: needs,
	Eval:  onBindings(evalRBAC005),
}

func evalRBAC005(in *check.Input, o *Options) []result.Result {
	res := in.Index.APIResources()
	var out []result.Result
	rbacGrants(in, o, func(g authz.Grant) {
		if g.Subject.IsAnonymous() || ownedByRBAC001(g) {
			return
		}
		rule := g.Rule()
		verbs, groups, resources := authz.HasWildcard(rule)
		if !verbs && !groups && !resources {
			return
		}
		var where []string
		if verbs {
			where = append(where, "verbs")
		}
		if groups {
			where = append(where, "apiGroups")
		}
		if resources {
			where = append(where, "resources")
		}
		obj := roleRef(g.Origin())
		var fix string
		if g.Origin().Platform {
			obj = bindingRef(g.Binding)
			fix = fmt.Sprintf("bind a role without wildcards instead (for a namespace owner, the default admin role) in %s", g.Binding.Ref())
		} else {
			fix = "list what is needed in " + g.Origin().Ref() + " instead of '*'"
		}
		ev := grantEvidence(g, nil)
		ev["wildcards"] = where
		if covered := coveredNote(res, rule); covered != "" {
			fix += "; " + covered
		}
		msg := fmt.Sprintf("%s holds a rule with '*' in %s (%s) %s %s: %s",
			g.Subject, strings.Join(where, " and "), authz.RuleString(rule), scopeWords(g), through(g), fix)
		out = append(out, result.New(result.StatusWarn, obj, msg, ev))
	})
	if len(out) == 0 {
		return passResult("no role bound outside the platform has wildcard verbs, API groups or resources")
	}
	return out
}

// coveredNote says what a wildcard rule covers today, or why that is not
// known.
func coveredNote(res *authz.Resources, rule *rbacv1.PolicyRule) string {
	if len(rule.NonResourceURLs) > 0 {
		return ""
	}
	if !res.Discovered {
		return "the input has no API discovery (manifests, or a live read where discovery failed), so the resources the wildcard covers today cannot be listed"
	}
	covered, _ := res.Covered(rule)
	const limit = 40
	if len(covered) > limit {
		return fmt.Sprintf("today it covers %d resources, including %s, …", len(covered), strings.Join(covered[:limit], ", "))
	}
	return "today it covers " + strings.Join(covered, ", ")
}
