package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/seaworthy-k8s/seaworthy/publish/openreports"
	"github.com/seaworthy-k8s/seaworthy/test/prometheus"
)

const policyReportCRD = "../../publish/openreports/testdata/policyreport-crd.yaml"

// applyOverlay runs `kubectl apply -k` of an overlay over the applied base,
// which changes only the CronJob, and returns the CronJob's pod spec as
// the API server now holds it.
func applyOverlay(t *testing.T, kubectl string, lc *liveCluster, overlay string) corev1.PodSpec {
	t.Helper()
	out, err := lc.kubectl(t, kubectl, "apply", "-k", overlaysDir+"/"+overlay)
	if err != nil {
		t.Fatal(err)
	}
	var changed []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.HasSuffix(line, " unchanged") {
			changed = append(changed, line)
		}
	}
	if want := []string{"cronjob.batch/seaworthy configured"}; !slices.Equal(changed, want) {
		t.Errorf("kubectl apply -k %s over the base changed %q, want %q", overlay, changed, want)
	}
	cj, err := lc.client.BatchV1().CronJobs(auditorNamespace).Get(t.Context(), "seaworthy", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return cj.Spec.JobTemplate.Spec.Template.Spec
}

// storedReports are seaworthy's report objects of one group, by
// "Kind namespace/name".
type storedReports map[string]unstructured.Unstructured

// seaworthyReports lists the objects labelled as seaworthy's, of both
// kinds of api.
func seaworthyReports(t *testing.T, lc *liveCluster, api openreports.API) storedReports {
	t.Helper()
	dyn := dynamic.NewForConfigOrDie(lc.Admin)
	out := storedReports{}
	for _, namespaced := range []bool{false, true} {
		list, err := dyn.Resource(api.Resource(namespaced)).List(t.Context(), metav1.ListOptions{LabelSelector: "app.kubernetes.io/managed-by=seaworthy"})
		if err != nil {
			t.Fatal(err)
		}
		for _, item := range list.Items {
			out[item.GetKind()+" "+item.GetNamespace()+"/"+item.GetName()] = item
		}
	}
	return out
}

