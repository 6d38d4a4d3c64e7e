package rbac

import (
	"fmt"
	"slices"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster/authz"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// exempt returns the set of ExemptBindings.
func (o *Options) exempt() map[string]bool {
	m := make(map[string]bool, len(o.ExemptBindings))
	for _, b := range o.ExemptBindings {
		m[b] = true
	}
	return m
}

// rbacGrants calls fn for each grant the RBAC checks consider: not a
// platform grant and not through an exempt binding.
func rbacGrants(in *check.Input, o *Options, fn func(g authz.Grant)) {
	m := in.Index.RBAC()
	exempt := o.exempt()
	m.Grants(func(g authz.Grant) bool {
		if exempt[g.Binding.Ref()] || g.Platform() {
			return true
		}
		fn(g)
		return true
	})
}

// ownedByRBAC001 reports whether RBAC-001 reports g: a grant through a
// ClusterRoleBinding whose role makes its subject cluster-admin (every
// other rule of that role is then moot).
func ownedByRBAC001(g authz.Grant) bool {
	return g.ClusterWide() && !g.Subject.IsAnonymous() && fullAdmin(g.Role)
}

// fullAdmin reports whether one of r's rules is "* on * in *".
func fullAdmin(r *authz.Role) bool {
	for i := range r.Rules {
		if authz.IsFullWildcard(&r.Rules[i]) {
			return true
		}
	}
	return false
}

// delegated reports whether g is a default role's rule bound in one
// ordinary namespace: Kubernetes' designed namespace delegation.
func delegated(o *Options, g authz.Grant) bool {
	return !g.ClusterWide() && !slices.Contains(o.SystemNamespaces, g.Namespace) && g.Origin().Platform
}

// rbacObject is what a grant's finding is about: the contributing role
// when the rule came through aggregation from a non-platform role, else
// the binding.
func rbacObject(g authz.Grant) result.ObjectRef {
	if len(g.Path()) > 0 && !g.Origin().Platform {
		return roleRef(g.Origin())
	}
	return bindingRef(g.Binding)
}

// roleRef is the object reference of a role.
func roleRef(r *authz.Role) result.ObjectRef {
	return result.Ref(rbacAPIVersion, r.Kind, r.Namespace, r.Name)
}

// bindingRef is the object reference of a binding.
func bindingRef(b *authz.Binding) result.ObjectRef {
	return result.Ref(rbacAPIVersion, b.Kind, b.Namespace, b.Name)
}

// scopeWords is where a grant applies, for messages.
func scopeWords(g authz.Grant) string {
	if g.ClusterWide() {
		return "cluster-wide"
	}
	return "in namespace " + g.Namespace
}

// scopeString is where a grant applies, for evidence.
func scopeString(g authz.Grant) string {
	if g.ClusterWide() {
		return "cluster-wide"
	}
	return "namespace " + g.Namespace
}

// grantEvidence is the evidence every per-grant result carries.
func grantEvidence(g authz.Grant, rights []string) map[string]any {
	ev := map[string]any{
		"subject": g.Subject.String(),
		"binding": g.Binding.Ref(),
		"role":    g.Role.Ref(),
		"rule":    authz.RuleString(g.Rule()),
		"scope":   scopeString(g),
	}
	if p := g.PathString(); p != "" {
		ev["aggregationPath"] = p
	}
	if len(rights) > 0 {
		ev["rights"] = rights
	}
	return ev
}

// through describes how a grant arrives: "through ClusterRoleBinding/x
// (ClusterRole/y, aggregated from ClusterRole/z)".
func through(g authz.Grant) string {
	s := "through " + g.Binding.Ref() + " (" + g.Role.Ref()
	if len(g.Path()) > 0 {
		s += ", rule aggregated from " + g.Origin().Ref() + " via " + g.PathString()
	}
	return s + ")"
}

// narrowAdvice says what to change for a grant.
func narrowAdvice(g authz.Grant, what string) string {
	if len(g.Path()) > 0 && !g.Origin().Platform {
		return fmt.Sprintf("remove %s from %s or its aggregate-to label", what, g.Origin().Ref())
	}
	if g.Role.Platform {
		return fmt.Sprintf("remove %s from %s or bind a narrower role", g.Subject, g.Binding.Ref())
	}
	return fmt.Sprintf("remove %s from %s, or remove %s from %s if nothing else needs it", g.Subject, g.Binding.Ref(), what, g.Role.Ref())
}

// passResult is a check's single result when it finds nothing.
func passResult(msg string) []result.Result {
	return []result.Result{result.New(result.StatusPass, result.Cluster, msg, nil)}
}
