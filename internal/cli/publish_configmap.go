package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/pflag"
	"k8s.io/client-go/kubernetes"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/seaworthy-k8s/seaworthy/publish"
	"github.com/seaworthy-k8s/seaworthy/publish/configmap"
)

// serviceAccountNamespaceFile holds the pod's namespace in a pod with a
// ServiceAccount token mounted.
const serviceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace"

func init() {
	k := &configMapKind{}
	registerPublishKind(&publishKind{
		name:     "configmap",
		usage:    "configmap[:NS/NAME] (default NAME " + configmap.DefaultName + ", NS the pod's or the kubeconfig context's)",
		addFlags: k.addFlags,
		targets:  k.targets,
	})
}

// configMapKind is --publish configmap. targets gets no flag set, so the
// kind keeps the one its flags were added to (that of the command being
// built) to read --keep and the kubeconfig flags from.
type configMapKind struct {
	fs *pflag.FlagSet
}

func (k *configMapKind) addFlags(fs *pflag.FlagSet) {
	k.fs = fs
	fs.Int("keep", configmap.DefaultKeep, fmt.Sprintf("Reports --publish configmap keeps (1 to %d): NAME is the latest, NAME-1 … NAME-(N-1) the older ones.", configmap.MaxKeep))
}

func (k *configMapKind) targets(args []string, env *publishEnv) ([]publish.Target, error) {
	keep, err := k.fs.GetInt("keep")
	if err != nil {
		return nil, err
	}
	if len(args) == 0 {
		if f := k.fs.Lookup("keep"); f != nil && f.Changed {
			return nil, fmt.Errorf("--keep applies only to --publish configmap")
		}
		return nil, nil
	}
	var out []publish.Target
	for _, arg := range args {
		ns, name, err := configmap.ParseArg(arg)
		if err != nil {
			return nil, err
		}
		if err := configmap.Validate(ns, name, keep); err != nil {
			return nil, err
		}
		connect := func() (corev1client.ConfigMapsGetter, string, error) {
			cfg, err := env.restConfig()
			if err != nil {
				return nil, "", err
			}
			client, err := kubernetes.NewForConfig(cfg)
			if err != nil {
				return nil, "", fmt.Errorf("make a client: %w", err)
			}
			if ns != "" {
				return client.CoreV1(), "", nil
			}
			def, err := k.defaultNamespace()
			if err != nil {
				return nil, "", err
			}
			return client.CoreV1(), def, nil
		}
		out = append(out, configmap.New(configmap.Options{Namespace: ns, Name: name, Keep: keep}, connect))
	}
	return out, nil
}

// defaultNamespace is the pod's namespace with --in-cluster, else the
// namespace of the kubeconfig context (kubectl's "default" when it names
// none). -n is not used: audit gives it a meaning of its own.
func (k *configMapKind) defaultNamespace() (string, error) {
	if inCluster, _ := k.fs.GetBool("in-cluster"); inCluster {
		b, err := os.ReadFile(serviceAccountNamespaceFile)
		if err != nil {
			return "", fmt.Errorf("read the pod's namespace (give --publish configmap:NS/NAME): %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if f := k.fs.Lookup("kubeconfig"); f != nil {
		rules.ExplicitPath = f.Value.String()
	}
	overrides := &clientcmd.ConfigOverrides{}
	if f := k.fs.Lookup("context"); f != nil {
		overrides.CurrentContext = f.Value.String()
	}
	ns, _, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides).Namespace()
	if err != nil {
		return "", fmt.Errorf("read the kubeconfig context's namespace (give --publish configmap:NS/NAME): %w", err)
	}
	return ns, nil
}
