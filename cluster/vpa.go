package cluster

import (
	"encoding/json"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// VerticalPodAutoscaler is an autoscaling.k8s.io/v1 VerticalPodAutoscaler,
// the custom resource of the Kubernetes autoscaler project's VPA, which
// many clusters do not install. Only its spec is kept: which workload it
// targets, whether its updater changes running pods (updatePolicy) and
// which containers and resources it controls (resourcePolicy). The type
// lives here with the fields of the published v1 shape rather than in the
// autoscaler's own module, which would bring its dependencies into every
// build for one small type; the live source reads it through the dynamic
// client. The status (recommendations, conditions) is dropped as objects
// arrive: no check reads it, and it grows with every container.
type VerticalPodAutoscaler struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              VPASpec `json:"spec"`
}

// VPASpec is autoscaling.k8s.io/v1 VerticalPodAutoscalerSpec.
type VPASpec struct {
	// TargetRef names the controller whose pods the VPA sizes (kind,
	// name, apiVersion), in the VPA's namespace.
	TargetRef      *autoscalingv1.CrossVersionObjectReference `json:"targetRef,omitempty"`
	UpdatePolicy   *VPAUpdatePolicy                           `json:"updatePolicy,omitempty"`
	ResourcePolicy *VPAResourcePolicy                         `json:"resourcePolicy,omitempty"`
	Recommenders   []VPARecommenderSelector                   `json:"recommenders,omitempty"`
}

// VPA update modes (spec.updatePolicy.updateMode). The VPA's admission
// controller and updater default an unset mode to Auto.
const (
	VPAUpdateModeOff               = "Off"
	VPAUpdateModeInitial           = "Initial"
	VPAUpdateModeRecreate          = "Recreate"
	VPAUpdateModeAuto              = "Auto"
	VPAUpdateModeInPlaceOrRecreate = "InPlaceOrRecreate"
)

// VPAUpdatePolicy is autoscaling.k8s.io/v1 PodUpdatePolicy.
type VPAUpdatePolicy struct {
	UpdateMode           *string                  `json:"updateMode,omitempty"`
	MinReplicas          *int32                   `json:"minReplicas,omitempty"`
	EvictionRequirements []VPAEvictionRequirement `json:"evictionRequirements,omitempty"`
}

// VPAEvictionRequirement is autoscaling.k8s.io/v1 EvictionRequirement.
type VPAEvictionRequirement struct {
	Resources         []corev1.ResourceName `json:"resources"`
	ChangeRequirement string                `json:"changeRequirement"`
}

// VPAResourcePolicy is autoscaling.k8s.io/v1 PodResourcePolicy.
type VPAResourcePolicy struct {
	ContainerPolicies []VPAContainerPolicy `json:"containerPolicies,omitempty"`
}

// VPAContainerPolicy is autoscaling.k8s.io/v1 ContainerResourcePolicy.
// ContainerName "*" is the default policy for containers without their
// own. Mode "Off" leaves the container alone; ControlledResources unset
// means cpu and memory.
type VPAContainerPolicy struct {
	ContainerName       string                 `json:"containerName,omitempty"`
	Mode                *string                `json:"mode,omitempty"`
	MinAllowed          corev1.ResourceList    `json:"minAllowed,omitempty"`
	MaxAllowed          corev1.ResourceList    `json:"maxAllowed,omitempty"`
	ControlledResources *[]corev1.ResourceName `json:"controlledResources,omitempty"`
	ControlledValues    *string                `json:"controlledValues,omitempty"`
}

// VPARecommenderSelector is autoscaling.k8s.io/v1
// VerticalPodAutoscalerRecommenderSelector.
type VPARecommenderSelector struct {
	Name string `json:"name"`
}

// UpdateMode returns spec.updatePolicy.updateMode, "Auto" when unset (the
// VPA's own default).
func (v *VerticalPodAutoscaler) UpdateMode() string {
	if p := v.Spec.UpdatePolicy; p != nil && p.UpdateMode != nil && *p.UpdateMode != "" {
		return *p.UpdateMode
	}
	return VPAUpdateModeAuto
}

// decodeVPA decodes a VerticalPodAutoscaler and drops its status (strict
// decoding checks the spec and metadata only: the status is the VPA
// recommender's to write).
func decodeVPA(_ string, data []byte, dec DecodeFunc) (VerticalPodAutoscaler, error) {
	var withStatus struct {
		VerticalPodAutoscaler `json:",inline"`
		Status                json.RawMessage `json:"status,omitempty"`
	}
	err := dec(data, &withStatus)
	return withStatus.VerticalPodAutoscaler, err
}
