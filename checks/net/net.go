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
	// AddonNamespaces are the namespaces whose ingress controllers
	// ADDON-001 judges (keep it equal to the ADDON checks' namespaces,
	// default kube-system): there NET-005 leaves a single replica and a
	// PDB allowing no disruption to ADDON-001 and reports them as shape.
	AddonNamespaces []string `json:"addonNamespaces"`
	// AddonInfrastructure adds the namespaces running node-level
	// infrastructure to AddonNamespaces, as the ADDON checks'
	// includeInfrastructure does (default true).
	AddonInfrastructure bool `json:"addonInfrastructure"`
}

// DefaultOptions returns the documented defaults.
func DefaultOptions() Options {
	return Options{MinClassesForDefault: 2, AddonNamespaces: []string{"kube-system"}, AddonInfrastructure: true}
}

// Checks returns the ingress checks in ID order, evaluating with o.
func Checks(o Options) []check.Check {
	return check.Bind(o, net001, net002, net003, net004, net005, net006, net007, net008, net009)
}

var net001 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "NET-001",
		Title:    "No two Ingresses claim the same host and path",
		Category: Category,
		Rule: "Each path of every Ingress rule is keyed by the Ingress's class (spec.ingressClassName, else the kubernetes.io/ingress.class annotation, else none), " +
			"the rule's host (none means every host), the path and its pathType. A key claimed by two or more Ingresses, in any namespaces, " +
			"is fail on each of them, naming the others; the same key twice within one Ingress is not judged. " +
			"An ingress-nginx canary Ingress (" + canaryAnnotationWords + ") shares its main Ingress's routes by design and passes here; NET-008 judges it. Ingresses whose keys are their own pass; no Ingress: na.",
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
		Title:    "IngressClasses exist, have one default and a controller behind them",
		Category: Category,
		Rule: "A class is default when its annotation ingressclass.kubernetes.io/is-default-class is \"true\". " +
			"More than one default is fail; MinClassesForDefault (default 2) or more IngressClasses with no default is warn; otherwise the classes pass (one cluster-wide result; on manifests without Node objects, a part of a cluster, the pass speaks of the classes in the input, not of the cluster's only class). " +
			"An Ingress without spec.ingressClassName and without the legacy kubernetes.io/ingress.class annotation, when no default class exists, is warn. " +
			"A class whose spec.controller is k8s.io/ingress-nginx or traefik.io/ingress-controller passes when a Deployment or DaemonSet runs that controller " +
			"(ingress-nginx: a container running /nginx-ingress-controller, its --controller-class flag or k8s.io/ingress-nginx; Traefik: a container with --providers.kubernetesingress), " +
			"and is warn on a live read when none does; other controllers are not judged. " +
			"An Ingress whose spec.ingressClassName names no IngressClass is fail (the legacy kubernetes.io/ingress.class annotation is not judged: controllers match it against their own flag, not an IngressClass object). " +
			"On manifests, IngressClasses and controllers absent from the input are unknown: no default among the classes shown, the classless Ingresses, the controllers " +
			"and a named class not in the input (once per class, naming its Ingresses) skip there. No IngressClass and no Ingress: na.",
		Rationale: "Ingresses that name no class are served by the default class; the DefaultIngressClass admission plugin refuses to create them while several classes are marked default, " +
			"and with several classes and no default they are served by none (ingress-nginx ignores them unless --watch-ingress-without-class is set), so they route nothing without any error. " +
			"A class whose controller is not running, or a class an Ingress names that does not exist (renamed, or its chart uninstalled), leaves every Ingress of that class unserved.",
		Remediation: "Mark exactly one IngressClass with the annotation ingressclass.kubernetes.io/is-default-class: \"true\"; " +
			"give every Ingress spec.ingressClassName naming a class that exists (kubectl get ingressclass); install or restart the controller a class names, or delete the class.",
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

var net005 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "NET-005",
		Title:    "Ingress controllers are shaped to survive node loss and drains",
		Category: Category,
		Rule: "The ingress controllers are the Deployments, StatefulSets and DaemonSets in any namespace that run one: those NET-003 recognises by their flags " +
			"(ingress-nginx, Traefik; the IngressClasses whose spec.controller they serve are named), and by image ingress-nginx/controller, nginx-ingress-controller, " +
			"nginx/nginx-ingress, traefik, haproxy-ingress, haproxytech/kubernetes-ingress, projectcontour/contour (Contour and its Envoy DaemonSet, whose shutdown-manager runs it), " +
			"kong/kubernetes-ingress-controller, emissary-ingress/emissary, datawire/emissary and datawire/ambassador. Each gets one result saying what it is. " +
			"A DaemonSet is info: one pod per selected node (its nodeSelector, required node affinity, or every node), its host ports or the host network; it grows with the nodes and needs no replica count. " +
			"A Deployment or StatefulSet reports its replica floor (an HPA's minReplicas, else spec.replicas), the PodDisruptionBudgets selecting it and what each allows, " +
			"and the topology keys of its spread constraints and pod anti-affinity. Its fragile points are a replica floor of 1, a PDB allowing no disruption (or invalid), " +
			"no PDB with 2 or more replicas (on manifests holding no PDB at all, as ADDON-001 decides, a PDB elsewhere is not known, so not judged), and 2 or more replicas with no spread or anti-affinity. " +
			"Each point is judged by one check only: outside the add-on namespaces (AddonNamespaces, default kube-system, and with AddonInfrastructure the infrastructure namespaces) " +
			"the WL checks judge them (WL-001, WL-003, WL-002, WL-008), and NET-005 is info naming those checks; inside, ADDON-001 judges the single replica and the blocking PDB " +
			"of ingress-nginx, Traefik, HAProxy Ingress and Kong, and NET-005 warns on every other point, as the WL checks do not look there. " +
			"A Deployment scaled to 0 is info. No controller recognised: na.",
		Rationale: "Every Ingress's traffic passes through the controller's pods. A single replica makes every node drain, upgrade or eviction an outage of every route; " +
			"a PDB that allows no disruption blocks the drain instead; without a PDB a drain may evict every replica at once; replicas the scheduler may stack on one node go down with it. " +
			"A DaemonSet on a node selector scales with the edge nodes and binds host ports, a Deployment scales up and down more easily: both are sound when shaped for it.",
		Remediation: "Run a Deployment controller with 2 or more replicas, a topology spread on kubernetes.io/hostname (and topology.kubernetes.io/zone where nodes span zones) " +
			"and one PodDisruptionBudget of maxUnavailable: 1; or run it as a DaemonSet on the nodes that take the traffic.",
	},
	Needs: []cluster.Kind{cluster.KindDeployments, cluster.KindStatefulSets, cluster.KindDaemonSets, cluster.KindIngressClasses, cluster.KindHPAs, cluster.KindPDBs},
	Eval:  evalNET005,
}

