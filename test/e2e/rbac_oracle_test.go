package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"

	"github.com/seaworthy-k8s/seaworthy/cluster/authz"
	"github.com/seaworthy-k8s/seaworthy/cluster/live"
	"github.com/seaworthy-k8s/seaworthy/result"
	"github.com/seaworthy-k8s/seaworthy/test/controlplane"
)

// The RBAC model answers exactly as the API server's authorizer: a
// generated set of roles and bindings (wildcards, subresources,
// resourceNames, non-resource URLs, aggregated ClusterRoles, RoleBindings to
// ClusterRoles, groups, ServiceAccounts with and without a namespace) is
// written to a real kube-apiserver, read back with the live collector (so
// the server's bootstrap roles are in the model too), and for thousands of
// (user, groups, request) tuples the model's Allows is compared with the
// server's SubjectAccessReview.
func TestLiveRBACModelMatchesAuthorizer(t *testing.T) {
	lc := startCluster(t)
	ctx := t.Context()
	gen := newRBACGen(20260101)
	objs := gen.objects()
	client, err := kubernetes.NewForConfig(controlplane.BulkConfig(lc.Admin))
	if err != nil {
		t.Fatal(err)
	}
	createRBACObjects(ctx, t, client, objs)

	snap, err := live.Collect(ctx, lc.Admin, live.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.ClusterRoles) < len(objs.clusterRoles)+50 {
		t.Fatalf("collected %d ClusterRoles; the bootstrap roles are missing", len(snap.ClusterRoles))
	}
	m := authz.Build(snap)

	tuples := gen.tuples(4000)
	type disagreement struct {
		q            query
		model, apisv bool
	}
	var (
		mu        sync.Mutex
		disagreed []disagreement
		allowed   atomic.Int64
		next      atomic.Int64
		wg        sync.WaitGroup
	)
	for range 32 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(tuples) || ctx.Err() != nil {
					return
				}
				q := tuples[i]
				got := m.Allows(q.user, q.groups, q.attrs)
				want, err := subjectAccessReview(ctx, client, q)
				if err != nil {
					t.Errorf("review %s: %v", q, err)
					return
				}
				if want {
					allowed.Add(1)
				}
				if got != want {
					mu.Lock()
					disagreed = append(disagreed, disagreement{q, got, want})
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	for _, d := range disagreed {
		t.Errorf("model %v, API server %v: %s", d.model, d.apisv, d.q)
	}
	// The set must exercise both answers, or agreement proves little.
	if n := allowed.Load(); n < int64(len(tuples))/10 || n > int64(len(tuples))*9/10 {
		t.Errorf("%d of %d requests allowed: the generated set is too one-sided", n, len(tuples))
	}
	t.Logf("%d requests compared, %d allowed, %d disagreements", len(tuples), allowed.Load(), len(disagreed))

	// Aggregation paths: every aggregated role's rule traced to a
	// contributor holds that rule.
	traced := 0
	for _, r := range m.Roles() {
		for i := range r.Rules {
			p := r.Origin(i)
			if len(p) == 0 {
				continue
			}
			traced++
			last := p[len(p)-1]
			if !slices.ContainsFunc(last.Rules, func(x rbacv1.PolicyRule) bool { return reflect.DeepEqual(x, r.Rules[i]) }) {
				t.Errorf("%s rule %d traced to %s, which does not hold it", r.Ref(), i, last.Ref())
			}
		}
	}
	if traced == 0 {
		t.Error("no aggregated rule was traced to a contributing role")
	}
}

// query is one access question.
type query struct {
	user   string
	groups []string
	attrs  authz.Attributes
}

func (q query) String() string {
	return fmt.Sprintf("user %q groups %v: %s (group %q, namespace %q, name %q)", q.user, q.groups, q.attrs, q.attrs.Group, q.attrs.Namespace, q.attrs.Name)
}

func subjectAccessReview(ctx context.Context, c kubernetes.Interface, q query) (bool, error) {
	spec := authorizationv1.SubjectAccessReviewSpec{User: q.user, Groups: q.groups}
	a := q.attrs
	if a.IsResourceRequest() {
		spec.ResourceAttributes = &authorizationv1.ResourceAttributes{Verb: a.Verb, Group: a.Group, Resource: a.Resource,
			Subresource: a.Subresource, Namespace: a.Namespace, Name: a.Name}
	} else {
		spec.NonResourceAttributes = &authorizationv1.NonResourceAttributes{Verb: a.Verb, Path: a.Path}
	}
	r, err := c.AuthorizationV1().SubjectAccessReviews().Create(ctx, &authorizationv1.SubjectAccessReview{Spec: spec}, metav1.CreateOptions{})
	if err != nil {
		return false, err
	}
	if r.Status.EvaluationError != "" {
		return false, fmt.Errorf("evaluation error: %s", r.Status.EvaluationError)
	}
	return r.Status.Allowed, nil
}

// rbacGen generates a deterministic RBAC set and questions about it.
type rbacGen struct {
	r          *rand.Rand
	namespaces []string
	users      []string
	groups     []string
	sas        []authz.Subject
}

func newRBACGen(seed uint64) *rbacGen {
	g := &rbacGen{r: rand.New(rand.NewPCG(seed, 7))}
	g.namespaces = []string{"ns-a", "ns-b", "ns-c", "ns-d"}
	for i := range 8 {
		g.users = append(g.users, fmt.Sprintf("user-%d", i))
	}
	g.groups = []string{"team-1", "team-2", "team-3", "ops"}
	for _, ns := range g.namespaces {
		for i := range 3 {
			g.sas = append(g.sas, authz.Subject{Kind: authz.KindServiceAccount, Namespace: ns, Name: fmt.Sprintf("sa-%d", i)})
		}
	}
	return g
}

var (
	oracleVerbs     = []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "escalate", "bind", "impersonate"}
	oracleGroups    = []string{"", "apps", "rbac.authorization.k8s.io", "example.com"}
	oracleResources = []string{"pods", "pods/exec", "pods/log", "secrets", "configmaps", "deployments", "deployments/scale", "nodes", "nodes/proxy",
		"roles", "clusterroles", "serviceaccounts", "serviceaccounts/token", "widgets", "widgets/status", "users"}
	oracleNames = []string{"a", "b", "cluster-info"}
	oracleURLs  = []string{"/metrics", "/healthz", "/healthz/etcd", "/api", "/apis/apps", "/logs/kube.log", "/version"}
)

