package gate

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Entry is one exemption: which results it covers, why, whose it is and
// until when. Entries come from an exemptions file (see ParseExemptions)
// or from an object's annotations.
type Entry struct {
	// Check is a check or policy ID, or a prefix of one (see the package
	// doc for the prefix rule).
	Check string `json:"check"`
	// Namespace, Kind and Name are path.Match globs over the result's
	// object; empty matches anything.
	Namespace string `json:"namespace,omitempty"`
	Kind      string `json:"kind,omitempty"`
	Name      string `json:"name,omitempty"`
	// Labels must all be on the object, with these exact values.
	Labels map[string]string `json:"labels,omitempty"`
	Reason string            `json:"reason"`
	Owner  string            `json:"owner,omitempty"`
	// Expires is the last day the entry applies; zero for annotation
	// exemptions, which do not expire.
	Expires Date `json:"expires,omitzero"`
	// Source says where the entry was written: "FILE:LINE" for a file
	// entry, "annotation on KIND/NAMESPACE/NAME" for an annotation.
	Source string `json:"source"`
}

// Date is a calendar day, as an exemption's expiry is written.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate parses a YYYY-MM-DD day.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("parse date %q: want YYYY-MM-DD", s)
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d == Date{} }

// String renders the day as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// MarshalText renders the day as YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// End is the first instant after the day, in UTC: an entry expiring on d
// applies while now is before d.End().
func (d Date) End() time.Time {
	return time.Date(d.Year, d.Month, d.Day+1, 0, 0, 0, 0, time.UTC)
}

// Exemptions is a parsed exemptions file.
type Exemptions struct {
	// File is the name errors and sources cite.
	File string
	// Entries are the file's entries, in file order.
	Entries []Entry
}

// ParseExemptions reads an exemptions file's content; name is the file
// name errors and each entry's Source cite. An empty file holds no
// entries.
func ParseExemptions(name string, data []byte) (*Exemptions, error) {
	out := &Exemptions{File: name}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		return nil, fmt.Errorf("parse exemptions %s", yamlPosition(name, err))
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		return out, nil
	}
	p := exemptionParser{file: name}
	if root.Kind != yaml.SequenceNode {
		return nil, p.errorf(root, "want a list of exemptions at the top level")
	}
	for i, item := range root.Content {
		e, err := p.entry(item, i+1)
		if err != nil {
			return nil, err
		}
		out.Entries = append(out.Entries, e)
	}
	return out, nil
}

// yamlPosition turns yaml's "yaml: line N: msg" into "FILE:N: msg".
func yamlPosition(file string, err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var line int
	var rest string
	if n, _ := fmt.Sscanf(msg, "line %d:", &line); n == 1 {
		_, rest, _ = strings.Cut(msg, ":")
		return fmt.Sprintf("%s:%d:%s", file, line, rest)
	}
	return file + ": " + msg
}

type exemptionParser struct{ file string }

func (p exemptionParser) errorf(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("parse exemptions %s:%d:%d: %s", p.file, n.Line, n.Column, fmt.Sprintf(format, args...))
}

// entryFields are the keys an entry may have, in the order errors list
// them.
var entryFields = []string{"check", "expires", "kind", "labels", "name", "namespace", "owner", "reason"}

// entry decodes the i-th (1-based) list item.
func (p exemptionParser) entry(n *yaml.Node, i int) (Entry, error) {
	e := Entry{Source: fmt.Sprintf("%s:%d", p.file, n.Line)}
	if n.Kind != yaml.MappingNode {
		return e, p.errorf(n, "exemption %d: want a mapping", i)
	}
	seen := map[string]*yaml.Node{}
	for j := 0; j+1 < len(n.Content); j += 2 {
		k, v := n.Content[j], n.Content[j+1]
		if !slices.Contains(entryFields, k.Value) {
			return e, p.errorf(k, "exemption %d: unknown field %q (known: %s)", i, k.Value, strings.Join(entryFields, ", "))
		}
		if seen[k.Value] != nil {
			return e, p.errorf(k, "exemption %d: field %q given twice", i, k.Value)
		}
		seen[k.Value] = v
		var err error
		switch k.Value {
		case "check":
			e.Check, err = p.str(v, i, k.Value)
			if err == nil && (e.Check == "" || strings.ContainsAny(e.Check, " \t*?[")) {
				err = p.errorf(v, "exemption %d: check %q: want a check or policy ID or a prefix of one, without blanks or globs", i, e.Check)
			}
		case "namespace":
			e.Namespace, err = p.glob(v, i, k.Value)
		case "kind":
			e.Kind, err = p.glob(v, i, k.Value)
		case "name":
			e.Name, err = p.glob(v, i, k.Value)
		case "labels":
			e.Labels, err = p.labels(v, i)
		case "reason":
			e.Reason, err = p.required(v, i, k.Value)
		case "owner":
			e.Owner, err = p.required(v, i, k.Value)
		case "expires":
			var s string
			if s, err = p.str(v, i, k.Value); err == nil {
				if e.Expires, err = ParseDate(s); err != nil {
					err = p.errorf(v, "exemption %d: expires %q: want a date YYYY-MM-DD", i, s)
				}
			}
		}
		if err != nil {
			return e, err
		}
	}
	for _, f := range []string{"check", "reason", "owner", "expires"} {
		if seen[f] == nil {
			return e, p.errorf(n, "exemption %d: missing required field %q", i, f)
		}
	}
	return e, nil
}

// str decodes a scalar as a string. An unquoted date is a string here
// too: yaml tags 2026-06-30 as a timestamp.
func (p exemptionParser) str(n *yaml.Node, i int, field string) (string, error) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		return "", p.errorf(n, "exemption %d: %s: want a string", i, field)
	}
	return n.Value, nil
}

// required decodes a string that must not be blank.
func (p exemptionParser) required(n *yaml.Node, i int, field string) (string, error) {
	s, err := p.str(n, i, field)
	if err == nil && strings.TrimSpace(s) == "" {
		err = p.errorf(n, "exemption %d: %s is empty", i, field)
	}
	return s, err
}

// glob decodes a path.Match pattern and checks its syntax.
func (p exemptionParser) glob(n *yaml.Node, i int, field string) (string, error) {
	s, err := p.str(n, i, field)
	if err != nil {
		return "", err
	}
	if _, err := path.Match(s, ""); err != nil {
		return "", p.errorf(n, "exemption %d: %s %q: bad glob pattern", i, field, s)
	}
	return s, nil
}

// labels decodes a mapping of label keys to exact values.
func (p exemptionParser) labels(n *yaml.Node, i int) (map[string]string, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errorf(n, "exemption %d: labels: want a mapping of label keys to values", i)
	}
	out := make(map[string]string, len(n.Content)/2)
	for j := 0; j+1 < len(n.Content); j += 2 {
		k, v := n.Content[j], n.Content[j+1]
		key, err := p.str(k, i, "labels")
		if err != nil {
			return nil, err
		}
		if key == "" {
			return nil, p.errorf(k, "exemption %d: labels: empty label key", i)
		}
		if _, dup := out[key]; dup {
			return nil, p.errorf(k, "exemption %d: labels: key %q given twice", i, key)
		}
		if out[key], err = p.str(v, i, "labels."+key); err != nil {
			return nil, err
		}
	}
	return out, nil
}
