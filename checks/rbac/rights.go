package rbac

import (
	"fmt"
	"slices"
	"strings"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster/authz"
	"github.com/seaworthy-k8s/seaworthy/result"
)

var rbac003 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "RBAC-003",
		Title:    "No escalate, bind or impersonate outside the platform",
		Category: Category,
		Rule: "Fail for each non-platform grant of a rule allowing escalate or bind on roles or clusterroles (rbac.authorization.k8s.io), " +
			"or impersonate on users, groups, serviceaccounts, uids or userextras, with or without resourceNames. " +
			"Rules of the API server's default roles (edit's impersonate on serviceaccounts) bound by a RoleBinding outside the system namespaces are not reported." + skipNoBindings,
		Rationale: "escalate lets a subject write roles with rights it does not have, bind lets it bind any role to itself, " +
			"and impersonate lets it act as another user, group or ServiceAccount: each is a path to cluster-admin.",
		Remediation: "Remove the verb from the role. For delegated role management grant bind only with resourceNames listing the roles that may be bound; " +
			"for impersonation name the allowed identities in resourceNames and bind it to as few subjects as possible.",
	},
	Needs: needs,
	Eval:  onBindings(evalRBAC003),
}

var rbac004 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "RBAC-004",
		Title:    "No cluster-wide read of Secrets",
		Category: Category,
		Rule: "Warn for each non-platform grant through a ClusterRoleBinding of a rule allowing get, list or watch on secrets (core group) " +
			"for any name (rules restricted by resourceNames are not reported)." + skipNoBindings,
		Rationale: "Reading Secrets in every namespace yields every ServiceAccount token, registry credential and TLS key in the cluster.",
		Remediation: "Bind the role with RoleBindings in the namespaces whose Secrets are needed, or restrict the rule with resourceNames; " +
			"controllers that must watch Secrets cluster-wide (ingress controllers, secret syncers) can be exempted knowingly with ExemptBindings.",
	},
	Needs: needs,
	Eval:  onBindings(evalRBAC004),
}

var rbac006 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "RBAC-006",
		Title:    "No cluster-wide workload creation or pod exec",
		Category: Category,
		Rule: "Warn for each non-platform grant, cluster-wide (ClusterRoleBinding) or in a system namespace (SystemNamespaces), of a rule allowing " +
			"create on pods, deployments, replicasets, statefulsets, daemonsets, jobs, cronjobs or replicationcontrollers, " +
			"or get or create on pods/exec, pods/attach or pods/portforward; and of any grant allowing get or create on nodes/proxy." + skipNoBindings,
		Rationale: "Creating a pod in any namespace means running as any ServiceAccount there and mounting its token, and exec, attach and " +
			"port-forward reach into running workloads; nodes/proxy talks to the kubelet API directly, bypassing admission and audit of pod access.",
		Remediation: "Bind the role with RoleBindings in the namespaces the subject deploys to, outside kube-system; " +
			"drop pods/exec, pods/attach, pods/portforward and nodes/proxy unless a person or tool needs them, and then only in named namespaces.",
	},
	Needs: needs,
	Eval:  onBindings(evalRBAC006),
}

var rbac010 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "RBAC-010",
		Title:    "No grants of sensitive cluster rights",
		Category: Category,
		Rule: "Warn for each non-platform grant of a rule allowing CertificateSigningRequest approval (update on certificatesigningrequests/approval), " +
			"create on serviceaccounts/token, create, update, patch or delete on validating or mutating webhook configurations, " +
			"create on persistentvolumes, or patch or update on namespaces. Cluster-scoped rights count only through ClusterRoleBindings " +
			"(a RoleBinding cannot grant them); serviceaccounts/token through the default edit role in a namespace outside the system namespaces is not reported." + skipNoBindings,
		Rationale: "Approving CSRs mints client certificates for any identity; token create mints tokens for any ServiceAccount; " +
			"webhook configurations see and can rewrite every object admitted; a PersistentVolume can mount any host path; " +
			"namespace patches change Pod Security labels.",
		Remediation: "Remove the right from the role, or narrow it with resourceNames to the objects the subject manages " +
			"(its own webhook configuration, its own ServiceAccount), and bind it to that subject only.",
	},
	Needs: needs,
	Eval:  onBindings(evalRBAC010),
}

