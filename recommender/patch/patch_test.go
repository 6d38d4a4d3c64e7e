package patch

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/strategicpatch"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/recommender"
)

func q(s string) resource.Quantity { return resource.MustParse(s) }

func deployment() appsv1.Deployment {
	replicas := int32(3)
	return appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "web", Labels: map[string]string{"app": "web"}},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{
					{Name: "sidecar", Image: "proxy:1", Resources: corev1.ResourceRequirements{
						Requests: corev1.ResourceList{corev1.ResourceCPU: q("100m")},
					}},
					{Name: "app", Image: "web:1", Env: []corev1.EnvVar{{Name: "A", Value: "1"}}, Resources: corev1.ResourceRequirements{
						Requests: corev1.ResourceList{corev1.ResourceCPU: q("1"), corev1.ResourceMemory: q("1Gi")},
						Limits:   corev1.ResourceList{corev1.ResourceMemory: q("2Gi")},
					}},
					{Name: "idle", Image: "idle:1"},
				}},
			},
		},
	}
}

func cronJob() batchv1.CronJob {
	return batchv1.CronJob{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "CronJob"},
		ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "report"},
		Spec: batchv1.CronJobSpec{Schedule: "0 * * * *", JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
				RestartPolicy: corev1.RestartPolicyNever,
				Containers:    []corev1.Container{{Name: "job", Image: "report:1"}},
			}},
		}}},
	}
}

var (
	web    = recommender.Workload{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "team-a", Name: "web"}
	report = recommender.Workload{APIVersion: "batch/v1", Kind: "CronJob", Namespace: "team-a", Name: "report"}
	dns    = recommender.Workload{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "kube-system", Name: "coredns"}
	bare   = recommender.Workload{APIVersion: "v1", Kind: "Pod", Namespace: "team-a", Name: "debug"}
)

func snapshot() *cluster.Snapshot {
	return &cluster.Snapshot{Deployments: []appsv1.Deployment{deployment()}, CronJobs: []batchv1.CronJob{cronJob()}}
}

// recs: app gets requests 250m/300Mi and a 600Mi limit (the original 2:1
// ratio kept); idle (no resources at all) gets requests only; sidecar gets
// a memory request, and its CPU is left as it is (0 = unset); the cronjob's
// only container 1.5 cores and 1,000,000,000 bytes (not whole MiB: bytes).
func recs() []recommender.Container {
	return []recommender.Container{
		{Workload: report, Container: "job", Action: recommender.ActionResize, Recommended: recommender.Settings{
			Requests: recommender.Amounts{CPUMillis: 1500, MemoryBytes: 1_000_000_000}}},
		{Workload: web, Container: "idle", Action: recommender.ActionResize, Recommended: recommender.Settings{
			Requests: recommender.Amounts{CPUMillis: 25, MemoryBytes: 250 << 20}}},
		{Workload: web, Container: "app", Action: recommender.ActionResize, Recommended: recommender.Settings{
			Requests: recommender.Amounts{CPUMillis: 250, MemoryBytes: 300 << 20},
			Limits:   recommender.Amounts{MemoryBytes: 600 << 20}}},
		{Workload: web, Container: "sidecar", Action: recommender.ActionResize, Recommended: recommender.Settings{
			Requests: recommender.Amounts{MemoryBytes: 64 << 20}}},
		{Workload: web, Container: "gone", Action: recommender.ActionResize, Recommended: recommender.Settings{
			Requests: recommender.Amounts{CPUMillis: 100}}},
		{Workload: web, Container: "kept", Action: recommender.ActionKeep, Recommended: recommender.Settings{
			Requests: recommender.Amounts{CPUMillis: 100}}},
		{Workload: bare, Container: "sh", Action: recommender.ActionResize, Recommended: recommender.Settings{
			Requests: recommender.Amounts{CPUMillis: 100}}},
	}
}

