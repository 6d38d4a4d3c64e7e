package addons

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/recommender"
)

const mi = 1 << 20

func q(s string) resource.Quantity { return resource.MustParse(s) }

// metricsServerRule is the built-in metrics-server rule.
func metricsServerRule(t *testing.T) Rule {
	t.Helper()
	for _, k := range Builtin() {
		if k.App == "metrics-server" {
			return k.Rule
		}
	}
	t.Fatal("no metrics-server rule")
	return Rule{}
}

func TestSizedNodes(t *testing.T) {
	exp := func(min int) Rule { return Rule{Estimator: Exponential, MinClusterSize: min} }
	for _, tc := range []struct {
		name  string
		rule  Rule
		nodes int
		want  int
	}{
		{"linear is the node count", Rule{Estimator: Linear}, 120, 120},
		{"exponential below the first step", exp(16), 3, 16},
		{"exponential at the first step", exp(16), 16, 16},
		// 16 → uint64(16×1.5+0.01) = 24 → 36 → 54 → uint64(81.01) = 81 → uint64(121.51) = 121
		{"exponential 120 nodes", exp(16), 120, 121},
		// 5 → uint64(7.51) = 7 → uint64(10.51) = 10: each step is truncated, so 10, not
		// the 11 of floor(5 × 1.5 × 1.5) that the estimator's comment gives.
		{"exponential truncates each step", exp(5), 9, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.rule.SizedNodes(tc.nodes); got != tc.want {
				t.Errorf("SizedNodes(%d) = %d, want %d", tc.nodes, got, tc.want)
			}
		})
	}
}

func TestExpected(t *testing.T) {
	lin := Rule{Name: "x", Estimator: Linear,
		CPU: &Scaling{Base: q("40m"), PerNode: q("0.5m")}, Memory: &Scaling{Base: q("40Mi"), PerNode: q("4Mi")}}
	// cpu 40m + 0.5m × 120 = 100m; memory 40Mi + 4Mi × 120 = 520Mi
	if got, want := lin.Expected(120), (recommender.Amounts{CPUMillis: 100, MemoryBytes: 520 * mi}); got != want {
		t.Errorf("linear Expected(120) = %+v, want %+v", got, want)
	}
	// cpu 40m + 0.5m × 121 = 100.5m, rounded up to 101m; memory 40Mi + 4Mi × 121 = 524Mi
	ms := metricsServerRule(t)
	if got, want := ms.Expected(120), (recommender.Amounts{CPUMillis: 101, MemoryBytes: 524 * mi}); got != want {
		t.Errorf("metrics-server Expected(120) = %+v, want %+v", got, want)
	}
	// cpu 40m + 0.5m × 16 = 48m; memory 40Mi + 4Mi × 16 = 104Mi
	if got, want := ms.Expected(3), (recommender.Amounts{CPUMillis: 48, MemoryBytes: 104 * mi}); got != want {
		t.Errorf("metrics-server Expected(3) = %+v, want %+v", got, want)
	}
	want := "addon-resizer linear (x): cpu 40m + 0.5m × 120 nodes = 100m; memory 40Mi + 4Mi × 120 nodes = 520Mi"
	if got := lin.Explain(120); got != want {
		t.Errorf("Explain = %q\nwant      %q", got, want)
	}
}

func TestJudgeThreshold(t *testing.T) {
	r := Rule{CPU: &Scaling{Base: q("100m")}, ThresholdPercent: 5}
	both := func(m int64) recommender.Settings {
		return recommender.Settings{Requests: recommender.Amounts{CPUMillis: m}, Limits: recommender.Amounts{CPUMillis: m}}
	}
	for _, tc := range []struct {
		name         string
		cur          recommender.Settings
		within       bool
		below, above []string
	}{
		// band: 100m × 0.95 = 95m .. 100m × 1.05 = 105m
		{"at the lower edge", both(95), true, nil, nil},
		{"at the upper edge", both(105), true, nil, nil},
		{"below", both(94), false, []string{"requests.cpu", "limits.cpu"}, nil},
		{"above", both(106), false, nil, []string{"requests.cpu", "limits.cpu"}},
		{"limit unset", recommender.Settings{Requests: recommender.Amounts{CPUMillis: 100}}, false, []string{"limits.cpu"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := r.Judge(tc.cur, 10)
			if v.Within != tc.within || !reflect.DeepEqual(v.Below, tc.below) || !reflect.DeepEqual(v.Above, tc.above) {
				t.Errorf("Judge = within %t below %v above %v, want %t %v %v", v.Within, v.Below, v.Above, tc.within, tc.below, tc.above)
			}
		})
	}
}

