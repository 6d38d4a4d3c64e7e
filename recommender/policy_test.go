package recommender

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestProportional(t *testing.T) {
	const mi = 1 << 20
	for _, tc := range []struct {
		name                           string
		limit, def, request, rec, want int64
		up                             bool
	}{
		{"no limit stays none", 0, 0, 100, 250, 0, false},
		{"LimitRange default limit is the original", 0, 400, 100, 250, 1000, false}, // 400 × 250 / 100
		{"limit equal to request stays equal", 200, 0, 200, 250, 250, false},
		{"no request: limit follows the recommendation", 200, 0, 0, 250, 250, false},
		{"ratio 2 kept", 200, 0, 100, 333, 666, false},                               // 200 × 333 / 100
		{"cpu rounds down", 300, 0, 200, 333, 499, false},                            // 300 × 333 / 200 = 499.5
		{"memory rounds up", 3 * mi, 0, 2 * mi, 333, 500, true},                      // 3Mi × 333 / 2Mi = 499.5
		{"no recommendation, no limit", 200, 0, 100, 0, 0, false},                    //
		{"huge values do not overflow", 1 << 40, 0, 1 << 39, 1 << 41, 1 << 42, true}, // ratio 2
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := proportional(tc.limit, tc.def, tc.request, tc.rec, tc.up); got != tc.want {
				t.Errorf("proportional(%d, %d, %d, %d) = %d, want %d", tc.limit, tc.def, tc.request, tc.rec, got, tc.want)
			}
		})
	}
}

func TestCapToRange(t *testing.T) {
	for _, tc := range []struct {
		name             string
		req, lim         int64
		min, max         int64
		ratio            float64
		wantReq, wantLim int64
		wantReasons      int
	}{
		{"inside", 100, 200, 50, 500, 0, 100, 200, 0},
		{"limit above max scales the request", 300, 600, 0, 500, 0, 250, 500, 1}, // 300 × 500/600
		{"request above max without limit", 700, 0, 0, 500, 0, 500, 0, 1},
		{"request below min", 20, 0, 50, 0, 0, 50, 0, 1},
		{"request and limit below min", 20, 30, 50, 0, 0, 50, 50, 1},
		{"ratio lowers the limit", 100, 500, 0, 0, 2, 100, 200, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, lim := tc.req, tc.lim
			got := capToRange("cpu", &req, &lim, tc.min, tc.max, tc.ratio, "ns/lr", "ns/lr", "ns/lr", FormatCPU)
			if req != tc.wantReq || lim != tc.wantLim || len(got) != tc.wantReasons {
				t.Errorf("got request %d limit %d reasons %q; want %d, %d and %d reasons", req, lim, got, tc.wantReq, tc.wantLim, tc.wantReasons)
			}
		})
	}
}

func TestLimitRangeForTakesTheTightest(t *testing.T) {
	item := func(min, max, ratio string) corev1.LimitRangeItem {
		it := corev1.LimitRangeItem{Type: corev1.LimitTypeContainer,
			Min: corev1.ResourceList{}, Max: corev1.ResourceList{}, MaxLimitRequestRatio: corev1.ResourceList{}}
		if min != "" {
			it.Min[corev1.ResourceMemory] = resource.MustParse(min)
		}
		if max != "" {
			it.Max[corev1.ResourceMemory] = resource.MustParse(max)
		}
		if ratio != "" {
			it.MaxLimitRequestRatio[corev1.ResourceMemory] = resource.MustParse(ratio)
		}
		return it
	}
	lrs := []corev1.LimitRange{
		{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "one"}, Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{item("64Mi", "2Gi", "4")}}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "two"}, Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{item("128Mi", "4Gi", "2")}}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "b", Name: "other"}, Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{item("1Gi", "1Gi", "1")}}},
	}
	c := limitRangeFor(lrs, "a")
	if c.min.MemoryBytes != 128<<20 || c.max.MemoryBytes != 2<<30 || c.ratioMemory != 2 {
		t.Fatalf("got min %d max %d ratio %g; want 128Mi, 2Gi, 2", c.min.MemoryBytes, c.max.MemoryBytes, c.ratioMemory)
	}
	if c.minFrom[1] != "a/two" || c.maxFrom[1] != "a/one" || c.ratioFrom[1] != "a/two" {
		t.Errorf("bounds named %q %q %q", c.minFrom[1], c.maxFrom[1], c.ratioFrom[1])
	}
}

func TestQuotaExceeded(t *testing.T) {
	q := corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "compute"},
		Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{
			corev1.ResourceRequestsMemory: resource.MustParse("8Gi"), corev1.ResourceRequestsCPU: resource.MustParse("4")}},
		Status: corev1.ResourceQuotaStatus{Used: corev1.ResourceList{
			corev1.ResourceRequestsMemory: resource.MustParse("7Gi"), corev1.ResourceRequestsCPU: resource.MustParse("1")}}}
	noStatus := q
	noStatus.Status = corev1.ResourceQuotaStatus{}
	d := Delta{Requests: SignedAmounts{CPUMillis: 500, MemoryBytes: 2 << 30}}
	got := quotaExceeded([]corev1.ResourceQuota{q}, "a", d)
	want := "a/compute requests.memory: 7Gi used + 2Gi > 8Gi hard"
	if len(got) != 1 || got[0] != want {
		t.Errorf("got %q, want [%q] (cpu 1 + 0.5 fits in 4)", got, want)
	}
	if got := quotaExceeded([]corev1.ResourceQuota{noStatus}, "a", d); len(got) != 0 {
		t.Errorf("a quota without status.used cannot be judged, got %q", got)
	}
	if got := quotaExceeded([]corev1.ResourceQuota{q}, "a", Delta{Requests: SignedAmounts{MemoryBytes: -1 << 30}}); len(got) != 0 {
		t.Errorf("a decrease never exceeds, got %q", got)
	}
}

func TestFormat(t *testing.T) {
	for in, want := range map[int64]string{250: "250m", 1000: "1", 1500: "1500m", 0: "0"} {
		if got := FormatCPU(in); got != want {
			t.Errorf("FormatCPU(%d) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[int64]string{256 << 20: "256Mi", 2 << 30: "2Gi", 1536 << 20: "1536Mi", 1000: "1000", 4096: "4096", 0: "0"} {
		if got := FormatMemory(in); got != want {
			t.Errorf("FormatMemory(%d) = %q, want %q", in, got, want)
		}
	}
}
