package net

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// The spec.controller values of the controllers NET-003 recognises.
const (
	nginxController   = "k8s.io/ingress-nginx"
	traefikController = "traefik.io/ingress-controller"
)

// controllerOf returns the spec.controller value a container of a
// recognised ingress controller serves, or "".
func controllerOf(c *corev1.Container) string {
	words := append(append([]string{}, c.Command...), c.Args...)
	nginx := false
	class := nginxController
	for _, w := range words {
		switch {
		case w == "nginx-ingress-controller" || strings.HasSuffix(w, "/nginx-ingress-controller"):
			nginx = true
		case strings.HasPrefix(w, "--controller-class="):
			class = strings.TrimPrefix(w, "--controller-class=")
		case w == "--providers.kubernetesingress" || w == "--providers.kubernetesingress=true":
			return traefikController
		}
	}
	if nginx {
		return class
	}
	return ""
}

// runningControllers maps each recognised spec.controller value to the
// Deployments and DaemonSets running it ("Deployment NS/NAME").
func runningControllers(s *cluster.Snapshot) map[string][]string {
	out := map[string][]string{}
	add := func(kind, ns, name string, spec *corev1.PodSpec) {
		for i := range spec.Containers {
			if c := controllerOf(&spec.Containers[i]); c != "" {
				out[c] = append(out[c], kind+" "+ns+"/"+name)
				return
			}
		}
	}
	for i := range s.Deployments {
		d := &s.Deployments[i]
		add("Deployment", d.Namespace, d.Name, &d.Spec.Template.Spec)
	}
	for i := range s.DaemonSets {
		d := &s.DaemonSets[i]
		add("DaemonSet", d.Namespace, d.Name, &d.Spec.Template.Spec)
	}
	return out
}

// isDefault reports whether c is marked as the default class.
func isDefault(c *networkingv1.IngressClass) bool {
	return c.Annotations[networkingv1.AnnotationIsDefaultIngressClass] == "true"
}

