package metrics

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	k8stesting "k8s.io/client-go/testing"
	metricsv1beta1 "k8s.io/metrics/pkg/apis/metrics/v1beta1"
	"k8s.io/metrics/pkg/client/clientset/versioned/fake"

	"github.com/seaworthy-k8s/seaworthy/cluster/usage"
)

// sink keeps what it is given and counts samples that broke the sink
// contract (not later than the one before in their series).
type sink struct {
	got      map[usage.ContainerID]map[usage.Resource][]usage.Sample
	disorder int
}

func (s *sink) AddSeries(id usage.ContainerID, r usage.Resource, samples []usage.Sample) {
	if s.got == nil {
		s.got = map[usage.ContainerID]map[usage.Resource][]usage.Sample{}
	}
	if s.got[id] == nil {
		s.got[id] = map[usage.Resource][]usage.Sample{}
	}
	for _, x := range samples {
		if have := s.got[id][r]; len(have) > 0 && x.T <= have[len(have)-1].T {
			s.disorder++
		}
		s.got[id][r] = append(s.got[id][r], x)
	}
}

func (s *sink) AddOOM(usage.ContainerID, time.Time) {}

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func podMetrics(ns, name string, at time.Time, window time.Duration, containers ...metricsv1beta1.ContainerMetrics) metricsv1beta1.PodMetrics {
	return metricsv1beta1.PodMetrics{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Timestamp:  metav1.NewTime(at), Window: metav1.Duration{Duration: window},
		Containers: containers,
	}
}

func container(name, cpu, mem string) metricsv1beta1.ContainerMetrics {
	return metricsv1beta1.ContainerMetrics{Name: name, Usage: corev1.ResourceList{
		corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse(mem),
	}}
}

// lister answers successive list calls with pages (or errors) in order
// and records the options and namespace of each call.
type lister struct {
	answers []any // *metricsv1beta1.PodMetricsList or error
	calls   []k8stesting.ListActionImpl
}

func (l *lister) client() *fake.Clientset {
	c := fake.NewSimpleClientset()
	c.PrependReactor("list", "pods", func(a k8stesting.Action) (bool, runtime.Object, error) {
		l.calls = append(l.calls, a.(k8stesting.ListActionImpl))
		if len(l.answers) == 0 {
			return true, &metricsv1beta1.PodMetricsList{}, nil
		}
		next := l.answers[0]
		l.answers = l.answers[1:]
		if err, ok := next.(error); ok {
			return true, nil, err
		}
		return true, next.(*metricsv1beta1.PodMetricsList), nil
	})
	return c
}

func TestSnapshotConvertsExactly(t *testing.T) {
	l := &lister{answers: []any{&metricsv1beta1.PodMetricsList{Items: []metricsv1beta1.PodMetrics{
		podMetrics("shop", "web-0", t0, 15*time.Second, container("app", "250m", "100Mi"), container("proxy", "1500000n", "31457280")),
		podMetrics("dns", "coredns-1", t0.Add(-5*time.Second), 20*time.Second, container("coredns", "2", "70Mi")),
	}}}}
	s := &sink{}
	cov, err := snapshot(context.Background(), l.client().MetricsV1beta1(), Options{}, s)
	if err != nil {
		t.Fatal(err)
	}
	web := func(c string) usage.ContainerID {
		return usage.ContainerID{Namespace: "shop", Pod: "web-0", Container: c}
	}
	dns := usage.ContainerID{Namespace: "dns", Pod: "coredns-1", Container: "coredns"}
	ms := t0.UnixMilli()
	want := map[usage.ContainerID]map[usage.Resource][]usage.Sample{
		// 250m = 0.25 cores; 100Mi = 100 × 2^20 = 104857600 bytes.
		web("app"): {usage.CPU: {{T: ms, V: 0.25}}, usage.Memory: {{T: ms, V: 104857600}}},
		// 1500000n = 1.5e6 / 1e9 = 0.0015 cores.
		web("proxy"): {usage.CPU: {{T: ms, V: 0.0015}}, usage.Memory: {{T: ms, V: 31457280}}},
		// 70Mi = 73400320 bytes, at t0 - 5 s.
		dns: {usage.CPU: {{T: ms - 5000, V: 2}}, usage.Memory: {{T: ms - 5000, V: 73400320}}},
	}
	for id, w := range want {
		for r, ws := range w {
			if got := s.got[id][r]; !slices.Equal(got, ws) {
				t.Errorf("%v %s = %v, want %v", id, r, got, ws)
			}
		}
	}
	if len(s.got) != 3 {
		t.Errorf("%d containers, want 3", len(s.got))
	}
	// Start: the earliest window start, t0 - 5 s - 20 s; End: the latest
	// timestamp t0; Step: the longest window, 20 s.
	wantCov := usage.Coverage{Source: "metrics.k8s.io", Start: t0.Add(-25 * time.Second), End: t0, Step: 20 * time.Second, Series: 6, Samples: 6}
	if cov.Source != wantCov.Source || !cov.Start.Equal(wantCov.Start) || !cov.End.Equal(wantCov.End) || cov.Step != wantCov.Step || cov.Series != 6 || cov.Samples != 6 {
		t.Errorf("coverage = %+v, want %+v", cov, wantCov)
	}
}

