package cli

import (
	"context"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/seaworthy-k8s/seaworthy/policies"
)

// policySchemaOptions are the flags of `seaworthy policy schema` (none).
type policySchemaOptions struct {
	streams genericiooptions.IOStreams
}

func newPolicySchemaCommand(streams genericiooptions.IOStreams) *cobra.Command {
	o := &policySchemaOptions{streams: streams}
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the input document policies evaluate",
		Long: `Print the JSON Schema (draft 2020-12) of the document policy input prints
and audit --policy gives every policy, generated from this build's types;
docs/policy-input.schema.json holds the same text and docs/policy-input.md
describes the document.`,
		Example: `  seaworthy policy schema > policy-input.schema.json
  seaworthy policy input -f ./manifests/ > input.json   # validates against it`,
		Args: cobra.NoArgs,
		RunE: runE(o),
	}
}

func (o *policySchemaOptions) complete(*cobra.Command, []string) error { return nil }
func (o *policySchemaOptions) validate() error                         { return nil }

func (o *policySchemaOptions) run(context.Context) error {
	b, err := policies.Schema()
	if err != nil {
		return runError(err)
	}
	return writeAll(o.streams.Out, b)
}
