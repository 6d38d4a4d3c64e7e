package policies

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/seaworthy-k8s/seaworthy/result"
)

// Policy is one deny, violation or warn rule definition and what its
// METADATA says about it. Every result of the rule carries its ID (unless
// the result sets its own) and its location.
type Policy struct {
	// ID is the rule's METADATA custom.id, else "POLICY:<package>.<rule>".
	ID string
	// Title and Description are the METADATA title and description.
	Title, Description string
	// Severity and Remediation are METADATA custom.severity and
	// custom.remediation.
	Severity, Remediation string
	// URL is the first METADATA related_resources ref.
	URL string
	// Package is the Rego package without "data." ("seaworthy.production")
	// and Rule the rule name (deny, violation or warn).
	Package, Rule string
	// Status is what the rule's results are: fail for deny and violation,
	// warn for warn.
	Status result.Status
	// File and Line locate the rule definition.
	File string
	Line int
}

// Meta describes the policy as a check is described, for reports.
func (p Policy) Meta() result.Meta {
	title := p.Title
	if title == "" {
		title = p.Package + "." + p.Rule
	}
	return result.Meta{
		ID:          p.ID,
		Title:       title,
		Category:    "Policies",
		Rule:        fmt.Sprintf("Rego rule %s.%s at %s:%d", p.Package, p.Rule, p.File, p.Line),
		Rationale:   p.Description,
		Remediation: p.Remediation,
	}
}

// newPolicy describes rule r from its annotation chain: for each field the
// closest annotation that sets it (rule, document, package, subpackages),
// except the ID and title, which only the rule's own (rule or document
// scope) annotations give.
func newPolicy(r *ast.Rule, pkg, name string, chain ast.AnnotationsRefSet) (Policy, error) {
	p := Policy{Package: pkg, Rule: name, Status: ruleStatus[name]}
	if r.Location != nil {
		p.File, p.Line = r.Location.File, r.Location.Row
	}
	custom := func(a *ast.Annotations, key string, dst *string) error {
		v, ok := a.Custom[key]
		if !ok || *dst != "" {
			return nil
		}
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("read METADATA of rule %s.%s at %s:%d: custom.%s must be a string, not %s", pkg, name, p.File, p.Line, key, showGo(v))
		}
		*dst = s
		return nil
	}
	for _, ref := range chain {
		a := ref.Annotations
		if a == nil {
			continue
		}
		// The ID and title name one rule: a package's annotation does not
		// lend them to every rule in it.
		own := a.Scope == "rule" || a.Scope == "document"
		if p.Title == "" && own {
			p.Title = a.Title
		}
		if p.Description == "" {
			p.Description = a.Description
		}
		if p.URL == "" && len(a.RelatedResources) > 0 {
			p.URL = a.RelatedResources[0].Ref.String()
		}
		fields := map[string]*string{"severity": &p.Severity, "remediation": &p.Remediation}
		if own {
			fields["id"] = &p.ID
		}
		for key, dst := range fields {
			if err := custom(a, key, dst); err != nil {
				return Policy{}, err
			}
		}
	}
	if p.ID == "" {
		p.ID = "POLICY:" + pkg + "." + name
	}
	return p, nil
}

// resultKeys are the fields a result object may have.
var resultKeys = map[string]bool{"msg": true, "id": true, "object": true, "details": true}

// objectKeys are the fields a result's object may have.
var objectKeys = map[string]bool{"apiVersion": true, "kind": true, "namespace": true, "name": true}

// decode turns one element of the rule's set into a Result: a string is
// the message; an object needs a string msg and may have id, object and
// details. Anything else is an error naming the rule. It reads the
// evaluator's terms directly; only details are converted whole.
func (p *Policy) decode(t *ast.Term) (result.Result, error) {
	r := result.Result{
		Check:  p.ID,
		Status: p.Status,
		Object: result.Cluster,
		Evidence: result.Evidence{
			"policy": p.Package,
			"rule":   p.Rule,
			"file":   p.File,
			"line":   p.Line,
		},
	}
	fail := func(format string, args ...any) (result.Result, error) {
		return result.Result{}, fmt.Errorf("decode result of rule %s.%s at %s:%d: %s", p.Package, p.Rule, p.File, p.Line, fmt.Sprintf(format, args...))
	}
	switch f := t.Value.(type) {
	case ast.String:
		r.Message = string(f)
		return r, nil
	case ast.Object:
		bad := false
		f.Until(func(k, _ *ast.Term) bool {
			s, ok := k.Value.(ast.String)
			bad = !ok || !resultKeys[string(s)]
			return bad
		})
		if bad {
			// The first bad key in sorted order, so errors are deterministic.
			for _, k := range f.Keys() {
				if s, ok := k.Value.(ast.String); !ok || !resultKeys[string(s)] {
					return fail("unknown field %s in %s (a result has msg, id, object and details)", k, show(f))
				}
			}
		}
		msg := f.Get(ast.InternedTerm("msg"))
		if msg == nil {
			return fail("no msg in %s", show(f))
		}
		s, ok := msg.Value.(ast.String)
		if !ok {
			return fail("msg is %s, not a string", show(msg.Value))
		}
		r.Message = string(s)
		if id := f.Get(ast.InternedTerm("id")); id != nil {
			s, ok := id.Value.(ast.String)
			if !ok || s == "" {
				return fail("id is %s, not a non-empty string", show(id.Value))
			}
			r.Check = string(s)
		}
		if obj := f.Get(ast.InternedTerm("object")); obj != nil {
			ref, err := objectRef(obj.Value)
			if err != nil {
				return fail("%s", err)
			}
			r.Object = ref
		}
		if d := f.Get(ast.InternedTerm("details")); d != nil {
			v, err := ast.JSON(d.Value)
			if err != nil {
				return fail("details: %v", err)
			}
			r.Evidence["details"] = v
		}
		return r, nil
	default:
		return fail("result %s is neither a string nor an object with msg", show(t.Value))
	}
}

// objectRef decodes a result's object field.
func objectRef(v ast.Value) (result.ObjectRef, error) {
	m, ok := v.(ast.Object)
	if !ok {
		return result.ObjectRef{}, fmt.Errorf("object is %s, not an object with apiVersion, kind, namespace and name", show(v))
	}
	var ref result.ObjectRef
	fields := map[string]*string{"apiVersion": &ref.APIVersion, "kind": &ref.Kind, "namespace": &ref.Namespace, "name": &ref.Name}
	var err error
	// Keys in sorted order, so errors are deterministic.
	for _, k := range m.Keys() {
		key, isString := k.Value.(ast.String)
		if !isString || !objectKeys[string(key)] {
			err = fmt.Errorf("unknown field %s in object %s (an object has apiVersion, kind, namespace and name)", k, show(m))
			break
		}
		s, ok := m.Get(k).Value.(ast.String)
		if !ok {
			err = fmt.Errorf("object.%s is %s, not a string", string(key), show(m.Get(k).Value))
			break
		}
		*fields[string(key)] = string(s)
	}
	return ref, err
}

// show renders a Rego value as JSON for an error message, cut at 80
// characters.
func show(v ast.Value) string {
	j, err := ast.JSON(v)
	if err != nil {
		return cut(v.String())
	}
	return showGo(j)
}

// showGo renders a Go value as JSON for an error message, cut at 80
// characters.
func showGo(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return cut(fmt.Sprintf("%v", v))
	}
	return cut(string(b))
}

// cut shortens s to 80 characters.
func cut(s string) string {
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return strings.TrimSpace(s)
}