func evalRBAC003(in *check.Input, o *Options) []result.Result {
	var out []result.Result
	rbacGrants(in, o, func(g authz.Grant) {
		if g.Subject.IsAnonymous() || ownedByRBAC001(g) || delegated(o, g) {
			return
		}
		rights := matching(escalationProbes, g)
		if len(rights) == 0 {
			return
		}
		msg := fmt.Sprintf("%s may %s %s %s: %s", g.Subject, strings.Join(rights, ", "), scopeWords(g), through(g),
			narrowAdvice(g, "these rights"))
		if len(g.Rule().ResourceNames) > 0 {
			msg += fmt.Sprintf(" (limited to %s)", strings.Join(g.Rule().ResourceNames, ", "))
		}
		out = append(out, result.New(result.StatusFail, rbacObject(g), msg, grantEvidence(g, rights)))
	})
	if len(out) == 0 {
		return passResult("no subject outside the platform may escalate, bind or impersonate")
	}
	return out
}

func evalRBAC004(in *check.Input, o *Options) []result.Result {
	var out []result.Result
	rbacGrants(in, o, func(g authz.Grant) {
		if !g.ClusterWide() || g.Subject.IsAnonymous() || ownedByRBAC001(g) {
			return
		}
		rights := matching(secretReadProbes, g)
		if len(rights) == 0 {
			return
		}
		msg := fmt.Sprintf("%s may %s in every namespace %s: bind the role with RoleBindings in the namespaces whose Secrets it needs, or %s",
			g.Subject, strings.Join(rights, ", "), through(g), narrowAdvice(g, "secrets"))
		out = append(out, result.New(result.StatusWarn, rbacObject(g), msg, grantEvidence(g, rights)))
	})
	if len(out) == 0 {
		return passResult("no subject outside the platform may read Secrets cluster-wide")
	}
	return out
}

func evalRBAC006(in *check.Input, o *Options) []result.Result {
	var out []result.Result
	rbacGrants(in, o, func(g authz.Grant) {
		if g.Subject.IsAnonymous() || ownedByRBAC001(g) {
			return
		}
		var rights []string
		wide := g.ClusterWide() || slices.Contains(o.SystemNamespaces, g.Namespace)
		if wide {
			rights = matching(workloadProbes, g)
		}
		rights = append(rights, matching(nodeProxyProbes, g)...)
		if len(rights) == 0 {
			return
		}
		msg := fmt.Sprintf("%s may %s %s %s: bind it with RoleBindings in the namespaces it deploys to outside the system namespaces, or %s",
			g.Subject, strings.Join(rights, ", "), scopeWords(g), through(g), narrowAdvice(g, "these rights"))
		out = append(out, result.New(result.StatusWarn, rbacObject(g), msg, grantEvidence(g, rights)))
	})
	if len(out) == 0 {
		return passResult("no subject outside the platform may create workloads or exec into pods cluster-wide or in a system namespace, or proxy to nodes")
	}
	return out
}

func evalRBAC010(in *check.Input, o *Options) []result.Result {
	var out []result.Result
	rbacGrants(in, o, func(g authz.Grant) {
		if g.Subject.IsAnonymous() || ownedByRBAC001(g) {
			return
		}
		rights := matching(sensitiveClusterProbes, g)
		if !delegated(o, g) {
			rights = append(rights, matching(tokenProbes, g)...)
		}
		if len(rights) == 0 {
			return
		}
		msg := fmt.Sprintf("%s may %s %s %s: %s, or narrow the rule with resourceNames to the objects it manages",
			g.Subject, strings.Join(rights, ", "), scopeWords(g), through(g), narrowAdvice(g, "these rights"))
		out = append(out, result.New(result.StatusWarn, rbacObject(g), msg, grantEvidence(g, rights)))
	})
	if len(out) == 0 {
		return passResult("no subject outside the platform may approve CSRs, mint ServiceAccount tokens, write webhook configurations, create PersistentVolumes or patch namespaces")
	}
	return out
}
