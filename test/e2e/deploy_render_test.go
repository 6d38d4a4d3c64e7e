package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/manifests"
	"github.com/seaworthy-k8s/seaworthy/result"
)

const (
	overlaysDir     = "../../deploy/overlays"
	krewManifest    = "../../deploy/krew/seaworthy.yaml"
	publisherRole   = "seaworthy-publisher"
	openReportsRole = "seaworthy-openreports"
)

// baseArgs are the CronJob's arguments in deploy/base.
var baseArgs = []string{"audit", "--in-cluster", "--output", "json", "--fail-on", "never", "--fail-on-gaps=true", "--quiet",
	"--publish", "configmap:seaworthy/seaworthy-report"}

// renderKustomization builds dir the way `kubectl apply -k` does (the
// kustomize library kubectl embeds) and writes the result to a file.
func renderKustomization(t *testing.T, dir string) string {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), abs)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	out, err := res.AsYaml()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), filepath.Base(dir)+".yaml")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func loadRendered(t *testing.T, dir string) *cluster.Snapshot {
	t.Helper()
	path := renderKustomization(t, dir)
	s, err := manifests.Load([]string{path}, manifests.Options{Now: time.Now(), Warn: func(string) {}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// objectNames lists kind namespace/name of every RBAC object, namespace
// and workload in s, sorted.
func objectNames(s *cluster.Snapshot) []string {
	var out []string
	add := func(kind, ns, name string) { out = append(out, kind+" "+ns+"/"+name) }
	for _, o := range s.Namespaces {
		add("Namespace", "", o.Name)
	}
	for _, o := range s.ServiceAccounts {
		add("ServiceAccount", o.Namespace, o.Name)
	}
	for _, o := range s.ResourceQuotas {
		add("ResourceQuota", o.Namespace, o.Name)
	}
	for _, o := range s.LimitRanges {
		add("LimitRange", o.Namespace, o.Name)
	}
	for _, o := range s.Roles {
		add("Role", o.Namespace, o.Name)
	}
	for _, o := range s.RoleBindings {
		add("RoleBinding", o.Namespace, o.Name)
	}
	for _, o := range s.ClusterRoles {
		add("ClusterRole", "", o.Name)
	}
	for _, o := range s.ClusterRoleBindings {
		add("ClusterRoleBinding", "", o.Name)
	}
	for _, o := range s.CronJobs {
		add("CronJob", o.Namespace, o.Name)
	}
	slices.Sort(out)
	return out
}

// The objects `kubectl apply -k` creates, with their namespaces: the
// ConfigMap Role and its binding stay in kube-system (a kustomization
// `namespace:` would move them), in the base and in every overlay.
var wantDeployObjects = []string{
	"ClusterRole /seaworthy-auditor",
	"ClusterRole /seaworthy-openreports",
	"ClusterRoleBinding /seaworthy-auditor",
	"ClusterRoleBinding /seaworthy-openreports",
	"CronJob seaworthy/seaworthy",
	"LimitRange seaworthy/seaworthy",
	"Namespace /seaworthy",
	"ResourceQuota seaworthy/seaworthy",
	"Role kube-system/seaworthy-auditor-configmaps",
	"Role seaworthy/seaworthy-publisher",
	"RoleBinding kube-system/seaworthy-auditor-configmaps",
	"RoleBinding seaworthy/seaworthy-publisher",
	"ServiceAccount seaworthy/seaworthy",
}

// Each overlay renders, ships the base's objects in their namespaces, and
// changes only the CronJob's arguments, to the ones it is for.
func TestDeployOverlaysRender(t *testing.T) {
	base := loadRendered(t, deployDir)
	for _, tc := range []struct {
		dir  string
		args []string
	}{
		{deployDir, baseArgs},
		{overlaysDir + "/configmap-only", baseArgs},
		{overlaysDir + "/openreports", append(slices.Clone(baseArgs), "--publish", "openreports")},
		{overlaysDir + "/pushgateway", append(slices.Clone(baseArgs),
			"--pushgateway", "http://pushgateway.monitoring.svc:9091", "--cluster-name", "my-cluster")},
	} {
		t.Run(filepath.Base(tc.dir), func(t *testing.T) {
			s := loadRendered(t, tc.dir)
			if got := objectNames(s); !slices.Equal(got, wantDeployObjects) {
				t.Errorf("renders\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantDeployObjects, "\n"))
			}
			cj := s.CronJobs[0]
			if got := cj.Spec.JobTemplate.Spec.Template.Spec.Containers[0].Args; !slices.Equal(got, tc.args) {
				t.Errorf("CronJob args %q, want %q", got, tc.args)
			}
			// Apart from the arguments, the CronJob is the base's.
			want := base.CronJobs[0].DeepCopy()
			want.Spec.JobTemplate.Spec.Template.Spec.Containers[0].Args = cj.Spec.JobTemplate.Spec.Template.Spec.Containers[0].Args
			if !equality.Semantic.DeepEqual(cj.Spec, want.Spec) {
				t.Errorf("the overlay changes more of the CronJob than its args:\n%+v\nbase:\n%+v", cj.Spec, want.Spec)
			}
		})
	}
}

// The CronJob is hardened as documented: one run at a time, bounded in
// time and retries, cleaned up, non-root with a read-only root, seccomp
// RuntimeDefault and no capabilities, the gap gate on, and the image the
// release's seaworthy:VERSION with no registry.
func TestDeployCronJobHardened(t *testing.T) {
	s := loadRendered(t, deployDir)
	cj := s.CronJobs[0]
	js := cj.Spec.JobTemplate.Spec
	pod := js.Template.Spec
	c := pod.Containers[0]
	i64 := func(p *int64) int64 {
		if p == nil {
			return -1
		}
		return *p
	}
	i32 := func(p *int32) int32 {
		if p == nil {
			return -1
		}
		return *p
	}
	bl := func(p *bool) string {
		if p == nil {
			return "unset"
		}
		if *p {
			return "true"
		}
		return "false"
	}
	got := []string{
		"concurrencyPolicy " + string(cj.Spec.ConcurrencyPolicy),
		"startingDeadlineSeconds " + itoa(i64(cj.Spec.StartingDeadlineSeconds)),
		"backoffLimit " + itoa(int64(i32(js.BackoffLimit))),
		"activeDeadlineSeconds " + itoa(i64(js.ActiveDeadlineSeconds)),
		"ttlSecondsAfterFinished " + itoa(int64(i32(js.TTLSecondsAfterFinished))),
		"serviceAccountName " + pod.ServiceAccountName,
		"automountServiceAccountToken " + bl(pod.AutomountServiceAccountToken),
		"restartPolicy " + string(pod.RestartPolicy),
		"runAsNonRoot " + bl(pod.SecurityContext.RunAsNonRoot),
		"runAsUser " + itoa(i64(pod.SecurityContext.RunAsUser)),
		"runAsGroup " + itoa(i64(pod.SecurityContext.RunAsGroup)),
		"seccompProfile " + string(pod.SecurityContext.SeccompProfile.Type),
		"allowPrivilegeEscalation " + bl(c.SecurityContext.AllowPrivilegeEscalation),
		"readOnlyRootFilesystem " + bl(c.SecurityContext.ReadOnlyRootFilesystem),
		"capabilities drop " + strings.Join(capNames(c.SecurityContext.Capabilities.Drop), ","),
		"containers " + itoa(int64(len(pod.Containers))),
	}
	want := []string{
		"concurrencyPolicy Forbid",
		"startingDeadlineSeconds 600",
		"backoffLimit 1",
		"activeDeadlineSeconds 1800",
		"ttlSecondsAfterFinished 259200",
		"serviceAccountName seaworthy",
		"automountServiceAccountToken true",
		"restartPolicy Never",
		"runAsNonRoot true",
		"runAsUser 65532",
		"runAsGroup 65532",
		"seccompProfile RuntimeDefault",
		"allowPrivilegeEscalation false",
		"readOnlyRootFilesystem true",
		"capabilities drop ALL",
		"containers 1",
	}
	if !slices.Equal(got, want) {
		t.Errorf("CronJob settings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The resources measured at 5,000 nodes (see the comment beside them),
	// and a quota with room for the scheduled run and one started by hand.
	res := c.Resources
	gotRes := fmt.Sprintf("requests cpu %s memory %s, limits cpu %s memory %s",
		res.Requests.Cpu(), res.Requests.Memory(), res.Limits.Cpu(), res.Limits.Memory())
	if want := "requests cpu 500m memory 1280Mi, limits cpu 0 memory 2Gi"; gotRes != want {
		t.Errorf("CronJob resources %s, want %s", gotRes, want)
	}
	for _, q := range s.ResourceQuotas {
		for name, per := range map[corev1.ResourceName]resource.Quantity{
			corev1.ResourceRequestsCPU: *res.Requests.Cpu(), corev1.ResourceRequestsMemory: *res.Requests.Memory(),
			corev1.ResourceLimitsMemory: *res.Limits.Memory(),
		} {
			hard := q.Spec.Hard[name]
			two := per.DeepCopy()
			two.Add(per)
			if hard.Cmp(two) < 0 {
				t.Errorf("ResourceQuota %s/%s %s %s, less than two runs' %s", q.Namespace, q.Name, name, hard.String(), two.String())
			}
		}
	}
	// The ServiceAccount mounts its token nowhere else.
	if sa := s.ServiceAccounts[0]; bl(sa.AutomountServiceAccountToken) != "false" {
		t.Errorf("ServiceAccount automountServiceAccountToken %s, want false (the pod template mounts it)", bl(sa.AutomountServiceAccountToken))
	}
	// The image is seaworthy:VERSION, VERSION the release the krew
	// manifest names (the binary's -X .../internal/cli.Version).
	krew, err := os.ReadFile(krewManifest)
	if err != nil {
		t.Fatal(err)
	}
	var version string
	for _, line := range strings.Split(string(krew), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "version: "); ok {
			version = v
			break
		}
	}
	if want := "seaworthy:" + version; version == "" || c.Image != want {
		t.Errorf("image %q, want %q (the krew manifest's version %q)", c.Image, want, version)
	}
	if c.ImagePullPolicy != "" || len(c.Command) != 0 {
		t.Errorf("image pull policy %q, command %q: want neither (the image's entrypoint runs the args)", c.ImagePullPolicy, c.Command)
	}
}

func capNames(cs []corev1.Capability) []string {
	var out []string
	for _, c := range cs {
		out = append(out, string(c))
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// The shipped objects pass seaworthy's own audit: in the base and every
// overlay, no result fails or warns.
func TestDeployPassesOwnAudit(t *testing.T) {
	for _, dir := range []string{deployDir, overlaysDir + "/configmap-only", overlaysDir + "/openreports", overlaysDir + "/pushgateway"} {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			rep := audit(t, "-f", renderKustomization(t, dir))
			var bad []string
			passes := 0
			for _, r := range rep.Results {
				switch r.Status {
				case result.StatusFail, result.StatusWarn:
					bad = append(bad, r.String())
				case result.StatusPass:
					passes++
				}
			}
			if len(bad) > 0 {
				t.Errorf("seaworthy's audit of its own manifests:\n%s", strings.Join(bad, "\n"))
			}
			// The checks that apply to these objects ran: the RBAC,
			// quota and resources checks.
			if passes < 15 {
				t.Errorf("only %d results pass; the audit judged less than the shipped objects", passes)
			}
		})
	}
}

// The ConfigMap publisher may touch only its three names, in seaworthy.
func TestDeployPublisherRole(t *testing.T) {
	s := loadRendered(t, deployDir)
	for _, r := range s.Roles {
		if r.Name != publisherRole {
			continue
		}
		if r.Namespace != auditorNamespace || len(r.Rules) != 1 {
			t.Fatalf("Role %s/%s: %v, want one rule in %s", r.Namespace, r.Name, r.Rules, auditorNamespace)
		}
		rule := r.Rules[0]
		if !slices.Equal(rule.APIGroups, []string{""}) || !slices.Equal(rule.Resources, []string{"configmaps"}) ||
			!slices.Equal(rule.ResourceNames, []string{"seaworthy-report", "seaworthy-report-1", "seaworthy-report-2"}) ||
			!slices.Equal(rule.Verbs, []string{"get", "create", "patch"}) {
			t.Errorf("publisher rule %+v", rule)
		}
		return
	}
	t.Fatalf("no Role %s in the base", publisherRole)
}
