package authz

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/manifests"
)

// load builds a snapshot from a YAML document stream.
func load(t *testing.T, docs string) *cluster.Snapshot {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rbac.yaml")
	if err := os.WriteFile(path, []byte(docs), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := manifests.Load([]string{path}, manifests.Options{Now: time.Unix(0, 0), Warn: func(m string) { t.Error(m) }})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// own drops the grants through the API server's default bindings the model
// supplies for manifests (see assumesDefaults), leaving those of the input.
func own(gs []Grant) []Grant {
	var out []Grant
	for _, g := range gs {
		if !g.Binding.Assumed {
			out = append(out, g)
		}
	}
	return out
}

const modelYAML = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pod-reader}
rules:
- {apiGroups: [""], resources: [pods, pods/log], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: node-reader}
rules:
- {apiGroups: [""], resources: [nodes], verbs: [get]}
- {nonResourceURLs: ["/metrics"], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: team-a-pods, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-reader}
subjects:
- {kind: Group, name: team-a}
- {kind: ServiceAccount, name: ci}   # namespace defaults to team-a
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: nodes-in-ns, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-reader}
subjects:
- {kind: User, name: bob}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: all-sa-read}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-reader}
subjects:
- {kind: Group, name: "system:serviceaccounts:team-b"}
- {kind: ServiceAccount, name: nons}  # no namespace: matches nobody
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: cm, namespace: team-b}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [get], resourceNames: [settings]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: cm, namespace: team-b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: cm}
subjects:
- {kind: User, name: carol}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: dangling, namespace: team-b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: does-not-exist}
subjects:
- {kind: User, name: dave}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: agg}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {example.com/aggregate-to-agg: "true"}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [get]}
- {apiGroups: [apps], resources: [deployments], verbs: [create]}
- {apiGroups: [""], resources: [events], verbs: [list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: middle, labels: {example.com/aggregate-to-agg: "true"}}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {example.com/aggregate-to-middle: "true"}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: leaf, labels: {example.com/aggregate-to-middle: "true"}}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: direct, labels: {example.com/aggregate-to-agg: "true"}}
rules:
- {apiGroups: [apps], resources: [deployments], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: agg}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: agg}
subjects:
- {kind: User, name: erin}
`

func TestAllowsScopesAndSubjects(t *testing.T) {
	m := Build(load(t, modelYAML))
	sa := func(ns, name string) (string, []string) {
		s := Subject{Kind: KindServiceAccount, Namespace: ns, Name: name}
		return s.Username(), s.Groups()
	}
	ciUser, ciGroups := sa("team-a", "ci")
	bUser, bGroups := sa("team-b", "x")
	tests := []struct {
		name   string
		user   string
		groups []string
		a      Attributes
		want   bool
	}{
		{"group in its namespace", "alice", []string{"team-a"}, Attributes{Verb: "get", Resource: "pods", Namespace: "team-a"}, true},
		{"group in another namespace", "alice", []string{"team-a"}, Attributes{Verb: "get", Resource: "pods", Namespace: "team-b"}, false},
		{"RoleBinding never reaches all namespaces", "alice", []string{"team-a"}, Attributes{Verb: "list", Resource: "pods"}, false},
		{"subresource", "alice", []string{"team-a"}, Attributes{Verb: "get", Resource: "pods", Subresource: "log", Namespace: "team-a"}, true},
		{"SA defaulted to the binding namespace", ciUser, ciGroups, Attributes{Verb: "list", Resource: "pods", Namespace: "team-a"}, true},
		{"User subject named like the SA", ciUser, nil, Attributes{Verb: "list", Resource: "pods", Namespace: "team-a"}, true},
		{"SA in another namespace", "system:serviceaccount:team-c:ci", nil, Attributes{Verb: "list", Resource: "pods", Namespace: "team-a"}, false},
		{"RoleBinding to a ClusterRole: cluster-scoped request", "bob", nil, Attributes{Verb: "get", Resource: "nodes"}, false},
		{"RoleBinding never grants URLs", "bob", nil, Attributes{Verb: "get", Path: "/metrics"}, false},
		{"SA namespace group, cluster-wide", bUser, bGroups, Attributes{Verb: "get", Resource: "nodes"}, true},
		{"SA namespace group, URL", bUser, bGroups, Attributes{Verb: "get", Path: "/metrics"}, true},
		{"SA namespace group without the group", bUser, nil, Attributes{Verb: "get", Resource: "nodes"}, false},
		{"SA subject without namespace", "system:serviceaccount::nons", nil, Attributes{Verb: "get", Resource: "nodes"}, false},
		{"resourceNames", "carol", nil, Attributes{Verb: "get", Resource: "configmaps", Namespace: "team-b", Name: "settings"}, true},
		{"resourceNames other", "carol", nil, Attributes{Verb: "get", Resource: "configmaps", Namespace: "team-b", Name: "other"}, false},
		{"dangling grants nothing", "dave", nil, Attributes{Verb: "get", Resource: "configmaps", Namespace: "team-b"}, false},
		{"aggregated role by stored rules", "erin", nil, Attributes{Verb: "get", Resource: "secrets", Namespace: "x"}, true},
		{"aggregated rule of its own", "erin", nil, Attributes{Verb: "list", Resource: "events"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := m.Allows(tc.user, tc.groups, tc.a); got != tc.want {
				t.Errorf("Allows(%s, %v, %s) = %v, want %v", tc.user, tc.groups, tc.a, got, tc.want)
			}
			// WhoCan must agree: some grant names the user or a group.
			found := false
			for _, g := range m.WhoCan(tc.a) {
				if g.Subject.Username() == tc.user && tc.user != "" {
					found = true
				}
				for _, gr := range tc.groups {
					if g.Subject.Kind == KindGroup && g.Subject.Name == gr {
						found = true
					}
				}
			}
			if found != tc.want {
				t.Errorf("WhoCan(%s) names the subject: %v, want %v", tc.a, found, tc.want)
			}
		})
	}
}

func TestAggregationPath(t *testing.T) {
	m := Build(load(t, modelYAML))
	gs := own(m.WhoCan(Attributes{Verb: "get", Resource: "secrets", Namespace: "ns"}))
	if len(gs) != 1 {
		t.Fatalf("want one grant, got %d", len(gs))
	}
	g := gs[0]
	if got, want := g.PathString(), "ClusterRole/agg <- ClusterRole/middle <- ClusterRole/leaf"; got != want {
		t.Errorf("path %q, want %q", got, want)
	}
	if g.Origin().Name != "leaf" {
		t.Errorf("origin %s, want leaf", g.Origin().Ref())
	}
	gs = own(m.WhoCan(Attributes{Verb: "create", Group: "apps", Resource: "deployments", Namespace: "ns"}))
	if len(gs) != 1 || gs[0].Origin().Name != "direct" {
		t.Fatalf("create deployments: %v", gs)
	}
	gs = own(m.WhoCan(Attributes{Verb: "list", Resource: "events", Namespace: "ns"}))
	if len(gs) != 1 || gs[0].Origin().Name != "agg" || gs[0].PathString() != "" {
		t.Fatalf("a rule no contributor holds is the aggregated role's own: %v", gs)
	}
}

func TestForSubjectIncludesGroups(t *testing.T) {
	m := Build(load(t, modelYAML))
	gs := own(m.ForSubject(Subject{Kind: KindServiceAccount, Namespace: "team-b", Name: "x"}))
	var via []string
	for _, g := range gs {
		via = append(via, g.Subject.String()+" "+g.Binding.Ref())
	}
	want := "Group/system:serviceaccounts:team-b ClusterRoleBinding/all-sa-read"
	if len(gs) != 2 || !strings.Contains(strings.Join(via, ";"), want) {
		t.Errorf("grants %v, want two rules through %s", via, want)
	}
	if gs := own(m.ForSubject(Subject{Kind: KindServiceAccount, Namespace: "team-a", Name: "ci"})); len(gs) != 1 {
		t.Errorf("team-a/ci: %d grants, want 1 (pod-reader's rule)", len(gs))
	}
	if d := m.DanglingBindings(); len(d) != 1 || d[0].Ref() != "RoleBinding/team-b/dangling" {
		t.Errorf("dangling %v", d)
	}
}

func TestPlatformAllowList(t *testing.T) {
	m := Build(load(t, `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: "kubeadm:bootstrap-signer-clusterinfo", namespace: kube-public}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [get], resourceNames: [cluster-info]}
