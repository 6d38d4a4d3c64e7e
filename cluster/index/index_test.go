package index_test

import (
	"reflect"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
)

// The facts the cluster DNS checks read from the index. The DNS checks'
// own tests (checks/dns) cover them again through the checks' results.

func names[T any](items []T, name func(T) string) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, name(it))
	}
	return out
}

func workloadNames(ws []*index.Workload) []string {
	return names(ws, func(w *index.Workload) string { return w.Namespace + "/" + w.Name })
}

func TestDNS(t *testing.T) {
	dns := checktest.DNSDeployment
	outside := dns("coredns", checktest.Int32(2), 2)
	outside.Namespace = "dns-lab"
	unlabelled := dns("coredns-copy", checktest.Int32(2), 2)
	unlabelled.Labels = map[string]string{"k8s-app": "coredns"}
	tests := []struct {
		name                 string
		deploys              []appsv1.Deployment
		statefulSets         []appsv1.StatefulSet
		wantActive, wantIdle []string
	}{
		{name: "none", wantActive: []string{}, wantIdle: []string{}},
		{name: "one", deploys: []appsv1.Deployment{dns("coredns", checktest.Int32(2), 2)},
			wantActive: []string{"kube-system/coredns"}, wantIdle: []string{}},
		// spec.replicas unset defaults to 1: active
		{name: "replicas unset", deploys: []appsv1.Deployment{dns("coredns", nil, 1)},
			wantActive: []string{"kube-system/coredns"}, wantIdle: []string{}},
		{name: "migration: one scaled to 0", deploys: []appsv1.Deployment{dns("kube-dns", checktest.Int32(0), 0), dns("coredns", checktest.Int32(2), 2)},
			wantActive: []string{"kube-system/coredns"}, wantIdle: []string{"kube-system/kube-dns"}},
		// none has replicas: all are active, so that DNS-001 fails on them
		{name: "all scaled to 0", deploys: []appsv1.Deployment{dns("kube-dns", checktest.Int32(0), 0), dns("coredns", checktest.Int32(0), 0)},
			wantActive: []string{"kube-system/coredns", "kube-system/kube-dns"}, wantIdle: []string{}},
		{name: "sorted by name", deploys: []appsv1.Deployment{dns("kube-dns", checktest.Int32(2), 2), dns("coredns", checktest.Int32(2), 2)},
			wantActive: []string{"kube-system/coredns", "kube-system/kube-dns"}, wantIdle: []string{}},
		{name: "outside kube-system, other label, other kind", deploys: []appsv1.Deployment{outside, unlabelled},
			statefulSets: []appsv1.StatefulSet{{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "dns", Labels: checktest.DNSLabels()}}},
			wantActive:   []string{}, wantIdle: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := checktest.Snapshot()
			s.Deployments, s.StatefulSets = tt.deploys, tt.statefulSets
			active, idle := index.New(s).DNS()
			if got := workloadNames(active); !reflect.DeepEqual(got, tt.wantActive) {
				t.Errorf("active = %v, want %v", got, tt.wantActive)
			}
			if got := workloadNames(idle); !reflect.DeepEqual(got, tt.wantIdle) {
				t.Errorf("idle = %v, want %v", got, tt.wantIdle)
			}
		})
	}
}

func TestPDBsFor(t *testing.T) {
	i, str := intstr.FromInt32, intstr.FromString
	sel := &metav1.LabelSelector{MatchLabels: checktest.DNSLabels()}
	s := checktest.Snapshot()
	s.Deployments = []appsv1.Deployment{checktest.DNSDeployment("coredns", checktest.Int32(3), 3)}
	s.PDBs = []policyv1.PodDisruptionBudget{
		// ceil(50% of 3) = 2 unavailable: desiredHealthy 1, allowed 2
		checktest.PDB("z-half", "kube-system", sel, nil, checktest.IntOrStr(str("50%"))),
		// minAvailable 2 of 3: desiredHealthy 2, allowed 1
		checktest.PDB("coredns", "kube-system", sel, checktest.IntOrStr(i(2)), nil),
		// an empty selector selects every pod of the namespace
		checktest.PDB("all", "kube-system", &metav1.LabelSelector{}, nil, checktest.IntOrStr(i(1))),
		checktest.PDB("invalid", "kube-system", sel, checktest.IntOrStr(str("half")), nil),
		// a null selector selects nothing
		checktest.PDB("null", "kube-system", nil, nil, checktest.IntOrStr(i(1))),
		checktest.PDB("elsewhere", "default", sel, nil, checktest.IntOrStr(i(1))),
		checktest.PDB("metrics", "kube-system", &metav1.LabelSelector{MatchLabels: map[string]string{"k8s-app": "metrics-server"}}, nil, checktest.IntOrStr(i(1))),
	}
	ix := index.New(s)
	got := ix.PDBsFor(ix.Workload(index.KindDeployment, "kube-system", "coredns"))
	type budget struct {
		name, setting           string
		desiredHealthy, allowed int
		err                     bool
	}
	want := []budget{
		{"all", "maxUnavailable 1", 2, 1, false},
		{"coredns", "minAvailable 2", 2, 1, false},
		{"invalid", "minAvailable half", 0, 0, true},
		{"z-half", "maxUnavailable 50%", 1, 2, false},
	}
	var have []budget
	for _, b := range got {
		have = append(have, budget{b.PDB.Name, b.Setting, b.DesiredHealthy, b.Allowed, b.Err != nil})
	}
	if !reflect.DeepEqual(have, want) {
		t.Errorf("PDBsFor =\n%+v\nwant\n%+v", have, want)
	}
}

