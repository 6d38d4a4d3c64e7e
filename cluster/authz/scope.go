package authz

import (
	"sort"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// Resources knows which resources exist and whether each is namespaced:
// from the server's discovery when the snapshot has it, else from a table
// of the built-in resources (custom resources are then unknown).
type Resources struct {
	// Discovered is true when the answers come from discovery.
	Discovered bool
	// byGroup maps an API group to its resources (subresources included,
	// as "pods/exec"), each with its scope.
	byGroup map[string]map[string]bool
}

// NewResources builds a Resources from the snapshot's discovery, or from
// the built-in table when it has none.
func NewResources(apiResources []cluster.APIResource) *Resources {
	r := &Resources{byGroup: map[string]map[string]bool{}}
	if len(apiResources) > 0 {
		r.Discovered = true
		for _, ar := range apiResources {
			m := r.byGroup[ar.Group]
			if m == nil {
				m = map[string]bool{}
				r.byGroup[ar.Group] = m
			}
			m[ar.Resource] = ar.Namespaced
		}
		return r
	}
	for group, list := range builtinResources {
		m := map[string]bool{}
		for _, res := range list {
			name, cluster := strings.CutSuffix(res, "!")
			m[name] = !cluster
		}
		r.byGroup[group] = m
	}
	return r
}

// Namespaced reports whether group/resource ("pods" or "pods/exec") is
// namespaced, and whether that is known.
func (r *Resources) Namespaced(group, resource string) (namespaced, known bool) {
	m := r.byGroup[group]
	if m == nil {
		return false, false
	}
	base, _, _ := strings.Cut(resource, "/")
	if ns, ok := m[resource]; ok {
		return ns, true
	}
	ns, ok := m[base]
	return ns, ok
}

// Groups returns every known API group, sorted.
func (r *Resources) Groups() []string {
	out := make([]string, 0, len(r.byGroup))
	for g := range r.byGroup {
		out = append(out, g)
	}
	sort.Strings(out)
	return out
}

// Covered returns what rule's resources cover today, as "resource" (core
// group) or "resource.group", subresources included, sorted; and whether
// every one of them is namespaced and known. Rules with nonResourceURLs
// cover no resources and are never all-namespaced.
func (r *Resources) Covered(rule *rbacv1.PolicyRule) (covered []string, allNamespaced bool) {
	if len(rule.NonResourceURLs) > 0 {
		return nil, false
	}
	allNamespaced = true
	seen := map[string]bool{}
	add := func(group, res string, ns bool) {
		name := res
		if group != "" {
			base, sub, hasSub := strings.Cut(res, "/")
			name = base + "." + group
			if hasSub {
				name += "/" + sub
			}
		}
		if !seen[name] {
			seen[name] = true
			covered = append(covered, name)
		}
		if !ns {
			allNamespaced = false
		}
	}
	var groups []string
	if ruleHas(rule.APIGroups, rbacv1.APIGroupAll) {
		groups = r.Groups()
		// Groups nobody knows of (custom resources without discovery) may
		// hold cluster-scoped resources.
		if !r.Discovered {
			allNamespaced = false
		}
	} else {
		groups = rule.APIGroups
	}
	for _, g := range groups {
		m := r.byGroup[g]
		for _, want := range rule.Resources {
			if m == nil {
				if !ruleHas(rule.APIGroups, rbacv1.APIGroupAll) {
					allNamespaced = false // unknown group
				}
				continue
			}
			switch {
			case want == rbacv1.ResourceAll:
				for res, ns := range m {
					add(g, res, ns)
				}
			case strings.HasPrefix(want, "*/"):
				sub := strings.TrimPrefix(want, "*/")
				for res, ns := range m {
					if strings.HasSuffix(res, "/"+sub) {
						add(g, res, ns)
					}
				}
			default:
				ns, ok := r.Namespaced(g, want)
				if !ok {
					if !ruleHas(rule.APIGroups, rbacv1.APIGroupAll) {
						allNamespaced = false
					}
					continue
				}
				add(g, want, ns)
			}
		}
	}
	sort.Strings(covered)
	if len(covered) == 0 {
		allNamespaced = false
	}
	return covered, allNamespaced
}

// builtinResources lists the built-in resources of Kubernetes 1.37 by API
// group, with their subresources; a trailing "!" marks a cluster-scoped
// resource. It is used only when the snapshot carries no discovery.
var builtinResources = map[string][]string{
	"": {
		"pods", "pods/log", "pods/exec", "pods/attach", "pods/portforward", "pods/proxy", "pods/eviction",
		"pods/status", "pods/ephemeralcontainers", "pods/binding", "pods/resize",
		"services", "services/proxy", "services/status", "configmaps", "secrets", "serviceaccounts",
		"serviceaccounts/token", "endpoints", "events", "limitranges", "resourcequotas", "resourcequotas/status",
		"persistentvolumeclaims", "persistentvolumeclaims/status", "replicationcontrollers",
		"replicationcontrollers/scale", "replicationcontrollers/status", "podtemplates", "bindings",
		"nodes!", "nodes/proxy!", "nodes/status!", "namespaces!", "namespaces/status!", "namespaces/finalize!",
		"persistentvolumes!", "persistentvolumes/status!", "componentstatuses!",
	},
	"apps": {
		"deployments", "deployments/scale", "deployments/status", "replicasets", "replicasets/scale",
		"replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status", "daemonsets",
		"daemonsets/status", "controllerrevisions",
	},
	"batch":                        {"jobs", "jobs/status", "cronjobs", "cronjobs/status"},
	"autoscaling":                  {"horizontalpodautoscalers", "horizontalpodautoscalers/status"},
	"policy":                       {"poddisruptionbudgets", "poddisruptionbudgets/status"},
	"networking.k8s.io":            {"ingresses", "ingresses/status", "networkpolicies", "ingressclasses!", "ipaddresses!", "servicecidrs!", "servicecidrs/status!"},
	"discovery.k8s.io":             {"endpointslices"},
	"events.k8s.io":                {"events"},
	"coordination.k8s.io":          {"leases", "leasecandidates"},
	"rbac.authorization.k8s.io":    {"roles", "rolebindings", "clusterroles!", "clusterrolebindings!"},
	"storage.k8s.io":               {"csistoragecapacities", "storageclasses!", "csidrivers!", "csinodes!", "volumeattachments!", "volumeattachments/status!", "volumeattributesclasses!"},
	"admissionregistration.k8s.io": {"validatingwebhookconfigurations!", "mutatingwebhookconfigurations!", "validatingadmissionpolicies!", "validatingadmissionpolicies/status!", "validatingadmissionpolicybindings!", "mutatingadmissionpolicies!", "mutatingadmissionpolicybindings!"},
	"apiextensions.k8s.io":         {"customresourcedefinitions!", "customresourcedefinitions/status!"},
	"apiregistration.k8s.io":       {"apiservices!", "apiservices/status!"},
	"certificates.k8s.io":          {"certificatesigningrequests!", "certificatesigningrequests/approval!", "certificatesigningrequests/status!", "clustertrustbundles!"},
	"scheduling.k8s.io":            {"priorityclasses!"},
	"node.k8s.io":                  {"runtimeclasses!"},
	"flowcontrol.apiserver.k8s.io": {"flowschemas!", "flowschemas/status!", "prioritylevelconfigurations!", "prioritylevelconfigurations/status!"},
	"authentication.k8s.io":        {"tokenreviews!", "selfsubjectreviews!"},
	"authorization.k8s.io":         {"localsubjectaccessreviews", "subjectaccessreviews!", "selfsubjectaccessreviews!", "selfsubjectrulesreviews!"},
	"resource.k8s.io":              {"resourceclaims", "resourceclaims/status", "resourceclaimtemplates", "deviceclasses!", "resourceslices!"},
}

// ResolveResource turns kubectl's "resource[.group][/subresource]" into a
// group, resource and subresource. Without a group, the core group is
// assumed when it has the resource, else the one known group that does.
func (r *Resources) ResolveResource(s string) (group, resource, subresource string) {
	s, subresource, _ = strings.Cut(s, "/")
	resource, group, _ = strings.Cut(s, ".")
	if group != "" || resource == "*" {
		return group, resource, subresource
	}
	if _, ok := r.byGroup[""][resource]; ok {
		return "", resource, subresource
	}
	var found []string
	for _, g := range r.Groups() {
		if _, ok := r.byGroup[g][resource]; ok {
			found = append(found, g)
		}
	}
	if len(found) == 1 {
		return found[0], resource, subresource
	}
	return "", resource, subresource
}
