package index_test

import (
	"fmt"
	"reflect"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
)

// The cluster-proportional-autoscaler's arithmetic, which the DNS checks and
// the add-on recommender both read.

func TestLinearParamsReplicas(t *testing.T) {
	// The dns-horizontal-autoscaler's --default-params.
	upstream := index.LinearParams{CoresPerReplica: 256, NodesPerReplica: 16, Min: 1,
		PreventSinglePointFailure: true, IncludeUnschedulableNodes: true}
	tests := []struct {
		name   string
		params string
		p      *index.LinearParams // instead of params
		nodes  int
		cores  float64
		want   int
	}{
		// min defaults to 1: max(max(1, ceil(12/256)), max(1, ceil(3/16))) = 1
		{"upstream defaults", `{"coresPerReplica":256,"nodesPerReplica":16}`, nil, 3, 12, 1},
		// preventSinglePointFailure raises the node term to 2 when nodes > 1
		{"single point of failure prevented", `{"coresPerReplica":256,"nodesPerReplica":16,"preventSinglePointFailure":true}`, nil, 3, 12, 2},
		// ... but not on a single node
		{"single node keeps one", `{"coresPerReplica":256,"nodesPerReplica":16,"preventSinglePointFailure":true}`, nil, 1, 4, 1},
		// max(max(2, ceil(400/256)=2), max(2, ceil(100/16)=7)) = 7
		{"min 2, nodes dominate", `{"coresPerReplica":256,"nodesPerReplica":16,"min":2}`, nil, 100, 400, 7},
		// min(5, ceil(1000/16)=63) = 5 for the node term; cores term min(5, ceil(4000/256)=16) = 5
		{"max clamps", `{"coresPerReplica":256,"nodesPerReplica":16,"max":5}`, nil, 1000, 4000, 5},
		// nodesPerReplica 0: node term 1; cores term ceil(1000/256) = 4
		{"only cores", `{"coresPerReplica":256}`, nil, 1000, 1000, 4},
		// ceil(4/1.5) = ceil(2.67) = 3
		{"float nodes per replica", `{"nodesPerReplica":1.5}`, nil, 4, 0, 3},
		// ceil(957.5/256) = 4 vs max(2, ceil(5/16)=1) = 2
		{"fractional cores", `{"coresPerReplica":256,"nodesPerReplica":16,"min":2}`, nil, 5, 957.5, 4},
		// max(ceil(4/256)=1, ceil(1/16)=1); one node: no single-point rule
		{"upstream, one node", "", &upstream, 1, 4, 1},
		// node term ceil(2/16)=1 raised to 2
		{"upstream, two nodes", "", &upstream, 2, 8, 2},
		// max(ceil(400/256)=2, ceil(100/16)=7)
		{"upstream, 100 nodes", "", &upstream, 100, 400, 7},
		// max(ceil(2560/256)=10, ceil(20/16)=2)
		{"upstream, cores dominate", "", &upstream, 20, 2560, 10},
		// min(ceil(200/16)=13, 5)
		{"literal max clamps", "", &index.LinearParams{NodesPerReplica: 16, Min: 1, Max: 5}, 200, 0, 5},
		// max(ceil(2/16)=1, 3)
		{"literal min raises", "", &index.LinearParams{NodesPerReplica: 16, Min: 3}, 2, 0, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.p
			if p == nil {
				parsed, err := index.ParseLinear(tt.params)
				if err != nil {
					t.Fatal(err)
				}
				p = &parsed
			}
			if got := p.Replicas(tt.nodes, tt.cores); got != tt.want {
				t.Errorf("Replicas(%d nodes, %v cores) = %d, want %d", tt.nodes, tt.cores, got, tt.want)
			}
		})
	}
}