func TestJudgeAcceptanceOffset(t *testing.T) {
	// addon-resizer 2.x: acceptable between the rule at 100 - floor(100 × 20%) = 80 nodes
	// and at 100 + ceil(100 × 20%) = 120 nodes: 100m + 1m × 80 = 180m .. 100m + 1m × 120 = 220m.
	r := Rule{CPU: &Scaling{Base: q("100m"), PerNode: q("1m")}, AcceptanceOffset: 20}
	v := r.Judge(recommender.Settings{Requests: recommender.Amounts{CPUMillis: 180}, Limits: recommender.Amounts{CPUMillis: 221}}, 100)
	if v.Lower.CPUMillis != 180 || v.Upper.CPUMillis != 220 || v.Expected.CPUMillis != 200 {
		t.Errorf("band %d..%d expected %d, want 180..220 and 200", v.Lower.CPUMillis, v.Upper.CPUMillis, v.Expected.CPUMillis)
	}
	if v.Within || !reflect.DeepEqual(v.Above, []string{"limits.cpu"}) {
		t.Errorf("within %t above %v, want false [limits.cpu]", v.Within, v.Above)
	}
}

// snapshot builders

func nodes(n int) []corev1.Node {
	out := make([]corev1.Node, n)
	for i := range out {
		out[i] = corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("node-%d", i)},
			Status: corev1.NodeStatus{Allocatable: corev1.ResourceList{corev1.ResourceCPU: q("4")}}}
	}
	return out
}

func container(name, image string, req, lim corev1.ResourceList, command ...string) corev1.Container {
	return corev1.Container{Name: name, Image: image, Command: command,
		Resources: corev1.ResourceRequirements{Requests: req, Limits: lim}}
}

func res(cpu, mem string) corev1.ResourceList {
	l := corev1.ResourceList{}
	if cpu != "" {
		l[corev1.ResourceCPU] = q(cpu)
	}
	if mem != "" {
		l[corev1.ResourceMemory] = q(mem)
	}
	return l
}

func deployment(ns, name string, labels map[string]string, replicas int32, cs ...corev1.Container) appsv1.Deployment {
	return appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels},
		Spec: appsv1.DeploymentSpec{Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: corev1.PodSpec{Containers: cs}}}}
}

func live(ns []corev1.Node, deps ...appsv1.Deployment) *cluster.Snapshot {
	return &cluster.Snapshot{Source: cluster.SourceLive, Nodes: ns, Deployments: deps}
}

func TestSizeBuiltinByImage(t *testing.T) {
	// Recognised by its image, not its name or namespace.
	d := deployment("monitoring", "ms", map[string]string{"app": "ms"}, 1,
		container("server", "registry.k8s.io/metrics-server/metrics-server:v0.7.2", res("100m", "200Mi"), nil))
	got := Recommend(index.New(live(nodes(3), d)), Options{})
	if len(got) != 1 {
		t.Fatalf("got %d recommendations, want 1: %+v", len(got), got)
	}
	r := got[0]
	// exponential: 3 nodes → the first step 16; cpu 40m + 0.5m × 16 = 48m; memory 40Mi + 4Mi × 16 = 104Mi
	want := recommender.Settings{
		Requests: recommender.Amounts{CPUMillis: 48, MemoryBytes: 104 * mi},
		Limits:   recommender.Amounts{CPUMillis: 48, MemoryBytes: 104 * mi}}
	if r.Action != recommender.ActionResize || r.Recommended != want || r.Container != "server" {
		t.Errorf("got %s %s %+v, want resize server %+v; reasons %q", r.Action, r.Container, r.Recommended, want, r.Reasons)
	}
	if !strings.Contains(r.Reasons[0], "addon-resizer exponential (metrics-server), 3 nodes rounded up to the step 16 of 16 × 1.5^k: cpu 40m + 0.5m × 16 nodes = 48m") {
		t.Errorf("reason %q does not show the arithmetic", r.Reasons[0])
	}
}