// some returns 1 to max distinct elements of l, or "*" with probability
// star.
func (g *rbacGen) some(l []string, max int, star float64) []string {
	if g.r.Float64() < star {
		return []string{"*"}
	}
	n := 1 + g.r.IntN(max)
	var out []string
	for _, i := range g.r.Perm(len(l))[:min(n, len(l))] {
		out = append(out, l[i])
	}
	return out
}

func (g *rbacGen) rule(allowURLs bool) rbacv1.PolicyRule {
	if allowURLs && g.r.Float64() < 0.15 {
		urls := g.some([]string{"/metrics", "/healthz", "/healthz/*", "/api*", "/logs/*", "/version"}, 2, 0.05)
		return rbacv1.PolicyRule{Verbs: g.some([]string{"get", "post"}, 2, 0.1), NonResourceURLs: urls}
	}
	res := g.some(oracleResources, 3, 0.05)
	if g.r.Float64() < 0.1 {
		res = append(res, "*/scale")
	}
	if g.r.Float64() < 0.05 {
		res = append(res, "*/status")
	}
	rule := rbacv1.PolicyRule{Verbs: g.some(oracleVerbs, 3, 0.08), APIGroups: g.some(oracleGroups, 2, 0.1), Resources: res}
	if g.r.Float64() < 0.2 {
		rule.ResourceNames = g.some(oracleNames, 2, 0)
	}
	return rule
}

func (g *rbacGen) rules(n int, allowURLs bool) []rbacv1.PolicyRule {
	var out []rbacv1.PolicyRule
	for range n {
		out = append(out, g.rule(allowURLs))
	}
	return out
}

func (g *rbacGen) subjects(ns string) []rbacv1.Subject {
	var out []rbacv1.Subject
	for range 1 + g.r.IntN(3) {
		switch x := g.r.IntN(20); {
		case x < 7:
			out = append(out, rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: g.users[g.r.IntN(len(g.users))]})
		case x < 11:
			out = append(out, rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: g.groups[g.r.IntN(len(g.groups))]})
		case x < 16:
			sa := g.sas[g.r.IntN(len(g.sas))]
			s := rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: sa.Namespace, Name: sa.Name}
			if ns != "" && g.r.Float64() < 0.3 {
				s.Namespace = "" // a RoleBinding's own namespace
			}
			out = append(out, s)
		case x < 18:
			out = append(out, rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: "system:serviceaccounts:" + g.namespaces[g.r.IntN(len(g.namespaces))]})
		case x < 19:
			sa := g.sas[g.r.IntN(len(g.sas))]
			out = append(out, rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: sa.Username()})
		default:
			out = append(out, rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName,
				Name: []string{"system:serviceaccounts", "system:unauthenticated"}[g.r.IntN(2)]})
		}
	}
	return out
}

