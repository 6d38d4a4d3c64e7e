package cluster

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// APIService is an apiregistration.k8s.io/v1 APIService: the registration
// of an aggregated API (metrics.k8s.io served by metrics-server, for
// example) with the Service that serves it and whether the API server can
// reach it. The type lives here, with the fields of the published v1 shape,
// rather than in the aggregator's own module, which would bring a second
// API server's dependencies into every build for one small type. The live
// source reads it through the dynamic client.
type APIService struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              APIServiceSpec   `json:"spec,omitempty"`
	Status            APIServiceStatus `json:"status,omitempty"`
}

// APIServiceSpec is apiregistration.k8s.io/v1 APIServiceSpec. Service is
// nil for a group version the API server serves itself ("Local").
type APIServiceSpec struct {
	Service               *APIServiceReference `json:"service,omitempty"`
	Group                 string               `json:"group,omitempty"`
	Version               string               `json:"version,omitempty"`
	InsecureSkipTLSVerify bool                 `json:"insecureSkipTLSVerify,omitempty"`
	// CABundle is dropped as objects arrive (see trimObject); the field
	// is here so that strict decoding of manifests knows it.
	CABundle             []byte `json:"caBundle,omitempty"`
	GroupPriorityMinimum int32  `json:"groupPriorityMinimum"`
	VersionPriority      int32  `json:"versionPriority"`
}

// APIServiceReference names the Service behind an aggregated API.
type APIServiceReference struct {
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name,omitempty"`
	Port      *int32 `json:"port,omitempty"`
}

// APIServiceStatus is apiregistration.k8s.io/v1 APIServiceStatus.
type APIServiceStatus struct {
	Conditions []APIServiceCondition `json:"conditions,omitempty"`
}

// APIServiceCondition is one condition of an APIService; the API server
// sets Type "Available" with Status "True" or "False" and a reason such as
// "MissingEndpoints" or "FailedDiscoveryCheck".
type APIServiceCondition struct {
	Type               string      `json:"type"`
	Status             string      `json:"status"`
	LastTransitionTime metav1.Time `json:"lastTransitionTime,omitempty"`
	Reason             string      `json:"reason,omitempty"`
	Message            string      `json:"message,omitempty"`
}

// Condition returns the condition of type t, or nil.
func (a *APIService) Condition(t string) *APIServiceCondition {
	for i := range a.Status.Conditions {
		if a.Status.Conditions[i].Type == t {
			return &a.Status.Conditions[i]
		}
	}
	return nil
}