func TestSizeByNannyFlags(t *testing.T) {
	nanny := container("metrics-server-nanny", "registry.k8s.io/autoscaling/addon-resizer:1.8.14", nil, nil,
		"/pod_nanny", "--cpu=40m", "--extra-cpu=0.5m", "--memory=40Mi", "--extra-memory=4Mi", "--threshold=5",
		"--deployment=metrics-server-v0.5.2", "--container=metrics-server", "--estimator=linear")
	// linear over 120 nodes: cpu 40m + 0.5m × 120 = 100m; memory 40Mi + 4Mi × 120 = 520Mi.
	// 97m and 500Mi are within 5% (95m..105m, 494Mi..546Mi), so keep.
	d := deployment("kube-system", "metrics-server-v0.5.2", map[string]string{"k8s-app": "metrics-server"}, 1,
		container("metrics-server", "registry.k8s.io/metrics-server/metrics-server:v0.5.2", res("97m", "500Mi"), res("97m", "500Mi")), nanny)
	got := Size(index.New(live(nodes(120), d)), Options{})
	if len(got) != 1 || !got[0].ByNanny {
		t.Fatalf("got %+v, want one sizing by the nanny", got)
	}
	r := got[0].Recommendation
	if r.Action != recommender.ActionKeep || got[0].Verdict.Expected != (recommender.Amounts{CPUMillis: 100, MemoryBytes: 520 * mi}) {
		t.Errorf("got %s expected %+v, want keep 100m/520Mi; reasons %q", r.Action, got[0].Verdict.Expected, r.Reasons)
	}

	// The upstream manifest unrendered: the nanny gives no rule, so skip and say why.
	bad := deployment("kube-system", "metrics-server-v0.5.2", map[string]string{"k8s-app": "metrics-server"}, 1,
		container("metrics-server", "registry.k8s.io/metrics-server/metrics-server:v0.5.2", nil, nil),
		container("nanny", "registry.k8s.io/autoscaling/addon-resizer:1.8.14", nil, nil,
			"/pod_nanny", "--cpu={{ base_metrics_server_cpu }}", "--deployment=metrics-server-v0.5.2", "--container=metrics-server"))
	r = Recommend(index.New(live(nodes(3), bad)), Options{})[0]
	if r.Action != recommender.ActionSkip || !strings.Contains(r.Reasons[0], "unrendered template") {
		t.Errorf("got %s %q, want skip naming the unrendered template", r.Action, r.Reasons)
	}
}

func TestSizeWithoutNodesSkips(t *testing.T) {
	d := deployment("kube-system", "kube-state-metrics", map[string]string{"app.kubernetes.io/name": "kube-state-metrics"}, 1,
		container("kube-state-metrics", "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0", nil, nil))
	s := &cluster.Snapshot{Source: cluster.SourceManifests, Deployments: []appsv1.Deployment{d},
		Gaps: []cluster.Gap{{Kind: cluster.KindNodes, Reason: cluster.GapNotInInput}}}
	got := Recommend(index.New(s), Options{})
	if len(got) != 1 || got[0].Action != recommender.ActionSkip || !strings.Contains(got[0].Reasons[0], "no Node objects") {
		t.Errorf("got %+v, want one skip for the unknown node count", got)
	}
}

func TestSizeConfiguredRule(t *testing.T) {
	file := []byte(`addons:
- match: {namespace: obs, name: collector, container: agent}
  cpu: {base: 200m, perNode: 2m}
  memory: {base: 256Mi}
  threshold: 10
`)
	cfg, err := ParseConfig("sizing.yaml", file)
	if err != nil {
		t.Fatal(err)
	}
	d := deployment("obs", "collector", map[string]string{"app": "collector"}, 1,
		container("agent", "example.org/agent:1", res("300m", "256Mi"), res("300m", "256Mi")),
		container("sidecar", "example.org/sidecar:1", nil, nil))
	got := Recommend(index.New(live(nodes(40), d)), Options{Configured: cfg})
	// cpu 200m + 2m × 40 = 280m: 300m is within 10% (252m..308m); memory 256Mi + 0 = 256Mi.
	if len(got) != 1 || got[0].Action != recommender.ActionKeep || got[0].Container != "agent" {
		t.Fatalf("got %+v, want keep agent", got)
	}
	if !strings.Contains(got[0].Reasons[0], "sizing.yaml:2") {
		t.Errorf("reason %q does not cite the file and line", got[0].Reasons[0])
	}
}

func TestParseConfigErrors(t *testing.T) {
	for _, tc := range []struct{ name, file, want string }{
		{"unknown key", "addons:\n- match: {app: x}\n  cpus: {base: 1}\n", "f.yaml:3:3: unknown key \"cpus\" in addons[1]"},
		{"bad quantity", "addons:\n- match: {app: x}\n  cpu: {base: lots}\n", "f.yaml:3:15: addons[1].cpu.base: want a quantity such as 100m or 64Mi, got \"lots\""},
		{"no match", "addons:\n- cpu: {base: 1}\n", "f.yaml:2:3: addons[1]: match needs an app or a name"},
		{"bad estimator", "addons:\n- match: {app: x}\n  cpu: {base: 1}\n  estimator: log\n", "f.yaml:2:3: addons[1]: estimator \"log\" is not linear or exponential"},
		{"threshold out of range", "addons:\n- match: {app: x}\n  memory: {base: 1Mi}\n  threshold: 101\n", "f.yaml:2:3: addons[1]: threshold 101 is not in 0..100"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig("f.yaml", []byte(tc.file))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("err = %v, want prefix %q", err, tc.want)
			}
		})
	}
}