var net006 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "NET-006",
		Title:    "Ingress controllers on host ports can bind them without running as root",
		Category: Category,
		Rule: "For each container of an ingress controller (NET-005's) that exposes a port on its node below 1024 as the process binds it " +
			"(with hostNetwork: true every containerPort; otherwise a hostPort forwards to its containerPort, which is the port judged): " +
			"privileged is warn; a pod sysctl net.ipv4.ip_unprivileged_port_start at or below the port (not on the host network, where the pod may not set it) passes; " +
			"capabilities.drop ALL or NET_BIND_SERVICE without NET_BIND_SERVICE in capabilities.add is fail, whatever the user (root without the capability cannot bind either); " +
			"an effective runAsUser of 0 (the container's, else the pod's) is warn, running as root only to bind; NET_BIND_SERVICE added passes; " +
			"the runtime's default capabilities (which include NET_BIND_SERVICE) pass, saying so. With no runAsUser the user is the image's default, which the input does not show, " +
			"so it is not judged as root. A controller binding no such port: na for it; no controller: na.",
		Rationale: "A process needs the NET_BIND_SERVICE capability to bind a port below 1024. A controller that drops every capability and does not add it back crash-loops on its listen call; " +
			"one that runs as root or privileged to bind gives every request-handling process far more than binding needs, on a pod that faces the internet.",
		Remediation: "Run the controller as a non-root user with securityContext.capabilities drop: [ALL] and add: [NET_BIND_SERVICE], allowPrivilegeEscalation: false; " +
			"or keep it off the host network and map hostPort 80/443 to container ports above 1024.",
	},
	Needs: []cluster.Kind{cluster.KindDeployments, cluster.KindStatefulSets, cluster.KindDaemonSets, cluster.KindIngressClasses},
	Eval:  evalNET006,
}

var net007 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "NET-007",
		Title:    "Ingresses route to in-cluster Services, not ExternalName ones",
		Category: Category,
		Rule: "Every Service backend of every Ingress (as NET-002 reads them) is looked up in the Ingress's namespace: a Service of type ExternalName is warn on the Ingress, " +
			"naming the Service and its externalName. Pass once when no backend is one; on manifests a backend Service not in the input is unknown (NET-002 skips it), " +
			"and with no ExternalName found the check skips once naming them. No Ingress, or none with a Service backend: na.",
		Rationale: "An ExternalName backend makes the controller proxy requests out of the cluster to a DNS name it resolves itself: the traffic leaves the cluster, " +
			"whoever controls that name receives it, and controllers refuse it unless allowed (Traefik needs allowExternalNameServices on its Kubernetes Ingress provider " +
			"and speaks HTTPS to the name only on port 443; ingress-nginx resolves the name when it builds its upstreams).",
		Remediation: "Route to a Service with endpoints in the cluster, or, where the external backend is intended, allow it explicitly in the controller and pin the name to a host you control.",
	},
	Needs: []cluster.Kind{cluster.KindIngresses, cluster.KindServices},
	Eval:  evalNET007,
}

var net008 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "NET-008",
		Title:    "Canary Ingresses split traffic as the controller expects",
		Category: Category,
		Rule: "A canary is an Ingress annotated " + canaryAnnotationWords + " (ingress-nginx). For each: canary-weight-total (default 100) or canary-weight that is not an integer, " +
			"or a total that is not positive, is fail (the controller discards the annotation); a weight outside 0..total is warn; " +
			"another canary claiming one of its routes (class, host, path and pathType, as NET-001 keys them) is fail on each, since ingress-nginx applies at most one canary per Ingress rule; " +
			"a route no non-canary Ingress claims is warn on a live read (the canary has no main backend to split) and unknown on manifests, where the main Ingress may be in another bundle (skip when that is all). " +
			"A canary without rules is warn. Canaries with a main Ingress per route and a valid weight pass. NET-001 leaves canaries out of its collisions. " +
			"Traefik's weighted splits live in TraefikService objects, which seaworthy does not collect, so they are not judged. No canary: na.",
		Rationale: "ingress-nginx attaches a canary to the main Ingress with the same host and path; without one the canary routes nothing, with two canaries on one rule only one is used, " +
			"and a weight it cannot parse sends no weighted traffic to the canary, so a rollout believed to be at 10% is at 0% or 100% without any error.",
		Remediation: "Keep one canary Ingress per host and path beside the main Ingress of the same class, with canary-weight an integer from 0 to canary-weight-total.",
	},
	Needs: []cluster.Kind{cluster.KindIngresses},
	Eval:  evalNET008,
}
