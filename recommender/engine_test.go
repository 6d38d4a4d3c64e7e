package recommender

import (
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/cluster/usage"
	"github.com/seaworthy-k8s/seaworthy/recommender/vpa"
)

var now = time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)

// deployment is a Deployment with the given containers, each requesting
// cpu and memory (limits twice the requests when withLimits).
func deployment(ns, name string, replicas int32, withLimits bool, containers ...string) appsv1.Deployment {
	d := appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	d.Spec.Replicas = &replicas
	for _, c := range containers {
		r := corev1.ResourceRequirements{Requests: corev1.ResourceList{
			corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("128Mi")}}
		if withLimits {
			r.Limits = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("200m"), corev1.ResourceMemory: resource.MustParse("256Mi")}
		}
		d.Spec.Template.Spec.Containers = append(d.Spec.Template.Spec.Containers, corev1.Container{Name: c, Resources: r})
	}
	return d
}

// feed gives a container 8 days of history at 1 m: CPU cycling through
// cpu values, memory through mem values.
func feed(s usage.Sink, id usage.ContainerID, cpu, mem []float64) {
	start := now.Add(-8 * 24 * time.Hour).UnixMilli()
	var cs, ms []usage.Sample
	for i := 0; i < 8*24*60; i++ {
		t := start + int64(i)*60_000
		cs = append(cs, usage.Sample{T: t, V: cpu[i%len(cpu)]})
		ms = append(ms, usage.Sample{T: t, V: mem[i%len(mem)]})
	}
	s.AddSeries(id, usage.CPU, cs)
	s.AddSeries(id, usage.Memory, ms)
}

// expected runs the estimator directly on the same samples, as one
// aggregate per container name fed by every pod.
func expected(t *testing.T, pods int, containers map[string][2][]float64) map[string]vpa.Estimate {
	t.Helper()
	cfg := vpa.DefaultConfig()
	aggs := map[string]*vpa.Aggregate{}
	for name, series := range containers {
		a := vpa.NewAggregate(cfg)
		for p := 0; p < pods; p++ {
			inst := a.NewInstance()
			start := now.Add(-8 * 24 * time.Hour).UnixMilli()
			for i := 0; i < 8*24*60; i++ {
				inst.AddCPU(start+int64(i)*60_000, series[0][i%len(series[0])])
			}
			for i := 0; i < 8*24*60; i++ {
				inst.AddMemory(start+int64(i)*60_000, series[1][i%len(series[1])])
			}
		}
		aggs[name] = a
	}
	return vpa.Recommend(cfg, aggs)
}

func find(t *testing.T, res *Result, workload, container string) Container {
	t.Helper()
	for _, c := range res.Containers {
		if c.Workload.Kind+"/"+c.Workload.Name == workload && c.Container == container {
			return c
		}
	}
	t.Fatalf("no recommendation for %s %s in %+v", workload, container, res.Containers)
	return Container{}
}

func TestEngineAggregatesPodsOfOneWorkload(t *testing.T) {
	snap := &cluster.Snapshot{CollectedAt: now, Deployments: []appsv1.Deployment{deployment("shop", "web", 2, true, "app")}}
	e := New(index.New(snap), DefaultOptions())
	cpu, mem := []float64{0.2, 0.4, 0.3}, []float64{300 << 20, 200 << 20}
	// Two pods of two ReplicaSets (a rollout), neither in the snapshot:
	// both map to Deployment/web by the names the controller gives pods.
	feed(e, usage.ContainerID{Namespace: "shop", Pod: "web-7d4b9c8f6d-x2k9p", Container: "app"}, cpu, mem)
	feed(e, usage.ContainerID{Namespace: "shop", Pod: "web-5f6d7c8b9-qwz2x", Container: "app"}, cpu, mem)
	feed(e, usage.ContainerID{Namespace: "shop", Pod: "gone-5f6d7c8b9-qwz2x", Container: "app"}, cpu, mem)
	res := e.Recommend()

	want := expected(t, 2, map[string][2][]float64{"app": {cpu, mem}})["app"]
	c := find(t, res, "Deployment/web", "app")
	if c.Estimate.Target != Amounts(want.Target) || c.Estimate.Lower != Amounts(want.Lower) || c.Estimate.Upper != Amounts(want.Upper) {
		t.Errorf("estimate %+v, want the estimator's own %+v", c.Estimate, want.Bounds)
	}
	if c.Pods != 2 || c.Samples != 2*8*24*60 {
		t.Errorf("pods %d samples %d, want 2 and %d", c.Pods, c.Samples, 2*8*24*60)
	}
	// Requests are the target, memory rounded up to 1 Mi; limits keep the
	// ratio 2 of the template.
	wantReq := Amounts{want.Target.CPUMillis, roundUp(want.Target.MemoryBytes, 1<<20)}
	if c.Recommended.Requests != wantReq || c.Recommended.Limits != (Amounts{2 * wantReq.CPUMillis, 2 * wantReq.MemoryBytes}) {
		t.Errorf("recommended %+v, want requests %+v and limits twice them", c.Recommended, wantReq)
	}
	if c.Action != ActionResize {
		t.Errorf("action %s (%v), want resize: 100m and 128Mi are far below the usage", c.Action, c.Reasons)
	}
	if len(res.Unmatched) != 1 || res.Unmatched[0] != "shop/gone-5f6d7c8b9-qwz2x" {
		t.Errorf("unmatched %v, want the pod of no workload", res.Unmatched)
	}
	// The change counts both replicas.
	if d := res.Total.Requests.CPUMillis; d != 2*(wantReq.CPUMillis-100) {
		t.Errorf("total cpu change %d, want 2 × (%d - 100)", d, wantReq.CPUMillis)
	}
}

