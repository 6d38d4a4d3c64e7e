package authz

import (
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
)

// Attributes is one request as the authorizer sees it. A request with Path
// set is a non-resource request (/healthz, /metrics); otherwise it is a
// resource request. Namespace is empty for cluster-scoped requests and for
// requests across all namespaces.
type Attributes struct {
	Verb        string `json:"verb"`
	Group       string `json:"group,omitempty"`
	Resource    string `json:"resource,omitempty"`
	Subresource string `json:"subresource,omitempty"`
	Namespace   string `json:"namespace,omitempty"`
	Name        string `json:"name,omitempty"`
	Path        string `json:"path,omitempty"`
}

// IsResourceRequest reports whether a names a resource rather than a
// non-resource URL.
func (a Attributes) IsResourceRequest() bool { return a.Path == "" }

// combined is "resource" or "resource/subresource".
func (a Attributes) combined() string {
	if a.Subresource == "" {
		return a.Resource
	}
	return a.Resource + "/" + a.Subresource
}

// String renders a for messages: "create pods/exec in ns" or "get /metrics".
func (a Attributes) String() string {
	if !a.IsResourceRequest() {
		return a.Verb + " " + a.Path
	}
	s := a.Verb + " " + a.combined()
	if a.Group != "" {
		s = a.Verb + " " + a.Resource + "." + a.Group
		if a.Subresource != "" {
			s += "/" + a.Subresource
		}
	}
	if a.Name != "" {
		s += " " + a.Name
	}
	if a.Namespace != "" {
		s += " in " + a.Namespace
	}
	return s
}

// RuleAllows reports whether rule allows the request, exactly as the RBAC
// authorizer decides it for one rule. Scope (which namespace a binding
// applies in) is not part of a rule; see Model.Allows.
func RuleAllows(rule *rbacv1.PolicyRule, a Attributes) bool {
	if !VerbMatches(rule, a.Verb) {
		return false
	}
	if !a.IsResourceRequest() {
		return NonResourceURLMatches(rule, a.Path)
	}
	return APIGroupMatches(rule, a.Group) &&
		ResourceMatches(rule, a.combined(), a.Subresource) &&
		ResourceNameMatches(rule, a.Name)
}

// VerbMatches reports whether rule lists verb or "*".
func VerbMatches(rule *rbacv1.PolicyRule, verb string) bool {
	for _, v := range rule.Verbs {
		if v == rbacv1.VerbAll || v == verb {
			return true
		}
	}
	return false
}

// APIGroupMatches reports whether rule lists group or "*".
func APIGroupMatches(rule *rbacv1.PolicyRule, group string) bool {
	for _, g := range rule.APIGroups {
		if g == rbacv1.APIGroupAll || g == group {
			return true
		}
	}
	return false
}

// ResourceMatches reports whether rule covers combined ("pods" or
// "pods/exec"): "*" covers every resource and subresource, "pods" only the
// resource itself, "pods/exec" that subresource, and "*/exec" the exec
// subresource of any resource.
func ResourceMatches(rule *rbacv1.PolicyRule, combined, subresource string) bool {
	for _, r := range rule.Resources {
		if r == rbacv1.ResourceAll || r == combined {
			return true
		}
		if subresource != "" && r == "*/"+subresource {
			return true
		}
	}
	return false
}

// ResourceNameMatches reports whether rule applies to an object called
// name: any name when the rule lists none, else only a listed one (so a
// rule with resourceNames never matches a request without a name).
func ResourceNameMatches(rule *rbacv1.PolicyRule, name string) bool {
	if len(rule.ResourceNames) == 0 {
		return true
	}
	for _, n := range rule.ResourceNames {
		if n == name {
			return true
		}
	}
	return false
}

// NonResourceURLMatches reports whether rule covers path: "*", the exact
// path, or a prefix written with a trailing "*" ("/healthz/*", "/api*").
func NonResourceURLMatches(rule *rbacv1.PolicyRule, path string) bool {
	for _, u := range rule.NonResourceURLs {
		if u == rbacv1.NonResourceAll || u == path {
			return true
		}
		if strings.HasSuffix(u, "*") && strings.HasPrefix(path, strings.TrimRight(u, "*")) {
			return true
		}
	}
	return false
}

// ruleHas reports whether list contains s.
func ruleHas(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// HasWildcard reports which of verbs, apiGroups and resources (or
// nonResourceURLs) of rule contain "*" (a "*/subresource" resource counts).
func HasWildcard(rule *rbacv1.PolicyRule) (verbs, groups, resources bool) {
	verbs = ruleHas(rule.Verbs, "*")
	groups = ruleHas(rule.APIGroups, "*")
	for _, r := range rule.Resources {
		if r == "*" || strings.HasPrefix(r, "*/") {
			resources = true
		}
	}
	for _, u := range rule.NonResourceURLs {
		if u == "*" {
			resources = true
		}
	}
	return verbs, groups, resources
}

// IsFullWildcard reports whether rule is "every verb on every resource in
// every group": cluster-admin's rule.
func IsFullWildcard(rule *rbacv1.PolicyRule) bool {
	return ruleHas(rule.Verbs, "*") && ruleHas(rule.APIGroups, "*") && ruleHas(rule.Resources, "*") && len(rule.ResourceNames) == 0
}

// RuleString renders a rule compactly, kubectl-describe style:
// "verbs=get,list groups=apps resources=deployments names=x urls=/metrics".
func RuleString(rule *rbacv1.PolicyRule) string {
	var parts []string
	add := func(k string, v []string) {
		if len(v) > 0 {
			parts = append(parts, k+"="+strings.Join(v, ","))
		}
	}
	add("verbs", rule.Verbs)
	if len(rule.APIGroups) > 0 {
		groups := make([]string, len(rule.APIGroups))
		for i, g := range rule.APIGroups {
			if g == "" {
				g = `""`
			}
			groups[i] = g
		}
		add("apiGroups", groups)
	}
	add("resources", rule.Resources)
	add("resourceNames", rule.ResourceNames)
	add("nonResourceURLs", rule.NonResourceURLs)
	return strings.Join(parts, " ")
}
