package index_test

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
)

// A Container LimitRange's defaults as the API server applies them: a
// request from defaultRequest, default, max or min; a limit from default
// or max; a container's own limit also sets its request.
func TestContainerDefaults(t *testing.T) {
	s := checktest.Snapshot()
	lr := corev1.LimitRange{}
	lr.Name, lr.Namespace = "caps", "team"
	lr.Spec.Limits = []corev1.LimitRangeItem{
		{Type: corev1.LimitTypePod, Max: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("4Gi")}},
		{Type: corev1.LimitTypeContainer,
			Min: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("10m")},
			Max: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1Gi")}},
	}
	s.LimitRanges = []corev1.LimitRange{lr}
	ix := index.New(s)
	if d := ix.ContainerDefaults("other"); d != nil {
		t.Fatalf("defaults in a namespace without LimitRange: %+v", d)
	}
	d := ix.ContainerDefaults("team")
	bare := &corev1.Container{Name: "bare"}
	own := &corev1.Container{Name: "own", Resources: corev1.ResourceRequirements{
		Limits: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")}}}
	var got []string
	for _, c := range []*corev1.Container{bare, own} {
		for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			set, by := d.Request(c, r)
			lset, lby := d.Limit(c, r)
			got = append(got, fmt.Sprintf("%s %s request %v %v limit %v %v", c.Name, r, set, by, lset, lby))
		}
	}
	want := []string{
		"bare cpu request true [caps] limit false []",       // min defaults the request only
		"bare memory request true [caps] limit true [caps]", // max becomes default, which is both
		"own cpu request true [] limit true []",             // its own limit is its request too
		"own memory request true [caps] limit true [caps]",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got:\n%v\nwant:\n%v", got, want)
	}
	// A nil ContainerDefaults (no LimitRange) fills in nothing.
	var none *index.ContainerDefaults
	if set, _ := none.Request(bare, corev1.ResourceCPU); set {
		t.Error("nil defaults set a request")
	}
}
