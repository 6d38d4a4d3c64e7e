package authz

import (
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
)

// The allow-list of platform bindings and roles that are not labelled
// kubernetes.io/bootstrapping=rbac-defaults but are created by the cluster's
// installer or provider for its own components. Each entry names the
// binding, the role it must reference and the subjects it is known to bind:
// a listed binding that references another role is not exempt, and a
// subject someone added to it is reported like any other.

// bootstrapTokenGroup is the group of kubeadm's default node bootstrap
// tokens ("kubeadm token create" puts tokens in it unless told otherwise).
const bootstrapTokenGroup = "system:bootstrappers:kubeadm:default-node-token"

// allowEntry is one allow-listed binding.
type allowEntry struct {
	kind, namespace, name string
	// roleKind and roleName are what the binding must reference.
	roleKind, roleName string
	// subjects are the subjects the entry exempts; when nil, subject
	// decides instead.
	subjects []Subject
	subject  func(Subject) bool
	// rule, when set, limits the exemption to rules it accepts.
	rule func(*rbacv1.PolicyRule) bool
	// platform, when set, is the only platform the entry applies on.
	platform string
	// prefix marks name as a name prefix (only with platform set).
	prefix bool
	why    string
}

func (e *allowEntry) covers(s Subject, rule *rbacv1.PolicyRule) bool {
	if e.rule != nil && !e.rule(rule) {
		return false
	}
	if e.subject != nil {
		return e.subject(s)
	}
	for _, x := range e.subjects {
		if x == s {
			return true
		}
	}
	return false
}

func group(name string) Subject { return Subject{Kind: KindGroup, Name: name} }
func user(name string) Subject  { return Subject{Kind: KindUser, Name: name} }
func serviceAccount(ns, name string) Subject {
	return Subject{Kind: KindServiceAccount, Namespace: ns, Name: name}
}

// allowList is deliberately short; see each entry's why.
var allowList = []allowEntry{
	// kubeadm (v1.29+) binds cluster-admin to this group for the
	// admin.conf credentials it writes, instead of using system:masters
	// (kubeadm "Implementation details", admin.conf).
	{kind: KindClusterRoleBinding, name: "kubeadm:cluster-admins", roleKind: KindClusterRole, roleName: "cluster-admin",
		subjects: []Subject{group("kubeadm:cluster-admins")}, why: "kubeadm's binding for its admin.conf credentials"},
	// kubeadm's TLS bootstrap: bootstrap tokens may create node CSRs,
	// which are auto-approved, and nodes may renew their own client
	// certificates (kubeadm "Implementation details", TLS bootstrap).
	{kind: KindClusterRoleBinding, name: "kubeadm:kubelet-bootstrap", roleKind: KindClusterRole, roleName: "system:node-bootstrapper",
		subjects: []Subject{group(bootstrapTokenGroup)}, why: "kubeadm's kubelet TLS bootstrap"},
	{kind: KindClusterRoleBinding, name: "kubeadm:node-autoapprove-bootstrap", roleKind: KindClusterRole,
		roleName: "system:certificates.k8s.io:certificatesigningrequests:nodeclient",
		subjects: []Subject{group(bootstrapTokenGroup)}, why: "kubeadm's kubelet TLS bootstrap (CSR auto-approval)"},
	{kind: KindClusterRoleBinding, name: "kubeadm:node-autoapprove-certificate-rotation", roleKind: KindClusterRole,
		roleName: "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient",
		subjects: []Subject{group("system:nodes")}, why: "kubeadm's kubelet client certificate rotation"},
	// kubeadm join reads the Node object and kubeadm's and the kubelet's
	// ConfigMaps with the bootstrap token.
	{kind: KindClusterRoleBinding, name: "kubeadm:get-nodes", roleKind: KindClusterRole, roleName: "kubeadm:get-nodes",
		subjects: []Subject{group(bootstrapTokenGroup)}, why: "kubeadm join reads Nodes"},
	{kind: KindRoleBinding, namespace: "kube-system", name: "kubeadm:kubelet-config", roleKind: KindRole, roleName: "kubeadm:kubelet-config",
		subjects: []Subject{group("system:nodes"), group(bootstrapTokenGroup)}, why: "kubeadm join reads the kubelet-config ConfigMap"},
	{kind: KindRoleBinding, namespace: "kube-system", name: "kubeadm:nodes-kubeadm-config", roleKind: KindRole, roleName: "kubeadm:nodes-kubeadm-config",
		subjects: []Subject{group("system:nodes"), group(bootstrapTokenGroup)}, why: "kubeadm join reads the kubeadm-config ConfigMap"},
	{kind: KindRoleBinding, namespace: "kube-system", name: "kube-proxy", roleKind: KindRole, roleName: "kube-proxy",
		subjects: []Subject{group(bootstrapTokenGroup)}, why: "kubeadm join reads the kube-proxy ConfigMap"},
	// kube-proxy's ServiceAccount gets the default system:node-proxier
	// role (kubeadm's kube-proxy add-on).
	{kind: KindClusterRoleBinding, name: "kubeadm:node-proxier", roleKind: KindClusterRole, roleName: "system:node-proxier",
		subjects: []Subject{serviceAccount("kube-system", "kube-proxy")}, why: "kubeadm's kube-proxy add-on"},
	// Anonymous discovery of the cluster-info ConfigMap in kube-public,
	// which kubeadm join's token-based discovery reads before it has
	// credentials. Only that one read is exempt.
	{kind: KindRoleBinding, namespace: "kube-public", name: "kubeadm:bootstrap-signer-clusterinfo", roleKind: KindRole,
		roleName: "kubeadm:bootstrap-signer-clusterinfo", subjects: []Subject{user(UserAnonymous)},
		rule: onlyGetClusterInfo, why: "kubeadm's anonymous cluster-info discovery"},
	// CoreDNS as kubeadm (and most installers) deploy it.
	{kind: KindClusterRoleBinding, name: "system:coredns", roleKind: KindClusterRole, roleName: "system:coredns",
		subjects: []Subject{serviceAccount("kube-system", "coredns")}, why: "the CoreDNS add-on"},

	// Amazon EKS: "All resources prefaced with eks are created by Amazon
	// EKS", plus the aws-node binding of the VPC CNI plugin it installs on
	// every cluster (EKS user guide, "Understand Amazon EKS created RBAC
	// roles and users"). Only on a cluster detected as EKS, and only for
	// EKS's own identities and kube-system ServiceAccounts.
	{platform: "eks", prefix: true, name: "eks:", subject: eksIdentity, why: "created by Amazon EKS"},
	{platform: "eks", kind: KindClusterRoleBinding, name: "aws-node", roleKind: KindClusterRole, roleName: "aws-node",
		subjects: []Subject{serviceAccount("kube-system", "aws-node")}, why: "the Amazon VPC CNI plugin EKS installs"},
	{platform: "eks", kind: KindClusterRoleBinding, name: "vpc-resource-controller-rolebinding", roleKind: KindClusterRole,
		roleName: "vpc-resource-controller-role", subject: eksIdentity, why: "the Amazon VPC resource controller EKS installs"},
}