func evalNET003(in *check.Input, o *Options) []result.Result {
	s := in.Snapshot
	if len(s.IngressClasses) == 0 && len(s.Ingresses) == 0 {
		return []result.Result{result.New(result.StatusNA, result.Cluster, "No IngressClass and no Ingress is in the input.", nil)}
	}
	partial := s.FromManifests()
	// Manifests without Node objects are a part of a cluster (one add-on's
	// bundle): their classes are not known to be all the cluster's.
	partOfCluster := check.PartOfCluster(s)
	var names, defaults []string
	for i := range s.IngressClasses {
		c := &s.IngressClasses[i]
		names = append(names, c.Name)
		if isDefault(c) {
			defaults = append(defaults, c.Name)
		}
	}
	sort.Strings(names)
	sort.Strings(defaults)
	var out []result.Result

	// The default class, judged once for the cluster.
	ev := result.Evidence{"ingressClasses": names, "defaultClasses": defaults}
	switch {
	case len(defaults) > 1:
		out = append(out, result.New(result.StatusFail, result.Cluster, fmt.Sprintf(
			"IngressClasses %s are all marked default, so the API server refuses to create an Ingress that names no class; keep the annotation %s: \"true\" on one of them.",
			andList(defaults), networkingv1.AnnotationIsDefaultIngressClass), ev))
	case len(defaults) == 1 && partOfCluster:
		out = append(out, result.New(result.StatusPass, result.Cluster, fmt.Sprintf(
			"IngressClass %s is the default of the %d IngressClass%s in the input; classes elsewhere in the cluster are not in it, and a second default among them would make the API server refuse Ingresses that name no class.",
			defaults[0], len(names), plural(len(names), "", "es")), ev))
	case len(defaults) == 1 && len(names) == 1:
		out = append(out, result.New(result.StatusPass, result.Cluster, fmt.Sprintf(
			"IngressClass %s is the only class and the default.", defaults[0]), ev))
	case len(defaults) == 1:
		out = append(out, result.New(result.StatusPass, result.Cluster, fmt.Sprintf(
			"IngressClass %s is the default of the %d IngressClass%s.", defaults[0], len(names), plural(len(names), "", "es")), ev))
	case len(names) >= o.MinClassesForDefault && partial:
		out = append(out, result.New(result.StatusSkip, result.Cluster, fmt.Sprintf(
			"None of the %d IngressClasses %s in the input is marked default; whether the cluster has a default class elsewhere is not known (%s).",
			len(names), andList(names), check.SourceWords(s)), ev))
	case len(names) >= o.MinClassesForDefault:
		out = append(out, result.New(result.StatusWarn, result.Cluster, fmt.Sprintf(
			"None of the %d IngressClasses %s is marked default, so an Ingress that names no class is served by none of them; "+
				"mark one with the annotation %s: \"true\".", len(names), andList(names), networkingv1.AnnotationIsDefaultIngressClass), ev))
	case len(names) > 0 && partOfCluster:
		out = append(out, result.New(result.StatusPass, result.Cluster, fmt.Sprintf(
			"IngressClass %s is the one class in the input and is not marked default, so the input's Ingresses must name it (or a default class elsewhere in the cluster).", names[0]), ev))
	case len(names) > 0:
		out = append(out, result.New(result.StatusPass, result.Cluster, fmt.Sprintf(
			"IngressClass %s is the only class; it is not marked default, so Ingresses must name it.", names[0]), ev))
	}

	// Ingresses that name no class, when no class is the default.
	if len(defaults) == 0 {
		for i := range s.Ingresses {
			ing := &s.Ingresses[i]
			if _, named := className(ing); named {
				continue
			}
			if partial {
				out = append(out, result.New(result.StatusSkip, ingressRef(ing), fmt.Sprintf(
					"%s names no class and the input marks no IngressClass default; whether the cluster has a default class is not known (%s).",
					ingressName(ing), check.SourceWords(s)), nil))
				continue
			}
			out = append(out, result.New(result.StatusWarn, ingressRef(ing), fmt.Sprintf(
				"%s names no class (no spec.ingressClassName, no %s annotation) and no IngressClass is the default, so no controller is bound to serve it; set spec.ingressClassName.",
				ingressName(ing), legacyClassAnnotation), nil))
		}
	}

	// The controller behind each class, where it is one seaworthy knows.
	running := runningControllers(s)
	for i := range s.IngressClasses {
		c := &s.IngressClasses[i]
		ref := cluster.RefOf(cluster.KindIngressClasses, "", c.Name)
		ctl := c.Spec.Controller
		cev := result.Evidence{"controller": ctl}
		if by := running[ctl]; len(by) > 0 {
			cev["controllerWorkloads"] = by
			out = append(out, result.New(result.StatusPass, ref, fmt.Sprintf(
				"IngressClass %s: controller %s runs in %s.", c.Name, ctl, strings.Join(by, ", ")), cev))
			continue
		}
		switch {
		case ctl != nginxController && ctl != traefikController:
			out = append(out, result.New(result.StatusPass, ref, fmt.Sprintf(
				"IngressClass %s names controller %s, which is not one whose Deployment seaworthy recognises (%s, %s); whether it runs is not judged.",
				c.Name, ctl, nginxController, traefikController), cev))
		case partial:
			out = append(out, result.New(result.StatusSkip, ref, fmt.Sprintf(
				"IngressClass %s names controller %s and no Deployment or DaemonSet in the input runs it; whether it runs elsewhere is not known (%s).",
				c.Name, ctl, check.SourceWords(s)), cev))
		default:
			out = append(out, result.New(result.StatusWarn, ref, fmt.Sprintf(
				"IngressClass %s names controller %s but no Deployment or DaemonSet runs it, so no Ingress of the class is served; install the controller or delete the class.",
				c.Name, ctl), cev))
		}
	}
	out = append(out, missingClasses(s)...)
	if len(out) == 0 {
		out = append(out, result.New(result.StatusPass, result.Cluster, "Every Ingress names its class.", nil))
	}
	return out
}
