package checks

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/checks.md from the registry")

func TestCatalogDocUpToDate(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCatalog(&buf, Catalog()); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "docs", "checks.md")
	if *update {
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

var idPattern = regexp.MustCompile(`^(QUOTA|DNS|CP|ETCD|SEC|CERT|RBAC|ADDON|NODE|WL|NET)-\d{3}$`)

func TestRegistryMeta(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Catalog() {
		if !idPattern.MatchString(c.ID) {
			t.Errorf("check ID %q does not follow PREFIX-NNN", c.ID)
		}
		if seen[c.ID] {
			t.Errorf("duplicate check ID %s", c.ID)
		}
		seen[c.ID] = true
		if c.Title == "" || c.Category == "" || c.Rule == "" || c.Rationale == "" || c.Remediation == "" {
			t.Errorf("%s: Title, Category, Rule, Rationale and Remediation are all required", c.ID)
		}
		if c.Eval == nil {
			t.Errorf("%s: no Eval function", c.ID)
		}
	}
}