func build() Set {
	return Build(recs(), []recommender.ReplicaChange{{Workload: dns, Current: 2, Recommended: 4, Action: recommender.ActionResize}},
		Options{Templates: FromSnapshot(snapshot())})
}

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{CPU(250), "250m"}, {CPU(1000), "1"}, {CPU(1500), "1500m"}, {CPU(25), "25m"},
		{Memory(256 << 20), "256Mi"}, {Memory(2 << 30), "2Gi"}, {Memory(1536 << 20), "1536Mi"},
		{Memory(1000), "1000"}, {Memory(250_000_000), "250000000"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestBuildOrderAndNotes(t *testing.T) {
	set := build()
	var got []string
	for _, p := range set.Patches {
		s := p.Workload.Namespace + "/" + p.Workload.Kind + "/" + p.Workload.Name + ":"
		for _, c := range p.Containers {
			s += " " + c.Name
		}
		got = append(got, s)
	}
	// Namespace, then kind, then name; containers in template order.
	want := []string{"kube-system/Deployment/coredns:", "team-a/CronJob/report: job", "team-a/Deployment/web: sidecar app idle"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("patches %q, want %q", got, want)
	}
	var notes []string
	for _, n := range set.Notes {
		notes = append(notes, n.String())
	}
	wantNotes := []string{
		"Deployment team-a/web container gone: the current pod template has no such container (renamed, or an init container), so no patch is made for it",
		"Pod team-a/debug: a bare pod's resources cannot be patched in place (only through the resize subresource on clusters that support in-place resize); change the manifest it was created from and recreate it",
	}
	if !reflect.DeepEqual(notes, wantNotes) {
		t.Errorf("notes\n%s\nwant\n%s", strings.Join(notes, "\n"), strings.Join(wantNotes, "\n"))
	}
}

func TestStrategicMergeText(t *testing.T) {
	got, err := StrategicMergeStream(build())
	if err != nil {
		t.Fatal(err)
	}
	want := `apiVersion: apps/v1
kind: Deployment
metadata:
  name: coredns
  namespace: kube-system
spec:
  replicas: 4
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
  namespace: team-a
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: job
            resources:
              requests:
                cpu: 1500m
                memory: "1000000000"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: team-a
spec:
  template:
    spec:
      containers:
      - name: sidecar
        resources:
          requests:
            memory: 64Mi
      - name: app
        resources:
          limits:
            memory: 600Mi
          requests:
            cpu: 250m
            memory: 300Mi
      - name: idle
        resources:
          requests:
            cpu: 25m
            memory: 250Mi
`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestJSONPatchText(t *testing.T) {
	set := build()
	got, err := set.Patches[2].JSONPatch()
	if err != nil {
		t.Fatal(err)
	}
	// sidecar (index 0) has requests {cpu}: memory is added to it; app
	// (index 1) has both maps and both amounts: replace; idle (index 2) has
	// no resources: one add of the whole object.
	want := `[
  {
    "op": "test",
    "path": "/spec/template/spec/containers/0/name",
    "value": "sidecar"
  },
  {
    "op": "add",
    "path": "/spec/template/spec/containers/0/resources/requests/memory",
    "value": "64Mi"
  },
  {
    "op": "test",
    "path": "/spec/template/spec/containers/1/name",
    "value": "app"
  },
  {
    "op": "replace",
    "path": "/spec/template/spec/containers/1/resources/requests/cpu",
    "value": "250m"
  },
  {
    "op": "replace",
    "path": "/spec/template/spec/containers/1/resources/requests/memory",
    "value": "300Mi"
  },
  {
    "op": "replace",
    "path": "/spec/template/spec/containers/1/resources/limits/memory",
    "value": "600Mi"
  },
  {
    "op": "test",
    "path": "/spec/template/spec/containers/2/name",
    "value": "idle"
  },
  {
    "op": "add",
    "path": "/spec/template/spec/containers/2/resources",
    "value": {
      "requests": {
        "cpu": "25m",
        "memory": "250Mi"
      }
    }
  }
]
`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	cron, err := set.Patches[1].JSONPatch()
	if err != nil {
		t.Fatal(err)
	}
	wantCron := `[{"op":"test","path":"/spec/jobTemplate/spec/template/spec/containers/0/name","value":"job"},` +
		`{"op":"add","path":"/spec/jobTemplate/spec/template/spec/containers/0/resources","value":{"requests":{"cpu":"1500m","memory":"1000000000"}}}]`
	if c := compact(t, cron); c != wantCron {
		t.Errorf("cronjob got %s, want %s", c, wantCron)
	}
	replicas, err := set.Patches[0].JSONPatch()
	if err != nil {
		t.Fatal(err)
	}
	if c, w := compact(t, replicas), `[{"op":"add","path":"/spec/replicas","value":4}]`; c != w {
		t.Errorf("replicas got %s, want %s", c, w)
	}
}

func compact(t *testing.T, b []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(v)
	return string(out)
}

func TestJSONPatchNeedsTemplate(t *testing.T) {
	set := Build(recs()[:3], nil, Options{})
	_, err := set.Patches[1].JSONPatch()
	want := "address containers of Deployment team-a/web by index: its current pod template is not known (use the strategic-merge patch, which matches by name)"
	if err == nil || err.Error() != want {
		t.Errorf("err %v, want %q", err, want)
	}
	// Without a template, containers are in name order.
	if n := set.Patches[1].Containers; n[0].Name != "app" || n[1].Name != "idle" {
		t.Errorf("containers %+v, want app then idle", n)
	}
}

// wantResources is the web Deployment's containers after the patch: the
// recommendation's amounts set, every other amount as it was.
func wantWebContainers() []corev1.Container {
	c := deployment().Spec.Template.Spec.Containers
	c[0].Resources.Requests[corev1.ResourceMemory] = q("64Mi") // cpu 100m stays
	c[1].Resources = corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: q("250m"), corev1.ResourceMemory: q("300Mi")},
		Limits:   corev1.ResourceList{corev1.ResourceMemory: q("600Mi")},
	}
	c[2].Resources.Requests = corev1.ResourceList{corev1.ResourceCPU: q("25m"), corev1.ResourceMemory: q("250Mi")}
	return c
}

