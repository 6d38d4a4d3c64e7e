package rbac

import (
	"fmt"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster/authz"
	"github.com/seaworthy-k8s/seaworthy/result"
)

var rbac007 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "RBAC-007",
		Title:    "No rights bound to default ServiceAccounts",
		Category: Category,
		Rule: "Warn for each non-platform RoleBinding or ClusterRoleBinding that names a ServiceAccount called default as a subject " +
			"(one result per binding and ServiceAccount; bindings whose role does not exist are RBAC-009's)." + skipNoBindings,
		Rationale: "Every pod that does not set serviceAccountName runs as its namespace's default ServiceAccount, " +
			"so rights bound to it go to every such pod, present and future.",
		Remediation: "Create a dedicated ServiceAccount for the workload that needs the rights, bind the role to it, " +
			"set serviceAccountName in that workload, and remove default from the binding's subjects.",
	},
	Needs: needs,
	Eval:  onBindings(evalRBAC007),
}

func evalRBAC007(in *check.Input, o *Options) []result.Result {
	m := in.Index.RBAC()
	exempt := o.exempt()
	var out []result.Result
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
			out = append(out, result.New(result.StatusWarn, bindingRef(b), msg, map[string]any{
				"subject": s.String(), "binding": b.Ref(), "role": b.RoleRefString(),
			}))
		}
	}
	if len(out) == 0 {
		return passResult("no binding outside the platform grants rights to a default ServiceAccount")
	}
	return out
}