func TestHPAsFor(t *testing.T) {
	hpa := func(ns, name, apiVersion, kind, target string) autoscalingv2.HorizontalPodAutoscaler {
		return autoscalingv2.HorizontalPodAutoscaler{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
			Spec: autoscalingv2.HorizontalPodAutoscalerSpec{ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{
				APIVersion: apiVersion, Kind: kind, Name: target}},
		}
	}
	s := checktest.Snapshot()
	s.Deployments = []appsv1.Deployment{checktest.DNSDeployment("coredns", checktest.Int32(2), 2)}
	s.HPAs = []autoscalingv2.HorizontalPodAutoscaler{
		hpa("kube-system", "z-apps", "apps/v1", "Deployment", "coredns"),
		hpa("kube-system", "extensions", "extensions/v1beta1", "Deployment", "coredns"),
		hpa("kube-system", "core-group", "v1", "Deployment", "coredns"),
		hpa("kube-system", "no-version", "", "Deployment", "coredns"),
		hpa("kube-system", "other-group", "example.com/v1", "Deployment", "coredns"),
		hpa("kube-system", "other-kind", "apps/v1", "StatefulSet", "coredns"),
		hpa("kube-system", "other-name", "apps/v1", "Deployment", "coredns-canary"),
		hpa("edge-dns", "other-namespace", "apps/v1", "Deployment", "coredns"),
	}
	ix := index.New(s)
	got := names(ix.HPAsFor(ix.Workload(index.KindDeployment, "kube-system", "coredns")),
		func(h *autoscalingv2.HorizontalPodAutoscaler) string { return h.Name })
	if want := []string{"core-group", "extensions", "no-version", "z-apps"}; !reflect.DeepEqual(got, want) {
		t.Errorf("HPAsFor = %v, want %v", got, want)
	}
}

