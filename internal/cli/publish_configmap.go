package cli

import (
	"fmt"

	"github.com/spf13/pflag"
	"k8s.io/client-go/kubernetes"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"

	"github.com/seaworthy-k8s/seaworthy/publish"
	"github.com/seaworthy-k8s/seaworthy/publish/configmap"
)

func init() {
	registerPublishKind(func() *publishKind {
		k := &configMapKind{}
		return &publishKind{
			name:     "configmap",
			usage:    "configmap[:NS/NAME] (default NAME " + configmap.DefaultName + ", NS the pod's or the kubeconfig context's)",
			addFlags: k.addFlags,
			targets:  k.targets,
		}
	})
}

// configMapKind is --publish configmap and its --keep.
type configMapKind struct {
	keep    int
	keepSet func() bool
}

func (k *configMapKind) addFlags(fs *pflag.FlagSet) {
	fs.IntVar(&k.keep, "keep", configmap.DefaultKeep, fmt.Sprintf("Reports --publish configmap keeps (1 to %d): NAME is the latest, NAME-1 … NAME-(N-1) the older ones.", configmap.MaxKeep))
	k.keepSet = func() bool { return fs.Changed("keep") }
}

func (k *configMapKind) targets(args []string, env *publishEnv) ([]publish.Target, error) {
	keep := k.keep
	if len(args) == 0 {
		if k.keepSet() {
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
			def, err := env.namespace()
			if err != nil {
				return nil, "", fmt.Errorf("%w (give --publish configmap:NS/NAME)", err)
			}
			return client.CoreV1(), def, nil
		}
		out = append(out, configmap.New(configmap.Options{Namespace: ns, Name: name, Keep: keep}, connect))
	}
	return out, nil
}