// platformRoles are allow-listed roles: those the allow-listed bindings
// reference that are not API server defaults.
var platformRoles = []struct {
	kind, namespace, name, platform string
	prefix                          bool
	why                             string
}{
	{kind: KindClusterRole, name: "kubeadm:get-nodes", why: "kubeadm join reads Nodes"},
	{kind: KindRole, namespace: "kube-system", name: "kubeadm:kubelet-config", why: "kubeadm join reads the kubelet-config ConfigMap"},
	{kind: KindRole, namespace: "kube-system", name: "kubeadm:nodes-kubeadm-config", why: "kubeadm join reads the kubeadm-config ConfigMap"},
	{kind: KindRole, namespace: "kube-system", name: "kube-proxy", why: "kubeadm join reads the kube-proxy ConfigMap"},
	{kind: KindRole, namespace: "kube-public", name: "kubeadm:bootstrap-signer-clusterinfo", why: "kubeadm's anonymous cluster-info discovery"},
	{kind: KindClusterRole, name: "system:coredns", why: "the CoreDNS add-on"},
	{platform: "eks", prefix: true, name: "eks:", why: "created by Amazon EKS"},
	{platform: "eks", kind: KindClusterRole, name: "aws-node", why: "the Amazon VPC CNI plugin EKS installs"},
	{platform: "eks", kind: KindClusterRole, name: "vpc-resource-controller-role", why: "the Amazon VPC resource controller EKS installs"},
}

func eksIdentity(s Subject) bool {
	switch s.Kind {
	case KindUser, KindGroup:
		return strings.HasPrefix(s.Name, "eks:")
	case KindServiceAccount:
		return s.Namespace == "kube-system"
	}
	return false
}

// onlyGetClusterInfo accepts a rule that grants nothing but get on the
// cluster-info ConfigMap.
func onlyGetClusterInfo(r *rbacv1.PolicyRule) bool {
	eq := func(l []string, want string) bool { return len(l) == 1 && l[0] == want }
	return eq(r.Verbs, "get") && eq(r.APIGroups, "") && eq(r.Resources, "configmaps") &&
		eq(r.ResourceNames, "cluster-info") && len(r.NonResourceURLs) == 0
}

// matchAllowList returns the allow-list entry b matches, if any.
func (m *Model) matchAllowList(b *Binding) *allowEntry {
	for i := range allowList {
		e := &allowList[i]
		if e.platform != "" && e.platform != m.platform {
			continue
		}
		if e.prefix {
			if strings.HasPrefix(b.Name, e.name) && strings.HasPrefix(b.RoleRef.Name, e.name) {
				return e
			}
			continue
		}
		if e.kind == b.Kind && e.namespace == b.Namespace && e.name == b.Name &&
			e.roleKind == b.RoleRef.Kind && e.roleName == b.RoleRef.Name {
			return e
		}
	}
	return nil
}

// markPlatformRole sets Platform on the API server's default roles and the
// allow-listed ones.
func (m *Model) markPlatformRole(r *Role) {
	if r.Labels[BootstrapLabel] == BootstrapValue {
		r.Platform, r.PlatformReason = true, "labelled "+BootstrapLabel+"="+BootstrapValue
		return
	}
	for _, e := range platformRoles {
		if e.platform != "" && e.platform != m.platform {
			continue
		}
		if e.prefix {
			if strings.HasPrefix(r.Name, e.name) {
				r.Platform, r.PlatformReason = true, e.why
				return
			}
			continue
		}
		if e.kind == r.Kind && e.namespace == r.Namespace && e.name == r.Name {
			r.Platform, r.PlatformReason = true, e.why
			return
		}
	}
}