func (s storedReports) keys() []string {
	out := make([]string, 0, len(s))
	for k := range s {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// wantReportObjects are the objects a report's results go to (the
// namespaced results to their namespace's Report, the others to the
// ClusterReport), with how many results each holds.
func wantReportObjects(rep auditReport) map[string]int {
	out := map[string]int{}
	for _, r := range rep.Results {
		if r.Object.Namespace == "" {
			out["ClusterReport /seaworthy"]++
		} else {
			out["Report "+r.Object.Namespace+"/seaworthy"]++
		}
	}
	return out
}

// checkReportObjects asserts that got holds exactly rep's results, in the
// objects they belong to, each stamped with rep's collectedAt.
func checkReportObjects(t *testing.T, got storedReports, rep auditReport) {
	t.Helper()
	at, err := time.Parse(time.RFC3339, rep.CollectedAt)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for key, o := range got {
		results, _, _ := unstructured.NestedSlice(o.Object, "results")
		counts[key] = len(results)
		for i, x := range results {
			secs, _, _ := unstructured.NestedInt64(x.(map[string]any), "timestamp", "seconds")
			if secs != at.Unix() {
				t.Errorf("%s results[%d] timestamp.seconds %d, want the report's collectedAt %d", key, i, secs, at.Unix())
				break
			}
		}
	}
	if want := wantReportObjects(rep); !equalCounts(counts, want) {
		t.Errorf("results per object %v, the report's %v", counts, want)
	}
}

// The openreports overlay, applied over the base with kubectl, and its
// pod's arguments run as the pod would with the real OpenReports CRDs
// installed (and the wgpolicyk8s.io ones, so that both groups are served):
// the API server accepts, under the CRDs' schema, one Report per namespace
// and the ClusterReport, in openreports.io only; a second run replaces the
// same objects (same UIDs, new results) rather than adding any. kubectl
// auth can-i, which needs the CRDs to resolve the kinds, agrees with the
// ClusterRole.
func TestLiveDeployOpenReportsOverlay(t *testing.T) {
	kubectl := requireKubectl(t)
	lc, token := startAuditorCluster(t)
	installCRDs(t, lc, openReportsCRD, "openreports.io/v1alpha1")
	installCRDs(t, lc, policyReportCRD, "wgpolicyk8s.io/v1alpha2")
	spec := applyOverlay(t, kubectl, lc, "openreports")
	bin := buildSeaworthy(t)

	first := runAsPod(t, lc, token, bin, spec, spec.Containers[0].Args)
	checkPodRun(t, first)
	rep1 := decodeReport(t, first.stdout)
	objs1 := seaworthyReports(t, lc, openreports.OpenReports)
	checkReportObjects(t, objs1, rep1)
	if got := publishedReport(t, lc, "seaworthy-report"); got != first.stdout {
		t.Errorf("the overlay's run published a ConfigMap report of %d bytes, it printed %d", len(got), len(first.stdout))
	}
	if n := len(seaworthyReports(t, lc, openreports.PolicyReports)); n != 0 {
		t.Errorf("%d wgpolicyk8s.io objects written while openreports.io is served", n)
	}

	// The schema those objects passed is enforced: a result value it does
	// not allow, or a timestamp as a string, is rejected.
	dyn := dynamic.NewForConfigOrDie(lc.Admin)
	for _, bad := range []map[string]any{
		{"policy": "X-1", "result": "passed", "timestamp": map[string]any{"seconds": 1, "nanos": 0}},
		{"policy": "X-1", "result": "pass", "timestamp": "2026-05-01T00:00:00Z"},
	} {
		obj := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "openreports.io/v1alpha1", "kind": "Report",
			"metadata": map[string]any{"name": "bad", "namespace": "payments"},
			"results":  []any{bad},
		}}
		_, err := dyn.Resource(openreports.OpenReports.Resource(true)).Namespace("payments").Create(t.Context(), obj, metav1.CreateOptions{})
		if !apierrors.IsInvalid(err) {
			t.Errorf("create a Report with result %v: %v, want 422 Invalid under the CRD's schema", bad, err)
		}
	}

	// The second run collects in a later second than the first, so its
	// objects differ (the timestamps) and their applies are no no-ops.
	at1, err := time.Parse(time.RFC3339, rep1.CollectedAt)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Until(at1.Add(time.Second)))
	second := runAsPod(t, lc, token, bin, spec, spec.Containers[0].Args)
	checkPodRun(t, second)
	rep2 := decodeReport(t, second.stdout)
	objs2 := seaworthyReports(t, lc, openreports.OpenReports)
	checkReportObjects(t, objs2, rep2)
	if !slices.Equal(objs1.keys(), objs2.keys()) {
		t.Errorf("after the second run the objects are\n%s\nwant the first run's\n%s", strings.Join(objs2.keys(), "\n"), strings.Join(objs1.keys(), "\n"))
	}
	for key, o := range objs2 {
		if before, ok := objs1[key]; ok && (o.GetUID() != before.GetUID() || o.GetResourceVersion() == before.GetResourceVersion()) {
			t.Errorf("%s: uid %s→%s, resourceVersion %s→%s; want the same object, rewritten", key,
				before.GetUID(), o.GetUID(), before.GetResourceVersion(), o.GetResourceVersion())
		}
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"create", "reports.openreports.io", "-n", "payments"}, "yes"},
		{[]string{"patch", "reports.openreports.io/seaworthy", "-n", "kube-system"}, "yes"},
		{[]string{"list", "reports.openreports.io", "-A"}, "yes"},
		{[]string{"delete", "clusterreports.openreports.io/seaworthy"}, "yes"},
		{[]string{"update", "policyreports.wgpolicyk8s.io", "-n", "payments"}, "yes"},
		{[]string{"create", "clusterpolicyreports.wgpolicyk8s.io"}, "yes"},
		{[]string{"deletecollection", "reports.openreports.io", "-n", "payments"}, "no"},
		{[]string{"watch", "clusterreports.openreports.io"}, "no"},
		{[]string{"create", "customresourcedefinitions.apiextensions.k8s.io"}, "no"},
		{[]string{"patch", "customresourcedefinitions.apiextensions.k8s.io/reports.openreports.io"}, "no"},
		{[]string{"get", "secrets", "-n", "payments"}, "no"},
	} {
		out, err := lc.kubectl(t, kubectl, append(append([]string{"auth", "can-i"}, c.args...), "--as", saUser)...)
		if got := strings.TrimSpace(out); got != c.want {
			t.Errorf("kubectl auth can-i %s --as %s: %q (%v), want %q", strings.Join(c.args, " "), saUser, got, err, c.want)
		}
	}
}

// cmState is what a published ConfigMap holds, for comparing before and
// after a run.
type cmState struct {
	ResourceVersion string
	Data            map[string]string
	BinaryData      map[string][]byte
}

