package adm

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// defaultWebhookPort is clientConfig.service.port when unset.
const defaultWebhookPort = 443

func evalADM005(in *check.Input, _ *Options) []result.Result {
	s := in.Snapshot
	hooks := webhooks(s)
	if len(hooks) == 0 {
		return []result.Result{noWebhooks(s)}
	}
	b := newBackends(in)
	var out []result.Result
	for i := range hooks {
		if hooks[i].clientConfig.Service == nil {
			continue
		}
		out = append(out, adm005For(&hooks[i], b, in))
	}
	if len(out) == 0 {
		return []result.Result{result.New(result.StatusNA, result.ObjectRef{},
			"Every admission webhook in the input is called by clientConfig.url, outside the cluster's Services; there is no Service wiring to judge.", nil)}
	}
	return out
}

// adm005For judges one webhook's Service wiring, then whether its own
// backend pods are matched by it.
func adm005For(w *webhook, b *backends, in *check.Input) result.Result {
	s := in.Snapshot
	ref, ev := w.ref(), w.evidence()
	svcRef := w.clientConfig.Service
	key := svcRef.Namespace + "/" + svcRef.Name
	port := int32(defaultWebhookPort)
	if svcRef.Port != nil {
		port = *svcRef.Port
	}
	ev["service"], ev["port"] = key, int(port)
	closed := w.failsClosed()
	ev["failurePolicy"] = "Fail"
	if !closed {
		ev["failurePolicy"] = string(*w.failurePolicy)
	}
	broken := func(problem string) result.Result {
		ev["problem"] = problem
		if closed {
			return result.New(result.StatusFail, ref, fmt.Sprintf(
				"%s calls Service %s port %d, but %s: every call fails, and with failurePolicy Fail every request it matches is rejected; make clientConfig.service, the Service's ports and selector, and the backend pods' ports line up.",
				w.label(), key, port, problem), ev)
		}
		return result.New(result.StatusWarn, ref, fmt.Sprintf(
			"%s calls Service %s port %d, but %s: every call fails, and with failurePolicy Ignore the webhook never takes effect; make clientConfig.service, the Service's ports and selector, and the backend pods' ports line up.",
			w.label(), key, port, problem), ev)
	}
	svc := b.service(key)
	if svc == nil {
		if s.FromManifests() {
			return result.New(result.StatusSkip, ref, fmt.Sprintf(
				"%s calls Service %s, which the input does not hold; whether it exists with port %d cannot be judged from these manifests.", w.label(), key, port), ev)
		}
		return broken("that Service does not exist")
	}
	var sp *corev1.ServicePort
	var ports []string
	for i := range svc.Spec.Ports {
		ports = append(ports, fmt.Sprint(svc.Spec.Ports[i].Port))
		if svc.Spec.Ports[i].Port == port {
			sp = &svc.Spec.Ports[i]
		}
	}
	if sp == nil {
		if len(ports) == 0 {
			return broken("the Service exposes no port")
		}
		return broken(fmt.Sprintf("the Service exposes only port %s", strings.Join(ports, ", ")))
	}
	// The Service's backends: its selector against the pods (known on a
	// live read), its EndpointSlices' ports, and a named targetPort
	// against the backing workloads' container ports.
	known := false
	if len(svc.Spec.Selector) > 0 && !s.FromManifests() {
		known = true
		// A ready endpoint in the Service's EndpointSlices shows that pods
		// back it, whether or not they are among the pods read.
		if b.ready[key] == 0 && len(in.Index.PodsSelected(svc.Namespace, labels.SelectorFromSet(svc.Spec.Selector))) == 0 {
			return broken("its selector " + labels.SelectorFromSet(svc.Spec.Selector).String() + " matches no pod")
		}
	}
	if len(svc.Spec.Selector) == 0 && b.slicesComplete && !b.sliced[key] {
		return broken("the Service has no selector and no EndpointSlice names an address for it")
	}
	if names := b.slicePorts[key]; len(names) > 0 {
		known = true
		if !names[sp.Name] {
			return broken(fmt.Sprintf("its EndpointSlices carry no port %s (targetPort %s resolves on none of its pods)", portName(sp), sp.TargetPort.String()))
		}
	}
	backing := b.backing(svc)
	if sp.TargetPort.StrVal != "" && len(backing) > 0 {
		found := false
		for _, wl := range backing {
			if namesPort(&wl.Template.Spec, sp.TargetPort.StrVal) {
				found = true
			}
		}
		if !found {
			return broken(fmt.Sprintf("its targetPort %s names no container port of %s", sp.TargetPort.StrVal, workloadNames(backing)))
		}
	}
	if closed && w.matchesPods() {
		if own := selfMatched(w, backing, s); len(own) > 0 {
			ev["workloads"] = own
			return result.New(result.StatusWarn, ref, fmt.Sprintf(
				"%s fails closed and its rules, namespaceSelector and objectSelector match the pods of its own backend %s: "+
					"once all of them are down, the pods that would replace them are rejected by the webhook itself, and it cannot come back; "+
					"exclude the backend's namespace or pods with the namespaceSelector or objectSelector.",
				w.label(), strings.Join(own, ", ")), ev)
		}
	}
	if !known {
		return result.New(result.StatusSkip, ref, fmt.Sprintf(
			"%s calls Service %s port %d, which the Service exposes; whether pods back that port is not known (%s, without its pods or EndpointSlices).",
			w.label(), key, port, check.SourceWords(s)), ev)
	}
	return result.New(result.StatusPass, ref, fmt.Sprintf(
		"%s calls Service %s port %d, which the Service exposes and its pods serve.", w.label(), key, port), ev)
}

// portName names a Service port in messages: its name, else its number.
func portName(sp *corev1.ServicePort) string {
	if sp.Name != "" {
		return sp.Name
	}
	return fmt.Sprintf("%d (unnamed)", sp.Port)
}

// namesPort reports whether a container of spec declares a port named
// name.
func namesPort(spec *corev1.PodSpec, name string) bool {
	for _, cs := range [][]corev1.Container{spec.Containers, spec.InitContainers} {
		for i := range cs {
			for _, p := range cs[i].Ports {
				if p.Name == name {
					return true
				}
			}
		}
	}
	return false
}

func workloadNames(ws []*index.Workload) string {
	names := make([]string, len(ws))
	for i, w := range ws {
		names[i] = w.Kind + "/" + w.Name
	}
	return strings.Join(names, ", ")
}

// selfMatched returns the backing workloads whose pods the webhook itself
// matches: its namespaceSelector selects their namespace and its
// objectSelector their pod template labels.
func selfMatched(w *webhook, backing []*index.Workload, s *cluster.Snapshot) []string {
	var out []string
	for _, wl := range backing {
		if selects(w.namespaceSelector, namespaceLabels(s, wl.Namespace)) && selects(w.objectSelector, labels.Set(wl.Template.Labels)) {
			out = append(out, wl.Kind+"/"+wl.Name)
		}
	}
	return out
}
