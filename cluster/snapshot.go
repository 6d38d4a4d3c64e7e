package cluster

import (
	"fmt"
	"time"

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
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// SchemaVersion is the version of the snapshot file format this build writes.
// Readers accept any version with the same major number and a minor number no
// greater than theirs.
const SchemaVersion = "seaworthy.snapshot/v1"

// Source names where a snapshot's objects came from.
const (
	SourceLive      = "live"
	SourceManifests = "manifests"
	SourceSnapshot  = "snapshot"
)

// Snapshot is everything seaworthy knows about one cluster at one moment.
// Checks and the recommender read only this; CollectedAt is their clock.
//
// Objects share memory: the sources intern equal strings and share equal
// label and annotation maps, resource lists and selectors between objects
// (a 150,000-pod cluster repeats them massively), and the index hands out
// pointers into the lists. So treat a snapshot as read-only; to change an
// object, copy it first (DeepCopy), and never write into a map, slice or
// string obtained from one.
type Snapshot struct {
	SchemaVersion string    `json:"schemaVersion"`
	CollectedAt   time.Time `json:"collectedAt"`
	// Source is "live", "manifests" or "snapshot" (a replayed file keeps the
	// source it was collected from in OriginalSource).
	Source         string     `json:"source"`
	OriginalSource string     `json:"originalSource,omitempty"`
	Server         ServerInfo `json:"server"`

	Nodes           []corev1.Node           `json:"nodes,omitempty"`
	Namespaces      []corev1.Namespace      `json:"namespaces,omitempty"`
	Pods            []corev1.Pod            `json:"pods,omitempty"`
	Services        []corev1.Service        `json:"services,omitempty"`
	ServiceAccounts []corev1.ServiceAccount `json:"serviceAccounts,omitempty"`
	ResourceQuotas  []corev1.ResourceQuota  `json:"resourceQuotas,omitempty"`
	LimitRanges     []corev1.LimitRange     `json:"limitRanges,omitempty"`
	ConfigMaps      []corev1.ConfigMap      `json:"configMaps,omitempty"`
	Deployments     []appsv1.Deployment     `json:"deployments,omitempty"`
	// ReplicaSets hold only what maps pods to Deployments (see ReplicaSet).
	// Manifests rarely carry them, and no check may need them to decide.
	ReplicaSets         []ReplicaSet                            `json:"replicaSets,omitempty"`
	StatefulSets        []appsv1.StatefulSet                    `json:"statefulSets,omitempty"`
	DaemonSets          []appsv1.DaemonSet                      `json:"daemonSets,omitempty"`
	Jobs                []batchv1.Job                           `json:"jobs,omitempty"`
	CronJobs            []batchv1.CronJob                       `json:"cronJobs,omitempty"`
	HPAs                []autoscalingv2.HorizontalPodAutoscaler `json:"horizontalPodAutoscalers,omitempty"`
	PDBs                []policyv1.PodDisruptionBudget          `json:"podDisruptionBudgets,omitempty"`
	Roles               []rbacv1.Role                           `json:"roles,omitempty"`
	ClusterRoles        []rbacv1.ClusterRole                    `json:"clusterRoles,omitempty"`
	RoleBindings        []rbacv1.RoleBinding                    `json:"roleBindings,omitempty"`
	ClusterRoleBindings []rbacv1.ClusterRoleBinding             `json:"clusterRoleBindings,omitempty"`
	Leases              []coordinationv1.Lease                  `json:"leases,omitempty"`
	Ingresses           []networkingv1.Ingress                  `json:"ingresses,omitempty"`
	// IngressClasses name the controller behind each class and which class
	// is the default for Ingresses that name none.
	IngressClasses []networkingv1.IngressClass `json:"ingressClasses,omitempty"`
	// EndpointSlices say which pods back each Service and whether they are
	// ready; the admission checks read them for webhook and APIService
	// backends. Manifests rarely carry them (controllers write them).
	EndpointSlices []discoveryv1.EndpointSlice `json:"endpointSlices,omitempty"`
	// The admission webhooks and aggregated APIs: the cluster-wide
	// dependencies every write or discovery request goes through.
	ValidatingWebhooks []admissionregistrationv1.ValidatingWebhookConfiguration `json:"validatingWebhookConfigurations,omitempty"`
	MutatingWebhooks   []admissionregistrationv1.MutatingWebhookConfiguration   `json:"mutatingWebhookConfigurations,omitempty"`
	APIServices        []APIService                                             `json:"apiServices,omitempty"`

	// Custom resources of add-ons that some checks read, kept as
	// unstructured objects. A CRD that is not installed leaves its list
	// empty and is not a gap; one the identity may not list is.
	VeleroSchedules   []unstructured.Unstructured `json:"veleroSchedules,omitempty"`
	VeleroBackups     []unstructured.Unstructured `json:"veleroBackups,omitempty"`
	ETCDSnapshotFiles []unstructured.Unstructured `json:"etcdSnapshotFiles,omitempty"`
	ClusterVersions   []unstructured.Unstructured `json:"clusterVersions,omitempty"`
	// VPAs are the VerticalPodAutoscalers (autoscaling.k8s.io/v1), typed
	// and reduced to their spec (see VerticalPodAutoscaler).
	VPAs []VerticalPodAutoscaler `json:"verticalPodAutoscalers,omitempty"`

	// APIResources is the server's discovery document flattened: every
	// resource (and subresource, as "pods/exec") each served group version
	// offers. Empty for manifests; see KindAPIResources for why it may be
	// missing from a live snapshot.
	APIResources []APIResource `json:"apiResources,omitempty"`

	// Origins says where each object of a manifest source was read,
	// sorted by kind, namespace and name; see OriginOf.
	Origins []Origin `json:"origins,omitempty"`

	// SecretNames are the Secrets' names when they were read (see
	// SecretNames); nil when they were not.
	SecretNames *SecretNames `json:"secretNames,omitempty"`

	// Gaps lists what could not be read, and why. A check that needs a kind
	// listed here reports skip, never pass.
	Gaps []Gap `json:"gaps,omitempty"`
}

// ServerInfo describes the API server the snapshot was read from. Platform
// and Detected are filled by every source's finishing step (see
// DetectPlatform); every other field but Host only by a live collection (or
// a snapshot file saved from one): nil or empty means not collected, and a
// live probe that failed also leaves a Gap of the matching Kind* below.
type ServerInfo struct {
	Host       string `json:"host,omitempty"`
	GitVersion string `json:"gitVersion,omitempty"`
	// Platform names the platform ("kubeadm", "eks", "openshift", …, or
	// "unknown"), and Detected says how it was decided.
	Platform string        `json:"platform,omitempty"`
	Detected *PlatformInfo `json:"platformDetection,omitempty"`
	// ReadyzChecks are the check names /readyz?verbose lists, in order
	// ("ping", "etcd", "etcd-override-0", "poststarthook/...").
	ReadyzChecks []string `json:"readyzChecks,omitempty"`
	// ServingCert is the certificate chain the API server presented in the
	// TLS handshake.
	ServingCert *CertInfo `json:"servingCert,omitempty"`
	// Anonymous is the answer to an unauthenticated request.
	Anonymous *AnonymousProbe `json:"anonymous,omitempty"`
}

// CertInfo summarizes a presented certificate chain.
type CertInfo struct {
	// NotAfter is the earliest expiry in the chain, and Subject the subject
	// of the certificate that expires then.
	NotAfter time.Time `json:"notAfter"`
	Subject  string    `json:"subject"`
	// LeafSubject and LeafDNSNames describe the serving certificate itself.
	LeafSubject  string   `json:"leafSubject,omitempty"`
	LeafDNSNames []string `json:"leafDNSNames,omitempty"`
	// ChainLength counts the certificates presented.
	ChainLength int `json:"chainLength"`
}

// AnonymousProbe is what the API server answered to a request made with no
// credentials at all: 401 means anonymous auth is off, 403 that anonymous
// requests are authenticated but not authorized for Path, 200 that they
// are authorized.
type AnonymousProbe struct {
	Path       string `json:"path"`
	StatusCode int    `json:"statusCode"`
}

// APIResource is one resource a served group version offers.
type APIResource struct {
	Group   string `json:"group,omitempty"`
	Version string `json:"version"`
	// Resource is the plural name, "pods", or "pods/exec" for a subresource.
	Resource   string   `json:"resource"`
	Kind       string   `json:"kind,omitempty"`
	Namespaced bool     `json:"namespaced,omitempty"`
	Verbs      []string `json:"verbs,omitempty"`
}

// Gap kinds for inputs that are not object lists.
const (
	// KindReadyz: /readyz?verbose could not be read.
	KindReadyz Kind = "readyz"
	// KindServingCert: the TLS handshake did not yield a certificate (for
	// example a plain-HTTP or proxied connection).
	KindServingCert Kind = "servingcert"
	// KindAnonymous: the unauthenticated probe could not be made.
	KindAnonymous Kind = "anonymous"
	// KindAPIResources: discovery failed, fully or for some groups.
	KindAPIResources Kind = "apiresources"
)

// Gap records one input that could not be read.
type Gap struct {
	// Kind is the resource kind (see Kind) or another named input.
	Kind Kind `json:"kind"`
	// Namespace is set when only one namespace's objects were missed.
	Namespace string `json:"namespace,omitempty"`
	// Name is set for a single named object (e.g. an allow-listed ConfigMap).
	Name string `json:"name,omitempty"`
	// Reason is a short machine-readable cause: forbidden, not-installed,
	// timeout, error, not-in-input.
	Reason string `json:"reason"`
	// Message says what happened in words.
	Message string `json:"message"`
}

// Gap reasons.
const (
	GapForbidden    = "forbidden"
	GapNotInstalled = "not-installed"
	GapTimeout      = "timeout"
	GapError        = "error"
	GapNotInInput   = "not-in-input"
)

// FromManifests reports whether the objects were read from manifests,
// directly or through a snapshot file saved from them: input that is
// often a part of a cluster and never carries what only a live cluster
// has (status of its own making, leader Leases, the API server's answers).
func (s *Snapshot) FromManifests() bool {
	return s.Source == SourceManifests || (s.Source == SourceSnapshot && s.OriginalSource == SourceManifests)
}

// GapFor returns the first gap recorded for kind, if any. Gaps for a single
// named object do not count as a gap for the whole kind.
func (s *Snapshot) GapFor(kind Kind) (Gap, bool) {
	for _, g := range s.Gaps {
		if g.Kind == kind && g.Name == "" {
			return g, true
		}
	}
	return Gap{}, false
}

// ConfigMap returns the allow-listed ConfigMap namespace/name if it was
// collected.
func (s *Snapshot) ConfigMap(namespace, name string) (*corev1.ConfigMap, bool) {
	for i := range s.ConfigMaps {
		cm := &s.ConfigMaps[i]
		if cm.Namespace == namespace && cm.Name == name {
			return cm, true
		}
	}
	return nil, false
}

// InputError is bad input at a file position. Its message is one line:
// "path:line: what is wrong".
type InputError struct {
	Path string
	Line int
	Err  error
}

func (e *InputError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

func (e *InputError) Unwrap() error { return e.Err }