func TestRoundTripStrategicMerge(t *testing.T) {
	set := build()
	orig, _ := json.Marshal(deployment())
	body, err := set.Patches[2].StrategicMergeJSON()
	if err != nil {
		t.Fatal(err)
	}
	out, err := strategicpatch.StrategicMergePatch(orig, body, appsv1.Deployment{})
	if err != nil {
		t.Fatal(err)
	}
	checkWeb(t, out)

	origCron, _ := json.Marshal(cronJob())
	body, _ = set.Patches[1].StrategicMergeJSON()
	out, err = strategicpatch.StrategicMergePatch(origCron, body, batchv1.CronJob{})
	if err != nil {
		t.Fatal(err)
	}
	checkCron(t, out)
}

func TestRoundTripJSONPatch(t *testing.T) {
	set := build()
	orig, _ := json.Marshal(deployment())
	body, _ := set.Patches[2].JSONPatch()
	p, err := jsonpatch.DecodePatch(body)
	if err != nil {
		t.Fatal(err)
	}
	out, err := p.Apply(orig)
	if err != nil {
		t.Fatal(err)
	}
	checkWeb(t, out)

	origCron, _ := json.Marshal(cronJob())
	body, _ = set.Patches[1].JSONPatch()
	p, _ = jsonpatch.DecodePatch(body)
	out, err = p.Apply(origCron)
	if err != nil {
		t.Fatal(err)
	}
	checkCron(t, out)

	// The same patch on a template whose containers were reordered fails
	// at the first test op instead of resizing the wrong container.
	d := deployment()
	cs := d.Spec.Template.Spec.Containers
	cs[0], cs[1] = cs[1], cs[0]
	reordered, _ := json.Marshal(d)
	body, _ = set.Patches[2].JSONPatch()
	p, _ = jsonpatch.DecodePatch(body)
	if _, err := p.Apply(reordered); err == nil {
		t.Error("the JSON patch applied to a reordered template")
	}

	// Replicas: 3 becomes 4, nothing else changes.
	body, _ = set.Patches[0].JSONPatch()
	p, _ = jsonpatch.DecodePatch(body)
	out, err = p.Apply(orig)
	if err != nil {
		t.Fatal(err)
	}
	var got appsv1.Deployment
	_ = json.Unmarshal(out, &got)
	want := deployment()
	four := int32(4)
	want.Spec.Replicas = &four
	if !equality.Semantic.DeepEqual(got, want) {
		t.Errorf("replica patch gave %+v", got.Spec)
	}
}

