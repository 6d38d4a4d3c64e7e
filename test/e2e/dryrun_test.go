package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/dryrun"
	"github.com/seaworthy-k8s/seaworthy/recommender"
	"github.com/seaworthy-k8s/seaworthy/recommender/patch"
	"github.com/seaworthy-k8s/seaworthy/test/controlplane"
)

// startWithLimitRanger starts a control plane whose API server runs the
// LimitRanger admission plugin, which the harness turns off so fixtures
// stay as written: it stops the harness's server and starts one with the
// same flags but LimitRanger left enabled, on the same port, so cp's
// clients keep working.
func startWithLimitRanger(t *testing.T) *controlplane.ControlPlane {
	t.Helper()
	bin := controlplane.Require(t)
	cp := controlplane.Start(t, controlplane.Options{NoIdentityLease: true})
	cp.StopAPIServer()
	var args []string
	for _, a := range cp.APIServers[0].Args {
		if v, ok := strings.CutPrefix(a, "--disable-admission-plugins="); ok {
			var keep []string
			for _, p := range strings.Split(v, ",") {
				if p != "LimitRanger" {
					keep = append(keep, p)
				}
			}
			a = "--disable-admission-plugins=" + strings.Join(keep, ",")
		}
		args = append(args, a)
	}
	logFile, err := os.Create(filepath.Join(t.TempDir(), "kube-apiserver-limitranger.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(bin, "kube-apiserver"), args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatalf("start kube-apiserver with LimitRanger: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		logFile.Close()
		if t.Failed() {
			if b, err := os.ReadFile(logFile.Name()); err == nil {
				lines := strings.Split(strings.TrimSpace(string(b)), "\n")
				t.Logf("kube-apiserver (LimitRanger) log tail:\n%s", strings.Join(lines[max(0, len(lines)-20):], "\n"))
			}
		}
	})
	client := kubernetes.NewForConfigOrDie(cp.Admin)
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	for {
		if body, err := client.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx); err == nil && string(body) == "ok" {
			return cp
		}
		select {
		case <-ctx.Done():
			t.Fatalf("kube-apiserver with LimitRanger is not ready: %v", ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func mustQ(s string) resource.Quantity { return resource.MustParse(s) }

func podSpec(containers ...corev1.Container) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "x"}},
		Spec:       corev1.PodSpec{Containers: containers},
	}
}

func ctr(name string, req, lim corev1.ResourceList) corev1.Container {
	return corev1.Container{Name: name, Image: "registry.invalid/" + name + ":1", Resources: corev1.ResourceRequirements{Requests: req, Limits: lim}}
}

// dryRunObjects creates one workload of each kind seaworthy patches in ns
// and returns them as a snapshot (the server's copies, defaults filled in).
func dryRunObjects(t *testing.T, c kubernetes.Interface, ns string) *cluster.Snapshot {
	t.Helper()
	ctx := t.Context()
	sel := &metav1.LabelSelector{MatchLabels: map[string]string{"app": "x"}}
	cpuMem := func(cpu, mem string) corev1.ResourceList {
		return corev1.ResourceList{corev1.ResourceCPU: mustQ(cpu), corev1.ResourceMemory: mustQ(mem)}
	}
	snap := &cluster.Snapshot{}
	d, err := c.AppsV1().Deployments(ns).Create(ctx, &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: appsv1.DeploymentSpec{Selector: sel, Template: podSpec(
			ctr("proxy", cpuMem("100m", "64Mi"), nil),
			ctr("app", cpuMem("1", "1Gi"), corev1.ResourceList{corev1.ResourceMemory: mustQ("2Gi")}),
		)},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create deployment: %v", err)
	}
	snap.Deployments = append(snap.Deployments, *d)
	s, err := c.AppsV1().StatefulSets(ns).Create(ctx, &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: "db"},
		Spec:       appsv1.StatefulSetSpec{Selector: sel, ServiceName: "db", Template: podSpec(ctr("db", nil, nil))},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create statefulset: %v", err)
	}
	snap.StatefulSets = append(snap.StatefulSets, *s)
	ds, err := c.AppsV1().DaemonSets(ns).Create(ctx, &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: "agent"},
		Spec:       appsv1.DaemonSetSpec{Selector: sel, Template: podSpec(ctr("agent", cpuMem("50m", "50Mi"), nil))},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create daemonset: %v", err)
	}
	snap.DaemonSets = append(snap.DaemonSets, *ds)
	jobTemplate := podSpec(ctr("run", nil, nil))
	jobTemplate.Spec.RestartPolicy = corev1.RestartPolicyNever
	cj, err := c.BatchV1().CronJobs(ns).Create(ctx, &batchv1.CronJob{
		ObjectMeta: metav1.ObjectMeta{Name: "nightly"},
		Spec: batchv1.CronJobSpec{Schedule: "0 3 * * *", JobTemplate: batchv1.JobTemplateSpec{
			Spec: batchv1.JobSpec{Template: jobTemplate},
		}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create cronjob: %v", err)
	}
	snap.CronJobs = append(snap.CronJobs, *cj)
	jobTemplate.Labels = nil // the Job's generated selector labels its template
	j, err := c.BatchV1().Jobs(ns).Create(ctx, &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: "once"},
		Spec:       batchv1.JobSpec{Template: jobTemplate},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create job: %v", err)
	}
	snap.Jobs = append(snap.Jobs, *j)
	return snap
}

