package cluster

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Kind names one resource kind the way kubectl does: the plural resource,
// followed by its API group when it has one ("pods", "deployments.apps").
type Kind string

// The kinds seaworthy reads.
const (
	KindNodes               Kind = "nodes"
	KindNamespaces          Kind = "namespaces"
	KindPods                Kind = "pods"
	KindServices            Kind = "services"
	KindServiceAccounts     Kind = "serviceaccounts"
	KindResourceQuotas      Kind = "resourcequotas"
	KindLimitRanges         Kind = "limitranges"
	KindConfigMaps          Kind = "configmaps"
	KindDeployments         Kind = "deployments.apps"
	KindReplicaSets         Kind = "replicasets.apps"
	KindStatefulSets        Kind = "statefulsets.apps"
	KindDaemonSets          Kind = "daemonsets.apps"
	KindJobs                Kind = "jobs.batch"
	KindCronJobs            Kind = "cronjobs.batch"
	KindHPAs                Kind = "horizontalpodautoscalers.autoscaling"
	KindPDBs                Kind = "poddisruptionbudgets.policy"
	KindRoles               Kind = "roles.rbac.authorization.k8s.io"
	KindClusterRoles        Kind = "clusterroles.rbac.authorization.k8s.io"
	KindRoleBindings        Kind = "rolebindings.rbac.authorization.k8s.io"
	KindClusterRoleBindings Kind = "clusterrolebindings.rbac.authorization.k8s.io"
	KindLeases              Kind = "leases.coordination.k8s.io"
	KindIngresses           Kind = "ingresses.networking.k8s.io"
	KindIngressClasses      Kind = "ingressclasses.networking.k8s.io"
	KindEndpointSlices      Kind = "endpointslices.discovery.k8s.io"
	KindValidatingWebhooks  Kind = "validatingwebhookconfigurations.admissionregistration.k8s.io"
	KindMutatingWebhooks    Kind = "mutatingwebhookconfigurations.admissionregistration.k8s.io"
	KindAPIServices         Kind = "apiservices.apiregistration.k8s.io"

	// Custom resources (Optional kinds: not installed is not a gap).
	KindVeleroSchedules   Kind = "schedules.velero.io"
	KindVeleroBackups     Kind = "backups.velero.io"
	KindETCDSnapshotFiles Kind = "etcdsnapshotfiles.k3s.cattle.io"
	KindClusterVersions   Kind = "clusterversions.config.openshift.io"
	KindVPAs              Kind = "verticalpodautoscalers.autoscaling.k8s.io"
)

// KindInfo describes one kind: where it lives in the API and how its
// objects are stored in, decoded into, normalized in and walked over a
// Snapshot. Every entry of Kinds is built by describe, so a kind is
// described once, here; the live source's typed client table is the only
// other place a kind appears.
type KindInfo struct {
	Kind Kind
	// Name is the object kind as written in manifests ("Deployment").
	Name string
	// GVR is the preferred group, version and resource seaworthy lists.
	GVR        schema.GroupVersionResource
	Namespaced bool
	// Optional marks a custom resource: when the server does not serve it,
	// the add-on is simply not installed, which is not a gap.
	Optional bool
	// Versions lists every apiVersion accepted in manifests. Older versions
	// are decoded into the preferred type; those whose shape differs have a
	// converter in convert.go.
	Versions []string
	// Removed maps each accepted apiVersion that Kubernetes no longer
	// serves to the release that removed it ("1.16"): manifests in it
	// decode as the preferred version, but the API server refuses them.
	Removed map[string]string
	// Count returns how many objects of the kind a snapshot holds.
	Count func(s *Snapshot) int
	// Each calls fn with every object of the kind in s, in order. The
	// objects are the snapshot's own: fn must not change them (Finish is
	// the one exception).
	Each func(s *Snapshot, fn func(metav1.Object))

	// decode decodes one JSON object of apiVersion and appends it.
	decode func(s *Snapshot, apiVersion string, data []byte, dec DecodeFunc) error
	// normalize strips (unless tidied) and sorts the kind's objects.
	normalize func(s *Snapshot, tidied bool)
	// dedupe keeps the last of each run of objects with the same
	// namespace and name (the kind's list must be sorted, as normalize
	// leaves it) and calls dup with each run of n > 1 it collapsed.
	// Objects without a name (generateName) are distinct and kept.
	dedupe func(s *Snapshot, dup func(namespace, name string, n int))
	// store is a func(*Snapshot, []T) setting the kind's list (ListStore).
	store any
}

