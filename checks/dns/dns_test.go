package checks

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// --- builders ---------------------------------------------------------------

// dnsNode is a node in zone (none when empty) with cpu allocatable cpu.
func dnsNode(name, zone, cpu string) corev1.Node {
	n := corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{corev1.LabelHostname: name}}}
	if zone != "" {
		n.Labels[corev1.LabelTopologyZone] = zone
	}
	if cpu != "" {
		n.Status.Allocatable = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)}
	}
	return n
}

func cordoned(n corev1.Node) corev1.Node {
	n.Spec.Unschedulable = true
	return n
}

// dnsNodes returns count nodes with cpu each, spread round-robin over zones.
func dnsNodes(count int, cpu string, zones ...string) []corev1.Node {
	nodes := make([]corev1.Node, count)
	for i := range nodes {
		zone := ""
		if len(zones) > 0 {
			zone = zones[i%len(zones)]
		}
		nodes[i] = dnsNode(fmt.Sprintf("node-%04d", i), zone, cpu)
	}
	return nodes
}

var dnsLabels = map[string]string{"k8s-app": "kube-dns"}

func int32p(v int32) *int32 { return &v }

// dnsDeploy is a CoreDNS-like Deployment in kube-system with upstream
// resources and the given replicas (nil: unset) and ready count.
func dnsDeploy(name string, replicas *int32, ready int32) appsv1.Deployment {
	return appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "kube-system", Labels: map[string]string{"k8s-app": "kube-dns"}},
		Spec: appsv1.DeploymentSpec{
			Replicas: replicas,
			Selector: &metav1.LabelSelector{MatchLabels: dnsLabels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"k8s-app": "kube-dns"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{
					Name: "coredns",
					Resources: corev1.ResourceRequirements{
						Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("70Mi")},
						Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("170Mi")},
					},
				}}},
			},
		},
		Status: appsv1.DeploymentStatus{ReadyReplicas: ready},
	}
}

// dnsPod is a kube-system pod labelled k8s-app=kube-dns on node ("" means
// pending).
func dnsPod(name, node string, ready bool) corev1.Pod {
	st := corev1.ConditionFalse
	if ready {
		st = corev1.ConditionTrue
	}
	return corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "kube-system", Labels: map[string]string{"k8s-app": "kube-dns"}},
		Spec:       corev1.PodSpec{NodeName: node},
		Status: corev1.PodStatus{Phase: corev1.PodRunning,
			Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: st}}},
	}
}

// autoscalerDeploy is a cluster-proportional-autoscaler Deployment with the
// given container command line and env.
func autoscalerDeploy(ns, name string, replicas int32, command, args []string, env ...corev1.EnvVar) appsv1.Deployment {
	return appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{
				{Name: "autoscaler", Command: command, Args: args, Env: env},
			}}},
		},
	}
}

