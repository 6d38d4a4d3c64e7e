package rbac

import (
	"strings"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// A check never passes for lack of the objects it judges. The RBAC checks
// judge the input's own objects: what the snapshot holds, not the API
// server's default roles and bindings the model supplies for manifests
// (authz.Build), which are platform objects and never findings.
//
//   - RBAC-001…007, RBAC-009 and RBAC-010 judge grants, and every grant is
//     made by a binding: with no RoleBinding and no ClusterRoleBinding in
//     the input they skip (roles alone may be bound elsewhere).
//   - RBAC-008 judges ClusterRoles aggregated into view, edit or admin:
//     with no ClusterRole in the input it skips.

// skipNoBindings is the Rule sentence of the checks that judge bindings.
const skipNoBindings = " Skip when the input holds no RoleBinding or ClusterRoleBinding of its own " +
	"(the API server's built-in ones, which seaworthy supplies for manifests, do not count): there is then no grant to judge."

// onBindings evaluates eval only when the input holds a binding of its own.
func onBindings(eval func(*check.Input, *Options) []result.Result) func(*check.Input, *Options) []result.Result {
	return func(in *check.Input, o *Options) []result.Result {
		s := in.Snapshot
		if len(s.RoleBindings)+len(s.ClusterRoleBindings) == 0 {
			return noneInInput(s, "RoleBinding or ClusterRoleBinding", "there is no grant to judge", "its roles may be bound by objects it does not hold")
		}
		return sentences(eval(in, o))
	}
}

// onClusterRoles evaluates eval only when the input holds a ClusterRole of
// its own.
func onClusterRoles(eval func(*check.Input, *Options) []result.Result) func(*check.Input, *Options) []result.Result {
	return func(in *check.Input, o *Options) []result.Result {
		s := in.Snapshot
		if len(s.ClusterRoles) == 0 {
			return noneInInput(s, "ClusterRole", "there is no role aggregated into view, edit or admin to judge", "")
		}
		return sentences(eval(in, o))
	}
}

// noneInInput is the skip of a check whose objects (kinds) the input
// lacks: it says the input holds no RBAC objects at all when that is so,
// else which kinds it lacks, what follows, and why that is no pass (aside).
func noneInInput(s *cluster.Snapshot, kinds, consequence, aside string) []result.Result {
	const builtIn = "the API server's built-in ones, which seaworthy supplies for manifests, do not count"
	var msg string
	if len(s.Roles)+len(s.ClusterRoles)+len(s.RoleBindings)+len(s.ClusterRoleBindings) == 0 {
		msg = "The input holds no RBAC objects of its own (no Role, ClusterRole, RoleBinding or ClusterRoleBinding), so " + consequence + "; " + builtIn + "."
	} else {
		msg = "The input holds no " + kinds + " of its own, so " + consequence
		if aside != "" {
			msg += " (" + aside + ")"
		}
		msg += "; " + builtIn + "."
	}
	return []result.Result{result.New(result.StatusSkip, result.Cluster, msg, nil)}
}

// skipNoClusterRoles is RBAC-008's Rule sentence for the same.
const skipNoClusterRoles = " Skip when the input holds no ClusterRole of its own " +
	"(the API server's built-in ones, which seaworthy supplies for manifests, do not count): there is then no aggregated role to judge."

// sentences makes every RBAC message a sentence, as the other areas write
// them: a capital first letter and a final period. Messages begin with a
// subject's or object's kind (ServiceAccount/…, ClusterRoleBinding/…) or a
// word, never a bare name, so capitalising changes no name. Evidence is
// untouched.
func sentences(rs []result.Result) []result.Result {
	for i := range rs {
		m := check.Capitalize(rs[i].Message)
		if !strings.HasSuffix(m, ".") {
			m += "."
		}
		rs[i].Message = m
	}
	return rs
}
