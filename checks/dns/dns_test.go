package dns

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

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
		{"maxUnavailable 1", nil, checktest.IntOrStr(i(1)), 2, 1, 1, false},
		// 2 - 0 = 2; allowed 0
		{"maxUnavailable 0", nil, checktest.IntOrStr(i(0)), 2, 2, 0, false},
		// ceil(0% of 2) = 0 -> allowed 0
		{"maxUnavailable 0%", nil, checktest.IntOrStr(s("0%")), 2, 2, 0, false},
		// ceil(10% of 2 = 0.2) = 1: the controller rounds maxUnavailable up too
		{"maxUnavailable 10% rounds up", nil, checktest.IntOrStr(s("10%")), 2, 1, 1, false},
		// ceil(50% of 3 = 1.5) = 2 -> desiredHealthy 1, allowed 2
		{"maxUnavailable 50% of 3", nil, checktest.IntOrStr(s("50%")), 3, 1, 2, false},
		// 2 - 3 < 0 -> desiredHealthy 0: protects nothing
		{"maxUnavailable above replicas", nil, checktest.IntOrStr(i(3)), 2, 0, 2, false},
		// desiredHealthy 2 = replicas -> allowed 0
		{"minAvailable equals replicas", checktest.IntOrStr(i(2)), nil, 2, 2, 0, false},
		// ceil(100% of 3) = 3 -> allowed 0
		{"minAvailable 100%", checktest.IntOrStr(s("100%")), nil, 3, 3, 0, false},
		// ceil(50% of 3 = 1.5) = 2 -> allowed 1
		{"minAvailable 50% of 3", checktest.IntOrStr(s("50%")), nil, 3, 2, 1, false},
		// ceil(34% of 3 = 1.02) = 2 -> allowed 1
		{"minAvailable 34% rounds up", checktest.IntOrStr(s("34%")), nil, 3, 2, 1, false},
		// minAvailable 0 -> desiredHealthy 0, allowed 2
		{"minAvailable 0", checktest.IntOrStr(i(0)), nil, 2, 0, 2, false},
		// neither set: the controller wants 0 healthy
		{"neither set", nil, nil, 2, 0, 2, false},
		// maxUnavailable wins when both are set (the controller checks it first)
		{"both set", checktest.IntOrStr(i(2)), checktest.IntOrStr(i(1)), 2, 1, 1, false},
		{"not a percentage", checktest.IntOrStr(s("half")), nil, 2, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, a, err := index.PDBBudget(policyv1.PodDisruptionBudgetSpec{MinAvailable: tt.minAvail, MaxUnavailable: tt.maxUnavail}, tt.replicas)
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
		{"lower-case kind", checktest.AutoscalerDeployment("kube-system", "a", 1, cpaBin, []string{"--target=deployment/coredns", "--configmap=dns-autoscaler"}), true, "dns-autoscaler", false},
		{"capitalised kind", checktest.AutoscalerDeployment("kube-system", "a", 1, cpaBin, []string{"--target=Deployment/coredns"}), true, "", false},
		{"plural kind", checktest.AutoscalerDeployment("kube-system", "a", 1, cpaBin, []string{"--target=deployments/coredns"}), true, "", false},
		{"resource.group kind", checktest.AutoscalerDeployment("kube-system", "a", 1, cpaBin, []string{"--target=deployment.apps/coredns"}), true, "", false},
		{"separate argument", checktest.AutoscalerDeployment("kube-system", "a", 1, nil, []string{"/cluster-proportional-autoscaler", "--target", "deployment/coredns", "--configmap", "cm"}), true, "cm", false},
		{"comma-separated list", checktest.AutoscalerDeployment("kube-system", "a", 1, cpaBin, []string{"--target=deployment/metrics-server,deployment/coredns"}), true, "", false},
		{"shell command line", checktest.AutoscalerDeployment("kube-system", "a", 1, []string{"/bin/sh", "-c", "exec /cluster-proportional-autoscaler --target=deployment/coredns --configmap=x"}, nil), true, "x", false},
		{"namespace flag names the DNS namespace", checktest.AutoscalerDeployment("autoscalers", "a", 1, cpaBin, []string{"--namespace=kube-system", "--target=deployment/coredns"}), true, "", false},
		{"namespace from literal env", checktest.AutoscalerDeployment("autoscalers", "a", 1, cpaBin, []string{"--target=deployment/coredns"}, literalNS), true, "", false},
		{"namespace flag from $(MY_POD_NAMESPACE)", checktest.AutoscalerDeployment("kube-system", "a", 1, cpaBin, []string{"--namespace=$(MY_POD_NAMESPACE)", "--target=deployment/coredns"}, checktest.PodNamespaceEnv), true, "", false},
		{"own namespace by default, elsewhere", checktest.AutoscalerDeployment("autoscalers", "a", 1, cpaBin, []string{"--target=deployment/coredns"}, checktest.PodNamespaceEnv), false, "", false},
		{"namespace flag elsewhere", checktest.AutoscalerDeployment("kube-system", "a", 1, cpaBin, []string{"--namespace=dns-lab", "--target=deployment/coredns"}), false, "", false},
		{"other deployment", checktest.AutoscalerDeployment("kube-system", "a", 1, cpaBin, []string{"--target=deployment/coredns-canary"}), false, "", false},
		{"other kind", checktest.AutoscalerDeployment("kube-system", "a", 1, cpaBin, []string{"--target=replicaset/coredns"}), false, "", false},
		{"other group", checktest.AutoscalerDeployment("kube-system", "a", 1, cpaBin, []string{"--target=deployments.example.com/coredns"}), false, "", false},
		{"scaled to zero", checktest.AutoscalerDeployment("kube-system", "a", 0, cpaBin, []string{"--target=deployment/coredns"}), false, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := checktest.Snapshot()
			s.Deployments = []appsv1.Deployment{checktest.DNSDeployment("coredns", checktest.Int32(2), 2), tt.a}
			ix := index.New(s)
			running, stopped := ix.ProportionalAutoscalers(ix.DeploymentWorkload(&s.Deployments[0]))
			if got := len(running) == 1; got != tt.want {
				t.Fatalf("found = %v, want %v (running %d, stopped %v)", got, tt.want, len(running), stopped)
			}
			if tt.want && running[0].ConfigMap != tt.wantCM {
				t.Errorf("configMap = %q, want %q", running[0].ConfigMap, tt.wantCM)
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
			d := checktest.DNSDeployment("coredns", checktest.Int32(2), 2)
			d.Namespace = "dns-lab"
			return []appsv1.Deployment{d}
		}(), "", 2, []string{"fail (cluster)"}},
		{"two ready", []appsv1.Deployment{checktest.DNSDeployment("coredns", checktest.Int32(2), 2)}, "", 2, []string{"pass Deployment/kube-system/coredns"}},
		{"one of two ready", []appsv1.Deployment{checktest.DNSDeployment("coredns", checktest.Int32(2), 1)}, "", 2, []string{"fail Deployment/kube-system/coredns"}},
		// two ready during a surge rollout of a 1-replica Deployment
		{"one desired, surge ready", []appsv1.Deployment{checktest.DNSDeployment("coredns", nil, 2)}, "", 2, []string{"fail Deployment/kube-system/coredns"}},
		{"threshold from options", []appsv1.Deployment{checktest.DNSDeployment("coredns", checktest.Int32(2), 2)}, "", 3, []string{"fail Deployment/kube-system/coredns"}},
		{"idle legacy deployment", []appsv1.Deployment{checktest.DNSDeployment("kube-dns", checktest.Int32(0), 0), checktest.DNSDeployment("coredns", checktest.Int32(2), 2)}, "", 2,
			[]string{"pass Deployment/kube-system/coredns", "na Deployment/kube-system/kube-dns"}},
		{"only deployment scaled to zero", []appsv1.Deployment{checktest.DNSDeployment("coredns", checktest.Int32(0), 0)}, "", 2, []string{"fail Deployment/kube-system/coredns"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := checktest.Snapshot()
			s.Nodes = checktest.Nodes(3, "4", "a", "b", "c")
			s.Deployments = tt.deploys
			s.Server.Platform = tt.platform
			opts := DefaultOptions()
			opts.MinReplicas = tt.min
			rs := checktest.Run(t, checktest.ByID(t, Checks(opts), "DNS-001"), s)
			var got []string
			for _, r := range rs {
				got = append(got, string(r.Status)+" "+r.Object.String())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v:\n%s", got, tt.want, checktest.Format(rs))
			}
		})
	}
	// The platform comes from the run's detection, not from
	// Snapshot.Server.Platform, which manifests and live reads before
	// detection leave empty.
	t.Run("openshift from its ClusterVersion", func(t *testing.T) {
		s := checktest.Snapshot()
		s.Nodes = checktest.Nodes(3, "4", "a", "b", "c")
		s.ClusterVersions = []unstructured.Unstructured{{Object: map[string]any{
			"apiVersion": "config.openshift.io/v1", "kind": "ClusterVersion", "metadata": map[string]any{"name": "version"}}}}
		r := checktest.RunOne(t, checktest.ByID(t, Checks(DefaultOptions()), "DNS-001"), s)
		if r.Status != result.StatusNA || r.Object != (result.Cluster) {
			t.Errorf("got %s, want na (cluster)", checktest.FormatResult(r))
		}
		checktest.WantEvidence(t, r, map[string]any{"namespace": "kube-system", "selector": "k8s-app=kube-dns"})
	})
}

