package net

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// knownController is an ingress controller recognised by its image.
type knownController struct {
	// name is how messages call it.
	name string
	// images match a container's image: a pattern with a slash matches
	// the end of the image's repository path (index.ImageRepository), one
	// without matches its last element (index.ImageName).
	images []string
}

// knownControllers are the ingress controllers recognised by image, in
// match order. Contour's Envoy DaemonSet is recognised through its
// shutdown-manager container, which runs the contour image; a bare Envoy
// image is not an ingress controller by itself (meshes run it too).
var knownControllers = []knownController{
	{"ingress-nginx", []string{"ingress-nginx/controller", "ingress-nginx/controller-chroot", "nginx-ingress-controller"}},
	{"NGINX Ingress Controller", []string{"nginx/nginx-ingress"}},
	{"Traefik", []string{"traefik"}},
	{"HAProxy Ingress", []string{"haproxy-ingress", "haproxytech/kubernetes-ingress"}},
	{"Contour", []string{"projectcontour/contour"}},
	{"Kong", []string{"kong/kubernetes-ingress-controller"}},
	{"Emissary-ingress", []string{"emissary-ingress/emissary", "datawire/emissary", "datawire/ambassador"}},
}

// addonJudged are the controllers ADDON-001 also recognises (its own list
// in checks/addon); in the add-on namespaces their single replica and a
// blocking PDB are its findings, not NET-005's.
var addonJudged = map[string]bool{"ingress-nginx": true, "Traefik": true, "HAProxy Ingress": true, "Kong": true}

// controllerNames names the controllers NET-003's flag recognition finds.
var controllerNames = map[string]string{traefikController: "Traefik"}

// ingressController is one workload running an ingress controller.
type ingressController struct {
	w *index.Workload
	// name is what it was recognised as (ingress-nginx, Traefik, ...).
	name string
	// classes are the IngressClasses whose spec.controller it serves,
	// sorted; empty when it was recognised by image only.
	classes []string
}

// recogniseController returns what ingress controller spec runs and the
// spec.controller value it serves ("" when known by image only), or "", "".
// NET-003's flag recognition comes first, then the images.
func recogniseController(spec *corev1.PodSpec) (name, controller string) {
	for i := range spec.Containers {
		if ctl := controllerOf(&spec.Containers[i]); ctl != "" {
			if n, ok := controllerNames[ctl]; ok {
				return n, ctl
			}
			return "ingress-nginx", ctl
		}
	}
	for _, k := range knownControllers {
		for i := range spec.Containers {
			if index.ImageMatches(spec.Containers[i].Image, k.images) {
				return k.name, ""
			}
		}
	}
	return "", ""
}

// ingressControllers returns every Deployment, StatefulSet and DaemonSet
// running an ingress controller, in any namespace, in the index's order.
func ingressControllers(in *check.Input) []ingressController {
	byController := map[string][]string{}
	for i := range in.Snapshot.IngressClasses {
		c := &in.Snapshot.IngressClasses[i]
		byController[c.Spec.Controller] = append(byController[c.Spec.Controller], c.Name)
	}
	var out []ingressController
	for _, w := range in.Index.Workloads() {
		name, ctl := recogniseController(&w.Template.Spec)
		if name == "" {
			continue
		}
		classes := slices.Clone(byController[ctl])
		if ctl == "" {
			classes = nil
		}
		sort.Strings(classes)
		out = append(out, ingressController{w: w, name: name, classes: classes})
	}
	return out
}

// what reads "Deployment ingress-nginx/ingress-nginx-controller
// (ingress-nginx, class nginx)".
func (c ingressController) what() string {
	s := c.w.Kind + " " + c.w.Namespace + "/" + c.w.Name + " (" + c.name
	if len(c.classes) > 0 {
		s += ", " + plural(len(c.classes), "class ", "classes ") + andList(c.classes)
	}
	return s + ")"
}

// evidence is the evidence every controller result carries.
func (c ingressController) evidence() result.Evidence {
	ev := result.Evidence{"ingressController": c.name}
	if len(c.classes) > 0 {
		ev["servedClasses"] = c.classes
	}
	return ev
}

