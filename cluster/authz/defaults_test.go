package authz

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/manifests"
)

// The embedded default Roles, RoleBindings and ClusterRoleBindings (taken
// from the kube-apiserver v1.37.2 source) are exactly what a real v1.37.2
// API server returned (fixtures/rbac/apiserver-v1.37.2-defaults.snapshot.json):
// the same objects by namespace and name, with the same labels, rules,
// roleRefs and subjects.
func TestDefaultsMatchAPIServerRead(t *testing.T) {
	read, err := manifests.Load([]string{"../../fixtures/rbac/apiserver-v1.37.2-defaults.snapshot.json"}, manifests.Options{Now: time.Unix(0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	type obj struct {
		Labels   map[string]string
		Content  []any
		Subjects any
	}
	canon := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	compare := func(what string, embedded, server map[string]string) {
		t.Helper()
		if len(embedded) != len(server) {
			t.Errorf("%s: %d embedded, %d on the API server", what, len(embedded), len(server))
		}
		for k, v := range server {
			if embedded[k] != v {
				t.Errorf("%s %s: embedded\n%s\nAPI server\n%s", what, k, embedded[k], v)
			}
		}
	}
	emb, srv := map[string]string{}, map[string]string{}
	for _, r := range defaultRoles() {
		emb[r.Namespace+"/"+r.Name] = canon(obj{r.Labels, []any{r.Rules}, nil})
	}
	for _, r := range read.Roles {
		srv[r.Namespace+"/"+r.Name] = canon(obj{r.Labels, []any{r.Rules}, nil})
	}
	compare("Role", emb, srv)
	emb, srv = map[string]string{}, map[string]string{}
	for _, b := range defaultRoleBindings() {
		emb[b.Namespace+"/"+b.Name] = canon(obj{b.Labels, []any{b.RoleRef}, b.Subjects})
	}
	for _, b := range read.RoleBindings {
		srv[b.Namespace+"/"+b.Name] = canon(obj{b.Labels, []any{b.RoleRef}, b.Subjects})
	}
	compare("RoleBinding", emb, srv)
	emb, srv = map[string]string{}, map[string]string{}
	for _, b := range defaultClusterRoleBindings() {
		emb[b.Name] = canon(obj{b.Labels, []any{b.RoleRef}, b.Subjects})
	}
	for _, b := range read.ClusterRoleBindings {
		srv[b.Name] = canon(obj{b.Labels, []any{b.RoleRef}, b.Subjects})
	}
	compare("ClusterRoleBinding", emb, srv)
	if len(defaultRoles()) != 7 || len(defaultRoleBindings()) != 7 || len(defaultClusterRoleBindings()) != 54 {
		t.Errorf("embedded %d Roles, %d RoleBindings, %d ClusterRoleBindings; kube-apiserver v1.37.2 creates 7, 7 and 54",
			len(defaultRoles()), len(defaultRoleBindings()), len(defaultClusterRoleBindings()))
	}
}

// metrics-server's pattern, which every aggregated API server ships: a
// RoleBinding in kube-system to the API server's built-in Role
// extension-apiserver-authentication-reader. On manifests the model
// supplies that Role, so the binding grants exactly its one read; a Role
// of the input with the same name is the input's; a live snapshot gets no
// such help.
func TestBuiltInNamespacedRolesForManifests(t *testing.T) {
	const authReader = `
apiVersion: v1
kind: ServiceAccount
metadata: {name: aggregated-api, namespace: kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: aggregated-api-auth-reader, namespace: kube-system}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: extension-apiserver-authentication-reader}
subjects:
- {kind: ServiceAccount, name: aggregated-api, namespace: kube-system}
`
	sa := Subject{Kind: KindServiceAccount, Namespace: "kube-system", Name: "aggregated-api"}
	authConfig := Attributes{Verb: "get", Resource: "configmaps", Name: "extension-apiserver-authentication", Namespace: "kube-system"}
	otherConfig := Attributes{Verb: "get", Resource: "configmaps", Name: "kubeadm-config", Namespace: "kube-system"}

	snap := load(t, authReader)
	m := Build(snap)
	if d := m.DanglingBindings(); len(d) != 0 {
		t.Errorf("dangling: %s", d[0].Ref())
	}
	var b *Binding
	for _, x := range m.Bindings() {
		if x.Name == "aggregated-api-auth-reader" {
			b = x
		}
	}
	if b == nil || b.Role == nil || b.Role.Ref() != "Role/kube-system/extension-apiserver-authentication-reader" || !b.Role.Platform || !b.Role.Assumed {
		t.Fatalf("binding %+v: want the built-in Role, platform and assumed", b)
	}
	if b.Platform || b.Assumed {
		t.Errorf("the input's own binding is marked platform=%v assumed=%v", b.Platform, b.Assumed)
	}
	if !m.Allows(sa.Username(), sa.Groups(), authConfig) {
		t.Error("the binding does not let the ServiceAccount read extension-apiserver-authentication")
	}
	if m.Allows(sa.Username(), sa.Groups(), otherConfig) {
		t.Error("the built-in Role lets the ServiceAccount read another ConfigMap")
	}

	// A Role of the input with the built-in name is the input's.
	m = Build(load(t, authReader+`---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: extension-apiserver-authentication-reader, namespace: kube-system}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [get]}
`))
	if !m.Allows(sa.Username(), sa.Groups(), otherConfig) {
		t.Error("the input's own Role was replaced by the built-in one")
	}

	snap.Source = cluster.SourceLive
	if live := Build(snap); len(live.DanglingBindings()) != 1 || live.Allows(sa.Username(), sa.Groups(), authConfig) {
		t.Error("a live snapshot without the Role got the built-in one anyway")
	}
}

// On manifests the API server's default bindings are in the model, marked
// platform and assumed: who-can says system:masters holds cluster-admin and
// the scheduler holds its kube-system leader lease; an input binding of a
// default's name replaces it, as on a cluster where it was changed.
func TestBuiltInBindingsForManifests(t *testing.T) {
	m := Build(load(t, `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
`))
	found := func(m *Model, a Attributes, subject, binding string) (Grant, bool) {
		for _, g := range m.WhoCan(a) {
			if g.Subject.String() == subject && g.Binding.Ref() == binding {
				return g, true
			}
		}
		return Grant{}, false
	}
	deleteNodes := Attributes{Verb: "delete", Resource: "nodes"}
	g, ok := found(m, deleteNodes, "Group/system:masters", "ClusterRoleBinding/cluster-admin")
	if !ok || !g.Platform() || !g.Binding.Assumed || g.Role.Ref() != "ClusterRole/cluster-admin" {
		t.Errorf("who-can delete nodes: system:masters through cluster-admin found=%v, %+v", ok, g)
	}
	lease := Attributes{Verb: "update", Group: "coordination.k8s.io", Resource: "leases", Name: "kube-scheduler", Namespace: "kube-system"}
	if g, ok := found(m, lease, "User/system:kube-scheduler", "RoleBinding/kube-system/system::leader-locking-kube-scheduler"); !ok || !g.Platform() {
		t.Errorf("who-can update the scheduler's lease: found=%v", ok)
	}
	if _, ok := found(m, Attributes{Verb: "update", Resource: "configmaps", Name: "cluster-info", Namespace: "kube-public"},
		"ServiceAccount/kube-system/bootstrap-signer", "RoleBinding/kube-public/system:controller:bootstrap-signer"); !ok {
		t.Error("the bootstrap signer's kube-public RoleBinding is missing")
	}

	m = Build(load(t, `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: cluster-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: Group, name: ops}
`))
	if _, ok := found(m, deleteNodes, "Group/system:masters", "ClusterRoleBinding/cluster-admin"); ok {
		t.Error("the input's cluster-admin binding did not replace the default one")
	}
	if g, ok := found(m, deleteNodes, "Group/ops", "ClusterRoleBinding/cluster-admin"); !ok || g.Platform() || g.Binding.Assumed {
		t.Errorf("the input's cluster-admin binding: found=%v platform=%v", ok, ok && g.Platform())
	}
}