// TestDNS001Autoscaled: DNS-001 judges what a valid
// cluster-proportional-autoscaler targeting CoreDNS sets instead of
// spec.replicas, and on manifests without a status judges only the desired
// replicas.
func TestDNS001Autoscaled(t *testing.T) {
	cpa := func(params string) appsv1.Deployment {
		return checktest.AutoscalerDeployment("kube-system", "kube-dns-autoscaler", 1, []string{"/cluster-proportional-autoscaler"},
			[]string{"--namespace=kube-system", "--configmap=kube-dns-autoscaler", "--target=Deployment/coredns", "--default-params=" + params})
	}
	const upstream = `{"linear":{"coresPerReplica":256,"nodesPerReplica":16,"preventSinglePointFailure":true,"includeUnschedulableNodes":true}}`
	forbidden := []cluster.Gap{{Kind: cluster.KindNodes, Reason: cluster.GapForbidden, Message: "nodes is forbidden"}}
	tests := []struct {
		name     string
		source   string
		nodes    []corev1.Node
		gaps     []cluster.Gap
		replicas *int32 // nil: unset
		ready    int32  // 0 on manifests: no status
		cpa      []appsv1.Deployment
		min      int
		status   result.Status
		ev       map[string]any
		absent   []string // evidence keys that must not be set
	}{
		// --- manifests without status: the desired half only
		{"manifests, replicas unset", cluster.SourceManifests, nil, nil, nil, 0, nil, 2, result.StatusFail,
			map[string]any{"desired": 1, "readyKnown": false}, []string{"ready"}},
		{"manifests, two replicas", cluster.SourceManifests, nil, nil, checktest.Int32(2), 0, nil, 2, result.StatusPass,
			map[string]any{"desired": 2, "readyKnown": false}, []string{"ready"}},
		{"manifests with a status: ready judged", cluster.SourceManifests, nil, nil, checktest.Int32(2), 1, nil, 2, result.StatusFail,
			map[string]any{"ready": 1}, []string{"readyKnown"}},
		// --- an autoscaler, no nodes in the input: its floor on 2+ nodes
		// preventSinglePointFailure: max(min 1, 2) = 2
		{"upstream autoscaler, no nodes", cluster.SourceManifests, nil, nil, nil, 0, []appsv1.Deployment{cpa(upstream)}, 2, result.StatusPass,
			map[string]any{"autoscalerFloor": 2, "preventSinglePointFailure": true, "min": 1, "desired": 1,
				"autoscaler": "cluster-proportional-autoscaler Deployment kube-system/kube-dns-autoscaler"}, []string{"wanted"}},
		{"autoscaler min 2, no nodes", cluster.SourceManifests, nil, nil, nil, 0,
			[]appsv1.Deployment{cpa(`{"linear":{"coresPerReplica":256,"nodesPerReplica":16,"min":2}}`)}, 2, result.StatusPass,
			map[string]any{"autoscalerFloor": 2, "min": 2}, nil},
		{"autoscaler min 1 without preventSinglePointFailure, no nodes", cluster.SourceManifests, nil, nil, nil, 0,
			[]appsv1.Deployment{cpa(`{"linear":{"coresPerReplica":256,"nodesPerReplica":16}}`)}, 2, result.StatusFail,
			map[string]any{"autoscalerFloor": 1}, nil},
		{"floor below a higher minimum", cluster.SourceManifests, nil, nil, nil, 0, []appsv1.Deployment{cpa(upstream)}, 3, result.StatusFail,
			map[string]any{"autoscalerFloor": 2, "minReplicas": 3}, nil},
		// live, nodes forbidden: the floor, with the ready half judged
		{"live, nodes forbidden", cluster.SourceLive, nil, forbidden, checktest.Int32(2), 2, []appsv1.Deployment{cpa(upstream)}, 2, result.StatusPass,
			map[string]any{"autoscalerFloor": 2, "ready": 2}, nil},
		// --- an autoscaler with nodes: its computed count
		// 3 nodes of 4 cores: max(max(1, ceil(12/256)), 2 by preventSinglePointFailure) = 2
		{"upstream autoscaler, three nodes", cluster.SourceManifests, checktest.Nodes(3, "4", "a", "b", "c"), nil, nil, 0,
			[]appsv1.Deployment{cpa(upstream)}, 2, result.StatusPass, map[string]any{"wanted": 2, "nodes": 3, "cores": 12.0}, []string{"autoscalerFloor"}},
		// one node: preventSinglePointFailure does not apply, max(1, 1) = 1
		{"upstream autoscaler, one node", cluster.SourceManifests, checktest.Nodes(1, "8"), nil, nil, 0,
			[]appsv1.Deployment{cpa(upstream)}, 2, result.StatusFail, map[string]any{"wanted": 1, "nodes": 1}, nil},
		// spec.replicas 2 is not what counts: the autoscaler sets
		// max(ceil(12/256), ceil(3/16)) = 1 without preventSinglePointFailure
		{"autoscaler scales down to one", cluster.SourceLive, checktest.Nodes(3, "4", "a", "b", "c"), nil, checktest.Int32(2), 2,
			[]appsv1.Deployment{cpa(`{"linear":{"coresPerReplica":256,"nodesPerReplica":16}}`)}, 2, result.StatusFail,
			map[string]any{"wanted": 1, "desired": 2}, nil},
		// 20 nodes of 63.5 cores: max(ceil(1270/256) = 5, ceil(20/16) = 2) = 5
		{"big cluster, min 1", cluster.SourceManifests, checktest.Nodes(20, "63500m", "a", "b", "c"), nil, nil, 0,
			[]appsv1.Deployment{cpa(`{"linear":{"coresPerReplica":256,"nodesPerReplica":16}}`)}, 2, result.StatusPass,
			map[string]any{"wanted": 5, "cores": 1270.0}, nil},
		// --- autoscalers that do not count
		{"invalid parameters count as none", cluster.SourceManifests, nil, nil, nil, 0,
			[]appsv1.Deployment{cpa(`{"linear":{"min":2}}`)}, 2, result.StatusFail,
			map[string]any{"desired": 1}, []string{"autoscaler", "autoscalerFloor"}},
		{"stopped autoscaler counts as none", cluster.SourceManifests, nil, nil, nil, 0,
			[]appsv1.Deployment{checktest.AutoscalerDeployment("kube-system", "kube-dns-autoscaler", 0, nil, []string{"--target=Deployment/coredns", "--default-params=" + upstream})},
			2, result.StatusFail, map[string]any{"desired": 1}, []string{"autoscaler"}},
		// --- parameters not recomputed: spec.replicas when the status says the autoscaler set them, else skip
		{"ladder autoscaler on manifests", cluster.SourceManifests, nil, nil, nil, 0,
			[]appsv1.Deployment{cpa(`{"ladder":{"nodesToReplicas":[[1,2],[32,3]]}}`)}, 2, result.StatusSkip,
			map[string]any{"readyKnown": false}, nil},
		{"ladder autoscaler, live", cluster.SourceLive, checktest.Nodes(3, "4", "a", "b", "c"), nil, checktest.Int32(2), 2,
			[]appsv1.Deployment{cpa(`{"ladder":{"nodesToReplicas":[[1,2],[32,3]]}}`)}, 2, result.StatusPass,
			map[string]any{"desired": 2, "ready": 2}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := checktest.Snapshot()
			s.Source = tt.source
			s.Nodes = tt.nodes
			s.Gaps = tt.gaps
			if s.Nodes == nil && s.Gaps == nil {
				s.Gaps = []cluster.Gap{{Kind: cluster.KindNodes, Reason: cluster.GapNotInInput, Message: "the manifests hold no Node objects"}}
			}
			s.Deployments = append([]appsv1.Deployment{checktest.DNSDeployment("coredns", tt.replicas, tt.ready)}, tt.cpa...)
			opts := DefaultOptions()
			opts.MinReplicas = tt.min
			r := checktest.RunOne(t, checktest.ByID(t, Checks(opts), "DNS-001"), s)
			if r.Status != tt.status || r.Object.String() != "Deployment/kube-system/coredns" {
				t.Errorf("got %s, want %s", checktest.FormatResult(r), tt.status)
			}
			checktest.WantEvidence(t, r, tt.ev)
			for _, k := range tt.absent {
				if v, ok := r.Evidence[k]; ok {
					t.Errorf("evidence %s = %v, want it unset", k, v)
				}
			}
		})
	}
}