var podNamespaceFieldRef = corev1.EnvVar{Name: "MY_POD_NAMESPACE",
	ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.namespace"}}}

func dnsPDB(name, ns string, sel *metav1.LabelSelector, minAvailable, maxUnavailable *intstr.IntOrString) policyv1.PodDisruptionBudget {
	return policyv1.PodDisruptionBudget{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec:       policyv1.PodDisruptionBudgetSpec{Selector: sel, MinAvailable: minAvailable, MaxUnavailable: maxUnavailable},
	}
}

func ios(v intstr.IntOrString) *intstr.IntOrString { return &v }

func dnsSnapshot() *cluster.Snapshot {
	return &cluster.Snapshot{SchemaVersion: cluster.SchemaVersion, CollectedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

// runOne runs check c on s with opts and requires exactly one result.
func runOne(t *testing.T, c Check, s *cluster.Snapshot, opts Options) Result {
	t.Helper()
	rs := Run(s, opts, []Check{c})
	if len(rs) != 1 {
		t.Fatalf("want 1 result, got %d:\n%s", len(rs), formatResults(rs))
	}
	return rs[0]
}

// wantEvidence checks the listed evidence keys exactly.
func wantEvidence(t *testing.T, r Result, want map[string]any) {
	t.Helper()
	for k, v := range want {
		if got := r.Evidence[k]; !reflect.DeepEqual(got, v) {
			t.Errorf("evidence %s = %#v, want %#v (message: %s)", k, got, v, r.Message)
		}
	}
}

// --- the arithmetic ---------------------------------------------------------

func TestProportionalReplicas(t *testing.T) {
	tests := []struct {
		name               string
		cores              float64
		nodes              int
		coresPer, nodesPer float64
		want               int
	}{
		// max(ceil(11.76/256), ceil(3/16)) = max(1, 1) = 1
		{"three small nodes", 11.76, 3, 256, 16, 1},
		// max(ceil(766/256), ceil(4/16)) = max(ceil(2.992), 1) = 3
		{"few big nodes, cores dominate", 766, 4, 256, 16, 3},
		// max(ceil(768/256), ceil(4/16)) = max(3, 1) = 3: exactly on the boundary
		{"cores on a boundary", 768, 4, 256, 16, 3},
		// max(ceil(768.5/256), 1) = ceil(3.0020) = 4: half a core over counts
		{"fractional cores over a boundary", 768.5, 4, 256, 16, 4},
		// max(ceil(8000/256), ceil(1000/16)) = max(32, ceil(62.5)) = 63
		{"1000 nodes of 8 cores, nodes dominate", 8000, 1000, 256, 16, 63},
		// max(ceil(320000/256), ceil(5000/16)) = max(1250, 313) = 1250
		{"5000 nodes of 64 cores", 320000, 5000, 256, 16, 1250},
		// max(ceil(0/256), ceil(17/16)) = max(0, 2) = 2
		{"no cpu reported", 0, 17, 256, 16, 2},
		// nodesPerReplica 0 leaves the node term out: ceil(1000/256) = 4
		{"node term disabled", 1000, 1000, 256, 0, 4},
		// ceil(10/2.5) = 4 with a fractional divisor
		{"fractional nodes per replica", 0, 10, 0, 2.5, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := proportionalReplicas(tt.cores, tt.nodes, tt.coresPer, tt.nodesPer); got != tt.want {
				t.Errorf("proportionalReplicas(%v, %d, %v, %v) = %d, want %d", tt.cores, tt.nodes, tt.coresPer, tt.nodesPer, got, tt.want)
			}
		})
	}
}

func TestLinearParamsReplicas(t *testing.T) {
	tests := []struct {
		name   string
		params string
		nodes  int
		cores  float64
		want   int
	}{
		// min defaults to 1: max(max(1, ceil(12/256)), max(1, ceil(3/16))) = 1
		{"upstream defaults", `{"coresPerReplica":256,"nodesPerReplica":16}`, 3, 12, 1},
		// preventSinglePointFailure raises the node term to 2 when nodes > 1
		{"single point of failure prevented", `{"coresPerReplica":256,"nodesPerReplica":16,"preventSinglePointFailure":true}`, 3, 12, 2},
		// ... but not on a single node
		{"single node keeps one", `{"coresPerReplica":256,"nodesPerReplica":16,"preventSinglePointFailure":true}`, 1, 4, 1},
		// max(max(2, ceil(400/256)=2), max(2, ceil(100/16)=7)) = 7
		{"min 2, nodes dominate", `{"coresPerReplica":256,"nodesPerReplica":16,"min":2}`, 100, 400, 7},
		// min(5, ceil(1000/16)=63) = 5 for the node term; cores term min(5, ceil(4000/256)=16) = 5
		{"max clamps", `{"coresPerReplica":256,"nodesPerReplica":16,"max":5}`, 1000, 4000, 5},
		// nodesPerReplica 0: node term 1; cores term ceil(1000/256) = 4
		{"only cores", `{"coresPerReplica":256}`, 1000, 1000, 4},
		// ceil(4/1.5) = ceil(2.67) = 3
		{"float nodes per replica", `{"nodesPerReplica":1.5}`, 4, 0, 3},
		// ceil(957.5/256) = 4 vs max(2, ceil(5/16)=1) = 2
		{"fractional cores", `{"coresPerReplica":256,"nodesPerReplica":16,"min":2}`, 5, 957.5, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := parseLinearParams(tt.params)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.replicas(tt.nodes, tt.cores); got != tt.want {
				t.Errorf("replicas(%d nodes, %v cores) = %d, want %d", tt.nodes, tt.cores, got, tt.want)
			}
		})
	}
}

func TestParseLinearParamsErrors(t *testing.T) {
	for _, data := range []string{
		`{"coresPerReplica":256,"nodesPerReplica":16,"min":3,"max":2}`,
		`{"coresPerReplica":256,"min":-1}`,
		`{"coresPerReplica":-256}`,
		`{"min":2}`,
		`{"coresPerReplica":"many"}`,
		`not json`,
	} {
		if _, err := parseLinearParams(data); err == nil {
			t.Errorf("parseLinearParams(%s): want an error", data)
		}
	}
}

func TestPDBBudget(t *testing.T) {
	i, s := intstr.FromInt32, intstr.FromString
	tests := []struct {
		name                   string
		minAvail, maxUnavail   *intstr.IntOrString
		replicas               int
		wantHealthy, wantAllow int
		wantErr                bool
	}{
		// desiredHealthy = 2 - 1 = 1; allowed = 2 - 1 = 1
		{"maxUnavailable 1", nil, ios(i(1)), 2, 1, 1, false},
		// 2 - 0 = 2; allowed 0
		{"maxUnavailable 0", nil, ios(i(0)), 2, 2, 0, false},
		// ceil(0% of 2) = 0 -> allowed 0
		{"maxUnavailable 0%", nil, ios(s("0%")), 2, 2, 0, false},
		// ceil(10% of 2 = 0.2) = 1: the controller rounds maxUnavailable up too
		{"maxUnavailable 10% rounds up", nil, ios(s("10%")), 2, 1, 1, false},
		// ceil(50% of 3 = 1.5) = 2 -> desiredHealthy 1, allowed 2
		{"maxUnavailable 50% of 3", nil, ios(s("50%")), 3, 1, 2, false},
		// 2 - 3 < 0 -> desiredHealthy 0: protects nothing
		{"maxUnavailable above replicas", nil, ios(i(3)), 2, 0, 2, false},
		// desiredHealthy 2 = replicas -> allowed 0
		{"minAvailable equals replicas", ios(i(2)), nil, 2, 2, 0, false},
		// ceil(100% of 3) = 3 -> allowed 0
		{"minAvailable 100%", ios(s("100%")), nil, 3, 3, 0, false},
		// ceil(50% of 3 = 1.5) = 2 -> allowed 1
		{"minAvailable 50% of 3", ios(s("50%")), nil, 3, 2, 1, false},
		// ceil(34% of 3 = 1.02) = 2 -> allowed 1
		{"minAvailable 34% rounds up", ios(s("34%")), nil, 3, 2, 1, false},
		// minAvailable 0 -> desiredHealthy 0, allowed 2
		{"minAvailable 0", ios(i(0)), nil, 2, 0, 2, false},
		// neither set: the controller wants 0 healthy
		{"neither set", nil, nil, 2, 0, 2, false},
		// maxUnavailable wins when both are set (the controller checks it first)
		{"both set", ios(i(2)), ios(i(1)), 2, 1, 1, false},
		{"not a percentage", ios(s("half")), nil, 2, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, a, err := pdbBudget(policyv1.PodDisruptionBudgetSpec{MinAvailable: tt.minAvail, MaxUnavailable: tt.maxUnavail}, tt.replicas)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if h != tt.wantHealthy || a != tt.wantAllow {
				t.Errorf("pdbBudget = (desiredHealthy %d, allowed %d), want (%d, %d)", h, a, tt.wantHealthy, tt.wantAllow)
			}
		})
	}
}

