package quota

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// ---- builders ----------------------------------------------------------

func terminatingNamespace(name string) corev1.Namespace {
	ns := checktest.Namespace(name)
	ns.Status.Phase = corev1.NamespaceTerminating
	return ns
}

// testQuota builds a ResourceQuota with spec.hard, status.hard and status.used.
func testQuota(ns, name string, spec, hard, used corev1.ResourceList) corev1.ResourceQuota {
	return corev1.ResourceQuota{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec:       corev1.ResourceQuotaSpec{Hard: spec},
		Status:     corev1.ResourceQuotaStatus{Hard: hard, Used: used},
	}
}

// liveQuota builds a quota as read back from a cluster: status.hard mirrors spec.hard.
func liveQuota(ns, name string, hard, used corev1.ResourceList) corev1.ResourceQuota {
	return testQuota(ns, name, hard, hard, used)
}

func testLimitRange(ns, name string, items ...corev1.LimitRangeItem) corev1.LimitRange {
	return corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Spec: corev1.LimitRangeSpec{Limits: items}}
}

func containerItem(def, defReq, minL, maxL corev1.ResourceList) corev1.LimitRangeItem {
	return corev1.LimitRangeItem{Type: corev1.LimitTypeContainer, Default: def, DefaultRequest: defReq, Min: minL, Max: maxL}
}

func testPod(ns, name string) corev1.Pod { return checktest.Pod(ns, name, nil, nil) }

// runQuotaCheck runs def with opts on snap as the runner does.
func runQuotaCheck(t *testing.T, def check.Def[Options], snap *cluster.Snapshot, opts Options) []result.Result {
	t.Helper()
	return checktest.Run(t, check.Bind(opts, def)[0], snap)
}

// scopedNamespaces is every namespace the scope keeps (asked or
// infrastructure) over a fresh index of snap, sorted.
func scopedNamespaces(snap *cluster.Snapshot, opts *Options) []string {
	ix := index.New(snap)
	n := newNSScope(ix, opts).namespaces(ix)
	return slices.Sorted(slices.Values(append(n.asked(), n.infra...)))
}

func TestFixtures(t *testing.T) { checktest.Fixtures(t, Checks(DefaultOptions()), "../testdata") }

// ---- shared: namespaces ------------------------------------------------

// TestQuotaUserNamespacesCoverEveryNamespacedKind fails when cluster gains a
// namespaced kind that userNamespaces (index.NamespacesInUse) does not look at.
func TestQuotaUserNamespacesCoverEveryNamespacedKind(t *testing.T) {
	for _, k := range cluster.Kinds {
		if !k.Namespaced {
			continue
		}
		t.Run(string(k.Kind), func(t *testing.T) {
			snap := &cluster.Snapshot{}
			ns := "ns-" + strings.ToLower(k.Name)
			data := fmt.Sprintf(`{"apiVersion":%q,"kind":%q,"metadata":{"name":"x","namespace":%q}}`, k.Versions[0], k.Name, ns)
			if err := snap.AddObject(k.Versions[0], k.Name, []byte(data), true); err != nil {
				t.Fatal(err)
			}
			opts := DefaultOptions()
			got := scopedNamespaces(snap, &opts)
			if !slices.Equal(got, []string{ns}) {
				t.Errorf("userNamespaces = %v, want [%s]: the kind table's Each must walk %s", got, ns, k.Kind)
			}
		})
	}
}

func TestQuotaUserNamespaces(t *testing.T) {
	deleting := checktest.Namespace("leaving")
	deleting.DeletionTimestamp = &metav1.Time{Time: checktest.Now.Add(-time.Minute)}
	tests := []struct {
		name    string
		snap    *cluster.Snapshot
		exclude []string
		want    []string
	}{
		{
			name: "namespace objects and object namespaces are unioned",
			snap: &cluster.Snapshot{
				Namespaces: []corev1.Namespace{checktest.Namespace("team-a"), checktest.Namespace("empty")},
				Pods:       []corev1.Pod{testPod("team-b", "p1"), testPod("team-b", "p2"), testPod("team-a", "p3")},
			},
			want: []string{"empty", "team-a", "team-b"},
		},
		{
			name: "system namespaces are not user namespaces",
			snap: &cluster.Snapshot{
				Namespaces: []corev1.Namespace{checktest.Namespace("kube-system"), checktest.Namespace("kube-public"), checktest.Namespace("kube-node-lease"), checktest.Namespace("apps")},
				Pods:       []corev1.Pod{testPod("kube-system", "coredns")},
			},
			want: []string{"apps"},
		},
		{
			name:    "ExcludeNamespaces are dropped",
			snap:    &cluster.Snapshot{Namespaces: []corev1.Namespace{checktest.Namespace("apps"), checktest.Namespace("monitoring")}},
			exclude: []string{"monitoring"},
			want:    []string{"apps"},
		},
		{
			name: "terminating namespaces are dropped, by phase or deletionTimestamp",
			snap: &cluster.Snapshot{
				Namespaces: []corev1.Namespace{checktest.Namespace("apps"), terminatingNamespace("old"), deleting},
				Pods:       []corev1.Pod{testPod("old", "straggler"), testPod("leaving", "straggler")},
			},
			want: []string{"apps"},
		},
		{
			// The sources' finishing step gives such objects their
			// namespace ("default" or -n); an object that reaches the
			// index without one names no namespace.
			name: "an object without namespace names none",
			snap: &cluster.Snapshot{Pods: []corev1.Pod{testPod("", "hello")}},
			want: []string{},
		},
		{
			name: "nothing",
			snap: &cluster.Snapshot{},
			want: []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := DefaultOptions()
			opts.ExcludeNamespaces = tt.exclude
			got := scopedNamespaces(tt.snap, &opts)
			if !slices.Equal(got, tt.want) {
				t.Errorf("userNamespaces = %v, want %v", got, tt.want)
			}
		})
	}
}

