package e2e

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/snapshotfile"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// secretPayload is the data of the Secret the live test creates; no byte
// of it may reach a snapshot.
const secretPayload = "tls-key-material-that-must-never-leave-the-cluster"

// The secret-metadata overlay renders like the others: the base's objects
// plus one ClusterRole granting list on secrets and its binding, and the
// CronJob's arguments plus --allow-secret-metadata. The base grants no
// access to secrets at all, and seaworthy's own audit of the overlay
// flags exactly that grant (RBAC-004), which is why it is opt-in.
func TestDeploySecretMetadataOverlay(t *testing.T) {
	dir := overlaysDir + "/secret-metadata"
	s := loadRendered(t, dir)
	want := append(slices.Clone(wantDeployObjects), "ClusterRole /seaworthy-secret-metadata", "ClusterRoleBinding /seaworthy-secret-metadata")
	slices.Sort(want)
	if got := objectNames(s); !slices.Equal(got, want) {
		t.Errorf("renders\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got, want := s.CronJobs[0].Spec.JobTemplate.Spec.Template.Spec.Containers[0].Args, append(slices.Clone(baseArgs), "--allow-secret-metadata"); !slices.Equal(got, want) {
		t.Errorf("CronJob args %q, want %q", got, want)
	}
	for _, cr := range s.ClusterRoles {
		if cr.Name == "seaworthy-secret-metadata" {
			if want := []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"list"}}}; !slices.EqualFunc(cr.Rules, want, ruleEqual) {
				t.Errorf("ClusterRole seaworthy-secret-metadata rules %+v, want %+v", cr.Rules, want)
			}
		}
	}
	base := loadRendered(t, deployDir)
	for _, rules := range baseRules(base) {
		for _, r := range rules {
			if slices.Contains(r.Resources, "secrets") || slices.Contains(r.Resources, "*") {
				t.Errorf("the base grants %+v", r)
			}
		}
	}
	rep := audit(t, "-f", renderKustomization(t, dir))
	var bad []string
	for _, r := range rep.Results {
		if r.Status == result.StatusFail || r.Status == result.StatusWarn {
			bad = append(bad, string(r.Check)+" "+string(r.Status)+" "+r.Object.String())
		}
	}
	if want := []string{"RBAC-004 warn ClusterRoleBinding/seaworthy-secret-metadata"}; !slices.Equal(bad, want) {
		t.Errorf("audit of the overlay flags %q, want %q", bad, want)
	}
}

func ruleEqual(a, b rbacv1.PolicyRule) bool {
	return slices.Equal(a.APIGroups, b.APIGroups) && slices.Equal(a.Resources, b.Resources) && slices.Equal(a.Verbs, b.Verbs) &&
		len(a.ResourceNames) == 0 && len(b.ResourceNames) == 0
}

// baseRules returns the rules of every Role and ClusterRole in s.
func baseRules(s *cluster.Snapshot) [][]rbacv1.PolicyRule {
	var out [][]rbacv1.PolicyRule
	for _, r := range s.ClusterRoles {
		out = append(out, r.Rules)
	}
	for _, r := range s.Roles {
		out = append(out, r.Rules)
	}
	return out
}