func resize(w recommender.Workload, container string, req, lim recommender.Amounts) recommender.Container {
	return recommender.Container{Workload: w, Container: container, Action: recommender.ActionResize,
		Recommended: recommender.Settings{Requests: req, Limits: lim}}
}

// state is what a dry run must leave alone: every object's resourceVersion
// and its containers' resources.
func state(t *testing.T, c kubernetes.Interface, ns string) map[string]string {
	t.Helper()
	ctx := t.Context()
	out := map[string]string{}
	add := func(kind string, m metav1.ObjectMeta, spec corev1.PodSpec) {
		s := m.ResourceVersion
		for _, ctr := range spec.Containers {
			s += " " + ctr.Name + "=" + ctr.Resources.String()
		}
		out[kind+"/"+m.Name] = s
	}
	ds, _ := c.AppsV1().Deployments(ns).List(ctx, metav1.ListOptions{})
	for _, o := range ds.Items {
		add("Deployment", o.ObjectMeta, o.Spec.Template.Spec)
	}
	ss, _ := c.AppsV1().StatefulSets(ns).List(ctx, metav1.ListOptions{})
	for _, o := range ss.Items {
		add("StatefulSet", o.ObjectMeta, o.Spec.Template.Spec)
	}
	dss, _ := c.AppsV1().DaemonSets(ns).List(ctx, metav1.ListOptions{})
	for _, o := range dss.Items {
		add("DaemonSet", o.ObjectMeta, o.Spec.Template.Spec)
	}
	cjs, _ := c.BatchV1().CronJobs(ns).List(ctx, metav1.ListOptions{})
	for _, o := range cjs.Items {
		add("CronJob", o.ObjectMeta, o.Spec.JobTemplate.Spec.Template.Spec)
	}
	js, _ := c.BatchV1().Jobs(ns).List(ctx, metav1.ListOptions{})
	for _, o := range js.Items {
		add("Job", o.ObjectMeta, o.Spec.Template.Spec)
	}
	return out
}