func TestProportionalAutoscalers(t *testing.T) {
	cpa := []string{"/cluster-proportional-autoscaler"}
	params := `--default-params={"linear": {"coresPerReplica": 256, "nodesPerReplica": 16, "min": 2}}`
	s := checktest.Snapshot()
	s.Deployments = []appsv1.Deployment{
		checktest.DNSDeployment("coredns", checktest.Int32(2), 2),
		checktest.AutoscalerDeployment("kube-system", "z-autoscaler", 1, cpa, []string{"--target=deployment/coredns", params}),
		checktest.AutoscalerDeployment("autoscalers", "b-autoscaler", 1, cpa,
			[]string{"--namespace=$(DNS_NAMESPACE)", "--target", "Deployment/coredns", "--configmap", "dns-autoscaler", "--nodelabels=pool=dns"},
			corev1.EnvVar{Name: "DNS_NAMESPACE", Value: "kube-system"}),
		checktest.AutoscalerDeployment("kube-system", "stopped", 0, cpa, []string{"--target=deployment/coredns"}),
		checktest.AutoscalerDeployment("autoscalers", "own-namespace", 1, cpa, []string{"--target=deployment/coredns"}, checktest.PodNamespaceEnv),
		checktest.AutoscalerDeployment("kube-system", "metrics", 1, cpa, []string{"--target=deployment/metrics-server"}),
	}
	ix := index.New(s)
	running, stopped := ix.ProportionalAutoscalers(ix.Workload(index.KindDeployment, "kube-system", "coredns"))
	type found struct{ name, namespace, configMap, defaultParams, nodeLabels string }
	var got []found
	for _, a := range running {
		got = append(got, found{a.Name(), a.Namespace, a.ConfigMap, a.DefaultParams, a.NodeLabels})
	}
	want := []found{
		{"autoscalers/b-autoscaler", "kube-system", "dns-autoscaler", "", "pool=dns"},
		{"kube-system/z-autoscaler", "kube-system", "", params[len("--default-params="):], ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("running =\n%+v\nwant\n%+v", got, want)
	}
	if want := []string{"kube-system/stopped"}; !reflect.DeepEqual(stopped, want) {
		t.Errorf("stopped = %v, want %v", stopped, want)
	}
}

func TestPodsOwnedBy(t *testing.T) {
	owned := func(name string, lbls map[string]string, kind, owner string, controller bool) corev1.Pod {
		p := checktest.Pod("kube-system", name, lbls, nil)
		p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: kind, Name: owner, Controller: &controller}}
		return p
	}
	hash := func(h string) map[string]string {
		return map[string]string{"k8s-app": "kube-dns", "pod-template-hash": h}
	}
	elsewhere := owned("coredns-5d78c9869d-other", hash("5d78c9869d"), "ReplicaSet", "coredns-5d78c9869d", true)
	elsewhere.Namespace = "dns-lab"
	s := checktest.Snapshot()
	s.Deployments = []appsv1.Deployment{checktest.DNSDeployment("coredns", checktest.Int32(2), 2)}
	s.StatefulSets = []appsv1.StatefulSet{{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "etcd"}}}
	s.DaemonSets = []appsv1.DaemonSet{{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "node-local-dns"}}}
	s.Pods = []corev1.Pod{
		// The snapshot holds no ReplicaSets: a ReplicaSet named
		// <deployment>-<pod-template-hash> is the Deployment's.
		owned("coredns-5d78c9869d-a", hash("5d78c9869d"), "ReplicaSet", "coredns-5d78c9869d", true),
		owned("coredns-7c8b9f6d4-b", hash("7c8b9f6d4"), "ReplicaSet", "coredns-7c8b9f6d4", true),
		// without the hash label the ReplicaSet's Deployment is unknown
		owned("coredns-5d78c9869d-c", checktest.DNSLabels(), "ReplicaSet", "coredns-5d78c9869d", true),
		// a hash that is not the ReplicaSet name's suffix
		owned("coredns-5d78c9869d-d", hash("ffffffff"), "ReplicaSet", "coredns-5d78c9869d", true),
		// not the controller
		owned("coredns-5d78c9869d-e", hash("5d78c9869d"), "ReplicaSet", "coredns-5d78c9869d", false),
		elsewhere,
		// owned directly, without a ReplicaSet
		owned("etcd-0", nil, "StatefulSet", "etcd", true),
		owned("node-local-dns-x1", nil, "DaemonSet", "node-local-dns", true),
		checktest.DNSPod("bare", "node-0000", true),
	}
	ix := index.New(s)
	podNames := func(ps []*corev1.Pod) []string { return names(ps, func(p *corev1.Pod) string { return p.Name }) }
	for _, tt := range []struct {
		kind, name string
		want       []string
	}{
		{index.KindDeployment, "coredns", []string{"coredns-5d78c9869d-a", "coredns-7c8b9f6d4-b"}},
		{index.KindStatefulSet, "etcd", []string{"etcd-0"}},
		{index.KindDaemonSet, "node-local-dns", []string{"node-local-dns-x1"}},
	} {
		if got := podNames(ix.PodsOwnedBy(ix.Workload(tt.kind, "kube-system", tt.name))); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("PodsOwnedBy(%s %s) = %v, want %v", tt.kind, tt.name, got, tt.want)
		}
	}
}