func TestLinearParamsFloor(t *testing.T) {
	for _, tt := range []struct {
		p    index.LinearParams
		want int
	}{
		{index.LinearParams{Min: 1}, 1},
		{index.LinearParams{Min: 1, PreventSinglePointFailure: true}, 2}, // max(1, 2)
		{index.LinearParams{Min: 3, PreventSinglePointFailure: true}, 3}, // max(3, 2)
	} {
		if got := tt.p.Floor(); got != tt.want {
			t.Errorf("%+v.Floor() = %d, want %d", tt.p, got, tt.want)
		}
	}
}

func TestParseLinearErrors(t *testing.T) {
	for _, tt := range []struct{ data, want string }{
		{`{"coresPerReplica":256,"nodesPerReplica":16,"min":3,"max":2}`, "max 2 is below min 3"},
		{`{"coresPerReplica":256,"min":-1}`, "min -1 is negative"},
		{`{"coresPerReplica":256,"max":-1}`, "max -1 is negative"},
		{`{"coresPerReplica":-256}`, "coresPerReplica and nodesPerReplica must not be negative"},
		{`{"min":2}`, "neither coresPerReplica nor nodesPerReplica is set"},
		{`{"coresPerReplica":"many"}`, "parse linear params: json: cannot unmarshal string into Go struct field LinearParams.coresPerReplica of type float64"},
		{`not json`, "parse linear params: invalid character 'o' in literal null (expecting 'u')"},
	} {
		if _, err := index.ParseLinear(tt.data); err == nil || err.Error() != tt.want {
			t.Errorf("ParseLinear(%s) = %v, want %q", tt.data, err, tt.want)
		}
	}
}

func TestLadderParamsReplicas(t *testing.T) {
	p, err := index.ParseLadder(`{"coresToReplicas":[[512,5],[1,1],[64,3]],"nodesToReplicas":[[1,1],[2,2]]}`)
	if err != nil {
		t.Fatal(err)
	}
	if want := [][2]int{{1, 1}, {64, 3}, {512, 5}}; !reflect.DeepEqual(p.CoresToReplicas, want) {
		t.Errorf("coresToReplicas = %v, want sorted %v", p.CoresToReplicas, want)
	}
	for _, tc := range []struct {
		nodes int
		cores float64
		want  int
	}{
		{3, 100, 3},   // cores: last step ≤ 100 is [64,3]; nodes: [2,2]; max 3
		{3, 600, 5},   // cores: [512,5]
		{1, 0, 1},     // below every step: the first, [1,1]
		{2, 63, 2},    // cores [1,1], nodes [2,2]
		{2, 64, 3},    // a step applies from its own amount: [64,3]
		{2, 63.9, 2},  // cores are truncated: int(63.9) = 63 → [1,1]; nodes [2,2]
		{40, 0, 2},    // nodes beyond the last step keep it: [2,2]
		{0, 512.5, 5}, // int(512.5) = 512 → [512,5]
	} {
		if got := p.Replicas(tc.nodes, tc.cores); got != tc.want {
			t.Errorf("Replicas(%d, %g) = %d, want %d", tc.nodes, tc.cores, got, tc.want)
		}
	}
	// An empty table counts 1: the nodes table alone decides, max(1, 3) = 3.
	nodesOnly, err := index.ParseLadder(`{"nodesToReplicas":[[1,2],[32,3]]}`)
	if err != nil {
		t.Fatal(err)
	}
	if got := nodesOnly.Replicas(32, 1000); got != 3 {
		t.Errorf("nodes-only Replicas(32, 1000) = %d, want 3", got)
	}
}

func TestParseLadderErrors(t *testing.T) {
	for _, tt := range []struct{ data, want string }{
		{`{}`, "neither coresToReplicas nor nodesToReplicas is set"},
		{`{"nodesToReplicas":[[1]]}`, ""}, // a short step reads as [1, 0]: valid, as json fills arrays
		{`{"nodesToReplicas":"x"}`, "parse ladder params: json: cannot unmarshal string into Go struct field LadderParams.nodesToReplicas of type [][2]int"},
	} {
		_, err := index.ParseLadder(tt.data)
		if got := fmt.Sprint(err); (tt.want == "" && err != nil) || (tt.want != "" && got != tt.want) {
			t.Errorf("ParseLadder(%s) = %v, want %q", tt.data, err, tt.want)
		}
	}
}

