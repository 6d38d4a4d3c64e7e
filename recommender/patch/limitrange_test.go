package patch

import (
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func limitRange(ns, name string, item corev1.LimitRangeItem) corev1.LimitRange {
	item.Type = corev1.LimitTypeContainer
	return corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{item}}}
}

func messages(vs []Violation) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Container+": "+v.Message)
	}
	return out
}

func TestCheckLimitRanges(t *testing.T) {
	res := func(req, lim corev1.ResourceList) corev1.ResourceRequirements {
		return corev1.ResourceRequirements{Requests: req, Limits: lim}
	}
	for _, c := range []struct {
		name   string
		item   corev1.LimitRangeItem
		ns     string
		res    corev1.ResourceRequirements
		want   []string
		wantTy string
	}{
		{
			name: "limit over max",
			item: corev1.LimitRangeItem{Max: corev1.ResourceList{corev1.ResourceMemory: q("2Gi")}},
			res:  res(corev1.ResourceList{corev1.ResourceMemory: q("1Gi")}, corev1.ResourceList{corev1.ResourceMemory: q("3Gi")}),
			want: []string{"c: memory limit 3Gi exceeds LimitRange team-a/limits max 2Gi"},
		},
		{
			name: "another namespace's range does not apply",
			item: corev1.LimitRangeItem{Max: corev1.ResourceList{corev1.ResourceMemory: q("2Gi")}},
			ns:   "team-b",
			res:  res(nil, corev1.ResourceList{corev1.ResourceMemory: q("3Gi")}),
		},
		{
			// The absent limit takes the default limit, which defaults
			// to max: 2Gi, within max; the 3Gi request is not.
			name: "max fills the absent limit, request over max",
			item: corev1.LimitRangeItem{Max: corev1.ResourceList{corev1.ResourceMemory: q("2Gi")}},
			res:  res(corev1.ResourceList{corev1.ResourceMemory: q("3Gi")}, nil),
			want: []string{"c: memory request 3Gi exceeds LimitRange team-a/limits max 2Gi"},
		},
		{
			// The absent request takes the limit (pod defaults), 50m < 100m.
			name: "request from limit under min",
			item: corev1.LimitRangeItem{Min: corev1.ResourceList{corev1.ResourceCPU: q("100m")}},
			res:  res(nil, corev1.ResourceList{corev1.ResourceCPU: q("50m")}),
			want: []string{"c: cpu request 50m is below LimitRange team-a/limits min 100m", "c: cpu limit 50m is below LimitRange team-a/limits min 100m"},
		},
		{
			// 1536Mi / 512Mi = 3 > 2.
			name: "ratio",
			item: corev1.LimitRangeItem{MaxLimitRequestRatio: corev1.ResourceList{corev1.ResourceMemory: q("2")}},
			res:  res(corev1.ResourceList{corev1.ResourceMemory: q("512Mi")}, corev1.ResourceList{corev1.ResourceMemory: q("1536Mi")}),
			want: []string{"c: memory limit/request ratio 3.00 (1536Mi/512Mi) exceeds LimitRange team-a/limits maxLimitRequestRatio 2"},
		},
		{
			// 1024Mi / 512Mi = 2, not more than 2.
			name: "ratio at the bound",
			item: corev1.LimitRangeItem{MaxLimitRequestRatio: corev1.ResourceList{corev1.ResourceMemory: q("2")}},
			res:  res(corev1.ResourceList{corev1.ResourceMemory: q("512Mi")}, corev1.ResourceList{corev1.ResourceMemory: q("1Gi")}),
		},
		{
			// 300m / 250m = 1.2 > 1.1: milli-units keep the fraction.
			name: "fractional ratio",
			item: corev1.LimitRangeItem{MaxLimitRequestRatio: corev1.ResourceList{corev1.ResourceCPU: q("1.1")}},
			res:  res(corev1.ResourceList{corev1.ResourceCPU: q("250m")}, corev1.ResourceList{corev1.ResourceCPU: q("300m")}),
			want: []string{"c: cpu limit/request ratio 1.20 (300m/250m) exceeds LimitRange team-a/limits maxLimitRequestRatio 1100m"},
		},
		{
			// No limit and no default: the ratio cannot be judged, so the
			// plugin rejects.
			name: "ratio without a limit",
			item: corev1.LimitRangeItem{MaxLimitRequestRatio: corev1.ResourceList{corev1.ResourceCPU: q("2")}},
			res:  res(corev1.ResourceList{corev1.ResourceCPU: q("250m")}, nil),
			want: []string{"c: cpu has no limit, and LimitRange team-a/limits limits its limit/request ratio to 2"},
		},
		{
			// The default request fills the absent request: 64Mi < 128Mi.
			name: "default request under min",
			item: corev1.LimitRangeItem{Min: corev1.ResourceList{corev1.ResourceMemory: q("128Mi")},
				DefaultRequest: corev1.ResourceList{corev1.ResourceMemory: q("64Mi")}},
			res:  res(nil, nil),
			want: []string{"c: memory request 64Mi is below LimitRange team-a/limits min 128Mi"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			ns := c.ns
			if ns == "" {
				ns = "team-a"
			}
			spec := &corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Resources: c.res}}}
			got := messages(CheckLimitRanges("team-a", spec, []corev1.LimitRange{limitRange(ns, "limits", c.item)}))
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

// CheckSet judges the patched template and reports only changed
// containers: app's new 600Mi limit exceeds max 512Mi; sidecar's unchanged
// absent limit takes the default (max) and passes; the violation names the
// workload. The cronjob's 1,000,000,000-byte request (about 954Mi) exceeds
// max too: its absent limit takes the default, max, and the request may not
// pass it.
func TestCheckSet(t *testing.T) {
	lr := limitRange("team-a", "limits", corev1.LimitRangeItem{Max: corev1.ResourceList{corev1.ResourceMemory: q("512Mi")}})
	vs := CheckSet(build(), FromSnapshot(snapshot()), []corev1.LimitRange{lr})
	var got []string
	for _, v := range vs {
		got = append(got, v.Workload.Kind+" "+v.Workload.Name+" "+v.Container+" "+v.Constraint+": "+v.Message)
	}
	want := []string{
		"CronJob report job max: memory request 1000000000 exceeds LimitRange team-a/limits max 512Mi",
		"Deployment web app max: memory limit 600Mi exceeds LimitRange team-a/limits max 512Mi"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
