package adm

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// backends holds what ADM-001 reads about Services, built once per run:
// the ready endpoints of each Service (by namespace/name) from its
// EndpointSlices.
type backends struct {
	ix *index.Index
	// ready counts each Service's ready endpoints; sliced records the
	// Services that have at least one EndpointSlice.
	ready  map[string]int
	sliced map[string]bool
	// slicePorts holds the port names (spec.ports[].name of the Service,
	// "" when unnamed) each Service's EndpointSlices carry.
	slicePorts map[string]map[string]bool
	// slicesComplete is set when the input holds every EndpointSlice of
	// the cluster (a live read without a gap for them).
	slicesComplete bool
	// workloads holds the workloads of each namespace.
	workloads map[string][]*index.Workload
}

// service returns the Service a "namespace/name" key names, or nil.
func (b *backends) service(key string) *corev1.Service {
	ns, name, _ := strings.Cut(key, "/")
	return b.ix.Service(ns, name)
}

func newBackends(in *check.Input) *backends {
	s := in.Snapshot
	b := &backends{ix: in.Index, ready: map[string]int{}, sliced: map[string]bool{},
		slicePorts: map[string]map[string]bool{}, workloads: map[string][]*index.Workload{}}
	_, gap := s.GapFor(cluster.KindEndpointSlices)
	b.slicesComplete = !s.FromManifests() && !gap
	seen := map[string]bool{}
	for i := range s.EndpointSlices {
		es := &s.EndpointSlices[i]
		name := es.Labels[discoveryv1.LabelServiceName]
		if name == "" {
			continue
		}
		key := es.Namespace + "/" + name
		b.sliced[key] = true
		if b.slicePorts[key] == nil {
			b.slicePorts[key] = map[string]bool{}
		}
		for _, p := range es.Ports {
			name := ""
			if p.Name != nil {
				name = *p.Name
			}
			b.slicePorts[key][name] = true
		}
		for j := range es.Endpoints {
			e := &es.Endpoints[j]
			if e.Conditions.Ready != nil && !*e.Conditions.Ready {
				continue
			}
			// One pod has an endpoint in each address family's slice.
			id := strings.Join(e.Addresses, ",")
			if e.TargetRef != nil && e.TargetRef.Name != "" {
				id = e.TargetRef.Kind + "/" + e.TargetRef.Name
			}
			if seen[key+"|"+id] {
				continue
			}
			seen[key+"|"+id] = true
			b.ready[key]++
		}
	}
	for _, w := range in.Index.Workloads() {
		b.workloads[w.Namespace] = append(b.workloads[w.Namespace], w)
	}
	return b
}

// backing returns the workloads whose pod template the Service's selector
// matches.
func (b *backends) backing(svc *corev1.Service) []*index.Workload {
	if len(svc.Spec.Selector) == 0 {
		return nil
	}
	sel := labels.SelectorFromSet(svc.Spec.Selector)
	var out []*index.Workload
	for _, w := range b.workloads[svc.Namespace] {
		if w.Template != nil && sel.Matches(labels.Set(w.Template.Labels)) {
			out = append(out, w)
		}
	}
	return out
}

func evalADM001(in *check.Input, o *Options) []result.Result {
	s := in.Snapshot
	hooks := webhooks(s)
	if len(hooks) == 0 {
		return []result.Result{noWebhooks(s)}
	}
	b := newBackends(in)
	ks := kubeSystemLabels(s)
	out := make([]result.Result, 0, len(hooks))
	for i := range hooks {
		out = append(out, adm001For(&hooks[i], b, ks, s, o))
	}
	return out
}

