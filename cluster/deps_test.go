package cluster_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The model, the engines and the result vocabulary are pure functions of a
// Snapshot: client-go belongs to the live source alone (DESIGN.md, import
// direction).
func TestNoClientGoInModelOrEngines(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go tool is not on PATH, so the dependency graph cannot be listed")
	}
	pkgs := []string{"./cluster", "./cluster/index", "./cluster/authz", "./checks/...", "./report", "./result", "./recommender/...", "./cluster/usage", "./policies/...", "./report/gate"}
	for _, pkg := range pkgs {
		cmd := exec.Command(goTool, "list", "-deps", pkg)
		cmd.Dir = ".." // the module root, so the paths above resolve
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		var bad []string
		for _, dep := range strings.Fields(string(out)) {
			if dep == "k8s.io/client-go" || strings.HasPrefix(dep, "k8s.io/client-go/") {
				bad = append(bad, dep)
			}
		}
		if len(bad) > 0 {
			t.Errorf("%s depends on %d client-go packages (first %s); only cluster/live may import client-go", pkg, len(bad), bad[0])
		}
	}
}
