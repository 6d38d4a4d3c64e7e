package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/seaworthy-k8s/seaworthy/checks"
	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/policies"
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
	var opts policies.Options
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
		Short: "Work with Rego policies: print their input, run their tests",
		Long: `Policies are Rego v1 files that audit --policy evaluates beside the built-in
checks. Rules deny, violation (fail) and warn (warn) in package main or
seaworthy.<name> give a message or an object {msg, id, object}; # METADATA
annotations give the id, title, severity and remediation (docs/ci.md).`,
	}
	cmd.AddCommand(newPolicyInputCommand(streams), newPolicyTestCommand(streams))
	return cmd
}

// policyInputOptions are the flags of `seaworthy policy input`.
type policyInputOptions struct {
	source  *sourceOptions
	streams genericiooptions.IOStreams
}

func newPolicyInputCommand(streams genericiooptions.IOStreams) *cobra.Command {
	o := &policyInputOptions{source: newSourceOptions(streams), streams: streams}
	cmd := &cobra.Command{
		Use:   "input",
		Short: "Print the input document policies evaluate, for writing policies against real data",
		Long: `Print, as JSON, the document audit --policy gives every policy as input:
{"snapshot": ..., "results": [...], "recommendations": null, "index": ...},
for the same sources audit reads (the current context, or -f files).`,
		Example: `  seaworthy policy input -f ./manifests/ > input.json
  opa eval -d policy.rego -i input.json 'data.main.deny'`,
		Args: cobra.NoArgs,
		RunE: runE(o),
	}
	o.source.addFlags(cmd.Flags())
	return cmd
}

func (o *policyInputOptions) complete(*cobra.Command, []string) error { return o.source.complete() }
func (o *policyInputOptions) validate() error                         { return o.source.validate() }

func (o *policyInputOptions) run(ctx context.Context) error {
	snap, err := o.source.load(ctx)
	if err != nil {
		return runError(err)
	}
	in := check.NewInput(snap)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(policies.Input(snap, check.RunInput(in, checks.All(checks.DefaultOptions())), nil, in.Index)); err != nil {
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
