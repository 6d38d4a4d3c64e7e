package e2e

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/publish"
	"github.com/seaworthy-k8s/seaworthy/publish/configmap"
	"github.com/seaworthy-k8s/seaworthy/report"
	"github.com/seaworthy-k8s/seaworthy/result"
)

const (
	publishNS   = "seaworthy"
	publishSA   = "seaworthy"
	publishRole = "seaworthy-publisher"
)

// publisherRBAC creates the namespace, the ServiceAccount and the
// seaworthy-publisher Role (verbs as given, resourceNames the three kept
// reports) bound to it, and returns a client with a token minted for the
// ServiceAccount and a kubeconfig for that token.
func publisherRBAC(t *testing.T, lc *liveCluster, verbs ...string) (kubernetes.Interface, string) {
	t.Helper()
	ctx := t.Context()
	if _, err := lc.client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: publishNS}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := lc.client.CoreV1().ServiceAccounts(publishNS).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: publishSA}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := lc.client.RbacV1().RoleBindings(publishNS).Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: publishRole},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: publishRole},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: publishSA, Namespace: publishNS}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	setPublisherVerbs(t, lc, verbs...)
	token := lc.mintToken(t, publishNS, publishSA)
	return lc.tokenClient(t, token), lc.TokenKubeconfig(t, "publisher", token)
}

// setPublisherVerbs creates or replaces the Role's one rule.
func setPublisherVerbs(t *testing.T, lc *liveCluster, verbs ...string) {
	t.Helper()
	role := &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: publishRole, Namespace: publishNS},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: verbs,
			ResourceNames: []string{"seaworthy-report", "seaworthy-report-1", "seaworthy-report-2"}}},
	}
	roles := lc.client.RbacV1().Roles(publishNS)
	if _, err := roles.Update(t.Context(), role, metav1.UpdateOptions{}); apierrors.IsNotFound(err) {
		_, err = roles.Create(t.Context(), role, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
	} else if err != nil {
		t.Fatal(err)
	}
	// RBAC changes reach the authorizer through an informer: wait until
	// the ServiceAccount's access is what the Role says.
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if fmt.Sprint(sarVerbs(t, lc)) == fmt.Sprint(verbs) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the Role's verbs %v did not take effect: the ServiceAccount may %v", verbs, sarVerbs(t, lc))
}

// sarVerbs are the verbs on configmap seaworthy-report the ServiceAccount
// is allowed, by SubjectAccessReview, in the order tried.
func sarVerbs(t *testing.T, lc *liveCluster) []string {
	t.Helper()
	var out []string
	for _, v := range []string{"get", "create", "update", "patch"} {
		sar, err := lc.client.AuthorizationV1().SubjectAccessReviews().Create(t.Context(), &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
			User:               "system:serviceaccount:" + publishNS + ":" + publishSA,
			Groups:             []string{"system:serviceaccounts", "system:serviceaccounts:" + publishNS, "system:authenticated"},
			ResourceAttributes: &authorizationv1.ResourceAttributes{Namespace: publishNS, Verb: v, Resource: "configmaps", Name: "seaworthy-report"},
		}}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if sar.Status.Allowed {
			out = append(out, v)
		}
	}
	return out
}

// publishReport is one report distinct by its collectedAt, of n results.
func publishReport(at time.Time, n int) *report.Report {
	snap := &cluster.Snapshot{CollectedAt: at, Source: "live"}
	metas := []result.Meta{{ID: "DNS-001", Title: "Cluster DNS runs at least 2 ready replicas", Category: "dns"}}
	var rs []result.Result
	for i := range n {
		st := result.StatusPass
		if i%4 == 0 {
			st = result.StatusFail
		}
		rs = append(rs, result.Result{Check: "DNS-001", Status: st,
			Object:  result.ObjectRef{APIVersion: "apps/v1", Kind: "Deployment", Namespace: fmt.Sprintf("ns-%d", i%50), Name: fmt.Sprintf("d-%x", uint32(i)*2654435761)},
			Message: fmt.Sprintf("deployment d-%x: %x", uint32(i)*2654435761, uint64(i)*0x9E3779B97F4A7C15)})
	}
	rep := report.New(snap, metas, rs)
	rep.Generator = "seaworthy test"
	return rep
}