func TestFindCPAs(t *testing.T) {
	literalNS := corev1.EnvVar{Name: "MY_POD_NAMESPACE", Value: "kube-system"}
	cpaBin := []string{"/cluster-proportional-autoscaler"}
	tests := []struct {
		name    string
		a       appsv1.Deployment
		want    bool
		wantCM  string
		stopped bool
	}{
		{"lower-case kind", autoscalerDeploy("kube-system", "a", 1, cpaBin, []string{"--target=deployment/coredns", "--configmap=dns-autoscaler"}), true, "dns-autoscaler", false},
		{"capitalised kind", autoscalerDeploy("kube-system", "a", 1, cpaBin, []string{"--target=Deployment/coredns"}), true, "", false},
		{"plural kind", autoscalerDeploy("kube-system", "a", 1, cpaBin, []string{"--target=deployments/coredns"}), true, "", false},
		{"resource.group kind", autoscalerDeploy("kube-system", "a", 1, cpaBin, []string{"--target=deployment.apps/coredns"}), true, "", false},
		{"separate argument", autoscalerDeploy("kube-system", "a", 1, nil, []string{"/cluster-proportional-autoscaler", "--target", "deployment/coredns", "--configmap", "cm"}), true, "cm", false},
		{"comma-separated list", autoscalerDeploy("kube-system", "a", 1, cpaBin, []string{"--target=deployment/metrics-server,deployment/coredns"}), true, "", false},
		{"shell command line", autoscalerDeploy("kube-system", "a", 1, []string{"/bin/sh", "-c", "exec /cluster-proportional-autoscaler --target=deployment/coredns --configmap=x"}, nil), true, "x", false},
		{"namespace flag names the DNS namespace", autoscalerDeploy("autoscalers", "a", 1, cpaBin, []string{"--namespace=kube-system", "--target=deployment/coredns"}), true, "", false},
		{"namespace from literal env", autoscalerDeploy("autoscalers", "a", 1, cpaBin, []string{"--target=deployment/coredns"}, literalNS), true, "", false},
		{"namespace flag from $(MY_POD_NAMESPACE)", autoscalerDeploy("kube-system", "a", 1, cpaBin, []string{"--namespace=$(MY_POD_NAMESPACE)", "--target=deployment/coredns"}, podNamespaceFieldRef), true, "", false},
		{"own namespace by default, elsewhere", autoscalerDeploy("autoscalers", "a", 1, cpaBin, []string{"--target=deployment/coredns"}, podNamespaceFieldRef), false, "", false},
		{"namespace flag elsewhere", autoscalerDeploy("kube-system", "a", 1, cpaBin, []string{"--namespace=dns-lab", "--target=deployment/coredns"}), false, "", false},
		{"other deployment", autoscalerDeploy("kube-system", "a", 1, cpaBin, []string{"--target=deployment/coredns-canary"}), false, "", false},
		{"other kind", autoscalerDeploy("kube-system", "a", 1, cpaBin, []string{"--target=replicaset/coredns"}), false, "", false},
		{"other group", autoscalerDeploy("kube-system", "a", 1, cpaBin, []string{"--target=deployments.example.com/coredns"}), false, "", false},
		{"scaled to zero", autoscalerDeploy("kube-system", "a", 0, cpaBin, []string{"--target=deployment/coredns"}), false, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := dnsSnapshot()
			s.Deployments = []appsv1.Deployment{dnsDeploy("coredns", int32p(2), 2), tt.a}
			running, stopped := findCPAs(s, &s.Deployments[0])
			if got := len(running) == 1; got != tt.want {
				t.Fatalf("found = %v, want %v (running %d, stopped %v)", got, tt.want, len(running), stopped)
			}
			if tt.want && running[0].configMap != tt.wantCM {
				t.Errorf("configMap = %q, want %q", running[0].configMap, tt.wantCM)
			}
			if got := len(stopped) == 1; got != tt.stopped {
				t.Errorf("stopped = %v, want %v", stopped, tt.stopped)
			}
		})
	}
}

// --- the checks -------------------------------------------------------------

