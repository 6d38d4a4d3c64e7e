package cluster

import (
	"encoding/json"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Older API versions of the kinds seaworthy reads are decoded into the
// current types. Most differ only in defaults; the converters here cover
// the ones whose shape or meaning changed.

// decodeDeployment accepts apps/v1beta1, apps/v1beta2 and
// extensions/v1beta1, whose selector defaulted to the template's labels
// when omitted.
func decodeDeployment(apiVersion string, data []byte, dec DecodeFunc) (appsv1.Deployment, error) {
	var d appsv1.Deployment
	if err := dec(data, &d); err != nil {
		return d, err
	}
	if d.Spec.Selector == nil && apiVersion != "apps/v1" && len(d.Spec.Template.Labels) > 0 {
		d.Spec.Selector = &metav1.LabelSelector{MatchLabels: d.Spec.Template.Labels}
	}
	return d, nil
}

// decodePDB accepts policy/v1beta1, where an empty selector selected no pods;
// in policy/v1 an empty selector selects every pod in the namespace, and a
// null one selects none.
func decodePDB(apiVersion string, data []byte, dec DecodeFunc) (policyv1.PodDisruptionBudget, error) {
	var p policyv1.PodDisruptionBudget
	if err := dec(data, &p); err != nil {
		return p, err
	}
	if apiVersion == "policy/v1beta1" && p.Spec.Selector != nil &&
		len(p.Spec.Selector.MatchLabels) == 0 && len(p.Spec.Selector.MatchExpressions) == 0 {
		p.Spec.Selector = nil
	}
	return p, nil
}

// v2beta1Metric is the part of an autoscaling/v2beta1 resource metric that
// differs from v2.
type v2beta1Metric struct {
	Type     autoscalingv2.MetricSourceType `json:"type"`
	Resource *struct {
		Name                     corev1.ResourceName `json:"name"`
		TargetAverageUtilization *int32              `json:"targetAverageUtilization"`
	} `json:"resource"`
}

// decodeHPA accepts autoscaling/v1 (a CPU utilization target) and v2beta1
// (resource targets as targetAverageUtilization) besides v2 and v2beta2.
func decodeHPA(apiVersion string, data []byte, dec DecodeFunc) (autoscalingv2.HorizontalPodAutoscaler, error) {
	var h autoscalingv2.HorizontalPodAutoscaler
	switch apiVersion {
	case "autoscaling/v1":
		var v1 autoscalingv1.HorizontalPodAutoscaler
		if err := dec(data, &v1); err != nil {
			return h, err
		}
		h.TypeMeta = metav1.TypeMeta{APIVersion: "autoscaling/v2", Kind: "HorizontalPodAutoscaler"}
		h.ObjectMeta = v1.ObjectMeta
		h.Spec.ScaleTargetRef = autoscalingv2.CrossVersionObjectReference(v1.Spec.ScaleTargetRef)
		h.Spec.MinReplicas = v1.Spec.MinReplicas
		h.Spec.MaxReplicas = v1.Spec.MaxReplicas
		if v1.Spec.TargetCPUUtilizationPercentage != nil {
			h.Spec.Metrics = []autoscalingv2.MetricSpec{resourceUtilization(corev1.ResourceCPU, *v1.Spec.TargetCPUUtilizationPercentage)}
		}
		h.Status.CurrentReplicas = v1.Status.CurrentReplicas
		h.Status.DesiredReplicas = v1.Status.DesiredReplicas
		h.Status.LastScaleTime = v1.Status.LastScaleTime
	case "autoscaling/v2beta1":
		var raw struct {
			Spec struct {
				Metrics []v2beta1Metric `json:"metrics"`
			} `json:"spec"`
		}
		if err := json.Unmarshal(data, &raw); err != nil {
			return h, err
		}
		if err := json.Unmarshal(data, &h); err != nil {
			return h, err
		}
		h.Spec.Metrics = nil
		for _, m := range raw.Spec.Metrics {
			if m.Resource != nil && m.Resource.TargetAverageUtilization != nil {
				h.Spec.Metrics = append(h.Spec.Metrics, resourceUtilization(m.Resource.Name, *m.Resource.TargetAverageUtilization))
			}
		}
	default:
		if err := dec(data, &h); err != nil {
			return h, err
		}
	}
	return h, nil
}

func resourceUtilization(name corev1.ResourceName, pct int32) autoscalingv2.MetricSpec {
	return autoscalingv2.MetricSpec{
		Type: autoscalingv2.ResourceMetricSourceType,
		Resource: &autoscalingv2.ResourceMetricSource{
			Name:   name,
			Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: &pct},
		},
	}
}
