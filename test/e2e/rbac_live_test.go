package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"github.com/seaworthy-k8s/seaworthy/checks"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

const auditorNamespace, auditorName = "seaworthy", "seaworthy"

// startAuditorCluster starts a control plane with the demo cluster, the
// kube-system ConfigMaps the checks read (kubeSystemConfigMaps) and
// deploy/base applied as users apply it (kubectl apply -k), and returns it
// with a token for the auditor ServiceAccount minted through the
// TokenRequest API.
func startAuditorCluster(t *testing.T) (*liveCluster, string) {
	t.Helper()
	kubectl := requireKubectl(t)
	lc := startCluster(t, demoDir)
	for _, cm := range kubeSystemConfigMaps() {
		if _, err := lc.client.CoreV1().ConfigMaps(cm.Namespace).Create(t.Context(), &cm, metav1.CreateOptions{}); err != nil {
			t.Fatalf("create configmap %s/%s: %v", cm.Namespace, cm.Name, err)
		}
	}
	applyBase(t, kubectl, lc)
	return lc, lc.mintToken(t, auditorNamespace, auditorName)
}

// mintToken asks the TokenRequest API for a token of ServiceAccount ns/name.
func (lc *liveCluster) mintToken(t *testing.T, ns, name string) string {
	t.Helper()
	expiry := int64(3600)
	tr, err := lc.client.CoreV1().ServiceAccounts(ns).CreateToken(t.Context(), name,
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &expiry}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("request a token for %s/%s: %v", ns, name, err)
	}
	return tr.Status.Token
}

// The shipped least-privilege RBAC is enough: the auditor ServiceAccount's
// read of the demo cluster has no gaps and, judged as of the same moment,
// the admin's results.
func TestLiveAuditorRBACIsEnough(t *testing.T) {
	lc, token := startAuditorCluster(t)
	reads := auditReadsAtOneMoment(t, lc.Kubeconfig, lc.TokenKubeconfig(t, "auditor", token))
	admin, auditor := reads[0], reads[1]
	if len(auditor.Gaps) != 0 {
		t.Errorf("the auditor's audit has gaps: %v", auditor.Gaps)
	}
	if d := diffResults("admin", "auditor", admin.Results, auditor.Results); d != "" {
		t.Errorf("the auditor ServiceAccount sees a different cluster than the admin:\n%s", d)
	}
}