func TestDNS002(t *testing.T) {
	// 20 schedulable nodes of 63.5 allocatable cores = 1270 cores, plus 4
	// cordoned ones of the same size:
	// default rule max(ceil(1270/256), ceil(20/16)) = max(ceil(4.96), 2) = 5.
	cluster20 := func() []corev1.Node {
		nodes := checktest.Nodes(24, "63500m", "a", "b", "c")
		for i := 20; i < 24; i++ {
			nodes[i] = checktest.Cordoned(nodes[i])
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
		status result.Status
		ev     map[string]any
	}{
		{"below the rule, no autoscaler", cluster20(), 3, nil, result.StatusWarn,
			map[string]any{"current": 3, "wanted": 5, "nodes": 20, "cores": 1270.0, "unschedulableNodes": 4}},
		{"at the rule", cluster20(), 5, nil, result.StatusPass, map[string]any{"current": 5, "wanted": 5}},
		{"HPA targets it", cluster20(), 3, func(s *cluster.Snapshot) {
			s.HPAs = []autoscalingv2.HorizontalPodAutoscaler{{
				ObjectMeta: metav1.ObjectMeta{Name: "coredns", Namespace: "kube-system"},
				Spec: autoscalingv2.HorizontalPodAutoscalerSpec{ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{
					APIVersion: "apps/v1", Kind: "Deployment", Name: "coredns"}, MaxReplicas: 10},
			}}
		}, result.StatusPass, map[string]any{"autoscaler": "HorizontalPodAutoscaler kube-system/coredns", "wanted": 5}},
		{"HPA in another namespace", cluster20(), 3, func(s *cluster.Snapshot) {
			s.HPAs = []autoscalingv2.HorizontalPodAutoscaler{{
				ObjectMeta: metav1.ObjectMeta{Name: "coredns", Namespace: "edge-dns"},
				Spec: autoscalingv2.HorizontalPodAutoscalerSpec{ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{
					APIVersion: "apps/v1", Kind: "Deployment", Name: "coredns"}, MaxReplicas: 10},
			}}
		}, result.StatusWarn, map[string]any{"wanted": 5}},
		{"autoscaler, ConfigMap not collected: defaults apply", cluster20(), 3, func(s *cluster.Snapshot) {
			s.Deployments = append(s.Deployments, checktest.AutoscalerDeployment("kube-system", "coredns-autoscaler", 1, nil, cpaArgs))
		}, result.StatusPass, map[string]any{"wanted": 5,
			"paramsSource": "seaworthy defaults (ConfigMap kube-system/coredns-autoscaler not in the snapshot)"}},
		// includeUnschedulableNodes: 24 nodes, 1524 cores;
		// max(max(2, ceil(1524/128) = 12), max(2, ceil(24/4) = 6)) = 12
		{"autoscaler linear params, agreeing", cluster20(), 12, func(s *cluster.Snapshot) {
			s.Deployments = append(s.Deployments, checktest.AutoscalerDeployment("kube-system", "coredns-autoscaler", 1, nil, cpaArgs))
			s.ConfigMaps = []corev1.ConfigMap{cm("linear", `{"coresPerReplica":128,"nodesPerReplica":4,"min":2,"includeUnschedulableNodes":true}`)}
		}, result.StatusPass, map[string]any{"wanted": 12, "nodes": 24, "cores": 1524.0, "min": 2, "paramsSource": "ConfigMap kube-system/coredns-autoscaler"}},
		// schedulable only: 20 nodes, 1270 cores; max(ceil(1270/128) = 10, ceil(20/4) = 5) = 10 != 3
		{"autoscaler linear params, disagreeing", cluster20(), 3, func(s *cluster.Snapshot) {
			s.Deployments = append(s.Deployments, checktest.AutoscalerDeployment("kube-system", "coredns-autoscaler", 1, nil, cpaArgs))
			s.ConfigMaps = []corev1.ConfigMap{cm("linear", `{"coresPerReplica":128,"nodesPerReplica":4}`)}
		}, result.StatusInfo, map[string]any{"wanted": 10, "nodes": 20, "cores": 1270.0, "current": 3}},
		// --nodelabels=pool=dns keeps nodes 0..4: 5 nodes, 317.5 cores;
		// max(ceil(317.5/256) = 2, ceil(5/1) = 5) = 5
		{"autoscaler --nodelabels", func() []corev1.Node {
			nodes := cluster20()
			for i := range 5 {
				nodes[i].Labels["pool"] = "dns"
			}
			return nodes
		}(), 5, func(s *cluster.Snapshot) {
			s.Deployments = append(s.Deployments, checktest.AutoscalerDeployment("kube-system", "coredns-autoscaler", 1, nil, append(cpaArgs, "--nodelabels=pool=dns")))
			s.ConfigMaps = []corev1.ConfigMap{cm("linear", `{"coresPerReplica":256,"nodesPerReplica":1}`)}
		}, result.StatusPass, map[string]any{"wanted": 5, "nodes": 5, "cores": 317.5, "nodeLabels": "pool=dns"}},
		// ladder over the 20 schedulable nodes: the last step at or below 20
		// is [2,2]; no cores table counts 1; max(1, 2) = 2 != 3
		{"autoscaler in ladder mode, disagreeing", cluster20(), 3, func(s *cluster.Snapshot) {
			s.Deployments = append(s.Deployments, checktest.AutoscalerDeployment("kube-system", "coredns-autoscaler", 1, nil, cpaArgs))
			s.ConfigMaps = []corev1.ConfigMap{cm("ladder", `{"nodesToReplicas":[[1,1],[2,2]]}`)}
		}, result.StatusInfo, map[string]any{"wanted": 2, "nodes": 20, "cores": 1270.0, "current": 3,
			"paramsSource": "ConfigMap kube-system/coredns-autoscaler"}},
		// includeUnschedulableNodes: 24 nodes, 1524 cores; cores step [1024,4]
		// (int(1524) >= 1024), nodes step [24,3]; max(4, 3) = 4
		{"autoscaler in ladder mode, agreeing", cluster20(), 4, func(s *cluster.Snapshot) {
			s.Deployments = append(s.Deployments, checktest.AutoscalerDeployment("kube-system", "coredns-autoscaler", 1, nil, cpaArgs))
			s.ConfigMaps = []corev1.ConfigMap{cm("ladder", `{"coresToReplicas":[[1,1],[1024,4],[2048,6]],"nodesToReplicas":[[1,1],[24,3]],"includeUnschedulableNodes":true}`)}
		}, result.StatusPass, map[string]any{"wanted": 4, "nodes": 24, "cores": 1524.0, "includeUnschedulableNodes": true}},
		{"autoscaler with an invalid ladder is no autoscaler", cluster20(), 3, func(s *cluster.Snapshot) {
			s.Deployments = append(s.Deployments, checktest.AutoscalerDeployment("kube-system", "coredns-autoscaler", 1, nil, cpaArgs))
			s.ConfigMaps = []corev1.ConfigMap{cm("ladder", `{}`)}
		}, result.StatusWarn, map[string]any{"wanted": 5, "brokenAutoscalers": []string{
			"kube-system/coredns-autoscaler: ConfigMap kube-system/coredns-autoscaler: neither coresToReplicas nor nodesToReplicas is set"}}},
		{"autoscaler with invalid params is no autoscaler", cluster20(), 3, func(s *cluster.Snapshot) {
			s.Deployments = append(s.Deployments, checktest.AutoscalerDeployment("kube-system", "coredns-autoscaler", 1, nil, cpaArgs))
			s.ConfigMaps = []corev1.ConfigMap{cm("linear", `{"min":2}`)}
		}, result.StatusWarn, map[string]any{"wanted": 5}},
		{"autoscaler with invalid params, replicas enough", cluster20(), 5, func(s *cluster.Snapshot) {
			s.Deployments = append(s.Deployments, checktest.AutoscalerDeployment("kube-system", "coredns-autoscaler", 1, nil, cpaArgs))
			s.ConfigMaps = []corev1.ConfigMap{cm("linear", `{"min":2}`)}
		}, result.StatusInfo, map[string]any{"wanted": 5}},
		{"autoscaler scaled to zero", cluster20(), 3, func(s *cluster.Snapshot) {
			s.Deployments = append(s.Deployments, checktest.AutoscalerDeployment("kube-system", "coredns-autoscaler", 0, nil, cpaArgs))
		}, result.StatusWarn, map[string]any{"stoppedAutoscalers": []string{"kube-system/coredns-autoscaler"}}},
		{"all nodes cordoned", []corev1.Node{checktest.Cordoned(checktest.Node("n1", "a", "4")), checktest.Cordoned(checktest.Node("n2", "b", "4"))}, 2, nil, result.StatusSkip,
			map[string]any{"nodes": 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := checktest.Snapshot()
			s.Nodes = tt.nodes
			s.Deployments = []appsv1.Deployment{checktest.DNSDeployment("coredns", checktest.Int32(tt.dnsRep), tt.dnsRep)}
			if tt.extra != nil {
				tt.extra(s)
			}
			r := checktest.RunOne(t, checktest.ByID(t, Checks(DefaultOptions()), "DNS-002"), s)
			if r.Status != tt.status {
				t.Errorf("status = %s, want %s: %s", r.Status, tt.status, r.Message)
			}
			checktest.WantEvidence(t, r, tt.ev)
		})
	}

	t.Run("thresholds from options", func(t *testing.T) {
		s := checktest.Snapshot()
		s.Nodes = checktest.Nodes(3, "4", "a")
		s.Deployments = []appsv1.Deployment{checktest.DNSDeployment("coredns", checktest.Int32(2), 2)}
		opts := DefaultOptions()
		opts.NodesPerReplica = 1
		// max(ceil(12/256), ceil(3/1)) = 3 > 2
		r := checktest.RunOne(t, checktest.ByID(t, Checks(opts), "DNS-002"), s)
		if r.Status != result.StatusWarn {
			t.Errorf("status = %s, want warn: %s", r.Status, r.Message)
		}
		checktest.WantEvidence(t, r, map[string]any{"wanted": 3, "nodesPerReplica": 1.0})
	})
	t.Run("no DNS deployment", func(t *testing.T) {
		s := checktest.Snapshot()
		s.Nodes = checktest.Nodes(3, "4", "a")
		if r := checktest.RunOne(t, checktest.ByID(t, Checks(DefaultOptions()), "DNS-002"), s); r.Status != result.StatusNA || r.Object != (result.Cluster) {
			t.Errorf("got %s, want na (cluster)", checktest.FormatResult(r))
		}
	})
}

func TestDNS003(t *testing.T) {
	terminating := checktest.DNSPod("coredns-t", "node-0001", true)
	terminating.DeletionTimestamp = &metav1.Time{Time: time.Date(2025, 12, 31, 23, 59, 0, 0, time.UTC)}
	otherNS := checktest.DNSPod("coredns-x", "node-0001", true)
	otherNS.Namespace = "dns-lab"
	tests := []struct {
		name   string
		nodes  []corev1.Node
		pods   []corev1.Pod
		deploy func(d *appsv1.Deployment)
		status result.Status
		ev     map[string]any
	}{
		{"one per zone", checktest.Nodes(3, "4", "a", "b", "c"),
			[]corev1.Pod{checktest.DNSPod("p1", "node-0000", true), checktest.DNSPod("p2", "node-0001", true)}, nil,
			result.StatusPass, map[string]any{"readyPods": 2, "podNodes": 2, "podZones": []string{"a", "b"}}},
		{"one node", checktest.Nodes(3, "4", "a", "b", "c"),
			[]corev1.Pod{checktest.DNSPod("p1", "node-0000", true), checktest.DNSPod("p2", "node-0000", true), checktest.DNSPod("p3", "node-0001", false), checktest.DNSPod("p4", "", false)}, nil,
			result.StatusWarn, map[string]any{"readyPods": 2, "node": "node-0000"}},
		{"terminating and foreign pods do not count", checktest.Nodes(3, "4", "a", "b", "c"),
			[]corev1.Pod{checktest.DNSPod("p1", "node-0000", true), terminating, otherNS}, nil,
			result.StatusWarn, map[string]any{"readyPods": 1, "node": "node-0000"}},
		// nodes 0 and 2 are in zone a, 1 and 3 in zone b
		{"two nodes, one zone", checktest.Nodes(4, "4", "a", "b"),
			[]corev1.Pod{checktest.DNSPod("p1", "node-0000", true), checktest.DNSPod("p2", "node-0002", true)}, nil,
			result.StatusWarn, map[string]any{"podNodes": 2, "podZones": []string{"a"}, "clusterZones": []string{"a", "b"}}},
		{"one zone cluster", checktest.Nodes(4, "4", "a"),
			[]corev1.Pod{checktest.DNSPod("p1", "node-0000", true), checktest.DNSPod("p2", "node-0002", true)}, nil,
			result.StatusPass, map[string]any{"podNodes": 2}},
		// a pod on an unlabelled node: its zone is unknown, so no one-zone claim
		{"zone unknown for a pod", []corev1.Node{checktest.Node("node-0000", "a", "4"), checktest.Node("node-0001", "", "4"), checktest.Node("node-0002", "b", "4")},
			[]corev1.Pod{checktest.DNSPod("p1", "node-0000", true), checktest.DNSPod("p2", "node-0001", true)}, nil,
			result.StatusPass, map[string]any{"podsWithoutZone": 1}},
		// zones of cordoned nodes do not count as room to spread
		{"other zone only cordoned", []corev1.Node{checktest.Node("node-0000", "a", "4"), checktest.Node("node-0001", "a", "4"), checktest.Cordoned(checktest.Node("node-0002", "b", "4"))},
			[]corev1.Pod{checktest.DNSPod("p1", "node-0000", true), checktest.DNSPod("p2", "node-0001", true)}, nil,
			result.StatusPass, map[string]any{"clusterZones": []string{"a"}}},
		{"single node cluster", checktest.Nodes(1, "8"),
			[]corev1.Pod{checktest.DNSPod("p1", "node-0000", true), checktest.DNSPod("p2", "node-0000", true)}, nil,
			result.StatusInfo, map[string]any{"schedulableNodes": 1}},
		{"matchExpressions selector", checktest.Nodes(2, "4", "a", "b"),
			[]corev1.Pod{checktest.DNSPod("p1", "node-0000", true), checktest.DNSPod("p2", "node-0001", true)},
			func(d *appsv1.Deployment) {
				d.Spec.Selector = &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
					{Key: "k8s-app", Operator: metav1.LabelSelectorOpIn, Values: []string{"kube-dns", "coredns"}}}}
			}, result.StatusPass, map[string]any{"readyPods": 2}},
		{"empty selector selects nothing", checktest.Nodes(2, "4", "a", "b"),
			[]corev1.Pod{checktest.DNSPod("p1", "node-0000", true)},
			func(d *appsv1.Deployment) { d.Spec.Selector = &metav1.LabelSelector{} }, result.StatusSkip, nil},
		{"no ready pods, none reported", checktest.Nodes(2, "4", "a", "b"), nil,
			func(d *appsv1.Deployment) { d.Status.ReadyReplicas = 0 }, result.StatusNA, nil},
		{"ready pods reported but not in the snapshot", checktest.Nodes(2, "4", "a", "b"), nil, nil, result.StatusSkip, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := checktest.Snapshot()
			s.Nodes = tt.nodes
			d := checktest.DNSDeployment("coredns", checktest.Int32(2), 2)
			if tt.deploy != nil {
				tt.deploy(&d)
			}
			s.Deployments = []appsv1.Deployment{d}
			s.Pods = tt.pods
			r := checktest.RunOne(t, checktest.ByID(t, Checks(DefaultOptions()), "DNS-003"), s)
			if r.Status != tt.status {
				t.Errorf("status = %s, want %s: %s", r.Status, tt.status, r.Message)
			}
			checktest.WantEvidence(t, r, tt.ev)
		})
	}
}