func TestDNS001(t *testing.T) {
	tests := []struct {
		name     string
		deploys  []appsv1.Deployment
		platform string
		min      int
		want     []string // "status Object"
	}{
		{"no DNS deployment", nil, "", 2, []string{"fail (cluster)"}},
		{"openshift", nil, "openshift", 2, []string{"na (cluster)"}},
		{"labelled outside kube-system", func() []appsv1.Deployment {
			d := dnsDeploy("coredns", int32p(2), 2)
			d.Namespace = "dns-lab"
			return []appsv1.Deployment{d}
		}(), "", 2, []string{"fail (cluster)"}},
		{"two ready", []appsv1.Deployment{dnsDeploy("coredns", int32p(2), 2)}, "", 2, []string{"pass Deployment/kube-system/coredns"}},
		{"one of two ready", []appsv1.Deployment{dnsDeploy("coredns", int32p(2), 1)}, "", 2, []string{"fail Deployment/kube-system/coredns"}},
		// two ready during a surge rollout of a 1-replica Deployment
		{"one desired, surge ready", []appsv1.Deployment{dnsDeploy("coredns", nil, 2)}, "", 2, []string{"fail Deployment/kube-system/coredns"}},
		{"threshold from options", []appsv1.Deployment{dnsDeploy("coredns", int32p(2), 2)}, "", 3, []string{"fail Deployment/kube-system/coredns"}},
		{"idle legacy deployment", []appsv1.Deployment{dnsDeploy("kube-dns", int32p(0), 0), dnsDeploy("coredns", int32p(2), 2)}, "", 2,
			[]string{"pass Deployment/kube-system/coredns", "na Deployment/kube-system/kube-dns"}},
		{"only deployment scaled to zero", []appsv1.Deployment{dnsDeploy("coredns", int32p(0), 0)}, "", 2, []string{"fail Deployment/kube-system/coredns"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := dnsSnapshot()
			s.Nodes = dnsNodes(3, "4", "a", "b", "c")
			s.Deployments = tt.deploys
			s.Server.Platform = tt.platform
			opts := DefaultOptions()
			opts.DNSMinReplicas = tt.min
			rs := Run(s, opts, []Check{dns001})
			var got []string
			for _, r := range rs {
				got = append(got, string(r.Status)+" "+r.Object.String())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v:\n%s", got, tt.want, formatResults(rs))
			}
		})
	}
}

