package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/seaworthy-k8s/seaworthy/checks"
	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/policies"
	"github.com/seaworthy-k8s/seaworthy/recommender"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// policyOptions are audit's Rego flags: the policies to evaluate beside
// the built-in checks, and where their print() output goes.
type policyOptions struct {
	paths  []string
	trace  bool
	engine *policies.Engine
}

func (p *policyOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringArrayVar(&p.paths, "policy", nil, "Evaluate these Rego v1 policies beside the checks: .rego files or directories (recursive; *_test.rego left out), or builtin:NAME ("+strings.Join(policies.Builtins(), ", ")+"). deny and violation results count as fail, warn as warn. Repeatable.")
	fs.BoolVar(&p.trace, "trace", false, "Print the policies' print() output on stderr.")
}

// complete compiles the policies, so a bad one fails before the cluster is
// read.
func (p *policyOptions) complete(ctx context.Context, errOut io.Writer) error {
	if len(p.paths) == 0 {
		if p.trace {
			return fmt.Errorf("--trace applies only with --policy")
		}
		return nil
	}
	// The policies are evaluated on every core: a large cluster's input
	// takes seconds per rule set.
	opts := policies.Options{Parallel: runtime.GOMAXPROCS(0)}
	if p.trace {
		opts.Print = errOut
	}
	e, err := policies.Load(ctx, p.paths, opts)
	if err != nil {
		return err
	}
	p.engine = e
	return nil
}

// evaluate runs the policies over the input the checks saw and said.
func (p *policyOptions) evaluate(ctx context.Context, in *check.Input, results []result.Result) ([]result.Result, []result.Meta, error) {
	if p.engine == nil {
		return nil, nil, nil
	}
	v, err := policies.ToValue(policies.Input(in.Snapshot, results, in.Usage, in.Index))
	if err != nil {
		return nil, nil, fmt.Errorf("build the policy input: %w", err)
	}
	rs, err := p.engine.Evaluate(ctx, v)
	if err != nil {
		return nil, nil, err
	}
	return rs, p.engine.Metas(), nil
}

// newPolicyCommand is `seaworthy policy`: the input policies see, and
// their tests.
func newPolicyCommand(streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Work with Rego policies: print their input, run their tests, format and check them",
		Long: `Policies are Rego v1 files that audit --policy evaluates beside the built-in
checks. Rules deny, violation (fail) and warn (warn) in package main or
seaworthy.<name> give a message or an object {msg, id, object}; # METADATA
annotations give the id, title, severity and remediation (docs/ci.md).`,
	}
	cmd.AddCommand(newPolicyInputCommand(streams), newPolicyTestCommand(streams), newPolicyFmtCommand(streams), newPolicyCheckCommand(streams), newPolicySchemaCommand(streams))
	return cmd
}

// policyInputOptions are the flags of `seaworthy policy input`.
type policyInputOptions struct {
	source  *sourceOptions
	history *historyOptions
	streams genericiooptions.IOStreams
}

func newPolicyInputCommand(streams genericiooptions.IOStreams) *cobra.Command {
	o := &policyInputOptions{source: newSourceOptions(streams), streams: streams, history: newHistoryOptions()}
	cmd := &cobra.Command{
		Use:   "input",
		Short: "Print the input document policies evaluate, for writing policies against real data",
		Long: `Print, as JSON, the document audit --policy gives every policy as input:
{"snapshot": ..., "results": [...], "recommendations": null, "index": ...},
for the same sources audit reads (the current context, or -f files).
With audit's usage-history flags (--prometheus, --history-file, --metrics)
"recommendations" holds what the recommender says, as audit gives it.`,
		Example: `  seaworthy policy input -f ./manifests/ > input.json
  opa eval -d policy.rego -i input.json 'data.main.deny'

  # With the recommender's advice from saved usage history
  seaworthy policy input -f ./manifests/ --history-file ./history/`,
		Args: cobra.NoArgs,
		RunE: runE(o),
	}
	o.source.addFlags(cmd.Flags())
	o.history.addFlags(cmd.Flags())
	return cmd
}