func renderJSON(t *testing.T, rep *report.Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := report.Render(&buf, "json", rep, report.RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// storedReport is the JSON report a published ConfigMap holds, from data
// or decompressed from binaryData, and which of the two it was in.
func storedReport(t *testing.T, cm *corev1.ConfigMap) (string, string) {
	t.Helper()
	if s, ok := cm.Data[configmap.KeyReport]; ok {
		if _, both := cm.BinaryData[configmap.KeyReportGzip]; both {
			t.Fatalf("configmap %s holds both %s and %s", cm.Name, configmap.KeyReport, configmap.KeyReportGzip)
		}
		return s, "data"
	}
	zr, err := gzip.NewReader(bytes.NewReader(cm.BinaryData[configmap.KeyReportGzip]))
	if err != nil {
		t.Fatalf("configmap %s: %v", cm.Name, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), "binaryData"
}

func getCM(t *testing.T, lc *liveCluster, name string) *corev1.ConfigMap {
	t.Helper()
	cm, err := lc.client.CoreV1().ConfigMaps(publishNS).Get(t.Context(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return cm
}

func tokenTarget(client kubernetes.Interface, keep int) *configmap.Target {
	return configmap.New(configmap.Options{Namespace: publishNS, Name: configmap.DefaultName, Keep: keep},
		func() (corev1client.ConfigMapsGetter, string, error) { return client.CoreV1(), "", nil })
}

// Publishing as the least-privilege Role: which verbs server-side apply
// needs, rotation over --keep 3, the data/binaryData switch, and a
// conflicting writer.
func TestLivePublishConfigMap(t *testing.T) {
	lc := startCluster(t)
	ctx := t.Context()
	client, _ := publisherRBAC(t, lc, "get", "patch")
	t0 := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	reps := []*report.Report{
		publishReport(t0, 8),
		publishReport(t0.Add(time.Hour), 3000), // over 128 KiB: binaryData
		publishReport(t0.Add(2*time.Hour), 8),
		publishReport(t0.Add(3*time.Hour), 9),
	}
	run := func(i int) error {
		return tokenTarget(client, 3).Publish(ctx, &publish.Run{Report: reps[i], Cluster: "e2e"})
	}

	// get and patch are not enough for an object that does not exist
	// yet: an apply that creates is authorized as create too.
	err := run(0)
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), `cannot create resource "configmaps"`) {
		t.Fatalf("publish with get, patch: %v", err)
	}
	if _, err := lc.client.CoreV1().ConfigMaps(publishNS).Get(ctx, configmap.DefaultName, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("a forbidden publish left a ConfigMap: %v", err)
	}

	setPublisherVerbs(t, lc, "get", "create", "patch")
	for i := range 3 {
		if err := run(i); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
	}
	// Every slot exists now: get and patch alone suffice from here on.
	setPublisherVerbs(t, lc, "get", "patch")
	if err := run(3); err != nil {
		t.Fatalf("run 3 with get, patch over existing objects: %v", err)
	}
	// After 4 runs with --keep 3: NAME holds run 3, NAME-1 run 2, NAME-2
	// run 1 (the large one, gzip), and there is no NAME-3.
	for slot, want := range map[string]struct {
		run   int
		where string
	}{"seaworthy-report": {3, "data"}, "seaworthy-report-1": {2, "data"}, "seaworthy-report-2": {1, "binaryData"}} {
		cm := getCM(t, lc, slot)
		got, where := storedReport(t, cm)
		if got != renderJSON(t, reps[want.run]) || where != want.where {
			t.Errorf("%s holds a report in %s (%d bytes), want run %d's -o json in %s", slot, where, len(got), want.run, want.where)
		}
		if cm.Labels["app.kubernetes.io/managed-by"] != "seaworthy" || cm.Labels["app.kubernetes.io/name"] != "seaworthy" {
			t.Errorf("%s labels %v", slot, cm.Labels)
		}
		wantAt := reps[want.run].CollectedAt.Format(time.RFC3339)
		if cm.Annotations[configmap.AnnotationCollectedAt] != wantAt || cm.Annotations[configmap.AnnotationCluster] != "e2e" ||
			cm.Annotations[configmap.AnnotationGenerator] != "seaworthy test" {
			t.Errorf("%s annotations %v", slot, cm.Annotations)
		}
		if !strings.HasPrefix(cm.Data[configmap.KeySummary], "seaworthy report for cluster e2e, collected "+wantAt) {
			t.Errorf("%s summary %q", slot, cm.Data[configmap.KeySummary])
		}
	}
	if _, err := lc.client.CoreV1().ConfigMaps(publishNS).Get(ctx, "seaworthy-report-3", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("seaworthy-report-3 with --keep 3: %v", err)
	}

	// Someone edits the report with another field manager; the next run
	// publishes anyway and owns the fields again.
	cm := getCM(t, lc, configmap.DefaultName)
	cm.Data[configmap.KeySummary] = "edited by hand\n"
	cm.Data[configmap.KeyReport] = "{}"
	if _, err := lc.client.CoreV1().ConfigMaps(publishNS).Update(ctx, cm, metav1.UpdateOptions{FieldManager: "kubectl-edit"}); err != nil {
		t.Fatal(err)
	}
	next := publishReport(t0.Add(4*time.Hour), 5)
	if err := tokenTarget(client, 3).Publish(ctx, &publish.Run{Report: next, Cluster: "e2e"}); err != nil {
		t.Fatalf("publish over a conflicting writer: %v", err)
	}
	cm = getCM(t, lc, configmap.DefaultName)
	if got, _ := storedReport(t, cm); got != renderJSON(t, next) || strings.HasPrefix(cm.Data[configmap.KeySummary], "edited") {
		t.Errorf("after the edit NAME holds %q / %q", got[:min(len(got), 40)], cm.Data[configmap.KeySummary])
	}
	owners := map[string]string{}
	for _, mf := range cm.ManagedFields {
		owners[mf.Manager] = mf.FieldsV1.GetRawString()
	}
	if s := owners["seaworthy"]; !strings.Contains(s, `"f:report.json"`) || !strings.Contains(s, `"f:summary.txt"`) {
		t.Errorf("seaworthy's fields: %s", s)
	}
	if s := owners["kubectl-edit"]; strings.Contains(s, `"f:report.json"`) || strings.Contains(s, `"f:summary.txt"`) {
		t.Errorf("kubectl-edit still owns report fields: %s", s)
	}
	// The edited object was the newest: it moved to NAME-1 as it was.
	if got, _ := storedReport(t, getCM(t, lc, "seaworthy-report-1")); got != "{}" {
		t.Errorf("NAME-1 holds %.40q, want the edited report", got)
	}
}

// The real command line: audit a fixture, publish it with the
// ServiceAccount's token kubeconfig, read it back equal to stdout; a
// ConfigMap the Role does not name is one clear line and exit 2.
func TestLivePublishConfigMapCLI(t *testing.T) {
	lc := startCluster(t)
	_, kubeconfig := publisherRBAC(t, lc, "get", "create", "patch")
	for i := range 2 {
		r := runCLI(t, "audit", "-f", demoDir, "-o", "json", "-q", "--fail-on", "never", "--kubeconfig", kubeconfig,
			"--publish", "configmap:"+publishNS+"/seaworthy-report", "--cluster-name", "demo")
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("run %d: %s", i, r)
		}
		got, _ := storedReport(t, getCM(t, lc, "seaworthy-report"))
		if got != r.stdout {
			t.Fatalf("run %d: the ConfigMap's report (%d bytes) differs from -o json (%d bytes)", i, len(got), len(r.stdout))
		}
		if i == 1 {
			if _, err := lc.client.CoreV1().ConfigMaps(publishNS).Get(t.Context(), "seaworthy-report-1", metav1.GetOptions{}); err != nil {
				t.Errorf("second run kept no seaworthy-report-1: %v", err)
			}
		}
	}
	// A bare --publish configmap takes the kubeconfig context's namespace
	// and the default name: a third run, so NAME-2 appears.
	cfg, err := clientcmd.LoadFromFile(kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Contexts[cfg.CurrentContext].Namespace = publishNS
	withNS := filepath.Join(t.TempDir(), "publisher-ns.kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, withNS); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, "audit", "-f", demoDir, "-q", "--fail-on", "never", "--kubeconfig", withNS, "--publish", "configmap"); r.code != 0 || r.stderr != "" {
		t.Fatalf("bare --publish configmap: %s", r)
	}
	getCM(t, lc, "seaworthy-report-2")
	// A name the Role does not grant: one line, exit 2.
	r := runCLI(t, "audit", "-f", demoDir, "-q", "--fail-on", "never", "--kubeconfig", kubeconfig,
		"--publish", "configmap:"+publishNS+"/other")
	want := `error: publish to configmap seaworthy/other: read configmap seaworthy/other: configmaps "other" is forbidden: ` +
		`User "system:serviceaccount:seaworthy:seaworthy" cannot get resource "configmaps" in API group "" in the namespace "seaworthy"` + "\n"
	if r.code != 2 || r.stderr != want {
		t.Fatalf("forbidden publish: %s\nwant stderr %q", r, want)
	}
}
