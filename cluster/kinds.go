package cluster

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

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

	// Custom resources (Optional kinds: not installed is not a gap).
	KindVeleroSchedules   Kind = "schedules.velero.io"
	KindVeleroBackups     Kind = "backups.velero.io"
	KindETCDSnapshotFiles Kind = "etcdsnapshotfiles.k3s.cattle.io"
	KindClusterVersions   Kind = "clusterversions.config.openshift.io"
)

// KindInfo describes one kind: where it lives in the API and how a decoded
// object of it is stored in a Snapshot.
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
	// add decodes one JSON object of apiVersion and appends it.
	add func(s *Snapshot, apiVersion string, data []byte, dec decodeFunc) error
	// Count returns how many objects of the kind a snapshot holds.
	Count func(s *Snapshot) int
}

// decodeFunc decodes one JSON object into v.
type decodeFunc func(data []byte, v any) error

// appendJSON decodes data into a new T and appends it to *dst.
func appendJSON[T any](dst *[]T, data []byte, dec decodeFunc) error {
	var v T
	if err := dec(data, &v); err != nil {
		return err
	}
	*dst = append(*dst, v)
	return nil
}

// UnknownFieldError reports fields the object's type does not have: a typo
// or mis-indentation in a manifest, which the API server would reject or
// drop.
type UnknownFieldError struct{ Field string }

func (e *UnknownFieldError) Error() string { return "unknown field " + e.Field }