func TestDNS002(t *testing.T) {
	// 20 schedulable nodes of 63.5 allocatable cores = 1270 cores, plus 4
	// cordoned ones of the same size:
	// default rule max(ceil(1270/256), ceil(20/16)) = max(ceil(4.96), 2) = 5.
	cluster20 := func() []corev1.Node {
		nodes := dnsNodes(24, "63500m", "a", "b", "c")
		for i := 20; i < 24; i++ {
			nodes[i] = cordoned(nodes[i])
		}
		return nodes
	}
	cpaArgs := []string{"--configmap=coredns-autoscaler", "--target=deployment/coredns"}
	cm := func(key, data string) corev1.ConfigMap {
		return corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "coredns-autoscaler", Namespace: "kube-system"}, Data: map[string]string{key: data}}
	}
	tests := []struct {
		name   string
		nodes  []corev1.Node
		dnsRep int32
		extra  func(s *cluster.Snapshot)
		status Status
		ev     map[string]any
	}{
		{"below the rule, no autoscaler", cluster20(), 3, nil, StatusWarn,
			map[string]any{"current": 3, "wanted": 5, "nodes": 20, "cores": 1270.0, "unschedulableNodes": 4}},
		{"at the rule", cluster20(), 5, nil, StatusPass, map[string]any{"current": 5, "wanted": 5}},
		{"HPA targets it", cluster20(), 3, func(s *cluster.Snapshot) {
			s.HPAs = []autoscalingv2.HorizontalPodAutoscaler{{
				ObjectMeta: metav1.ObjectMeta{Name: "coredns", Namespace: "kube-system"},
				Spec: autoscalingv2.HorizontalPodAutoscalerSpec{ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{
					APIVersion: "apps/v1", Kind: "Deployment", Name: "coredns"}, MaxReplicas: 10},
			}}
		}, StatusPass, map[string]any{"autoscaler": "HorizontalPodAutoscaler kube-system/coredns", "wanted": 5}},
		{"HPA in another namespace", cluster20(), 3, func(s *cluster.Snapshot) {
			s.HPAs = []autoscalingv2.HorizontalPodAutoscaler{{
				ObjectMeta: metav1.ObjectMeta{Name: "coredns", Namespace: "edge-dns"},
				Spec: autoscalingv2.HorizontalPodAutoscalerSpec{ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{
					APIVersion: "apps/v1", Kind: "Deployment", Name: "coredns"}, MaxReplicas: 10},
			}}
		}, StatusWarn, map[string]any{"wanted": 5}},
		{"autoscaler, ConfigMap not collected: defaults apply", cluster20(), 3, func(s *cluster.Snapshot) {
			s.Deployments = append(s.Deployments, autoscalerDeploy("kube-system", "coredns-autoscaler", 1, nil, cpaArgs))
		}, StatusPass, map[string]any{"wanted": 5,
			"paramsSource": "seaworthy defaults (ConfigMap kube-system/coredns-autoscaler not in the snapshot)"}},
		// includeUnschedulableNodes: 24 nodes, 1524 cores;
		// max(max(2, ceil(1524/128) = 12), max(2, ceil(24/4) = 6)) = 12
		{"autoscaler linear params, agreeing", cluster20(), 12, func(s *cluster.Snapshot) {
			s.Deployments = append(s.Deployments, autoscalerDeploy("kube-system", "coredns-autoscaler", 1, nil, cpaArgs))
			s.ConfigMaps = []corev1.ConfigMap{cm("linear", `{"coresPerReplica":128,"nodesPerReplica":4,"min":2,"includeUnschedulableNodes":true}`)}
		}, StatusPass, map[string]any{"wanted": 12, "nodes": 24, "cores": 1524.0, "min": 2, "paramsSource": "ConfigMap kube-system/coredns-autoscaler"}},
		// schedulable only: 20 nodes, 1270 cores; max(ceil(1270/128) = 10, ceil(20/4) = 5) = 10 != 3
		{"autoscaler linear params, disagreeing", cluster20(), 3, func(s *cluster.Snapshot) {
			s.Deployments = append(s.Deployments, autoscalerDeploy("kube-system", "coredns-autoscaler", 1, nil, cpaArgs))
			s.ConfigMaps = []corev1.ConfigMap{cm("linear", `{"coresPerReplica":128,"nodesPerReplica":4}`)}
		}, StatusInfo, map[string]any{"wanted": 10, "nodes": 20, "cores": 1270.0, "current": 3}},
		// --nodelabels=pool=dns keeps nodes 0..4: 5 nodes, 317.5 cores;
		// max(ceil(317.5/256) = 2, ceil(5/1) = 5) = 5
		{"autoscaler --nodelabels", func() []corev1.Node {
			nodes := cluster20()
			for i := range 5 {
				nodes[i].Labels["pool"] = "dns"
			}
			return nodes
		}(), 5, func(s *cluster.Snapshot) {
			s.Deployments = append(s.Deployments, autoscalerDeploy("kube-system", "coredns-autoscaler", 1, nil, append(cpaArgs, "--nodelabels=pool=dns")))
			s.ConfigMaps = []corev1.ConfigMap{cm("linear", `{"coresPerReplica":256,"nodesPerReplica":1}`)}
		}, StatusPass, map[string]any{"wanted": 5, "nodes": 5, "cores": 317.5, "nodeLabels": "pool=dns"}},
		{"autoscaler in ladder mode", cluster20(), 3, func(s *cluster.Snapshot) {
			s.Deployments = append(s.Deployments, autoscalerDeploy("kube-system", "coredns-autoscaler", 1, nil, cpaArgs))
			s.ConfigMaps = []corev1.ConfigMap{cm("ladder", `{"nodesToReplicas":[[1,1],[2,2]]}`)}
		}, StatusPass, map[string]any{"paramsSource": "ConfigMap kube-system/coredns-autoscaler (ladder mode, not recomputed)"}},
		{"autoscaler with invalid params is no autoscaler", cluster20(), 3, func(s *cluster.Snapshot) {
			s.Deployments = append(s.Deployments, autoscalerDeploy("kube-system", "coredns-autoscaler", 1, nil, cpaArgs))
			s.ConfigMaps = []corev1.ConfigMap{cm("linear", `{"min":2}`)}
		}, StatusWarn, map[string]any{"wanted": 5}},
		{"autoscaler with invalid params, replicas enough", cluster20(), 5, func(s *cluster.Snapshot) {
			s.Deployments = append(s.Deployments, autoscalerDeploy("kube-system", "coredns-autoscaler", 1, nil, cpaArgs))
			s.ConfigMaps = []corev1.ConfigMap{cm("linear", `{"min":2}`)}
		}, StatusInfo, map[string]any{"wanted": 5}},
		{"autoscaler scaled to zero", cluster20(), 3, func(s *cluster.Snapshot) {
			s.Deployments = append(s.Deployments, autoscalerDeploy("kube-system", "coredns-autoscaler", 0, nil, cpaArgs))
		}, StatusWarn, map[string]any{"stoppedAutoscalers": []string{"kube-system/coredns-autoscaler"}}},
		{"all nodes cordoned", []corev1.Node{cordoned(dnsNode("n1", "a", "4")), cordoned(dnsNode("n2", "b", "4"))}, 2, nil, StatusSkip,
			map[string]any{"nodes": 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := dnsSnapshot()
			s.Nodes = tt.nodes
			s.Deployments = []appsv1.Deployment{dnsDeploy("coredns", int32p(tt.dnsRep), tt.dnsRep)}
			if tt.extra != nil {
				tt.extra(s)
			}
			r := runOne(t, dns002, s, DefaultOptions())
			if r.Status != tt.status {
				t.Errorf("status = %s, want %s: %s", r.Status, tt.status, r.Message)
			}
			wantEvidence(t, r, tt.ev)
		})
	}

	t.Run("thresholds from options", func(t *testing.T) {
		s := dnsSnapshot()
		s.Nodes = dnsNodes(3, "4", "a")
		s.Deployments = []appsv1.Deployment{dnsDeploy("coredns", int32p(2), 2)}
		opts := DefaultOptions()
		opts.DNSNodesPerReplica = 1
		// max(ceil(12/256), ceil(3/1)) = 3 > 2
		r := runOne(t, dns002, s, opts)
		if r.Status != StatusWarn {
			t.Errorf("status = %s, want warn: %s", r.Status, r.Message)
		}
		wantEvidence(t, r, map[string]any{"wanted": 3, "nodesPerReplica": 1.0})
	})
	t.Run("no DNS deployment", func(t *testing.T) {
		s := dnsSnapshot()
		s.Nodes = dnsNodes(3, "4", "a")
		if r := runOne(t, dns002, s, DefaultOptions()); r.Status != StatusNA || r.Object != (ObjectRef{}) {
			t.Errorf("got %s, want na (cluster)", formatResult(r))
		}
	})
}