// The auditor ServiceAccount may read what seaworthy reads and nothing more:
// no Secrets, no writes to any kind it reads, no ConfigMaps beyond the
// allow-list, none of the escalation paths. Asked with
// SelfSubjectAccessReviews and confirmed with real requests.
func TestLiveAuditorRBACDeniesTheRest(t *testing.T) {
	lc, token := startAuditorCluster(t)
	c := lc.tokenClient(t, token)
	ctx := t.Context()

	type access struct {
		verb, group, resource, subresource, namespace, name string
	}
	var allowed, denied []access
	// Reading every kind it audits is allowed (the control: a review that
	// denied everything would pass the rest of this test).
	for _, k := range cluster.Kinds {
		if k.Kind == cluster.KindConfigMaps {
			continue
		}
		for _, v := range []string{"get", "list", "watch"} {
			allowed = append(allowed, access{verb: v, group: k.GVR.Group, resource: k.GVR.Resource})
		}
	}
	// Secrets: never, cluster-wide or in a namespace.
	for _, ns := range []string{"", "kube-system", auditorNamespace, "payments"} {
		for _, v := range []string{"get", "list", "watch"} {
			denied = append(denied, access{verb: v, resource: "secrets", namespace: ns})
		}
	}
	// No write to any kind it reads.
	for _, k := range cluster.Kinds {
		namespaces := []string{""}
		if k.Namespaced {
			namespaces = append(namespaces, "kube-system", "payments")
		}
		for _, ns := range namespaces {
			for _, v := range []string{"create", "update", "patch", "delete", "deletecollection"} {
				denied = append(denied, access{verb: v, group: k.GVR.Group, resource: k.GVR.Resource, namespace: ns})
			}
		}
	}
	// ConfigMaps: only get, only by name, only the allow-list.
	for _, nn := range cluster.ConfigMapAllowList() {
		allowed = append(allowed, access{verb: "get", resource: "configmaps", namespace: nn.Namespace, name: nn.Name})
		for _, v := range []string{"update", "patch", "delete"} {
			denied = append(denied, access{verb: v, resource: "configmaps", namespace: nn.Namespace, name: nn.Name})
		}
	}
	denied = append(denied,
		access{verb: "get", resource: "configmaps", namespace: "kube-system", name: "extension-apiserver-authentication"},
		access{verb: "get", resource: "configmaps", namespace: "kube-system", name: "kube-proxy"},
		access{verb: "get", resource: "configmaps", namespace: "default", name: "x"},
		access{verb: "get", resource: "configmaps", namespace: "default", name: "coredns"},
		access{verb: "list", resource: "configmaps"},
		access{verb: "list", resource: "configmaps", namespace: "kube-system"},
		access{verb: "watch", resource: "configmaps", namespace: "kube-system"},
		// Escalation paths and subresources that reach into workloads.
		access{verb: "create", resource: "pods", subresource: "exec", namespace: "kube-system"},
		access{verb: "get", resource: "pods", subresource: "log", namespace: "kube-system"},
		access{verb: "get", resource: "nodes", subresource: "proxy"},
		access{verb: "create", resource: "serviceaccounts", subresource: "token", namespace: auditorNamespace},
		access{verb: "impersonate", resource: "users"},
		access{verb: "impersonate", resource: "serviceaccounts", namespace: "kube-system"},
		access{verb: "escalate", group: "rbac.authorization.k8s.io", resource: "clusterroles"},
		access{verb: "bind", group: "rbac.authorization.k8s.io", resource: "clusterroles"},
		access{verb: "approve", group: "certificates.k8s.io", resource: "signers"},
		access{verb: "update", group: "apps", resource: "deployments", subresource: "scale", namespace: "kube-system"},
	)
	for _, want := range []struct {
		list  []access
		allow bool
	}{{allowed, true}, {denied, false}} {
		for _, a := range want.list {
			got := selfReview(t, c, &authorizationv1.ResourceAttributes{
				Verb: a.verb, Group: a.group, Resource: a.resource, Subresource: a.subresource,
				Namespace: a.namespace, Name: a.name})
			if got != want.allow {
				t.Errorf("auditor may %s %s/%s%s in %q name %q: %v, want %v",
					a.verb, a.group, a.resource, sub(a.subresource), a.namespace, a.name, got, want.allow)
			}
		}
	}
	if len(denied) < 100 {
		t.Fatalf("only %d denials asked; the loops above lost their cases", len(denied))
	}

	// Real requests agree with the reviews.
	forbidden := map[string]error{}
	_, forbidden["list secrets"] = c.CoreV1().Secrets("").List(ctx, metav1.ListOptions{})
	_, forbidden["get secret kube-system/x"] = c.CoreV1().Secrets("kube-system").Get(ctx, "x", metav1.GetOptions{})
	_, forbidden["get configmap kube-system/extension-apiserver-authentication"] = c.CoreV1().ConfigMaps("kube-system").Get(ctx, "extension-apiserver-authentication", metav1.GetOptions{})
	_, forbidden["list configmaps"] = c.CoreV1().ConfigMaps("").List(ctx, metav1.ListOptions{})
	_, forbidden["create namespace"] = c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "intruder"}}, metav1.CreateOptions{})
	forbidden["delete deployment kube-system/coredns"] = c.AppsV1().Deployments("kube-system").Delete(ctx, "coredns", metav1.DeleteOptions{})
	_, forbidden["patch node worker-a-1"] = c.CoreV1().Nodes().Patch(ctx, "worker-a-1", types.MergePatchType, []byte(`{"spec":{"unschedulable":true}}`), metav1.PatchOptions{})
	_, forbidden["update configmap kube-system/coredns"] = c.CoreV1().ConfigMaps("kube-system").Update(ctx,
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "coredns", Namespace: "kube-system"}}, metav1.UpdateOptions{})
	_, forbidden["create clusterrolebinding"] = c.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "auditor-admin"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "cluster-admin"},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: auditorName, Namespace: auditorNamespace}},
	}, metav1.CreateOptions{})
	for what, err := range forbidden {
		if !apierrors.IsForbidden(err) {
			t.Errorf("%s as the auditor: %v, want 403 Forbidden", what, err)
		}
	}
	// And it reads what it needs.
	if _, err := c.CoreV1().ConfigMaps("kube-system").Get(ctx, "coredns", metav1.GetOptions{}); err != nil {
		t.Errorf("get the allow-listed configmap kube-system/coredns as the auditor: %v", err)
	}
	if _, err := c.CoreV1().Pods("").List(ctx, metav1.ListOptions{Limit: 1}); err != nil {
		t.Errorf("list pods as the auditor: %v", err)
	}
	// Nothing the denied writes tried exists.
	if _, err := lc.client.CoreV1().Namespaces().Get(ctx, "intruder", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("namespace intruder: %v, want not found", err)
	}
}

func sub(s string) string {
	if s == "" {
		return ""
	}
	return "/" + s
}

// selfReview asks whether the client's identity may do attrs.
func selfReview(t *testing.T, c kubernetes.Interface, attrs *authorizationv1.ResourceAttributes) bool {
	t.Helper()
	r, err := c.AuthorizationV1().SelfSubjectAccessReviews().Create(t.Context(),
		&authorizationv1.SelfSubjectAccessReview{Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: attrs}},
		metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("self subject access review %+v: %v", *attrs, err)
	}
	if r.Status.EvaluationError != "" {
		t.Errorf("review %+v: evaluation error %s", *attrs, r.Status.EvaluationError)
	}
	return r.Status.Allowed
}