- {apiGroups: [""], resources: [secrets], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: "kubeadm:bootstrap-signer-clusterinfo", namespace: kube-public}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: "kubeadm:bootstrap-signer-clusterinfo"}
subjects:
- {kind: User, name: "system:anonymous"}
- {kind: User, name: mallory}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "kubeadm:cluster-admins"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
- {kind: Group, name: "kubeadm:cluster-admins"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "eks:fake"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "eks:fake"}
subjects:
- {kind: User, name: "eks:fake"}
`))
	var got []string
	m.Grants(func(g Grant) bool {
		if g.Binding.Assumed {
			return true
		}
		if g.Binding.Name == "kubeadm:cluster-admins" {
			// The name is not enough: it must reference cluster-admin. (Its
			// grants come from the built-in edit role the model supplies
			// for manifests.)
			if g.Platform() {
				t.Errorf("kubeadm:cluster-admins bound to edit: grant %s is exempt", RuleString(g.Rule()))
			}
			return true
		}
		got = append(got, g.Binding.Ref()+" "+g.Subject.String()+" "+RuleString(g.Rule())+" platform="+map[bool]string{true: "yes", false: "no"}[g.Platform()])
		return true
	})
	want := []string{
		"RoleBinding/kube-public/kubeadm:bootstrap-signer-clusterinfo User/system:anonymous verbs=get apiGroups=\"\" resources=configmaps resourceNames=cluster-info platform=yes",
		// The same binding's extra rule is not exempt.
		"RoleBinding/kube-public/kubeadm:bootstrap-signer-clusterinfo User/system:anonymous verbs=get apiGroups=\"\" resources=secrets platform=no",
		// An added subject is not exempt.
		"RoleBinding/kube-public/kubeadm:bootstrap-signer-clusterinfo User/mallory verbs=get apiGroups=\"\" resources=configmaps resourceNames=cluster-info platform=no",
		"RoleBinding/kube-public/kubeadm:bootstrap-signer-clusterinfo User/mallory verbs=get apiGroups=\"\" resources=secrets platform=no",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("grants:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, b := range m.Bindings() {
		if b.Name == "kubeadm:cluster-admins" && b.PlatformReason() != "" {
			t.Errorf("kubeadm:cluster-admins bound to edit is allow-listed: %s", b.PlatformReason())
		}
		if b.Name == "eks:fake" && b.PlatformReason() != "" {
			t.Errorf("eks: names are trusted only on EKS: %s", b.PlatformReason())
		}
	}
	snap := load(t, `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "eks:fake"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "eks:fake"}