func TestDNS003(t *testing.T) {
	terminating := dnsPod("coredns-t", "node-0001", true)
	terminating.DeletionTimestamp = &metav1.Time{Time: time.Date(2025, 12, 31, 23, 59, 0, 0, time.UTC)}
	otherNS := dnsPod("coredns-x", "node-0001", true)
	otherNS.Namespace = "dns-lab"
	tests := []struct {
		name   string
		nodes  []corev1.Node
		pods   []corev1.Pod
		deploy func(d *appsv1.Deployment)
		status Status
		ev     map[string]any
	}{
		{"one per zone", dnsNodes(3, "4", "a", "b", "c"),
			[]corev1.Pod{dnsPod("p1", "node-0000", true), dnsPod("p2", "node-0001", true)}, nil,
			StatusPass, map[string]any{"readyPods": 2, "podNodes": 2, "podZones": []string{"a", "b"}}},
		{"one node", dnsNodes(3, "4", "a", "b", "c"),
			[]corev1.Pod{dnsPod("p1", "node-0000", true), dnsPod("p2", "node-0000", true), dnsPod("p3", "node-0001", false), dnsPod("p4", "", false)}, nil,
			StatusWarn, map[string]any{"readyPods": 2, "node": "node-0000"}},
		{"terminating and foreign pods do not count", dnsNodes(3, "4", "a", "b", "c"),
			[]corev1.Pod{dnsPod("p1", "node-0000", true), terminating, otherNS}, nil,
			StatusWarn, map[string]any{"readyPods": 1, "node": "node-0000"}},
		// nodes 0 and 2 are in zone a, 1 and 3 in zone b
		{"two nodes, one zone", dnsNodes(4, "4", "a", "b"),
			[]corev1.Pod{dnsPod("p1", "node-0000", true), dnsPod("p2", "node-0002", true)}, nil,
			StatusWarn, map[string]any{"podNodes": 2, "podZones": []string{"a"}, "clusterZones": []string{"a", "b"}}},
		{"one zone cluster", dnsNodes(4, "4", "a"),
			[]corev1.Pod{dnsPod("p1", "node-0000", true), dnsPod("p2", "node-0002", true)}, nil,
			StatusPass, map[string]any{"podNodes": 2}},
		// a pod on an unlabelled node: its zone is unknown, so no one-zone claim
		{"zone unknown for a pod", []corev1.Node{dnsNode("node-0000", "a", "4"), dnsNode("node-0001", "", "4"), dnsNode("node-0002", "b", "4")},
			[]corev1.Pod{dnsPod("p1", "node-0000", true), dnsPod("p2", "node-0001", true)}, nil,
			StatusPass, map[string]any{"podsWithoutZone": 1}},
		// zones of cordoned nodes do not count as room to spread
		{"other zone only cordoned", []corev1.Node{dnsNode("node-0000", "a", "4"), dnsNode("node-0001", "a", "4"), cordoned(dnsNode("node-0002", "b", "4"))},
			[]corev1.Pod{dnsPod("p1", "node-0000", true), dnsPod("p2", "node-0001", true)}, nil,
			StatusPass, map[string]any{"clusterZones": []string{"a"}}},
		{"single node cluster", dnsNodes(1, "8"),
			[]corev1.Pod{dnsPod("p1", "node-0000", true), dnsPod("p2", "node-0000", true)}, nil,
			StatusInfo, map[string]any{"schedulableNodes": 1}},
		{"matchExpressions selector", dnsNodes(2, "4", "a", "b"),
			[]corev1.Pod{dnsPod("p1", "node-0000", true), dnsPod("p2", "node-0001", true)},
			func(d *appsv1.Deployment) {
				d.Spec.Selector = &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
					{Key: "k8s-app", Operator: metav1.LabelSelectorOpIn, Values: []string{"kube-dns", "coredns"}}}}
			}, StatusPass, map[string]any{"readyPods": 2}},
		{"empty selector selects nothing", dnsNodes(2, "4", "a", "b"),
			[]corev1.Pod{dnsPod("p1", "node-0000", true)},
			func(d *appsv1.Deployment) { d.Spec.Selector = &metav1.LabelSelector{} }, StatusSkip, nil},
		{"no ready pods, none reported", dnsNodes(2, "4", "a", "b"), nil,
			func(d *appsv1.Deployment) { d.Status.ReadyReplicas = 0 }, StatusNA, nil},
		{"ready pods reported but not in the snapshot", dnsNodes(2, "4", "a", "b"), nil, nil, StatusSkip, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := dnsSnapshot()
			s.Nodes = tt.nodes
			d := dnsDeploy("coredns", int32p(2), 2)
			if tt.deploy != nil {
				tt.deploy(&d)
			}
			s.Deployments = []appsv1.Deployment{d}
			s.Pods = tt.pods
			r := runOne(t, dns003, s, DefaultOptions())
			if r.Status != tt.status {
				t.Errorf("status = %s, want %s: %s", r.Status, tt.status, r.Message)
			}
			wantEvidence(t, r, tt.ev)
		})
	}
}