// With the ReplicaSets in the snapshot, their own ownerReferences decide:
// a ReplicaSet no Deployment controls keeps its pods even when its name
// looks like a Deployment's, and a Deployment's ReplicaSet counts whatever
// its name.
func TestPodsOwnedThroughReplicaSets(t *testing.T) {
	controller := true
	pod := func(name, rs, hash string) corev1.Pod {
		p := checktest.Pod("web", name, map[string]string{"app": "web", "pod-template-hash": hash}, nil)
		p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: rs, Controller: &controller}}
		return p
	}
	rs := func(name, deployment string) cluster.ReplicaSet {
		r := cluster.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Namespace: "web", Name: name}}
		if deployment != "" {
			r.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "Deployment", Name: deployment, Controller: &controller}}
		}
		return r
	}
	s := checktest.Snapshot()
	s.Deployments = []appsv1.Deployment{
		checktest.Deployment("web", "frontend", checktest.Int32(2), map[string]string{"app": "web"}),
		checktest.Deployment("web", "api", checktest.Int32(1), map[string]string{"app": "web"}),
	}
	s.ReplicaSets = []cluster.ReplicaSet{rs("frontend-6f9c", ""), rs("renamed", "api")}
	s.Pods = []corev1.Pod{
		pod("frontend-6f9c-a", "frontend-6f9c", "6f9c"), // orphaned: named like frontend's, owned by none
		pod("renamed-b", "renamed", "77aa"),             // api's, whatever its name
		pod("frontend-1234-c", "frontend-1234", "1234"), // not in the snapshot: the name decides
	}
	ix := index.New(s)
	podNames := func(ps []*corev1.Pod) []string { return names(ps, func(p *corev1.Pod) string { return p.Name }) }
	if got, want := podNames(ix.PodsOwnedBy(ix.Workload(index.KindDeployment, "web", "frontend"))), []string{"frontend-1234-c"}; !reflect.DeepEqual(got, want) {
		t.Errorf("frontend's pods = %v, want %v", got, want)
	}
	if got, want := podNames(ix.PodsOwnedBy(ix.Workload(index.KindDeployment, "web", "api"))), []string{"renamed-b"}; !reflect.DeepEqual(got, want) {
		t.Errorf("api's pods = %v, want %v", got, want)
	}
}

func TestCountNodes(t *testing.T) {
	capacityOnly := checktest.Node("capacity-only", "a", "")
	capacityOnly.Status.Capacity = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2")}
	pool := checktest.Node("pool-1", "b", "1500m")
	pool.Labels["pool"] = "dns"
	cordonedPool := checktest.Cordoned(checktest.Node("pool-2", "c", "4"))
	cordonedPool.Labels["pool"] = "dns"
	s := checktest.Snapshot()
	s.Nodes = []corev1.Node{
		checktest.Node("allocatable", "a", "3920m"), // allocatable wins over capacity
		capacityOnly,
		checktest.Node("no-cpu", "", ""),
		pool,
		cordonedPool,
	}
	s.Nodes[0].Status.Capacity = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("4")}
	ix := index.New(s)

	// 3920m + 2000m + 0 + 1500m + 4000m
	all := ix.CountNodes(nil)
	if want := (index.NodeCounts{Total: 5, Schedulable: 4, TotalMilli: 11420, SchedulableMilli: 7420}); all != want {
		t.Errorf("CountNodes(nil) = %+v, want %+v", all, want)
	}
	if n, c := all.Pick(false); n != 4 || c != 7.42 {
		t.Errorf("Pick(false) = %d nodes, %v cores; want 4, 7.42", n, c)
	}
	if n, c := all.Pick(true); n != 5 || c != 11.42 {
		t.Errorf("Pick(true) = %d nodes, %v cores; want 5, 11.42", n, c)
	}
	sel, err := labels.Parse("pool=dns")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ix.CountNodes(sel), (index.NodeCounts{Total: 2, Schedulable: 1, TotalMilli: 5500, SchedulableMilli: 1500}); got != want {
		t.Errorf("CountNodes(pool=dns) = %+v, want %+v", got, want)
	}

	// The facts DNS-003 reads: schedulable nodes and their zones (the
	// cordoned node's zone c is no room to spread), and zones by node.
	if got := ix.Schedulable(); got != 4 {
		t.Errorf("Schedulable = %d, want 4", got)
	}
	if got, want := ix.SchedulableZones(), []string{"a", "b"}; !reflect.DeepEqual(got, want) {
		t.Errorf("SchedulableZones = %v, want %v", got, want)
	}
	for node, want := range map[string]string{"pool-1": "b", "pool-2": "c", "no-cpu": "", "missing": ""} {
		if got := ix.ZoneOf(node); got != want {
			t.Errorf("ZoneOf(%s) = %q, want %q", node, got, want)
		}
	}
}

