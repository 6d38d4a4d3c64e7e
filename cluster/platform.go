package cluster

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
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

// Detection signals, as evidence names them (platformSignal).
const (
	SignalServerVersion  = "server-version"
	SignalClusterVersion = "clusterversion"
	SignalProviderID     = "node-provider-id"
	SignalNodeArgs       = "node-args"
	SignalNodeLabels     = "node-labels"
	SignalEtcdManager    = "etcd-manager"
	SignalKubeadmConfig  = "kubeadm-config"
	SignalKubeadmPods    = "kubeadm-static-pods"
	SignalKubeadmNode    = "kubeadm-node-annotation"
	SignalSnapshotField  = "snapshot-platform"
	SignalNone           = "none"
)

// PlatformInfo is what DetectPlatform found.
type PlatformInfo struct {
	// Name is one of the Platform* constants.
	Name string `json:"name"`
	// Managed is true when a managed provider runs the control plane.
	Managed bool `json:"managed"`
	// Cloud names the infrastructure the nodes' provider IDs point at
	// ("aws", "gcp", "azure", …), when known.
	Cloud string `json:"cloud,omitempty"`
	// Signal names the evidence that decided Name, and Detail quotes it.
	Signal string `json:"signal"`
	Detail string `json:"detail,omitempty"`
	// ControlPlaneVisible is true when control-plane nodes or static
	// control-plane pods are in the snapshot.
	ControlPlaneVisible bool `json:"controlPlaneVisible"`
	// ControlPlaneEvidence says what made the control plane visible.
	ControlPlaneEvidence string `json:"controlPlaneEvidence,omitempty"`
}

// Label reads as "EKS (managed)" or "kubeadm (self-managed)".
func (p PlatformInfo) Label() string {
	name := PlatformTitle(p.Name)
	switch {
	case p.Name == PlatformUnknown && p.Cloud != "":
		return "unknown distribution on " + CloudTitle(p.Cloud)
	case p.Name == PlatformUnknown:
		return "unknown"
	case p.Managed:
		return name + " (managed control plane)"
	default:
		return name + " (self-managed control plane)"
	}
}

// PlatformTitle writes a platform name for messages: "EKS", "OpenShift",
// "kubeadm".
func PlatformTitle(name string) string {
	switch name {
	case PlatformEKS, PlatformGKE, PlatformAKS, PlatformDOKS, PlatformLKE, PlatformOKE, PlatformRKE2:
		return strings.ToUpper(name)
	case PlatformOpenShift:
		return "OpenShift"
	}
	return name
}

