package res

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/recommender/addons"
	"github.com/seaworthy-k8s/seaworthy/result"
)

func container(name string, req, lim corev1.ResourceList) corev1.Container {
	return corev1.Container{Name: name, Image: "example.org/" + name + ":1",
		Resources: corev1.ResourceRequirements{Requests: req, Limits: lim}}
}

func limitRange(ns, name string, item corev1.LimitRangeItem) corev1.LimitRange {
	item.Type = corev1.LimitTypeContainer
	return corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{item}}}
}

// TestLimitRangeDefaulting: the API server's LimitRange defaulting decides
// what a LimitRange fills in (default ← max; defaultRequest ← default, else
// min), as manifests carry LimitRanges undefaulted.
func TestLimitRangeDefaulting(t *testing.T) {
	r := checktest.Resources
	for _, tc := range []struct {
		name         string
		item         corev1.LimitRangeItem
		res001, res2 result.Status
	}{
		{"defaultRequest fills requests, not limits", corev1.LimitRangeItem{DefaultRequest: r("cpu", "100m", "memory", "64Mi")}, result.StatusPass, result.StatusWarn},
		{"default fills both", corev1.LimitRangeItem{Default: r("cpu", "1", "memory", "1Gi")}, result.StatusPass, result.StatusPass},
		{"max fills both, through default", corev1.LimitRangeItem{Max: r("cpu", "2", "memory", "2Gi")}, result.StatusPass, result.StatusPass},
		{"min fills requests only", corev1.LimitRangeItem{Min: r("cpu", "10m", "memory", "8Mi")}, result.StatusPass, result.StatusWarn},
		{"memory only leaves the cpu request missing", corev1.LimitRangeItem{Default: r("memory", "1Gi")}, result.StatusWarn, result.StatusPass},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := checktest.Snapshot()
			s.Nodes = checktest.Nodes(1, "4")
			s.Deployments = append(s.Deployments, checktest.Deployment("shop", "web", nil, map[string]string{"app": "web"}, container("web", nil, nil)))
			s.LimitRanges = []corev1.LimitRange{limitRange("shop", "lr", tc.item)}
			cs := Checks(DefaultOptions())
			if got := checktest.RunOne(t, checktest.ByID(t, cs, "RES-001"), s).Status; got != tc.res001 {
				t.Errorf("RES-001 = %s, want %s", got, tc.res001)
			}
			if got := checktest.RunOne(t, checktest.ByID(t, cs, "RES-002"), s).Status; got != tc.res2 {
				t.Errorf("RES-002 = %s, want %s", got, tc.res2)
			}
		})
	}
}

func TestRES001Evidence(t *testing.T) {
	s := checktest.Snapshot()
	s.Nodes = checktest.Nodes(1, "4")
	s.Deployments = append(s.Deployments,
		checktest.Deployment("shop", "web", nil, map[string]string{"app": "web"},
			container("web", checktest.Resources("cpu", "100m"), nil), container("log", nil, checktest.Resources("memory", "64Mi"))),
		checktest.Deployment("ops", "tool", nil, map[string]string{"app": "tool"}, container("tool", nil, nil)))
	o := DefaultOptions()
	o.ExcludeNamespaces = []string{"ops"}
	rs := checktest.Run(t, checktest.ByID(t, Checks(o), "RES-001"), s)
	if len(rs) != 1 || rs[0].Object.String() != "Deployment/shop/web" {
		t.Fatalf("got %s, want one warn for shop/web (ops excluded)", checktest.Format(rs))
	}
	// web lacks the memory request; log's 64Mi limit defaults its memory request, and it lacks cpu.
	checktest.WantEvidence(t, rs[0], map[string]any{"missing": map[string][]string{
		"web": {"requests.memory"}, "log": {"requests.cpu"}}})
}