func TestDNSMemoryMB(t *testing.T) {
	// The 500-node e2e cluster of the guidance: 15000 pods and 820 services.
	if mb, f := DNSMemoryMB(15000, 820, false); mb != 15820.0/1000+54 || !strings.Contains(f, "/ 1000 + 54") {
		t.Errorf("default = %v (%s), want 15820/1000 + 54 = 69.82", mb, f)
	}
	if mb, f := DNSMemoryMB(15000, 820, true); mb != 15820.0/250+56 || !strings.Contains(f, "autopath") {
		t.Errorf("autopath = %v (%s), want 15820/250 + 56 = 119.28", mb, f)
	}
}

func dnsDeployment(replicas int32, req, lim corev1.ResourceList) appsv1.Deployment {
	return deployment("kube-system", "coredns", map[string]string{"k8s-app": "kube-dns"}, replicas,
		container("coredns", "registry.k8s.io/coredns/coredns:v1.11.3", req, lim))
}

func TestDNSReplicas(t *testing.T) {
	s := live(nodes(100), dnsDeployment(2, nil, nil))
	got := DNSReplicas(index.New(s))
	// default params over all 100 nodes and 400 cores: max(ceil(400/256)=2, ceil(100/16)=7) = 7
	if len(got) != 1 || got[0].Recommended != 7 || got[0].Current != 2 || got[0].Action != recommender.ActionResize {
		t.Fatalf("got %+v, want 2 → 7 resize", got)
	}

	// An autoscaler with a ladder ConfigMap decides: its steps give 3, below the defaults' 7.
	cpa := deployment("kube-system", "dns-autoscaler", map[string]string{"k8s-app": "dns-autoscaler"}, 1,
		container("autoscaler", "registry.k8s.io/cpa/cluster-proportional-autoscaler:v1.9.0", nil, nil,
			"/cluster-proportional-autoscaler", "--namespace=kube-system", "--configmap=dns-autoscaler", "--target=deployment/coredns"))
	s = live(nodes(100), dnsDeployment(3, nil, nil), cpa)
	s.ConfigMaps = []corev1.ConfigMap{{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "dns-autoscaler"},
		Data: map[string]string{"ladder": `{"nodesToReplicas":[[1,1],[50,3]]}`}}}
	got = DNSReplicas(index.New(s))
	if len(got) != 1 || got[0].Recommended != 3 || got[0].Action != recommender.ActionResize ||
		!strings.Contains(got[0].Rule, "ladder (ConfigMap kube-system/dns-autoscaler)") {
		t.Fatalf("got %+v, want the ladder's 3, flagged below the defaults", got)
	}

	// --nodelabels narrows the nodes in ladder mode too: 10 of the 100
	// nodes are in pool dns, the last step at or below 10 is [10,2]; all
	// 100 would reach [50,3].
	pooled := deployment("kube-system", "dns-autoscaler", map[string]string{"k8s-app": "dns-autoscaler"}, 1,
		container("autoscaler", "registry.k8s.io/cpa/cluster-proportional-autoscaler:v1.9.0", nil, nil,
			"/cluster-proportional-autoscaler", "--namespace=kube-system", "--configmap=dns-autoscaler", "--target=deployment/coredns", "--nodelabels=pool=dns"))
	s = live(nodes(100), dnsDeployment(3, nil, nil), pooled)
	for i := range 10 {
		s.Nodes[i].Labels = map[string]string{"pool": "dns"}
	}
	s.ConfigMaps = []corev1.ConfigMap{{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "dns-autoscaler"},
		Data: map[string]string{"ladder": `{"nodesToReplicas":[[1,1],[10,2],[50,3]]}`}}}
	got = DNSReplicas(index.New(s))
	if len(got) != 1 || got[0].Recommended != 2 || !strings.Contains(got[0].Reasons[1], "give 2 for 10 nodes") {
		t.Fatalf("got %+v, want the ladder's 2 for the 10 nodes of pool dns", got)
	}

	// The ConfigMap not collected: its --default-params decide, min 8 over
	// 100 nodes and 400 cores: max(max(8, ceil(400/256)=2), max(8, ceil(100/16)=7)) = 8.
	withDefaults := deployment("kube-system", "dns-autoscaler", map[string]string{"k8s-app": "dns-autoscaler"}, 1,
		container("autoscaler", "registry.k8s.io/cpa/cluster-proportional-autoscaler:v1.9.0", nil, nil,
			"/cluster-proportional-autoscaler", "--namespace=kube-system", "--configmap=dns-autoscaler", "--target=deployment/coredns",
			`--default-params={"linear":{"coresPerReplica":256,"nodesPerReplica":16,"min":8}}`))
	s = live(nodes(100), dnsDeployment(3, nil, nil), withDefaults)
	got = DNSReplicas(index.New(s))
	if len(got) != 1 || got[0].Recommended != 8 || got[0].Action != recommender.ActionKeep ||
		got[0].Rule != "cluster-proportional-autoscaler linear (--default-params (ConfigMap kube-system/dns-autoscaler not in the snapshot))" {
		t.Fatalf("got %+v, want the default params' 8, kept", got)
	}

	// Neither the ConfigMap nor --default-params: the autoscaler decides
	// with parameters the input does not hold, so the replicas are skipped.
	s = live(nodes(100), dnsDeployment(3, nil, nil), cpa)
	got = DNSReplicas(index.New(s))
	if len(got) != 1 || got[0].Action != recommender.ActionSkip || len(got[0].Reasons) != 2 ||
		got[0].Reasons[1] != "its parameters are not in the input (ConfigMap kube-system/dns-autoscaler not in the snapshot, and no usable --default-params)" {
		t.Fatalf("got %+v, want a skip saying the parameters are not in the input", got)
	}
}

