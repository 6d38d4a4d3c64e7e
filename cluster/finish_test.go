package cluster

import (
	"slices"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func TestFinishDefaultsNamespaces(t *testing.T) {
	tests := []struct {
		name string
		opts FinishOptions
		want string
	}{
		{"no default given", FinishOptions{}, "default"},
		{"-n argocd", FinishOptions{DefaultNamespace: "argocd"}, "argocd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Snapshot{
				Namespaces: []corev1.Namespace{{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}},
				Pods: []corev1.Pod{
					{ObjectMeta: metav1.ObjectMeta{Name: "b", Namespace: "team-a"}},
					{ObjectMeta: metav1.ObjectMeta{Name: "a"}},
				},
			}
			Finish(s, tt.opts)
			if s.Namespaces[0].Namespace != "" {
				t.Errorf("a cluster-scoped Namespace got namespace %q", s.Namespaces[0].Namespace)
			}
			var got []string
			for _, p := range s.Pods {
				got = append(got, p.Namespace+"/"+p.Name)
			}
			want := []string{tt.want + "/a", "team-a/b"}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("pods = %v, want %v (defaulted and sorted)", got, want)
			}
		})
	}
}

func TestOriginOf(t *testing.T) {
	s := &Snapshot{Origins: []Origin{
		{Kind: KindRoles, Namespace: "b", Name: "r", File: "b.yaml", Line: 3},
		{Kind: KindDeployments, Namespace: "a", Name: "web", File: "a.yaml", Line: 1},
		{Kind: KindClusterRoles, Name: "view-extra", File: "c.yaml", Line: 10},
		{Kind: KindRoles, Namespace: "b", Name: "r", File: "dup.yaml", Line: 7},
	}}
	Finish(s, FinishOptions{})
	tests := []struct {
		kind      Kind
		ns, name  string
		want      Origin
		wantFound bool
	}{
		{KindDeployments, "a", "web", Origin{Kind: KindDeployments, Namespace: "a", Name: "web", File: "a.yaml", Line: 1}, true},
		{KindClusterRoles, "", "view-extra", Origin{Kind: KindClusterRoles, Name: "view-extra", File: "c.yaml", Line: 10}, true},
		// Of two objects with one key, the first read is the one reported.
		{KindRoles, "b", "r", Origin{Kind: KindRoles, Namespace: "b", Name: "r", File: "b.yaml", Line: 3}, true},
		{KindRoles, "a", "r", Origin{}, false},
		{KindDeployments, "a", "api", Origin{}, false},
	}
	for _, tt := range tests {
		got, ok := s.OriginOf(tt.kind, tt.ns, tt.name)
		if ok != tt.wantFound || got != tt.want {
			t.Errorf("OriginOf(%s, %q, %q) = %+v, %v; want %+v, %v", tt.kind, tt.ns, tt.name, got, ok, tt.want, tt.wantFound)
		}
	}
}

func TestConfigMapAllowListIsImmutable(t *testing.T) {
	l := ConfigMapAllowList()
	if len(l) == 0 || !ConfigMapAllowed(l[0].Namespace, l[0].Name) {
		t.Fatalf("allow-list %v does not allow its own first entry", l)
	}
	l[0].Name = "aws-auth"
	if ConfigMapAllowed("kube-system", "aws-auth") || ConfigMapAllowList()[0].Name == "aws-auth" {
		t.Error("changing the returned list changed the allow-list")
	}
	if ConfigMapAllowed("default", "coredns") {
		t.Error("a ConfigMap outside kube-system is allowed")
	}
}

// A ReplicaSet keeps its metadata, replicas and selector and nothing of
// its pod template, however it arrives.
func TestReplicaSetKeepsMetadataOnly(t *testing.T) {
	data := []byte(`{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"web-5d8f","namespace":"a",
		"ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":"web","uid":"u1","controller":true}]},
		"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},
		"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"web:1"}]}}},
		"status":{"replicas":3}}`)
	s := &Snapshot{}
	if err := s.AddObject("apps/v1", "ReplicaSet", data, true); err != nil {
		t.Fatal(err)
	}
	want := ReplicaSet{
		TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "ReplicaSet"},
		ObjectMeta: metav1.ObjectMeta{Name: "web-5d8f", Namespace: "a", OwnerReferences: []metav1.OwnerReference{
			{APIVersion: "apps/v1", Kind: "Deployment", Name: "web", UID: "u1", Controller: ptr.To(true)}}},
		Spec: ReplicaSetSpec{Replicas: ptr.To[int32](3), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}},
	}
	if len(s.ReplicaSets) != 1 {
		t.Fatalf("got %d ReplicaSets", len(s.ReplicaSets))
	}
	got := s.ReplicaSets[0]
	if got.Name != want.Name || *got.Spec.Replicas != 3 || got.Spec.Selector.MatchLabels["app"] != "web" ||
		metav1.GetControllerOfNoCopy(&got).Name != "web" {
		t.Errorf("ReplicaSet = %+v, want %+v", got, want)
	}
	if err := s.AddObject("apps/v1", "ReplicaSet", []byte(`{"metadata":{"name":"x"},"spec":{"templat":{}}}`), true); err == nil {
		t.Error("an unknown ReplicaSet field decoded strictly without error")
	}
	if rs := ReplicaSetFrom(&appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "n"}}); rs.Name != "n" {
		t.Errorf("ReplicaSetFrom lost the name: %+v", rs)
	}
	if c := s.Counts()[KindReplicaSets]; c != 1 {
		t.Errorf("Counts()[%s] = %d", KindReplicaSets, c)
	}
}

