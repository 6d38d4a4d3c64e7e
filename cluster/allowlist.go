package cluster

import "k8s.io/apimachinery/pkg/types"

// configMapAllowList names the only ConfigMaps seaworthy reads. They are
// fetched one by one with GET; ConfigMaps are never listed, and Secrets are
// never read at all. It is a security boundary, so it is fixed at build
// time: read it with ConfigMapAllowed or ConfigMapAllowList.
var configMapAllowList = [...]types.NamespacedName{
	{Namespace: "kube-system", Name: "coredns"},
	{Namespace: "kube-system", Name: "kube-dns"},
	{Namespace: "kube-system", Name: "kube-dns-autoscaler"},
	{Namespace: "kube-system", Name: "coredns-autoscaler"},
	{Namespace: "kube-system", Name: "dns-autoscaler"},
	{Namespace: "kube-system", Name: "kubeadm-config"},
	// k3s and rke2 record etcd snapshots here (before ETCDSnapshotFile).
	{Namespace: "kube-system", Name: "k3s-etcd-snapshots"},
	{Namespace: "kube-system", Name: "rke2-etcd-snapshots"},
}

// ConfigMapAllowList returns a copy of the ConfigMaps seaworthy may read,
// in a fixed order. Changing the copy changes nothing else.
func ConfigMapAllowList() []types.NamespacedName {
	return append([]types.NamespacedName(nil), configMapAllowList[:]...)
}

// ConfigMapAllowed reports whether the ConfigMap namespace/name is on the
// allow-list.
func ConfigMapAllowed(namespace, name string) bool {
	for _, nn := range configMapAllowList {
		if nn.Namespace == namespace && nn.Name == name {
			return true
		}
	}
	return false
}
