package checks

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster/authz"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// RBAC least-privilege checks (RBAC-001..RBAC-010), on the model of
// effective permissions in package checks/rbac.
//
// Decisions the catalog leaves open, stated in each check's Rule:
//
//   - Platform grants are never findings: bindings labelled
//     kubernetes.io/bootstrapping=rbac-defaults, the allow-listed platform
//     bindings of checks/rbac/platform.go (for the subjects and rules they
//     are known to grant), and the bindings named in
//     Options.RBACExemptBindings.
//   - Each grant is reported by the most specific check: a grant to
//     system:anonymous or system:unauthenticated only by RBAC-002, a
//     cluster-wide "every verb on every resource" rule only by RBAC-001; the
//     other checks leave those alone. A namespaced "*" on "*" rule is
//     RBAC-005's alone.
//   - Rules that reach a namespace through a RoleBinding from the API
//     server's default roles (admin, edit, view and what is aggregated into
//     them by default) are Kubernetes' designed namespace delegation: edit
//     may exec into pods and impersonate ServiceAccounts of its namespace.
//     RBAC-003, RBAC-006 and RBAC-010 report such grants only cluster-wide
//     or in a system namespace (Options.SystemNamespaces), where they reach
//     the control plane's own ServiceAccounts.
//   - A result is about the object to change: the contributing ClusterRole
//     when the rule arrived through aggregation from a role that is not a
//     platform role, else the binding (RBAC-005: the role that holds the
//     wildcard rule, unless it is a platform role).

// CategoryRBAC is the RBAC checks' category.
const CategoryRBAC = "RBAC least privilege"

// rbacNeeds are the kinds every RBAC check reads.
var rbacNeeds = []cluster.Kind{cluster.KindRoles, cluster.KindClusterRoles, cluster.KindRoleBindings, cluster.KindClusterRoleBindings}

const rbacAPIVersion = "rbac.authorization.k8s.io/v1"

var rbac001 = Check{
	Meta: Meta{
		ID:       "RBAC-001",
		Title:    "No cluster-admin outside the platform",
		Category: CategoryRBAC,
		Rule: "Fail for each subject of a ClusterRoleBinding whose role has a rule granting every verb ('*') on every resource ('*') " +
			"in every API group ('*') without resourceNames (cluster-admin or an equivalent), including such a rule aggregated into the role, " +
			"unless the grant is a platform grant (an API server default, an allow-listed platform binding such as kubeadm:cluster-admins, " +
			"or a binding in RBACExemptBindings). Grants to system:anonymous and system:unauthenticated are RBAC-002's. " +
			"Pass when there is none.",
		Rationale: "cluster-admin can read every Secret, run anything on any node and grant itself or anyone else any right: " +
			"a leaked credential or a compromised workload holding it owns the cluster. " +
			"Outside the bootstrap identities nothing should hold it permanently.",
		Remediation: "Delete the ClusterRoleBinding or replace it: people get RoleBindings to admin or edit in the namespaces they work in, " +
			"automation gets a ClusterRole listing only the verbs and resources it uses. Keep break-glass cluster-admin access in a credential that is not used day to day.",
	},
	Needs: rbacNeeds,
	Eval:  evalRBAC001,
}

var rbac002 = Check{
	Meta: Meta{
		ID:       "RBAC-002",
		Title:    "Nothing granted to anonymous requests",
		Category: CategoryRBAC,
		Rule: "Fail for each rule granted to User system:anonymous or Group system:unauthenticated by a binding that is not a platform binding " +
			"(the API server's defaults, such as system:public-info-viewer, are; so is kubeadm's get on the kube-public cluster-info ConfigMap). " +
			"Pass when there is none.",
		Rationale: "Anything granted to anonymous requests is granted to everyone who can reach the API server, with no credential at all.",
		Remediation: "Delete the binding, or remove system:anonymous and system:unauthenticated from its subjects; " +
			"grant the access to an authenticated group (system:authenticated, or a narrower one) instead.",
	},
	Needs: rbacNeeds,
	Eval:  evalRBAC002,
}

