package index

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// KubeadmConfig is the part of kubeadm's ClusterConfiguration seaworthy
// reads, for kubeadm.k8s.io/v1beta3 and v1beta4.
type KubeadmConfig struct {
	APIVersion           string `json:"apiVersion"`
	ControlPlaneEndpoint string `json:"controlPlaneEndpoint"`
	APIServer            struct {
		ExtraArgs ExtraArgs `json:"extraArgs"`
	} `json:"apiServer"`
	ControllerManager struct {
		ExtraArgs ExtraArgs `json:"extraArgs"`
	} `json:"controllerManager"`
	Scheduler struct {
		ExtraArgs ExtraArgs `json:"extraArgs"`
	} `json:"scheduler"`
	Etcd struct {
		Local *struct {
			ExtraArgs ExtraArgs `json:"extraArgs"`
		} `json:"local"`
		External *struct {
			Endpoints []string `json:"endpoints"`
		} `json:"external"`
	} `json:"etcd"`
}

// ExtraArgs holds kubeadm extraArgs in order: v1beta3 writes them as a map
// (name: value), v1beta4 as a list of {name, value} that may repeat a name.
type ExtraArgs []FlagValue

// FlagValue is one extraArgs entry.
type FlagValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// UnmarshalJSON accepts both shapes.
func (e *ExtraArgs) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		return nil
	}
	if strings.HasPrefix(s, "{") {
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("extraArgs map: %w", err)
		}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			*e = append(*e, FlagValue{Name: k, Value: m[k]})
		}
		return nil
	}
	var l []FlagValue
	if err := json.Unmarshal(b, &l); err != nil {
		return fmt.Errorf("extraArgs list: %w", err)
	}
	*e = l
	return nil
}

// Flags returns the arguments as Flags.
func (e ExtraArgs) Flags() Flags {
	fs := Flags{}
	for _, a := range e {
		fs[a.Name] = append(fs[a.Name], a.Value)
	}
	return fs
}

// ParseKubeadmConfig parses a ClusterConfiguration document.
func ParseKubeadmConfig(raw string) (*KubeadmConfig, error) {
	var cfg KubeadmConfig
	if err := yaml.Unmarshal([]byte(raw), &cfg); err != nil {
		return nil, fmt.Errorf("parse kubeadm ClusterConfiguration: %w", err)
	}
	return &cfg, nil
}

type kubeadmFacts struct {
	cfg     *KubeadmConfig
	present bool
	err     error
}

// KubeadmConfig returns kube-system/kubeadm-config's ClusterConfiguration,
// parsed once. present is false when the ConfigMap is not in the snapshot;
// err is set when it is but cannot be parsed.
func (ix *Index) KubeadmConfig() (cfg *KubeadmConfig, present bool, err error) {
	ix.kubeadmOnce.Do(func() {
		f := &ix.kubeadm
		cm, ok := ix.snap.ConfigMap(KubeSystem, KubeadmConfigName)
		if !ok {
			return
		}
		f.present = true
		raw, ok := cm.Data["ClusterConfiguration"]
		if !ok {
			f.err = fmt.Errorf("kube-system/kubeadm-config has no ClusterConfiguration key")
			return
		}
		f.cfg, f.err = ParseKubeadmConfig(raw)
	})
	return ix.kubeadm.cfg, ix.kubeadm.present, ix.kubeadm.err
}

// KubeadmConfigGap returns the snapshot's gap for the kubeadm-config
// ConfigMap (forbidden, say), if any.
func (ix *Index) KubeadmConfigGap() (cluster.Gap, bool) {
	for _, g := range ix.snap.Gaps {
		if g.Kind == cluster.KindConfigMaps && (g.Name == "" || (g.Namespace == KubeSystem && g.Name == KubeadmConfigName)) {
			return g, true
		}
	}
	return cluster.Gap{}, false
}

// KubeadmConfigRef names the kubeadm-config ConfigMap in results.
var KubeadmConfigRef = cluster.RefOf(cluster.KindConfigMaps, KubeSystem, KubeadmConfigName)

// Signals for where API server flags were read, as evidence names them.
const (
	SignalAPIServerPod  = "kube-apiserver-pod"
	SignalKubeadmConfig = cluster.SignalKubeadmConfig
	SignalK3sNodeArgs   = "k3s-node-args"
)

