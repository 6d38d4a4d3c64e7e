package cli

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
)

// complete asks cobra's hidden __complete command, as the shell scripts
// do, and returns the candidates without their descriptions.
func complete(t *testing.T, args ...string) []string {
	t.Helper()
	r := execute(t, "", append([]string{"__complete"}, args...)...)
	if r.code != 0 {
		t.Fatalf("__complete %v: exit %d: %s", args, r.code, r.stderr)
	}
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if strings.HasPrefix(line, ":") {
			break
		}
		name, _, _ := strings.Cut(line, "\t")
		out = append(out, name)
	}
	return out
}

func TestCompletion(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"audit", "--check", "DN"}, []string{"DNS", "DNS-001", "DNS-002", "DNS-003", "DNS-004", "DNS-005", "DNS-006"}},
		{[]string{"audit", "--check", "etcd-00"}, []string{"ETCD-001", "ETCD-002", "ETCD-003"}},
		{[]string{"audit", "--skip-check", "DNS-001,ce"}, []string{"DNS-001,CERT", "DNS-001,CERT-001"}},
		{[]string{"audit", "-o", ""}, []string{"table", "json", "yaml", "markdown", "sarif", "junit", "github", "gitlab-codequality", "prometheus"}},
		{[]string{"checks", "-o", ""}, []string{"table", "json", "yaml", "markdown"}},
		{[]string{"explain", "QUOTA-001", "-o", ""}, []string{"json", "yaml", "markdown"}},
		{[]string{"version", "--output", ""}, []string{"table", "json", "yaml", "markdown"}},
		{[]string{"rbac", "who-can", "get", "pods", "-o", ""}, []string{"table", "json", "yaml", "markdown"}},
		{[]string{"audit", "--fail-on", ""}, []string{"info", "warn", "fail", "never"}},
		{[]string{"explain", "cp-"}, []string{"CP-001", "CP-002", "CP-003", "CP-004"}},
		{[]string{"explain", "DNS-001", ""}, nil},
	} {
		if got := complete(t, tt.args...); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("complete %q: %q, want %q", tt.args, got, tt.want)
		}
	}

	kubeconfig := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(kubeconfig, []byte(`apiVersion: v1
kind: Config
clusters:
- name: eu
  cluster: {server: "https://eu.example.com:6443"}
users:
- name: admin
  user: {token: x}
contexts:
- name: prod-eu
  context: {cluster: eu, user: admin}
- name: prod-us
  context: {cluster: eu, user: admin}
- name: staging
  context: {cluster: eu, user: admin}
current-context: staging
`), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, want := complete(t, "audit", "--kubeconfig", kubeconfig, "--context", "prod"), []string{"prod-eu", "prod-us"}; !reflect.DeepEqual(got, want) {
		t.Errorf("--context: %q, want %q", got, want)
	}
	if got, want := complete(t, "snapshot", "--kubeconfig", kubeconfig, "--context", ""), []string{"prod-eu", "prod-us", "staging"}; !reflect.DeepEqual(got, want) {
		t.Errorf("snapshot --context: %q, want %q", got, want)
	}

	if r := execute(t, "", "completion", "bash"); r.code != 0 || !strings.Contains(r.stdout, "__start_seaworthy") {
		t.Errorf("completion bash: exit %d, %d bytes", r.code, len(r.stdout))
	}
}

// Every command whose -o names formats completes them: a new command
// with addOutputFlag must be listed in outputValues.
func TestCompletionCoversEveryOutputFlag(t *testing.T) {
	var walk func(*cobra.Command)
	walk = func(cmd *cobra.Command) {
		if f := cmd.Flags().Lookup("output"); f != nil && strings.HasPrefix(f.Usage, "Output format: ") {
			if _, ok := outputValues[cmd.CommandPath()]; !ok {
				t.Errorf("%s: -o has no completion (add it to outputValues)", cmd.CommandPath())
			}
		}
		for _, sub := range cmd.Commands() {
			walk(sub)
		}
	}
	walk(NewRootCommand(genericiooptions.IOStreams{In: strings.NewReader(""), Out: os.Stdout, ErrOut: os.Stderr}))
}
