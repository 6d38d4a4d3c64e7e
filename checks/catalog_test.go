package checks

import (
	"bytes"
	"flag"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/seaworthy-k8s/seaworthy/internal/gendoc"
)

var update = flag.Bool("update", false, "rewrite docs/checks.md from the registry")

func TestCatalogDocUpToDate(t *testing.T) {
	gendoc.Check(t, filepath.Join("..", "docs", "checks.md"), *update, func(w io.Writer) error { return WriteCatalog(w, Catalog()) })
}

var idPattern = regexp.MustCompile(`^(QUOTA|DNS|CP|ETCD|SEC|CERT|RBAC|ADDON|NODE|WL|NET|RES|ADM|OBS|SCALE)-\d{3}$`)

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

// Example blocks in Meta text (indented four spaces) are fenced code in
// docs/checks.md: indented inside a list item, GitHub renders them as text.
func TestCatalogFencesExampleBlocks(t *testing.T) {
	got := listItemText("Add a LimitRange, for example:\n\n" +
		"    apiVersion: v1\n    kind: LimitRange\n    spec:\n      limits:\n      - type: Container\n\n" +
		"    ---\n\nthen apply it:\n\n    kubectl apply -f lr.yaml\n\nDone.")
	want := "Add a LimitRange, for example:\n\n" +
		"  ```\n  apiVersion: v1\n  kind: LimitRange\n  spec:\n    limits:\n    - type: Container\n\n  ---\n  ```\n\n" +
		"  then apply it:\n\n  ```\n  kubectl apply -f lr.yaml\n  ```\n\n  Done."
	if got != want {
		t.Errorf("listItemText:\n%s\nwant:\n%s", got, want)
	}
	if got := listItemText("one line,    with spaces"); got != "one line,    with spaces" {
		t.Errorf("a one-line text changed: %q", got)
	}

	var buf bytes.Buffer
	if err := WriteCatalog(&buf, Catalog()); err != nil {
		t.Fatal(err)
	}
	doc := buf.String()
	examples := 0
	for _, c := range Catalog() {
		for _, text := range []string{c.Rule, c.Rationale, c.Remediation} {
			examples += strings.Count(text, "\n\n    ")
		}
	}
	if examples == 0 {
		t.Fatal("no Meta text has an example block; the test proves nothing")
	}
	if n := strings.Count(doc, "\n  ```yaml\n"); n != examples {
		t.Errorf("docs/checks.md has %d fenced yaml blocks, want %d (one per example block)", n, examples)
	}
	inFence := false
	for i, line := range strings.Split(doc, "\n") {
		if strings.TrimSpace(line) == "```" || strings.HasPrefix(strings.TrimSpace(line), "```") {
			inFence = !inFence
			continue
		}
		if !inFence && strings.HasPrefix(line, "    ") {
			t.Errorf("docs/checks.md:%d: indented line outside a fenced block: %q", i+1, line)
		}
	}
	if inFence {
		t.Error("docs/checks.md ends inside a fenced block")
	}
}