func TestDNS004(t *testing.T) {
	sel := &metav1.LabelSelector{MatchLabels: dnsLabels}
	one, zero := ios(intstr.FromInt32(1)), ios(intstr.FromInt32(0))
	tests := []struct {
		name     string
		replicas int32
		pdbs     []policyv1.PodDisruptionBudget
		status   Status
		ev       map[string]any
	}{
		{"none", 2, nil, StatusWarn, map[string]any{"desired": 2}},
		{"maxUnavailable 1", 2, []policyv1.PodDisruptionBudget{dnsPDB("coredns", "kube-system", sel, nil, one)},
			StatusPass, map[string]any{"pdb": "coredns", "desiredHealthy": 1, "disruptionsAllowed": 1}},
		{"maxUnavailable 0", 2, []policyv1.PodDisruptionBudget{dnsPDB("coredns", "kube-system", sel, nil, zero)},
			StatusWarn, map[string]any{"disruptionsAllowed": 0}},
		// minAvailable 1 of 1 replica: allowed 1 - 1 = 0
		{"minAvailable 1 of 1", 1, []policyv1.PodDisruptionBudget{dnsPDB("coredns", "kube-system", sel, one, nil)},
			StatusWarn, map[string]any{"disruptionsAllowed": 0}},
		// ceil(60% of 5 = 3) = 3 -> allowed 2
		{"minAvailable 60% of 5", 5, []policyv1.PodDisruptionBudget{dnsPDB("coredns", "kube-system", sel, ios(intstr.FromString("60%")), nil)},
			StatusPass, map[string]any{"desiredHealthy": 3, "disruptionsAllowed": 2}},
		{"minAvailable 0 protects nothing", 2, []policyv1.PodDisruptionBudget{dnsPDB("coredns", "kube-system", sel, zero, nil)},
			StatusWarn, map[string]any{"desiredHealthy": 0}},
		{"invalid value", 2, []policyv1.PodDisruptionBudget{dnsPDB("coredns", "kube-system", sel, nil, ios(intstr.FromString("one")))},
			StatusWarn, map[string]any{"pdb": "coredns"}},
		{"null selector selects nothing", 2, []policyv1.PodDisruptionBudget{dnsPDB("coredns", "kube-system", nil, nil, one)},
			StatusWarn, map[string]any{"desired": 2}},
		{"other namespace", 2, []policyv1.PodDisruptionBudget{dnsPDB("coredns", "default", sel, nil, one)},
			StatusWarn, map[string]any{"desired": 2}},
		{"selector for other pods", 2, []policyv1.PodDisruptionBudget{dnsPDB("ms", "kube-system", &metav1.LabelSelector{MatchLabels: map[string]string{"k8s-app": "metrics-server"}}, nil, one)},
			StatusWarn, map[string]any{"desired": 2}},
		{"empty selector selects all", 2, []policyv1.PodDisruptionBudget{dnsPDB("all", "kube-system", &metav1.LabelSelector{}, nil, one)},
			StatusPass, map[string]any{"pdb": "all"}},
		{"two PDBs", 2, []policyv1.PodDisruptionBudget{dnsPDB("coredns", "kube-system", sel, nil, one), dnsPDB("all", "kube-system", &metav1.LabelSelector{}, nil, one)},
			StatusWarn, map[string]any{"pdbs": []string{"all", "coredns"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := dnsSnapshot()
			s.Nodes = dnsNodes(3, "4", "a", "b", "c")
			s.Deployments = []appsv1.Deployment{dnsDeploy("coredns", int32p(tt.replicas), tt.replicas)}
			s.PDBs = tt.pdbs
			r := runOne(t, dns004, s, DefaultOptions())
			if r.Status != tt.status {
				t.Errorf("status = %s, want %s: %s", r.Status, tt.status, r.Message)
			}
			wantEvidence(t, r, tt.ev)
		})
	}
}

func TestDNS005(t *testing.T) {
	q := resource.MustParse
	tests := []struct {
		name      string
		resources corev1.ResourceRequirements
		status    Status
		missing   map[string][]string
	}{
		{"upstream resources", corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: q("100m"), corev1.ResourceMemory: q("70Mi")},
			Limits:   corev1.ResourceList{corev1.ResourceMemory: q("170Mi")}}, StatusPass, nil},
		{"limits only: requests default to them", corev1.ResourceRequirements{
			Limits: corev1.ResourceList{corev1.ResourceCPU: q("100m"), corev1.ResourceMemory: q("170Mi")}}, StatusPass, nil},
		{"nothing", corev1.ResourceRequirements{}, StatusWarn,
			map[string][]string{"coredns": {"requests.cpu", "requests.memory", "limits.memory"}}},
		{"no memory limit", corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: q("100m"), corev1.ResourceMemory: q("70Mi")}}, StatusWarn,
			map[string][]string{"coredns": {"limits.memory"}}},
		{"zero cpu request", corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: q("0"), corev1.ResourceMemory: q("70Mi")},
			Limits:   corev1.ResourceList{corev1.ResourceMemory: q("170Mi")}}, StatusWarn,
			map[string][]string{"coredns": {"requests.cpu"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := dnsSnapshot()
			s.Nodes = dnsNodes(3, "4", "a")
			d := dnsDeploy("coredns", int32p(2), 2)
			d.Spec.Template.Spec.Containers[0].Resources = tt.resources
			s.Deployments = []appsv1.Deployment{d}
			r := runOne(t, dns005, s, DefaultOptions())
			if r.Status != tt.status {
				t.Errorf("status = %s, want %s: %s", r.Status, tt.status, r.Message)
			}
			if tt.missing != nil {
				wantEvidence(t, r, map[string]any{"missing": tt.missing})
			}
		})
	}
}