// DecodeFunc decodes one JSON object into v: json.Unmarshal, or
// StrictDecode for input a person wrote.
type DecodeFunc func(data []byte, v any) error

// converter decodes one object of apiVersion into the stored type T.
type converter[T any] func(apiVersion string, data []byte, dec DecodeFunc) (T, error)

// describe builds the descriptor of one kind from its API facts (k), the
// Snapshot field that holds it and, for kinds whose older versions differ
// in shape or that are stored reduced, a converter (nil decodes T as is).
func describe[T any, PT ObjectPtr[T]](k KindInfo, field func(*Snapshot) *[]T, conv converter[T]) KindInfo {
	if conv == nil {
		conv = func(_ string, data []byte, dec DecodeFunc) (T, error) {
			var v T
			err := dec(data, &v)
			return v, err
		}
	}
	k.decode = func(s *Snapshot, apiVersion string, data []byte, dec DecodeFunc) error {
		v, err := conv(apiVersion, data, dec)
		if err != nil {
			return err
		}
		l := field(s)
		*l = append(*l, v)
		return nil
	}
	k.Count = func(s *Snapshot) int { return len(*field(s)) }
	k.Each = func(s *Snapshot, fn func(metav1.Object)) {
		l := *field(s)
		for i := range l {
			fn(PT(&l[i]))
		}
	}
	k.normalize = func(s *Snapshot, tidied bool) {
		l := *field(s)
		if !tidied {
			for i := range l {
				Tidy(PT(&l[i]))
			}
		}
		sortByNamespaceName[T, PT](l)
	}
	k.dedupe = func(s *Snapshot, dup func(namespace, name string, n int)) {
		l := *field(s)
		out := l[:0]
		for i := 0; i < len(l); {
			a := PT(&l[i])
			j := i + 1
			for a.GetName() != "" && j < len(l) && PT(&l[j]).GetNamespace() == a.GetNamespace() && PT(&l[j]).GetName() == a.GetName() {
				j++
			}
			if j-i > 1 {
				dup(a.GetNamespace(), a.GetName(), j-i)
			}
			out = append(out, l[j-1])
			i = j
		}
		clear(l[len(out):])
		*field(s) = out
	}
	k.store = func(s *Snapshot, items []T) {
		sortByNamespaceName[T, PT](items)
		*field(s) = items
	}
	return k
}

// ListStore returns the hook that sets kind's list in a Snapshot to items
// (sorted by namespace and name, in place), for a source that reads a
// whole kind at once, such as the live lister. It returns nil if kind is
// not in Kinds or is not stored as []T.
func ListStore[T any](kind Kind) func(s *Snapshot, items []T) {
	k, ok := InfoFor(kind)
	if !ok {
		return nil
	}
	store, _ := k.store.(func(*Snapshot, []T))
	return store
}

// UnknownFieldError reports fields the object's type does not have: a typo
// or mis-indentation in a manifest, which the API server would reject or
// drop.
type UnknownFieldError struct{ Field string }

func (e *UnknownFieldError) Error() string { return "unknown field " + e.Field }

// StrictDecode decodes like json.Unmarshal but fails on unknown fields,
// with an *UnknownFieldError.
func StrictDecode(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	err := d.Decode(v)
	if err != nil && strings.HasPrefix(err.Error(), "json: unknown field ") {
		return &UnknownFieldError{Field: strings.TrimPrefix(err.Error(), "json: unknown field ")}
	}
	return err
}

func gvr(group, version, resource string) schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: group, Version: version, Resource: resource}
}

// api returns the API facts of a kind for describe.
func api(kind Kind, name string, gvr schema.GroupVersionResource, namespaced bool, versions ...string) KindInfo {
	return KindInfo{Kind: kind, Name: name, GVR: gvr, Namespaced: namespaced, Versions: versions}
}

// removed records that Kubernetes release removed the apiVersions of k
// (see KindInfo.Removed).
func removed(k KindInfo, release string, versions ...string) KindInfo {
	if k.Removed == nil {
		k.Removed = map[string]string{}
	}
	for _, v := range versions {
		k.Removed[v] = release
	}
	return k
}

// optional marks k as a custom resource kind (see KindInfo.Optional).
func optional(k KindInfo) KindInfo {
	k.Optional = true
	return k
}

