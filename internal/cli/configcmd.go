package cli

import (
	"bytes"
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/seaworthy-k8s/seaworthy/checks"
)

// thresholdFlags are audit's --config and the threshold flags people set
// most, which override the file.
type thresholdFlags struct {
	config            string
	exclude           []string
	systemNamespaces  []string
	largeClusterNodes int
}

func addThresholdFlags(fs *pflag.FlagSet) *thresholdFlags {
	f := &thresholdFlags{}
	fs.StringVar(&f.config, "config", "", "Read the checks' thresholds from this YAML file (see docs/config.md; 'seaworthy config default' prints the defaults); --exclude-namespaces, --system-namespaces and --large-cluster-nodes override it.")
	fs.StringSliceVar(&f.exclude, "exclude-namespaces", nil, "Namespaces the QUOTA checks ignore besides the system namespaces (quota.excludeNamespaces).")
	fs.StringSliceVar(&f.systemNamespaces, "system-namespaces", nil, "The control plane's namespaces, for the QUOTA, RBAC and WL checks (quota.systemNamespaces, rbac.systemNamespaces and workload.systemNamespaces; default kube-system, kube-public, kube-node-lease).")
	fs.IntVar(&f.largeClusterNodes, "large-cluster-nodes", 0, "Node count from which a cluster is large, for DNS-006 and ETCD-002 (dns.largeClusterNodes and etcd.largeClusterNodes; default 500).")
	return f
}

// options returns the defaults, overlaid by the config file, overlaid by
// the flags set on fs.
func (f *thresholdFlags) options(fs *pflag.FlagSet) (checks.Options, error) {
	opts := checks.DefaultOptions()
	if f.config != "" {
		var err error
		if opts, err = checks.LoadConfig(f.config); err != nil {
			return checks.Options{}, err
		}
	}
	if fs.Changed("exclude-namespaces") {
		opts.Quota.ExcludeNamespaces = f.exclude
	}
	if fs.Changed("system-namespaces") {
		opts.Quota.SystemNamespaces = f.systemNamespaces
		opts.RBAC.SystemNamespaces = f.systemNamespaces
		opts.Workload.SystemNamespaces = f.systemNamespaces
	}
	if fs.Changed("large-cluster-nodes") {
		if f.largeClusterNodes < 1 {
			return checks.Options{}, fmt.Errorf("invalid --large-cluster-nodes %d: want a node count of at least 1", f.largeClusterNodes)
		}
		opts.DNS.LargeClusterNodes = f.largeClusterNodes
		opts.Etcd.LargeClusterNodes = f.largeClusterNodes
	}
	return opts, nil
}

type configDefaultOptions struct {
	streams genericiooptions.IOStreams
}

func newConfigCommand(streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Work with the config file of check thresholds",
		Args:  cobra.NoArgs,
	}
	o := &configDefaultOptions{streams: streams}
	cmd.AddCommand(&cobra.Command{
		Use:   "default",
		Short: "Print the default config file, every threshold with its default",
		Long: `Print the config file that sets every check threshold to its default, as
YAML with a comment per option. Edit it, keep what you change, and pass it
to 'seaworthy audit --config'. docs/config.md describes the format.`,
		Example: `  seaworthy config default > seaworthy.yaml
  seaworthy audit --config seaworthy.yaml`,
		Args: cobra.NoArgs,
		RunE: runE(o),
	})
	return cmd
}

func (o *configDefaultOptions) complete(*cobra.Command, []string) error { return nil }

func (o *configDefaultOptions) validate() error { return nil }

func (o *configDefaultOptions) run(context.Context) error {
	var buf bytes.Buffer
	if err := checks.WriteConfig(&buf, checks.DefaultOptions()); err != nil {
		return runError(err)
	}
	if err := writeAll(o.streams.Out, buf.Bytes()); err != nil {
		return runError(fmt.Errorf("write config: %w", err))
	}
	return nil
}
