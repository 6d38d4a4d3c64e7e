package policies

import (
	"os/exec"
	"strings"
	"testing"
)

// The policy engine is a pure function of its input: no client-go (and so
// no cluster access) in its dependencies.
func TestNoClientGo(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go tool is not on PATH, so the dependency graph cannot be listed")
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep == "k8s.io/client-go" || strings.HasPrefix(dep, "k8s.io/client-go/") {
			t.Fatalf("policies depends on %s; only cluster/live may import client-go", dep)
		}
	}
}
