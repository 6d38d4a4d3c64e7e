package checks

import (
	"encoding/json"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// Platform detection (used by CP-004 and by every control-plane, etcd and
// API access check to tell self-managed from managed control planes).
//
// Signals are tried strongest first and the first that names a platform
// wins; the result says which one it was:
//
//  1. server-version: the API server's gitVersion carries a distribution
//     marker ("-eks-", "-gke.", "+k3s", "+rke2"). Live snapshots only.
//  2. clusterversion: an OpenShift config.openshift.io ClusterVersion.
//  3. node-provider-id: k3s:// or rke2:// node provider IDs, which only
//     those distributions write.
//  4. node-args: the k3s.io/node-args or rke2.io/node-args annotation that
//     k3s and rke2 servers and agents put on their Node.
//  5. node-labels: labels only a managed provider's node pools carry
//     (eks.amazonaws.com/…, cloud.google.com/gke-…, kubernetes.azure.com/…,
//     and those of DigitalOcean, Linode and Oracle), or kops' instance
//     group label.
//  6. etcd-manager: kops' etcd-manager static pods.
//  7. kubeadm: the kube-system/kubeadm-config ConfigMap, kubeadm's
//     annotations on control-plane static pods, or its cri-socket node
//     annotation.
//  8. node-provider-id again, for cloud prefixes (aws://, gce://,
//     azure://, …): these say where nodes run, not who runs the control
//     plane — kubeadm and kops clusters on EC2 have aws:// IDs too. They
//     name the managed service only when no control plane is visible at
//     all; with control-plane nodes or pods visible the platform is
//     reported as unknown, self-managed, on that cloud.
//
// Managed means a managed provider was named and no control-plane node or
// static control-plane pod is visible: EKS Anywhere, for one, builds EKS
// Distro (gitVersion "-eks-") but runs its own kubeadm control plane.

// Platform names.
const (
	PlatformEKS       = "eks"
	PlatformGKE       = "gke"
	PlatformAKS       = "aks"
	PlatformDOKS      = "doks"
	PlatformLKE       = "lke"
	PlatformOKE       = "oke"
	PlatformK3s       = "k3s"
	PlatformRKE2      = "rke2"
	PlatformOpenShift = "openshift"
	PlatformKops      = "kops"
	PlatformKubeadm   = "kubeadm"
	PlatformUnknown   = "unknown"
)

// Detection signals, as evidence names them.
const (
	signalServerVersion  = "server-version"
	signalClusterVersion = "clusterversion"
	signalProviderID     = "node-provider-id"
	signalNodeArgs       = "node-args"
	signalNodeLabels     = "node-labels"
	signalEtcdManager    = "etcd-manager"
	signalKubeadmConfig  = "kubeadm-config"
	signalKubeadmPods    = "kubeadm-static-pods"
	signalKubeadmNode    = "kubeadm-node-annotation"
	signalSnapshotField  = "snapshot-platform"
	signalNone           = "none"
)

// PlatformInfo is what DetectPlatform found.
type PlatformInfo struct {
	// Name is one of the Platform* constants.
	Name string
	// Managed is true when a managed provider runs the control plane.
	Managed bool
	// Cloud names the infrastructure the nodes' provider IDs point at
	// ("aws", "gcp", "azure", …), when known.
	Cloud string
	// Signal names the evidence that decided Name, and Detail quotes it.
	Signal string
	Detail string
	// ControlPlaneVisible is true when control-plane nodes or static
	// control-plane pods are in the snapshot.
	ControlPlaneVisible bool
	// ControlPlaneEvidence says what made the control plane visible.
	ControlPlaneEvidence string
}

// Label reads as "EKS (managed)" or "kubeadm (self-managed)".
func (p PlatformInfo) Label() string {
	name := platformTitle(p.Name)
	switch {
	case p.Name == PlatformUnknown && p.Cloud != "":
		return "unknown distribution on " + cloudTitle(p.Cloud)
	case p.Name == PlatformUnknown:
		return "unknown"
	case p.Managed:
		return name + " (managed control plane)"
	default:
		return name + " (self-managed control plane)"
	}
}

func platformTitle(name string) string {
	switch name {
	case PlatformEKS, PlatformGKE, PlatformAKS, PlatformDOKS, PlatformLKE, PlatformOKE, PlatformRKE2:
		return strings.ToUpper(name)
	case PlatformOpenShift:
		return "OpenShift"
	}
	return name
}

func cloudTitle(cloud string) string {
	switch cloud {
	case "aws":
		return "AWS"
	case "gcp":
		return "Google Cloud"
	case "azure":
		return "Azure"
	}
	return cloud
}

// evidence returns the evidence fields every control-plane result carries.
func (p PlatformInfo) evidence() map[string]any {
	ev := map[string]any{"platform": p.Name, "managed": p.Managed, "platformSignal": p.Signal}
	if p.Detail != "" {
		ev["platformDetail"] = p.Detail
	}
	if p.Cloud != "" {
		ev["cloud"] = p.Cloud
	}
	return ev
}

// versionMarkers map gitVersion substrings to platforms.
var versionMarkers = []struct{ marker, platform string }{
	{"-eks-", PlatformEKS},
	{"-gke.", PlatformGKE},
	{"+k3s", PlatformK3s},
	{"+rke2", PlatformRKE2},
}

// providerIDs map node spec.providerID schemes to the managed service that
// writes them (empty: a distribution, not a cloud) and the cloud.
var providerIDs = []struct{ prefix, platform, cloud string }{
	{"k3s://", PlatformK3s, ""},
	{"rke2://", PlatformRKE2, ""},
	{"aws://", PlatformEKS, "aws"},
	{"gce://", PlatformGKE, "gcp"},
	{"azure://", PlatformAKS, "azure"},
	{"digitalocean://", PlatformDOKS, "digitalocean"},
	{"linode://", PlatformLKE, "linode"},
	{"ocid1.", PlatformOKE, "oracle"},
	{"oci://", PlatformOKE, "oracle"},
}

// nodeLabelMarkers are label-name prefixes only one platform's nodes carry.
var nodeLabelMarkers = []struct{ prefix, platform string }{
	{"eks.amazonaws.com/", PlatformEKS},
	{"cloud.google.com/gke-", PlatformGKE},
	{"kubernetes.azure.com/", PlatformAKS},
	{"doks.digitalocean.com/", PlatformDOKS},
	{"lke.linode.com/", PlatformLKE},
	{"oci.oraclecloud.com/", PlatformOKE},
	{"kops.k8s.io/instancegroup", PlatformKops},
}

// managedPlatforms are the platforms whose provider may run the control
// plane.
var managedPlatforms = map[string]bool{
	PlatformEKS: true, PlatformGKE: true, PlatformAKS: true,
	PlatformDOKS: true, PlatformLKE: true, PlatformOKE: true,
}

const (
	labelControlPlane = "node-role.kubernetes.io/control-plane"
	labelMaster       = "node-role.kubernetes.io/master"
	labelLegacyRole   = "kubernetes.io/role"
	annoK3sNodeArgs   = "k3s.io/node-args"
	annoRKE2NodeArgs  = "rke2.io/node-args"
	annoKubeadmCRI    = "kubeadm.alpha.kubernetes.io/cri-socket"
	kubeadmAnnoPrefix = "kubeadm.kubernetes.io/"
	kubeSystem        = "kube-system"
	kubeadmConfigName = "kubeadm-config"
)

// isControlPlaneNode reports whether a node carries a control-plane role
// label (the current one, the legacy master one, or kops' older
// kubernetes.io/role=master).
func isControlPlaneNode(n *corev1.Node) bool {
	if _, ok := n.Labels[labelControlPlane]; ok {
		return n.Labels[labelControlPlane] != "false"
	}
	if _, ok := n.Labels[labelMaster]; ok {
		return n.Labels[labelMaster] != "false"
	}
	return n.Labels[labelLegacyRole] == "master"
}

// DetectPlatform decides the platform from a snapshot; see the order above.
func DetectPlatform(s *cluster.Snapshot) PlatformInfo { return detectPlatform(s) }

// platformOf is DetectPlatform for in.Snapshot, computed once per run.
func platformOf(in *Input) PlatformInfo {
	return memo(in, "platform", func() PlatformInfo { return detectPlatform(in.Snapshot) })
}

func detectPlatform(s *cluster.Snapshot) PlatformInfo {
	p := PlatformInfo{Name: PlatformUnknown, Signal: signalNone}
	p.ControlPlaneVisible, p.ControlPlaneEvidence = controlPlaneVisible(s)
	p.Cloud = nodeCloud(s)
	decide := func(name, signal, detail string) {
		p.Name, p.Signal, p.Detail = name, signal, detail
	}
	switch {
	case decideVersion(s, decide):
	case len(s.ClusterVersions) > 0:
		decide(PlatformOpenShift, signalClusterVersion, "config.openshift.io/v1 ClusterVersion "+s.ClusterVersions[0].GetName())
	case decideDistroProviderID(s, decide):
	case decideNodeArgs(s, decide):
	case decideNodeLabels(s, decide):
	case decideEtcdManager(s, decide):
	case decideKubeadm(s, decide):
	case decideCloudProviderID(s, &p, decide):
	case s.Server.Platform != "":
		decide(s.Server.Platform, signalSnapshotField, "the snapshot's server.platform field")
	case p.Cloud != "":
		decide(PlatformUnknown, signalProviderID, fmt.Sprintf(
			"nodes run on %s, and a control plane is visible (%s), so it is not the provider's managed service",
			cloudTitle(p.Cloud), p.ControlPlaneEvidence))
	}
	p.Managed = managedPlatforms[p.Name] && !p.ControlPlaneVisible
	// OpenShift with a hosted control plane (HyperShift, ROSA HCP) shows
	// no control-plane node either.
	if p.Name == PlatformOpenShift && !p.ControlPlaneVisible && len(s.Nodes) > 0 {
		p.Managed = true
	}
	return p
}

func decideVersion(s *cluster.Snapshot, decide func(string, string, string)) bool {
	v := s.Server.GitVersion
	for _, m := range versionMarkers {
		if strings.Contains(v, m.marker) {
			decide(m.platform, signalServerVersion, v)
			return true
		}
	}
	return false
}

func decideDistroProviderID(s *cluster.Snapshot, decide func(string, string, string)) bool {
	for i := range s.Nodes {
		id := s.Nodes[i].Spec.ProviderID
		for _, m := range providerIDs[:2] {
			if strings.HasPrefix(id, m.prefix) {
				decide(m.platform, signalProviderID, fmt.Sprintf("node %s has providerID %s", s.Nodes[i].Name, id))
				return true
			}
		}
	}
	return false
}

func decideNodeArgs(s *cluster.Snapshot, decide func(string, string, string)) bool {
	for i := range s.Nodes {
		n := &s.Nodes[i]
		if _, ok := n.Annotations[annoRKE2NodeArgs]; ok {
			decide(PlatformRKE2, signalNodeArgs, "node "+n.Name+" has the "+annoRKE2NodeArgs+" annotation")
			return true
		}
		if _, ok := n.Annotations[annoK3sNodeArgs]; ok {
			decide(PlatformK3s, signalNodeArgs, "node "+n.Name+" has the "+annoK3sNodeArgs+" annotation")
			return true
		}
	}
	return false
}

// decideNodeLabels names the platform of the first marker (in
// nodeLabelMarkers order) any node carries, reporting the first such node
// and its smallest matching key; one pass over the nodes' labels.
func decideNodeLabels(s *cluster.Snapshot, decide func(string, string, string)) bool {
	best, node, key := len(nodeLabelMarkers), "", ""
	for i := range s.Nodes {
		n := &s.Nodes[i]
		for k := range n.Labels {
			for j := 0; j < best || (j == best && node == n.Name); j++ {
				if !strings.HasPrefix(k, nodeLabelMarkers[j].prefix) {
					continue
				}
				if j < best || k < key {
					best, node, key = j, n.Name, k
				}
				break
			}
		}
	}
	if node == "" {
		return false
	}
	decide(nodeLabelMarkers[best].platform, signalNodeLabels, fmt.Sprintf("node %s has label %s", node, key))
	return true
}

func decideEtcdManager(s *cluster.Snapshot, decide func(string, string, string)) bool {
	for i := range s.Pods {
		p := &s.Pods[i]
		if p.Namespace == kubeSystem && strings.HasPrefix(p.Labels["k8s-app"], "etcd-manager-") {
			decide(PlatformKops, signalEtcdManager, "etcd-manager pod "+p.Name)
			return true
		}
	}
	return false
}

func decideKubeadm(s *cluster.Snapshot, decide func(string, string, string)) bool {
	if _, ok := s.ConfigMap(kubeSystem, kubeadmConfigName); ok {
		decide(PlatformKubeadm, signalKubeadmConfig, "ConfigMap kube-system/kubeadm-config")
		return true
	}
	for i := range s.Pods {
		p := &s.Pods[i]
		if p.Namespace != kubeSystem || p.Labels["tier"] != "control-plane" {
			continue
		}
		for _, k := range dnsSortedKeys(p.Annotations) {
			if strings.HasPrefix(k, kubeadmAnnoPrefix) {
				decide(PlatformKubeadm, signalKubeadmPods, fmt.Sprintf("pod %s has annotation %s", p.Name, k))
				return true
			}
		}
	}
	for i := range s.Nodes {
		if _, ok := s.Nodes[i].Annotations[annoKubeadmCRI]; ok {
			decide(PlatformKubeadm, signalKubeadmNode, "node "+s.Nodes[i].Name+" has annotation "+annoKubeadmCRI)
			return true
		}
	}
	return false
}

// decideCloudProviderID names the managed service from cloud provider IDs,
// but only when no control plane is visible.
func decideCloudProviderID(s *cluster.Snapshot, p *PlatformInfo, decide func(string, string, string)) bool {
	if p.ControlPlaneVisible {
		return false
	}
	for i := range s.Nodes {
		id := s.Nodes[i].Spec.ProviderID
		for _, m := range providerIDs[2:] {
			if strings.HasPrefix(id, m.prefix) {
				decide(m.platform, signalProviderID, fmt.Sprintf(
					"node %s has providerID %s and no control-plane node or pod is visible", s.Nodes[i].Name, id))
				return true
			}
		}
	}
	return false
}

// nodeCloud names the cloud of the first node with a cloud provider ID.
func nodeCloud(s *cluster.Snapshot) string {
	for i := range s.Nodes {
		id := s.Nodes[i].Spec.ProviderID
		for _, m := range providerIDs {
			if m.cloud != "" && strings.HasPrefix(id, m.prefix) {
				return m.cloud
			}
		}
	}
	return ""
}

// controlPlaneVisible reports whether control-plane nodes or static
// control-plane pods are in the snapshot, and which.
func controlPlaneVisible(s *cluster.Snapshot) (bool, string) {
	for i := range s.Nodes {
		if isControlPlaneNode(&s.Nodes[i]) {
			return true, "control-plane node " + s.Nodes[i].Name
		}
	}
	for i := range s.Pods {
		p := &s.Pods[i]
		if p.Namespace == kubeSystem && (p.Labels["tier"] == "control-plane" || isControlPlaneComponent(p)) {
			return true, "control-plane pod " + p.Name
		}
	}
	return false, ""
}

// controlPlaneComponents are the component label values of control-plane
// static pods.
var controlPlaneComponents = map[string]bool{
	"kube-apiserver": true, "etcd": true, "kube-controller-manager": true, "kube-scheduler": true,
}

func isControlPlaneComponent(p *corev1.Pod) bool {
	return controlPlaneComponents[p.Labels["component"]] || controlPlaneComponents[p.Labels["k8s-app"]] ||
		strings.HasPrefix(p.Labels["k8s-app"], "etcd-manager-")
}

// nodeArgs returns the arguments a k3s or rke2 node was started with, from
// its node-args annotation (a JSON array of strings), and which annotation
// held them.
func nodeArgs(n *corev1.Node) (args []string, annotation string, ok bool) {
	for _, a := range []string{annoK3sNodeArgs, annoRKE2NodeArgs} {
		raw, present := n.Annotations[a]
		if !present {
			continue
		}
		if err := json.Unmarshal([]byte(raw), &args); err != nil {
			return nil, a, false
		}
		return args, a, true
	}
	return nil, "", false
}