func adm001For(w *webhook, b *backends, kubeSystem labels.Set, s *cluster.Snapshot, o *Options) result.Result {
	ref, ev := w.ref(), w.evidence()
	if !w.failsClosed() {
		ev["failurePolicy"] = string(*w.failurePolicy)
		return result.New(result.StatusPass, ref, fmt.Sprintf(
			"%s fails open (failurePolicy %s): when its backend is down, requests are admitted without it.", w.label(), *w.failurePolicy), ev)
	}
	ev["failurePolicy"] = "Fail"
	svcRef := w.clientConfig.Service
	if svcRef == nil {
		url := ""
		if w.clientConfig.URL != nil {
			url = *w.clientConfig.URL
		}
		ev["url"] = url
		return result.New(result.StatusInfo, ref, fmt.Sprintf(
			"%s fails closed and is called at %s, outside the cluster's Services, so seaworthy cannot see its backends; "+
				"make sure what serves it is highly available, or every matching request is rejected while it is down.", w.label(), url), ev)
	}
	key := svcRef.Namespace + "/" + svcRef.Name
	ev["service"] = key
	inKubeSystem := w.matchesKubeSystem(kubeSystem)
	broad := inKubeSystem && w.matchesSystemResources()
	wildcard := w.wildcardResources()
	ev["matchesKubeSystem"], ev["wildcardResources"] = inKubeSystem, wildcard
	svc := b.service(key)
	if svc == nil {
		if s.FromManifests() {
			return result.New(result.StatusSkip, ref, fmt.Sprintf(
				"%s fails closed and calls Service %s, which the input does not hold; its backends cannot be judged from these manifests.", w.label(), key), ev)
		}
		return result.New(result.StatusFail, ref, fmt.Sprintf(
			"%s fails closed and calls Service %s, which does not exist, so every request it matches is rejected; "+
				"restore the Service or delete the webhook.", w.label(), key), ev)
	}
	readyKnown := b.slicesComplete || b.sliced[key]
	ready := b.ready[key]
	if readyKnown {
		ev["readyEndpoints"] = ready
		if ready == 0 {
			return result.New(result.StatusFail, ref, fmt.Sprintf(
				"%s fails closed and Service %s has no ready endpoint, so every request it matches is being rejected; "+
					"bring its pods back, or set failurePolicy: Ignore until they are.", w.label(), key), ev)
		}
	}
	var findings []string
	single := false
	if readyKnown && ready < o.MinReadyEndpoints {
		single = true
		findings = append(findings, fmt.Sprintf("Service %s has %s", key, count(ready, "ready endpoint")))
	}
	workloads := b.backing(svc)
	var names []string
	desired := 0
	protected := false
	for _, wl := range workloads {
		names = append(names, wl.Kind+"/"+wl.Name)
		desired += wl.Replicas
		if len(b.ix.PDBsFor(wl)) > 0 {
			protected = true
		}
	}
	if len(workloads) > 0 {
		ev["workloads"], ev["backendReplicas"], ev["pdbCovered"] = names, desired, protected
		if !readyKnown && desired < o.MinReadyEndpoints {
			single = true
			findings = append(findings, fmt.Sprintf("its backend %s wants %s", strings.Join(names, ", "), count(desired, "replica")))
		}
		if !protected {
			findings = append(findings, fmt.Sprintf("no PodDisruptionBudget covers %s", strings.Join(names, ", ")))
		}
	}
	if len(findings) == 0 {
		switch {
		case !readyKnown:
			return result.New(result.StatusSkip, ref, fmt.Sprintf(
				"%s fails closed; the ready endpoints of Service %s are not known (%s, without its EndpointSlices).", w.label(), key, check.SourceWords(s)), ev)
		case len(workloads) == 0:
			return result.New(result.StatusPass, ref, fmt.Sprintf(
				"%s fails closed and Service %s has %s; no Deployment, StatefulSet or DaemonSet in the input backs it, so its PodDisruptionBudget is not judged.",
				w.label(), key, count(ready, "ready endpoint")), ev)
		}
		return result.New(result.StatusPass, ref, fmt.Sprintf(
			"%s fails closed and Service %s has %s, covered by a PodDisruptionBudget.", w.label(), key, count(ready, "ready endpoint")), ev)
	}
	status, scope := result.StatusWarn, ""
	switch {
	case broad && wildcard:
		status, scope = result.StatusFail, " It matches `*` resources in kube-system too, so the pods that would bring it back are rejected with everything else."
	case broad:
		status, scope = result.StatusFail, " It matches kube-system's pods and workloads, so the cluster's own add-ons cannot be changed or restarted while it is down."
	case wildcard:
		status, scope = result.StatusFail, " It matches `*` resources, so every kind of write in its namespaces is rejected while it is down."
	}
	fix := "run at least 2 replicas with a PodDisruptionBudget (maxUnavailable: 1)"
	if inKubeSystem {
		fix += " and exclude kube-system with " + excludeKubeSystem
	}
	if !readyKnown {
		scope += " Ready endpoints are not known (" + check.SourceWords(s) + ")."
	}
	consequence := "one pod going down rejects every request it matches"
	if !single {
		consequence = "a node drain or upgrade may evict all its pods at once, and every request it matches is rejected until one is back"
	}
	return result.New(status, ref, fmt.Sprintf(
		"%s fails closed but %s, so %s.%s Fix: %s.",
		w.label(), strings.Join(findings, " and "), consequence, scope, fix), ev)
}

// count says "1 ready endpoint" or "3 ready endpoints".
func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