func TestDNS004(t *testing.T) {
	sel := &metav1.LabelSelector{MatchLabels: checktest.DNSLabels()}
	one, zero := checktest.IntOrStr(intstr.FromInt32(1)), checktest.IntOrStr(intstr.FromInt32(0))
	tests := []struct {
		name     string
		replicas int32
		pdbs     []policyv1.PodDisruptionBudget
		status   result.Status
		ev       map[string]any
	}{
		{"none", 2, nil, result.StatusWarn, map[string]any{"desired": 2}},
		{"maxUnavailable 1", 2, []policyv1.PodDisruptionBudget{checktest.PDB("coredns", "kube-system", sel, nil, one)},
			result.StatusPass, map[string]any{"pdb": "coredns", "desiredHealthy": 1, "disruptionsAllowed": 1}},
		{"maxUnavailable 0", 2, []policyv1.PodDisruptionBudget{checktest.PDB("coredns", "kube-system", sel, nil, zero)},
			result.StatusWarn, map[string]any{"disruptionsAllowed": 0}},
		// minAvailable 1 of 1 replica: allowed 1 - 1 = 0
		{"minAvailable 1 of 1", 1, []policyv1.PodDisruptionBudget{checktest.PDB("coredns", "kube-system", sel, one, nil)},
			result.StatusWarn, map[string]any{"disruptionsAllowed": 0}},
		// ceil(60% of 5 = 3) = 3 -> allowed 2
		{"minAvailable 60% of 5", 5, []policyv1.PodDisruptionBudget{checktest.PDB("coredns", "kube-system", sel, checktest.IntOrStr(intstr.FromString("60%")), nil)},
			result.StatusPass, map[string]any{"desiredHealthy": 3, "disruptionsAllowed": 2}},
		{"minAvailable 0 protects nothing", 2, []policyv1.PodDisruptionBudget{checktest.PDB("coredns", "kube-system", sel, zero, nil)},
			result.StatusWarn, map[string]any{"desiredHealthy": 0}},
		{"invalid value", 2, []policyv1.PodDisruptionBudget{checktest.PDB("coredns", "kube-system", sel, nil, checktest.IntOrStr(intstr.FromString("one")))},
			result.StatusWarn, map[string]any{"pdb": "coredns"}},
		{"null selector selects nothing", 2, []policyv1.PodDisruptionBudget{checktest.PDB("coredns", "kube-system", nil, nil, one)},
			result.StatusWarn, map[string]any{"desired": 2}},
		{"other namespace", 2, []policyv1.PodDisruptionBudget{checktest.PDB("coredns", "default", sel, nil, one)},
			result.StatusWarn, map[string]any{"desired": 2}},
		{"selector for other pods", 2, []policyv1.PodDisruptionBudget{checktest.PDB("ms", "kube-system", &metav1.LabelSelector{MatchLabels: map[string]string{"k8s-app": "metrics-server"}}, nil, one)},
			result.StatusWarn, map[string]any{"desired": 2}},
		{"empty selector selects all", 2, []policyv1.PodDisruptionBudget{checktest.PDB("all", "kube-system", &metav1.LabelSelector{}, nil, one)},
			result.StatusPass, map[string]any{"pdb": "all"}},
		{"two PDBs", 2, []policyv1.PodDisruptionBudget{checktest.PDB("coredns", "kube-system", sel, nil, one), checktest.PDB("all", "kube-system", &metav1.LabelSelector{}, nil, one)},
			result.StatusWarn, map[string]any{"pdbs": []string{"all", "coredns"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := checktest.Snapshot()
			s.Nodes = checktest.Nodes(3, "4", "a", "b", "c")
			s.Deployments = []appsv1.Deployment{checktest.DNSDeployment("coredns", checktest.Int32(tt.replicas), tt.replicas)}
			s.PDBs = tt.pdbs
			r := checktest.RunOne(t, checktest.ByID(t, Checks(DefaultOptions()), "DNS-004"), s)
			if r.Status != tt.status {
				t.Errorf("status = %s, want %s: %s", r.Status, tt.status, r.Message)
			}
			checktest.WantEvidence(t, r, tt.ev)
		})
	}
}

func TestDNS005(t *testing.T) {
	q := resource.MustParse
	tests := []struct {
		name      string
		resources corev1.ResourceRequirements
		status    result.Status
		missing   map[string][]string
	}{
		{"upstream resources", corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: q("100m"), corev1.ResourceMemory: q("70Mi")},
			Limits:   corev1.ResourceList{corev1.ResourceMemory: q("170Mi")}}, result.StatusPass, nil},
		{"limits only: requests default to them", corev1.ResourceRequirements{
			Limits: corev1.ResourceList{corev1.ResourceCPU: q("100m"), corev1.ResourceMemory: q("170Mi")}}, result.StatusPass, nil},
		{"nothing", corev1.ResourceRequirements{}, result.StatusWarn,
			map[string][]string{"coredns": {"requests.cpu", "requests.memory", "limits.memory"}}},
		{"no memory limit", corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: q("100m"), corev1.ResourceMemory: q("70Mi")}}, result.StatusWarn,
			map[string][]string{"coredns": {"limits.memory"}}},
		{"zero cpu request", corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: q("0"), corev1.ResourceMemory: q("70Mi")},
			Limits:   corev1.ResourceList{corev1.ResourceMemory: q("170Mi")}}, result.StatusWarn,
			map[string][]string{"coredns": {"requests.cpu"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := checktest.Snapshot()
			s.Nodes = checktest.Nodes(3, "4", "a")
			d := checktest.DNSDeployment("coredns", checktest.Int32(2), 2)
			d.Spec.Template.Spec.Containers[0].Resources = tt.resources
			s.Deployments = []appsv1.Deployment{d}
			r := checktest.RunOne(t, checktest.ByID(t, Checks(DefaultOptions()), "DNS-005"), s)
			if r.Status != tt.status {
				t.Errorf("status = %s, want %s: %s", r.Status, tt.status, r.Message)
			}
			if tt.missing != nil {
				checktest.WantEvidence(t, r, map[string]any{"missing": tt.missing})
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
		status result.Status
		obj    string
	}{
		{"small, absent", 3, 500, nil, true, result.StatusInfo, "Deployment/kube-system/coredns"},
		{"at the threshold, absent", 500, 500, nil, true, result.StatusWarn, "Deployment/kube-system/coredns"},
		{"threshold from options", 3, 3, nil, true, result.StatusWarn, "Deployment/kube-system/coredns"},
		{"present by name", 500, 500, []appsv1.DaemonSet{nld("kube-system", "node-local-dns", nil)}, true, result.StatusPass, "Deployment/kube-system/coredns"},
		{"present by label elsewhere", 500, 500, []appsv1.DaemonSet{nld("dns", "nodelocaldns", map[string]string{"k8s-app": "node-local-dns"})}, true, result.StatusPass, "Deployment/kube-system/coredns"},
		{"other daemonset", 500, 500, []appsv1.DaemonSet{nld("kube-system", "kube-proxy", map[string]string{"k8s-app": "kube-proxy"})}, true, result.StatusWarn, "Deployment/kube-system/coredns"},
		{"no DNS deployment: cluster-wide", 3, 500, nil, false, result.StatusInfo, "(cluster)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := checktest.Snapshot()
			s.Nodes = checktest.Nodes(tt.nodes, "4", "a")
			if tt.dns {
				s.Deployments = []appsv1.Deployment{checktest.DNSDeployment("coredns", checktest.Int32(2), 2)}
			}
			s.DaemonSets = tt.ds
			opts := DefaultOptions()
			opts.LargeClusterNodes = tt.large
			r := checktest.RunOne(t, checktest.ByID(t, Checks(opts), "DNS-006"), s)
			if r.Status != tt.status || r.Object.String() != tt.obj {
				t.Errorf("got %s, want %s %s", checktest.FormatResult(r), tt.status, tt.obj)
			}
			checktest.WantEvidence(t, r, map[string]any{"nodes": tt.nodes, "largeClusterNodes": tt.large})
		})
	}
}

