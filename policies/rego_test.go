package policies

import (
	"context"
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