// APIServerConfig is one place the API server's flags can be read from.
type APIServerConfig struct {
	Ref    result.ObjectRef
	Signal string
	// Flags as given; Defaults are what the platform passes when a flag is
	// not given (kubeadm and k3s set some themselves).
	Flags    Flags
	Defaults map[string]string
	// Source is words for messages: "kube-apiserver-cp-a".
	Source string
}

// Value returns the flag's effective value and whether it was set (or
// defaulted by the platform).
func (c APIServerConfig) Value(name string) (string, bool) {
	if v, ok := c.Flags.Last(name); ok {
		return v, true
	}
	v, ok := c.Defaults[name]
	return v, ok
}

// kubeadmAPIServerDefaults are the flags kubeadm passes unless extraArgs
// overrides them.
var kubeadmAPIServerDefaults = map[string]string{"authorization-mode": "Node,RBAC"}

// k3sAPIServerDefaults are the flags k3s and rke2 pass unless
// --kube-apiserver-arg overrides them.
var k3sAPIServerDefaults = map[string]string{"authorization-mode": "Node,RBAC", "anonymous-auth": "false"}

type apiServerFacts struct {
	configs []APIServerConfig
	looked  []string
}

// APIServerConfigs returns where the API server's flags are visible,
// strongest first: the kube-apiserver static pods (one each), else the
// kubeadm ClusterConfiguration, else the k3s/rke2 server nodes' node-args.
// looked says what was tried, for skip messages. Callers must not modify
// what it returns.
func (ix *Index) APIServerConfigs() (configs []APIServerConfig, looked []string) {
	ix.apiServersOnce.Do(func() {
		ix.apiServers.configs, ix.apiServers.looked = ix.apiServerConfigs()
	})
	return ix.apiServers.configs, ix.apiServers.looked
}

func (ix *Index) apiServerConfigs() (configs []APIServerConfig, looked []string) {
	s := ix.snap
	for _, p := range ix.ComponentPods("kube-apiserver") {
		configs = append(configs, APIServerConfig{Ref: PodRef(p), Signal: SignalAPIServerPod,
			Flags: PodFlags(p, "kube-apiserver"), Source: p.Name})
	}
	if len(configs) > 0 {
		return configs, nil
	}
	if g, ok := s.GapFor(cluster.KindPods); ok {
		looked = append(looked, "kube-apiserver pods ("+g.Reason+")")
	} else {
		looked = append(looked, "no kube-apiserver pod in kube-system")
	}
	cfg, present, err := ix.KubeadmConfig()
	switch {
	case err != nil:
		looked = append(looked, err.Error())
	case present:
		return []APIServerConfig{{Ref: KubeadmConfigRef, Signal: SignalKubeadmConfig, Flags: cfg.APIServer.ExtraArgs.Flags(),
			Defaults: kubeadmAPIServerDefaults, Source: "kubeadm-config apiServer.extraArgs"}}, nil
	default:
		if g, ok := ix.KubeadmConfigGap(); ok {
			looked = append(looked, "kubeadm-config ("+g.Reason+")")
		} else {
			looked = append(looked, "no kubeadm-config")
		}
	}
	for _, sv := range ix.ServerNodes() {
		configs = append(configs, APIServerConfig{Ref: NodeRef(sv.Node.Name), Signal: SignalK3sNodeArgs,
			Flags: ComponentArgs(sv.Args, "kube-apiserver-arg"), Defaults: k3sAPIServerDefaults,
			Source: "server " + sv.Node.Name + " (" + sv.Annotation + ")"})
	}
	if len(configs) == 0 {
		looked = append(looked, "no k3s/rke2 server node-args")
	}
	return configs, looked
}

// PodRef names a pod in results.
func PodRef(p *corev1.Pod) result.ObjectRef {
	return cluster.RefOf(cluster.KindPods, p.Namespace, p.Name)
}

// NodeRef names a node in results.
func NodeRef(name string) result.ObjectRef { return cluster.RefOf(cluster.KindNodes, "", name) }

// LeaseRef names a Lease in results.
func LeaseRef(namespace, name string) result.ObjectRef {
	return cluster.RefOf(cluster.KindLeases, namespace, name)
}