var rbac003 = Check{
	Meta: Meta{
		ID:       "RBAC-003",
		Title:    "No escalate, bind or impersonate outside the platform",
		Category: CategoryRBAC,
		Rule: "Fail for each non-platform grant of a rule allowing escalate or bind on roles or clusterroles (rbac.authorization.k8s.io), " +
			"or impersonate on users, groups, serviceaccounts, uids or userextras, with or without resourceNames. " +
			"Rules of the API server's default roles (edit's impersonate on serviceaccounts) bound by a RoleBinding outside the system namespaces are not reported.",
		Rationale: "escalate lets a subject write roles with rights it does not have, bind lets it bind any role to itself, " +
			"and impersonate lets it act as another user, group or ServiceAccount: each is a path to cluster-admin.",
		Remediation: "Remove the verb from the role. For delegated role management grant bind only with resourceNames listing the roles that may be bound; " +
			"for impersonation name the allowed identities in resourceNames and bind it to as few subjects as possible.",
	},
	Needs: rbacNeeds,
	Eval:  evalRBAC003,
}

var rbac004 = Check{
	Meta: Meta{
		ID:       "RBAC-004",
		Title:    "No cluster-wide read of Secrets",
		Category: CategoryRBAC,
		Rule: "Warn for each non-platform grant through a ClusterRoleBinding of a rule allowing get, list or watch on secrets (core group) " +
			"for any name (rules restricted by resourceNames are not reported).",
		Rationale: "Reading Secrets in every namespace yields every ServiceAccount token, registry credential and TLS key in the cluster.",
		Remediation: "Bind the role with RoleBindings in the namespaces whose Secrets are needed, or restrict the rule with resourceNames; " +
			"controllers that must watch Secrets cluster-wide (ingress controllers, secret syncers) can be exempted knowingly with RBACExemptBindings.",
	},
	Needs: rbacNeeds,
	Eval:  evalRBAC004,
}

var rbac005 = Check{
	Meta: Meta{
		ID:       "RBAC-005",
		Title:    "No wildcards in bound roles",
		Category: CategoryRBAC,
		Rule: "Warn for each non-platform grant of a rule with '*' in verbs, apiGroups or resources (including '*/subresource') or '*' in nonResourceURLs. " +
			"A cluster-wide '*' on '*' in '*' is RBAC-001's; grants to anonymous subjects are RBAC-002's. " +
			"The result names the role holding the rule, or the binding when that role is a platform role (such as cluster-admin bound in a namespace).",
		Rationale: "A wildcard grants every verb or resource that exists now and every one added later (custom resources, subresources like pods/exec), " +
			"so the role's real reach grows without anyone reviewing it.",
		Remediation: "List the verbs, API groups and resources the subject uses instead of '*'; " +
			"for namespace owners bind the default admin role rather than cluster-admin.",
	},
	Needs: rbacNeeds,
	Eval:  evalRBAC005,
}

var rbac006 = Check{
	Meta: Meta{
		ID:       "RBAC-006",
		Title:    "No cluster-wide workload creation or pod exec",
		Category: CategoryRBAC,
		Rule: "Warn for each non-platform grant, cluster-wide (ClusterRoleBinding) or in a system namespace (SystemNamespaces), of a rule allowing " +
			"create on pods, deployments, replicasets, statefulsets, daemonsets, jobs, cronjobs or replicationcontrollers, " +
			"or get or create on pods/exec, pods/attach or pods/portforward; and of any grant allowing get or create on nodes/proxy.",
		Rationale: "Creating a pod in any namespace means running as any ServiceAccount there and mounting its token, and exec, attach and " +
			"port-forward reach into running workloads; nodes/proxy talks to the kubelet API directly, bypassing admission and audit of pod access.",
		Remediation: "Bind the role with RoleBindings in the namespaces the subject deploys to, outside kube-system; " +
			"drop pods/exec, pods/attach, pods/portforward and nodes/proxy unless a person or tool needs them, and then only in named namespaces.",
	},
	Needs: rbacNeeds,
	Eval:  evalRBAC006,
}

var rbac007 = Check{
	Meta: Meta{
		ID:       "RBAC-007",
		Title:    "No rights bound to default ServiceAccounts",
		Category: CategoryRBAC,
		Rule: "Warn for each non-platform RoleBinding or ClusterRoleBinding that names a ServiceAccount called default as a subject " +
			"(one result per binding and ServiceAccount; bindings whose role does not exist are RBAC-009's).",
		Rationale: "Every pod that does not set serviceAccountName runs as its namespace's default ServiceAccount, " +
			"so rights bound to it go to every such pod, present and future.",
		Remediation: "Create a dedicated ServiceAccount for the workload that needs the rights, bind the role to it, " +
			"set serviceAccountName in that workload, and remove default from the binding's subjects.",
	},
	Needs: rbacNeeds,
	Eval:  evalRBAC007,
}