// CloudTitle writes a cloud name for messages: "AWS", "Google Cloud".
func CloudTitle(cloud string) string {
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

// Evidence returns the evidence fields every control-plane result carries.
func (p PlatformInfo) Evidence() map[string]any {
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

// ManagedPlatforms are the platforms whose provider may run the control
// plane.
var ManagedPlatforms = map[string]bool{
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

// IsControlPlaneNode reports whether a node carries a control-plane role
// label (the current one, the legacy master one, or kops' older
// kubernetes.io/role=master).
func IsControlPlaneNode(n *corev1.Node) bool {
	if _, ok := n.Labels[labelControlPlane]; ok {
		return n.Labels[labelControlPlane] != "false"
	}
	if _, ok := n.Labels[labelMaster]; ok {
		return n.Labels[labelMaster] != "false"
	}
	return n.Labels[labelLegacyRole] == "master"
}

// DetectPlatform decides the platform from a snapshot; see the order above.
// Every source's finishing step calls it once and stores the result in
// Server.Platform (the name) and Server.Detected (the whole finding).
func DetectPlatform(s *Snapshot) PlatformInfo {
	p := PlatformInfo{Name: PlatformUnknown, Signal: SignalNone}
	p.ControlPlaneVisible, p.ControlPlaneEvidence = controlPlaneVisible(s)
	p.Cloud = nodeCloud(s)
	decide := func(name, signal, detail string) {
		p.Name, p.Signal, p.Detail = name, signal, detail
	}
	switch {
	case decideVersion(s, decide):
	case len(s.ClusterVersions) > 0:
		decide(PlatformOpenShift, SignalClusterVersion, "config.openshift.io/v1 ClusterVersion "+s.ClusterVersions[0].GetName())
	case decideDistroProviderID(s, decide):
	case decideNodeArgs(s, decide):
	case decideNodeLabels(s, decide):
	case decideEtcdManager(s, decide):
	case decideKubeadm(s, decide):
	case decideCloudProviderID(s, &p, decide):
	case s.Server.Platform != "" && s.Server.Platform != PlatformUnknown:
		decide(s.Server.Platform, SignalSnapshotField, "the snapshot's server.platform field")
	case p.Cloud != "":
		decide(PlatformUnknown, SignalProviderID, fmt.Sprintf(
			"nodes run on %s, and a control plane is visible (%s), so it is not the provider's managed service",
			CloudTitle(p.Cloud), p.ControlPlaneEvidence))
	}
	p.Managed = ManagedPlatforms[p.Name] && !p.ControlPlaneVisible
	// OpenShift with a hosted control plane (HyperShift, ROSA HCP) shows
	// no control-plane node either.
	if p.Name == PlatformOpenShift && !p.ControlPlaneVisible && len(s.Nodes) > 0 {
		p.Managed = true
	}
	return p
}

func decideVersion(s *Snapshot, decide func(string, string, string)) bool {
	v := s.Server.GitVersion
	for _, m := range versionMarkers {
		if strings.Contains(v, m.marker) {
			decide(m.platform, SignalServerVersion, v)
			return true
		}
	}
	return false
}

func decideDistroProviderID(s *Snapshot, decide func(string, string, string)) bool {
	for i := range s.Nodes {
		id := s.Nodes[i].Spec.ProviderID
		for _, m := range providerIDs[:2] {
			if strings.HasPrefix(id, m.prefix) {
				decide(m.platform, SignalProviderID, fmt.Sprintf("node %s has providerID %s", s.Nodes[i].Name, id))
				return true
			}
		}
	}
	return false
}

func decideNodeArgs(s *Snapshot, decide func(string, string, string)) bool {
	for i := range s.Nodes {
		n := &s.Nodes[i]
		if _, ok := n.Annotations[annoRKE2NodeArgs]; ok {
			decide(PlatformRKE2, SignalNodeArgs, "node "+n.Name+" has the "+annoRKE2NodeArgs+" annotation")
			return true
		}
		if _, ok := n.Annotations[annoK3sNodeArgs]; ok {
			decide(PlatformK3s, SignalNodeArgs, "node "+n.Name+" has the "+annoK3sNodeArgs+" annotation")
			return true
		}
	}
	return false
}

// decideNodeLabels names the platform of the first marker (in
// nodeLabelMarkers order) any node carries, reporting the first such node
// and its smallest matching key; one pass over the nodes' labels.
func decideNodeLabels(s *Snapshot, decide func(string, string, string)) bool {
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
	decide(nodeLabelMarkers[best].platform, SignalNodeLabels, fmt.Sprintf("node %s has label %s", node, key))
	return true
}

func decideEtcdManager(s *Snapshot, decide func(string, string, string)) bool {
	for i := range s.Pods {
		p := &s.Pods[i]
		if p.Namespace == kubeSystem && strings.HasPrefix(p.Labels["k8s-app"], "etcd-manager-") {
			decide(PlatformKops, SignalEtcdManager, "etcd-manager pod "+p.Name)
			return true
		}
	}
	return false
}

func decideKubeadm(s *Snapshot, decide func(string, string, string)) bool {
	if _, ok := s.ConfigMap(kubeSystem, kubeadmConfigName); ok {
		decide(PlatformKubeadm, SignalKubeadmConfig, "ConfigMap kube-system/kubeadm-config")
		return true
	}
	for i := range s.Pods {
		p := &s.Pods[i]
		if p.Namespace != kubeSystem || p.Labels["tier"] != "control-plane" {
			continue
		}
		for _, k := range slices.Sorted(maps.Keys(p.Annotations)) {
			if strings.HasPrefix(k, kubeadmAnnoPrefix) {
				decide(PlatformKubeadm, SignalKubeadmPods, fmt.Sprintf("pod %s has annotation %s", p.Name, k))
				return true
			}
		}
	}
	for i := range s.Nodes {
		if _, ok := s.Nodes[i].Annotations[annoKubeadmCRI]; ok {
			decide(PlatformKubeadm, SignalKubeadmNode, "node "+s.Nodes[i].Name+" has annotation "+annoKubeadmCRI)
			return true
		}
	}
	return false
}

// decideCloudProviderID names the managed service from cloud provider IDs,
// but only when no control plane is visible.
func decideCloudProviderID(s *Snapshot, p *PlatformInfo, decide func(string, string, string)) bool {
	if p.ControlPlaneVisible {
		return false
	}
	for i := range s.Nodes {
		id := s.Nodes[i].Spec.ProviderID
		for _, m := range providerIDs[2:] {
			if strings.HasPrefix(id, m.prefix) {
				decide(m.platform, SignalProviderID, fmt.Sprintf(
					"node %s has providerID %s and no control-plane node or pod is visible", s.Nodes[i].Name, id))
				return true
			}
		}
	}
	return false
}

// nodeCloud names the cloud of the first node with a cloud provider ID.
func nodeCloud(s *Snapshot) string {
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
func controlPlaneVisible(s *Snapshot) (bool, string) {
	for i := range s.Nodes {
		if IsControlPlaneNode(&s.Nodes[i]) {
			return true, "control-plane node " + s.Nodes[i].Name
		}
	}
	for i := range s.Pods {
		p := &s.Pods[i]
		if p.Namespace == kubeSystem && (p.Labels["tier"] == "control-plane" || IsControlPlaneComponent(p)) {
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

// IsControlPlaneComponent reports whether a pod is a control-plane static
// pod by its component or k8s-app label (kube-apiserver, etcd,
// kube-controller-manager, kube-scheduler, kops' etcd-manager).
func IsControlPlaneComponent(p *corev1.Pod) bool {
	return controlPlaneComponents[p.Labels["component"]] || controlPlaneComponents[p.Labels["k8s-app"]] ||
		strings.HasPrefix(p.Labels["k8s-app"], "etcd-manager-")
}

// NodeArgs returns the arguments a k3s or rke2 node was started with, from
// its node-args annotation (a JSON array of strings), and which annotation
// held them.
func NodeArgs(n *corev1.Node) (args []string, annotation string, ok bool) {
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

// DetectedPlatform returns the detected platform: what the finishing step stored,
// or, for a snapshot built by hand (tests), a fresh detection.
func (s *Snapshot) DetectedPlatform() PlatformInfo {
	if s.Server.Detected != nil {
		return *s.Server.Detected
	}
	return DetectPlatform(s)
}

// SetPlatform detects the platform and stores it in s.Server; the
// finishing step of every source calls it.
func (s *Snapshot) SetPlatform() {
	s.Server.Detected = nil
	p := DetectPlatform(s)
	s.Server.Platform, s.Server.Detected = p.Name, &p
}
