package cluster

import (
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestServes(t *testing.T) {
	vpas := schema.GroupVersionResource{Group: "autoscaling.k8s.io", Version: "v1", Resource: "verticalpodautoscalers"}
	core := []APIResource{{Version: "v1", Resource: "pods"}}
	tests := []struct {
		name          string
		s             Snapshot
		served, known bool
	}{
		{"no discovery document", Snapshot{}, false, false},
		{"listed", Snapshot{APIResources: append(core, APIResource{Group: "autoscaling.k8s.io", Version: "v1", Resource: "verticalpodautoscalers"})}, true, true},
		{"not listed", Snapshot{APIResources: core}, false, true},
		{"not listed, discovery partly failed", Snapshot{APIResources: core, Gaps: []Gap{{Kind: KindAPIResources, Reason: GapError}}}, false, false},
	}
	for _, tt := range tests {
		if served, known := tt.s.Serves(vpas); served != tt.served || known != tt.known {
			t.Errorf("%s: Serves = %v, %v; want %v, %v", tt.name, served, known, tt.served, tt.known)
		}
	}
}