var rbac008 = Check{
	Meta: Meta{
		ID:       "RBAC-008",
		Title:    "Roles aggregated into view, edit or admin do not widen them",
		Category: CategoryRBAC,
		Rule: "For each ClusterRole that is not a platform role and whose labels match the aggregation selectors of the view, edit or admin ClusterRoles " +
			"(rbac.authorization.k8s.io/aggregate-to-view, -edit, -admin = true when those roles are not in the input): " +
			"warn when one of its rules grants what the narrowest of them does not hold by default. Into view: any verb besides get, list and watch, " +
			"reading secrets, pods/exec, pods/attach, pods/portforward, pods/proxy, services/proxy or nodes/proxy, or any wildcard. " +
			"Into edit or admin: escalate or bind, impersonate beyond serviceaccounts, nodes/proxy, CertificateSigningRequest approval, " +
			"webhook configuration writes, persistentvolumes create, namespaces update, patch or delete, RBAC cluster-role writes, or any wildcard. " +
			"Pass when there is none.",
		Rationale: "view, edit and admin are bound in every namespace of most clusters; an add-on that aggregates a sensitive right into them " +
			"silently hands it to every namespace user and reader.",
		Remediation: "Remove the aggregate-to label from the role, or move the sensitive rules into a separate ClusterRole bound only to the subjects that need them.",
	},
	Needs: rbacNeeds,
	Eval:  evalRBAC008,
}

var rbac009 = Check{
	Meta: Meta{
		ID:       "RBAC-009",
		Title:    "Bindings no wider than their use",
		Category: CategoryRBAC,
		Rule: "Info for each non-platform ClusterRoleBinding whose subjects are all ServiceAccounts and whose role touches only namespaced resources " +
			"(no nonResourceURLs; scope from discovery, or from the built-in resources when there is none, where unknown resources count as cluster-scoped): " +
			"it suggests RoleBindings in the subjects' namespaces and, for wildcard rules, the resources the wildcard covers in discovery today. " +
			"When the role writes (any verb besides get, list and watch) the message says so: write access in every namespace for a workload of one namespace. " +
			"Info also for each binding whose role does not exist (dangling). Pass when there is none.",
		Rationale: "A ClusterRoleBinding grants its rules in every namespace, present and future. A workload that only works in its own namespace " +
			"needs them there only; and a dangling binding grants whatever a role of that name is given later.",
		Remediation: "Replace the ClusterRoleBinding with a RoleBinding to the same ClusterRole in each namespace the workload works in; " +
			"replace wildcards with the listed resources; delete dangling bindings.",
	},
	Needs: rbacNeeds,
	Eval:  evalRBAC009,
}

var rbac010 = Check{
	Meta: Meta{
		ID:       "RBAC-010",
		Title:    "No grants of sensitive cluster rights",
		Category: CategoryRBAC,
		Rule: "Warn for each non-platform grant of a rule allowing CertificateSigningRequest approval (update on certificatesigningrequests/approval), " +
			"create on serviceaccounts/token, create, update, patch or delete on validating or mutating webhook configurations, " +
			"create on persistentvolumes, or patch or update on namespaces. Cluster-scoped rights count only through ClusterRoleBindings " +
			"(a RoleBinding cannot grant them); serviceaccounts/token through the default edit role in a namespace outside the system namespaces is not reported.",
		Rationale: "Approving CSRs mints client certificates for any identity; token create mints tokens for any ServiceAccount; " +
			"webhook configurations see and can rewrite every object admitted; a PersistentVolume can mount any host path; " +
			"namespace patches change Pod Security labels.",
		Remediation: "Remove the right from the role, or narrow it with resourceNames to the objects the subject manages " +
			"(its own webhook configuration, its own ServiceAccount), and bind it to that subject only.",
	},
	Needs: rbacNeeds,
	Eval:  evalRBAC010,
}

// rbacModel builds the model of in.Snapshot once per run and shares it
// between the RBAC checks (see Input.memo).
func rbacModel(in *Input) *authz.Model {
	return memo(in, "rbac.model", func() *authz.Model {
		return authz.BuildOn(in.Snapshot, platformOf(in).Name)
	})
}

