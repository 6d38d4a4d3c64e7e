package adm

import (
	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// Category is the catalog category of the admission checks.
const Category = "Admission webhooks and aggregated APIs"

// Options are the admission checks' thresholds.
type Options struct {
	// MinReadyEndpoints is the fewest ready backend endpoints a
	// fail-closed webhook needs to pass ADM-001 (default 2).
	MinReadyEndpoints int `json:"minReadyEndpoints"`
	// TimeoutWarnSeconds is the webhook timeoutSeconds from which ADM-002
	// warns (default 25, within 5 s of the API server's maximum of 30).
	TimeoutWarnSeconds int `json:"timeoutWarnSeconds"`
}

// DefaultOptions returns the documented defaults.
func DefaultOptions() Options {
	return Options{MinReadyEndpoints: 2, TimeoutWarnSeconds: 25}
}

// Checks returns the admission checks in ID order, evaluating with o.
func Checks(o Options) []check.Check {
	return check.Bind(o, adm001, adm002, adm003, adm004, adm005)
}

// webhookKinds are the kinds every webhook check reads.
var webhookKinds = []cluster.Kind{cluster.KindValidatingWebhooks, cluster.KindMutatingWebhooks}

const excludeKubeSystem = "namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}]}"

var adm001 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "ADM-001",
		Title:    "Fail-closed admission webhooks have highly available backends",
		Category: Category,
		Rule: "For each webhook of every ValidatingWebhookConfiguration and MutatingWebhookConfiguration whose failurePolicy is Fail (the v1 default): " +
			"its clientConfig.service is looked up; its ready endpoints are counted from the EndpointSlices labelled kubernetes.io/service-name " +
			"(conditions.ready unset counts as ready; a pod is counted once across address families), " +
			"and its pods' PodDisruptionBudgets are those of the Deployments, StatefulSets and DaemonSets in the Service's namespace whose pod template labels the Service's selector matches. " +
			"Fail when the Service is missing or has no ready endpoint (every matching request is rejected now). " +
			"Otherwise a finding is fewer than MinReadyEndpoints (default 2) ready endpoints, or, where readiness is not known, fewer desired replicas; " +
			"or no PodDisruptionBudget for the backing workloads. A finding is fail when the webhook matches `*` resources, " +
			"or matches kube-system (no namespaceSelector, or one whose selector matches kube-system's labels, which always include kubernetes.io/metadata.name: kube-system) " +
			"for a resource the add-ons there write to run (pods, configmaps, services, endpoints, serviceaccounts, secrets, deployments, replicasets, daemonsets, statefulsets, leases, endpointslices, or their subresources); " +
			"warn otherwise. failurePolicy Ignore passes. A webhook called by clientConfig.url is info: its backends are not visible. " +
			"Readiness is known on a live read (no EndpointSlices for the Service there means none ready) and on manifests that carry the Service's EndpointSlices; " +
			"on other manifests a webhook without a finding in what they show is skip, and one whose Service they do not hold is skip.",
		Rationale: "The API server calls a fail-closed webhook for every matching request and rejects the request when the call fails. " +
			"When the webhook's only backend pod is down (evicted by a drain, rescheduled, crashing) every matching write in the cluster is rejected; " +
			"if the webhook also matches kube-system or every resource, the pods and objects that would bring the backend or the control plane's add-ons back are rejected too.",
		Remediation: "Run the webhook's backend with at least 2 replicas spread over nodes and a PodDisruptionBudget (maxUnavailable: 1); " +
			"exclude kube-system from the webhook with " + excludeKubeSystem + "; match only the resources it needs instead of `*`; " +
			"or set failurePolicy: Ignore if the webhook may be skipped when down.",
	},
	Needs: append([]cluster.Kind{cluster.KindServices, cluster.KindPDBs, cluster.KindDeployments, cluster.KindStatefulSets, cluster.KindDaemonSets}, webhookKinds...),
	Eval:  evalADM001,
}

var adm002 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "ADM-002",
		Title:    "Webhook timeouts stay well below the API server's limit",
		Category: Category,
		Rule: "For each webhook of every ValidatingWebhookConfiguration and MutatingWebhookConfiguration: timeoutSeconds (default 10 in admissionregistration.k8s.io/v1, at most 30) " +
			"at or above TimeoutWarnSeconds (default 25) is warn; otherwise pass. No webhooks: na.",
		Rationale: "The API server waits up to timeoutSeconds for each webhook call, and mutating webhooks are called one after another. " +
			"A backend that hangs holds every matching request that long: near 30 s the request's own deadline is used up, clients time out and retry, " +
			"and a fail-closed webhook turns a slow backend into rejected writes cluster-wide.",
		Remediation: "Set timeoutSeconds to what the webhook really needs (the default 10, or less: most answer in milliseconds) and make the backend answer fast.",
	},
	Needs: webhookKinds,
	Eval:  evalADM002,
}