func TestContainerFlags(t *testing.T) {
	params := `{"linear": {"coresPerReplica": 256, "nodesPerReplica": 16, "preventSinglePointFailure": true}}`
	tests := []struct {
		name       string
		c          corev1.Container
		wantTokens []string
		want       index.Flags
	}{
		{name: "flag with spaces kept whole",
			c: corev1.Container{Command: []string{"/cluster-proportional-autoscaler"},
				Args: []string{"--target=deployment/coredns", "--default-params=" + params}},
			wantTokens: []string{"/cluster-proportional-autoscaler", "--target=deployment/coredns", "--default-params=" + params},
			want:       index.Flags{"target": {"deployment/coredns"}, "default-params": {params}}},
		{name: "shell command line split on whitespace and separators",
			c:          corev1.Container{Command: []string{"sh", "-c", "a --x=1; b"}},
			wantTokens: []string{"sh", "-c", "a", "--x=1", "b"},
			want:       index.Flags{"x": {"1"}}},
		{name: "quoted words in a shell line",
			c:          corev1.Container{Command: []string{"/bin/sh", "-c", `exec "/cpa" '--target=deployment/coredns' --configmap x && true`}},
			wantTokens: []string{"/bin/sh", "-c", "exec", "/cpa", "--target=deployment/coredns", "--configmap", "x", "true"},
			want:       index.Flags{"target": {"deployment/coredns"}, "configmap": {"x"}}},
		{name: "separate values, repeats and bare flags",
			c:          corev1.Container{Args: []string{"--target", "deployment/a", "--v=2", "--target=deployment/b", "--dry-run", "--configmap", "cm"}},
			wantTokens: []string{"--target", "deployment/a", "--v=2", "--target=deployment/b", "--dry-run", "--configmap", "cm"},
			want:       index.Flags{"target": {"deployment/a", "deployment/b"}, "v": {"2"}, "dry-run": {""}, "configmap": {"cm"}}},
		{name: "env references expanded",
			c: corev1.Container{Args: []string{"--namespace=$(MY_POD_NAMESPACE)", "--configmap=$(CM)-autoscaler", "--logfile=$(UNSET)"},
				Env: []corev1.EnvVar{checktest.PodNamespaceEnv, {Name: "CM", Value: "coredns"}}},
			wantTokens: []string{"--namespace=$(MY_POD_NAMESPACE)", "--configmap=$(CM)-autoscaler", "--logfile=$(UNSET)"},
			want:       index.Flags{"namespace": {"kube-system"}, "configmap": {"coredns-autoscaler"}, "logfile": {"$(UNSET)"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := index.CommandTokens(&tt.c); !reflect.DeepEqual(got, tt.wantTokens) {
				t.Errorf("CommandTokens = %q, want %q", got, tt.wantTokens)
			}
			got := index.ContainerFlags(&tt.c, "kube-system")
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ContainerFlags = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("last value wins", func(t *testing.T) {
		fs := index.ParseFlags([]string{"--target=deployment/a", "--target=deployment/b"})
		if v, ok := fs.Last("target"); !ok || v != "deployment/b" || fs.Get("target") != "deployment/b" {
			t.Errorf("Last = %q, %v; Get = %q; want deployment/b", v, ok, fs.Get("target"))
		}
		if v, ok := fs.Last("configmap"); ok || v != "" || fs.Get("configmap") != "" {
			t.Errorf("Last(configmap) = %q, %v; want unset", v, ok)
		}
	})
}

func TestPDBWorkloads(t *testing.T) {
	one := checktest.IntOrStr(intstr.FromInt32(1))
	web := map[string]string{"app": "web"}
	s := checktest.Snapshot()
	s.Deployments = []appsv1.Deployment{
		checktest.Deployment("shop", "web", checktest.Int32(2), web),
		checktest.Deployment("shop", "api", checktest.Int32(2), map[string]string{"app": "api"}),
		checktest.Deployment("other", "web", checktest.Int32(2), web),
	}
	s.PDBs = []policyv1.PodDisruptionBudget{
		checktest.PDB("web", "shop", &metav1.LabelSelector{MatchLabels: web}, nil, one),
		// an empty selector selects every workload of its namespace
		checktest.PDB("all", "shop", &metav1.LabelSelector{}, nil, one),
		// a null selector selects nothing
		checktest.PDB("null", "shop", nil, nil, one),
		checktest.PDB("invalid", "shop", &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: "Bogus"}}}, nil, one),
	}
	ix := index.New(s)
	want := map[string][]string{"web": {"shop/web"}, "all": {"shop/web", "shop/api"}, "null": {}, "invalid": {}}
	for i := range s.PDBs {
		p := &s.PDBs[i]
		if got := workloadNames(ix.PDBWorkloads(p)); !reflect.DeepEqual(got, want[p.Name]) {
			t.Errorf("PDBWorkloads(%s) = %v, want %v", p.Name, got, want[p.Name])
		}
	}
}