// TestAutoscalerParams: the ConfigMap wins over --default-params, the linear
// key over the ladder key, and Source says where the parameters came from.
func TestAutoscalerParams(t *testing.T) {
	const linear = `{"coresPerReplica":256,"nodesPerReplica":16,"min":2}`
	const ladder = `{"nodesToReplicas":[[1,1],[2,2]]}`
	cm := func(data map[string]string) []corev1.ConfigMap {
		return []corev1.ConfigMap{{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "dns-autoscaler"}, Data: data}}
	}
	tests := []struct {
		name       string
		args       []string
		configMaps []corev1.ConfigMap
		mode       string // "linear", "ladder" or "" (none)
		source     string
		err        string
	}{
		{"ConfigMap linear", []string{"--configmap=dns-autoscaler", "--default-params={\"ladder\":" + ladder + "}"},
			cm(map[string]string{"linear": linear}), "linear", "ConfigMap kube-system/dns-autoscaler", ""},
		{"ConfigMap ladder", []string{"--configmap=dns-autoscaler"},
			cm(map[string]string{"ladder": ladder}), "ladder", "ConfigMap kube-system/dns-autoscaler", ""},
		{"ConfigMap with both: linear first", []string{"--configmap=dns-autoscaler"},
			cm(map[string]string{"ladder": ladder, "linear": linear}), "linear", "ConfigMap kube-system/dns-autoscaler", ""},
		{"ConfigMap with neither", []string{"--configmap=dns-autoscaler", "--default-params={\"linear\":" + linear + "}"},
			cm(map[string]string{"other": "x"}), "", "ConfigMap kube-system/dns-autoscaler", "the ConfigMap has neither a linear nor a ladder key"},
		{"ConfigMap invalid", []string{"--configmap=dns-autoscaler"},
			cm(map[string]string{"linear": `{"min":2}`}), "", "ConfigMap kube-system/dns-autoscaler", "neither coresPerReplica nor nodesPerReplica is set"},
		{"ConfigMap not collected: --default-params", []string{"--configmap=dns-autoscaler", "--default-params={\"linear\":" + linear + "}"},
			nil, "linear", "--default-params (ConfigMap kube-system/dns-autoscaler not in the snapshot)", ""},
		{"no --configmap: --default-params ladder", []string{"--default-params={\"ladder\":" + ladder + "}"},
			nil, "ladder", "--default-params (no --configmap flag)", ""},
		{"invalid --default-params", []string{"--default-params={\"ladder\":{}}"},
			nil, "", "--default-params (no --configmap flag)", "neither coresToReplicas nor nodesToReplicas is set"},
		{"unknown", []string{"--configmap=dns-autoscaler"}, nil, "", "ConfigMap kube-system/dns-autoscaler not in the snapshot", ""},
		{"--default-params not JSON: unknown", []string{"--default-params=linear"}, nil, "", "no --configmap flag", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := checktest.Snapshot()
			s.Deployments = []appsv1.Deployment{
				checktest.DNSDeployment("coredns", checktest.Int32(2), 2),
				checktest.AutoscalerDeployment("kube-system", "dns-autoscaler", 1, []string{"/cluster-proportional-autoscaler"},
					append([]string{"--target=deployment/coredns"}, tt.args...)),
			}
			s.ConfigMaps = tt.configMaps
			ix := index.New(s)
			running, _ := ix.ProportionalAutoscalers(ix.Workload(index.KindDeployment, "kube-system", "coredns"))
			if len(running) != 1 {
				t.Fatalf("found %d autoscalers, want 1", len(running))
			}
			p := ix.AutoscalerParams(running[0])
			mode := ""
			switch {
			case p.Linear != nil && p.Ladder != nil:
				t.Fatal("both modes set")
			case p.Linear != nil:
				mode = "linear"
			case p.Ladder != nil:
				mode = "ladder"
			}
			if mode != tt.mode || p.Source != tt.source || (p.Err == nil) != (tt.err == "") || (p.Err != nil && p.Err.Error() != tt.err) {
				t.Errorf("got mode %q, source %q, err %v; want %q, %q, %q", mode, p.Source, p.Err, tt.mode, tt.source, tt.err)
			}
			if p.Known() != (tt.mode != "") {
				t.Errorf("Known() = %t, want %t", p.Known(), tt.mode != "")
			}
		})
	}
	// The parsed values, not only the mode: min 2 as given.
	s := checktest.Snapshot()
	s.Deployments = []appsv1.Deployment{checktest.DNSDeployment("coredns", checktest.Int32(2), 2),
		checktest.AutoscalerDeployment("kube-system", "dns-autoscaler", 1, nil, []string{"--target=deployment/coredns", "--default-params={\"linear\":" + linear + "}"})}
	ix := index.New(s)
	running, _ := ix.ProportionalAutoscalers(ix.Workload(index.KindDeployment, "kube-system", "coredns"))
	if p := ix.AutoscalerParams(running[0]); p.Linear == nil || *p.Linear != (index.LinearParams{CoresPerReplica: 256, NodesPerReplica: 16, Min: 2}) {
		t.Errorf("linear = %+v, want 256 cores and 16 nodes per replica, min 2", p.Linear)
	}
}