// hostPort is one container port a controller exposes on its node.
type hostPort struct {
	// host is the node's port; bound is the port the container's process
	// binds (containerPort: with a hostPort the node's port is forwarded
	// to it, with hostNetwork they are the same).
	host, bound int32
}

// hostPorts returns the ports container c exposes on its node: each
// hostPort, or with hostNetwork every containerPort.
func hostPorts(spec *corev1.PodSpec, c *corev1.Container) []hostPort {
	var out []hostPort
	for _, p := range c.Ports {
		switch {
		case spec.HostNetwork:
			out = append(out, hostPort{p.ContainerPort, p.ContainerPort})
		case p.HostPort > 0:
			out = append(out, hostPort{p.HostPort, p.ContainerPort})
		}
	}
	return out
}

// portList reads "80 and 443" for the node's ports.
func portList(ps []hostPort) string {
	words := make([]string, len(ps))
	for i, p := range ps {
		words[i] = strconv.Itoa(int(p.host))
	}
	return andList(words)
}

// addonNamespaces is the set of namespaces ADDON-001 judges, as
// Options.AddonNamespaces and the infrastructure namespaces tell.
func addonNamespaces(ix *index.Index, o *Options) map[string]bool {
	set := map[string]bool{}
	for _, n := range o.AddonNamespaces {
		set[n] = true
	}
	if o.AddonInfrastructure {
		for _, inf := range ix.InfrastructureNamespaces() {
			set[inf.Namespace] = true
		}
	}
	return set
}

// placement reads where a DaemonSet's pods go: "on nodes with nodeSelector
// role=edge", "on the nodes its required node affinity selects" or "on
// every node its tolerations allow".
func placement(spec *corev1.PodSpec) string {
	if len(spec.NodeSelector) > 0 {
		var kv []string
		for _, k := range check.SortedKeys(spec.NodeSelector) {
			kv = append(kv, k+"="+spec.NodeSelector[k])
		}
		return "on the nodes with nodeSelector " + strings.Join(kv, ",")
	}
	if a := spec.Affinity; a != nil && a.NodeAffinity != nil && a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution != nil {
		return "on the nodes its required node affinity selects"
	}
	return "on every node its tolerations allow"
}

