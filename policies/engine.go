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
	// Parallel is how many queries the policies are split over and
	// evaluated at once; 0 or 1 evaluates them in one query.
	Parallel int
}

// Rule names the engine evaluates, and the status their results take.
var ruleStatus = map[string]result.Status{
	"deny":      result.StatusFail,
	"violation": result.StatusFail,
	"warn":      result.StatusWarn,
}

// Engine holds policies compiled and queries prepared once; Evaluate runs
// them against any number of inputs. An Engine is safe for concurrent use.
type Engine struct {
	policies []Policy
	// groups are the prepared queries, each over some of the policies;
	// together they cover every policy once.
	groups []group
}

// group is one prepared query and the policies it evaluates: the query
// variable vars[j] is bound to the results of policies[members[j]].
type group struct {
	query   *rego.PreparedEvalQuery
	members []int
	vars    []string
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
// queries over all those rules: as many as Options.Parallel, each over a
// share of them, so that a large input is evaluated on every core.
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
	var query []string // query[i] binds the results of e.policies[i]
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
			e.policies = append(e.policies, p)
			query = append(query, m.Package.Path.Append(ast.StringTerm(gen)).String())
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
	ropts := []func(*rego.Rego){
		rego.Compiler(compiler),
		rego.StrictBuiltinErrors(opts.StrictBuiltinErrors),
	}
	if opts.Print != nil {
		ropts = append(ropts, rego.EnablePrintStatements(true), rego.PrintHook(printer{mu: &sync.Mutex{}, w: opts.Print}))
	}
	// Policies are dealt to the groups in turn, so that rules of one
	// file, often alike in cost, spread over all of them.
	n := min(max(opts.Parallel, 1), len(query))
	groups := make([]group, n)
	parts := make([][]string, n)
	for i, q := range query {
		g := &groups[i%n]
		v := fmt.Sprintf("x%d", i)
		g.members = append(g.members, i)
		g.vars = append(g.vars, v)
		parts[i%n] = append(parts[i%n], v+" = "+q)
	}
	for k := range groups {
		body, err := ast.ParseBody(strings.Join(parts[k], "; "))
		if err != nil {
			return nil, fmt.Errorf("build policy query: %w", err)
		}
		q, err := rego.New(append(ropts, rego.ParsedQuery(body))...).PrepareForEval(ctx)
		if err != nil {
			return nil, fmt.Errorf("prepare policy query: %s", describe(err))
		}
		groups[k].query = &q
	}
	e.groups = groups
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

// Evaluate runs the prepared queries once against input, concurrently,
// and decodes every result of every policy, in policy order and, within a
// policy, in Rego's (sorted) set order. A runtime error or a result of the
// wrong shape is an error naming the file and line; when several groups
// fail, the error of the first policy's group is returned.
func (e *Engine) Evaluate(ctx context.Context, input ast.Value) ([]result.Result, error) {
	if len(e.groups) == 0 {
		return nil, nil
	}
	sets := make([]ast.Set, len(e.policies))
	errs := make([]error, len(e.groups))
	var wg sync.WaitGroup
	for k := range e.groups {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[k] = e.groups[k].eval(ctx, input, e.policies, sets)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		for _, err := range errs {
			if err != nil {
				return nil, err
			}
		}
	}
	var out []result.Result
	for i := range e.policies {
		if sets[i] == nil {
			continue
		}
		p := &e.policies[i]
		var err error
		sets[i].Until(func(t *ast.Term) bool {
			var r result.Result
			if r, err = p.decode(t); err != nil {
				return true
			}
			out = append(out, r)
			return false
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// asTerm keeps query results as the evaluator's terms: decode reads the
// few fields of a result from them, where converting every result to Go
// maps first would cost more than the evaluation of simple rules.
func asTerm(t *ast.Term, _ *rego.EvalContext) (any, error) { return t, nil }

// eval runs the group's query and stores each member policy's result set
// in sets[member]; an undefined query leaves them nil.
func (g *group) eval(ctx context.Context, input ast.Value, policies []Policy, sets []ast.Set) error {
	rs, err := g.query.Eval(ctx, rego.EvalParsedInput(input), rego.EvalGenerateJSON(asTerm))
	if err != nil {
		return fmt.Errorf("evaluate policies: %s", describe(err))
	}
	if len(rs) == 0 {
		return nil
	}
	for j, i := range g.members {
		p := &policies[i]
		t, _ := rs[0].Bindings[g.vars[j]].(*ast.Term)
		set, ok := termValue(t).(ast.Set)
		if !ok {
			return fmt.Errorf("evaluate policy rule %s.%s at %s:%d: it did not give a set", p.Package, p.Rule, p.File, p.Line)
		}
		sets[i] = set
	}
	return nil
}

// termValue is t's value, or nil for a nil term.
func termValue(t *ast.Term) ast.Value {
	if t == nil {
		return nil
	}
	return t.Value
}