subjects:
- {kind: User, name: "eks:fake"}
- {kind: User, name: "alice"}
`)
	snap.Server.Platform = "eks"
	var b *Binding
	for _, x := range Build(snap).Bindings() {
		if x.Name == "eks:fake" {
			b = x
		}
	}
	if !b.PlatformGrant(Subject{Kind: KindUser, Name: "eks:fake"}, nil) || b.PlatformGrant(Subject{Kind: KindUser, Name: "alice"}, nil) {
		t.Errorf("on EKS the eks: binding exempts its eks: user only")
	}
}

// Manifests bind the built-in roles without containing them: the model
// supplies them, so a RoleBinding to view grants view's rules instead of
// being dangling, and a snapshot of a live cluster gets no such help.
func TestBuiltInRolesForManifests(t *testing.T) {
	snap := load(t, `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: readers, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: User, name: alice}
`)
	m := Build(snap)
	if d := m.DanglingBindings(); len(d) != 0 {
		t.Errorf("dangling: %v", d[0].Ref())
	}
	podsInTeam := Attributes{Verb: "list", Resource: "pods", Namespace: "team"}
	if !m.Allows("alice", nil, podsInTeam) {
		t.Error("view bound in team does not let alice list pods there")
	}
	if m.Allows("alice", nil, Attributes{Verb: "get", Resource: "secrets", Namespace: "team"}) {
		t.Error("view lets alice read secrets")
	}
	if m.Allows("alice", nil, Attributes{Verb: "list", Resource: "pods", Namespace: "other"}) {
		t.Error("a RoleBinding in team grants in other")
	}
	snap.Source = cluster.SourceLive
	if live := Build(snap); len(live.DanglingBindings()) != 1 || live.Allows("alice", nil, podsInTeam) {
		t.Error("a live snapshot without view got the built-in role anyway")
	}
}

// Argo CD's install.yaml pattern: a Role and RoleBinding in the namespace
// the manifest is applied to, a ServiceAccount subject without a
// namespace. The authorizer reads that subject in the binding's namespace;
// a ClusterRoleBinding's cannot be resolved. No subject ever renders as
// "ServiceAccount//name", and a RoleBinding is never cluster-wide, even
// one read without a namespace at all.
func TestServiceAccountSubjectNamespace(t *testing.T) {
	m := Build(load(t, `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: argocd-server, namespace: argocd}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: argocd-server, namespace: argocd}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: argocd-server}