func evalNET005(in *check.Input, o *Options) []result.Result {
	ctls := ingressControllers(in)
	if len(ctls) == 0 {
		return []result.Result{result.New(result.StatusNA, result.Cluster,
			"No ingress controller seaworthy recognises runs in the input (ingress-nginx, NGINX Ingress Controller, Traefik, HAProxy Ingress, Contour, Kong, Emissary-ingress).", nil)}
	}
	ix := in.Index
	s := in.Snapshot
	addonNS := addonNamespaces(ix, o)
	// On manifests holding no PDB at all, a PDB may exist elsewhere, so
	// its absence is not known (as ADDON-001 decides); manifests that hold
	// PDBs ship them beside the workloads they guard.
	pdbKnown := !s.FromManifests() || len(s.PDBs) > 0
	out := make([]result.Result, 0, len(ctls))
	for _, c := range ctls {
		w := c.w
		ev := c.evidence()
		spec := &w.Template.Spec
		if w.Kind == index.KindDaemonSet {
			shape := fmt.Sprintf("%s: one pod %s", c.what(), placement(spec))
			var ports []hostPort
			for i := range spec.Containers {
				ports = append(ports, hostPorts(spec, &spec.Containers[i])...)
			}
			switch {
			case spec.HostNetwork:
				shape += ", on the host network"
			case len(ports) > 0:
				shape += ", host ports " + portList(ports)
			}
			if len(ports) > 0 {
				ev["hostPorts"] = hostPortNumbers(ports)
			}
			out = append(out, result.New(result.StatusInfo, w.Ref(), shape+
				"; a DaemonSet grows with the nodes it selects and needs no replica count, PodDisruptionBudget or spread of its own (a drain moves no pod of it elsewhere).", ev))
			continue
		}
		floor, hpa := ix.ReplicaFloor(w)
		ev["replicaFloor"] = floor
		if w.Replicas == 0 && hpa == "" {
			out = append(out, result.New(result.StatusInfo, w.Ref(), c.what()+" is scaled to 0 replicas, so it serves nothing; its shape is not judged.", ev))
			continue
		}
		// Who judges each fragile point: outside the add-on namespaces the
		// WL checks do; inside, ADDON-001 judges a single replica and a
		// blocking PDB of the controllers it recognises, and NET-005 the
		// rest.
		inAddon := addonNS[w.Namespace]
		byAddon := inAddon && addonJudged[c.name]
		var parts, fragile, elsewhere []string
		point := func(own bool, by, words string) {
			switch {
			case own:
				fragile = append(fragile, words)
			default:
				elsewhere = append(elsewhere, by)
			}
		}
		if hpa != "" {
			parts = append(parts, fmt.Sprintf("at least %d %s (HorizontalPodAutoscaler %s)", floor, plural(floor, "replica", "replicas"), hpa))
		} else {
			parts = append(parts, fmt.Sprintf("%d %s", floor, plural(floor, "replica", "replicas")))
		}
		if floor == 1 {
			point(inAddon && !byAddon, judge(byAddon, "ADDON-001", "WL-001")+" (single replica)",
				"a single replica, so every node drain, upgrade or eviction stops its traffic")
		}
		budgets := ix.PDBsFor(w)
		var pdbWords, pdbEv []string
		blocking := false
		for _, b := range budgets {
			if b.Err != nil {
				pdbWords = append(pdbWords, fmt.Sprintf("PDB %s is invalid (%v)", b.PDB.Name, b.Err))
				pdbEv = append(pdbEv, b.PDB.Name+" invalid")
				blocking = true
				continue
			}
			pdbWords = append(pdbWords, fmt.Sprintf("PDB %s allows %d %s", b.PDB.Name, b.Allowed, plural(b.Allowed, "disruption", "disruptions")))
			pdbEv = append(pdbEv, fmt.Sprintf("%s allows %d", b.PDB.Name, b.Allowed))
			blocking = blocking || b.Allowed == 0
		}
		switch {
		case len(budgets) > 0:
			parts = append(parts, strings.Join(pdbWords, ", "))
			ev["pdbBudgets"] = pdbEv
			if blocking {
				point(inAddon && !byAddon, judge(byAddon, "ADDON-001", "WL-003")+" (PDB allowing no disruption)",
					"a PodDisruptionBudget that allows no disruption, so it blocks every node drain")
			}
		case !pdbKnown:
			parts = append(parts, "no PodDisruptionBudget in the input (whether the cluster has one is not known)")
		default:
			parts = append(parts, "no PodDisruptionBudget")
			if floor >= 2 {
				point(inAddon, "WL-002 (no PDB)", "no PodDisruptionBudget, so a drain may evict all its replicas at once")
			}
		}
		if keys := index.SpreadKeys(spec); len(keys) > 0 {
			parts = append(parts, "spread over "+andList(keys))
			ev["spreadKeys"] = keys
		} else {
			parts = append(parts, "no topology spread or pod anti-affinity")
			if floor >= 2 {
				point(inAddon, "WL-008 (no spread)",
					fmt.Sprintf("%d replicas with no topology spread or pod anti-affinity, so they may all share one node", floor))
			}
		}
		shape := c.what() + ": " + strings.Join(parts, ", ")
		if len(elsewhere) > 0 {
			shape += "; its fragile points are judged by " + andList(elsewhere)
		}
		if len(fragile) == 0 {
			out = append(out, result.New(result.StatusInfo, w.Ref(), shape+".", ev))
			continue
		}
		out = append(out, result.New(result.StatusWarn, w.Ref(), fmt.Sprintf(
			"%s. Fragile in add-on namespace %s, where the WL checks do not look: %s; run 2 or more replicas with a topology spread on kubernetes.io/hostname and a PodDisruptionBudget of maxUnavailable: 1.",
			shape, w.Namespace, strings.Join(fragile, "; ")), ev))
	}
	return out
}

// judge picks the check that judges a point: a when cond, else b.
func judge(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

// hostPortNumbers returns the node's ports for evidence.
func hostPortNumbers(ps []hostPort) []int {
	out := make([]int, len(ps))
	for i, p := range ps {
		out[i] = int(p.host)
	}
	return out
}