func TestRES003Evidence(t *testing.T) {
	s := checktest.Snapshot()
	s.Nodes = checktest.Nodes(40, "4")
	ksm := container("kube-state-metrics", checktest.Resources("cpu", "100m", "memory", "100Mi"), checktest.Resources("memory", "150Mi"))
	ksm.Image = "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0"
	s.Deployments = append(s.Deployments, checktest.Deployment("monitoring", "ksm", nil, map[string]string{"app": "ksm"}, ksm))
	r := checktest.RunOne(t, checktest.ByID(t, Checks(DefaultOptions()), "RES-003"), s)
	if r.Status != result.StatusWarn {
		t.Fatalf("got %s", checktest.FormatResult(r))
	}
	checktest.WantEvidence(t, r, map[string]any{
		"nodes": 40, "sizedNodes": 40, "thresholdPercent": 5, "byNanny": false, "addonRule": "kube-state-metrics",
		// linear: cpu 100m + 1m × 40 = 140m; memory 100Mi + 2Mi × 40 = 180Mi
		"expected": map[string]string{"cpu": "140m", "memory": "180Mi"},
		// band 133m..147m and 171Mi..189Mi: both requests and the set memory limit are below
		"below": []string{"requests.cpu", "requests.memory", "limits.memory"},
	})
}

func TestRES003SizingFile(t *testing.T) {
	cfg, err := addons.ParseConfig("sizing.yaml", []byte("addons:\n- match: {name: collector}\n  memory: {base: 200Mi, perNode: 10Mi}\n  threshold: 10\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := checktest.Snapshot()
	s.Nodes = checktest.Nodes(10, "4")
	s.Deployments = append(s.Deployments, checktest.Deployment("obs", "collector", nil, map[string]string{"app": "c"},
		container("collector", checktest.Resources("memory", "250Mi"), checktest.Resources("memory", "250Mi"))))
	o := DefaultOptions()
	o.Addons.Configured = cfg
	r := checktest.RunOne(t, checktest.ByID(t, Checks(o), "RES-003"), s)
	// 200Mi + 10Mi × 10 = 300Mi, band ±10%: 270Mi..330Mi; 250Mi is below.
	if r.Status != result.StatusWarn || !strings.Contains(r.Message, "memory 200Mi + 10Mi × 10 nodes = 300Mi") {
		t.Errorf("got %s", checktest.FormatResult(r))
	}
	checktest.WantEvidence(t, r, map[string]any{"ruleSource": "sizing.yaml:2", "expected": map[string]string{"memory": "300Mi"}})
}

func TestRES003NodesUnreadable(t *testing.T) {
	s := checktest.Snapshot()
	s.Gaps = []cluster.Gap{{Kind: cluster.KindNodes, Reason: cluster.GapForbidden, Message: "nodes is forbidden"}}
	ms := container("metrics-server", nil, nil)
	ms.Image = "registry.k8s.io/metrics-server/metrics-server:v0.7.2"
	s.Deployments = append(s.Deployments, checktest.Deployment("kube-system", "metrics-server", nil, map[string]string{"k8s-app": "metrics-server"}, ms))
	r := checktest.RunOne(t, checktest.ByID(t, Checks(DefaultOptions()), "RES-003"), s)
	if r.Status != result.StatusSkip || !strings.Contains(r.Message, "nodes could not be read (nodes is forbidden)") {
		t.Errorf("got %s", checktest.FormatResult(r))
	}
}

// TestRES001AddonResizer: a container an addon-resizer in its own
// Deployment resizes is not missing requests; one whose nanny names another
// Deployment is.
func TestRES001AddonResizer(t *testing.T) {
	rs := checktest.RunFixture(t, Checks(DefaultOptions()), "RES-001", "fail-nanny-elsewhere.yaml", nil)
	const want = "  RES-001 warn Deployment/kube-system/web: In Deployment web, container app lacks requests.cpu " +
		"(the input holds no LimitRange in kube-system; one in the cluster with defaults would fill these in); " +
		"set cpu and memory requests on each (or a LimitRange defaultRequest in the namespace), or the scheduler places it blind and it is evicted first."
	if got := checktest.Format(rs); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