// Against a real API server: a Secret with data, an Ingress using it and
// one whose Secret is missing. `snapshot --allow-secret-metadata` as admin
// keeps the Secret's name and not a byte of its data, and NET-009 passes
// for the one and fails for the other; without the flag nothing of the
// Secret is in the file and NET-009 skips; the shipped auditor RBAC with
// the flag is a forbidden gap and a skip, and with the secret-metadata
// overlay applied the auditor gets the admin's NET-009 results.
func TestLiveSecretMetadata(t *testing.T) {
	lc, token := startAuditorCluster(t)
	ctx := t.Context()
	// The demo's fail-closed ingress webhook has no backend here; it would
	// reject the Ingresses below.
	if err := lc.client.AdmissionregistrationV1().ValidatingWebhookConfigurations().Delete(ctx, "ingress-nginx-admission", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "tls-test"}}
	if _, err := lc.client.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	sec := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "tls-test", Name: "present-tls", Labels: map[string]string{"label-of-the-secret": "x"}},
		Type: corev1.SecretTypeOpaque, Data: map[string][]byte{"tls.key": []byte(secretPayload)}}
	if _, err := lc.client.CoreV1().Secrets("tls-test").Create(ctx, sec, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for name, secret := range map[string]string{"present": "present-tls", "missing": "missing-tls"} {
		ing := &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: "tls-test", Name: name},
			Spec: networkingv1.IngressSpec{
				TLS:   []networkingv1.IngressTLS{{Hosts: []string{name + ".example.com"}, SecretName: secret}},
				Rules: []networkingv1.IngressRule{{Host: name + ".example.com"}}}}
		if _, err := lc.client.NetworkingV1().Ingresses("tls-test").Create(ctx, ing, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	snapshot := func(t *testing.T, kubeconfig string, flag bool) (string, []byte) {
		t.Helper()
		file := filepath.Join(t.TempDir(), "s.json")
		args := []string{"snapshot", "--kubeconfig", kubeconfig, "-o", file}
		if flag {
			args = append(args, "--allow-secret-metadata")
		}
		if r := runCLI(t, args...); r.code != 0 {
			t.Fatalf("snapshot: %s", r)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		return file, b
	}
	net009 := func(t *testing.T, file string) []string {
		t.Helper()
		var out []string
		for _, r := range audit(t, "-f", file).Results {
			if r.Check == "NET-009" && r.Object.Namespace == "tls-test" || r.Check == "NET-009" && r.Object.Name == "" {
				out = append(out, string(r.Status)+" "+r.Object.String()+": "+r.Message)
			}
		}
		return out
	}
	leaked := func(b []byte) bool {
		return bytes.Contains(b, []byte(secretPayload)) || bytes.Contains(b, []byte(base64.StdEncoding.EncodeToString([]byte(secretPayload)))) ||
			bytes.Contains(b, []byte("label-of-the-secret"))
	}
	wantJudged := []string{
		"fail Ingress/tls-test/missing: Ingress tls-test/missing uses TLS secret missing-tls, but namespace tls-test has no Secret of that name, " +
			"so the controller has no certificate for its hosts (most serve their default, self-signed one) and clients refuse the connection; create the Secret in tls-test or fix secretName.",
		"pass Ingress/tls-test/present: Ingress tls-test/present uses TLS secret present-tls, which exists in namespace tls-test.",
	}

	t.Run("admin with the flag", func(t *testing.T) {
		file, b := snapshot(t, lc.Kubeconfig, true)
		if leaked(b) {
			t.Fatalf("the snapshot holds the Secret's data or labels")
		}
		snap, err := snapshotfile.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if snap.SecretNames == nil || !slices.Contains(snap.SecretNames.Items, cluster.SecretName{Namespace: "tls-test", Name: "present-tls"}) {
			t.Fatalf("secret names %+v lack tls-test/present-tls", snap.SecretNames)
		}
		if got := net009(t, file); !slices.Equal(got, wantJudged) {
			t.Errorf("NET-009:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantJudged, "\n"))
		}
	})
	t.Run("admin without the flag", func(t *testing.T) {
		file, b := snapshot(t, lc.Kubeconfig, false)
		if leaked(b) {
			t.Fatalf("the snapshot holds the Secret's data or labels")
		}
		snap, err := snapshotfile.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if snap.SecretNames != nil {
			t.Fatalf("without the flag the snapshot holds secret names %+v", snap.SecretNames)
		}
		const unknown = ", which the input does not show in namespace tls-test: seaworthy reads only the names of Secrets, on a live read with --allow-secret-metadata " +
			"(metadata-only; the shipped RBAC does not grant listing them) or from the Secret documents of manifests, so whether it exists is not known."
		want := []string{
			"skip Ingress/tls-test/missing: Ingress tls-test/missing uses TLS secret missing-tls" + unknown,
			"skip Ingress/tls-test/present: Ingress tls-test/present uses TLS secret present-tls" + unknown,
		}
		if got := net009(t, file); !slices.Equal(got, want) {
			t.Errorf("NET-009:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
	auditor := lc.TokenKubeconfig(t, "auditor", token)
	t.Run("shipped RBAC with the flag", func(t *testing.T) {
		file, _ := snapshot(t, auditor, true)
		want := []string{"skip (cluster): not evaluated: secrets forbidden (the current identity may not list secrets cluster-wide " +
			"(their names are read only with --allow-secret-metadata, which needs that grant))"}
		if got := net009(t, file); !slices.Equal(got, want) {
			t.Errorf("NET-009:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
	t.Run("secret-metadata overlay with the flag", func(t *testing.T) {
		kubectl := requireKubectl(t)
		if out, err := lc.kubectl(t, kubectl, "apply", "-k", overlaysDir+"/secret-metadata"); err != nil {
			t.Fatalf("apply the overlay: %v\n%s", err, out)
		}
		file, b := snapshot(t, auditor, true)
		if leaked(b) {
			t.Fatalf("the snapshot holds the Secret's data or labels")
		}
		if got := net009(t, file); !slices.Equal(got, wantJudged) {
			t.Errorf("NET-009:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantJudged, "\n"))
		}
	})
}
