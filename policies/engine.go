package policies

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/open-policy-agent/opa/v1/topdown/print"

	"github.com/seaworthy-k8s/seaworthy/result"
)

// Options configure an Engine.
type Options struct {
	// Print receives the output of Rego print() calls, one line each as
	// "FILE:LINE: TEXT". Nil drops print() calls at compile time.
	Print io.Writer
	// StrictBuiltinErrors turns a failing built-in function (for example
	// parsing bad JSON) into an evaluation error instead of an undefined
	// expression.
	StrictBuiltinErrors bool
}

// Rule names the engine evaluates, and the status their results take.
var ruleStatus = map[string]result.Status{
	"deny":      result.StatusFail,
	"violation": result.StatusFail,
	"warn":      result.StatusWarn,
}

// Engine holds policies compiled and a query prepared once; Evaluate runs
// that query against any number of inputs. An Engine is safe for
// concurrent use.
type Engine struct {
	policies []Policy
	// vars[i] is the query variable bound to the results of policies[i].
	vars  []string
	query *rego.PreparedEvalQuery
}

// Load reads the policies paths name (see ReadSources), leaves out the
// *_test.rego files and compiles the rest with New.
func Load(ctx context.Context, paths []string, opts Options) (*Engine, error) {
	srcs, err := ReadSources(paths)
	if err != nil {
		return nil, err
	}
	kept := srcs[:0]
	for _, s := range srcs {
		if !s.IsTest() {
			kept = append(kept, s)
		}
	}
	return New(ctx, kept, opts)
}

// New parses srcs as Rego v1, checks every deny, violation and warn rule
// of the evaluated packages (data.main and data.seaworthy and below) is a
// partial set, reads their METADATA, compiles everything once and prepares
// one query over all those rules.
func New(ctx context.Context, srcs []Source, opts Options) (*Engine, error) {
	mods, err := parse(srcs)
	if err != nil {
		return nil, err
	}
	annots, errs := ast.BuildAnnotationSet(mods)
	if len(errs) > 0 {
		return nil, fmt.Errorf("read policy metadata: %s", located(errs))
	}
	e := &Engine{}
	var query []string
	for _, m := range mods {
		pkg := strings.TrimPrefix(m.Package.Path.String(), "data.")
		if !evaluated(m.Package.Path) {
			continue
		}
		var copies []*ast.Rule
		for _, r := range m.Rules {
			name, ok := ruleName(r)
			if !ok {
				continue
			}
			if err := checkKind(r, pkg, name); err != nil {
				return nil, err
			}
			p, err := newPolicy(r, pkg, name, annots.Chain(r))
			if err != nil {
				return nil, err
			}
			// Each rule definition is evaluated through a copy of its own,
			// so that every result is known to come from one definition:
			// its file, line and metadata.
			i := len(e.policies)
			c := r.Copy()
			c.Annotations = nil
			gen := fmt.Sprintf("%s%s__%d", copyPrefix, name, i)
			c.Head.Name = ast.Var(gen)
			c.Head.Reference = ast.Ref{ast.VarTerm(gen)}
			copies = append(copies, c)
			v := fmt.Sprintf("x%d", i)
			e.policies = append(e.policies, p)
			e.vars = append(e.vars, v)
			query = append(query, v+" = "+m.Package.Path.Append(ast.StringTerm(gen)).String())
		}
		m.Rules = append(m.Rules, copies...)
	}

	compiler := ast.NewCompiler().WithEnablePrintStatements(opts.Print != nil)
	byName := make(map[string]*ast.Module, len(mods))
	for i, m := range mods {
		key := srcs[i].Name
		if _, dup := byName[key]; dup {
			key = fmt.Sprintf("%s#%d", key, i)
		}
		byName[key] = m
	}
	if compiler.Compile(byName); compiler.Failed() {
		return nil, fmt.Errorf("compile policies: %s", located(withoutCopies(compiler.Errors)))
	}
	if len(query) == 0 {
		return e, nil
	}
	body, err := ast.ParseBody(strings.Join(query, "; "))
	if err != nil {
		return nil, fmt.Errorf("build policy query: %w", err)
	}
	ropts := []func(*rego.Rego){
		rego.Compiler(compiler),
		rego.ParsedQuery(body),
		rego.StrictBuiltinErrors(opts.StrictBuiltinErrors),
	}
	if opts.Print != nil {
		ropts = append(ropts, rego.EnablePrintStatements(true), rego.PrintHook(printer{mu: &sync.Mutex{}, w: opts.Print}))
	}
	q, err := rego.New(ropts...).PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("prepare policy query: %s", describe(err))
	}
	e.query = &q
	return e, nil
}

// copyPrefix starts the names of the rule copies New evaluates.
const copyPrefix = "seaworthy__"