func TestDNSNeedsGaps(t *testing.T) {
	// A forbidden kind a check reads makes it skip; DNS-002 does not read
	// pods, so a pods gap leaves it alone.
	s := checktest.Snapshot()
	s.Nodes = checktest.Nodes(3, "4", "a")
	s.Deployments = []appsv1.Deployment{checktest.DNSDeployment("coredns", checktest.Int32(2), 2)}
	s.Gaps = []cluster.Gap{{Kind: cluster.KindPods, Reason: cluster.GapForbidden, Message: "pods is forbidden"}}
	if r := checktest.RunOne(t, checktest.ByID(t, Checks(DefaultOptions()), "DNS-003"), s); r.Status != result.StatusSkip {
		t.Errorf("DNS-003 with a pods gap: %s", checktest.FormatResult(r))
	}
	if r := checktest.RunOne(t, checktest.ByID(t, Checks(DefaultOptions()), "DNS-002"), s); r.Status == result.StatusSkip {
		t.Errorf("DNS-002 with a pods gap: %s", checktest.FormatResult(r))
	}
}

// TestDNSWithoutNodes: each check skips only for what it reads. Without
// nodes (manifests, or nodes forbidden) DNS-002 and DNS-003 skip, DNS-001,
// DNS-004 and DNS-005 judge the Deployment, and DNS-006 passes a present
// NodeLocal DNSCache and skips an absent one.
func TestDNSWithoutNodes(t *testing.T) {
	nld := appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "node-local-dns"}}
	for _, gap := range []cluster.Gap{
		{Kind: cluster.KindNodes, Reason: cluster.GapNotInInput, Message: "the manifests hold no Node objects"},
		{Kind: cluster.KindNodes, Reason: cluster.GapForbidden, Message: "nodes is forbidden"},
	} {
		for _, withCache := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, NodeLocal DNSCache %v", gap.Reason, withCache), func(t *testing.T) {
				s := checktest.Snapshot()
				s.Source = cluster.SourceManifests
				s.Gaps = []cluster.Gap{gap}
				s.Deployments = []appsv1.Deployment{checktest.DNSDeployment("coredns", nil, 0)}
				want := map[string]result.Status{
					"DNS-001": result.StatusFail, // 1 desired replica
					"DNS-002": result.StatusSkip, "DNS-003": result.StatusSkip,
					"DNS-004": result.StatusWarn, // no PDB
					"DNS-005": result.StatusPass, // upstream resources
					"DNS-006": result.StatusSkip,
				}
				if withCache {
					s.DaemonSets = []appsv1.DaemonSet{nld}
					want["DNS-006"] = result.StatusPass
				}
				for _, c := range Checks(DefaultOptions()) {
					r := checktest.RunOne(t, c, s)
					if gap.Reason == cluster.GapNotInInput {
						// the same manifests without CoreDNS: a part of a cluster
						noDNS := *s
						noDNS.Deployments = nil
						if nr := checktest.RunOne(t, c, &noDNS); nr.Status != result.StatusSkip && (c.ID != "DNS-006" || !withCache) {
							t.Errorf("%s without a DNS Deployment: got %s, want skip", c.ID, checktest.FormatResult(nr))
						}
					}
					if r.Status != want[c.ID] {
						t.Errorf("%s: got %s, want %s", c.ID, checktest.FormatResult(r), want[c.ID])
					}
					if c.ID == "DNS-006" {
						if _, ok := r.Evidence["nodes"]; ok {
							t.Errorf("DNS-006 without nodes sets evidence nodes: %v", r.Evidence)
						}
					}
				}
			})
		}
	}
}