func TestDNSMemory(t *testing.T) {
	s := live(nodes(2), dnsDeployment(2, res("100m", "70Mi"), res("", "170Mi")))
	for i := range 900 {
		s.Pods = append(s.Pods, corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: fmt.Sprint("p", i)}})
	}
	for i := range 100 {
		s.Services = append(s.Services, corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: fmt.Sprint("s", i)}})
	}
	got := DNSMemory(index.New(s))
	// (900 + 100) / 1000 + 54 = 55 MB → 55 × 2^20 bytes; 70Mi is above it: keep.
	if len(got) != 1 || got[0].Action != recommender.ActionKeep {
		t.Fatalf("got %+v, want keep", got)
	}
	if !strings.Contains(got[0].Reasons[0], "= (900 + 100) → 55 MB") || !strings.Contains(got[0].Reasons[0], "autopath is assumed off") {
		t.Errorf("reason %q", got[0].Reasons[0])
	}

	// With autopath in the Corefile: (900 + 100) / 250 + 56 = 60 MB; a 50Mi request and a 100Mi
	// limit are below... the limit is not; the request is raised to 60Mi and the limit kept.
	s.Deployments = []appsv1.Deployment{dnsDeployment(2, res("100m", "50Mi"), res("", "100Mi"))}
	s.ConfigMaps = []corev1.ConfigMap{{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "coredns"},
		Data: map[string]string{"Corefile": ".:53 {\n    kubernetes cluster.local\n    autopath @kubernetes\n}\n"}}}
	got = DNSMemory(index.New(s))
	if got[0].Action != recommender.ActionResize || got[0].Recommended.Requests.MemoryBytes != 60*mi || got[0].Recommended.Limits.MemoryBytes != 100*mi {
		t.Errorf("got %s %+v, want resize to 60Mi keeping the 100Mi limit", got[0].Action, got[0].Recommended)
	}

	// Manifests without pods: the estimate cannot be made.
	m := &cluster.Snapshot{Source: cluster.SourceManifests, Deployments: []appsv1.Deployment{dnsDeployment(2, nil, nil)},
		Gaps: []cluster.Gap{{Kind: cluster.KindNodes, Reason: cluster.GapNotInInput}}}
	got = DNSMemory(index.New(m))
	if got[0].Action != recommender.ActionSkip || !strings.Contains(got[0].Reasons[0], "manifests without pods") {
		t.Errorf("got %s %q, want skip for manifests without pods", got[0].Action, got[0].Reasons)
	}
}

func TestNodeLocalDNS(t *testing.T) {
	s := &cluster.Snapshot{Source: cluster.SourceLive, DaemonSets: []appsv1.DaemonSet{{
		ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "node-local-dns"},
		Spec: appsv1.DaemonSetSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{
			container("node-cache", "registry.k8s.io/dns/k8s-dns-node-cache:1.23.1", res("25m", "5Mi"), nil)}}}}}}}
	got := NodeLocalDNS(index.New(s))
	if len(got) != 1 || got[0].Action != recommender.ActionSkip || !strings.Contains(got[0].Reasons[0], "usage history") {
		t.Errorf("got %+v, want one skip pointing at usage history", got)
	}
}
