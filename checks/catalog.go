package checks

import (
	"fmt"
	"io"
	"strings"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
)

// DocsURL is where the generated check reference is published; a check's
// anchor is its lower-cased ID.
const DocsURL = "https://github.com/seaworthy-k8s/seaworthy/blob/main/docs/checks.md"

// Anchor returns the check's anchor in docs/checks.md.
func Anchor(id string) string { return strings.ToLower(id) }

// DocLink returns the full link to a check's documentation.
func DocLink(id string) string { return DocsURL + "#" + Anchor(id) }

// WriteCatalog writes docs/checks.md: every registered check with its rule,
// rationale and remediation, grouped by category in registry order.
func WriteCatalog(w io.Writer, all []check.Check) error {
	var b strings.Builder
	b.WriteString("# Check reference\n\n")
	b.WriteString("Generated from the check registry by `make docs`; do not edit by hand.\n")
	b.WriteString("Check IDs are stable. Thresholds are defaults; each is an option.\n\n")
	b.WriteString("| ID | Category | Title |\n|---|---|---|\n")
	for _, c := range all {
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s |\n", c.ID, Anchor(c.ID), c.Category, c.Title)
	}
	category := ""
	for _, c := range all {
		if c.Category != category {
			category = c.Category
			fmt.Fprintf(&b, "\n## %s\n", category)
		}
		fmt.Fprintf(&b, "\n### %s\n\n**%s**\n\n", c.ID, c.Title)
		fmt.Fprintf(&b, "- **Rule:** %s\n", c.Rule)
		fmt.Fprintf(&b, "- **Why it matters:** %s\n", c.Rationale)
		fmt.Fprintf(&b, "- **Remediation:** %s\n", c.Remediation)
		if len(c.Needs) > 0 {
			needs := make([]string, len(c.Needs))
			for i, k := range c.Needs {
				needs[i] = "`" + string(k) + "`"
			}
			fmt.Fprintf(&b, "- **Reads:** %s (skips when any of them could not be read)\n", strings.Join(needs, ", "))
		}
		if c.Package != "" {
			fmt.Fprintf(&b, "- **Code:** [`%s`](../%s) · **Fixtures:** [`checks/testdata/%s`](../checks/testdata/%s)\n",
				c.Package, c.Package, c.ID, c.ID)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