func configMapState(t *testing.T, lc *liveCluster, name string) cmState {
	t.Helper()
	cm, err := lc.client.CoreV1().ConfigMaps(auditorNamespace).Get(t.Context(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return cmState{cm.ResourceVersion, cm.Data, cm.BinaryData}
}

// reportsState is every stored report object as JSON (resourceVersion
// included), by key.
func reportsState(t *testing.T, s storedReports) map[string]string {
	t.Helper()
	out := map[string]string{}
	for k, o := range s {
		b, err := json.Marshal(o.Object)
		if err != nil {
			t.Fatal(err)
		}
		out[k] = string(b)
	}
	return out
}

// The API server lost mid-collection: after one run has published to the
// ConfigMap and to OpenReports, a second run with both targets whose API
// server goes away halfway through the lists exits 2 with one error line,
// and the ConfigMap and the report objects are exactly as the first run
// left them (same resourceVersions, same contents).
//
// The server goes away through the TCP proxy TestLiveServerLostMidRun
// uses: between the CLI and the real kube-apiserver, it forwards a whole
// collection once to measure its bytes, then, on the faulty run, drops
// every connection and refuses new ones once half of those bytes have
// passed, which the client sees as a stopped API server. Stopping the
// control plane's kube-apiserver itself would leave the cut to timing.
// The cut is taken well into the pod lists: 600 pods of 1 KiB each make
// them most of the traffic. Nothing on stdout shows the run failed before
// its report was rendered, so before any target was asked to publish.
func TestLiveDeployPublishSurvivesLostServer(t *testing.T) {
	lc, token := startAuditorCluster(t)
	installCRDs(t, lc, openReportsCRD, "openreports.io/v1alpha1")
	addBulkPods(t, lc, "bulk", 600)
	direct := lc.TokenKubeconfig(t, "auditor", token)
	publishArgs := []string{"--publish", "configmap:seaworthy/seaworthy-report", "--publish", "openreports"}
	args := func(kubeconfig string, extra ...string) []string {
		return append([]string{"audit", "--kubeconfig", kubeconfig, "-o", "json", "-q", "--fail-on", "never"}, extra...)
	}
	if r := runCLI(t, args(direct, publishArgs...)...); r.code != 0 || r.stderr != "" {
		t.Fatalf("first publish: %s", r)
	}
	cmBefore := configMapState(t, lc, "seaworthy-report")
	reportsBefore := reportsState(t, seaworthyReports(t, lc, openreports.OpenReports))
	if len(reportsBefore) < 2 {
		t.Fatalf("the first run published %d report objects, want the ClusterReport and Reports", len(reportsBefore))
	}

	user := &clientcmdapi.AuthInfo{Token: token}
	whole := startProxy(t, lc.Host, 0)
	if r := runCLI(t, args(lc.kubeconfig(t, "whole", "https://"+whole.addr(), nil, user))...); r.code != 0 || r.stderr != "" {
		t.Fatalf("an audit through the proxy: %s", r)
	}
	total := whole.sent.Load()
	t.Logf("a whole collection receives %d bytes from the API server", total)
	if total < 600<<10 {
		t.Fatalf("a whole collection receives only %d bytes, less than the bulk pods alone", total)
	}
	cut := startProxy(t, lc.Host, total/2)
	r := runCLI(t, args(lc.kubeconfig(t, "cut", "https://"+cut.addr(), nil, user), publishArgs...)...)
	if !cut.wasCut() {
		t.Fatalf("the proxy never cut (%d of %d bytes sent): %s", cut.sent.Load(), total/2, r)
	}
	requireOneErrorLine(t, r, "lost the API server at https://"+cut.addr())
	t.Logf("the cut run: %s", r)

	if after := configMapState(t, lc, "seaworthy-report"); after.ResourceVersion != cmBefore.ResourceVersion ||
		fmt.Sprint(after.Data) != fmt.Sprint(cmBefore.Data) || fmt.Sprint(after.BinaryData) != fmt.Sprint(cmBefore.BinaryData) {
		t.Errorf("the failed run changed seaworthy/seaworthy-report: resourceVersion %s→%s", cmBefore.ResourceVersion, after.ResourceVersion)
	}
	if _, err := lc.client.CoreV1().ConfigMaps(auditorNamespace).Get(t.Context(), "seaworthy-report-1", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("the failed run rotated the report into seaworthy-report-1: %v", err)
	}
	after := reportsState(t, seaworthyReports(t, lc, openreports.OpenReports))
	for k, before := range reportsBefore {
		if after[k] != before {
			t.Errorf("the failed run changed %s", k)
		}
	}
	for k := range after {
		if _, ok := reportsBefore[k]; !ok {
			t.Errorf("the failed run wrote %s", k)
		}
	}
}

// A Pushgateway that is down fails the run after its retries, with one
// line naming it, and the ConfigMap is published all the same: the run's
// report in seaworthy-report, the one before it rotated to
// seaworthy-report-1.
func TestLiveDeployPushgatewayDown(t *testing.T) {
	lc, token := startAuditorCluster(t)
	kubeconfig := lc.TokenKubeconfig(t, "auditor", token)
	args := []string{"audit", "--kubeconfig", kubeconfig, "-o", "json", "-q", "--fail-on", "never", "--publish", "configmap:seaworthy/seaworthy-report"}
	before := runCLI(t, args...)
	if before.code != 0 || before.stderr != "" {
		t.Fatalf("publish without a Pushgateway: %s", before)
	}
	started := time.Now()
	r := runCLI(t, append(args, "--pushgateway", "http://127.0.0.1:1", "--cluster-name", "x")...)
	took := time.Since(started)
	want := `error: publish to pushgateway http://127.0.0.1:1: push metrics (3 attempts): ` +
		`Put "http://127.0.0.1:1/metrics/job/seaworthy/cluster/x": dial tcp 127.0.0.1:1: connect: connection refused` + "\n"
	if r.code != 2 || r.stderr != want || r.leaked != "" {
		t.Errorf("%s\nwant exit 2 and stderr %q", r, want)
	}
	// Two waits between the three attempts: 500ms, then 1s.
	if took < 1500*time.Millisecond {
		t.Errorf("the run took %s; three attempts with their backoff take at least 1.5s", took)
	}
	decodeReport(t, r.stdout)
	if got := publishedReport(t, lc, "seaworthy-report"); got != r.stdout {
		t.Errorf("the ConfigMap holds a report of %d bytes, the run printed %d", len(got), len(r.stdout))
	}
	if got := publishedReport(t, lc, "seaworthy-report-1"); got != before.stdout {
		t.Errorf("seaworthy-report-1 holds a report of %d bytes, not the previous run's (%d)", len(got), len(before.stdout))
	}
}

// The pushgateway overlay, applied over the base with kubectl, and its
// pod's arguments run as the pod would, with the overlay's Pushgateway
// address pointed at a real Pushgateway: the group job="seaworthy",
// cluster="my-cluster" (the overlay's --cluster-name) holds the report's
// findings and no gap.
func TestLiveDeployPushgatewayOverlay(t *testing.T) {
	kubectl := requireKubectl(t)
	pg := prometheus.StartPushgateway(t)
	lc, token := startAuditorCluster(t)
	spec := applyOverlay(t, kubectl, lc, "pushgateway")
	args := slices.Clone(spec.Containers[0].Args)
	const shippedURL = "http://pushgateway.monitoring.svc:9091"
	i := slices.Index(args, shippedURL)
	if i < 1 || args[i-1] != "--pushgateway" {
		t.Fatalf("the overlay's args %q do not push to %s", args, shippedURL)
	}
	args[i] = pg.URL
	run := runAsPod(t, lc, token, buildSeaworthy(t), spec, args)
	checkPodRun(t, run)
	rep := decodeReport(t, run.stdout)
	if got := publishedReport(t, lc, "seaworthy-report"); got != run.stdout {
		t.Errorf("the overlay's run published a ConfigMap report of %d bytes, it printed %d", len(got), len(run.stdout))
	}

	resp, err := http.Get(pg.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse the Pushgateway's /metrics: %v", err)
	}
	group := func(name string) []*dto.Metric {
		var out []*dto.Metric
		for _, m := range fams[name].GetMetric() {
			l := labelMap(m)
			if l["job"] == "seaworthy" && l["cluster"] == "my-cluster" {
				out = append(out, m)
			}
		}
		return out
	}
	// Each result counts once, under its check, status and namespace (a
	// Namespace's own name for a result on a Namespace, as the metrics
	// define it).
	want := map[string]float64{}
	for _, r := range rep.Results {
		ns := r.Object.Namespace
		if r.Object.Kind == "Namespace" {
			ns = r.Object.Name
		}
		want[fmt.Sprintf("%s %s %s", r.Check, r.Status, ns)]++
	}
	got := map[string]float64{}
	for _, m := range group("seaworthy_findings") {
		l := labelMap(m)
		got[fmt.Sprintf("%s %s %s", l["check"], l["status"], l["namespace"])] += m.GetGauge().GetValue()
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the pushed seaworthy_findings of job=seaworthy,cluster=my-cluster\n%v\nwant the report's\n%v", got, want)
	}
	if gaps := group("seaworthy_gaps"); len(gaps) != 1 || gaps[0].GetGauge().GetValue() != 0 {
		t.Errorf("pushed seaworthy_gaps %v, want one series of 0", gaps)
	}
	if n := len(group("push_time_seconds")); n != 1 {
		t.Errorf("%d pushes to job=seaworthy,cluster=my-cluster, want 1", n)
	}
	for name, fam := range fams {
		for _, m := range fam.GetMetric() {
			if l := labelMap(m); l["job"] == "seaworthy" && l["cluster"] != "my-cluster" {
				t.Errorf("%s pushed under cluster %q", name, l["cluster"])
			}
		}
	}
}

func labelMap(m *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, l := range m.GetLabel() {
		out[l.GetName()] = l.GetValue()
	}
	return out
}