// Each walks every object of a kind, which is how a check reaches every
// namespaced object's namespace without naming each kind.
func TestKindsEach(t *testing.T) {
	s := &Snapshot{
		Pods:        []corev1.Pod{{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "a"}}},
		ReplicaSets: []ReplicaSet{{ObjectMeta: metav1.ObjectMeta{Name: "r", Namespace: "b"}}},
	}
	var got []string
	for _, k := range Kinds {
		k.Each(s, func(o metav1.Object) { got = append(got, string(k.Kind)+":"+o.GetNamespace()+"/"+o.GetName()) })
	}
	want := []string{"pods:a/p", "replicasets.apps:b/r"}
	if !slices.Equal(got, want) {
		t.Errorf("Each visited %v, want %v", got, want)
	}
	for _, k := range Kinds {
		if k.Count == nil || k.Each == nil || k.decode == nil || k.normalize == nil || k.store == nil {
			t.Errorf("kind %s is not fully described", k.Kind)
		}
	}
}

func TestFinishCollapsesDuplicatesToTheLastRead(t *testing.T) {
	quota := func(ns, name, cpu string) corev1.ResourceQuota {
		return corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
			Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{"requests.cpu": resource.MustParse(cpu)}}}
	}
	build := func() *Snapshot {
		return &Snapshot{
			// As read: the base's quota, another, the overlay's (with no
			// namespace: -n gives it), and a role that is read once.
			ResourceQuotas: []corev1.ResourceQuota{quota("team-a", "compute", "4"), quota("team-a", "storage", "1"), quota("", "compute", "16")},
			Roles:          []rbacv1.Role{{ObjectMeta: metav1.ObjectMeta{Namespace: "team-a", Name: "r"}}},
			Origins: []Origin{
				{Kind: KindResourceQuotas, Namespace: "team-a", Name: "compute", File: "base/q.yaml", Line: 1},
				{Kind: KindResourceQuotas, Namespace: "team-a", Name: "storage", File: "base/q.yaml", Line: 9},
				{Kind: KindResourceQuotas, Namespace: "team-a", Name: "compute", File: "overlay/q.yaml", Line: 3},
				{Kind: KindRoles, Namespace: "team-a", Name: "r", File: "r.yaml", Line: 1},
			},
		}
	}
	var warnings []string
	s := build()
	Finish(s, FinishOptions{DefaultNamespace: "team-a", Duplicates: func(m string) { warnings = append(warnings, m) }})
	if len(s.ResourceQuotas) != 2 || s.ResourceQuotas[0].Name != "compute" || s.ResourceQuotas[0].Spec.Hard.Name("requests.cpu", resource.DecimalSI).String() != "16" {
		t.Fatalf("quotas %+v, want compute (the overlay's, 16 CPU) and storage", s.ResourceQuotas)
	}
	want := "ResourceQuota team-a/compute is defined 2 times: base/q.yaml:1, overlay/q.yaml:3; keeping the last (overlay/q.yaml:3), as kubectl apply would"
	if len(warnings) != 1 || warnings[0] != want {
		t.Errorf("warnings %q, want [%q]", warnings, want)
	}
	if o, _ := s.OriginOf(KindResourceQuotas, "team-a", "compute"); o.File != "overlay/q.yaml" || len(s.Origins) != 3 {
		t.Errorf("origin %+v of %d, want the overlay's, of 3", o, len(s.Origins))
	}

	// Without Duplicates (live and snapshot sources) nothing is collapsed.
	s = build()
	Finish(s, FinishOptions{DefaultNamespace: "team-a"})
	if len(s.ResourceQuotas) != 3 || len(s.Origins) != 4 {
		t.Errorf("%d quotas, %d origins without Duplicates; want all 3 and 4", len(s.ResourceQuotas), len(s.Origins))
	}
}
