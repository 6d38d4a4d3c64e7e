package authz

import (
	"sort"
)

// indexKey is a verb and a resource entry as written in a rule ("pods",
// "pods/exec", "*", "*/exec").
type indexKey struct{ verb, resource string }

// ruleRef is one rule of one role.
type ruleRef struct {
	role *Role
	rule int
}

// buildIndex indexes every rule of every bound role by each (verb,
// resource) pair it lists, and rules with non-resource URLs by verb, so
// WhoCan looks at a handful of candidate rules instead of all of them.
func (m *Model) buildIndex() {
	m.index = map[indexKey][]ruleRef{}
	m.urlRules = map[string][]ruleRef{}
	for _, r := range m.roles {
		if len(r.bindings) == 0 {
			continue
		}
		for i := range r.Rules {
			rule := &r.Rules[i]
			ref := ruleRef{r, i}
			for _, v := range rule.Verbs {
				for _, res := range rule.Resources {
					k := indexKey{v, res}
					m.index[k] = append(m.index[k], ref)
				}
				if len(rule.NonResourceURLs) > 0 {
					m.urlRules[v] = append(m.urlRules[v], ref)
				}
			}
		}
	}
}

// candidates returns the rules that may allow a, without duplicates.
func (m *Model) candidates(a Attributes) []ruleRef {
	verbs := []string{a.Verb}
	if a.Verb != "*" {
		verbs = append(verbs, "*")
	}
	var out []ruleRef
	if !a.IsResourceRequest() {
		for _, v := range verbs {
			out = append(out, m.urlRules[v]...)
		}
		return dedupe(out)
	}
	resources := []string{a.combined()}
	if a.combined() != "*" {
		resources = append(resources, "*")
	}
	if a.Subresource != "" {
		resources = append(resources, "*/"+a.Subresource)
	}
	for _, v := range verbs {
		for _, res := range resources {
			out = append(out, m.index[indexKey{v, res}]...)
		}
	}
	return dedupe(out)
}

func dedupe(refs []ruleRef) []ruleRef {
	if len(refs) < 2 {
		return refs
	}
	seen := make(map[ruleRef]bool, len(refs))
	out := refs[:0:0]
	for _, r := range refs {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

// WhoCan returns every grant that allows the request a: one per subject,
// binding and matching rule. A RoleBinding counts only when a.Namespace is
// its namespace; a ClusterRoleBinding always. Grants come ordered by
// subject, then binding, then role and rule.
func (m *Model) WhoCan(a Attributes) []Grant { return m.whoCan(a, false) }

// WhoCanInAnyNamespace is WhoCan for the request in some namespace: every
// RoleBinding counts, whatever a.Namespace says, each grant scoped to its
// binding's namespace.
func (m *Model) WhoCanInAnyNamespace(a Attributes) []Grant { return m.whoCan(a, true) }

func (m *Model) whoCan(a Attributes, anyNamespace bool) []Grant {
	var out []Grant
	for _, ref := range m.candidates(a) {
		rule := &ref.role.Rules[ref.rule]
		if !RuleAllows(rule, a) {
			continue
		}
		for _, b := range ref.role.bindings {
			if !anyNamespace && !bindingApplies(b, a.Namespace) {
				continue
			}
			for _, s := range b.Subjects {
				if subjectKey(s) == "" {
					continue // a ServiceAccount without a namespace matches nobody
				}
				out = append(out, Grant{Subject: s, Binding: b, Role: ref.role, RuleIndex: ref.rule, Namespace: b.Namespace})
			}
		}
	}
	SortGrants(out)
	return out
}

// SortGrants orders grants by subject, binding, role and rule index.
func SortGrants(gs []Grant) {
	sort.SliceStable(gs, func(i, j int) bool {
		a, b := gs[i], gs[j]
		if a.Subject != b.Subject {
			if a.Subject.Kind != b.Subject.Kind {
				return a.Subject.Kind < b.Subject.Kind
			}
			if a.Subject.Namespace != b.Subject.Namespace {
				return a.Subject.Namespace < b.Subject.Namespace
			}
			return a.Subject.Name < b.Subject.Name
		}
		if a.Binding != b.Binding {
			return bindingLess(a.Binding, b.Binding)
		}
		if a.Role != b.Role {
			return roleLess(a.Role, b.Role)
		}
		return a.RuleIndex < b.RuleIndex
	})
}
