package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A manifest bundle applied with `kubectl apply -n NS` (Roles, RoleBindings
// and their ServiceAccount subjects naming no namespace) is judged in NS
// with -n NS, and in default without -n: never as cluster-wide grants, and
// a subject is never printed without its namespace.
func TestNamespacelessBundle(t *testing.T) {
	dir := filepath.Join("testdata", "namespaceless")
	for _, tc := range []struct {
		name string
		args []string
		ns   string
	}{
		{"with -n", []string{"-n", "gitops"}, "gitops"},
		{"without -n", nil, "default"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"audit", "-f", dir, "--now", demoNow, "-o", "json", "--check", "RBAC", "--fail-on", "never"}, tc.args...)
			r := execute(t, "", args...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if strings.Contains(r.stdout, "ServiceAccount//") {
				t.Errorf("a subject is printed without its namespace:\n%s", r.stdout)
			}
			rep := decodeReport(t, r.stdout)
			found := map[string]bool{}
			for _, x := range rep["results"].([]any) {
				res := x.(map[string]any)
				obj := res["object"].(map[string]any)
				msg := res["message"].(string)
				if obj["kind"] != "RoleBinding" && obj["kind"] != "Role" {
					continue
				}
				if obj["namespace"] != tc.ns {
					t.Errorf("%s on RoleBinding in namespace %v, want %s", res["check"], obj["namespace"], tc.ns)
				}
				if ev, _ := res["evidence"].(map[string]any); ev != nil && ev["scope"] != nil && ev["scope"] != "namespace "+tc.ns {
					t.Errorf("%s scope %v, want namespace %s", res["check"], ev["scope"], tc.ns)
				}
				if strings.Contains(msg, "every namespace") || strings.Contains(msg, "cluster-wide") {
					t.Errorf("%s calls a RoleBinding's grant cluster-wide: %s", res["check"], msg)
				}
				if res["status"] == "warn" || res["status"] == "fail" {
					found[res["check"].(string)] = true
					if !strings.Contains(msg, "ServiceAccount/"+tc.ns+"/gitops-") {
						t.Errorf("%s does not name the subject in %s: %s", res["check"], tc.ns, msg)
					}
				}
			}
			// The controller's wildcard Role is a finding for escalation,
			// wildcards and token creation; each must be found in the
			// namespace, not lost.
			for _, id := range []string{"RBAC-003", "RBAC-005", "RBAC-010"} {
				if !found[id] {
					t.Errorf("%s found nothing on the bundle's Roles and RoleBindings", id)
				}
			}
		})
	}
}

// An OpenShift cluster runs DNS as the operator's DaemonSet: DNS-001 is na,
// and the report names the platform.
func TestOpenShiftSnapshot(t *testing.T) {
	dir := t.TempDir()
	manifest := `apiVersion: config.openshift.io/v1
kind: ClusterVersion
metadata: {name: version}
spec: {channel: stable-4.18}
---
apiVersion: v1
kind: Node
metadata:
  name: master-0
  labels: {node-role.kubernetes.io/master: "", node-role.kubernetes.io/control-plane: ""}
---
apiVersion: v1
kind: Node
metadata:
  name: worker-0
  labels: {node-role.kubernetes.io/worker: ""}
`
	if err := os.WriteFile(filepath.Join(dir, "cluster.yaml"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	snapPath := filepath.Join(dir, "openshift.snapshot.json")
	if r := execute(t, "", "snapshot", "-f", dir, "--now", demoNow, "-o", snapPath); r.code != 0 {
		t.Fatalf("snapshot: exit %d: %s", r.code, r.stderr)
	}
	// A snapshot carries its own collectedAt: --now is for the manifests only.
	for _, args := range [][]string{{"-f", filepath.Join(dir, "cluster.yaml"), "--now", demoNow}, {"-f", snapPath}} {
		input := args[1]
		r := execute(t, "", append([]string{"audit", "-o", "json", "--fail-on", "never"}, args...)...)
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s", input, r.code, r.stderr)
		}
		rep := decodeReport(t, r.stdout)
		server := rep["server"].(map[string]any)
		if server["platform"] != "openshift" {
			t.Errorf("%s: server.platform = %v, want openshift", input, server["platform"])
		}
		for _, x := range rep["results"].([]any) {
			res := x.(map[string]any)
			if res["check"] == "DNS-001" && res["status"] != "na" {
				t.Errorf("%s: DNS-001 %v: %v", input, res["status"], res["message"])
			}
		}
	}
}

// Every scenario's report names the platform it was detected as.
func TestScenarioPlatforms(t *testing.T) {
	want := map[string]string{
		"demo": "kubeadm", "lab": "kubeadm", "healthy": "kubeadm", "kubeadm-stacked": "kubeadm", "kubeadm-external": "kubeadm",
		"kops": "kops", "k3s": "k3s", "eks": "eks", "gke": "gke", "aks": "aks",
	}
	dirs, _ := filepath.Glob(filepath.Join("..", "..", "fixtures", "clusters", "*"))
	if len(dirs) < len(want) {
		t.Fatalf("found %d scenarios, want at least %d", len(dirs), len(want))
	}
	for _, d := range dirs {
		name := filepath.Base(d)
		r := execute(t, "", "audit", "-f", d, "-o", "json", "--fail-on", "never", "-q")
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s", name, r.code, r.stderr)
		}
		server := decodeReport(t, r.stdout)["server"].(map[string]any)
		got, _ := server["platform"].(string)
		if got == "" {
			t.Errorf("%s: report names no platform", name)
		}
		if w, ok := want[name]; ok && got != w {
			t.Errorf("%s: platform %q, want %q", name, got, w)
		}
		if det, _ := server["platformDetection"].(map[string]any); det == nil || det["signal"] == nil {
			t.Errorf("%s: report says nothing of how the platform was detected: %v", name, server)
		}
	}
}
