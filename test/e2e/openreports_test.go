package e2e

import (
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"sigs.k8s.io/yaml"

	"github.com/seaworthy-k8s/seaworthy/checks"
	"github.com/seaworthy-k8s/seaworthy/publish/openreports"
)

const openReportsCRD = "../../publish/openreports/testdata/openreports-install.yaml"

// installCRDs creates every CustomResourceDefinition in path and waits
// until discovery serves groupVersion.
func installCRDs(t *testing.T, lc *liveCluster, path, groupVersion string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dyn := dynamic.NewForConfigOrDie(lc.Admin)
	crds := schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	for _, doc := range strings.Split(string(data), "\n---\n") {
		var obj map[string]any
		if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
			t.Fatal(err)
		}
		if obj == nil {
			continue
		}
		if _, err := dyn.Resource(crds).Create(t.Context(), &unstructured.Unstructured{Object: obj}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	disc := discovery.NewDiscoveryClientForConfigOrDie(lc.Admin)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if l, err := disc.ServerResourcesForGroupVersion(groupVersion); err == nil && len(l.APIResources) >= 2 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not served after 30s", groupVersion)
		}
	}
}

// `seaworthy audit -f DIR --publish openreports` writes the report's
// results to the cluster the kubeconfig names: every result once, each in
// its namespace's Report or the ClusterReport, with its doc link.
func TestAuditPublishOpenReports(t *testing.T) {
	lc := startCluster(t, demoDir)
	installCRDs(t, lc, openReportsCRD, "openreports.io/v1alpha1")

	r := runCLI(t, "audit", "-f", demoDir, "--kubeconfig", lc.Kubeconfig, "--publish", "openreports", "-o", "json")
	rep := decodeReport(t, r.stdout)
	if r.code != gateCode(rep) {
		t.Fatalf("exit %d, want %d: %s", r.code, gateCode(rep), r)
	}
	if !regexp.MustCompile(`^published to openreports in \d+(\.\d+)?m?s\n$`).MatchString(r.stderr) {
		t.Errorf("stderr %q", r.stderr)
	}

	want := map[string]int{}
	for _, res := range rep.Results {
		want[res.Object.Namespace]++
	}
	got := map[string]int{}
	dyn := dynamic.NewForConfigOrDie(lc.Admin)
	var docURLs int
	for _, namespaced := range []bool{false, true} {
		list, err := dyn.Resource(openreports.OpenReports.Resource(namespaced)).List(t.Context(), metav1.ListOptions{LabelSelector: "app.kubernetes.io/managed-by=seaworthy"})
		if err != nil {
			t.Fatal(err)
		}
		for _, item := range list.Items {
			if item.GetName() != "seaworthy" {
				t.Errorf("unexpected split %s/%s", item.GetNamespace(), item.GetName())
			}
			results, _, _ := unstructured.NestedSlice(item.Object, "results")
			got[item.GetNamespace()] += len(results)
			for _, x := range results {
				m := x.(map[string]any)
				props := m["properties"].(map[string]any)
				if props["docURL"] == checks.DocLink(m["policy"].(string)) {
					docURLs++
				}
			}
		}
	}
	if len(rep.Results) == 0 || !equalCounts(got, want) {
		t.Errorf("results per namespace stored %v, report has %v", got, want)
	}
	if docURLs != len(rep.Results) {
		t.Errorf("%d of %d results carry their check's doc link", docURLs, len(rep.Results))
	}
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if a[k] != b[k] {
			return false
		}
	}
	return true
}

// With no report CRD installed the report is still printed, and the run
// exits 2 with one line saying what to install.
func TestAuditPublishOpenReportsNotInstalled(t *testing.T) {
	lc := startCluster(t)
	r := runCLI(t, "audit", "-f", demoDir, "--kubeconfig", lc.Kubeconfig, "--publish", "openreports", "-o", "json")
	if r.code != 2 {
		t.Errorf("exit %d, want 2", r.code)
	}
	decodeReport(t, r.stdout)
	want := "error: publish to openreports: neither openreports.io nor wgpolicyk8s.io reports are installed: install the OpenReports CRDs (reports.openreports.io and clusterreports.openreports.io)\n"
	if r.stderr != want || r.leaked != "" {
		t.Errorf("stderr %q, process stderr %q, want %q", r.stderr, r.leaked, want)
	}
}
