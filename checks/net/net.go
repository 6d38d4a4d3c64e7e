package net

import (
	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// Category is the catalog category of the ingress checks.
const Category = "Ingress"

// Options are the ingress checks' thresholds.
type Options struct {
	// MinClassesForDefault is the number of IngressClasses from which
	// NET-003 warns that none is marked default (default 2: with a single
	// class, every Ingress that means it can name it).
	MinClassesForDefault int `json:"minClassesForDefault"`
}

// DefaultOptions returns the documented defaults.
func DefaultOptions() Options {
	return Options{MinClassesForDefault: 2}
}

// Checks returns the ingress checks in ID order, evaluating with o.
func Checks(o Options) []check.Check {
	return check.Bind(o, net001, net002, net003, net004, net009)
}

var net001 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "NET-001",
		Title:    "No two Ingresses claim the same host and path",
		Category: Category,
		Rule: "Each path of every Ingress rule is keyed by the Ingress's class (spec.ingressClassName, else the kubernetes.io/ingress.class annotation, else none), " +
			"the rule's host (none means every host), the path and its pathType. A key claimed by two or more Ingresses, in any namespaces, " +
			"is fail on each of them, naming the others; the same key twice within one Ingress is not judged. Ingresses whose keys are their own pass; no Ingress: na.",
		Rationale: "A controller serving one class merges the rules of all its Ingresses into one routing table. " +
			"When two Ingresses claim the same host and path only one of them receives the traffic (which one depends on the controller: ingress-nginx keeps the oldest), " +
			"the other is silently ignored, and an Ingress created in another namespace can take traffic away from an application that has served it for months.",
		Remediation: "Give each host and path to one Ingress: rename the host or path of the newer Ingress, merge the two, or move one to another class; " +
			"an admission policy that refuses a host already claimed in another namespace prevents it coming back.",
	},
	Needs: []cluster.Kind{cluster.KindIngresses},
	Eval:  evalNET001,
}

var net002 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "NET-002",
		Title:    "Ingress backends name Services and ports that exist",
		Category: Category,
		Rule: "For each Ingress, every Service backend (spec.defaultBackend and every rule path) is looked up by name in the Ingress's namespace: " +
			"a Service that does not exist, or a port (service.port.number against spec.ports[].port, service.port.name against spec.ports[].name) the Service does not expose, is fail. " +
			"ExternalName Services are not judged on ports. Resource backends are not judged. " +
			"On manifests a Service that is not in the input is unknown, not missing: an Ingress whose only open backends are unknown is skip, saying so. " +
			"Ingresses whose backends all resolve pass; no Ingress: na.",
		Rationale: "The controller answers every request routed to a missing Service or port with an error (503 from ingress-nginx, 404 or 502 from others): " +
			"the route is in place and looks healthy while the application behind it is unreachable, typically after a Service was renamed or its port changed.",
		Remediation: "Point the backend at the Service and port that exist (kubectl get service -n NAMESPACE NAME -o yaml lists its ports), or create the Service.",
	},
	Needs: []cluster.Kind{cluster.KindIngresses, cluster.KindServices},
	Eval:  evalNET002,
}

var net003 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "NET-003",
		Title:    "IngressClasses have one default and a controller behind them",
		Category: Category,
		Rule: "A class is default when its annotation ingressclass.kubernetes.io/is-default-class is \"true\". " +
			"More than one default is fail; MinClassesForDefault (default 2) or more IngressClasses with no default is warn; otherwise the classes pass (one cluster-wide result). " +
			"An Ingress without spec.ingressClassName and without the legacy kubernetes.io/ingress.class annotation, when no default class exists, is warn. " +
			"A class whose spec.controller is k8s.io/ingress-nginx or traefik.io/ingress-controller passes when a Deployment or DaemonSet runs that controller " +
			"(ingress-nginx: a container running /nginx-ingress-controller, its --controller-class flag or k8s.io/ingress-nginx; Traefik: a container with --providers.kubernetesingress), " +
			"and is warn on a live read when none does; other controllers are not judged. " +
			"On manifests, IngressClasses and controllers absent from the input are unknown: no default among the classes shown, the classless Ingresses and the controllers skip there. No IngressClass and no Ingress: na.",
		Rationale: "Ingresses that name no class are served by the default class; the DefaultIngressClass admission plugin refuses to create them while several classes are marked default, " +
			"and with several classes and no default they are served by none (ingress-nginx ignores them unless --watch-ingress-without-class is set), so they route nothing without any error. " +
			"A class whose controller is not running leaves every Ingress of that class unserved.",
		Remediation: "Mark exactly one IngressClass with the annotation ingressclass.kubernetes.io/is-default-class: \"true\"; " +
			"give every Ingress spec.ingressClassName; install or restart the controller a class names, or delete the class.",
	},
	Needs: []cluster.Kind{cluster.KindIngresses, cluster.KindIngressClasses, cluster.KindDeployments, cluster.KindDaemonSets},
	Eval:  evalNET003,
}

var net004 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "NET-004",
		Title:    "Every Ingress TLS host has a rule",
		Category: Category,
		Rule: "For each Ingress with spec.tls, every host of every TLS entry must be matched by a rule host of the same Ingress, as the Ingress API matches hosts: " +
			"equal (case-insensitively), or a rule host *.example.com matching exactly one more leading label (a.example.com, not a.b.example.com nor example.com); " +
			"a rule without a host matches every host. An unmatched TLS host is warn; TLS entries without hosts are not judged. " +
			"The TLS Secret is not checked: seaworthy never reads Secrets (an --allow-secret-metadata flag to check that it exists by its metadata is future work). Ingresses with TLS hosts that all match pass; no Ingress with TLS hosts: na.",
		Rationale: "A TLS host without a rule is usually a typo or a leftover of a renamed host: the certificate is configured but requests for that host reach no backend " +
			"(the controller's default backend answers 404), while the rule's own host may be served with the controller's default certificate instead.",
		Remediation: "Make the TLS hosts and the rule hosts of the Ingress the same names, or remove the TLS host that is no longer served.",
	},
	Needs: []cluster.Kind{cluster.KindIngresses},
	Eval:  evalNET004,
}
