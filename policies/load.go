package policies

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// BuiltinPrefix marks a path that names a bundle embedded in the binary:
// "builtin:production" is policies/builtin/production.
const BuiltinPrefix = "builtin:"

//go:embed builtin
var builtinFS embed.FS

// Source is one Rego file: the name errors and results report it by and
// its text.
type Source struct {
	// Name is the path as given (joined with the directory walked), or
	// "builtin:NAME/FILE.rego" for an embedded file.
	Name string
	Text []byte
}

// IsTest reports whether the file holds Rego unit tests (*_test.rego),
// which RunTests runs and evaluation leaves out.
func (s Source) IsTest() bool { return strings.HasSuffix(s.Name, "_test.rego") }

// Builtins lists the names of the embedded bundles, sorted.
func Builtins() []string {
	entries, err := builtinFS.ReadDir("builtin")
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

// ReadSources reads the .rego files that paths name: files, directories
// walked recursively (in lexical order), and builtin:NAME bundles, each
// file once. Tests are included; callers that evaluate drop them (see
// Source.IsTest).
func ReadSources(paths []string) ([]Source, error) {
	var out []Source
	seen := map[string]bool{}
	add := func(s Source) {
		// A file named twice (on its own and through its directory) is
		// read once, or its rules would report every result twice.
		if key := filepath.Clean(s.Name); !seen[key] {
			seen[key] = true
			out = append(out, s)
		}
	}
	for _, p := range paths {
		if name, ok := strings.CutPrefix(p, BuiltinPrefix); ok {
			srcs, err := readBuiltin(name)
			if err != nil {
				return nil, err
			}
			for _, s := range srcs {
				add(s)
			}
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("read policies: %w", err)
		}
		if !info.IsDir() {
			text, err := os.ReadFile(p)
			if err != nil {
				return nil, fmt.Errorf("read policies: %w", err)
			}
			add(Source{Name: p, Text: text})
			continue
		}
		err = filepath.WalkDir(p, func(file string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || filepath.Ext(file) != ".rego" {
				return nil
			}
			text, err := os.ReadFile(file)
			if err != nil {
				return err
			}
			add(Source{Name: file, Text: text})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read policies: %w", err)
		}
	}
	return out, nil
}

// readBuiltin reads the embedded bundle name.
func readBuiltin(name string) ([]Source, error) {
	dir := path.Join("builtin", name)
	if name == "" || strings.Contains(name, "/") {
		return nil, fmt.Errorf("read policies: unknown built-in bundle %q (known: %s)", name, strings.Join(Builtins(), ", "))
	}
	entries, err := builtinFS.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read policies: unknown built-in bundle %q (known: %s)", name, strings.Join(Builtins(), ", "))
	}
	var out []Source
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".rego" {
			continue
		}
		text, err := builtinFS.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read policies: %w", err)
		}
		out = append(out, Source{Name: BuiltinPrefix + name + "/" + e.Name(), Text: text})
	}
	return out, nil
}

// parse parses every source as Rego v1, with METADATA annotations. A file
// in v0 syntax fails here, at the line that needs v1 keywords.
func parse(srcs []Source) ([]*ast.Module, error) {
	mods := make([]*ast.Module, 0, len(srcs))
	var errs ast.Errors
	for _, s := range srcs {
		m, err := ast.ParseModuleWithOpts(s.Name, string(s.Text), ast.ParserOptions{
			RegoVersion:       ast.RegoV1,
			ProcessAnnotation: true,
		})
		if err != nil {
			if e, ok := err.(ast.Errors); ok {
				errs = append(errs, e...)
				continue
			}
			return nil, fmt.Errorf("parse %s: %w", s.Name, err)
		}
		if m == nil {
			return nil, fmt.Errorf("parse %s: the file holds no package", s.Name)
		}
		mods = append(mods, m)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("parse policies: %s", located(errs))
	}
	return mods, nil
}

// located formats OPA errors as FILE:LINE: message, joined by "; ",
// dropping repeats.
func located(errs ast.Errors) string {
	lines := make([]string, 0, len(errs))
	seen := map[string]bool{}
	for _, e := range errs {
		if l := at(e.Location) + ": " + oneLine(e.Message); !seen[l] {
			seen[l] = true
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "; ")
}

// at formats a location as FILE:LINE.
func at(loc *ast.Location) string {
	if loc == nil {
		return "(unknown)"
	}
	return fmt.Sprintf("%s:%d", loc.File, loc.Row)
}
