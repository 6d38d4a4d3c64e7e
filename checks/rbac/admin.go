package rbac

import (
	"fmt"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster/authz"
	"github.com/seaworthy-k8s/seaworthy/result"
)

var rbac001 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "RBAC-001",
		Title:    "No cluster-admin outside the platform",
		Category: Category,
		Rule: "Fail for each subject of a ClusterRoleBinding whose role has a rule granting every verb ('*') on every resource ('*') " +
			"in every API group ('*') without resourceNames (cluster-admin or an equivalent), including such a rule aggregated into the role, " +
			"unless the grant is a platform grant (an API server default, an allow-listed platform binding such as kubeadm:cluster-admins, " +
			"or a binding in ExemptBindings). Grants to system:anonymous and system:unauthenticated are RBAC-002's. " +
			"Pass when there is none." + skipNoBindings,
		Rationale: "cluster-admin can read every Secret, run anything on any node and grant itself or anyone else any right: " +
			"a leaked credential or a compromised workload holding it owns the cluster. " +
			"Outside the bootstrap identities nothing should hold it permanently.",
		Remediation: "Delete the ClusterRoleBinding or replace it: people get RoleBindings to admin or edit in the namespaces they work in, " +
			"automation gets a ClusterRole listing only the verbs and resources it uses. Keep break-glass cluster-admin access in a credential that is not used day to day.",
	},
	Needs: needs,
	Eval:  onBindings(evalRBAC001),
}

var rbac002 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "RBAC-002",
		Title:    "Nothing granted to anonymous requests",
		Category: Category,
		Rule: "Fail for each rule granted to User system:anonymous or Group system:unauthenticated by a binding that is not a platform binding " +
			"(the API server's defaults, such as system:public-info-viewer, are; so is kubeadm's get on the kube-public cluster-info ConfigMap). " +
			"Pass when there is none." + skipNoBindings,
		Rationale: "Anything granted to anonymous requests is granted to everyone who can reach the API server, with no credential at all.",
		Remediation: "Delete the binding, or remove system:anonymous and system:unauthenticated from its subjects; " +
			"grant the access to an authenticated group (system:authenticated, or a narrower one) instead.",
	},
	Needs: needs,
	Eval:  onBindings(evalRBAC002),
}

func evalRBAC001(in *check.Input, o *Options) []result.Result {
	var out []result.Result
	seen := map[string]bool{}
	rbacGrants(in, o, func(g authz.Grant) {
		if !ownedByRBAC001(g) || !authz.IsFullWildcard(g.Rule()) {
			return
		}
		k := g.Subject.String() + "|" + g.Binding.Ref()
		if seen[k] {
			return
		}
		seen[k] = true
		msg := fmt.Sprintf("%s is cluster-admin (every verb on every resource in every namespace) %s: "+
			"delete the binding or replace it with RoleBindings to admin or edit in the namespaces it works in, or a ClusterRole listing only what it uses",
			g.Subject, through(g))
		out = append(out, result.New(result.StatusFail, rbacObject(g), msg, grantEvidence(g, nil)))
	})
	if len(out) == 0 {
		return passResult("no subject outside the platform holds cluster-admin or an equivalent '*' on '*' rule cluster-wide")
	}
	return out
}

func evalRBAC002(in *check.Input, o *Options) []result.Result {
	var out []result.Result
	rbacGrants(in, o, func(g authz.Grant) {
		if !g.Subject.IsAnonymous() {
			return
		}
		where := "in namespace " + g.Namespace
		if g.ClusterWide() {
			where = "cluster-wide"
		}
		msg := fmt.Sprintf("%s (every unauthenticated request) may %s %s %s: remove %s from %s's subjects, or grant it to an authenticated group instead",
			g.Subject, authz.RuleString(g.Rule()), where, through(g), g.Subject, g.Binding.Ref())
		out = append(out, result.New(result.StatusFail, bindingRef(g.Binding), msg, grantEvidence(g, nil)))
	})
	if len(out) == 0 {
		return passResult("nothing beyond the platform defaults is granted to system:anonymous or system:unauthenticated")
	}
	return out
}
