package checks

import (
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
)

// DocsURL is where the generated check reference is published; a check's
// anchor is its lower-cased ID.
const DocsURL = RepoURL + "blob/main/docs/checks.md"

// RepoURL is the repository's web address, ending in a slash.
const RepoURL = "https://github.com/seaworthy-k8s/seaworthy/"

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
		b.WriteString("\n")
		writeCheck(&b, c, "../")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteCheck writes one check's section of docs/checks.md, as WriteCatalog
// does but with links to the code and fixtures in the repository rather
// than relative to docs/, followed by its full documentation link: what
// 'seaworthy explain' prints as Markdown.
func WriteCheck(w io.Writer, c check.Check) error {
	var b strings.Builder
	writeCheck(&b, c, RepoURL+"tree/main/")
	fmt.Fprintf(&b, "- **Docs:** %s\n", DocLink(c.ID))
	_, err := io.WriteString(w, b.String())
	return err
}

// writeCheck writes c's section; links to the code and fixtures start
// with base.
func writeCheck(b *strings.Builder, c check.Check, base string) {
	fmt.Fprintf(b, "### %s\n\n**%s**\n\n", c.ID, c.Title)
	fmt.Fprintf(b, "- **Rule:** %s\n", listItemText(c.Rule))
	fmt.Fprintf(b, "- **Why it matters:** %s\n", listItemText(c.Rationale))
	fmt.Fprintf(b, "- **Remediation:** %s\n", listItemText(c.Remediation))
	if len(c.Needs) > 0 {
		needs := make([]string, len(c.Needs))
		for i, k := range c.Needs {
			needs[i] = "`" + string(k) + "`"
		}
		fmt.Fprintf(b, "- **Reads:** %s (skips when any of them could not be read)\n", strings.Join(needs, ", "))
	}
	if c.Package != "" {
		fmt.Fprintf(b, "- **Code:** [`%s`](%s%s) · **Fixtures:** [`checks/testdata/%s`](%schecks/testdata/%s)\n",
			c.Package, base, c.Package, c.ID, base, c.ID)
	}
}

// exampleIndent marks an example block in Meta text: a run of lines
// indented by four spaces after a blank line, as in plain-text docs.
const exampleIndent = "    "

// listItemText turns Meta text into the body of a Markdown list item: its
// example blocks (lines indented by four spaces, after a blank line)
// become fenced code blocks (yaml when every line reads as YAML), and
// every line after the first is indented under the item so that text
// after a block stays in the item. A four-space indent inside a list item
// is not code on GitHub, so without fences no example renders as one.
func listItemText(s string) string {
	lines := strings.Split(s, "\n")
	if len(lines) == 1 {
		return s
	}
	var out []string
	add := func(l string) {
		if l == "" {
			out = append(out, "")
		} else {
			out = append(out, "  "+l)
		}
	}
	out = append(out, lines[0])
	for i := 1; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], exampleIndent) || lines[i-1] != "" {
			add(lines[i])
			continue
		}
		// An example block: indented lines and the blank lines between
		// them, up to the last indented line.
		end := i
		for j := i; j < len(lines); j++ {
			if strings.HasPrefix(lines[j], exampleIndent) {
				end = j
			} else if strings.TrimSpace(lines[j]) != "" {
				break
			}
		}
		block := lines[i : end+1]
		add("```" + exampleLanguage(block))
		for _, l := range block {
			add(strings.TrimPrefix(l, exampleIndent))
		}
		add("```")
		i = end
	}
	return strings.Join(out, "\n")
}

// yamlLine is a YAML mapping key or sequence item.
var yamlLine = regexp.MustCompile(`^\s*(- |-$|[A-Za-z0-9_./"-]+:( |$))`)

// exampleLanguage is "yaml" when every non-blank line of block reads as
// YAML, and no language otherwise.
func exampleLanguage(block []string) string {
	for _, l := range block {
		if strings.TrimSpace(l) != "" && !yamlLine.MatchString(l) {
			return ""
		}
	}
	return "yaml"
}