// BenchmarkDNSChecks runs every DNS check over the Kubernetes scale envelope:
// 5,000 nodes in 3 zones and 150,000 pods, 313 of them CoreDNS.
func BenchmarkDNSChecks(b *testing.B) {
	s := checktest.Snapshot()
	s.Nodes = checktest.Nodes(5000, "16", "a", "b", "c")
	s.Pods = make([]corev1.Pod, 0, 150000)
	for i := range 150000 {
		var p corev1.Pod
		if i < 313 {
			p = checktest.DNSPod(fmt.Sprintf("coredns-%d", i), fmt.Sprintf("node-%04d", i*13%5000), true)
		} else {
			p = checktest.DNSPod(fmt.Sprintf("app-%d", i), fmt.Sprintf("node-%04d", i%5000), true)
			p.Namespace = fmt.Sprintf("team-%d", i%300)
			p.Labels = map[string]string{"app": "web"}
		}
		s.Pods = append(s.Pods, p)
	}
	s.Deployments = []appsv1.Deployment{checktest.DNSDeployment("coredns", checktest.Int32(313), 313)}
	for i := range 3000 {
		s.Deployments = append(s.Deployments, checktest.AutoscalerDeployment(fmt.Sprintf("team-%d", i%300), fmt.Sprintf("web-%d", i), 3, nil, []string{"--port=8080", "--v=2"}))
	}
	checks := Checks(DefaultOptions())
	b.ResetTimer()
	for b.Loop() {
		check.Run(s, checks)
	}
}

