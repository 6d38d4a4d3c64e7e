package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"gopkg.in/yaml.v3"
)

// Every -o of every command is served by this one registry. A *Report
// renders with the report renderers (table, json, yaml); any other value a
// command prints (the check list, an RBAC answer) renders as JSON or YAML
// of its exported fields, as a table when it is Tabular, and as Markdown
// when it is Tabular or writes its own (MarkdownWriter).

// Tabular is a value with a table form.
type Tabular interface {
	// TableHeader names the columns and TableRows gives the cells.
	TableHeader() []string
	TableRows() [][]string
}

// EmptyTexter is a Tabular value that says something in words, instead of
// printing a table without rows, when it has none.
type EmptyTexter interface {
	EmptyText() string
}

// MarkdownWriter is a value with its own Markdown form.
type MarkdownWriter interface {
	WriteMarkdown(w io.Writer) error
}

// format is one entry of the registry: its name and whether (and how) it
// renders a value.
type format struct {
	name string
	// render writes v; ok is false when the format does not apply to v.
	render func(w io.Writer, v any, o RenderOptions) (ok bool, err error)
}

var registry = []format{
	{"table", func(w io.Writer, v any, o RenderOptions) (bool, error) {
		switch t := v.(type) {
		case *Report:
			return true, renderIfSet(t, func() error { return tableRenderer{opts: o}.Render(w, t) })
		case Tabular:
			return true, renderIfSet(t, func() error { return writeTabular(w, t) })
		}
		return false, nil
	}},
	{"json", func(w io.Writer, v any, _ RenderOptions) (bool, error) {
		if r, ok := v.(*Report); ok {
			return true, renderIfSet(r, func() error { return jsonRenderer{}.Render(w, r) })
		}
		return true, renderIfSet(v, func() error { return writeJSON(w, v) })
	}},
	{"yaml", func(w io.Writer, v any, _ RenderOptions) (bool, error) {
		if r, ok := v.(*Report); ok {
			return true, renderIfSet(r, func() error { return yamlRenderer{}.Render(w, r) })
		}
		return true, renderIfSet(v, func() error { return writeYAML(w, v) })
	}},
	{"markdown", func(w io.Writer, v any, _ RenderOptions) (bool, error) {
		switch t := v.(type) {
		case *Report:
			return true, renderIfSet(t, func() error { return markdownRenderer{}.Render(w, t) })
		case MarkdownWriter:
			return true, renderIfSet(t, func() error { return t.WriteMarkdown(w) })
		case Tabular:
			return true, renderIfSet(t, func() error { return writeMarkdownTable(w, t.TableHeader(), t.TableRows()) })
		}
		return false, nil
	}},
	{"sarif", reportOnly(func(o RenderOptions) Renderer { return sarifRenderer{opts: o} })},
	{"junit", reportOnly(func(RenderOptions) Renderer { return junitRenderer{} })},
	{"github", reportOnly(func(RenderOptions) Renderer { return githubRenderer{} })},
	{"gitlab-codequality", reportOnly(func(RenderOptions) Renderer { return codeQualityRenderer{} })},
	{"prometheus", reportOnly(func(o RenderOptions) Renderer { return prometheusRenderer{opts: o} })},
}

// reportOnly is the registry entry of a format that renders only a
// *Report, with the renderer newRenderer returns.
func reportOnly(newRenderer func(RenderOptions) Renderer) func(io.Writer, any, RenderOptions) (bool, error) {
	return func(w io.Writer, v any, o RenderOptions) (bool, error) {
		r, ok := v.(*Report)
		if !ok {
			return false, nil
		}
		return true, renderIfSet(r, func() error { return newRenderer(o).Render(w, r) })
	}
}

// renderIfSet runs render unless v is a typed nil, which FormatsFor passes
// to ask which formats apply without rendering anything.
func renderIfSet(v any, render func() error) error {
	if isNil(v) {
		return nil
	}
	return render()
}

func isNil(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case *Report:
		return t == nil
	}
	return false
}

// FormatsFor lists, in help order, the formats a value of v's type renders
// in; pass a typed nil (for example (*Report)(nil)) or a zero value.
func FormatsFor(v any) []string {
	var out []string
	for _, f := range registry {
		if ok, _ := f.render(io.Discard, probe(v), RenderOptions{}); ok {
			out = append(out, f.name)
		}
	}
	return out
}

// probe returns v unless it is a *Report, whose nil stands for the type.
func probe(v any) any {
	if r, ok := v.(*Report); ok && r != nil {
		return (*Report)(nil)
	}
	return v
}

// CheckFormat returns an error naming the valid formats when v's type has
// no format called name.
func CheckFormat(name string, v any) error {
	valid := FormatsFor(v)
	for _, f := range valid {
		if f == name {
			return nil
		}
	}
	return fmt.Errorf("unknown output format %q (want one of: %s)", name, strings.Join(valid, ", "))
}

// Render writes v in the named format. It renders into memory first, so
// a failure writes nothing.
func Render(w io.Writer, name string, v any, o RenderOptions) error {
	if err := CheckFormat(name, v); err != nil {
		return err
	}
	var buf bytes.Buffer
	for _, f := range registry {
		if f.name != name {
			continue
		}
		if _, err := f.render(&buf, v, o); err != nil {
			return err
		}
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeYAML writes v's JSON form as block YAML, keeping the JSON field
// order.
func writeYAML(w io.Writer, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return jsonAsYAML(w, data)
}

// jsonAsYAML parses JSON into YAML nodes (which keep key order) and prints
// them as ordinary block YAML.
func jsonAsYAML(w io.Writer, data []byte) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return err
	}
	plain(&doc)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// writeTabular writes t as a table, or its EmptyText when it has no rows.
func writeTabular(w io.Writer, t Tabular) error {
	rows := t.TableRows()
	if e, ok := t.(EmptyTexter); ok && len(rows) == 0 {
		_, err := io.WriteString(w, e.EmptyText()+"\n")
		return err
	}
	return WriteTable(w, t.TableHeader(), rows)
}

// writeMarkdownTable writes a GitHub-flavoured Markdown table.
func writeMarkdownTable(w io.Writer, header []string, rows [][]string) error {
	var b strings.Builder
	cell := func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ") }
	b.WriteString("|")
	for _, h := range header {
		b.WriteString(" " + cell(h) + " |")
	}
	b.WriteString("\n|")
	for range header {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, r := range rows {
		b.WriteString("|")
		for _, c := range r {
			b.WriteString(" " + cell(c) + " |")
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