type rbacObjects struct {
	namespaces          []string
	clusterRoles        []rbacv1.ClusterRole
	roles               []rbacv1.Role
	clusterRoleBindings []rbacv1.ClusterRoleBinding
	roleBindings        []rbacv1.RoleBinding
}

// objects generates the RBAC set. Aggregated ClusterRoles carry the union
// of their contributors' rules, as the aggregation controller (which this
// control plane does not run) would store them.
func (g *rbacGen) objects() rbacObjects {
	o := rbacObjects{namespaces: g.namespaces}
	const aggLabel = "oracle.example.com/aggregate-to-"
	for i := range 24 {
		cr := rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("oracle-cr-%d", i)}, Rules: g.rules(1+g.r.IntN(3), true)}
		if i%4 == 0 {
			cr.Labels = map[string]string{aggLabel + "agg-0": "true"}
		}
		if i%6 == 1 {
			cr.Labels = map[string]string{aggLabel + "agg-1": "true"}
		}
		o.clusterRoles = append(o.clusterRoles, cr)
	}
	// agg-1 is itself aggregated into agg-0: a two-level path.
	for i, name := range []string{"oracle-agg-1", "oracle-agg-0"} {
		agg := rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name},
			AggregationRule: &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{{MatchLabels: map[string]string{aggLabel + strings.TrimPrefix(name, "oracle-"): "true"}}}}}
		if i == 0 {
			agg.Labels = map[string]string{aggLabel + "agg-0": "true"}
		}
		sel := labels.SelectorFromSet(agg.AggregationRule.ClusterRoleSelectors[0].MatchLabels)
		for _, c := range o.clusterRoles {
			if sel.Matches(labels.Set(c.Labels)) {
				for _, r := range c.Rules {
					if !slices.ContainsFunc(agg.Rules, func(x rbacv1.PolicyRule) bool { return reflect.DeepEqual(x, r) }) {
						agg.Rules = append(agg.Rules, r)
					}
				}
			}
		}
		o.clusterRoles = append(o.clusterRoles, agg)
	}
	for i := range 16 {
		ns := g.namespaces[i%len(g.namespaces)]
		o.roles = append(o.roles, rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("oracle-role-%d", i), Namespace: ns}, Rules: g.rules(1+g.r.IntN(3), false)})
	}
	clusterRoleName := func() string {
		if g.r.Float64() < 0.2 {
			return []string{"oracle-agg-0", "oracle-agg-1"}[g.r.IntN(2)]
		}
		if g.r.Float64() < 0.05 {
			return "oracle-missing" // dangling
		}
		return o.clusterRoles[g.r.IntN(24)].Name
	}
	for i := range 14 {
		o.clusterRoleBindings = append(o.clusterRoleBindings, rbacv1.ClusterRoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("oracle-crb-%d", i)},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: clusterRoleName()},
			Subjects:   g.subjects(""),
		})
	}
	for i := range 40 {
		ns := g.namespaces[g.r.IntN(len(g.namespaces))]
		ref := rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: clusterRoleName()}
		if g.r.Float64() < 0.5 {
			var candidates []string
			for _, r := range o.roles {
				if r.Namespace == ns {
					candidates = append(candidates, r.Name)
				}
			}
			ref = rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: candidates[g.r.IntN(len(candidates))]}
		}
		o.roleBindings = append(o.roleBindings, rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("oracle-rb-%d", i), Namespace: ns},
			RoleRef:    ref,
			Subjects:   g.subjects(ns),
		})
	}
	return o
}