// TestAutoscalerNodes: --nodelabels is a label selector over the nodes the
// autoscaler counts; without one, or with one that does not parse, all.
func TestAutoscalerNodes(t *testing.T) {
	s := checktest.Snapshot()
	// 6 nodes of 4 cores in zones a, b, c round-robin; node 5 cordoned;
	// nodes 0..2 in pool dns.
	s.Nodes = checktest.Nodes(6, "4", "a", "b", "c")
	for i := range 3 {
		s.Nodes[i].Labels["pool"] = "dns"
	}
	s.Nodes[5] = checktest.Cordoned(s.Nodes[5])
	ix := index.New(s)
	for _, tt := range []struct {
		nodeLabels, selector string
		want                 index.NodeCounts
	}{
		{"", "", index.NodeCounts{Total: 6, Schedulable: 5, TotalMilli: 24000, SchedulableMilli: 20000}},
		{"pool=dns", "pool=dns", index.NodeCounts{Total: 3, Schedulable: 3, TotalMilli: 12000, SchedulableMilli: 12000}},
		// pool dns is nodes 0, 1, 2 in zones a, b, c: the zone set keeps 0 and 2
		{"pool=dns,topology.kubernetes.io/zone in (a,c)", "pool=dns,topology.kubernetes.io/zone in (a,c)",
			index.NodeCounts{Total: 2, Schedulable: 2, TotalMilli: 8000, SchedulableMilli: 8000}},
		// nodes 3, 4 and the cordoned 5
		{"!pool", "!pool", index.NodeCounts{Total: 3, Schedulable: 2, TotalMilli: 12000, SchedulableMilli: 8000}},
		{"pool in (", "", index.NodeCounts{Total: 6, Schedulable: 5, TotalMilli: 24000, SchedulableMilli: 20000}},
	} {
		a := index.ProportionalAutoscaler{NodeLabels: tt.nodeLabels}
		if got, sel := ix.AutoscalerNodes(a); got != tt.want || sel != tt.selector {
			t.Errorf("AutoscalerNodes(--nodelabels=%q) = %+v, %q; want %+v, %q", tt.nodeLabels, got, sel, tt.want, tt.selector)
		}
	}
}