func TestListPagesAndNamespaces(t *testing.T) {
	page := func(cont string, pods ...string) *metricsv1beta1.PodMetricsList {
		l := &metricsv1beta1.PodMetricsList{ListMeta: metav1.ListMeta{Continue: cont}}
		for _, p := range pods {
			pm := podMetrics("a", p, t0, 15*time.Second, container("c", "1m", "1Ki"))
			// The fake client applies the label selector to what it returns.
			pm.Labels = map[string]string{"app": "web"}
			l.Items = append(l.Items, pm)
		}
		return l
	}
	l := &lister{answers: []any{page("p2", "x"), page("", "y"), page("", "z")}}
	s := &sink{}
	if _, err := snapshot(context.Background(), l.client().MetricsV1beta1(), Options{Namespaces: []string{"a", "b"}, LabelSelector: "app=web"}, s); err != nil {
		t.Fatal(err)
	}
	type call struct {
		ns, cont, sel string
		limit         int64
	}
	var got []call
	for _, c := range l.calls {
		got = append(got, call{c.Namespace, c.ListOptions.Continue, c.ListOptions.LabelSelector, c.ListOptions.Limit})
	}
	// Namespace a takes two pages (continue "p2"), b one; every call
	// carries the selector and the default limit.
	want := []call{{"a", "", "app=web", 500}, {"a", "p2", "app=web", 500}, {"b", "", "app=web", 500}}
	if !slices.Equal(got, want) {
		t.Errorf("calls = %v, want %v", got, want)
	}
	if len(s.got) != 3 {
		t.Errorf("%d containers from three pages, want 3", len(s.got))
	}
}

func TestListErrorsExplained(t *testing.T) {
	gr := schema.GroupResource{Group: "metrics.k8s.io", Resource: "pods"}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"not served", apierrors.NewNotFound(gr, ""), "metrics.k8s.io is not served by this cluster (install metrics-server, or use --prometheus or history files)"},
		{"forbidden", apierrors.NewForbidden(gr, "", errors.New("no RBAC")),
			`list pods.metrics.k8s.io in all namespaces: forbidden: grant get and list on resource pods in API group metrics.k8s.io: pods.metrics.k8s.io is forbidden: no RBAC`},
		{"unavailable", apierrors.NewServiceUnavailable("service unavailable"),
			"list pods.metrics.k8s.io in all namespaces: the metrics.k8s.io APIService is registered but unavailable (is metrics-server running and ready?): service unavailable"},
		{"other", errors.New("connection reset"), "list pods.metrics.k8s.io in all namespaces: connection reset"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := &lister{answers: []any{tc.err}}
			_, err := snapshot(context.Background(), l.client().MetricsV1beta1(), Options{}, &sink{})
			if err == nil || err.Error() != tc.want {
				t.Fatalf("err = %v\nwant  %s", err, tc.want)
			}
			if tc.name == "not served" && !errors.Is(err, ErrNotServed) {
				t.Error("not errors.Is ErrNotServed")
			}
		})
	}
}

