package cluster

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func cpNode(name, providerID string, labels, annotations map[string]string) corev1.Node {
	return corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels, Annotations: annotations},
		Spec:       corev1.NodeSpec{ProviderID: providerID},
	}
}

func cpPod(ns, name string, labels, annotations map[string]string) corev1.Pod {
	return corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels, Annotations: annotations}}
}

func TestDetectPlatform(t *testing.T) {
	cpLabel := map[string]string{labelControlPlane: ""}
	apiPod := cpPod(kubeSystem, "kube-apiserver-cp-1", map[string]string{"component": "kube-apiserver", "tier": "control-plane"},
		map[string]string{"kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint": "10.0.0.10:6443"})
	cases := []struct {
		name        string
		snap        Snapshot
		want        string
		managed     bool
		signal      string
		wantCloudIs string
	}{
		{name: "empty", want: PlatformUnknown, signal: SignalNone},
		{name: "eks version", snap: Snapshot{Server: ServerInfo{GitVersion: "v1.31.4-eks-2d5f260"},
			Nodes: []corev1.Node{cpNode("ip-10-0-1-5", "aws:///eu-west-1a/i-0abc", nil, nil)}},
			want: PlatformEKS, managed: true, signal: SignalServerVersion, wantCloudIs: "aws"},
		{name: "eks distro with a visible kubeadm control plane (EKS Anywhere) is self-managed",
			snap: Snapshot{Server: ServerInfo{GitVersion: "v1.30.6-eks-1-30-20"},
				Nodes: []corev1.Node{cpNode("cp-1", "", cpLabel, nil)}},
			want: PlatformEKS, managed: false, signal: SignalServerVersion},
		{name: "gke version", snap: Snapshot{Server: ServerInfo{GitVersion: "v1.32.2-gke.1297002"}},
			want: PlatformGKE, managed: true, signal: SignalServerVersion},
		{name: "k3s version", snap: Snapshot{Server: ServerInfo{GitVersion: "v1.33.1+k3s1"},
			Nodes: []corev1.Node{cpNode("k3s-1", "k3s://k3s-1", cpLabel, nil)}},
			want: PlatformK3s, signal: SignalServerVersion},
		{name: "rke2 version", snap: Snapshot{Server: ServerInfo{GitVersion: "v1.32.5+rke2r1"}},
			want: PlatformRKE2, signal: SignalServerVersion},
		{name: "openshift clusterversion", snap: Snapshot{
			ClusterVersions: []unstructured.Unstructured{{Object: map[string]any{"metadata": map[string]any{"name": "version"}}}},
			Nodes:           []corev1.Node{cpNode("master-0", "aws:///us-east-1a/i-1", map[string]string{labelMaster: ""}, nil)}},
			want: PlatformOpenShift, signal: SignalClusterVersion, wantCloudIs: "aws"},
		{name: "k3s provider id", snap: Snapshot{Nodes: []corev1.Node{cpNode("k3s-1", "k3s://k3s-1", nil, nil)}},
			want: PlatformK3s, signal: SignalProviderID},
		{name: "rke2 node args on a cloud node", snap: Snapshot{Nodes: []corev1.Node{
			cpNode("rke2-1", "aws:///eu-west-1a/i-1", cpLabel, map[string]string{annoRKE2NodeArgs: `["server"]`})}},
			want: PlatformRKE2, signal: SignalNodeArgs, wantCloudIs: "aws"},
		{name: "aks labels", snap: Snapshot{Nodes: []corev1.Node{
			cpNode("aks-system-1", "azure:///subscriptions/x/vmss/0", map[string]string{"kubernetes.azure.com/agentpool": "system"}, nil)}},
			want: PlatformAKS, managed: true, signal: SignalNodeLabels, wantCloudIs: "azure"},
		{name: "gke labels", snap: Snapshot{Nodes: []corev1.Node{
			cpNode("gke-a", "gce://p/europe-west1-b/gke-a", map[string]string{"cloud.google.com/gke-nodepool": "default-pool"}, nil)}},
			want: PlatformGKE, managed: true, signal: SignalNodeLabels, wantCloudIs: "gcp"},
		{name: "kops instance group on aws", snap: Snapshot{Nodes: []corev1.Node{
			cpNode("i-0a", "aws:///eu-west-1a/i-0a", map[string]string{"kops.k8s.io/instancegroup": "control-plane-eu-west-1a", labelControlPlane: ""}, nil)}},
			want: PlatformKops, signal: SignalNodeLabels, wantCloudIs: "aws"},
		{name: "kops etcd-manager", snap: Snapshot{Pods: []corev1.Pod{
			cpPod(kubeSystem, "etcd-manager-main-i-0a", map[string]string{"k8s-app": "etcd-manager-main"}, nil)}},
			want: PlatformKops, signal: SignalEtcdManager},
		{name: "kubeadm config on ec2", snap: Snapshot{
			Nodes:      []corev1.Node{cpNode("cp-1", "aws:///eu-west-1a/i-1", cpLabel, nil)},
			ConfigMaps: []corev1.ConfigMap{{ObjectMeta: metav1.ObjectMeta{Namespace: kubeSystem, Name: kubeadmConfigName}}}},
			want: PlatformKubeadm, signal: SignalKubeadmConfig, wantCloudIs: "aws"},
		{name: "kubeadm static pod annotation", snap: Snapshot{Pods: []corev1.Pod{apiPod}},
			want: PlatformKubeadm, signal: SignalKubeadmPods},
		{name: "kubeadm cri-socket annotation", snap: Snapshot{Nodes: []corev1.Node{
			cpNode("n1", "", nil, map[string]string{annoKubeadmCRI: "unix:///var/run/containerd/containerd.sock"})}},
			want: PlatformKubeadm, signal: SignalKubeadmNode},
		{name: "aws provider id alone, no control plane visible: EKS",
			snap: Snapshot{Nodes: []corev1.Node{cpNode("ip-1", "aws:///eu-west-1a/i-1", nil, nil)}},
			want: PlatformEKS, managed: true, signal: SignalProviderID, wantCloudIs: "aws"},
		{name: "aws provider id with a control-plane node: self-managed, distribution unknown",
			snap: Snapshot{Nodes: []corev1.Node{cpNode("cp-1", "aws:///eu-west-1a/i-1", cpLabel, nil), cpNode("w-1", "aws:///eu-west-1a/i-2", nil, nil)}},
			want: PlatformUnknown, managed: false, signal: SignalProviderID, wantCloudIs: "aws"},
		{name: "gce provider id with a static apiserver pod is not GKE",
			snap: Snapshot{Nodes: []corev1.Node{cpNode("w-1", "gce://p/z/w-1", nil, nil)},
				Pods: []corev1.Pod{cpPod(kubeSystem, "kube-apiserver-m", map[string]string{"component": "kube-apiserver"}, nil)}},
			want: PlatformUnknown, managed: false, signal: SignalProviderID, wantCloudIs: "gcp"},
		{name: "legacy master role label counts as a visible control plane",
			snap: Snapshot{Nodes: []corev1.Node{cpNode("m-1", "aws:///eu-west-1a/i-1", map[string]string{labelLegacyRole: "master"}, nil)}},
			want: PlatformUnknown, managed: false, signal: SignalProviderID, wantCloudIs: "aws"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := DetectPlatform(&tc.snap)
			if got.Name != tc.want || got.Managed != tc.managed || got.Signal != tc.signal || got.Cloud != tc.wantCloudIs {
				t.Errorf("got %+v, want name %s managed %v signal %s cloud %q", got, tc.want, tc.managed, tc.signal, tc.wantCloudIs)
			}
		})
	}
}