func TestEngineSkips(t *testing.T) {
	d := deployment("shop", "web", 1, false, "app", "sidecar")
	hpa := autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"},
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"},
			Metrics: []autoscalingv2.MetricSpec{{Type: autoscalingv2.ResourceMetricSourceType,
				Resource: &autoscalingv2.ResourceMetricSource{Name: corev1.ResourceCPU}}}}}
	snap := &cluster.Snapshot{CollectedAt: now, Deployments: []appsv1.Deployment{d}, HPAs: []autoscalingv2.HorizontalPodAutoscaler{hpa}}
	e := New(index.New(snap), DefaultOptions())
	feed(e, usage.ContainerID{Namespace: "shop", Pod: "web-7d4b9c8f6d-x2k9p", Container: "app"}, []float64{0.5}, []float64{300 << 20})
	// History of a container the template no longer has.
	feed(e, usage.ContainerID{Namespace: "shop", Pod: "web-7d4b9c8f6d-x2k9p", Container: "old-name"}, []float64{0.5}, []float64{300 << 20})
	res := e.Recommend()

	app := find(t, res, "Deployment/web", "app")
	if app.Recommended.Requests.CPUMillis != 100 || app.Recommended.Requests.MemoryBytes == 128<<20 {
		t.Errorf("app %+v: cpu must stay 100m (the HPA scales on it), memory must change", app.Recommended)
	}
	if !strings.Contains(strings.Join(app.Reasons, " "), "HorizontalPodAutoscaler shop/web scales on its utilization") {
		t.Errorf("reasons %q do not name the HPA", app.Reasons)
	}
	if s := find(t, res, "Deployment/web", "sidecar"); s.Action != ActionSkip || !strings.Contains(s.Reasons[0], "no usage history") {
		t.Errorf("sidecar %s %q, want skip for no history", s.Action, s.Reasons)
	}
	if o := find(t, res, "Deployment/web", "old-name"); o.Action != ActionSkip || !strings.Contains(o.Reasons[0], "renamed or removed") {
		t.Errorf("old-name %s %q, want skip: not in the template", o.Action, o.Reasons)
	}
}

func TestEngineOOMBumpsMemory(t *testing.T) {
	snap := &cluster.Snapshot{CollectedAt: now, Deployments: []appsv1.Deployment{deployment("shop", "web", 1, false, "app")}}
	id := usage.ContainerID{Namespace: "shop", Pod: "web-7d4b9c8f6d-x2k9p", Container: "app"}
	mem := []float64{100 << 20}
	plain := New(index.New(snap), DefaultOptions())
	feed(plain, id, []float64{0.1}, mem)
	oom := New(index.New(snap), DefaultOptions())
	oom.AddOOM(id, now.Add(-2*time.Hour)) // before the series: merged in time order
	oom.AddOOM(id, now.Add(-2*time.Hour)) // reported twice (snapshot and kube-state-metrics): once
	feed(oom, id, []float64{0.1}, mem)
	p, o := find(t, plain.Recommend(), "Deployment/web", "app"), find(t, oom.Recommend(), "Deployment/web", "app")
	// The OOM sample is max(request 128Mi, peak 100Mi) + 100Mi = 228Mi
	// (OOMMinBumpUp beats ×1.2), the peak of its day.
	if o.Estimate.Upper.MemoryBytes <= p.Estimate.Upper.MemoryBytes || len(o.OOMs) != 1 {
		t.Errorf("upper with OOM %d, without %d, OOMs %v: the OOM must raise memory, once", o.Estimate.Upper.MemoryBytes, p.Estimate.Upper.MemoryBytes, o.OOMs)
	}
}

func TestEngineLimitRangeCaps(t *testing.T) {
	lr := corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "limits"},
		Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{{Type: corev1.LimitTypeContainer,
			Max: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("512Mi")}}}}}
	snap := &cluster.Snapshot{CollectedAt: now, Deployments: []appsv1.Deployment{deployment("shop", "web", 1, true, "app")},
		LimitRanges: []corev1.LimitRange{lr}}
	e := New(index.New(snap), DefaultOptions())
	feed(e, usage.ContainerID{Namespace: "shop", Pod: "web-7d4b9c8f6d-x2k9p", Container: "app"}, []float64{0.1}, []float64{400 << 20})
	c := find(t, e.Recommend(), "Deployment/web", "app")
	if c.Recommended.Limits.MemoryBytes != 512<<20 || c.Recommended.Requests.MemoryBytes > 256<<20 {
		t.Errorf("recommended %+v: the 2× limit must be capped to 512Mi and the request scaled to at most 256Mi", c.Recommended)
	}
	if !strings.Contains(strings.Join(c.Reasons, " "), "capped to LimitRange shop/limits max 512Mi") {
		t.Errorf("reasons %q do not say the LimitRange capped it", c.Reasons)
	}
}

func TestEngineMinHistory(t *testing.T) {
	snap := &cluster.Snapshot{CollectedAt: now, Deployments: []appsv1.Deployment{deployment("shop", "web", 1, false, "app")}}
	e := New(index.New(snap), DefaultOptions())
	id := usage.ContainerID{Namespace: "shop", Pod: "web-7d4b9c8f6d-x2k9p", Container: "app"}
	var cs []usage.Sample
	for i := 0; i < 180; i++ { // 3 hours
		cs = append(cs, usage.Sample{T: now.Add(time.Duration(i-180) * time.Minute).UnixMilli(), V: 0.2})
	}
	e.AddSeries(id, usage.CPU, cs)
	c := find(t, e.Recommend(), "Deployment/web", "app")
	if c.Action != ActionSkip || !strings.Contains(c.Reasons[0], "only 2h of history; at least 1d is needed") {
		t.Errorf("%s %q, want a skip for too little history", c.Action, c.Reasons)
	}
}
