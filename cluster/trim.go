package cluster

import (
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Pods are the bulk of every large cluster (150,000 at the Kubernetes scale
// envelope) and most of a pod repeats its controller's template. seaworthy
// reads a workload's spec (volumes, env, probes, security context,
// affinity, tolerations) from the controller's template, and from its pods
// only what differs per pod: placement, readiness, restarts, phase, and the
// containers' resources. So every source trims each pod owned by a
// workload controller (ReplicaSet, StatefulSet, DaemonSet, Job) to those
// fields as it arrives, which keeps a 150,000-pod snapshot well under 1 GiB
// in memory and on disk. Pod annotations and all
// conditions but PodScheduled and Ready go too. Bare pods and mirror pods of static pods (owned by
// their Node) describe themselves, so they are kept whole. Nodes drop only
// status.images, the list of every cached image with its size.

// Webhook configurations and APIServices drop their CA bundles
// (clientConfig.caBundle, spec.caBundle): a PEM chain per webhook that no
// check reads.

// trimObject trims v in place if it is a pod, a node, a webhook
// configuration or an APIService.
func trimObject(v any) {
	switch o := v.(type) {
	case *corev1.Pod:
		trimPod(o)
	case *corev1.Node:
		o.Status.Images = nil
	case *admissionregistrationv1.ValidatingWebhookConfiguration:
		for i := range o.Webhooks {
			o.Webhooks[i].ClientConfig.CABundle = nil
		}
	case *admissionregistrationv1.MutatingWebhookConfiguration:
		for i := range o.Webhooks {
			o.Webhooks[i].ClientConfig.CABundle = nil
		}
	case *APIService:
		o.Spec.CABundle = nil
	}
}

// templatedBy lists the controllers whose pods repeat a template.
var templatedBy = map[string]bool{
	"apps/ReplicaSet": true, "apps/StatefulSet": true, "apps/DaemonSet": true, "batch/Job": true,
}

// TemplatedPod reports whether p is owned by a controller whose pods
// repeat its template, so that sources trim it to what differs per pod.
func TemplatedPod(p *corev1.Pod) bool {
	ref := metav1.GetControllerOfNoCopy(p)
	if ref == nil {
		return false
	}
	group, _, _ := strings.Cut(ref.APIVersion, "/")
	return templatedBy[group+"/"+ref.Kind]
}

func trimPod(p *corev1.Pod) {
	if !TemplatedPod(p) {
		return
	}
	old := p.Spec
	p.Spec = corev1.PodSpec{
		NodeName:           old.NodeName,
		ServiceAccountName: old.ServiceAccountName,
		SchedulerName:      old.SchedulerName,
		PriorityClassName:  old.PriorityClassName,
		Priority:           old.Priority,
		RuntimeClassName:   old.RuntimeClassName,
		RestartPolicy:      old.RestartPolicy,
		HostNetwork:        old.HostNetwork,
		HostPID:            old.HostPID,
		HostIPC:            old.HostIPC,
		NodeSelector:       old.NodeSelector,
		Overhead:           old.Overhead,
		Resources:          old.Resources,
		InitContainers:     trimContainers(old.InitContainers),
		Containers:         trimContainers(old.Containers),
	}
	// Annotations and generateName come from the template too.
	p.Annotations, p.GenerateName = nil, ""
	st := &p.Status
	st.HostIP, st.HostIPs, st.PodIP, st.PodIPs, st.NominatedNodeName = "", nil, "", nil, ""
	st.ResourceClaimStatuses = nil
	// Of the conditions, seaworthy reads whether the pod is scheduled and
	// ready, and since when.
	var conds []corev1.PodCondition
	for _, c := range st.Conditions {
		if c.Type == corev1.PodReady || c.Type == corev1.PodScheduled {
			conds = append(conds, corev1.PodCondition{Type: c.Type, Status: c.Status, Reason: c.Reason, LastTransitionTime: c.LastTransitionTime})
		}
	}
	st.Conditions = conds
	st.InitContainerStatuses = trimStatuses(st.InitContainerStatuses)
	st.ContainerStatuses = trimStatuses(st.ContainerStatuses)
	st.EphemeralContainerStatuses = nil
}

// trimContainers keeps each container's identity (name and image, which
// the API requires) and resources.
func trimContainers(cs []corev1.Container) []corev1.Container {
	if len(cs) == 0 {
		return nil
	}
	out := make([]corev1.Container, len(cs))
	for i, c := range cs {
		out[i] = corev1.Container{Name: c.Name, Image: c.Image, Resources: c.Resources, RestartPolicy: c.RestartPolicy}
	}
	return out
}

// trimStatuses keeps readiness, restarts and why the last run ended (an
// OOM kill, say).
func trimStatuses(ss []corev1.ContainerStatus) []corev1.ContainerStatus {
	if len(ss) == 0 {
		return nil
	}
	out := make([]corev1.ContainerStatus, len(ss))
	for i, s := range ss {
		out[i] = corev1.ContainerStatus{
			Name: s.Name, Ready: s.Ready, RestartCount: s.RestartCount,
			State: trimState(s.State), LastTerminationState: trimState(s.LastTerminationState),
		}
	}
	return out
}

func trimState(s corev1.ContainerState) corev1.ContainerState {
	if s.Waiting != nil {
		s.Waiting = &corev1.ContainerStateWaiting{Reason: s.Waiting.Reason}
	}
	if t := s.Terminated; t != nil {
		s.Terminated = &corev1.ContainerStateTerminated{Reason: t.Reason, ExitCode: t.ExitCode, Signal: t.Signal, StartedAt: t.StartedAt, FinishedAt: t.FinishedAt}
	}
	return s
}