// Patches emitted from recommendations pass a server-side dry run on a real
// API server, which changes nothing; a missing workload is NotFound, a
// Job's immutable template Invalid, and a token that may only get is
// Forbidden with who and the fix. LimitRanges are the case a dry run cannot
// show: the Deployment patch passes, a pod from the patched template is
// rejected by LimitRanger, and CheckLimitRanges reports that violation.
func TestDryRunValidate(t *testing.T) {
	cp := startWithLimitRanger(t)
	ctx := t.Context()
	admin := kubernetes.NewForConfigOrDie(cp.Admin)
	const ns = "dry"
	if _, err := admin.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	snap := dryRunObjects(t, admin, ns)
	wl := func(apiVersion, kind, name string) recommender.Workload {
		return recommender.Workload{APIVersion: apiVersion, Kind: kind, Namespace: ns, Name: name}
	}
	web, db, agent := wl("apps/v1", "Deployment", "web"), wl("apps/v1", "StatefulSet", "db"), wl("apps/v1", "DaemonSet", "agent")
	nightly, once, gone := wl("batch/v1", "CronJob", "nightly"), wl("batch/v1", "Job", "once"), wl("apps/v1", "Deployment", "gone")
	recs := []recommender.Container{
		resize(web, "app", recommender.Amounts{CPUMillis: 250, MemoryBytes: 300 << 20}, recommender.Amounts{MemoryBytes: 600 << 20}),
		resize(web, "proxy", recommender.Amounts{CPUMillis: 25}, recommender.Amounts{}),
		resize(db, "db", recommender.Amounts{CPUMillis: 500, MemoryBytes: 1 << 30}, recommender.Amounts{MemoryBytes: 2 << 30}),
		resize(agent, "agent", recommender.Amounts{CPUMillis: 30, MemoryBytes: 40_000_000}, recommender.Amounts{}),
		resize(nightly, "run", recommender.Amounts{CPUMillis: 1500, MemoryBytes: 512 << 20}, recommender.Amounts{}),
	}
	set := patch.Build(recs, nil, patch.Options{Templates: patch.FromSnapshot(snap)})
	if len(set.Patches) != 4 || len(set.Notes) != 0 {
		t.Fatalf("built %d patches and notes %v, want 4 and none", len(set.Patches), set.Notes)
	}

	t.Run("accepted and unchanged", func(t *testing.T) {
		before := state(t, admin, ns)
		results := dryrun.Validate(ctx, cp.Admin, set.Patches, "")
		for _, r := range results {
			if !r.Accepted {
				t.Errorf("%s %s rejected: %s", r.Workload.Kind, r.Workload.Name, r.Message)
			}
		}
		if len(results) != 4 {
			t.Fatalf("%d results, want 4", len(results))
		}
		// What the server would store: the recommended amounts on the
		// recommended containers, the rest as created.
		got := map[string]string{}
		for _, r := range results {
			path := []string{"spec", "template", "spec", "containers"}
			if r.Workload.Kind == "CronJob" {
				path = []string{"spec", "jobTemplate", "spec", "template", "spec", "containers"}
			}
			cs, _, _ := unstructured.NestedSlice(r.Object.Object, path...)
			for _, c := range cs {
				m := c.(map[string]any)
				res, _ := json.Marshal(m["resources"])
				got[r.Workload.Kind+"/"+m["name"].(string)] = string(res)
			}
		}
		want := map[string]string{
			// The patch writes 40,000,000 bytes as "40000000" (not whole MiB);
			// the server keeps its own canonical form of that amount, "40M".
			"DaemonSet/agent":  `{"requests":{"cpu":"30m","memory":"40M"}}`,
			"CronJob/run":      `{"requests":{"cpu":"1500m","memory":"512Mi"}}`,
			"Deployment/proxy": `{"requests":{"cpu":"25m","memory":"64Mi"}}`,
			"Deployment/app":   `{"limits":{"memory":"600Mi"},"requests":{"cpu":"250m","memory":"300Mi"}}`,
			"StatefulSet/db":   `{"limits":{"memory":"2Gi"},"requests":{"cpu":"500m","memory":"1Gi"}}`,
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("dry-run results\n%v\nwant\n%v", got, want)
		}
		if after := state(t, admin, ns); !reflect.DeepEqual(before, after) {
			t.Errorf("the dry run changed the cluster:\nbefore %v\nafter  %v", before, after)
		}
	})

	t.Run("not found and invalid", func(t *testing.T) {
		odd := patch.Build([]recommender.Container{
			resize(gone, "app", recommender.Amounts{CPUMillis: 100}, recommender.Amounts{}),
			resize(once, "run", recommender.Amounts{CPUMillis: 100}, recommender.Amounts{}),
		}, nil, patch.Options{})
		results := dryrun.Validate(ctx, cp.Admin, odd.Patches, "")
		// Sorted by kind: Deployment gone, then Job once.
		if len(results) != 2 {
			t.Fatalf("results %+v", results)
		}
		nf := results[0]
		if nf.Accepted || nf.Reason != metav1.StatusReasonNotFound ||
			nf.Message != "Deployment dry/gone is not in the cluster: the recommendation is for a workload that was deleted or renamed, or for another cluster" {
			t.Errorf("missing workload: %+v", nf)
		}
		inv := results[1]
		if inv.Accepted || inv.Reason != metav1.StatusReasonInvalid || !strings.Contains(inv.ServerMessage, "field is immutable") {
			t.Errorf("job template change: %+v", inv)
		}
	})

	t.Run("forbidden without patch", func(t *testing.T) {
		cfg := getOnlyConfig(t, cp, admin, ns, "getter")
		results := dryrun.Validate(ctx, cfg, set.Patches, "")
		// The set's order: CronJob, DaemonSet, Deployment, StatefulSet.
		var got []string
		for _, r := range results {
			if r.Accepted || r.Reason != metav1.StatusReasonForbidden {
				t.Errorf("%s %s: %+v, want Forbidden", r.Workload.Kind, r.Workload.Name, r)
			}
			got = append(got, r.Message)
		}
		want := []string{}
		for _, res := range []string{"cronjobs.batch", "daemonsets.apps", "deployments.apps", "statefulsets.apps"} {
			want = append(want, "patch "+res+" in dry is forbidden for system:serviceaccount:dry:getter: grant it patch on "+res+
				" in dry (a dry run is authorized like the change itself), or run without --validate")
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("messages\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})

	t.Run("limitrange", func(t *testing.T) {
		const lns = "limited"
		if _, err := admin.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: lns}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		lr, err := admin.CoreV1().LimitRanges(lns).Create(ctx, &corev1.LimitRange{
			ObjectMeta: metav1.ObjectMeta{Name: "limits"},
			Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{{
				Type: corev1.LimitTypeContainer, Max: corev1.ResourceList{corev1.ResourceMemory: mustQ("2Gi")},
			}}},
		}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		d, err := admin.AppsV1().Deployments(lns).Create(ctx, &appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: "big"},
			Spec: appsv1.DeploymentSpec{
				Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "x"}},
				Template: podSpec(ctr("app", corev1.ResourceList{corev1.ResourceMemory: mustQ("1Gi")}, corev1.ResourceList{corev1.ResourceMemory: mustQ("1Gi")})),
			},
		}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		big := recommender.Workload{APIVersion: "apps/v1", Kind: "Deployment", Namespace: lns, Name: "big"}
		lsnap := &cluster.Snapshot{Deployments: []appsv1.Deployment{*d}, LimitRanges: []corev1.LimitRange{*lr}}
		templates := patch.FromSnapshot(lsnap)
		lset := patch.Build([]recommender.Container{
			resize(big, "app", recommender.Amounts{MemoryBytes: 1 << 30}, recommender.Amounts{MemoryBytes: 3 << 30}),
		}, nil, patch.Options{Templates: templates})

		// (a) The API server accepts the Deployment patch: LimitRanger
		// does not judge Deployments.
		if r := dryrun.Validate(ctx, cp.Admin, lset.Patches, ""); !r[0].Accepted {
			t.Errorf("dry-run patch rejected: %s", r[0].Message)
		}
		// (b) A pod from the patched template is rejected by LimitRanger.
		tmpl, _ := templates(big)
		pt := lset.Patches[0].PatchedTemplate(tmpl)
		pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "big-probe", Namespace: lns, Labels: pt.Labels}, Spec: pt.Spec}
		_, err = admin.CoreV1().Pods(lns).Create(ctx, pod, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "maximum memory usage per Container is 2Gi, but limit is 3Gi") {
			t.Errorf("dry-run pod create: %v, want LimitRanger's rejection of the 3Gi limit", err)
		}
		// (c) The offline check reports the same violation.
		vs := patch.CheckSet(lset, templates, lsnap.LimitRanges)
		var got []string
		for _, v := range vs {
			got = append(got, v.Container+": "+v.Message)
		}
		if want := []string{"app: memory limit 3Gi exceeds LimitRange limited/limits max 2Gi"}; !reflect.DeepEqual(got, want) {
			t.Errorf("CheckSet %q, want %q", got, want)
		}
		// And the recommendation within max passes both.
		okSet := patch.Build([]recommender.Container{
			resize(big, "app", recommender.Amounts{MemoryBytes: 1 << 30}, recommender.Amounts{MemoryBytes: 2 << 30}),
		}, nil, patch.Options{Templates: templates})
		pt = okSet.Patches[0].PatchedTemplate(tmpl)
		pod.Spec = pt.Spec
		if _, err := admin.CoreV1().Pods(lns).Create(ctx, pod, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}); err != nil {
			t.Errorf("dry-run pod create within max: %v", err)
		}
		if vs := patch.CheckSet(okSet, templates, lsnap.LimitRanges); len(vs) != 0 {
			t.Errorf("CheckSet within max: %v", vs)
		}
	})
}

// getOnlyConfig is a client config for a new ServiceAccount that may get
// and list the workloads in ns and nothing else.
func getOnlyConfig(t *testing.T, cp *controlplane.ControlPlane, admin kubernetes.Interface, ns, name string) *rest.Config {
	t.Helper()
	ctx := t.Context()
	if _, err := admin.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.RbacV1().Roles(ns).Create(ctx, &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{"apps"}, Resources: []string{"deployments", "statefulsets", "daemonsets"}, Verbs: []string{"get", "list"}},
			{APIGroups: []string{"batch"}, Resources: []string{"jobs", "cronjobs"}, Verbs: []string{"get", "list"}},
		},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.RbacV1().RoleBindings(ns).Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: name},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: name, Namespace: ns}},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	lc := &liveCluster{ControlPlane: cp, client: admin}
	return &rest.Config{Host: cp.Host, BearerToken: lc.mintToken(t, ns, name), TLSClientConfig: rest.TLSClientConfig{CAData: cp.Admin.CAData}}
}