// tuples generates n questions: users with some of the groups,
// ServiceAccounts with the groups the authenticator gives them, anonymous.
func (g *rbacGen) tuples(n int) []query {
	var out []query
	for range n {
		var q query
		switch x := g.r.IntN(10); {
		case x < 4:
			q.user = g.users[g.r.IntN(len(g.users))]
			q.groups = append(g.some(g.groups, 2, 0), "system:authenticated")
		case x < 9:
			sa := g.sas[g.r.IntN(len(g.sas))]
			q.user, q.groups = sa.Username(), sa.Groups()
		default:
			q.user, q.groups = "system:anonymous", []string{"system:unauthenticated"}
		}
		if g.r.Float64() < 0.12 {
			q.attrs = authz.Attributes{Verb: []string{"get", "post", "put"}[g.r.IntN(3)], Path: oracleURLs[g.r.IntN(len(oracleURLs))]}
			out = append(out, q)
			continue
		}
		res := oracleResources[g.r.IntN(len(oracleResources))]
		a := authz.Attributes{Verb: oracleVerbs[g.r.IntN(len(oracleVerbs))], Group: oracleGroups[g.r.IntN(len(oracleGroups))]}
		a.Resource, a.Subresource, _ = strings.Cut(res, "/")
		if g.r.Float64() < 0.75 {
			a.Namespace = g.namespaces[g.r.IntN(len(g.namespaces))]
		}
		if g.r.Float64() < 0.4 {
			a.Name = oracleNames[g.r.IntN(len(oracleNames))]
		}
		q.attrs = a
		out = append(out, q)
	}
	return out
}

func createRBACObjects(ctx context.Context, t *testing.T, c kubernetes.Interface, o rbacObjects) {
	t.Helper()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("create %s: %v", what, err)
		}
	}
	for _, ns := range o.namespaces {
		_, err := c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
		must("namespace "+ns, err)
	}
	for i := range o.clusterRoles {
		_, err := c.RbacV1().ClusterRoles().Create(ctx, &o.clusterRoles[i], metav1.CreateOptions{})
		must("clusterrole "+o.clusterRoles[i].Name, err)
	}
	for i := range o.roles {
		_, err := c.RbacV1().Roles(o.roles[i].Namespace).Create(ctx, &o.roles[i], metav1.CreateOptions{})
		must("role "+o.roles[i].Name, err)
	}
	for i := range o.clusterRoleBindings {
		_, err := c.RbacV1().ClusterRoleBindings().Create(ctx, &o.clusterRoleBindings[i], metav1.CreateOptions{})
		must("clusterrolebinding "+o.clusterRoleBindings[i].Name, err)
	}
	for i := range o.roleBindings {
		_, err := c.RbacV1().RoleBindings(o.roleBindings[i].Namespace).Create(ctx, &o.roleBindings[i], metav1.CreateOptions{})
		must("rolebinding "+o.roleBindings[i].Name, err)
	}
}

// No false positives on real defaults: a fresh kube-apiserver v1.37.2 (its
// bootstrap roles and bindings) plus kubeadm's platform roles and bindings,
// audited live, gives no RBAC warn or fail; one cluster-admin binding added
// to a ServiceAccount then fails RBAC-001 and nothing else.
func TestLiveRBACDefaultsNoFindings(t *testing.T) {
	lc := startCluster(t, "../../fixtures/rbac/kubeadm-platform.yaml")
	rep := audit(t, "--kubeconfig", lc.Kubeconfig, "--check", "RBAC")
	rbacResults := 0
	for _, r := range rep.Results {
		if !strings.HasPrefix(r.Check, "RBAC-") {
			continue
		}
		rbacResults++
		if r.Status == result.StatusWarn || r.Status == result.StatusFail || r.Status == result.StatusSkip {
			t.Errorf("defaults: %s", r)
		}
	}
	if rbacResults < 10 {
		t.Fatalf("%d RBAC results, want at least one per check", rbacResults)
	}
	_, err := lc.client.RbacV1().ClusterRoleBindings().Create(t.Context(), &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "ci-admin"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "cluster-admin"},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: "ci", Namespace: "default"}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep = audit(t, "--kubeconfig", lc.Kubeconfig, "--check", "RBAC")
	var gating []string
	for _, r := range rep.Results {
		if r.Status == result.StatusWarn || r.Status == result.StatusFail {
			gating = append(gating, r.Check+" "+string(r.Status)+" "+r.Object.String())
		}
	}
	if !slices.Equal(gating, []string{"RBAC-001 fail ClusterRoleBinding/ci-admin"}) {
		t.Errorf("with a cluster-admin ServiceAccount: %v", gating)
	}
}