// strictDecode decodes like json.Unmarshal but fails on unknown fields.
func strictDecode(data []byte, v any) error {
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

// Kinds lists every kind seaworthy reads, in collection order.
var Kinds = []KindInfo{
	{Kind: KindNamespaces, Name: "Namespace", GVR: gvr("", "v1", "namespaces"), Versions: []string{"v1"},
		add:   func(s *Snapshot, _ string, b []byte, dec decodeFunc) error { return appendJSON(&s.Namespaces, b, dec) },
		Count: func(s *Snapshot) int { return len(s.Namespaces) }},
	{Kind: KindNodes, Name: "Node", GVR: gvr("", "v1", "nodes"), Versions: []string{"v1"},
		add:   func(s *Snapshot, _ string, b []byte, dec decodeFunc) error { return appendJSON(&s.Nodes, b, dec) },
		Count: func(s *Snapshot) int { return len(s.Nodes) }},
	{Kind: KindPods, Name: "Pod", GVR: gvr("", "v1", "pods"), Namespaced: true, Versions: []string{"v1"},
		add:   func(s *Snapshot, _ string, b []byte, dec decodeFunc) error { return appendJSON(&s.Pods, b, dec) },
		Count: func(s *Snapshot) int { return len(s.Pods) }},
	{Kind: KindServices, Name: "Service", GVR: gvr("", "v1", "services"), Namespaced: true, Versions: []string{"v1"},
		add:   func(s *Snapshot, _ string, b []byte, dec decodeFunc) error { return appendJSON(&s.Services, b, dec) },
		Count: func(s *Snapshot) int { return len(s.Services) }},
	{Kind: KindServiceAccounts, Name: "ServiceAccount", GVR: gvr("", "v1", "serviceaccounts"), Namespaced: true, Versions: []string{"v1"},
		add: func(s *Snapshot, _ string, b []byte, dec decodeFunc) error {
			return appendJSON(&s.ServiceAccounts, b, dec)
		},
		Count: func(s *Snapshot) int { return len(s.ServiceAccounts) }},
	{Kind: KindResourceQuotas, Name: "ResourceQuota", GVR: gvr("", "v1", "resourcequotas"), Namespaced: true, Versions: []string{"v1"},
		add: func(s *Snapshot, _ string, b []byte, dec decodeFunc) error {
			return appendJSON(&s.ResourceQuotas, b, dec)
		},
		Count: func(s *Snapshot) int { return len(s.ResourceQuotas) }},
	{Kind: KindLimitRanges, Name: "LimitRange", GVR: gvr("", "v1", "limitranges"), Namespaced: true, Versions: []string{"v1"},
		add:   func(s *Snapshot, _ string, b []byte, dec decodeFunc) error { return appendJSON(&s.LimitRanges, b, dec) },
		Count: func(s *Snapshot) int { return len(s.LimitRanges) }},
	{Kind: KindConfigMaps, Name: "ConfigMap", GVR: gvr("", "v1", "configmaps"), Namespaced: true, Versions: []string{"v1"},
		add:   func(s *Snapshot, _ string, b []byte, dec decodeFunc) error { return appendJSON(&s.ConfigMaps, b, dec) },
		Count: func(s *Snapshot) int { return len(s.ConfigMaps) }},
	{Kind: KindDeployments, Name: "Deployment", GVR: gvr("apps", "v1", "deployments"), Namespaced: true,
		Versions: []string{"apps/v1", "apps/v1beta2", "apps/v1beta1", "extensions/v1beta1"},
		add:      func(s *Snapshot, v string, b []byte, dec decodeFunc) error { return addDeployment(s, v, b, dec) },
		Count:    func(s *Snapshot) int { return len(s.Deployments) }},
	{Kind: KindStatefulSets, Name: "StatefulSet", GVR: gvr("apps", "v1", "statefulsets"), Namespaced: true,
		Versions: []string{"apps/v1", "apps/v1beta2", "apps/v1beta1"},
		add: func(s *Snapshot, _ string, b []byte, dec decodeFunc) error {
			return appendJSON(&s.StatefulSets, b, dec)
		},
		Count: func(s *Snapshot) int { return len(s.StatefulSets) }},
	{Kind: KindDaemonSets, Name: "DaemonSet", GVR: gvr("apps", "v1", "daemonsets"), Namespaced: true,
		Versions: []string{"apps/v1", "apps/v1beta2", "extensions/v1beta1"},
		add:      func(s *Snapshot, _ string, b []byte, dec decodeFunc) error { return appendJSON(&s.DaemonSets, b, dec) },
		Count:    func(s *Snapshot) int { return len(s.DaemonSets) }},
	{Kind: KindJobs, Name: "Job", GVR: gvr("batch", "v1", "jobs"), Namespaced: true, Versions: []string{"batch/v1"},
		add:   func(s *Snapshot, _ string, b []byte, dec decodeFunc) error { return appendJSON(&s.Jobs, b, dec) },
		Count: func(s *Snapshot) int { return len(s.Jobs) }},
	{Kind: KindCronJobs, Name: "CronJob", GVR: gvr("batch", "v1", "cronjobs"), Namespaced: true,
		Versions: []string{"batch/v1", "batch/v1beta1", "batch/v2alpha1"},
		add:      func(s *Snapshot, _ string, b []byte, dec decodeFunc) error { return appendJSON(&s.CronJobs, b, dec) },
		Count:    func(s *Snapshot) int { return len(s.CronJobs) }},
	{Kind: KindHPAs, Name: "HorizontalPodAutoscaler", GVR: gvr("autoscaling", "v2", "horizontalpodautoscalers"), Namespaced: true,
		Versions: []string{"autoscaling/v2", "autoscaling/v2beta2", "autoscaling/v2beta1", "autoscaling/v1"},
		add:      func(s *Snapshot, v string, b []byte, dec decodeFunc) error { return addHPA(s, v, b, dec) },
		Count:    func(s *Snapshot) int { return len(s.HPAs) }},
	{Kind: KindPDBs, Name: "PodDisruptionBudget", GVR: gvr("policy", "v1", "poddisruptionbudgets"), Namespaced: true,
		Versions: []string{"policy/v1", "policy/v1beta1"},
		add:      func(s *Snapshot, v string, b []byte, dec decodeFunc) error { return addPDB(s, v, b, dec) },
		Count:    func(s *Snapshot) int { return len(s.PDBs) }},
	{Kind: KindRoles, Name: "Role", GVR: gvr("rbac.authorization.k8s.io", "v1", "roles"), Namespaced: true,
		Versions: []string{"rbac.authorization.k8s.io/v1", "rbac.authorization.k8s.io/v1beta1"},
		add:      func(s *Snapshot, _ string, b []byte, dec decodeFunc) error { return appendJSON(&s.Roles, b, dec) },
		Count:    func(s *Snapshot) int { return len(s.Roles) }},
	{Kind: KindClusterRoles, Name: "ClusterRole", GVR: gvr("rbac.authorization.k8s.io", "v1", "clusterroles"),
		Versions: []string{"rbac.authorization.k8s.io/v1", "rbac.authorization.k8s.io/v1beta1"},
		add: func(s *Snapshot, _ string, b []byte, dec decodeFunc) error {
			return appendJSON(&s.ClusterRoles, b, dec)
		},
		Count: func(s *Snapshot) int { return len(s.ClusterRoles) }},
	{Kind: KindRoleBindings, Name: "RoleBinding", GVR: gvr("rbac.authorization.k8s.io", "v1", "rolebindings"), Namespaced: true,
		Versions: []string{"rbac.authorization.k8s.io/v1", "rbac.authorization.k8s.io/v1beta1"},
		add: func(s *Snapshot, _ string, b []byte, dec decodeFunc) error {
			return appendJSON(&s.RoleBindings, b, dec)
		},
		Count: func(s *Snapshot) int { return len(s.RoleBindings) }},
	{Kind: KindClusterRoleBindings, Name: "ClusterRoleBinding", GVR: gvr("rbac.authorization.k8s.io", "v1", "clusterrolebindings"),
		Versions: []string{"rbac.authorization.k8s.io/v1", "rbac.authorization.k8s.io/v1beta1"},
		add: func(s *Snapshot, _ string, b []byte, dec decodeFunc) error {
			return appendJSON(&s.ClusterRoleBindings, b, dec)
		},
		Count: func(s *Snapshot) int { return len(s.ClusterRoleBindings) }},
	{Kind: KindLeases, Name: "Lease", GVR: gvr("coordination.k8s.io", "v1", "leases"), Namespaced: true,
		Versions: []string{"coordination.k8s.io/v1", "coordination.k8s.io/v1beta1"},
		add:      func(s *Snapshot, _ string, b []byte, dec decodeFunc) error { return appendJSON(&s.Leases, b, dec) },
		Count:    func(s *Snapshot) int { return len(s.Leases) }},
	{Kind: KindIngresses, Name: "Ingress", GVR: gvr("networking.k8s.io", "v1", "ingresses"), Namespaced: true,
		Versions: []string{"networking.k8s.io/v1"},
		add:      func(s *Snapshot, _ string, b []byte, dec decodeFunc) error { return appendJSON(&s.Ingresses, b, dec) },
		Count:    func(s *Snapshot) int { return len(s.Ingresses) }},
	{Kind: KindVeleroSchedules, Name: "Schedule", GVR: gvr("velero.io", "v1", "schedules"), Namespaced: true, Optional: true,
		Versions: []string{"velero.io/v1"},
		add:      func(s *Snapshot, v string, b []byte, _ decodeFunc) error { return appendCustom(&s.VeleroSchedules, b) },
		Count:    func(s *Snapshot) int { return len(s.VeleroSchedules) }},
	{Kind: KindVeleroBackups, Name: "Backup", GVR: gvr("velero.io", "v1", "backups"), Namespaced: true, Optional: true,
		Versions: []string{"velero.io/v1"},
		add:      func(s *Snapshot, v string, b []byte, _ decodeFunc) error { return appendCustom(&s.VeleroBackups, b) },
		Count:    func(s *Snapshot) int { return len(s.VeleroBackups) }},
	{Kind: KindETCDSnapshotFiles, Name: "ETCDSnapshotFile", GVR: gvr("k3s.cattle.io", "v1", "etcdsnapshotfiles"), Optional: true,
		Versions: []string{"k3s.cattle.io/v1"},
		add: func(s *Snapshot, v string, b []byte, _ decodeFunc) error {
			return appendCustom(&s.ETCDSnapshotFiles, b)
		},
		Count: func(s *Snapshot) int { return len(s.ETCDSnapshotFiles) }},
	{Kind: KindClusterVersions, Name: "ClusterVersion", GVR: gvr("config.openshift.io", "v1", "clusterversions"), Optional: true,
		Versions: []string{"config.openshift.io/v1"},
		add:      func(s *Snapshot, v string, b []byte, _ decodeFunc) error { return appendCustom(&s.ClusterVersions, b) },
		Count:    func(s *Snapshot) int { return len(s.ClusterVersions) }},
}

// appendCustom decodes a custom resource as an unstructured object. There is
// no schema to be strict against, so unknown fields are kept, not refused.
func appendCustom(dst *[]unstructured.Unstructured, data []byte) error {
	var u unstructured.Unstructured
	if err := u.UnmarshalJSON(data); err != nil {
		return err
	}
	*dst = append(*dst, u)
	return nil
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
		dec = strictDecode
	}
	return k.add(s, apiVersion, data, dec)
}

