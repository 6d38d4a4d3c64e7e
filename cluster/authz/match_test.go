package authz

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
)

func rule(verbs, groups, resources []string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{Verbs: verbs, APIGroups: groups, Resources: resources}
}

func l(s ...string) []string { return s }

// The cases follow the RBAC authorizer's rule evaluation
// (k8s.io/kubernetes/pkg/apis/rbac/v1 evaluation helpers and
// plugin/pkg/auth/authorizer/rbac RuleAllows).
func TestRuleAllows(t *testing.T) {
	tests := []struct {
		name string
		rule rbacv1.PolicyRule
		a    Attributes
		want bool
	}{
		{"exact", rule(l("get"), l(""), l("pods")), Attributes{Verb: "get", Resource: "pods"}, true},
		{"other verb", rule(l("get"), l(""), l("pods")), Attributes{Verb: "list", Resource: "pods"}, false},
		{"verb wildcard", rule(l("*"), l(""), l("pods")), Attributes{Verb: "escalate", Resource: "pods"}, true},
		{"other group", rule(l("get"), l(""), l("deployments")), Attributes{Verb: "get", Group: "apps", Resource: "deployments"}, false},
		{"group wildcard", rule(l("get"), l("*"), l("deployments")), Attributes{Verb: "get", Group: "apps", Resource: "deployments"}, true},
		{"core group is the empty string, not a wildcard", rule(l("get"), l(""), l("*")), Attributes{Verb: "get", Group: "apps", Resource: "deployments"}, false},
		{"resource wildcard", rule(l("get"), l(""), l("*")), Attributes{Verb: "get", Resource: "secrets"}, true},
		// "*" alone covers subresources too.
		{"resource wildcard covers subresources", rule(l("create"), l(""), l("*")), Attributes{Verb: "create", Resource: "pods", Subresource: "exec"}, true},
		// A resource does not cover its subresources.
		{"resource does not cover subresource", rule(l("create"), l(""), l("pods")), Attributes{Verb: "create", Resource: "pods", Subresource: "exec"}, false},
		{"subresource exact", rule(l("create"), l(""), l("pods/exec")), Attributes{Verb: "create", Resource: "pods", Subresource: "exec"}, true},
		{"subresource does not cover the resource", rule(l("get"), l(""), l("pods/log")), Attributes{Verb: "get", Resource: "pods"}, false},
		{"other subresource", rule(l("create"), l(""), l("pods/exec")), Attributes{Verb: "create", Resource: "pods", Subresource: "attach"}, false},
		{"star subresource", rule(l("get"), l("*"), l("*/scale")), Attributes{Verb: "get", Group: "apps", Resource: "deployments", Subresource: "scale"}, true},
		{"star subresource, other subresource", rule(l("get"), l("*"), l("*/scale")), Attributes{Verb: "get", Group: "apps", Resource: "deployments", Subresource: "status"}, false},
		{"star subresource does not cover the resource", rule(l("get"), l("*"), l("*/scale")), Attributes{Verb: "get", Group: "apps", Resource: "deployments"}, false},
		{"star subresource needs the whole subresource", rule(l("get"), l("*"), l("*/cale")), Attributes{Verb: "get", Resource: "deployments", Subresource: "scale"}, false},
		{"resource with slash prefix is not a wildcard", rule(l("get"), l(""), l("pods/*")), Attributes{Verb: "get", Resource: "pods", Subresource: "log"}, false},
		{"resourceNames match", rbacv1.PolicyRule{Verbs: l("get"), APIGroups: l(""), Resources: l("configmaps"), ResourceNames: l("a", "b")},
			Attributes{Verb: "get", Resource: "configmaps", Name: "b"}, true},
		{"resourceNames other name", rbacv1.PolicyRule{Verbs: l("get"), APIGroups: l(""), Resources: l("configmaps"), ResourceNames: l("a")},
			Attributes{Verb: "get", Resource: "configmaps", Name: "c"}, false},
		{"resourceNames never match a request without a name (list)", rbacv1.PolicyRule{Verbs: l("list"), APIGroups: l(""), Resources: l("configmaps"), ResourceNames: l("a")},
			Attributes{Verb: "list", Resource: "configmaps"}, false},
		{"resourceNames never match create without a name", rbacv1.PolicyRule{Verbs: l("create"), APIGroups: l(""), Resources: l("configmaps"), ResourceNames: l("a")},
			Attributes{Verb: "create", Resource: "configmaps"}, false},
		{"no resourceNames match any name", rule(l("get"), l(""), l("configmaps")), Attributes{Verb: "get", Resource: "configmaps", Name: "x"}, true},
		{"url exact", rbacv1.PolicyRule{Verbs: l("get"), NonResourceURLs: l("/healthz")}, Attributes{Verb: "get", Path: "/healthz"}, true},
		{"url exact, longer path", rbacv1.PolicyRule{Verbs: l("get"), NonResourceURLs: l("/healthz")}, Attributes{Verb: "get", Path: "/healthz/etcd"}, false},
		{"url prefix", rbacv1.PolicyRule{Verbs: l("get"), NonResourceURLs: l("/healthz/*")}, Attributes{Verb: "get", Path: "/healthz/etcd"}, true},
		{"url prefix does not match the bare path", rbacv1.PolicyRule{Verbs: l("get"), NonResourceURLs: l("/healthz/*")}, Attributes{Verb: "get", Path: "/healthz"}, false},
		{"url prefix without slash", rbacv1.PolicyRule{Verbs: l("get"), NonResourceURLs: l("/api*")}, Attributes{Verb: "get", Path: "/apis/apps"}, true},
		{"url several stars", rbacv1.PolicyRule{Verbs: l("get"), NonResourceURLs: l("/metrics**")}, Attributes{Verb: "get", Path: "/metrics/slis"}, true},
		{"url star", rbacv1.PolicyRule{Verbs: l("get"), NonResourceURLs: l("*")}, Attributes{Verb: "get", Path: "/anything"}, true},
		{"url verb", rbacv1.PolicyRule{Verbs: l("get"), NonResourceURLs: l("*")}, Attributes{Verb: "post", Path: "/anything"}, false},
		{"url rule never matches a resource request", rbacv1.PolicyRule{Verbs: l("*"), NonResourceURLs: l("*")}, Attributes{Verb: "get", Resource: "pods"}, false},
		{"resource rule never matches a url", rule(l("*"), l("*"), l("*")), Attributes{Verb: "get", Path: "/healthz"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := RuleAllows(&tc.rule, tc.a); got != tc.want {
				t.Errorf("RuleAllows(%s, %s) = %v, want %v", RuleString(&tc.rule), tc.a, got, tc.want)
			}
		})
	}
}

func TestHasWildcard(t *testing.T) {
	r := rule(l("get"), l("apps"), l("*/scale"))
	if v, g, res := HasWildcard(&r); v || g || !res {
		t.Errorf("*/scale: %v %v %v", v, g, res)
	}
	r = rule(l("*"), l("*"), l("*"))
	if !IsFullWildcard(&r) {
		t.Error("cluster-admin's rule is a full wildcard")
	}
	r.ResourceNames = l("x")
	if IsFullWildcard(&r) {
		t.Error("a named rule is not a full wildcard")
	}
}
