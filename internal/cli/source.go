package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/live"
	"github.com/seaworthy-k8s/seaworthy/cluster/manifests"
)

// sourceOptions are the flags shared by every command that reads a
// cluster: kubectl's kubeconfig flags, --in-cluster, or -f for files.
type sourceOptions struct {
	configFlags *genericclioptions.ConfigFlags
	filenames   []string
	inCluster   bool
	now         string
	quiet       bool
	// scopesNamespace: the command also scopes its output by -n (audit),
	// so -n means something on a live read too.
	scopesNamespace bool
	// allowSecretMetadata lists the Secrets' names, metadata-only, on a
	// live read (audit and snapshot --allow-secret-metadata).
	allowSecretMetadata bool

	nowTime time.Time
	streams genericiooptions.IOStreams
}

func newSourceOptions(streams genericiooptions.IOStreams) *sourceOptions {
	cf := genericclioptions.NewConfigFlags(false)
	// A live read covers every namespace; -n/--namespace is kubectl's
	// apply -n for -f input: the namespace of objects that name none
	// (audit also scopes its report by it, see scope.go).
	cf.CacheDir = nil
	timeout := "30s"
	cf.Timeout = &timeout
	return &sourceOptions{configFlags: cf, streams: streams}
}

func (o *sourceOptions) addFlags(fs *pflag.FlagSet) {
	o.configFlags.AddFlags(fs)
	if f := fs.Lookup("namespace"); f != nil && o.configFlags.Namespace != nil {
		f.Usage = "With -f: the namespace of objects that name none, as kubectl apply -n gives them (default: default)."
	}
	fs.StringArrayVarP(&o.filenames, "filename", "f", nil,
		"Read manifests or a snapshot instead of a live cluster: a file, a directory (recursive; .yaml, .yml, .json; dot-files and dot-directories left out) or - for stdin. Repeatable.")
	fs.BoolVar(&o.inCluster, "in-cluster", false, "Use the pod's ServiceAccount instead of a kubeconfig (when running inside the cluster).")
	fs.StringVar(&o.now, "now", "", "Time (RFC 3339) to audit manifests as of, for reproducible output. Default: the run's start.")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "Print no progress on stderr.")
}

// addSecretMetadataFlag adds --allow-secret-metadata, for the commands
// whose checks can use the Secrets' names (audit, snapshot).
func (o *sourceOptions) addSecretMetadataFlag(fs *pflag.FlagSet) {
	fs.BoolVar(&o.allowSecretMetadata, "allow-secret-metadata", false,
		"On a live read, also list the Secrets metadata-only and keep only their namespaces and names (no data is ever fetched), so NET-009 can check that Ingress TLS secrets exist. "+
			"Needs list on secrets, which the shipped RBAC does not grant (see deploy/overlays/secret-metadata).")
}

func (o *sourceOptions) complete() error {
	o.nowTime = time.Now().UTC().Truncate(time.Second)
	if o.now != "" {
		t, err := time.Parse(time.RFC3339, o.now)
		if err != nil {
			return fmt.Errorf("invalid --now %q: want RFC 3339, e.g. 2026-01-02T15:04:05Z", o.now)
		}
		o.nowTime = t.UTC()
	}
	return nil
}

func (o *sourceOptions) validate() error {
	if len(o.filenames) > 0 && o.inCluster {
		return errors.New("--in-cluster and -f cannot be used together")
	}
	if o.allowSecretMetadata && len(o.filenames) > 0 {
		return errors.New("--allow-secret-metadata applies only to a live read; with -f the names of the Secret documents in the input are read without it")
	}
	if o.now != "" && len(o.filenames) == 0 {
		return errors.New("--now applies only to -f input; a live audit uses the time it reads the cluster")
	}
	if o.defaultNamespace() != "" && len(o.filenames) == 0 && !o.scopesNamespace {
		return errors.New("-n/--namespace applies only to -f input (the namespace of objects that name none); a live audit reads every namespace")
	}
	return nil
}

// load reads the snapshot from files or the live cluster.
func (o *sourceOptions) load(ctx context.Context) (*cluster.Snapshot, error) {
	if len(o.filenames) > 0 {
		var skipped atomic.Int64
		prog := newProgress(o.streams.ErrOut, o.quiet)
		snap, err := manifests.Load(o.filenames, manifests.Options{
			Now:   o.nowTime,
			Stdin: o.streams.In,
			Warn: func(msg string) {
				skipped.Add(1)
				prog.done() // a warning starts on a line of its own
				slog.Warn(msg)
			},
			DefaultNamespace: o.defaultNamespace(),
			Context:          ctx,
			Progress:         prog.manifests,
		})
		prog.done()
		if err != nil {
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := o.checkFileInput(snap, skipped.Load() > 0); err != nil {
			return nil, err
		}
		return snap, nil
	}
	cfg, err := o.restConfig()
	if err != nil {
		return nil, err
	}
	prog := newProgress(o.streams.ErrOut, o.quiet)
	defer prog.done()
	// A live read is mostly garbage: every page is decoded, then trimmed
	// and shared into far fewer live objects. A soft memory limit makes
	// the collector work harder only once the heap nears it, which keeps
	// the peak near what is kept at little cost in time. GOMEMLIMIT in
	// the environment still wins.
	if os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(liveMemoryLimit))
	}
	snap, err := live.Collect(ctx, cfg, live.Options{Progress: prog.update, SecretMetadata: o.allowSecretMetadata})
	if err == nil && ctx.Err() != nil {
		// Cancelled as the read ended: write nothing of it.
		return nil, ctx.Err()
	}
	return snap, err
}