subjects:
- {kind: ServiceAccount, name: argocd-server}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: no-namespace}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
subjects:
- {kind: ServiceAccount, name: app}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: unresolved}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
subjects:
- {kind: ServiceAccount, name: nons}
`))
	subjects := map[string][]string{}
	m.Grants(func(g Grant) bool {
		subjects[g.Binding.Name] = append(subjects[g.Binding.Name], g.Subject.String())
		if strings.Contains(g.Subject.String(), "//") {
			t.Errorf("%s: subject renders as %s", g.Binding.Ref(), g.Subject)
		}
		if g.Binding.Kind == KindRoleBinding && g.ClusterWide() {
			t.Errorf("%s: grant to %s is cluster-wide", g.Binding.Ref(), g.Subject)
		}
		return true
	})
	if got := subjects["argocd-server"]; len(got) != 1 || got[0] != "ServiceAccount/argocd/argocd-server" {
		t.Errorf("argocd-server subjects = %v, want [ServiceAccount/argocd/argocd-server]", got)
	}
	if got := subjects["unresolved"]; len(got) != 1 || got[0] != "ServiceAccount/nons (no namespace)" {
		t.Errorf("unresolved subjects = %v, want [ServiceAccount/nons (no namespace)]", got)
	}
	sa := Subject{Kind: KindServiceAccount, Namespace: "argocd", Name: "argocd-server"}
	if !m.Allows(sa.Username(), sa.Groups(), Attributes{Verb: "get", Resource: "secrets", Namespace: "argocd"}) {
		t.Error("argocd-server may not get secrets in argocd")
	}
	if m.Allows(sa.Username(), sa.Groups(), Attributes{Verb: "get", Resource: "secrets", Namespace: "default"}) {
		t.Error("argocd-server may get secrets outside argocd")
	}
	// The namespace-less RoleBinding grants nothing cluster-wide.
	app := Subject{Kind: KindServiceAccount, Namespace: "default", Name: "app"}
	if m.Allows(app.Username(), app.Groups(), Attributes{Verb: "get", Resource: "configmaps"}) {
		t.Error("a RoleBinding without a namespace grants in every namespace")
	}
	// The unresolvable subject matches nobody, in who-can too.
	for _, g := range m.WhoCan(Attributes{Verb: "get", Resource: "configmaps", Namespace: "x"}) {
		if g.Subject.Name == "nons" {
			t.Errorf("who-can names %s", g.Subject)
		}
	}
}