// withoutCopies drops the errors about rule copies: each is also reported
// about the rule copied, under the name its author gave it.
func withoutCopies(errs ast.Errors) ast.Errors {
	var kept ast.Errors
	for _, e := range errs {
		if !strings.Contains(e.Message, copyPrefix) {
			kept = append(kept, e)
		}
	}
	if len(kept) == 0 {
		return errs
	}
	return kept
}

// evaluated reports whether a package's rules are evaluated: data.main
// (conftest's default) and data.seaworthy with its subpackages.
func evaluated(path ast.Ref) bool {
	if len(path) < 2 {
		return false
	}
	first, ok := path[1].Value.(ast.String)
	if !ok {
		return false
	}
	return (first == "main" && len(path) == 2) || first == "seaworthy"
}

// ruleName returns the rule name when the rule's head starts with deny,
// violation or warn.
func ruleName(r *ast.Rule) (string, bool) {
	ref := r.Head.Ref()
	if len(ref) == 0 {
		return "", false
	}
	v, ok := ref[0].Value.(ast.Var)
	if !ok {
		return "", false
	}
	_, known := ruleStatus[string(v)]
	return string(v), known
}

// checkKind rejects a deny, violation or warn rule that is not a partial
// set rule: a function, a complete rule (including default), or a rule
// with a longer reference head.
func checkKind(r *ast.Rule, pkg, name string) error {
	var what string
	switch {
	case len(r.Head.Args) > 0:
		what = "a function"
	case r.Default:
		what = "a default rule"
	case len(r.Head.Ref()) > 1:
		what = "a rule with reference head " + r.Head.Ref().String()
	case r.Head.RuleKind() != ast.MultiValue:
		what = "a complete rule"
	default:
		return nil
	}
	return fmt.Errorf("check policy rule %s.%s at %s: it is %s; write it as a partial set, %s contains f if { … }", pkg, name, at(r.Location), what, name)
}

// printer writes print() output with the location of the call, one line
// at a time when evaluations run concurrently.
type printer struct {
	mu *sync.Mutex
	w  io.Writer
}

// Print implements print.Hook.
func (p printer) Print(ctx print.Context, s string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, err := fmt.Fprintf(p.w, "%s: %s\n", at(ctx.Location), s)
	return err
}

// describe formats an OPA error with FILE:LINE where it has one.
func describe(err error) string {
	var te *topdown.Error
	if errors.As(err, &te) {
		return at(te.Location) + ": " + te.Code + ": " + oneLine(te.Message)
	}
	var ae ast.Errors
	if errors.As(err, &ae) {
		return located(ae)
	}
	var one *ast.Error
	if errors.As(err, &one) {
		return at(one.Location) + ": " + one.Message
	}
	return err.Error()
}

// oneLine joins a multi-line message's trimmed lines with "; " (or a
// space after a colon), so every error is one line.
func oneLine(msg string) string {
	var b strings.Builder
	for _, l := range strings.Split(msg, "\n") {
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		switch s := b.String(); {
		case s == "":
		case strings.HasSuffix(s, ":"):
			b.WriteString(" ")
		default:
			b.WriteString("; ")
		}
		b.WriteString(l)
	}
	return b.String()
}

// Policies returns the evaluated rule definitions, in file and line order.
func (e *Engine) Policies() []Policy { return e.policies }

// Metas describes the policies as reports describe checks: one Meta per
// distinct policy ID, in the order the IDs first appear. IDs that only
// results set (their "id" field) have no Meta.
func (e *Engine) Metas() []result.Meta {
	seen := map[string]bool{}
	var out []result.Meta
	for _, p := range e.policies {
		if seen[p.ID] {
			continue
		}
		seen[p.ID] = true
		out = append(out, p.Meta())
	}
	return out
}

// Evaluate runs the prepared query once against input and decodes every
// result of every policy, in policy order and, within a policy, in Rego's
// set order. A runtime error or a result of the wrong shape is an error
// naming the file and line.
func (e *Engine) Evaluate(ctx context.Context, input ast.Value) ([]result.Result, error) {
	if e.query == nil {
		return nil, nil
	}
	rs, err := e.query.Eval(ctx, rego.EvalParsedInput(input))
	if err != nil {
		return nil, fmt.Errorf("evaluate policies: %s", describe(err))
	}
	if len(rs) == 0 {
		return nil, nil
	}
	var out []result.Result
	for i := range e.policies {
		p := &e.policies[i]
		set, ok := rs[0].Bindings[e.vars[i]].([]any)
		if !ok {
			return nil, fmt.Errorf("evaluate policy rule %s.%s at %s:%d: it did not give a set", p.Package, p.Rule, p.File, p.Line)
		}
		for _, v := range set {
			r, err := p.decode(v)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
	}
	return out, nil
}