func TestSampleDropsRepeatedWindows(t *testing.T) {
	one := func(at time.Time, cpu string) *metricsv1beta1.PodMetricsList {
		return &metricsv1beta1.PodMetricsList{Items: []metricsv1beta1.PodMetrics{podMetrics("a", "p", at, 15*time.Second, container("c", cpu, "1Mi"))}}
	}
	// Round 2 sees round 1's window again (the server had not refreshed),
	// round 3 fails, round 4 a new window.
	l := &lister{answers: []any{one(t0, "100m"), one(t0, "100m"), apierrors.NewServiceUnavailable("busy"), one(t0.Add(15*time.Second), "300m")}}
	tick := make(chan time.Time, 3)
	for range 3 {
		tick <- t0
	}
	var progress [][2]int
	s := &sink{}
	// 45 s / 15 s + 1 = 4 rounds.
	cov, err := sampleWith(context.Background(), l.client().MetricsV1beta1(), Options{}, s, 45*time.Second, 15*time.Second, func(d, n int) { progress = append(progress, [2]int{d, n}) }, tick)
	if err != nil {
		t.Fatal(err)
	}
	id := usage.ContainerID{Namespace: "a", Pod: "p", Container: "c"}
	ms := t0.UnixMilli()
	if want := []usage.Sample{{T: ms, V: 0.1}, {T: ms + 15000, V: 0.3}}; !slices.Equal(s.got[id][usage.CPU], want) {
		t.Errorf("cpu = %v, want %v", s.got[id][usage.CPU], want)
	}
	if s.disorder != 0 {
		t.Errorf("%d samples out of order", s.disorder)
	}
	if want := [][2]int{{1, 4}, {2, 4}, {3, 4}, {4, 4}}; !slices.Equal(progress, want) {
		t.Errorf("progress = %v, want %v", progress, want)
	}
	// 2 windows × (cpu, memory) = 4 samples in 2 series; one gap.
	if cov.Samples != 4 || cov.Series != 2 || len(cov.Gaps) != 1 || !strings.HasPrefix(cov.Gaps[0], "round 3 of 4: ") {
		t.Errorf("coverage = %+v, want 4 samples, 2 series, a gap for round 3", cov)
	}
}

func TestSampleCanceledKeepsWhatItGave(t *testing.T) {
	l := &lister{answers: []any{&metricsv1beta1.PodMetricsList{Items: []metricsv1beta1.PodMetrics{podMetrics("a", "p", t0, 15*time.Second, container("c", "1", "1Mi"))}}}}
	ctx, cancel := context.WithCancel(context.Background())
	s := &sink{}
	// The tick never comes: the cancel after round 1 must end the wait.
	cov, err := sampleWith(ctx, l.client().MetricsV1beta1(), Options{}, s, time.Hour, 15*time.Second, func(done, _ int) {
		if done == 1 {
			cancel()
		}
	}, make(chan time.Time))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	// 1 h / 15 s + 1 = 241 rounds planned.
	if want := "sample metrics.k8s.io: stopped after 1 of 241 rounds: context canceled"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
	if cov.Samples != 2 || len(s.got) != 1 {
		t.Errorf("coverage %+v and %d containers, want round 1's 2 samples of 1 container", cov, len(s.got))
	}
}

func TestSampleFirstRoundErrorEnds(t *testing.T) {
	gr := schema.GroupResource{Group: "metrics.k8s.io", Resource: "pods"}
	l := &lister{answers: []any{apierrors.NewNotFound(gr, "")}}
	_, err := sampleWith(context.Background(), l.client().MetricsV1beta1(), Options{}, &sink{}, time.Minute, 0, nil, make(chan time.Time))
	if !errors.Is(err, ErrNotServed) {
		t.Fatalf("err = %v, want ErrNotServed", err)
	}
	if _, err := sampleWith(context.Background(), l.client().MetricsV1beta1(), Options{}, &sink{}, -time.Second, 0, nil, nil); err == nil || err.Error() != "sample metrics.k8s.io: duration -1s is negative" {
		t.Fatalf("err = %v, want the negative duration refused", err)
	}
}
