package rbac

import (
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster/authz"
)

// probe is one request a rule may allow; clusterScoped requests are granted
// only through ClusterRoleBindings.
type probe struct {
	attrs         authz.Attributes
	clusterScoped bool
	// anyName ignores resourceNames: a named grant still counts.
	anyName bool
}

// request is the probe of verb on group's resource (and subresource) in a
// namespace.
func request(verb, group, resource, sub string) probe {
	return probe{attrs: authz.Attributes{Verb: verb, Group: group, Resource: resource, Subresource: sub}}
}

// clusterRequest is request for a cluster-scoped resource, which only a
// ClusterRoleBinding can grant.
func clusterRequest(verb, group, resource, sub string) probe {
	pr := request(verb, group, resource, sub)
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
			pr := request(v, rbacGroup, r, "")
			pr.anyName = true
			ps = append(ps, pr)
		}
	}
	for _, r := range [][2]string{{"", "users"}, {"", "groups"}, {"", "serviceaccounts"}, {"authentication.k8s.io", "uids"}, {"authentication.k8s.io", "userextras"}} {
		pr := request("impersonate", r[0], r[1], "")
		pr.anyName = true
		ps = append(ps, pr)
	}
	return ps
}()

var secretReadProbes = []probe{request("get", "", "secrets", ""), request("list", "", "secrets", ""), request("watch", "", "secrets", "")}

var workloadProbes = []probe{
	request("create", "", "pods", ""), request("create", "", "replicationcontrollers", ""),
	request("create", "apps", "deployments", ""), request("create", "apps", "replicasets", ""),
	request("create", "apps", "statefulsets", ""), request("create", "apps", "daemonsets", ""),
	request("create", "batch", "jobs", ""), request("create", "batch", "cronjobs", ""),
	request("get", "", "pods", "exec"), request("create", "", "pods", "exec"),
	request("get", "", "pods", "attach"), request("create", "", "pods", "attach"),
	request("get", "", "pods", "portforward"), request("create", "", "pods", "portforward"),
}

var nodeProxyProbes = []probe{clusterRequest("get", "", "nodes", "proxy"), clusterRequest("create", "", "nodes", "proxy")}

var sensitiveClusterProbes = []probe{
	clusterRequest("update", "certificates.k8s.io", "certificatesigningrequests", "approval"),
	clusterRequest("create", "admissionregistration.k8s.io", "validatingwebhookconfigurations", ""),
	clusterRequest("update", "admissionregistration.k8s.io", "validatingwebhookconfigurations", ""),
	clusterRequest("patch", "admissionregistration.k8s.io", "validatingwebhookconfigurations", ""),
	clusterRequest("delete", "admissionregistration.k8s.io", "validatingwebhookconfigurations", ""),
	clusterRequest("create", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", ""),
	clusterRequest("update", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", ""),
	clusterRequest("patch", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", ""),
	clusterRequest("delete", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", ""),
	clusterRequest("create", "", "persistentvolumes", ""),
	clusterRequest("patch", "", "namespaces", ""),
	clusterRequest("update", "", "namespaces", ""),
}

var tokenProbes = []probe{request("create", "", "serviceaccounts", "token")}