func checkWeb(t *testing.T, out []byte) {
	t.Helper()
	var got appsv1.Deployment
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	want := deployment()
	want.Spec.Template.Spec.Containers = wantWebContainers()
	if !equality.Semantic.DeepEqual(got, want) {
		t.Errorf("patched deployment\n%s\nwant\n%s", out, mustJSON(want))
	}
}

func checkCron(t *testing.T, out []byte) {
	t.Helper()
	var got batchv1.CronJob
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	want := cronJob()
	want.Spec.JobTemplate.Spec.Template.Spec.Containers[0].Resources.Requests = corev1.ResourceList{
		corev1.ResourceCPU: q("1500m"), corev1.ResourceMemory: q("1000000000"),
	}
	if !equality.Semantic.DeepEqual(got, want) {
		t.Errorf("patched cronjob\n%s\nwant\n%s", out, mustJSON(want))
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestAutoscalerConfigMap(t *testing.T) {
	rc := recommender.ReplicaChange{Workload: dns, Current: 2, Recommended: 4, Action: recommender.ActionResize,
		Reasons: []string{"cluster-proportional-autoscaler kube-system/dns-autoscaler manages the replicas"}}
	params := `{"coresPerReplica":256,"min":4,"nodesPerReplica":16,"preventSinglePointFailure":true}`
	set := Build(nil, []recommender.ReplicaChange{rc}, Options{Autoscaler: func(r recommender.ReplicaChange) (ConfigMapData, bool) {
		return ConfigMapData{Namespace: "kube-system", Name: "dns-autoscaler", Data: map[string]string{"linear": params}}, r.Workload == dns
	}})
	got, _ := StrategicMergeStream(set)
	want := `apiVersion: v1
data:
  linear: '{"coresPerReplica":256,"min":4,"nodesPerReplica":16,"preventSinglePointFailure":true}'
kind: ConfigMap
metadata:
  name: dns-autoscaler
  namespace: kube-system
`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	j, _ := set.Patches[0].JSONPatch()
	if c, w := compact(t, j), `[{"op":"add","path":"/data/linear","value":`+mustJSON(params)+`}]`; c != w {
		t.Errorf("json patch %s, want %s", c, w)
	}
	// Without the parameters, spec.replicas is patched and a note says the
	// autoscaler will undo it.
	set = Build(nil, []recommender.ReplicaChange{rc}, Options{})
	if len(set.Patches) != 1 || set.Patches[0].Replicas == nil || *set.Patches[0].Replicas != 4 {
		t.Fatalf("patches %+v, want spec.replicas 4", set.Patches)
	}
	if len(set.Notes) != 1 || !strings.Contains(set.Notes[0].Message, "the autoscaler will set it back") {
		t.Errorf("notes %v", set.Notes)
	}
}

func TestKustomize(t *testing.T) {
	files, err := Kustomize(build())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for n := range files {
		names = append(names, n)
	}
	want := []string{"kube-system.deployment.coredns.yaml", "kustomization.yaml", "team-a.cronjob.report.yaml", "team-a.deployment.web.yaml"}
	if !reflect.DeepEqual(sortedKeys(files), want) {
		t.Errorf("files %q, want %q", names, want)
	}
	wantK := Marker + `
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
patches:
- path: kube-system.deployment.coredns.yaml
  target:
    group: apps
    kind: Deployment
    name: coredns
    namespace: kube-system
    version: v1
- path: team-a.cronjob.report.yaml
  target:
    group: batch
    kind: CronJob
    name: report
    namespace: team-a
    version: v1
- path: team-a.deployment.web.yaml
  target:
    group: apps
    kind: Deployment
    name: web
    namespace: team-a
    version: v1
`
	if got := string(files[KustomizationFile]); got != wantK {
		t.Errorf("kustomization\n%s\nwant\n%s", got, wantK)
	}
	web, _ := build().Patches[2].StrategicMerge()
	if string(files["team-a.deployment.web.yaml"]) != string(web) {
		t.Error("the web patch file differs from its strategic-merge patch")
	}
}

func TestWriteDir(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "out")
	files, _ := Kustomize(build())
	if err := WriteDir(dir, files, false); err != nil {
		t.Fatal(err)
	}
	// An earlier output is replaced: the stale file goes.
	if err := os.WriteFile(filepath.Join(dir, "stale.yaml"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteDir(dir, files, false); err != nil {
		t.Fatalf("rewrite an earlier output: %v", err)
	}
	if got := dirNames(t, dir); !reflect.DeepEqual(got, sortedKeys(files)) {
		t.Errorf("after rewrite %q, want %q", got, sortedKeys(files))
	}
	// A foreign directory is refused and left as it was; force replaces it.
	foreign := filepath.Join(root, "mine")
	_ = os.Mkdir(foreign, 0o755)
	_ = os.WriteFile(filepath.Join(foreign, "kustomization.yaml"), []byte("resources: [a.yaml]\n"), 0o644)
	err := WriteDir(foreign, files, false)
	want := "write " + foreign + ": refuse to replace a directory that is not empty and not an earlier seaworthy output (no kustomization.yaml starting with its marker); choose another directory or force the replacement"
	if err == nil || err.Error() != want {
		t.Errorf("err %v, want %q", err, want)
	}
	if got := dirNames(t, foreign); !reflect.DeepEqual(got, []string{"kustomization.yaml"}) {
		t.Errorf("refused dir now holds %q", got)
	}
	if err := WriteDir(foreign, files, true); err != nil {
		t.Fatal(err)
	}
	// A bad file name fails before anything is renamed, and no temporary
	// directory is left behind.
	err = WriteDir(filepath.Join(root, "bad"), map[string][]byte{"../x": nil}, false)
	if err == nil {
		t.Error("a file name with a path was written")
	}
	if got := dirNames(t, root); !reflect.DeepEqual(got, []string{"mine", "out"}) {
		t.Errorf("root holds %q, want mine and out only", got)
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestVPAs(t *testing.T) {
	got, err := VPAs(build())
	if err != nil {
		t.Fatal(err)
	}
	// coredns has only a replica change, so no VPA; app has a limit
	// (RequestsAndLimits), the others requests only.
	want := `apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata:
  name: report-cronjob
  namespace: team-a
spec:
  resourcePolicy:
    containerPolicies:
    - containerName: job
      controlledValues: RequestsOnly
  targetRef:
    apiVersion: batch/v1
    kind: CronJob
    name: report
  updatePolicy:
    updateMode: "Off"
---
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata:
  name: web-deployment
  namespace: team-a
spec:
  resourcePolicy:
    containerPolicies:
    - containerName: sidecar
      controlledValues: RequestsOnly
    - containerName: app
      controlledValues: RequestsAndLimits
    - containerName: idle
      controlledValues: RequestsOnly
  targetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  updatePolicy:
    updateMode: "Off"
`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
