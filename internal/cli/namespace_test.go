package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// Objects that name no namespace land where kubectl apply would put them:
// in default, or in the namespace -n names.
func TestManifestDefaultNamespace(t *testing.T) {
	dir := t.TempDir()
	manifest := `apiVersion: apps/v1
kind: Deployment
metadata: {name: server}
spec:
  selector: {matchLabels: {app: server}}
  template:
    metadata: {labels: {app: server}}
    spec: {containers: [{name: server, image: server:1}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: ServiceAccount, name: server}]
`
	if err := os.WriteFile(filepath.Join(dir, "app.yaml"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"without -n", nil, "default"},
		{"with -n", []string{"-n", "argocd"}, "argocd"},
		{"with --namespace", []string{"--namespace=argocd"}, "argocd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newSourceOptions(genericiooptions.NewTestIOStreamsDiscard())
			fs := pflag.NewFlagSet("audit", pflag.ContinueOnError)
			o.addFlags(fs)
			if err := fs.Parse(append([]string{"-f", dir}, tt.args...)); err != nil {
				t.Fatal(err)
			}
			if err := o.complete(); err != nil {
				t.Fatal(err)
			}
			if err := o.validate(); err != nil {
				t.Fatal(err)
			}
			s, err := o.load(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Deployments) != 1 || len(s.Roles) != 1 || len(s.RoleBindings) != 1 {
				t.Fatalf("loaded %d deployments, %d roles, %d rolebindings", len(s.Deployments), len(s.Roles), len(s.RoleBindings))
			}
			for kind, got := range map[cluster.Kind]string{
				cluster.KindDeployments:  s.Deployments[0].Namespace,
				cluster.KindRoles:        s.Roles[0].Namespace,
				cluster.KindRoleBindings: s.RoleBindings[0].Namespace,
			} {
				if got != tt.want {
					t.Errorf("%s namespace = %q, want %q", kind, got, tt.want)
				}
			}
		})
	}
}

// -n on a live audit scopes the report: flag resolution accepts it
// without -f (it used to be an error). The snapshot command, which does
// not scope, still refuses it.
func TestNamespaceFlagLiveAudit(t *testing.T) {
	cmd, o := auditCommand(genericiooptions.NewTestIOStreamsDiscard())
	if err := cmd.ParseFlags([]string{"-n", "argocd"}); err != nil {
		t.Fatal(err)
	}
	if err := o.complete(cmd, nil); err != nil {
		t.Fatal(err)
	}
	if err := o.validate(); err != nil {
		t.Fatalf("validate: %v", err)
	}
	if o.scope.namespace != "argocd" {
		t.Errorf("scope namespace = %q, want argocd", o.scope.namespace)
	}
	r := execute(t, "", "snapshot", "-n", "argocd")
	if r.code != 2 || !strings.Contains(r.stderr, "-n/--namespace applies only to -f input") {
		t.Errorf("snapshot -n: exit %d, stderr %q", r.code, r.stderr)
	}
}
