package policies

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestBuiltinRegoTests runs the built-in bundle's own Rego unit tests.
func TestBuiltinRegoTests(t *testing.T) {
	got, err := RunTests(context.Background(), []string{"builtin:production"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range got {
		names = append(names, r.Name)
		if !r.Pass() {
			t.Errorf("%s: %s (%v) %s", r.Name, r.Location, r.Error, r.Output)
		}
	}
	sort.Strings(names)
	want := "test_clean_input_passes test_failing_check_denies test_missing_requests_denies test_single_replica_warns_outside_system_namespaces"
	if strings.Join(names, " ") != want {
		t.Errorf("tests run = %q, want %q", strings.Join(names, " "), want)
	}
}

// TestExampleRegoTests runs the examples' Rego unit tests.
func TestExampleRegoTests(t *testing.T) {
	got, err := RunTests(context.Background(), []string{"examples"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Errorf("ran %d tests, want 4", len(got))
	}
	for _, r := range got {
		if !r.Pass() {
			t.Errorf("%s: %s (%v) %s", r.Name, r.Location, r.Error, r.Output)
		}
	}
}

// TestRunTestsReportsFailures runs a directory holding a failing test and
// a passing one, and one with a file that does not parse.
func TestRunTestsReportsFailures(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("gate.rego", "package seaworthy.gate\n\ndeny contains \"always\" if true\n")
	write("gate_test.rego", "package seaworthy.gate_test\n\nimport data.seaworthy.gate\n\ntest_denies if gate.deny == {\"always\"}\n\ntest_wrong if {\n\tprint(\"deny is\", gate.deny)\n\tcount(gate.deny) == 0\n}\n")
	got, err := RunTests(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var outcomes []string
	for _, r := range got {
		outcomes = append(outcomes, fmt.Sprintf("%s pass=%v line=%d output=%q", r.Name, r.Pass(), r.Location.Row, r.Output))
	}
	sort.Strings(outcomes)
	want := `test_denies pass=true line=5 output=""; test_wrong pass=false line=7 output="deny is {\"always\"}\n"`
	if s := strings.Join(outcomes, "; "); s != want {
		t.Errorf("outcomes:\n%s\nwant:\n%s", s, want)
	}

	write("broken_test.rego", "package seaworthy.gate_test\n\ntest_x if {\n\tx := := 1\n}\n")
	if _, err := RunTests(context.Background(), []string{dir}); err == nil || !strings.Contains(err.Error(), "broken_test.rego:4: unexpected assign token") {
		t.Errorf("error = %v, want one at broken_test.rego:4", err)
	}
}

func TestReadSourcesErrors(t *testing.T) {
	for path, want := range map[string]string{
		"builtin:nope":     `read policies: unknown built-in bundle "nope" (known: production)`,
		"builtin:../x":     `read policies: unknown built-in bundle "../x" (known: production)`,
		"no/such/dir.rego": "read policies: stat no/such/dir.rego: no such file or directory",
	} {
		if _, err := ReadSources([]string{path}); err == nil || err.Error() != want {
			t.Errorf("ReadSources(%q) error = %v, want %q", path, err, want)
		}
	}
}

func TestReadSourcesOnce(t *testing.T) {
	srcs, err := ReadSources([]string{"examples", "examples/labels.rego", "./examples/labels.rego", "builtin:production", "builtin:production"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range srcs {
		names = append(names, s.Name)
	}
	want := "examples/deployments.rego examples/examples_test.rego examples/image_tag.rego examples/labels.rego examples/non_root.rego builtin:production/gate.rego builtin:production/gate_test.rego"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("sources = %s, want %s", got, want)
	}
}
