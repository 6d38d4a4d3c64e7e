package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"k8s.io/client-go/rest"

	"github.com/seaworthy-k8s/seaworthy/publish"
	"github.com/seaworthy-k8s/seaworthy/report"
)

// publishKind is one kind of publish target. Each target's file registers
// a constructor of its kind in init(), so adding a target touches no other
// file; every command gets kinds of its own, so their flag values are not
// shared.
type publishKind struct {
	// name is KIND in --publish KIND[:ARG]; "" for a target that has only
	// its own flags (the Pushgateway's --pushgateway URL).
	name string
	// usage is its line in --publish's help, e.g. "configmap:NS/NAME".
	usage string
	// addFlags adds the kind's own flags; may be nil.
	addFlags func(fs *pflag.FlagSet)
	// targets builds the kind's targets from the ARGs of its --publish
	// values (empty when none was given; "" for a bare KIND) and its own
	// flags. It returns none when the kind was not asked for, and an error
	// for a bad ARG or flag: flags are checked before anything is read.
	targets func(args []string, env *publishEnv) ([]publish.Target, error)
}

var publishKinds []func() *publishKind

func registerPublishKind(newKind func() *publishKind) { publishKinds = append(publishKinds, newKind) }

// publishEnv is what targets are built from.
type publishEnv struct {
	// restConfig is the cluster the audit reads (kubeconfig or in-cluster).
	restConfig func() (*rest.Config, error)
	// clusterName is --cluster-name.
	clusterName string
	// namespace is the namespace a target defaults to: the pod's with
	// --in-cluster, else the kubeconfig context's (not -n, which audit
	// uses for scope).
	namespace func() (string, error)
}

type publishOptions struct {
	specs       []string
	clusterName string

	kinds   []*publishKind
	targets []publish.Target
}

func (o *publishOptions) addFlags(fs *pflag.FlagSet) {
	o.kinds = nil
	for _, newKind := range publishKinds {
		o.kinds = append(o.kinds, newKind())
	}
	var kinds []string
	for _, k := range o.kinds {
		if k.name != "" {
			kinds = append(kinds, k.usage)
		}
	}
	sort.Strings(kinds)
	fs.StringArrayVar(&o.specs, "publish", nil, "Publish the finished report (repeatable): "+strings.Join(kinds, ", ")+". Nothing is published when the audit fails or is interrupted.")
	fs.StringVar(&o.clusterName, "cluster-name", "", "Name of the cluster in published reports and metrics (the Pushgateway's cluster label).")
	for _, k := range o.kinds {
		if k.addFlags != nil {
			k.addFlags(fs)
		}
	}
}

// complete parses --publish and builds every target asked for.
func (o *publishOptions) complete(env *publishEnv) error {
	args := map[string][]string{}
	for _, s := range o.specs {
		kind, arg, _ := strings.Cut(s, ":")
		if !o.known(kind) {
			return fmt.Errorf("invalid --publish %q: want one of %s", s, strings.Join(o.kindNames(), ", "))
		}
		args[kind] = append(args[kind], arg)
	}
	env.clusterName = o.clusterName
	o.targets = nil
	for _, k := range o.kinds {
		ts, err := k.targets(args[k.name], env)
		if err != nil {
			return err
		}
		o.targets = append(o.targets, ts...)
	}
	return nil
}

func (o *publishOptions) known(kind string) bool {
	for _, k := range o.kinds {
		if k.name != "" && k.name == kind {
			return true
		}
	}
	return false
}

func (o *publishOptions) kindNames() []string {
	var names []string
	for _, k := range o.kinds {
		if k.name != "" {
			names = append(names, k.name)
		}
	}
	sort.Strings(names)
	return names
}

// run publishes a finished report to every target, with progress on
// errOut unless quiet.
func (o *publishOptions) run(ctx context.Context, rep *report.Report, started time.Time, auditTook time.Duration, errOut io.Writer, quiet bool) error {
	if len(o.targets) == 0 {
		return nil
	}
	run := &publish.Run{Report: rep, Cluster: o.clusterName, Started: started, Duration: auditTook}
	progress := func(msg string) {
		if !quiet {
			fmt.Fprintln(errOut, msg)
		}
	}
	return publish.All(ctx, o.targets, run, progress)
}