// checkFileInput rejects what -f input cannot mean: --now with a snapshot
// file (which carries its own collectedAt), and input that holds no object
// of any kind seaworthy reads. An empty file, an empty stdin (the command
// piped in failed), a file of only "---", a set of only unknown kinds or a
// snapshot of nothing would otherwise audit as "all checks passed".
func (o *sourceOptions) checkFileInput(snap *cluster.Snapshot, warned bool) error {
	if o.now != "" && snap.Source == cluster.SourceSnapshot {
		return errors.New("--now applies to manifests; a snapshot carries its own collectedAt")
	}
	if o.defaultNamespace() != "" && snap.Source == cluster.SourceSnapshot && !o.scopesNamespace {
		// audit's -n scopes a snapshot's results; elsewhere it would only
		// name a namespace for objects that have one already.
		return errors.New("-n/--namespace applies to manifests; a snapshot keeps the namespaces its objects were read with")
	}
	for _, n := range snap.Counts() {
		if n > 0 {
			return nil
		}
	}
	in := o.inputNames()
	switch {
	case snap.Source == cluster.SourceSnapshot && len(snap.Gaps) > 0:
		return fmt.Errorf("no objects seaworthy reads in %s: the snapshot holds none, only %d gaps (what could not be read when it was taken)", in, len(snap.Gaps))
	case snap.Source == cluster.SourceSnapshot:
		return fmt.Errorf("no objects seaworthy reads in %s: the snapshot holds none", in)
	case warned:
		return fmt.Errorf("no objects seaworthy reads in %s: every document was skipped (see the warnings above)", in)
	default:
		return fmt.Errorf("no objects seaworthy reads in %s: the input is empty or holds only kinds seaworthy does not read", in)
	}
}

// inputNames names the -f inputs for messages, stdin for "-".
func (o *sourceOptions) inputNames() string {
	names := make([]string, len(o.filenames))
	for i, f := range o.filenames {
		names[i] = f
		if f == "-" {
			names[i] = "stdin"
		}
	}
	return strings.Join(names, ", ")
}

// liveMemoryLimit is the soft memory limit of a live read.
const liveMemoryLimit = 224 << 20

// defaultNamespace is the -n/--namespace value, if the command has the
// flag (rbac commands give -n a meaning of their own).
func (o *sourceOptions) defaultNamespace() string {
	if o.configFlags.Namespace == nil {
		return ""
	}
	return *o.configFlags.Namespace
}

func (o *sourceOptions) restConfig() (*rest.Config, error) {
	if o.inCluster {
		cfg, err := rest.InClusterConfig()
		if err != nil {
			return nil, fmt.Errorf("load in-cluster config: %w", err)
		}
		if t, err := time.ParseDuration(*o.configFlags.Timeout); err == nil {
			cfg.Timeout = t
		}
		return cfg, nil
	}
	cfg, err := o.configFlags.ToRESTConfig()
	if err != nil {
		return nil, fmt.Errorf("load kubeconfig: %w", err)
	}
	return cfg, nil
}

// serviceAccountNamespaceFile holds the pod's namespace in a pod with a
// ServiceAccount token mounted.
const serviceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace"

// contextNamespace is the pod's namespace with --in-cluster, else the
// namespace of the kubeconfig context (kubectl's "default" when it names
// none). -n is not used: audit gives it a meaning of its own.
func (o *sourceOptions) contextNamespace() (string, error) {
	if o.inCluster {
		b, err := os.ReadFile(serviceAccountNamespaceFile)
		if err != nil {
			return "", fmt.Errorf("read the pod's namespace: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if o.configFlags.KubeConfig != nil {
		rules.ExplicitPath = *o.configFlags.KubeConfig
	}
	overrides := &clientcmd.ConfigOverrides{}
	if o.configFlags.Context != nil {
		overrides.CurrentContext = *o.configFlags.Context
	}
	ns, _, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides).Namespace()
	if err != nil {
		return "", fmt.Errorf("read the kubeconfig context's namespace: %w", err)
	}
	return ns, nil
}