var adm003 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "ADM-003",
		Title:    "Webhooks on pods declare no side effects",
		Category: Category,
		Rule: "For each webhook whose rules match pods (apiGroups \"\" or \"*\", resources pods, pods/*, * or */*): " +
			"sideEffects Unknown or Some, or unset, is warn; None or NoneOnDryRun passes. Webhooks that do not match pods are not judged; none at all: na.",
		Rationale: "The API server rejects a dry-run request (kubectl apply --dry-run=server, kubectl diff, many CI gates and controllers) " +
			"that reaches a webhook whose sideEffects is Unknown or Some, so dry-runs of pods and their controllers fail. " +
			"admissionregistration.k8s.io/v1 accepts only None and NoneOnDryRun; Unknown and Some are left from v1beta1.",
		Remediation: "Set sideEffects: None (or NoneOnDryRun if the webhook skips its side effects for requests with dryRun set).",
	},
	Needs: webhookKinds,
	Eval:  evalADM003,
}

var adm004 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "ADM-004",
		Title:    "Aggregated APIs are available",
		Category: Category,
		Rule: "For each APIService with spec.service set (an aggregated API such as metrics.k8s.io): its Available condition False is fail, with the condition's reason and message; " +
			"True is pass. No Available condition: skip on manifests (status is written by the API server), warn on a live read. " +
			"The API server's own group versions (no spec.service) are not judged; no aggregated APIService: na.",
		Rationale: "When an aggregated API is unavailable, API discovery fails for its group version: kubectl prints an error on every command, " +
			"clients that discover all groups (the garbage collector, the namespace controller) stall, namespaces being deleted stay Terminating, " +
			"and what the API serves (for metrics.k8s.io, the metrics HPAs scale on) is gone.",
		Remediation: "Inspect the APIService (kubectl get apiservice NAME -o yaml) and its backing Service and pods; fix or scale the backend, " +
			"or delete the APIService if its add-on was removed.",
	},
	Needs: []cluster.Kind{cluster.KindAPIServices},
	Eval:  evalADM004,
}

var adm005 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "ADM-005",
		Title:    "Webhooks call a Service port that serves them, and do not gate their own backend",
		Category: Category,
		Rule: "For each webhook of every ValidatingWebhookConfiguration and MutatingWebhookConfiguration called through clientConfig.service " +
			"(clientConfig.url is not judged), its wiring, in order: the Service exists (on manifests that do not hold it: skip); " +
			"it exposes the webhook's port (clientConfig.service.port, default 443) among spec.ports; on a live read its selector matches a pod, or its EndpointSlices hold a ready endpoint (pods back it) " +
			"(a Service without a selector needs an EndpointSlice); " +
			"where its EndpointSlices carry ports, one is the Service port's name; a named targetPort is a container port name of a backing workload " +
			"(the workloads ADM-001 finds behind the Service). A broken link is fail with failurePolicy Fail (every call fails, so every matching write is rejected) " +
			"and warn with Ignore (the webhook never takes effect). " +
			"Then, for a fail-closed webhook whose rules match pods: warn when its namespaceSelector selects a backing workload's namespace " +
			"and its objectSelector that workload's pod template labels (a webhook whose selectors match nothing of its own is harmless). " +
			"Pass when the wiring is whole and its pods or EndpointSlices were seen; skip when they were not (manifests without them). No webhooks: na.",
		Rationale: "A webhook whose Service, port or backing pods do not line up fails every call, however many replicas its backend runs. " +
			"A fail-closed webhook that matches its own backend's pods deadlocks once they are all gone (a node failure, a bad rollout, a cluster restart): " +
			"the replacement pods need the webhook to be admitted, and the webhook needs them to answer.",
		Remediation: "Point clientConfig.service at the Service's name, namespace and port; make the Service's selector and targetPort match the backend's pods; " +
			"exclude the backend's own namespace (namespaceSelector on kubernetes.io/metadata.name) or pods (objectSelector) from the webhook.",
	},
	Needs: append([]cluster.Kind{cluster.KindServices, cluster.KindDeployments, cluster.KindStatefulSets, cluster.KindDaemonSets, cluster.KindPods}, webhookKinds...),
	Eval:  evalADM005,
}
