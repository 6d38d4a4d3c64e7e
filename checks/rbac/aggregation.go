package rbac

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster/authz"
	"github.com/seaworthy-k8s/seaworthy/result"
)

var rbac008 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "RBAC-008",
		Title:    "Roles aggregated into view, edit or admin do not widen them",
		Category: Category,
		Rule: "For each ClusterRole that is not a platform role and whose labels match the aggregation selectors of the view, edit or admin ClusterRoles " +
			"(rbac.authorization.k8s.io/aggregate-to-view, -edit, -admin = true when those roles are not in the input): " +
			"warn when one of its rules grants what the narrowest of them does not hold by default. Into view: any verb besides get, list and watch, " +
			"reading secrets, pods/exec, pods/attach, pods/portforward, pods/proxy, services/proxy or nodes/proxy, or any wildcard. " +
			"Into edit or admin: escalate or bind, impersonate beyond serviceaccounts, nodes/proxy, CertificateSigningRequest approval, " +
			"webhook configuration writes, persistentvolumes create, namespaces update, patch or delete, RBAC cluster-role writes, or any wildcard. " +
			"Pass when there is none." + skipNoClusterRoles,
		Rationale: "view, edit and admin are bound in every namespace of most clusters; an add-on that aggregates a sensitive right into them " +
			"silently hands it to every namespace user and reader.",
		Remediation: "Remove the aggregate-to label from the role, or move the sensitive rules into a separate ClusterRole bound only to the subjects that need them.",
	},
	Needs: needs,
	Eval:  onClusterRoles(evalRBAC008),
}

// aggregationTargets are the default user-facing roles, narrowest first.
var aggregationTargets = []string{"view", "edit", "admin"}

// widening lists what a role aggregated into each target must not add.
var widening = map[string][]probe{
	"view": {
		request("get", "", "secrets", ""), request("list", "", "secrets", ""), request("watch", "", "secrets", ""),
		request("get", "", "pods", "exec"), request("get", "", "pods", "attach"), request("get", "", "pods", "portforward"),
		request("get", "", "pods", "proxy"), request("get", "", "services", "proxy"), request("get", "", "nodes", "proxy"),
	},
	"edit": wideningEdit,
}

var wideningEdit = func() []probe {
	var ps []probe
	for _, v := range []string{"escalate", "bind"} {
		for _, r := range []string{"roles", "clusterroles"} {
			ps = append(ps, request(v, rbacGroup, r, ""))
		}
	}
	for _, r := range [][2]string{{"", "users"}, {"", "groups"}, {"authentication.k8s.io", "uids"}, {"authentication.k8s.io", "userextras"}} {
		ps = append(ps, request("impersonate", r[0], r[1], ""))
	}
	ps = append(ps, request("get", "", "nodes", "proxy"), request("create", "", "nodes", "proxy"))
	for _, pr := range sensitiveClusterProbes {
		pr.clusterScoped = false
		ps = append(ps, pr)
	}
	ps = append(ps, request("delete", "", "namespaces", ""))
	for _, v := range []string{"create", "update", "patch", "delete"} {
		ps = append(ps, request(v, rbacGroup, "clusterroles", ""), request(v, rbacGroup, "clusterrolebindings", ""))
	}
	return ps
}()

// readOnly are the verbs view may hold.
var readOnly = []string{"get", "list", "watch"}

func evalRBAC008(in *check.Input, o *Options) []result.Result {
	m := in.Index.RBAC()
	// The selectors of view, edit and admin, from the input or the defaults.
	targets := map[string]*authz.Role{}
	for _, r := range m.Roles() {
		if r.Kind == authz.KindClusterRole && slices.Contains(aggregationTargets, r.Name) && r.Aggregate != nil {
			targets[r.Name] = r
		}
	}
	var out []result.Result
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
		out = append(out, result.New(result.StatusWarn, roleRef(r), msg, map[string]any{
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
