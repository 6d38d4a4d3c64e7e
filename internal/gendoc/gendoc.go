// Package gendoc keeps generated documents (docs/checks.md,
// docs/evidence.md, docs/config.md) equal to what their generators write:
// a test compares the file with a fresh rendering and, with -update,
// rewrites it instead.
package gendoc

import (
	"bytes"
	"io"
	"os"
	"testing"
)

// Check renders the document with write and fails t when path differs;
// with update set it rewrites path instead. A passing run writes nothing.
func Check(t *testing.T, path string, update bool, write func(io.Writer) error) {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		t.Fatal(err)
	}
	if update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v (run `make docs`)", path, err)
	}
	if !bytes.Equal(got, buf.Bytes()) {
		t.Fatalf("%s is stale: run `make docs`", path)
	}
}