func rbacResources(in *Input) *authz.Resources {
	return memo(in, "rbac.resources", func() *authz.Resources { return authz.NewResources(in.Snapshot.APIResources) })
}

// probe is one request a rule may allow; clusterScoped requests are granted
// only through ClusterRoleBindings.
type probe struct {
	attrs         authz.Attributes
	clusterScoped bool
	// anyName ignores resourceNames: a named grant still counts.
	anyName bool
}

func p(verb, group, resource, sub string) probe {
	return probe{attrs: authz.Attributes{Verb: verb, Group: group, Resource: resource, Subresource: sub}}
}

func cp(verb, group, resource, sub string) probe {
	pr := p(verb, group, resource, sub)
	pr.clusterScoped = true
	return pr
}

func (pr probe) String() string {
	a := pr.attrs
	s := a.Verb + " " + a.Resource
	if a.Subresource != "" {
		s += "/" + a.Subresource
	}
	if a.Group != "" {
		s += " (" + a.Group + ")"
	}
	return s
}

// allows reports whether rule allows pr.
func (pr probe) allows(rule *rbacv1.PolicyRule) bool {
	a := pr.attrs
	if pr.anyName && len(rule.ResourceNames) > 0 {
		a.Name = rule.ResourceNames[0]
	}
	return authz.RuleAllows(rule, a)
}

// matching returns the probes rule allows within a grant's scope.
func matching(probes []probe, g authz.Grant) []string {
	var out []string
	for _, pr := range probes {
		if pr.clusterScoped && !g.ClusterWide() {
			continue
		}
		if pr.allows(g.Rule()) {
			out = append(out, pr.String())
		}
	}
	return out
}

const rbacGroup = rbacv1.GroupName

var escalationProbes = func() []probe {
	var ps []probe
	for _, v := range []string{"escalate", "bind"} {
		for _, r := range []string{"roles", "clusterroles"} {
			pr := p(v, rbacGroup, r, "")
			pr.anyName = true
			ps = append(ps, pr)
		}
	}
	for _, r := range [][2]string{{"", "users"}, {"", "groups"}, {"", "serviceaccounts"}, {"authentication.k8s.io", "uids"}, {"authentication.k8s.io", "userextras"}} {
		pr := p("impersonate", r[0], r[1], "")
		pr.anyName = true
		ps = append(ps, pr)
	}
	return ps
}()

var secretReadProbes = []probe{p("get", "", "secrets", ""), p("list", "", "secrets", ""), p("watch", "", "secrets", "")}

var workloadProbes = []probe{
	p("create", "", "pods", ""), p("create", "", "replicationcontrollers", ""),
	p("create", "apps", "deployments", ""), p("create", "apps", "replicasets", ""),
	p("create", "apps", "statefulsets", ""), p("create", "apps", "daemonsets", ""),
	p("create", "batch", "jobs", ""), p("create", "batch", "cronjobs", ""),
	p("get", "", "pods", "exec"), p("create", "", "pods", "exec"),
	p("get", "", "pods", "attach"), p("create", "", "pods", "attach"),
	p("get", "", "pods", "portforward"), p("create", "", "pods", "portforward"),
}

var nodeProxyProbes = []probe{cp("get", "", "nodes", "proxy"), cp("create", "", "nodes", "proxy")}