const (
	rbacGroup      = "rbac.authorization.k8s.io"
	admissionGroup = "admissionregistration.k8s.io"
)

// Kinds lists every kind seaworthy reads, in collection order.
var Kinds = []KindInfo{
	describe(api(KindNamespaces, "Namespace", gvr("", "v1", "namespaces"), false, "v1"),
		func(s *Snapshot) *[]corev1.Namespace { return &s.Namespaces }, nil),
	describe(api(KindNodes, "Node", gvr("", "v1", "nodes"), false, "v1"),
		func(s *Snapshot) *[]corev1.Node { return &s.Nodes }, nil),
	describe(api(KindPods, "Pod", gvr("", "v1", "pods"), true, "v1"),
		func(s *Snapshot) *[]corev1.Pod { return &s.Pods }, nil),
	describe(api(KindServices, "Service", gvr("", "v1", "services"), true, "v1"),
		func(s *Snapshot) *[]corev1.Service { return &s.Services }, nil),
	describe(api(KindServiceAccounts, "ServiceAccount", gvr("", "v1", "serviceaccounts"), true, "v1"),
		func(s *Snapshot) *[]corev1.ServiceAccount { return &s.ServiceAccounts }, nil),
	describe(api(KindResourceQuotas, "ResourceQuota", gvr("", "v1", "resourcequotas"), true, "v1"),
		func(s *Snapshot) *[]corev1.ResourceQuota { return &s.ResourceQuotas }, nil),
	describe(api(KindLimitRanges, "LimitRange", gvr("", "v1", "limitranges"), true, "v1"),
		func(s *Snapshot) *[]corev1.LimitRange { return &s.LimitRanges }, nil),
	describe(api(KindConfigMaps, "ConfigMap", gvr("", "v1", "configmaps"), true, "v1"),
		func(s *Snapshot) *[]corev1.ConfigMap { return &s.ConfigMaps }, nil),
	describe(removed(api(KindDeployments, "Deployment", gvr("apps", "v1", "deployments"), true,
		"apps/v1", "apps/v1beta2", "apps/v1beta1", "extensions/v1beta1"), "1.16", "apps/v1beta2", "apps/v1beta1", "extensions/v1beta1"),
		func(s *Snapshot) *[]appsv1.Deployment { return &s.Deployments }, decodeDeployment),
	describe(removed(api(KindReplicaSets, "ReplicaSet", gvr("apps", "v1", "replicasets"), true,
		"apps/v1", "apps/v1beta2", "extensions/v1beta1"), "1.16", "apps/v1beta2", "extensions/v1beta1"),
		func(s *Snapshot) *[]ReplicaSet { return &s.ReplicaSets }, decodeReplicaSet),
	describe(removed(api(KindStatefulSets, "StatefulSet", gvr("apps", "v1", "statefulsets"), true,
		"apps/v1", "apps/v1beta2", "apps/v1beta1"), "1.16", "apps/v1beta2", "apps/v1beta1"),
		func(s *Snapshot) *[]appsv1.StatefulSet { return &s.StatefulSets }, nil),
	describe(removed(api(KindDaemonSets, "DaemonSet", gvr("apps", "v1", "daemonsets"), true,
		"apps/v1", "apps/v1beta2", "extensions/v1beta1"), "1.16", "apps/v1beta2", "extensions/v1beta1"),
		func(s *Snapshot) *[]appsv1.DaemonSet { return &s.DaemonSets }, nil),
	describe(api(KindJobs, "Job", gvr("batch", "v1", "jobs"), true, "batch/v1"),
		func(s *Snapshot) *[]batchv1.Job { return &s.Jobs }, nil),
	describe(removed(removed(api(KindCronJobs, "CronJob", gvr("batch", "v1", "cronjobs"), true,
		"batch/v1", "batch/v1beta1", "batch/v2alpha1"), "1.25", "batch/v1beta1"), "1.21", "batch/v2alpha1"),
		func(s *Snapshot) *[]batchv1.CronJob { return &s.CronJobs }, nil),
	describe(removed(removed(api(KindHPAs, "HorizontalPodAutoscaler", gvr("autoscaling", "v2", "horizontalpodautoscalers"), true,
		"autoscaling/v2", "autoscaling/v2beta2", "autoscaling/v2beta1", "autoscaling/v1"), "1.25", "autoscaling/v2beta1"), "1.26", "autoscaling/v2beta2"),
		func(s *Snapshot) *[]autoscalingv2.HorizontalPodAutoscaler { return &s.HPAs }, decodeHPA),
	describe(removed(api(KindPDBs, "PodDisruptionBudget", gvr("policy", "v1", "poddisruptionbudgets"), true,
		"policy/v1", "policy/v1beta1"), "1.25", "policy/v1beta1"),
		func(s *Snapshot) *[]policyv1.PodDisruptionBudget { return &s.PDBs }, decodePDB),
	describe(removed(api(KindRoles, "Role", gvr(rbacGroup, "v1", "roles"), true, rbacGroup+"/v1", rbacGroup+"/v1beta1"), "1.22", rbacGroup+"/v1beta1"),
		func(s *Snapshot) *[]rbacv1.Role { return &s.Roles }, nil),
	describe(removed(api(KindClusterRoles, "ClusterRole", gvr(rbacGroup, "v1", "clusterroles"), false, rbacGroup+"/v1", rbacGroup+"/v1beta1"), "1.22", rbacGroup+"/v1beta1"),
		func(s *Snapshot) *[]rbacv1.ClusterRole { return &s.ClusterRoles }, nil),
	describe(removed(api(KindRoleBindings, "RoleBinding", gvr(rbacGroup, "v1", "rolebindings"), true, rbacGroup+"/v1", rbacGroup+"/v1beta1"), "1.22", rbacGroup+"/v1beta1"),
		func(s *Snapshot) *[]rbacv1.RoleBinding { return &s.RoleBindings }, nil),
	describe(removed(api(KindClusterRoleBindings, "ClusterRoleBinding", gvr(rbacGroup, "v1", "clusterrolebindings"), false,
		rbacGroup+"/v1", rbacGroup+"/v1beta1"), "1.22", rbacGroup+"/v1beta1"),
		func(s *Snapshot) *[]rbacv1.ClusterRoleBinding { return &s.ClusterRoleBindings }, nil),
	describe(removed(api(KindLeases, "Lease", gvr("coordination.k8s.io", "v1", "leases"), true,
		"coordination.k8s.io/v1", "coordination.k8s.io/v1beta1"), "1.22", "coordination.k8s.io/v1beta1"),
		func(s *Snapshot) *[]coordinationv1.Lease { return &s.Leases }, nil),
	describe(api(KindIngresses, "Ingress", gvr("networking.k8s.io", "v1", "ingresses"), true, "networking.k8s.io/v1"),
		func(s *Snapshot) *[]networkingv1.Ingress { return &s.Ingresses }, nil),
	describe(api(KindIngressClasses, "IngressClass", gvr("networking.k8s.io", "v1", "ingressclasses"), false, "networking.k8s.io/v1"),
		func(s *Snapshot) *[]networkingv1.IngressClass { return &s.IngressClasses }, nil),
	describe(api(KindEndpointSlices, "EndpointSlice", gvr("discovery.k8s.io", "v1", "endpointslices"), true, "discovery.k8s.io/v1"),
		func(s *Snapshot) *[]discoveryv1.EndpointSlice { return &s.EndpointSlices }, nil),
	// Only v1 of the webhook configurations is read: v1beta1 (removed in
	// 1.22) defaulted failurePolicy to Ignore and sideEffects to Unknown,
	// so decoding it as v1 would change what a webhook does.
	describe(api(KindValidatingWebhooks, "ValidatingWebhookConfiguration", gvr(admissionGroup, "v1", "validatingwebhookconfigurations"), false,
		admissionGroup+"/v1"),
		func(s *Snapshot) *[]admissionregistrationv1.ValidatingWebhookConfiguration {
			return &s.ValidatingWebhooks
		}, nil),
	describe(api(KindMutatingWebhooks, "MutatingWebhookConfiguration", gvr(admissionGroup, "v1", "mutatingwebhookconfigurations"), false,
		admissionGroup+"/v1"),
		func(s *Snapshot) *[]admissionregistrationv1.MutatingWebhookConfiguration { return &s.MutatingWebhooks }, nil),
	describe(removed(api(KindAPIServices, "APIService", gvr("apiregistration.k8s.io", "v1", "apiservices"), false,
		"apiregistration.k8s.io/v1", "apiregistration.k8s.io/v1beta1"), "1.22", "apiregistration.k8s.io/v1beta1"),
		func(s *Snapshot) *[]APIService { return &s.APIServices }, nil),
	describe(optional(api(KindVeleroSchedules, "Schedule", gvr("velero.io", "v1", "schedules"), true, "velero.io/v1")),
		func(s *Snapshot) *[]unstructured.Unstructured { return &s.VeleroSchedules }, decodeCustom),
	describe(optional(api(KindVeleroBackups, "Backup", gvr("velero.io", "v1", "backups"), true, "velero.io/v1")),
		func(s *Snapshot) *[]unstructured.Unstructured { return &s.VeleroBackups }, decodeCustom),
	describe(optional(api(KindETCDSnapshotFiles, "ETCDSnapshotFile", gvr("k3s.cattle.io", "v1", "etcdsnapshotfiles"), false, "k3s.cattle.io/v1")),
		func(s *Snapshot) *[]unstructured.Unstructured { return &s.ETCDSnapshotFiles }, decodeCustom),
	describe(optional(api(KindClusterVersions, "ClusterVersion", gvr("config.openshift.io", "v1", "clusterversions"), false, "config.openshift.io/v1")),
		func(s *Snapshot) *[]unstructured.Unstructured { return &s.ClusterVersions }, decodeCustom),
	describe(optional(api(KindVPAs, "VerticalPodAutoscaler", gvr("autoscaling.k8s.io", "v1", "verticalpodautoscalers"), true, "autoscaling.k8s.io/v1")),
		func(s *Snapshot) *[]VerticalPodAutoscaler { return &s.VPAs }, decodeVPA),
}

