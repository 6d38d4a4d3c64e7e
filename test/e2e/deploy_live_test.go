package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/seaworthy-k8s/seaworthy/cluster/snapshotfile"
	"github.com/seaworthy-k8s/seaworthy/test/controlplane"
)

// requireKubectl returns kubectl's path, or skips: the deploy is tested as
// users apply it, with kubectl.
func requireKubectl(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("kubectl")
	if err != nil {
		controlplane.Unavailable(t, "LIVE TEST", "deploy/base is applied with `kubectl apply -k` as users do, and no kubectl is on PATH: "+err.Error())
	}
	return path
}

// kubectl runs kubectl with the admin kubeconfig.
func (lc *liveCluster) kubectl(t *testing.T, kubectl string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(kubectl, append([]string{"--kubeconfig", lc.Kubeconfig}, args...)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("kubectl %s: %w: %s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String(), nil
}

// applyBase runs `kubectl apply -k deploy/base` against the cluster and
// checks what it reports creating.
func applyBase(t *testing.T, kubectl string, lc *liveCluster) {
	t.Helper()
	out, err := lc.kubectl(t, kubectl, "apply", "-k", deployDir)
	if err != nil {
		t.Fatal(err)
	}
	want := `namespace/seaworthy created
serviceaccount/seaworthy created
role.rbac.authorization.k8s.io/seaworthy-auditor-configmaps created
role.rbac.authorization.k8s.io/seaworthy-publisher created
clusterrole.rbac.authorization.k8s.io/seaworthy-auditor created
clusterrole.rbac.authorization.k8s.io/seaworthy-openreports created
rolebinding.rbac.authorization.k8s.io/seaworthy-auditor-configmaps created
rolebinding.rbac.authorization.k8s.io/seaworthy-publisher created
clusterrolebinding.rbac.authorization.k8s.io/seaworthy-auditor created
clusterrolebinding.rbac.authorization.k8s.io/seaworthy-openreports created
resourcequota/seaworthy created
limitrange/seaworthy created
cronjob.batch/seaworthy created
`
	if sortedLines(out) != sortedLines(want) {
		t.Errorf("kubectl apply -k %s printed\n%s\nwant (in any order)\n%s", deployDir, out, want)
	}
	// The bug this guards: a kustomization namespace: moved these.
	ctx := t.Context()
	for _, ns := range []string{"kube-system", auditorNamespace} {
		_, roleErr := lc.client.RbacV1().Roles(ns).Get(ctx, "seaworthy-auditor-configmaps", metav1.GetOptions{})
		_, bindingErr := lc.client.RbacV1().RoleBindings(ns).Get(ctx, "seaworthy-auditor-configmaps", metav1.GetOptions{})
		if ns == "kube-system" && (roleErr != nil || bindingErr != nil) {
			t.Errorf("the ConfigMap Role and RoleBinding in kube-system: %v, %v", roleErr, bindingErr)
		}
		if ns != "kube-system" && (!apierrors.IsNotFound(roleErr) || !apierrors.IsNotFound(bindingErr)) {
			t.Errorf("the ConfigMap Role and RoleBinding in %s: %v, %v, want not found", ns, roleErr, bindingErr)
		}
	}
}

// kubeSystemConfigMaps are allow-listed ConfigMaps the demo fixture lacks
// (it has coredns): kubeadm's cluster configuration and a DNS autoscaler's
// parameters.
func kubeSystemConfigMaps() []corev1.ConfigMap {
	return []corev1.ConfigMap{
		{ObjectMeta: metav1.ObjectMeta{Name: "kubeadm-config", Namespace: "kube-system"}, Data: map[string]string{
			"ClusterConfiguration": "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.37.2\n" +
				"controlPlaneEndpoint: cp.example.internal:6443\nclusterName: demo\n",
		}},
		{ObjectMeta: metav1.ObjectMeta{Name: "dns-autoscaler", Namespace: "kube-system"}, Data: map[string]string{
			"linear": `{"coresPerReplica":256,"nodesPerReplica":16,"min":2,"preventSinglePointFailure":true}`,
		}},
	}
}

// Applied as users apply it, the base lets the ServiceAccount read every
// allow-listed ConfigMap the cluster holds: its snapshot holds them, with
// no gap.
func TestLiveDeployBaseReadsKubeSystemConfigMaps(t *testing.T) {
	lc, token := startAuditorCluster(t)
	file := filepath.Join(t.TempDir(), "auditor.snapshot.json")
	if r := runCLI(t, "snapshot", "--kubeconfig", lc.TokenKubeconfig(t, "auditor", token), "-o", file); r.code != 0 {
		t.Fatalf("snapshot as the auditor: %s", r)
	}
	snap, err := snapshotfile.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, cm := range snap.ConfigMaps {
		got = append(got, cm.Namespace+"/"+cm.Name)
	}
	slices.Sort(got)
	if want := []string{"kube-system/coredns", "kube-system/dns-autoscaler", "kube-system/kubeadm-config"}; !slices.Equal(got, want) {
		t.Errorf("the auditor read configmaps %v, want %v", got, want)
	}
	if len(snap.Gaps) != 0 {
		t.Errorf("the auditor's snapshot has gaps: %+v", snap.Gaps)
	}
}

// saUser is the auditor ServiceAccount as the authorizer sees it.
const saUser = "system:serviceaccount:" + auditorNamespace + ":" + auditorName

var saGroups = []string{"system:serviceaccounts", "system:serviceaccounts:" + auditorNamespace, "system:authenticated"}

// The publishing roles grant the ServiceAccount exactly its writes: get,
// create and patch of the three report ConfigMaps in seaworthy, the report
// kinds of openreports.io and wgpolicyk8s.io; nothing else is writable and
// no Secret readable. Asked with SubjectAccessReviews, a sample with
// kubectl auth can-i --as, and confirmed with real server-side applies.
func TestLiveDeployPublisherRBAC(t *testing.T) {
	kubectl := requireKubectl(t)
	lc, token := startAuditorCluster(t)
	ctx := t.Context()
	type access struct{ verb, group, resource, namespace, name string }
	var allowed, denied []access
	reports := []string{"seaworthy-report", "seaworthy-report-1", "seaworthy-report-2"}
	for _, name := range reports {
		for _, v := range []string{"get", "create", "patch"} {
			allowed = append(allowed, access{v, "", "configmaps", auditorNamespace, name})
		}
		for _, v := range []string{"update", "delete"} {
			denied = append(denied, access{v, "", "configmaps", auditorNamespace, name})
		}
		// The same names elsewhere.
		for _, ns := range []string{"kube-system", "default", "payments"} {
			for _, v := range []string{"get", "create", "patch", "update", "delete"} {
				denied = append(denied, access{v, "", "configmaps", ns, name})
			}
		}
	}
	for _, name := range []string{"seaworthy-report-3", "other", ""} {
		for _, v := range []string{"get", "create", "patch", "update", "delete", "list", "watch"} {
			denied = append(denied, access{v, "", "configmaps", auditorNamespace, name})
		}
	}
	for _, gr := range [][2]string{{"openreports.io", "reports"}, {"openreports.io", "clusterreports"},
		{"wgpolicyk8s.io", "policyreports"}, {"wgpolicyk8s.io", "clusterpolicyreports"}} {
		namespaces := []string{""}
		if !strings.HasPrefix(gr[1], "cluster") {
			namespaces = append(namespaces, "payments", auditorNamespace)
		}
		for _, ns := range namespaces {
			for _, v := range []string{"get", "list", "create", "update", "patch", "delete"} {
				allowed = append(allowed, access{v, gr[0], gr[1], ns, ""})
			}
			denied = append(denied, access{"deletecollection", gr[0], gr[1], ns, ""}, access{"watch", gr[0], gr[1], ns, ""})
		}
	}
	for _, ns := range []string{"", "kube-system", auditorNamespace, "payments"} {
		for _, v := range []string{"get", "list", "watch"} {
			denied = append(denied, access{v, "", "secrets", ns, ""}, access{v, "", "secrets", ns, "seaworthy-token"})
		}
		for _, r := range [][2]string{{"", "pods"}, {"", "secrets"}, {"", "services"}, {"", "serviceaccounts"}, {"apps", "deployments"},
			{"apps", "daemonsets"}, {"batch", "jobs"}, {"batch", "cronjobs"}, {"rbac.authorization.k8s.io", "roles"},
			{"rbac.authorization.k8s.io", "rolebindings"}, {"", "events"}, {"coordination.k8s.io", "leases"}} {
			for _, v := range []string{"create", "update", "patch", "delete", "deletecollection"} {
				denied = append(denied, access{v, r[0], r[1], ns, ""})
			}
		}
	}
	for _, r := range [][2]string{{"", "namespaces"}, {"", "nodes"}, {"rbac.authorization.k8s.io", "clusterroles"},
		{"rbac.authorization.k8s.io", "clusterrolebindings"}, {"apiextensions.k8s.io", "customresourcedefinitions"},
		{"admissionregistration.k8s.io", "validatingwebhookconfigurations"}} {
		for _, v := range []string{"create", "update", "patch", "delete"} {
			denied = append(denied, access{v, r[0], r[1], "", ""})
		}
	}
	for _, want := range []struct {
		list  []access
		allow bool
	}{{allowed, true}, {denied, false}} {
		for _, a := range want.list {
			r, err := lc.client.AuthorizationV1().SubjectAccessReviews().Create(ctx, &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
				User: saUser, Groups: saGroups,
				ResourceAttributes: &authorizationv1.ResourceAttributes{Verb: a.verb, Group: a.group, Resource: a.resource, Namespace: a.namespace, Name: a.name},
			}}, metav1.CreateOptions{})
			if err != nil {
				t.Fatalf("subject access review %+v: %v", a, err)
			}
			if r.Status.Allowed != want.allow || r.Status.EvaluationError != "" {
				t.Errorf("%s may %s %s/%s in %q name %q: %v (%s), want %v", saUser, a.verb, a.group, a.resource, a.namespace, a.name,
					r.Status.Allowed, r.Status.EvaluationError, want.allow)
			}
		}
	}
	if len(allowed) != 57 || len(denied) != 376 {
		t.Fatalf("%d allowed and %d denied asked, want 57 and 376; the loops above lost their cases", len(allowed), len(denied))
	}

	// kubectl auth can-i, impersonating the ServiceAccount, agrees. (It
	// resolves a resource through discovery, so the report kinds, whose
	// CRDs this cluster does not serve, are asked here by access review
	// only; TestLiveDeployOpenReportsOverlay asks can-i with the CRDs
	// installed.)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"patch", "configmaps/seaworthy-report", "-n", auditorNamespace}, "yes"},
		{[]string{"get", "configmaps/seaworthy-report-2", "-n", auditorNamespace}, "yes"},
		{[]string{"patch", "configmaps/other", "-n", auditorNamespace}, "no"},
		{[]string{"patch", "configmaps/seaworthy-report", "-n", "kube-system"}, "no"},
		{[]string{"list", "configmaps", "-n", auditorNamespace}, "no"},
		{[]string{"get", "secrets", "-A"}, "no"},
		{[]string{"list", "secrets", "-n", auditorNamespace}, "no"},
		{[]string{"watch", "secrets", "-n", "kube-system"}, "no"},
		{[]string{"create", "pods", "-n", auditorNamespace}, "no"},
		{[]string{"patch", "deployments.apps", "-n", "kube-system"}, "no"},
		{[]string{"create", "roles.rbac.authorization.k8s.io", "-n", auditorNamespace}, "no"},
		{[]string{"create", "jobs.batch", "-n", auditorNamespace}, "no"},
	} {
		out, err := lc.kubectl(t, kubectl, append(append([]string{"auth", "can-i"}, c.args...), "--as", saUser)...)
		// can-i exits 1 for "no".
		if got := strings.TrimSpace(out); got != c.want {
			t.Errorf("kubectl auth can-i %s --as %s: %q (%v), want %q", strings.Join(c.args, " "), saUser, got, err, c.want)
		}
	}

	// Real server-side applies with the ServiceAccount's token: the report
	// ConfigMap is created and patched under the field manager; any other
	// name is forbidden.
	c := lc.tokenClient(t, token)
	apply := func(name string) error {
		body := fmt.Sprintf(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":%q,"namespace":%q},"data":{"summary":"x"}}`, name, auditorNamespace)
		_, err := c.CoreV1().ConfigMaps(auditorNamespace).Patch(ctx, name, types.ApplyPatchType, []byte(body), metav1.PatchOptions{FieldManager: "seaworthy"})
		return err
	}
	for i := range 2 {
		if err := apply("seaworthy-report"); err != nil {
			t.Errorf("server-side apply %d of seaworthy/seaworthy-report as the ServiceAccount: %v", i, err)
		}
	}
	for _, name := range []string{"seaworthy-report-3", "other"} {
		if err := apply(name); !apierrors.IsForbidden(err) {
			t.Errorf("server-side apply of seaworthy/%s as the ServiceAccount: %v, want 403 Forbidden", name, err)
		}
	}
	if _, err := c.CoreV1().Secrets(auditorNamespace).List(ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("list secrets in %s as the ServiceAccount: %v, want 403 Forbidden", auditorNamespace, err)
	}
}