func TestDNS006(t *testing.T) {
	nld := func(ns, name string, lbls map[string]string) appsv1.DaemonSet {
		return appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: lbls}}
	}
	tests := []struct {
		name   string
		nodes  int
		large  int
		ds     []appsv1.DaemonSet
		dns    bool
		status Status
		obj    string
	}{
		{"small, absent", 3, 500, nil, true, StatusInfo, "Deployment/kube-system/coredns"},
		{"at the threshold, absent", 500, 500, nil, true, StatusWarn, "Deployment/kube-system/coredns"},
		{"threshold from options", 3, 3, nil, true, StatusWarn, "Deployment/kube-system/coredns"},
		{"present by name", 500, 500, []appsv1.DaemonSet{nld("kube-system", "node-local-dns", nil)}, true, StatusPass, "Deployment/kube-system/coredns"},
		{"present by label elsewhere", 500, 500, []appsv1.DaemonSet{nld("dns", "nodelocaldns", map[string]string{"k8s-app": "node-local-dns"})}, true, StatusPass, "Deployment/kube-system/coredns"},
		{"other daemonset", 500, 500, []appsv1.DaemonSet{nld("kube-system", "kube-proxy", map[string]string{"k8s-app": "kube-proxy"})}, true, StatusWarn, "Deployment/kube-system/coredns"},
		{"no DNS deployment: cluster-wide", 3, 500, nil, false, StatusInfo, "(cluster)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := dnsSnapshot()
			s.Nodes = dnsNodes(tt.nodes, "4", "a")
			if tt.dns {
				s.Deployments = []appsv1.Deployment{dnsDeploy("coredns", int32p(2), 2)}
			}
			s.DaemonSets = tt.ds
			opts := DefaultOptions()
			opts.LargeClusterNodes = tt.large
			r := runOne(t, dns006, s, opts)
			if r.Status != tt.status || r.Object.String() != tt.obj {
				t.Errorf("got %s, want %s %s", formatResult(r), tt.status, tt.obj)
			}
			wantEvidence(t, r, map[string]any{"nodes": tt.nodes, "largeClusterNodes": tt.large})
		})
	}
}

func TestDNSNeedsGaps(t *testing.T) {
	// A forbidden kind a check reads makes it skip; DNS-002 does not read
	// pods, so a pods gap leaves it alone.
	s := dnsSnapshot()
	s.Nodes = dnsNodes(3, "4", "a")
	s.Deployments = []appsv1.Deployment{dnsDeploy("coredns", int32p(2), 2)}
	s.Gaps = []cluster.Gap{{Kind: cluster.KindPods, Reason: cluster.GapForbidden, Message: "pods is forbidden"}}
	if r := runOne(t, dns003, s, DefaultOptions()); r.Status != StatusSkip {
		t.Errorf("DNS-003 with a pods gap: %s", formatResult(r))
	}
	if r := runOne(t, dns002, s, DefaultOptions()); r.Status == StatusSkip {
		t.Errorf("DNS-002 with a pods gap: %s", formatResult(r))
	}
}

// BenchmarkDNSChecks runs every DNS check over the Kubernetes scale envelope:
// 5,000 nodes in 3 zones and 150,000 pods, 313 of them CoreDNS.
func BenchmarkDNSChecks(b *testing.B) {
	s := dnsSnapshot()
	s.Nodes = dnsNodes(5000, "16", "a", "b", "c")
	s.Pods = make([]corev1.Pod, 0, 150000)
	for i := range 150000 {
		var p corev1.Pod
		if i < 313 {
			p = dnsPod(fmt.Sprintf("coredns-%d", i), fmt.Sprintf("node-%04d", i*13%5000), true)
		} else {
			p = dnsPod(fmt.Sprintf("app-%d", i), fmt.Sprintf("node-%04d", i%5000), true)
			p.Namespace = fmt.Sprintf("team-%d", i%300)
			p.Labels = map[string]string{"app": "web"}
		}
		s.Pods = append(s.Pods, p)
	}
	s.Deployments = []appsv1.Deployment{dnsDeploy("coredns", int32p(313), 313)}
	for i := range 3000 {
		s.Deployments = append(s.Deployments, autoscalerDeploy(fmt.Sprintf("team-%d", i%300), fmt.Sprintf("web-%d", i), 3, nil, []string{"--port=8080", "--v=2"}))
	}
	checks := []Check{dns001, dns002, dns003, dns004, dns005, dns006}
	opts := DefaultOptions()
	b.ResetTimer()
	for b.Loop() {
		Run(s, opts, checks)
	}
}