func TestFixtures(t *testing.T) { checktest.Fixtures(t, Checks(DefaultOptions()), "../testdata") }

// One replica is "1 replica", not "1 replicas".
func TestDNSMessagesSayOneReplica(t *testing.T) {
	c := checktest.ByID(t, Checks(DefaultOptions()), "DNS-001")
	snap := checktest.LoadFixture(t, "../testdata/DNS-001/fail-single-replica.yaml", checktest.FixtureNow(t, "../testdata/DNS-001/fail-single-replica.yaml"))
	r := checktest.RunOne(t, c, snap)
	if strings.Contains(r.Message, "1 desired replicas") || strings.Contains(r.Message, "to 1 replicas") || !strings.Contains(r.Message, "1 desired replica,") {
		t.Errorf("message %q", r.Message)
	}
}

// One pod and one node are said in the singular.
func TestDNSMessagesSingular(t *testing.T) {
	s := checktest.Snapshot()
	s.Nodes = checktest.Nodes(1, "4", "a")
	s.Deployments = []appsv1.Deployment{checktest.DNSDeployment("coredns", checktest.Int32(1), 1)}
	for id, want := range map[string]string{"DNS-004": "can evict its only pod;", "DNS-006": "The cluster has 1 node and"} {
		r := checktest.RunOne(t, checktest.ByID(t, Checks(DefaultOptions()), id), s)
		if !strings.Contains(r.Message, want) {
			t.Errorf("%s: %q lacks %q", id, r.Message, want)
		}
	}
}

