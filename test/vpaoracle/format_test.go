package vpaoracle

import (
	"testing"

	"github.com/seaworthy-k8s/seaworthy/recommender/vpa"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/autoscaler/vertical-pod-autoscaler/pkg/recommender/logic"
	vpautils "k8s.io/autoscaler/vertical-pod-autoscaler/pkg/utils/vpa"
)

// TestFormatMatchesVPA: the non-default output options (rounding up to a
// multiple, humanized memory, the global maximum) give what VPA's
// MapToListOfRecommendedContainerResources and its capping post-processor
// (ApplyVPAPolicy with no VPA policy) give, read back as millicores
// (MilliValue) and bytes (Value).
func TestFormatMatchesVPA(t *testing.T) {
	type opts struct {
		format    logic.RecommendationFormat
		maxCPU    string // quantity; "" = unset
		maxMemory string
	}
	variants := map[string]opts{
		"round-50m-1Mi":        {format: logic.RecommendationFormat{RoundCPUMillicores: 50, RoundMemoryBytes: 1 << 20}},
		"round-7m-1000B":       {format: logic.RecommendationFormat{RoundCPUMillicores: 7, RoundMemoryBytes: 1000}},
		"humanize":             {format: logic.RecommendationFormat{HumanizeMemory: true, RoundCPUMillicores: 1, RoundMemoryBytes: 1}},
		"round-and-humanize":   {format: logic.RecommendationFormat{HumanizeMemory: true, RoundCPUMillicores: 100, RoundMemoryBytes: 4096}},
		"max-allowed-300m-1Gi": {format: logic.RecommendationFormat{RoundCPUMillicores: 1, RoundMemoryBytes: 1}, maxCPU: "300m", maxMemory: "1Gi"},
	}
	for vname, o := range variants {
		changed := 0 // containers whose output the option changed
		for _, h := range cases() {
			t.Run(vname+"/"+h.name, func(t *testing.T) {
				_, res := runVPARaw(h)
				global := corev1.ResourceList{}
				cfg := vpa.DefaultConfig()
				cfg.RoundCPUMillicores = o.format.RoundCPUMillicores
				cfg.RoundMemoryBytes = o.format.RoundMemoryBytes
				cfg.HumanizeMemory = o.format.HumanizeMemory
				if o.maxCPU != "" {
					q := resource.MustParse(o.maxCPU)
					global[corev1.ResourceCPU] = q
					cfg.MaxAllowedCPUMillis = q.MilliValue()
				}
				if o.maxMemory != "" {
					q := resource.MustParse(o.maxMemory)
					global[corev1.ResourceMemory] = q
					cfg.MaxAllowedMemoryBytes = q.Value()
				}
				list := logic.MapToListOfRecommendedContainerResources(res, o.format)
				capped, err := vpautils.ApplyVPAPolicy(list, nil, global)
				if err != nil {
					t.Fatal(err)
				}
				amounts := func(l corev1.ResourceList) vpa.Amounts {
					cpu, mem := l[corev1.ResourceCPU], l[corev1.ResourceMemory]
					return vpa.Amounts{CPUMillis: cpu.MilliValue(), MemoryBytes: mem.Value()}
				}
				got := runOurs(cfg, h)
				plain := runOurs(vpa.DefaultConfig(), h)
				for _, c := range capped.ContainerRecommendations {
					want := vpa.Bounds{Lower: amounts(c.LowerBound), Target: amounts(c.Target), Upper: amounts(c.UpperBound)}
					if g := got.bounds[c.ContainerName]; g != want {
						t.Errorf("%s:\n got %+v\nwant %+v", c.ContainerName, g, want)
					}
					if want != plain.bounds[c.ContainerName] {
						changed++
					}
				}
			})
		}
		// Not vacuous: the option changed some outputs.
		if changed == 0 {
			t.Errorf("%s: no output changed", vname)
		}
	}
}