var sensitiveClusterProbes = []probe{
	cp("update", "certificates.k8s.io", "certificatesigningrequests", "approval"),
	cp("create", "admissionregistration.k8s.io", "validatingwebhookconfigurations", ""),
	cp("update", "admissionregistration.k8s.io", "validatingwebhookconfigurations", ""),
	cp("patch", "admissionregistration.k8s.io", "validatingwebhookconfigurations", ""),
	cp("delete", "admissionregistration.k8s.io", "validatingwebhookconfigurations", ""),
	cp("create", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", ""),
	cp("update", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", ""),
	cp("patch", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", ""),
	cp("delete", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", ""),
	cp("create", "", "persistentvolumes", ""),
	cp("patch", "", "namespaces", ""),
	cp("update", "", "namespaces", ""),
}

var tokenProbes = []probe{p("create", "", "serviceaccounts", "token")}

// rbacGrants calls fn for each grant the RBAC checks consider: not a
// platform grant and not through an exempt binding.
func rbacGrants(in *Input, fn func(g authz.Grant)) {
	m := rbacModel(in)
	exempt := map[string]bool{}
	for _, b := range in.Options.RBACExemptBindings {
		exempt[b] = true
	}
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
func delegated(in *Input, g authz.Grant) bool {
	return !g.ClusterWide() && !slices.Contains(in.Options.SystemNamespaces, g.Namespace) && g.Origin().Platform
}

// rbacObject is what a grant's finding is about: the contributing role
// when the rule came through aggregation from a non-platform role, else
// the binding.
func rbacObject(g authz.Grant) ObjectRef {
	if len(g.Path()) > 0 && !g.Origin().Platform {
		return roleRef(g.Origin())
	}
	return bindingRef(g.Binding)
}

func roleRef(r *authz.Role) ObjectRef {
	return ObjectRef{APIVersion: rbacAPIVersion, Kind: r.Kind, Namespace: r.Namespace, Name: r.Name}
}

func bindingRef(b *authz.Binding) ObjectRef {
	return ObjectRef{APIVersion: rbacAPIVersion, Kind: b.Kind, Namespace: b.Namespace, Name: b.Name}
}

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

func passResult(msg string) []Result {
	return []Result{result.New(StatusPass, ObjectRef{}, msg, nil)}
}

func evalRBAC001(in *Input) []Result {
	var out []Result
	seen := map[string]bool{}
	rbacGrants(in, func(g authz.Grant) {
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
		out = append(out, result.New(StatusFail, rbacObject(g), msg, grantEvidence(g, nil)))
	})
	if len(out) == 0 {
		return passResult("no subject outside the platform holds cluster-admin or an equivalent '*' on '*' rule cluster-wide")
	}
	return out
}

func evalRBAC002(in *Input) []Result {
	var out []Result
	rbacGrants(in, func(g authz.Grant) {
		if !g.Subject.IsAnonymous() {
			return
		}
		where := "in namespace " + g.Namespace
		if g.ClusterWide() {
			where = "cluster-wide"
		}
		msg := fmt.Sprintf("%s (every unauthenticated request) may %s %s %s: remove %s from %s's subjects, or grant it to an authenticated group instead",
			g.Subject, authz.RuleString(g.Rule()), where, through(g), g.Subject, g.Binding.Ref())
		out = append(out, result.New(StatusFail, bindingRef(g.Binding), msg, grantEvidence(g, nil)))
	})
	if len(out) == 0 {
		return passResult("nothing beyond the platform defaults is granted to system:anonymous or system:unauthenticated")
	}
	return out
}

func evalRBAC003(in *Input) []Result {
	var out []Result
	rbacGrants(in, func(g authz.Grant) {
		if g.Subject.IsAnonymous() || ownedByRBAC001(g) || delegated(in, g) {
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
		out = append(out, result.New(StatusFail, rbacObject(g), msg, grantEvidence(g, rights)))
	})
	if len(out) == 0 {
		return passResult("no subject outside the platform may escalate, bind or impersonate")
	}
	return out
}

func scopeWords(g authz.Grant) string {
	if g.ClusterWide() {
		return "cluster-wide"
	}
	return "in namespace " + g.Namespace
}

func evalRBAC004(in *Input) []Result {
	var out []Result
	rbacGrants(in, func(g authz.Grant) {
		if !g.ClusterWide() || g.Subject.IsAnonymous() || ownedByRBAC001(g) {
			return
		}
		rights := matching(secretReadProbes, g)
		if len(rights) == 0 {
			return
		}
		msg := fmt.Sprintf("%s may %s in every namespace %s: bind the role with RoleBindings in the namespaces whose Secrets it needs, or %s",
			g.Subject, strings.Join(rights, ", "), through(g), narrowAdvice(g, "secrets"))
		out = append(out, result.New(StatusWarn, rbacObject(g), msg, grantEvidence(g, rights)))
	})
	if len(out) == 0 {
		return passResult("no subject outside the platform may read Secrets cluster-wide")
	}
	return out
}

func evalRBAC005(in *Input) []Result {
	res := rbacResources(in)
	var out []Result
	rbacGrants(in, func(g authz.Grant) {
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
		out = append(out, result.New(StatusWarn, obj, msg, ev))
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

func evalRBAC006(in *Input) []Result {
	var out []Result
	rbacGrants(in, func(g authz.Grant) {
		if g.Subject.IsAnonymous() || ownedByRBAC001(g) {
			return
		}
		var rights []string
		wide := g.ClusterWide() || slices.Contains(in.Options.SystemNamespaces, g.Namespace)
		if wide {
			rights = matching(workloadProbes, g)
		}
		rights = append(rights, matching(nodeProxyProbes, g)...)
		if len(rights) == 0 {
			return
		}
		msg := fmt.Sprintf("%s may %s %s %s: bind it with RoleBindings in the namespaces it deploys to outside the system namespaces, or %s",
			g.Subject, strings.Join(rights, ", "), scopeWords(g), through(g), narrowAdvice(g, "these rights"))
		out = append(out, result.New(StatusWarn, rbacObject(g), msg, grantEvidence(g, rights)))
	})
	if len(out) == 0 {
		return passResult("no subject outside the platform may create workloads or exec into pods cluster-wide or in a system namespace, or proxy to nodes")
	}
	return out
}

func evalRBAC007(in *Input) []Result {
	m := rbacModel(in)
	exempt := map[string]bool{}
	for _, b := range in.Options.RBACExemptBindings {
		exempt[b] = true
	}
	var out []Result
	for _, b := range m.Bindings() {
		if b.Platform || b.Dangling() || exempt[b.Ref()] {
			continue
		}
		for _, s := range b.Subjects {
			if s.Kind != authz.KindServiceAccount || s.Name != "default" || s.Namespace == "" {
				continue
			}
			if b.PlatformGrant(s, nil) {
				continue
			}
			where := "in namespace " + b.Namespace
			if b.ClusterWide() {
				where = "in every namespace"
			}
			msg := fmt.Sprintf("%s binds %s to %s %s, so every pod in %s without its own serviceAccountName gets it: "+
				"create a dedicated ServiceAccount, bind the role to it and remove default from the subjects",
				b.Ref(), b.RoleRefString(), s, where, s.Namespace)
			out = append(out, result.New(StatusWarn, bindingRef(b), msg, map[string]any{
				"subject": s.String(), "binding": b.Ref(), "role": b.RoleRefString(),
			}))
		}
	}
	if len(out) == 0 {
		return passResult("no binding outside the platform grants rights to a default ServiceAccount")
	}
	return out
}

// aggregationTargets are the default user-facing roles, narrowest first.
var aggregationTargets = []string{"view", "edit", "admin"}

// widening lists what a role aggregated into each target must not add.
var widening = map[string][]probe{
	"view": {
		p("get", "", "secrets", ""), p("list", "", "secrets", ""), p("watch", "", "secrets", ""),
		p("get", "", "pods", "exec"), p("get", "", "pods", "attach"), p("get", "", "pods", "portforward"),
		p("get", "", "pods", "proxy"), p("get", "", "services", "proxy"), p("get", "", "nodes", "proxy"),
	},
	"edit": wideningEdit,
}

var wideningEdit = func() []probe {
	var ps []probe
	for _, v := range []string{"escalate", "bind"} {
		for _, r := range []string{"roles", "clusterroles"} {
			ps = append(ps, p(v, rbacGroup, r, ""))
		}
	}
	for _, r := range [][2]string{{"", "users"}, {"", "groups"}, {"authentication.k8s.io", "uids"}, {"authentication.k8s.io", "userextras"}} {
		ps = append(ps, p("impersonate", r[0], r[1], ""))
	}
	ps = append(ps, p("get", "", "nodes", "proxy"), p("create", "", "nodes", "proxy"))
	for _, pr := range sensitiveClusterProbes {
		pr.clusterScoped = false
		ps = append(ps, pr)
	}
	ps = append(ps, p("delete", "", "namespaces", ""))
	for _, v := range []string{"create", "update", "patch", "delete"} {
		ps = append(ps, p(v, rbacGroup, "clusterroles", ""), p(v, rbacGroup, "clusterrolebindings", ""))
	}
	return ps
}()

// readOnly are the verbs view may hold.
var readOnly = []string{"get", "list", "watch"}

func evalRBAC008(in *Input) []Result {
	m := rbacModel(in)
	// The selectors of view, edit and admin, from the input or the defaults.
	targets := map[string]*authz.Role{}
	for _, r := range m.Roles() {
		if r.Kind == authz.KindClusterRole && slices.Contains(aggregationTargets, r.Name) && r.Aggregate != nil {
			targets[r.Name] = r
		}
	}
	var out []Result
	for _, r := range m.Roles() {
		if r.Kind != authz.KindClusterRole || r.Platform || slices.Contains(aggregationTargets, r.Name) {
			continue
		}
		var into []string
		for _, t := range aggregationTargets {
			if aggregatesInto(r, t, targets[t]) {
				into = append(into, t)
			}
		}
		if len(into) == 0 {
			continue
		}
		narrowest := into[0]
		var rights, rules []string
		for i := range r.Rules {
			rule := &r.Rules[i]
			var found []string
			v, g, res := authz.HasWildcard(rule)
			if v || g || res {
				found = append(found, "a wildcard")
			}
			if narrowest == "view" {
				for _, verb := range rule.Verbs {
					if !slices.Contains(readOnly, verb) && verb != "*" {
						found = append(found, "verb "+verb)
					}
				}
			}
			probes := widening[narrowest]
			if narrowest != "view" {
				probes = wideningEdit
			}
			for _, pr := range probes {
				pr.anyName = true
				if pr.allows(rule) {
					found = append(found, pr.String())
				}
			}
			if len(found) > 0 {
				rights = append(rights, found...)
				rules = append(rules, authz.RuleString(rule))
			}
		}
		if len(rights) == 0 {
			continue
		}
		rights = uniqueSorted(rights)
		msg := fmt.Sprintf("%s is aggregated into %s and adds %s, which %s does not grant by default, to every subject bound to it: "+
			"remove its aggregate-to-%s label or move those rules into a role bound only to the subjects that need them",
			r.Ref(), strings.Join(into, ", "), strings.Join(rights, ", "), narrowest, narrowest)
		out = append(out, result.New(StatusWarn, roleRef(r), msg, map[string]any{
			"role": r.Ref(), "aggregatedInto": into, "rights": rights, "rules": rules,
		}))
	}
	if len(out) == 0 {
		return passResult("no role outside the platform widens view, edit or admin with sensitive rights")
	}
	return out
}

// aggregatesInto reports whether r's labels match target's aggregation
// selectors (or, without the target in the input, the default label).
func aggregatesInto(r *authz.Role, name string, target *authz.Role) bool {
	if target == nil {
		return r.Labels["rbac.authorization.k8s.io/aggregate-to-"+name] == "true"
	}
	return authz.SelectedBy(target, r)
}

func uniqueSorted(s []string) []string {
	sort.Strings(s)
	return slices.Compact(s)
}

func evalRBAC009(in *Input) []Result {
	m := rbacModel(in)
	res := rbacResources(in)
	exempt := map[string]bool{}
	for _, b := range in.Options.RBACExemptBindings {
		exempt[b] = true
	}
	var out []Result
	for _, b := range m.Bindings() {
		if b.Platform || exempt[b.Ref()] {
			continue
		}
		if b.Dangling() {
			msg := fmt.Sprintf("%s references %s, which does not exist: it grants nothing today, and whatever a role of that name is given later; delete it",
				b.Ref(), b.RoleRefString())
			out = append(out, result.New(StatusInfo, bindingRef(b), msg, map[string]any{"binding": b.Ref(), "role": b.RoleRefString(), "dangling": true}))
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
		status := StatusInfo
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

func evalRBAC010(in *Input) []Result {
	var out []Result
	rbacGrants(in, func(g authz.Grant) {
		if g.Subject.IsAnonymous() || ownedByRBAC001(g) {
			return
		}
		rights := matching(sensitiveClusterProbes, g)
		if !delegated(in, g) {
			rights = append(rights, matching(tokenProbes, g)...)
		}
		if len(rights) == 0 {
			return
		}
		msg := fmt.Sprintf("%s may %s %s %s: %s, or narrow the rule with resourceNames to the objects it manages",
			g.Subject, strings.Join(rights, ", "), scopeWords(g), through(g), narrowAdvice(g, "these rights"))
		out = append(out, result.New(StatusWarn, rbacObject(g), msg, grantEvidence(g, rights)))
	})
	if len(out) == 0 {
		return passResult("no subject outside the platform may approve CSRs, mint ServiceAccount tokens, write webhook configurations, create PersistentVolumes or patch namespaces")
	}
	return out
}