// ---- QUOTA-001 / QUOTA-002 ---------------------------------------------

func TestQuota001(t *testing.T) {
	tests := []struct {
		name    string
		snap    *cluster.Snapshot
		exclude []string
		want    map[string]result.Status
	}{
		{
			name: "quota per namespace passes, missing one warns",
			snap: &cluster.Snapshot{
				Namespaces:     []corev1.Namespace{checktest.Namespace("team-a"), checktest.Namespace("team-b"), checktest.Namespace("kube-system")},
				ResourceQuotas: []corev1.ResourceQuota{testQuota("team-a", "compute", checktest.Resources("pods", "10"), nil, nil)},
			},
			want: map[string]result.Status{"Namespace/team-a": result.StatusPass, "Namespace/team-b": result.StatusWarn},
		},
		{
			name: "a quota with status.hard only counts",
			snap: &cluster.Snapshot{
				ResourceQuotas: []corev1.ResourceQuota{testQuota("team-a", "compute", nil, checktest.Resources("pods", "10"), checktest.Resources("pods", "1"))},
			},
			want: map[string]result.Status{"Namespace/team-a": result.StatusPass},
		},
		{
			name: "a quota with no hard limits does not count",
			snap: &cluster.Snapshot{
				Namespaces:     []corev1.Namespace{checktest.Namespace("team-a")},
				ResourceQuotas: []corev1.ResourceQuota{testQuota("team-a", "empty", nil, nil, nil)},
			},
			want: map[string]result.Status{"Namespace/team-a": result.StatusWarn},
		},
		{
			name: "excluded and terminating namespaces are not reported",
			snap: &cluster.Snapshot{
				Namespaces: []corev1.Namespace{checktest.Namespace("team-a"), checktest.Namespace("sandbox"), terminatingNamespace("old")},
			},
			exclude: []string{"sandbox"},
			want:    map[string]result.Status{"Namespace/team-a": result.StatusWarn},
		},
		{
			name: "no user namespaces is na",
			snap: &cluster.Snapshot{Namespaces: []corev1.Namespace{checktest.Namespace("kube-system")}},
			want: map[string]result.Status{"(cluster)": result.StatusNA},
		},
		{
			name: "namespaces gap skips",
			snap: &cluster.Snapshot{
				Pods: []corev1.Pod{testPod("team-a", "p")},
				Gaps: []cluster.Gap{{Kind: cluster.KindNamespaces, Reason: cluster.GapForbidden, Message: "namespaces is forbidden"}},
			},
			want: map[string]result.Status{"(cluster)": result.StatusSkip},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := DefaultOptions()
			opts.ExcludeNamespaces = tt.exclude
			got := checktest.StatusesByObject(runQuotaCheck(t, quota001, tt.snap, opts))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestQuota002(t *testing.T) {
	tests := []struct {
		name string
		snap *cluster.Snapshot
		want map[string]result.Status
	}{
		{
			name: "any LimitRange with limits passes, none warns",
			snap: &cluster.Snapshot{
				Namespaces: []corev1.Namespace{checktest.Namespace("team-a"), checktest.Namespace("team-b"), checktest.Namespace("team-c")},
				LimitRanges: []corev1.LimitRange{
					testLimitRange("team-a", "defaults", containerItem(nil, checktest.Resources("cpu", "100m"), nil, nil)),
					testLimitRange("team-b", "pvc", corev1.LimitRangeItem{Type: corev1.LimitTypePersistentVolumeClaim, Max: checktest.Resources("storage", "10Gi")}),
				},
			},
			want: map[string]result.Status{"Namespace/team-a": result.StatusPass, "Namespace/team-b": result.StatusPass, "Namespace/team-c": result.StatusWarn},
		},
		{
			name: "an empty LimitRange does not count",
			snap: &cluster.Snapshot{LimitRanges: []corev1.LimitRange{testLimitRange("team-a", "todo")}},
			want: map[string]result.Status{"Namespace/team-a": result.StatusWarn},
		},
		{
			name: "no user namespaces is na",
			snap: &cluster.Snapshot{LimitRanges: []corev1.LimitRange{testLimitRange("kube-system", "x")}},
			want: map[string]result.Status{"(cluster)": result.StatusNA},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := checktest.StatusesByObject(runQuotaCheck(t, quota002, tt.snap, DefaultOptions()))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// ---- QUOTA-003 ---------------------------------------------------------

func TestQuotaUsageRatio(t *testing.T) {
	tests := []struct {
		name       string
		resource   string
		used, hard string
		want       float64
	}{
		{"cpu in millicores", "requests.cpu", "1500m", "2", 0.75},                           // 1500m / 2000m
		{"memory Mi of Gi", "requests.memory", "900Mi", "1Gi", 0.87890625},                  // 900·2^20 / 2^30
		{"memory Mi of Gi, brief example", "requests.memory", "1900Mi", "2Gi", 0.927734375}, // 1900 / 2048
		{"exactly 80%, millicores of cores", "requests.cpu", "800m", "1", 0.8},              // 800m / 1000m
		{"exactly 80%, cores of millicores", "limits.cpu", "0.8", "1000m", 0.8},             // 800m / 1000m
		{"plain cpu is millicores too", "cpu", "250m", "500m", 0.5},                         // 250m / 500m
		{"decimal of binary bytes", "requests.memory", "1G", "1Gi", 1e9 / 1073741824.0},     // 10^9 / 2^30 ≈ 0.9313
		{"same bytes, other units", "requests.memory", "1.5Gi", "1536Mi", 1},                // 1.5·2^30 / 1536·2^20
		{"counts", "pods", "7", "20", 0.35},                                                 // 7 / 20
		{"object counts", "count/deployments.apps", "3", "10", 0.3},                         // 3 / 10
		{"over the limit", "limits.memory", "3Gi", "2Gi", 1.5},                              // 3 / 2
		{"bytes just under 80%", "requests.memory", "1717986918", "2Gi", 1717986918.0 / 2147483648.0},
		{"sub-millicore rounds up like Kubernetes", "requests.cpu", "500u", "1", 0.001}, // ceil(0.5m)=1m / 1000m
		{"beyond 2^53 units falls back to floats", "requests.storage", "3e18", "6e18", 0.5},
		{"beyond int64 (Value() would overflow to 0)", "requests.storage", "1e20", "4e20", 0.25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := usageRatio(corev1.ResourceName(tt.resource), resource.MustParse(tt.used), resource.MustParse(tt.hard))
			if got != tt.want {
				t.Errorf("usageRatio(%s, %s, %s) = %v, want %v", tt.resource, tt.used, tt.hard, got, tt.want)
			}
		})
	}
}

func TestQuota003(t *testing.T) {
	type over struct {
		resource string
		ratio    any // float64, or nil for a forbidden resource
	}
	tests := []struct {
		name    string
		quota   corev1.ResourceQuota
		opts    func(*Options)
		status  result.Status
		over    []over // evidence "over", worst first
		message string // substring of the message
	}{
		{
			name:    "all below 80% passes and names the highest",
			quota:   liveQuota("team-a", "compute", checktest.Resources("requests.cpu", "2", "requests.memory", "1Gi", "pods", "20"), checktest.Resources("requests.cpu", "1500m", "requests.memory", "600Mi", "pods", "7")),
			status:  result.StatusPass,
			message: "highest: requests.cpu used 1.5 of 2 cores (75%)", // 1500/2000 = 0.75 > 600/1024 = 0.5859 > 7/20 = 0.35
		},
		{
			name:    "brief example warns",
			quota:   liveQuota("team-a", "compute", checktest.Resources("requests.memory", "2Gi"), checktest.Resources("requests.memory", "1900Mi")),
			status:  result.StatusWarn,
			over:    []over{{"requests.memory", 0.9277}},                                         // 1900/2048 = 0.92773…, truncated in evidence
			message: "ResourceQuota team-a/compute: requests.memory used 1.855Gi of 2Gi (92.8%)", // 1900/1024 = 1.85546875 Gi; 92.773…% rounded
		},
		{
			name:   "exactly 80% warns",
			quota:  liveQuota("team-a", "q", checktest.Resources("requests.cpu", "1"), checktest.Resources("requests.cpu", "800m")),
			status: result.StatusWarn,
			over:   []over{{"requests.cpu", 0.8}}, // 800/1000
		},
		{
			name:   "just under 80% passes",
			quota:  liveQuota("team-a", "q", checktest.Resources("requests.cpu", "1", "pods", "5"), checktest.Resources("requests.cpu", "799m", "pods", "3")),
			status: result.StatusPass, // 799/1000 = 0.799
		},
		{
			name:    "exactly 100% fails",
			quota:   liveQuota("team-a", "q", checktest.Resources("pods", "10"), checktest.Resources("pods", "10")),
			status:  result.StatusFail,
			over:    []over{{"pods", 1.0}}, // 10/10
			message: "pods used 10 of 10 (100%)",
		},
		{
			name:   "over the limit fails",
			quota:  liveQuota("team-a", "q", checktest.Resources("limits.memory", "2Gi"), checktest.Resources("limits.memory", "3Gi")),
			status: result.StatusFail,
			over:   []over{{"limits.memory", 1.5}}, // 3/2
		},
		{
			name:    "one resource is one, not all 1",
			quota:   liveQuota("team-a", "q", checktest.Resources("pods", "10"), checktest.Resources("pods", "3")),
			status:  result.StatusPass,
			message: "ResourceQuota team-a/q: its one resource is below 80% of hard (highest: pods used 3 of 10 (30%)).",
		},
		{
			name:   "hard 0 with used 0 is a forbidden resource, fine",
			quota:  liveQuota("team-a", "q", checktest.Resources("services.loadbalancers", "0", "pods", "10"), checktest.Resources("services.loadbalancers", "0", "pods", "1")),
			status: result.StatusPass,
		},
		{
			name:    "hard 0 with used > 0 fails",
			quota:   liveQuota("team-a", "q", checktest.Resources("services.loadbalancers", "0"), checktest.Resources("services.loadbalancers", "1")),
			status:  result.StatusFail,
			over:    []over{{"services.loadbalancers", nil}},
			message: "services.loadbalancers used 1 although hard is 0",
		},
		{
			name:  "worst resource decides, every hot one is listed worst first",
			quota: liveQuota("team-a", "q", checktest.Resources("requests.cpu", "4", "requests.memory", "1Gi", "pods", "10", "services", "10"), checktest.Resources("requests.cpu", "3500m", "requests.memory", "1Gi", "pods", "2", "services", "9")),
			// 1Gi/1Gi = 1.0 fail; 9/10 = 0.9 warn; 3500/4000 = 0.875 warn; 2/10 = 0.2 ok
			status:  result.StatusFail,
			over:    []over{{"requests.memory", 1.0}, {"services", 0.9}, {"requests.cpu", 0.875}},
			message: "requests.memory used 1Gi of 1Gi (100%), services used 9 of 10 (90%), requests.cpu used 3.5 of 4 cores (87.5%)",
		},
		{
			name:    "no status is skip, never pass",
			quota:   testQuota("team-a", "q", checktest.Resources("pods", "10"), nil, nil),
			status:  result.StatusSkip,
			message: "usage is unknown",
		},
		{
			name:    "used missing for a resource while others are low is skip",
			quota:   liveQuota("team-a", "q", checktest.Resources("pods", "10", "services", "5"), checktest.Resources("pods", "1")),
			status:  result.StatusSkip,
			message: "no status.used for services",
		},
		{
			name:   "used missing does not hide a hot resource",
			quota:  liveQuota("team-a", "q", checktest.Resources("pods", "10", "services", "5"), checktest.Resources("pods", "9")),
			status: result.StatusWarn,
			over:   []over{{"pods", 0.9}},
		},
		{
			name:   "thresholds come from Options",
			quota:  liveQuota("team-a", "q", checktest.Resources("pods", "10"), checktest.Resources("pods", "6")),
			opts:   func(o *Options) { o.WarnRatio, o.FailRatio = 0.5, 0.6 },
			status: result.StatusFail, // 6/10 = 0.6 ≥ 0.6
			over:   []over{{"pods", 0.6}},
		},
		{
			name:   "a system namespace's quota is not evaluated",
			quota:  liveQuota("kube-system", "q", checktest.Resources("pods", "10"), checktest.Resources("pods", "10")),
			status: result.StatusNA,
		},
		{
			name:   "an excluded namespace's quota is not evaluated",
			quota:  liveQuota("ci", "q", checktest.Resources("pods", "10"), checktest.Resources("pods", "10")),
			opts:   func(o *Options) { o.ExcludeNamespaces = []string{"ci"} },
			status: result.StatusNA,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := DefaultOptions()
			if tt.opts != nil {
				tt.opts(&opts)
			}
			rs := runQuotaCheck(t, quota003, &cluster.Snapshot{ResourceQuotas: []corev1.ResourceQuota{tt.quota}}, opts)
			if len(rs) != 1 {
				t.Fatalf("got %d results, want 1:\n%s", len(rs), checktest.Format(rs))
			}
			r := rs[0]
			if r.Status != tt.status {
				t.Errorf("status = %s, want %s: %s", r.Status, tt.status, r.Message)
			}
			if tt.message != "" && !strings.Contains(r.Message, tt.message) {
				t.Errorf("message %q does not contain %q", r.Message, tt.message)
			}
			if r.Status == result.StatusNA {
				return
			}
			if tt.status == result.StatusWarn || tt.status == result.StatusFail {
				if r.Object.Kind != "ResourceQuota" || r.Object.Namespace != tt.quota.Namespace || r.Object.Name != tt.quota.Name {
					t.Errorf("object = %v", r.Object)
				}
				list, _ := r.Evidence["over"].([]map[string]any)
				var got []over
				for _, e := range list {
					got = append(got, over{e["resource"].(string), e["ratio"]})
				}
				if !reflect.DeepEqual(got, tt.over) {
					t.Errorf("evidence over = %v, want %v", got, tt.over)
				}
				// The worst resource is also at the top level.
				if r.Evidence["resource"] != tt.over[0].resource {
					t.Errorf("evidence resource = %v, want %s", r.Evidence["resource"], tt.over[0].resource)
				}
				for _, k := range []string{"used", "hard"} {
					if _, ok := r.Evidence[k]; !ok {
						t.Errorf("evidence lacks %s", k)
					}
				}
			}
		})
	}
}

func TestQuota003TerminatingNamespace(t *testing.T) {
	snap := &cluster.Snapshot{
		Namespaces: []corev1.Namespace{terminatingNamespace("old"), checktest.Namespace("team-a")},
		ResourceQuotas: []corev1.ResourceQuota{
			liveQuota("old", "q", checktest.Resources("pods", "10"), checktest.Resources("pods", "10")),
			liveQuota("team-a", "q", checktest.Resources("pods", "10"), checktest.Resources("pods", "1")),
		},
	}
	got := checktest.StatusesByObject(runQuotaCheck(t, quota003, snap, DefaultOptions()))
	want := map[string]result.Status{"ResourceQuota/team-a/q": result.StatusPass}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestQuotaPercent(t *testing.T) {
	tests := []struct {
		ratio float64
		want  string
	}{
		{0.75, "75%"},
		{0.8, "80%"},
		{0.87890625, "87.9%"}, // rounded half-up
		{0.9375, "93.8%"},     // the half rounds up
		{0.92773, "92.8%"},
		{0.92749, "92.7%"},
		{0.79999999981, "80%"}, // no threshold named: plain rounding
		{1, "100%"},
		{1.5, "150%"},
		{0, "0%"},
	}
	for _, tt := range tests {
		if got := percent(tt.ratio); got != tt.want {
			t.Errorf("percent(%v) = %q, want %q", tt.ratio, got, tt.want)
		}
	}
}

// A ratio below a threshold never prints as the threshold it has not
// reached: rounding would, so it is truncated.
func TestQuotaPercentBelowThreshold(t *testing.T) {
	tests := []struct {
		ratio float64
		want  string
	}{
		{0.79999999981, "79.9%"}, // would round to 80% = WarnRatio
		{0.7996, "79.9%"},
		{0.9996, "99.9%"}, // would round to 100% = FailRatio
		{0.8, "80%"},      // reached: as is
		{0.87890625, "87.9%"},
		{0.7994, "79.9%"}, // rounds below the threshold anyway
	}
	for _, tt := range tests {
		if got := percent(tt.ratio, 0.8, 1.0); got != tt.want {
			t.Errorf("percent(%v, 0.8, 1.0) = %q, want %q", tt.ratio, got, tt.want)
		}
	}
}

func TestQuotaInUnitOf(t *testing.T) {
	tests := []struct {
		name               string
		resource           string
		used, hard         string
		wantUsed, wantHard string
	}{
		{"memory Mi of Gi", "requests.memory", "11520Mi", "12Gi", "11.25Gi", "12Gi"},     // 11520/1024
		{"memory rounded half-up", "requests.memory", "1900Mi", "2Gi", "1.855Gi", "2Gi"}, // 1.85546875
		{"memory decimal suffix", "limits.memory", "1500M", "2G", "1.5G", "2G"},
		{"memory bytes of Gi", "requests.memory", "536870912", "1Gi", "0.5Gi", "1Gi"},
		{"cpu millicores of cores", "requests.cpu", "253900m", "234", "253.9", "234 cores"},
		{"cpu of millicores", "limits.cpu", "250m", "500m", "0.25", "0.5 cores"},
		{"cpu one core", "cpu", "1", "1", "1", "1 core"},
		{"cpu three decimals", "requests.cpu", "1", "3", "1", "3 cores"},
		{"counts", "pods", "9", "10", "9", "10"},
		{"counts in k", "count/configmaps", "1500", "2k", "1.5k", "2k"},
		// 3 decimals would read 2Gi of 2Gi: more, until used is visibly below.
		{"just below hard keeps its distance", "requests.memory", "2147483647", "2Gi", "1.999999999Gi", "2Gi"},
		// used tiny but not zero: more decimals rather than 0.
		{"tiny but not zero", "requests.memory", "1Mi", "1Ti", "0.000001Ti", "1Ti"}, // 2^-20 = 0.00000095…,
		{"hard 0 leaves used as written", "requests.memory", "1Gi", "0", "1Gi", "0"},
		{"exponent form leaves used as written", "requests.storage", "5e2", "1e3", "500", "1e3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, h := inUnitOf(corev1.ResourceName(tt.resource), resource.MustParse(tt.used), resource.MustParse(tt.hard))
			if u != tt.wantUsed || h != tt.wantHard {
				t.Errorf("inUnitOf(%s, %s, %s) = %q, %q, want %q, %q", tt.resource, tt.used, tt.hard, u, h, tt.wantUsed, tt.wantHard)
			}
		})
	}
}

// ---- QUOTA-004 ---------------------------------------------------------

func TestQuota004(t *testing.T) {
	compute := checktest.Resources("requests.cpu", "4", "requests.memory", "8Gi", "limits.cpu", "8", "limits.memory", "16Gi")
	tests := []struct {
		name        string
		quotas      []corev1.ResourceQuota
		limitRanges []corev1.LimitRange
		status      result.Status
		missing     []string
	}{
		{
			name:        "defaultRequest and default cover everything",
			quotas:      []corev1.ResourceQuota{testQuota("team-a", "q", compute, nil, nil)},
			limitRanges: []corev1.LimitRange{testLimitRange("team-a", "lr", containerItem(checktest.Resources("cpu", "1", "memory", "1Gi"), checktest.Resources("cpu", "100m", "memory", "128Mi"), nil, nil))},
			status:      result.StatusPass,
		},
		{
			name:        "default alone also serves as defaultRequest",
			quotas:      []corev1.ResourceQuota{testQuota("team-a", "q", compute, nil, nil)},
			limitRanges: []corev1.LimitRange{testLimitRange("team-a", "lr", containerItem(checktest.Resources("cpu", "1", "memory", "1Gi"), nil, nil, nil))},
			status:      result.StatusPass,
		},
		{
			name:        "defaultRequest alone leaves limits undefaulted",
			quotas:      []corev1.ResourceQuota{testQuota("team-a", "q", compute, nil, nil)},
			limitRanges: []corev1.LimitRange{testLimitRange("team-a", "lr", containerItem(nil, checktest.Resources("cpu", "100m", "memory", "128Mi"), nil, nil))},
			status:      result.StatusWarn,
			missing:     []string{"limits.cpu", "limits.memory"},
		},
		{
			name:        "max becomes default (and so defaultRequest), min becomes defaultRequest only",
			quotas:      []corev1.ResourceQuota{testQuota("team-a", "q", compute, nil, nil)},
			limitRanges: []corev1.LimitRange{testLimitRange("team-a", "lr", containerItem(nil, nil, checktest.Resources("memory", "64Mi"), checktest.Resources("cpu", "2")))},
			status:      result.StatusWarn,
			missing:     []string{"limits.memory"},
		},
		{
			name:    "plain cpu and memory mean requests",
			quotas:  []corev1.ResourceQuota{testQuota("team-a", "q", checktest.Resources("cpu", "4", "memory", "8Gi"), nil, nil)},
			status:  result.StatusWarn,
			missing: []string{"cpu", "memory"},
		},
		{
			name:   "Pod and PVC LimitRange items default nothing for containers",
			quotas: []corev1.ResourceQuota{testQuota("team-a", "q", checktest.Resources("limits.memory", "8Gi"), nil, nil)},
			limitRanges: []corev1.LimitRange{testLimitRange("team-a", "lr",
				corev1.LimitRangeItem{Type: corev1.LimitTypePod, Max: checktest.Resources("memory", "4Gi")},
				corev1.LimitRangeItem{Type: corev1.LimitTypePersistentVolumeClaim, Max: checktest.Resources("storage", "10Gi")})},
			status:  result.StatusWarn,
			missing: []string{"limits.memory"},
		},
		{
			name:   "several LimitRanges combine",
			quotas: []corev1.ResourceQuota{testQuota("team-a", "q", checktest.Resources("requests.cpu", "4", "limits.memory", "8Gi"), nil, nil)},
			limitRanges: []corev1.LimitRange{
				testLimitRange("team-a", "cpu", containerItem(nil, checktest.Resources("cpu", "100m"), nil, nil)),
				testLimitRange("team-a", "mem", containerItem(checktest.Resources("memory", "512Mi"), nil, nil, nil)),
			},
			status: result.StatusPass,
		},
		{
			name:        "a LimitRange in another namespace does not help",
			quotas:      []corev1.ResourceQuota{testQuota("team-a", "q", checktest.Resources("requests.cpu", "4"), nil, nil)},
			limitRanges: []corev1.LimitRange{testLimitRange("team-b", "lr", containerItem(nil, checktest.Resources("cpu", "100m"), nil, nil))},
			status:      result.StatusWarn,
			missing:     []string{"requests.cpu"},
		},
		{
			name:    "status.hard alone (spec lost in transit) still counts",
			quotas:  []corev1.ResourceQuota{testQuota("team-a", "q", nil, checktest.Resources("limits.cpu", "4"), checktest.Resources("limits.cpu", "1"))},
			status:  result.StatusWarn,
			missing: []string{"limits.cpu"},
		},
		{
			name:   "constraints from several quotas add up",
			quotas: []corev1.ResourceQuota{testQuota("team-a", "cpu", checktest.Resources("requests.cpu", "4"), nil, nil), testQuota("team-a", "mem", checktest.Resources("limits.memory", "8Gi"), nil, nil)},
			limitRanges: []corev1.LimitRange{
				testLimitRange("team-a", "lr", containerItem(nil, checktest.Resources("cpu", "100m"), nil, nil)),
			},
			status:  result.StatusWarn,
			missing: []string{"limits.memory"},
		},
		{
			name:   "ephemeral-storage and object counts are not compute quotas",
			quotas: []corev1.ResourceQuota{testQuota("team-a", "q", checktest.Resources("requests.ephemeral-storage", "10Gi", "pods", "10"), nil, nil)},
			status: result.StatusNA,
		},
		{
			name:   "system namespaces are not evaluated",
			quotas: []corev1.ResourceQuota{testQuota("kube-system", "q", compute, nil, nil)},
			status: result.StatusNA,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := &cluster.Snapshot{ResourceQuotas: tt.quotas, LimitRanges: tt.limitRanges}
			rs := runQuotaCheck(t, quota004, snap, DefaultOptions())
			if len(rs) != 1 {
				t.Fatalf("got %d results, want 1:\n%s", len(rs), checktest.Format(rs))
			}
			r := rs[0]
			if r.Status != tt.status {
				t.Fatalf("status = %s, want %s: %s", r.Status, tt.status, r.Message)
			}
			if r.Status == result.StatusNA {
				return
			}
			if want := namespaceRef("team-a"); r.Object != want {
				t.Errorf("object = %v, want %v", r.Object, want)
			}
			got, _ := r.Evidence["missing"].([]string)
			if !slices.Equal(got, tt.missing) {
				t.Errorf("missing = %v, want %v", got, tt.missing)
			}
			for _, m := range tt.missing {
				if !strings.Contains(r.Message, m) {
					t.Errorf("message %q does not name %s", r.Message, m)
				}
			}
		})
	}
}

func TestQuota004OnlyNamespacesWithComputeQuotas(t *testing.T) {
	snap := &cluster.Snapshot{
		Namespaces: []corev1.Namespace{checktest.Namespace("team-a"), checktest.Namespace("team-b"), checktest.Namespace("team-c")},
		ResourceQuotas: []corev1.ResourceQuota{
			testQuota("team-a", "compute", checktest.Resources("requests.cpu", "4"), nil, nil),
			testQuota("team-b", "objects", checktest.Resources("pods", "10"), nil, nil),
		},
	}
	got := checktest.StatusesByObject(runQuotaCheck(t, quota004, snap, DefaultOptions()))
	want := map[string]result.Status{"Namespace/team-a": result.StatusWarn} // team-b: counts only; team-c: no quota
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// ---- QUOTA-005 ---------------------------------------------------------

func TestQuota005(t *testing.T) {
	tests := []struct {
		name              string
		covered, total    int
		opts              func(*Options)
		status            result.Status
		ratio             float64
		uncoveredListed   int
		messageContaining string
	}{
		{name: "none covered", covered: 0, total: 3, status: result.StatusFail, ratio: 0, uncoveredListed: 3},              // 0/3
		{name: "a quarter", covered: 1, total: 4, status: result.StatusFail, ratio: 0.25, uncoveredListed: 3},              // 1/4
		{name: "exactly half warns", covered: 2, total: 4, status: result.StatusWarn, ratio: 0.5, uncoveredListed: 2},      // 2/4, not < 0.5
		{name: "80% warns", covered: 8, total: 10, status: result.StatusWarn, ratio: 0.8, uncoveredListed: 2},              // 8/10 < 0.9
		{name: "exactly 90% passes", covered: 9, total: 10, status: result.StatusPass, ratio: 0.9, uncoveredListed: 1},     // 9/10, not < 0.9
		{name: "all covered", covered: 5, total: 5, status: result.StatusPass, ratio: 1, uncoveredListed: 0},               // 5/5
		{name: "two thirds truncated", covered: 2, total: 3, status: result.StatusWarn, ratio: 0.6666, uncoveredListed: 1}, // 2/3 = 0.66666…
		{
			name: "uncovered list is capped", covered: 5, total: 30, status: result.StatusFail, ratio: 0.1666, // 5/30
			uncoveredListed: uncoveredCap, messageContaining: "and 5 more", // 25 uncovered, 20 listed
		},
		{
			name: "thresholds come from Options", covered: 6, total: 10, status: result.StatusPass, ratio: 0.6, uncoveredListed: 4,
			opts: func(o *Options) { o.CoverageFail, o.CoverageWarn = 0.3, 0.6 },
		},
		{name: "no user namespaces", total: 0, status: result.StatusNA},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := &cluster.Snapshot{Namespaces: []corev1.Namespace{checktest.Namespace("kube-system")}}
			for i := range tt.total {
				ns := fmt.Sprintf("ns-%02d", i)
				snap.Namespaces = append(snap.Namespaces, checktest.Namespace(ns))
				if i < tt.covered {
					snap.ResourceQuotas = append(snap.ResourceQuotas, testQuota(ns, "q", checktest.Resources("pods", "10"), nil, nil))
				}
			}
			opts := DefaultOptions()
			if tt.opts != nil {
				tt.opts(&opts)
			}
			rs := runQuotaCheck(t, quota005, snap, opts)
			if len(rs) != 1 {
				t.Fatalf("got %d results, want 1", len(rs))
			}
			r := rs[0]
			if r.Status != tt.status {
				t.Fatalf("status = %s, want %s: %s", r.Status, tt.status, r.Message)
			}
			if r.Object != result.Cluster {
				t.Errorf("object = %v, want cluster-wide", r.Object)
			}
			if tt.status == result.StatusNA {
				return
			}
			if r.Evidence["covered"] != tt.covered || r.Evidence["total"] != tt.total || r.Evidence["ratio"] != tt.ratio {
				t.Errorf("evidence = %v, want covered %d total %d ratio %v", r.Evidence, tt.covered, tt.total, tt.ratio)
			}
			uncovered := r.Evidence["uncovered"].([]string)
			if len(uncovered) != tt.uncoveredListed || !slices.IsSorted(uncovered) {
				t.Errorf("uncovered = %v, want %d sorted names", uncovered, tt.uncoveredListed)
			}
			if tt.messageContaining != "" && !strings.Contains(r.Message, tt.messageContaining) {
				t.Errorf("message %q does not contain %q", r.Message, tt.messageContaining)
			}
		})
	}
}

// ---- scale -------------------------------------------------------------

// largeQuotaSnapshot is the Kubernetes scale envelope as far as quotas
// care: 5,000 namespaces, 150,000 pods, a quota and a LimitRange in most.
func largeQuotaSnapshot() *cluster.Snapshot {
	const namespaces, podsPer = 5000, 30
	snap := &cluster.Snapshot{CollectedAt: checktest.Now}
	for i := range namespaces {
		ns := fmt.Sprintf("team-%04d", i)
		snap.Namespaces = append(snap.Namespaces, checktest.Namespace(ns))
		for j := range podsPer {
			snap.Pods = append(snap.Pods, testPod(ns, fmt.Sprintf("p-%d", j)))
		}
		if i%10 != 0 {
			snap.ResourceQuotas = append(snap.ResourceQuotas, liveQuota(ns, "compute",
				checktest.Resources("requests.cpu", "8", "requests.memory", "16Gi", "limits.memory", "32Gi", "pods", "50"),
				checktest.Resources("requests.cpu", fmt.Sprintf("%dm", 100*(i%90)), "requests.memory", "9Gi", "limits.memory", "20Gi", "pods", "30")))
		}
		if i%7 != 0 {
			snap.LimitRanges = append(snap.LimitRanges, testLimitRange(ns, "defaults", containerItem(checktest.Resources("memory", "512Mi"), checktest.Resources("cpu", "100m"), nil, nil)))
		}
	}
	return snap
}

func TestQuotaChecksAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 150,000-pod snapshot")
	}
	snap := largeQuotaSnapshot()
	rs := check.Run(snap, Checks(DefaultOptions()))
	counts := map[string]int{}
	for _, r := range rs {
		counts[r.Check]++
	}
	// One result per namespace (001, 002), per quota (003), per namespace
	// with a compute quota (004), one for the cluster (005).
	want := map[string]int{"QUOTA-001": 5000, "QUOTA-002": 5000, "QUOTA-003": 4500, "QUOTA-004": 4500, "QUOTA-005": 1}
	if !reflect.DeepEqual(counts, want) {
		t.Errorf("result counts = %v, want %v", counts, want)
	}
}

func BenchmarkQuotaChecks(b *testing.B) {
	snap := largeQuotaSnapshot()
	checks := Checks(DefaultOptions())
	b.ResetTimer()
	for b.Loop() {
		check.Run(snap, checks)
	}
}