func (o *policyInputOptions) complete(*cobra.Command, []string) error {
	if err := o.source.complete(); err != nil {
		return err
	}
	return o.history.complete(o.source.nowTime)
}

func (o *policyInputOptions) validate() error {
	if err := o.history.validate(len(o.source.filenames) > 0, true); err != nil {
		return err
	}
	return o.source.validate()
}

func (o *policyInputOptions) run(ctx context.Context) error {
	snap, err := o.source.load(ctx)
	if err != nil {
		return runError(err)
	}
	in := check.NewInput(snap)
	if o.history.given() {
		// As audit does: the recommender's default options over the same
		// index, so policies see the advice RES-004 judges.
		eng := recommender.New(in.Index, recommender.DefaultOptions())
		if _, err := o.history.fetch(ctx, o.source, eng, o.streams.ErrOut, o.source.quiet); err != nil {
			return runError(err)
		}
		in.Usage = eng.Recommend()
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(policies.Input(snap, check.RunInput(in, checks.All(checks.DefaultOptions())), in.Usage, in.Index)); err != nil {
		return runError(fmt.Errorf("write the policy input: %w", err))
	}
	_, err = o.streams.Out.Write(buf.Bytes())
	return err
}

// policyTestOptions are the flags of `seaworthy policy test`.
type policyTestOptions struct {
	paths   []string
	verbose bool
	streams genericiooptions.IOStreams
}

func newPolicyTestCommand(streams genericiooptions.IOStreams) *cobra.Command {
	o := &policyTestOptions{streams: streams}
	cmd := &cobra.Command{
		Use:   "test PATH...",
		Short: "Run the Rego unit tests (test_ rules in *_test.rego) of policies",
		Long: `Run the test_ rules of the policies PATH names (files, directories, or
builtin:NAME), with OPA's tester, and report like go test: one line per
failing test (every test with -v), then ok or FAIL.

Exit codes: 0 every test passed; 1 a test failed; 2 a policy does not parse
or compile.`,
		Example: `  seaworthy policy test ./policies/
  seaworthy policy test builtin:production -v`,
		Args: cobra.MinimumNArgs(1),
		RunE: runE(o),
	}
	cmd.Flags().BoolVarP(&o.verbose, "verbose", "v", false, "List every test, not only failing ones.")
	return cmd
}

func (o *policyTestOptions) complete(_ *cobra.Command, args []string) error {
	o.paths = args
	return nil
}
func (o *policyTestOptions) validate() error { return nil }

func (o *policyTestOptions) run(ctx context.Context) error {
	results, err := policies.RunTests(ctx, o.paths)
	if err != nil {
		return runError(err)
	}
	var buf bytes.Buffer
	failed := 0
	for _, r := range results {
		name := r.Package + "." + r.Name
		switch {
		case r.Error != nil:
			failed++
			fmt.Fprintf(&buf, "--- ERROR: %s (%s:%d): %v\n", name, r.Location.File, r.Location.Row, r.Error)
		case r.Fail:
			failed++
			fmt.Fprintf(&buf, "--- FAIL: %s (%s:%d)\n", name, r.Location.File, r.Location.Row)
		case o.verbose:
			fmt.Fprintf(&buf, "--- PASS: %s\n", name)
		}
		if len(r.Output) > 0 && (r.Fail || r.Error != nil || o.verbose) {
			for _, line := range strings.Split(strings.TrimRight(string(r.Output), "\n"), "\n") {
				fmt.Fprintf(&buf, "    %s\n", line)
			}
		}
	}
	if failed > 0 {
		fmt.Fprintf(&buf, "FAIL\t%d of %d tests failed\n", failed, len(results))
	} else {
		fmt.Fprintf(&buf, "ok\t%d tests passed\n", len(results))
	}
	if _, err := o.streams.Out.Write(buf.Bytes()); err != nil {
		return err
	}
	if failed > 0 {
		return &ExitError{Code: 1}
	}
	return nil
}

// policyFmtOptions are the flags of `seaworthy policy fmt`.
type policyFmtOptions struct {
	paths   []string
	write   bool
	streams genericiooptions.IOStreams
}

func newPolicyFmtCommand(streams genericiooptions.IOStreams) *cobra.Command {
	o := &policyFmtOptions{streams: streams}
	cmd := &cobra.Command{
		Use:   "fmt PATH...",
		Short: "List (or with -w rewrite) Rego files not formatted as OPA's formatter writes them",
		Long: `List the .rego files PATH names (files or directories, recursive) whose text
differs from what OPA's formatter writes for Rego v1; with -w, rewrite them.

Exit codes: 0 every file is formatted (or was rewritten); 1 a file needs
formatting (without -w); 2 a file does not parse.`,
		Example: `  seaworthy policy fmt ./policies/       # in CI: fails when a file is not formatted
  seaworthy policy fmt -w ./policies/`,
		Args: cobra.MinimumNArgs(1),
		RunE: runE(o),
	}
	cmd.Flags().BoolVarP(&o.write, "write", "w", false, "Rewrite the files that need formatting.")
	return cmd
}

func (o *policyFmtOptions) complete(_ *cobra.Command, args []string) error {
	o.paths = args
	return nil
}

func (o *policyFmtOptions) validate() error {
	for _, p := range o.paths {
		if strings.HasPrefix(p, policies.BuiltinPrefix) && o.write {
			return fmt.Errorf("policy fmt -w cannot rewrite %s: built-in bundles are part of the binary", p)
		}
	}
	return nil
}

func (o *policyFmtOptions) run(context.Context) error {
	srcs, err := policies.ReadSources(o.paths)
	if err != nil {
		return runError(err)
	}
	// Format everything first, so a file that does not parse leaves every
	// file as it was.
	type change struct {
		name string
		text []byte
	}
	var changes []change
	for _, s := range srcs {
		out, err := policies.Format(s)
		if err != nil {
			return runError(err)
		}
		if !bytes.Equal(out, s.Text) {
			changes = append(changes, change{s.Name, out})
		}
	}
	var buf bytes.Buffer
	for _, c := range changes {
		if o.write {
			if err := replaceFile(c.name, c.text); err != nil {
				return runError(err)
			}
			fmt.Fprintf(&buf, "formatted %s\n", c.name)
		} else {
			fmt.Fprintln(&buf, c.name)
		}
	}
	if _, err := o.streams.Out.Write(buf.Bytes()); err != nil {
		return err
	}
	if len(changes) > 0 && !o.write {
		return &ExitError{Code: 1, Err: fmt.Errorf("%s not formatted; seaworthy policy fmt -w rewrites them", plural(len(changes), "file"))}
	}
	return nil
}

// replaceFile replaces path with data through a temporary file beside
// it, keeping its mode.
func replaceFile(path string, data []byte) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), fi.Mode().Perm()); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// policyCheckOptions are the flags of `seaworthy policy check`.
type policyCheckOptions struct {
	paths   []string
	streams genericiooptions.IOStreams
}

func newPolicyCheckCommand(streams genericiooptions.IOStreams) *cobra.Command {
	o := &policyCheckOptions{streams: streams}
	return &cobra.Command{
		Use:   "check PATH...",
		Short: "Parse and compile policies as audit --policy would, without reading a cluster",
		Long: `Parse the policies PATH names as Rego v1 and compile them as audit --policy
does: every deny, violation and warn rule must be a partial set. Prints how
many rules it found.

Exit codes: 0 they compile; 2 they do not (the error names file:line).`,
		Example: `  seaworthy policy check ./policies/ builtin:production`,
		Args:    cobra.MinimumNArgs(1),
		RunE:    runE(o),
	}
}

func (o *policyCheckOptions) complete(_ *cobra.Command, args []string) error {
	o.paths = args
	return nil
}
func (o *policyCheckOptions) validate() error { return nil }

func (o *policyCheckOptions) run(ctx context.Context) error {
	e, err := policies.Load(ctx, o.paths, policies.Options{})
	if err != nil {
		return runError(err)
	}
	_, err = fmt.Fprintf(o.streams.Out, "ok\t%s\n", plural(len(e.Policies()), "rule"))
	return err
}