// Without resourcequotas in its ClusterRole the auditor still completes the
// audit: the gap is reported as forbidden, every check that needs quotas
// reports one skip naming it, none passes, and every other check gives the
// admin's results (the two read as of one moment).
func TestLiveForbiddenKindDegradesToSkips(t *testing.T) {
	const dropped, name = "resourcequotas", "seaworthy-no-quotas"
	lc := startCluster(t, demoDir, deployDir)
	ctx := t.Context()
	role := limitedRole(t, name, dropped)
	createRBAC(ctx, t, lc.client, role, name)
	token := lc.mintToken(t, auditorNamespace, name)

	limitedKubeconfig := lc.TokenKubeconfig(t, name, token)
	r := runCLI(t, "audit", "--kubeconfig", limitedKubeconfig, "-o", "json")
	if r.code == 2 || r.stderr != "" {
		t.Fatalf("a forbidden kind must not fail the run: %s", r)
	}
	limited := decodeReport(t, r.stdout)
	if r.code != gateCode(limited) {
		t.Errorf("exit %d, the results gate to %d", r.code, gateCode(limited))
	}

	if len(limited.Gaps) != 1 || limited.Gaps[0].Kind != cluster.KindResourceQuotas || limited.Gaps[0].Reason != cluster.GapForbidden {
		t.Fatalf("gaps %+v, want exactly one: %s forbidden", limited.Gaps, cluster.KindResourceQuotas)
	}
	needsQuotas := map[string]bool{}
	for _, c := range checks.Catalog() {
		if slices.Contains(c.Needs, cluster.KindResourceQuotas) {
			needsQuotas[c.ID] = true
		}
	}
	if len(needsQuotas) == 0 {
		t.Fatal("no registered check needs resourcequotas; this test proves nothing")
	}
	byCheck := map[string][]auditResult{}
	var rest []auditResult
	for _, res := range limited.Results {
		if needsQuotas[res.Check] {
			byCheck[res.Check] = append(byCheck[res.Check], res)
		} else {
			rest = append(rest, res)
		}
	}
	for id := range needsQuotas {
		rs := byCheck[id]
		if len(rs) != 1 {
			t.Errorf("%s reports %d results, want one skip: %v", id, len(rs), rs)
			continue
		}
		if rs[0].Status != result.StatusSkip || !strings.Contains(rs[0].Message, string(cluster.KindResourceQuotas)) ||
			!strings.Contains(rs[0].Message, cluster.GapForbidden) {
			t.Errorf("%s: %s, want skip naming the %s gap", id, rs[0], cluster.KindResourceQuotas)
		}
	}
	reads := auditReadsAtOneMoment(t, lc.Kubeconfig, limitedKubeconfig)
	var adminRest, limitedRest []auditResult
	for _, res := range reads[0].Results {
		if !needsQuotas[res.Check] {
			adminRest = append(adminRest, res)
		}
	}
	for _, res := range reads[1].Results {
		if !needsQuotas[res.Check] {
			limitedRest = append(limitedRest, res)
		}
	}
	if len(limitedRest) != len(rest) {
		t.Errorf("the limited identity's snapshot gives %d results outside the quota checks, its live audit %d", len(limitedRest), len(rest))
	}
	if d := diffResults("admin", "without "+dropped, adminRest, limitedRest); d != "" {
		t.Errorf("checks that do not read %s changed:\n%s", dropped, d)
	}
}

// limitedRole is the shipped auditor ClusterRole without one resource.
func limitedRole(t *testing.T, name, drop string) *rbacv1.ClusterRole {
	t.Helper()
	auditor := auditorClusterRole(t, loadDeploy(t))
	role := auditor.DeepCopy()
	role.Name = name
	found := false
	for i := range role.Rules {
		r := &role.Rules[i]
		if i := slices.Index(r.Resources, drop); i >= 0 {
			r.Resources = slices.Delete(r.Resources, i, i+1)
			found = true
		}
	}
	if !found {
		t.Fatalf("the auditor ClusterRole does not grant %s", drop)
	}
	return role
}

// createRBAC creates ServiceAccount seaworthy/name bound to role, and to the
// shipped kube-system ConfigMap Role, so that role is its only difference
// from the auditor.
func createRBAC(ctx context.Context, t *testing.T, c kubernetes.Interface, role *rbacv1.ClusterRole, name string) {
	t.Helper()
	subject := []rbacv1.Subject{{Kind: "ServiceAccount", Name: name, Namespace: auditorNamespace}}
	steps := []func() error{
		func() error {
			_, err := c.CoreV1().ServiceAccounts(auditorNamespace).Create(ctx,
				&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: auditorNamespace}}, metav1.CreateOptions{})
			return err
		},
		func() error {
			_, err := c.RbacV1().ClusterRoles().Create(ctx, role, metav1.CreateOptions{})
			return err
		},
		func() error {
			_, err := c.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
				ObjectMeta: metav1.ObjectMeta{Name: name},
				RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
				Subjects:   subject,
			}, metav1.CreateOptions{})
			return err
		},
		func() error {
			_, err := c.RbacV1().RoleBindings("kube-system").Create(ctx, &rbacv1.RoleBinding{
				ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "kube-system"},
				RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "seaworthy-auditor-configmaps"},
				Subjects:   subject,
			}, metav1.CreateOptions{})
			return err
		},
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatal(fmt.Errorf("create RBAC for %s (step %d): %w", name, i, err))
		}
	}
}