// decodeCustom decodes a custom resource as an unstructured object. There
// is no schema to be strict against, so unknown fields are kept, not
// refused.
func decodeCustom(_ string, data []byte, _ DecodeFunc) (unstructured.Unstructured, error) {
	var u unstructured.Unstructured
	err := u.UnmarshalJSON(data)
	return u, err
}

// kindByAPI maps "apiVersion/Kind" to the kind that stores it.
var kindByAPI = func() map[string]*KindInfo {
	m := map[string]*KindInfo{}
	for i := range Kinds {
		k := &Kinds[i]
		for _, v := range k.Versions {
			m[v+"/"+k.Name] = k
		}
	}
	return m
}()

// LookupKind returns the kind that stores objects of apiVersion and kind
// name, or false if seaworthy does not read them.
func LookupKind(apiVersion, name string) (*KindInfo, bool) {
	k, ok := kindByAPI[apiVersion+"/"+name]
	return k, ok
}

// InfoFor returns the KindInfo for kind.
func InfoFor(kind Kind) (*KindInfo, bool) {
	for i := range Kinds {
		if Kinds[i].Kind == kind {
			return &Kinds[i], true
		}
	}
	return nil, false
}

// Counts returns the number of objects per kind, for summaries and progress.
func (s *Snapshot) Counts() map[Kind]int {
	m := make(map[Kind]int, len(Kinds))
	for _, k := range Kinds {
		m[k.Kind] = k.Count(s)
	}
	return m
}