// On manifests without Node objects holding no PodDisruptionBudget at all,
// DNS-004 still warns (the manifests as applied guard nothing) but does not
// claim the cluster has none; with a PDB elsewhere in the input, or Node
// objects (a whole cluster's manifests), the absence is known.
func TestDNS004ManifestsWithoutPDBs(t *testing.T) {
	cs := Checks(DefaultOptions())
	got := checktest.Format(checktest.RunFixture(t, cs, "DNS-004", "fail-manifests-coredns-no-pdb.yaml", nil))
	want := "  DNS-004 warn Deployment/kube-system/coredns: The input holds no PodDisruptionBudget at all, so whether one in the cluster selects the coredns pods is not known; without one a node drain or upgrade can evict its only pod; create one with maxUnavailable: 1."
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	other := checktest.PDB("metrics-server", "kube-system", &metav1.LabelSelector{MatchLabels: map[string]string{"k8s-app": "metrics-server"}}, nil, nil)
	got = checktest.Format(checktest.RunFixture(t, cs, "DNS-004", "fail-manifests-coredns-no-pdb.yaml", func(s *cluster.Snapshot) {
		s.PDBs = append(s.PDBs, other)
	}))
	want = "  DNS-004 warn Deployment/kube-system/coredns: No PodDisruptionBudget in kube-system selects the coredns pods, so a node drain or upgrade can evict its only pod; create one with maxUnavailable: 1."
	if got != want {
		t.Errorf("with another PDB in the input, got:\n%s\nwant:\n%s", got, want)
	}
	got = checktest.Format(checktest.RunFixture(t, cs, "DNS-004", "fail-manifests-coredns-no-pdb.yaml", func(s *cluster.Snapshot) {
		s.Nodes = checktest.Nodes(1, "4", "a")
		s.Gaps = nil
	}))
	if got != want {
		t.Errorf("with Node objects, got:\n%s\nwant:\n%s", got, want)
	}
}
