package patch

import (
	"bytes"
	"fmt"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/seaworthy-k8s/seaworthy/recommender"
)

// VPA's controlledValues (autoscaling.k8s.io/v1 ContainerResourcePolicy).
const (
	ControlledRequestsAndLimits = "RequestsAndLimits"
	ControlledRequestsOnly      = "RequestsOnly"
)

// VPAName is the name of the VerticalPodAutoscaler VPAs writes for a
// workload: <name>-<kind in lower case>, so a Deployment and a StatefulSet
// of one name get one each.
func VPAName(w recommender.Workload) string {
	return w.Name + "-" + strings.ToLower(w.Kind)
}

// VPAs are autoscaling.k8s.io/v1 VerticalPodAutoscalers, one per patched
// workload with containers, as one multi-document YAML stream. Each targets
// its workload with updateMode "Off", so VPA only recommends, and has a
// container policy per recommended container whose controlledValues follow
// the limit policy: RequestsAndLimits when the recommendation sets a limit,
// RequestsOnly when it does not.
func VPAs(set Set) ([]byte, error) {
	var b bytes.Buffer
	n := 0
	for _, p := range set.Patches {
		if len(p.Containers) == 0 {
			continue
		}
		policies := make([]any, 0, len(p.Containers))
		for _, c := range p.Containers {
			controlled := ControlledRequestsOnly
			if c.Limits != (recommender.Amounts{}) {
				controlled = ControlledRequestsAndLimits
			}
			policies = append(policies, map[string]any{"containerName": c.Name, "controlledValues": controlled})
		}
		obj := map[string]any{
			"apiVersion": "autoscaling.k8s.io/v1",
			"kind":       "VerticalPodAutoscaler",
			"metadata":   map[string]any{"name": VPAName(p.Workload), "namespace": p.Workload.Namespace},
			"spec": map[string]any{
				"targetRef": map[string]any{
					"apiVersion": p.Workload.APIVersion, "kind": p.Workload.Kind, "name": p.Workload.Name,
				},
				"updatePolicy":   map[string]any{"updateMode": "Off"},
				"resourcePolicy": map[string]any{"containerPolicies": policies},
			},
		}
		doc, err := yaml.Marshal(obj)
		if err != nil {
			return nil, fmt.Errorf("encode VerticalPodAutoscaler for %s %s/%s: %w", p.Workload.Kind, p.Workload.Namespace, p.Workload.Name, err)
		}
		if n > 0 {
			b.WriteString("---\n")
		}
		b.Write(doc)
		n++
	}
	return b.Bytes(), nil
}