// Normalize strips managedFields and last-applied annotations from every
// object, trims templated pods and node image lists (see trim.go), and
// orders each kind by namespace and name, so snapshots of the same objects
// from different sources compare equal.
func (s *Snapshot) Normalize() {
	normalizeList(s.Nodes)
	normalizeList(s.Namespaces)
	normalizeList(s.Pods)
	normalizeList(s.Services)
	normalizeList(s.ServiceAccounts)
	normalizeList(s.ResourceQuotas)
	normalizeList(s.LimitRanges)
	normalizeList(s.ConfigMaps)
	normalizeList(s.Deployments)
	normalizeList(s.StatefulSets)
	normalizeList(s.DaemonSets)
	normalizeList(s.Jobs)
	normalizeList(s.CronJobs)
	normalizeList(s.HPAs)
	normalizeList(s.PDBs)
	normalizeList(s.Roles)
	normalizeList(s.ClusterRoles)
	normalizeList(s.RoleBindings)
	normalizeList(s.ClusterRoleBindings)
	normalizeList(s.Leases)
	normalizeList(s.Ingresses)
	normalizeList(s.VeleroSchedules)
	normalizeList(s.VeleroBackups)
	normalizeList(s.ETCDSnapshotFiles)
	normalizeList(s.ClusterVersions)
	s.SortGaps()
}

func normalizeList[T any, PT objectPtr[T]](items []T) {
	for i := range items {
		stripObject(PT(&items[i]))
		trimObject(PT(&items[i]))
	}
	sortByNamespaceName[T, PT](items)
}