// SortGaps orders the snapshot's gaps (see SortGaps).
func (s *Snapshot) SortGaps() { SortGaps(s.Gaps) }

// SortGaps orders gaps by kind, namespace and name so output is stable.
func SortGaps(gaps []Gap) {
	sort.SliceStable(gaps, func(i, j int) bool {
		a, b := gaps[i], gaps[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		return a.Name < b.Name
	})
}

// AddObject decodes one JSON-encoded object of apiVersion/kind into s.
// With strict set, a field the kind does not have is an
// *UnknownFieldError and nothing is added.
func (s *Snapshot) AddObject(apiVersion, kind string, data []byte, strict bool) error {
	k, ok := LookupKind(apiVersion, kind)
	if !ok {
		return fmt.Errorf("%s %s is not a kind seaworthy reads", apiVersion, kind)
	}
	dec := json.Unmarshal
	if strict {
		dec = StrictDecode
	}
	return k.decode(s, apiVersion, data, dec)
}

// Normalize strips managedFields and last-applied annotations from every
// object, trims templated pods and node image lists (see trim.go), and
// orders each kind by namespace and name, so snapshots of the
// same objects from different sources compare equal. Finish calls it.
func (s *Snapshot) Normalize() { s.normalize(false) }

// normalize is Normalize; tidied skips the stripping and trimming that a
// source has already done as objects arrived.
func (s *Snapshot) normalize(tidied bool) {
	for i := range Kinds {
		Kinds[i].normalize(s, tidied)
	}
	s.SortGaps()
}