// The CronJob, run by the real cronjob and job controllers, creates a Job
// whose pod is the one cronjob.yaml ships; that pod's exact arguments, run
// with the real binary as the pod would run (its ServiceAccount's token and
// CA in the in-cluster files, the service address in its environment, uid
// 65532, a read-only filesystem), exit 0 with no gap and publish the
// report to the ConfigMap seaworthy/seaworthy-report under the field
// manager seaworthy: the report it printed, with the results and summary of
// the admin's read of the cluster. A second run rotates the first into
// seaworthy-report-1.
func TestLiveDeployCronJobRunsShippedPod(t *testing.T) {
	lc, token := startAuditorCluster(t)
	ctx := t.Context()
	lc.StartControllerManager(t, "cronjob", "job")
	shipped := loadRendered(t, deployDir).CronJobs[0].Spec.JobTemplate.Spec.Template.Spec

	// Every minute, so the cronjob controller starts a Job within one.
	if _, err := lc.client.BatchV1().CronJobs(auditorNamespace).Patch(ctx, "seaworthy", types.MergePatchType,
		[]byte(`{"spec":{"schedule":"* * * * *"}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	var job batchv1.Job
	var pod corev1.Pod
	waitFor(t, 100*time.Second, "the CronJob's Job and its Pod", func(ctx context.Context) (bool, error) {
		jobs, err := lc.client.BatchV1().Jobs(auditorNamespace).List(ctx, metav1.ListOptions{})
		if err != nil || len(jobs.Items) == 0 {
			return false, err
		}
		job = jobs.Items[0]
		pods, err := lc.client.CoreV1().Pods(auditorNamespace).List(ctx, metav1.ListOptions{LabelSelector: "batch.kubernetes.io/job-name=" + job.Name})
		if err != nil || len(pods.Items) == 0 {
			return false, err
		}
		pod = pods.Items[0]
		return true, nil
	})
	if refs := job.OwnerReferences; len(refs) != 1 || refs[0].Kind != "CronJob" || refs[0].Name != "seaworthy" {
		t.Errorf("Job %s owner references %+v, want the CronJob seaworthy", job.Name, refs)
	}
	if len(pod.Spec.Containers) != 1 {
		t.Fatalf("pod %s has %d containers, want 1", pod.Name, len(pod.Spec.Containers))
	}
	got, want := pod.Spec.Containers[0], shipped.Containers[0]
	for _, f := range []struct {
		name      string
		got, want any
	}{
		{"image", got.Image, want.Image},
		{"command", got.Command, want.Command},
		{"args", got.Args, want.Args},
		{"resources", got.Resources, want.Resources},
		{"container securityContext", got.SecurityContext, want.SecurityContext},
		{"pod securityContext", pod.Spec.SecurityContext, shipped.SecurityContext},
		{"serviceAccountName", pod.Spec.ServiceAccountName, shipped.ServiceAccountName},
		{"automountServiceAccountToken", pod.Spec.AutomountServiceAccountToken, shipped.AutomountServiceAccountToken},
		{"restartPolicy", pod.Spec.RestartPolicy, shipped.RestartPolicy},
	} {
		if !equality.Semantic.DeepEqual(f.got, f.want) {
			t.Errorf("pod %s %s: %+v, cronjob.yaml ships %+v", pod.Name, f.name, f.got, f.want)
		}
	}
	if pod.Status.Phase != corev1.PodPending {
		t.Errorf("pod %s is %s; with no kubelet it stays Pending", pod.Name, pod.Status.Phase)
	}

	// The pod's command line, run as the pod would run it, twice.
	bin := buildSeaworthy(t)
	first := runAsPod(t, lc, token, bin, pod.Spec, got.Args)
	checkPodRun(t, first)
	published := publishedReport(t, lc, "seaworthy-report")
	if published != first.stdout {
		t.Errorf("seaworthy/seaworthy-report holds a report of %d bytes, the pod printed %d: want the same -o json", len(published), len(first.stdout))
	}
	// The published report is the cluster's: read as the admin and judged
	// as of the pod's collectedAt, the results and summary are the same.
	pub := decodeReport(t, published)
	admin, adminJSON := adminAuditAt(t, lc, published)
	if d := diffResults("the admin's read", "the published report", admin.Results, pub.Results); d != "" {
		t.Errorf("the published report is not the cluster's:\n%s", d)
	}
	if s, want := reportSummary(t, published), reportSummary(t, adminJSON); s != want {
		t.Errorf("published summary %s, the admin's %s", s, want)
	}

	// The next run rotates: NAME holds it, NAME-1 the first.
	second := runAsPod(t, lc, token, bin, pod.Spec, got.Args)
	checkPodRun(t, second)
	if got := publishedReport(t, lc, "seaworthy-report"); got != second.stdout {
		t.Errorf("after the second run seaworthy-report holds %d bytes, not the second run's report (%d)", len(got), len(second.stdout))
	}
	if got := publishedReport(t, lc, "seaworthy-report-1"); got != published {
		t.Errorf("after the second run seaworthy-report-1 holds %d bytes, not the first run's report (%d)", len(got), len(published))
	}
	if _, err := lc.client.CoreV1().ConfigMaps(auditorNamespace).Get(ctx, "seaworthy-report-2", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("seaworthy-report-2 after two runs: %v, want not found", err)
	}
}

// podRun is the outcome of one run of the binary as a pod.
type podRun struct {
	code           int
	stdout, stderr string
}

// runAsPod runs bin with args as a pod with spec would run it: its
// ServiceAccount's token and the cluster's CA in the in-cluster files, the
// API server in its environment, its runAsUser and its first container's
// readOnlyRootFilesystem.
func runAsPod(t *testing.T, lc *liveCluster, token, bin string, spec corev1.PodSpec, args []string) podRun {
	t.Helper()
	opts := controlplane.InClusterOptions{Token: token, Namespace: auditorNamespace}
	if sc := spec.SecurityContext; sc != nil && sc.RunAsUser != nil {
		opts.RunAsUser = int(*sc.RunAsUser)
	}
	if sc := spec.Containers[0].SecurityContext; sc != nil && sc.ReadOnlyRootFilesystem != nil {
		opts.ReadOnlyRoot = *sc.ReadOnlyRootFilesystem
	}
	cmd := lc.InClusterCommand(t, opts, bin, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	r := podRun{stdout: out.String(), stderr: errOut.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %s: %v", bin, err)
	}
	return r
}

// publishedReport is the JSON report ConfigMap seaworthy/NAME holds; it
// must have been written by the field manager seaworthy alone.
func publishedReport(t *testing.T, lc *liveCluster, name string) string {
	t.Helper()
	cm, err := lc.client.CoreV1().ConfigMaps(auditorNamespace).Get(t.Context(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("read the published ConfigMap %s/%s: %v", auditorNamespace, name, err)
	}
	var managers []string
	for _, m := range cm.ManagedFields {
		managers = append(managers, m.Manager+" "+string(m.Operation))
	}
	if !slices.Equal(managers, []string{"seaworthy Apply"}) {
		t.Errorf("ConfigMap %s/%s is managed by %q, want only seaworthy's server-side apply", auditorNamespace, name, managers)
	}
	rep, _ := storedReport(t, cm)
	return rep
}

// adminAuditAt reads the cluster as the admin with `seaworthy snapshot` and
// audits that as of the JSON report rep's collectedAt, so that results
// carrying ages (a Lease renewed at a fixed time) compare exactly. It
// returns the report decoded and as printed.
func adminAuditAt(t *testing.T, lc *liveCluster, rep string) (auditReport, string) {
	t.Helper()
	at, err := time.Parse(time.RFC3339, decodeReport(t, rep).CollectedAt)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "admin.snapshot.json")
	if r := runCLI(t, "snapshot", "--kubeconfig", lc.Kubeconfig, "-o", file); r.code != 0 {
		t.Fatalf("snapshot as the admin: %s", r)
	}
	snap, err := snapshotfile.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	snap.CollectedAt = at
	writeSnapshot(t, file, snap)
	r := runCLI(t, "audit", "-f", file, "-o", "json", "--fail-on", "never")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("audit the admin's snapshot: %s", r)
	}
	return decodeReport(t, r.stdout), r.stdout
}

// reportSummary is a JSON report's summary, compacted.
func reportSummary(t *testing.T, rep string) string {
	t.Helper()
	var v struct {
		Summary json.RawMessage `json:"summary"`
	}
	if err := json.Unmarshal([]byte(rep), &v); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := json.Compact(&b, v.Summary); err != nil {
		t.Fatalf("report summary: %v", err)
	}
	return b.String()
}

// checkPodRun asserts a quiet, gap-free, exit-0 audit with a JSON report.
func checkPodRun(t *testing.T, r podRun) {
	t.Helper()
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("the pod's command exited %d, stderr %q", r.code, r.stderr)
	}
	rep := decodeReport(t, r.stdout)
	if len(rep.Gaps) != 0 {
		t.Errorf("the pod's audit has gaps: %+v", rep.Gaps)
	}
	if len(rep.Results) < 30 {
		t.Errorf("the pod's audit has %d results; it judged less than the cluster", len(rep.Results))
	}
}

// built is cmd/seaworthy, built once per test binary by buildSeaworthy
// into a directory TestMain removes.
var built struct {
	once      sync.Once
	dir, path string
	err       error
}

// buildSeaworthy builds cmd/seaworthy (once for all the tests that run it
// as a pod) and returns the binary's path.
func buildSeaworthy(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "seaworthy-e2e-bin-")
		if built.err != nil {
			return
		}
		built.path = filepath.Join(built.dir, "seaworthy")
		cmd := exec.Command("go", "build", "-o", built.path, "./cmd/seaworthy")
		cmd.Dir = "../.."
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			built.err = fmt.Errorf("build seaworthy: %w\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

// TestMain removes the binary buildSeaworthy built.
func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// waitFor polls cond every 250 ms until it is true or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func(context.Context) (bool, error)) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	var last error
	for {
		ok, err := cond(ctx)
		if ok {
			return
		}
		if err != nil {
			last = err
		}
		select {
		case <-ctx.Done():
			t.Fatalf("wait for %s: not there after %s (last error: %v)", what, timeout, last)
		case <-time.After(250 * time.Millisecond):
		}
	}
}
