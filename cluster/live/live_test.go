package live

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/version"
	fakediscovery "k8s.io/client-go/discovery/fake"
	"k8s.io/client-go/dynamic"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/rest"
	k8stesting "k8s.io/client-go/testing"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

var liveNow = time.Date(2026, 3, 4, 5, 6, 7, 890, time.FixedZone("CET", 3600))

// newLiveFake returns a fake clientset holding objs that reports server
// version v1.37.2 and answers every SelfSubjectAccessReview with allowed,
// except those deny matches.
func newLiveFake(t *testing.T, deny func(*authorizationv1.ResourceAttributes) bool, objs ...runtime.Object) *fake.Clientset {
	t.Helper()
	fc := fake.NewSimpleClientset(objs...)
	fc.Discovery().(*fakediscovery.FakeDiscovery).FakedServerVersion = &version.Info{GitVersion: "v1.37.2"}
	fc.PrependReactor("create", "selfsubjectaccessreviews", func(a k8stesting.Action) (bool, runtime.Object, error) {
		r := a.(k8stesting.CreateAction).GetObject().(*authorizationv1.SelfSubjectAccessReview).DeepCopy()
		attrs := r.Spec.ResourceAttributes
		r.Status.Allowed = attrs != nil && (deny == nil || !deny(attrs))
		return true, r, nil
	})
	return fc
}

func denyResource(resource string) func(*authorizationv1.ResourceAttributes) bool {
	return func(a *authorizationv1.ResourceAttributes) bool { return a.Resource == resource }
}

func objMeta(ns, name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Namespace: ns, Name: name}
}

func pod(ns, name string) *corev1.Pod { return &corev1.Pod{ObjectMeta: objMeta(ns, name)} }

func configMap(ns, name string) *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: objMeta(ns, name), Data: map[string]string{"k": "v"}}
}

// failList makes every list of resource fail with err.
func failList(resource string, err error) func(*fake.Clientset) {
	return func(fc *fake.Clientset) {
		fc.PrependReactor("list", resource, func(k8stesting.Action) (bool, runtime.Object, error) {
			return true, nil, err
		})
	}
}

func podNames(s *cluster.Snapshot) []string {
	var out []string
	for _, p := range s.Pods {
		out = append(out, p.Namespace+"/"+p.Name)
	}
	return out
}

// assertReadOnlyAndNoSecrets checks the recorded actions: nothing touches
// secrets, configmaps are only read with GET by allow-listed name, and
// nothing but access reviews is written.
func assertReadOnlyAndNoSecrets(t *testing.T, actions []k8stesting.Action) {
	t.Helper()
	allowed := map[types.NamespacedName]bool{}
	for _, nn := range cluster.ConfigMapAllowList() {
		allowed[nn] = true
	}
	for _, a := range actions {
		res := a.GetResource().Resource
		switch {
		case res == "secrets":
			t.Errorf("action %s on secrets", a.GetVerb())
		case res == "configmaps":
			g, ok := a.(k8stesting.GetAction)
			if !ok || a.GetVerb() != "get" {
				t.Errorf("configmaps touched with %s, want only get by name", a.GetVerb())
				continue
			}
			if nn := (types.NamespacedName{Namespace: g.GetNamespace(), Name: g.GetName()}); !allowed[nn] {
				t.Errorf("get configmap %s is not in cluster.ConfigMapAllowList()", nn)
			}
		case res == "selfsubjectaccessreviews":
			if a.GetVerb() != "create" {
				t.Errorf("%s on selfsubjectaccessreviews", a.GetVerb())
			}
			ra := a.(k8stesting.CreateAction).GetObject().(*authorizationv1.SelfSubjectAccessReview).Spec.ResourceAttributes
			if ra != nil && ra.Resource == "secrets" {
				t.Errorf("access review asks about secrets")
			}
		case a.GetVerb() != "list" && a.GetVerb() != "get":
			t.Errorf("write action %s on %s", a.GetVerb(), res)
		}
	}
}

func TestLiveCollect(t *testing.T) {
	lastApplied := map[string]string{corev1.LastAppliedConfigAnnotation: `{"big":"blob"}`}
	managed := []metav1.ManagedFieldsEntry{{Manager: "kubectl", Operation: metav1.ManagedFieldsOperationApply}}

	tests := []struct {
		name    string
		deny    func(*authorizationv1.ResourceAttributes) bool
		objects []runtime.Object
		setup   func(*fake.Clientset)
		wantErr string
		// wantGaps is compared exactly; nil means no gaps.
		wantGaps []cluster.Gap
		// wantCounts is checked for the kinds it names only.
		wantCounts map[cluster.Kind]int
		check      func(t *testing.T, s *cluster.Snapshot, actions []k8stesting.Action)
	}{
		{
			name: "objects of several kinds are collected and sorted",
			objects: []runtime.Object{
				pod("web", "b"), pod("kube-system", "z"), pod("web", "a"), pod("default", "m"),
				&corev1.Node{ObjectMeta: objMeta("", "node-2")}, &corev1.Node{ObjectMeta: objMeta("", "node-1")},
				&corev1.Namespace{ObjectMeta: objMeta("", "web")}, &corev1.Namespace{ObjectMeta: objMeta("", "default")},
				&appsv1.Deployment{ObjectMeta: objMeta("web", "api")},
				&appsv1.Deployment{ObjectMeta: objMeta("kube-system", "coredns")},
			},
			wantCounts: map[cluster.Kind]int{cluster.KindPods: 4, cluster.KindNodes: 2, cluster.KindNamespaces: 2, cluster.KindDeployments: 2},
			check: func(t *testing.T, s *cluster.Snapshot, _ []k8stesting.Action) {
				if got, want := podNames(s), []string{"default/m", "kube-system/z", "web/a", "web/b"}; !slices.Equal(got, want) {
					t.Errorf("pods = %v, want %v", got, want)
				}
				if s.Nodes[0].Name != "node-1" || s.Namespaces[0].Name != "default" || s.Deployments[0].Namespace != "kube-system" {
					t.Errorf("nodes, namespaces or deployments not sorted: %s, %s, %s",
						s.Nodes[0].Name, s.Namespaces[0].Name, s.Deployments[0].Namespace)
				}
				if s.Source != cluster.SourceLive || s.SchemaVersion != cluster.SchemaVersion || s.Server.GitVersion != "v1.37.2" {
					t.Errorf("source %q, schema %q, gitVersion %q", s.Source, s.SchemaVersion, s.Server.GitVersion)
				}
				if want := time.Date(2026, 3, 4, 4, 6, 7, 0, time.UTC); !s.CollectedAt.Equal(want) || s.CollectedAt.Location() != time.UTC {
					t.Errorf("collectedAt = %v, want %v", s.CollectedAt, want)
				}
			},
		},
		{
			name: "managedFields and last-applied annotation are stripped",
			objects: []runtime.Object{
				&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "web", Name: "a", ManagedFields: managed,
					Annotations: map[string]string{corev1.LastAppliedConfigAnnotation: "{}", "keep": "me"}}},
				&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n", ManagedFields: managed, Annotations: lastApplied}},
				&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "coredns",
					ManagedFields: managed, Annotations: lastApplied}},
			},
			check: func(t *testing.T, s *cluster.Snapshot, _ []k8stesting.Action) {
				p, n, cm := s.Pods[0], s.Nodes[0], s.ConfigMaps[0]
				if p.ManagedFields != nil || n.ManagedFields != nil || cm.ManagedFields != nil {
					t.Errorf("managedFields kept")
				}
				if want := map[string]string{"keep": "me"}; fmt.Sprint(p.Annotations) != fmt.Sprint(want) {
					t.Errorf("pod annotations = %v, want %v", p.Annotations, want)
				}
				if n.Annotations != nil || cm.Annotations != nil {
					t.Errorf("annotations left after stripping: node %v, configmap %v", n.Annotations, cm.Annotations)
				}
			},
		},
		{
			name:    "denied access review for resourcequotas is a forbidden gap and no list",
			deny:    denyResource("resourcequotas"),
			objects: []runtime.Object{&corev1.ResourceQuota{ObjectMeta: objMeta("web", "q")}, pod("web", "a")},
			wantGaps: []cluster.Gap{{Kind: cluster.KindResourceQuotas, Reason: cluster.GapForbidden,
				Message: "the current identity may not list resourcequotas cluster-wide"}},
			wantCounts: map[cluster.Kind]int{cluster.KindResourceQuotas: 0, cluster.KindPods: 1},
			check: func(t *testing.T, _ *cluster.Snapshot, actions []k8stesting.Action) {
				for _, a := range actions {
					if a.GetResource().Resource == "resourcequotas" {
						t.Errorf("resourcequotas were requested (%s) after a denied review", a.GetVerb())
					}
				}
			},
		},
		{
			name:    "failing access review API falls back to listing",
			objects: []runtime.Object{pod("web", "a"), &corev1.ResourceQuota{ObjectMeta: objMeta("web", "q")}},
			setup: func(fc *fake.Clientset) {
				fc.PrependReactor("create", "selfsubjectaccessreviews", func(k8stesting.Action) (bool, runtime.Object, error) {
					return true, nil, apierrors.NewForbidden(schema.GroupResource{Group: "authorization.k8s.io",
						Resource: "selfsubjectaccessreviews"}, "", fmt.Errorf("no"))
				})
			},
			wantCounts: map[cluster.Kind]int{cluster.KindPods: 1, cluster.KindResourceQuotas: 1},
		},
		{
			name:    "403 on a list is a forbidden gap",
			objects: []runtime.Object{pod("web", "a"), &corev1.Node{ObjectMeta: objMeta("", "n")}},
			setup: failList("pods", apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "",
				fmt.Errorf(`User "bob" cannot list resource "pods" in API group "" at the cluster scope`))),
			wantGaps: []cluster.Gap{{Kind: cluster.KindPods, Reason: cluster.GapForbidden,
				Message: `list pods: pods is forbidden: User "bob" cannot list resource "pods" in API group "" at the cluster scope`}},
			wantCounts: map[cluster.Kind]int{cluster.KindPods: 0, cluster.KindNodes: 1},
		},
		{
			name:  "404 on a list is a not-installed gap",
			setup: failList("ingresses", apierrors.NewNotFound(schema.GroupResource{Group: "networking.k8s.io", Resource: "ingresses"}, "")),
			wantGaps: []cluster.Gap{{Kind: cluster.KindIngresses, Reason: cluster.GapNotInstalled,
				Message: "the API server does not serve ingresses.networking.k8s.io (networking.k8s.io/v1)"}},
		},
		{
			name:  "server timeout on a list is a timeout gap",
			setup: failList("leases", apierrors.NewTimeoutError("request did not complete within 60s", 0)),
			wantGaps: []cluster.Gap{{Kind: cluster.KindLeases, Reason: cluster.GapTimeout,
				Message: "list leases.coordination.k8s.io: Timeout: request did not complete within 60s"}},
		},
		{
			name:  "other list errors are error gaps",
			setup: failList("jobs", apierrors.NewInternalError(fmt.Errorf("etcd is sad"))),
			wantGaps: []cluster.Gap{{Kind: cluster.KindJobs, Reason: cluster.GapError,
				Message: "list jobs.batch: Internal error occurred: etcd is sad"}},
		},
		{
			name: "configmaps only by allow-listed name",
			deny: func(a *authorizationv1.ResourceAttributes) bool {
				return a.Resource == "configmaps" && a.Name == "kubeadm-config"
			},
			objects: []runtime.Object{
				configMap("kube-system", "coredns"), configMap("kube-system", "kubeadm-config"),
				configMap("kube-system", "kube-dns"), configMap("kube-system", "extension-apiserver-authentication"),
				configMap("web", "coredns"),
				&corev1.Secret{ObjectMeta: objMeta("kube-system", "token")},
			},
			setup: func(fc *fake.Clientset) {
				fc.PrependReactor("get", "configmaps", func(a k8stesting.Action) (bool, runtime.Object, error) {
					if a.(k8stesting.GetAction).GetName() == "kube-dns" {
						return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: "configmaps"}, "kube-dns", fmt.Errorf("no"))
					}
					return false, nil, nil
				})
			},
			wantGaps: []cluster.Gap{
				{Kind: cluster.KindConfigMaps, Namespace: "kube-system", Name: "kube-dns", Reason: cluster.GapForbidden,
					Message: `get configmap kube-system/kube-dns: configmaps "kube-dns" is forbidden: no`},
				{Kind: cluster.KindConfigMaps, Namespace: "kube-system", Name: "kubeadm-config", Reason: cluster.GapForbidden,
					Message: "the current identity may not get configmap kube-system/kubeadm-config"},
			},
			wantCounts: map[cluster.Kind]int{cluster.KindConfigMaps: 1},
			check: func(t *testing.T, s *cluster.Snapshot, actions []k8stesting.Action) {
				if _, ok := s.ConfigMap("kube-system", "coredns"); !ok {
					t.Errorf("kube-system/coredns not collected")
				}
				if _, ok := s.GapFor(cluster.KindConfigMaps); ok {
					t.Errorf("a kind-wide configmaps gap was recorded")
				}
				gets := 0
				for _, a := range actions {
					if a.GetResource().Resource == "configmaps" {
						gets++
					}
				}
				// Every allow-listed name but the one whose review was denied.
				if want := len(cluster.ConfigMapAllowList()) - 1; gets != want {
					t.Errorf("%d configmap gets, want %d", gets, want)
				}
			},
		},
		{
			name: "401 from the server is a fatal credentials error",
			setup: func(fc *fake.Clientset) {
				fc.PrependReactor("get", "version", func(k8stesting.Action) (bool, runtime.Object, error) {
					return true, nil, apierrors.NewUnauthorized("Unauthorized")
				})
			},
			wantErr: "the API server rejected the credentials (401 Unauthorized): Unauthorized",
		},
		{
			name: "403 on the version is a gap, collection goes on",
			setup: func(fc *fake.Clientset) {
				fc.PrependReactor("get", "version", func(k8stesting.Action) (bool, runtime.Object, error) {
					return true, nil, apierrors.NewForbidden(schema.GroupResource{}, "version", fmt.Errorf("no"))
				})
			},
			objects: []runtime.Object{pod("web", "a")},
			wantGaps: []cluster.Gap{{Kind: KindServerVersion, Reason: cluster.GapForbidden,
				Message: "get server version: forbidden: no"}},
			wantCounts: map[cluster.Kind]int{cluster.KindPods: 1},
		},
		{
			name: "transport failure is a fatal one-line reachability error",
			setup: func(fc *fake.Clientset) {
				fc.PrependReactor("get", "version", func(k8stesting.Action) (bool, runtime.Object, error) {
					return true, nil, &url.Error{Op: "Get", URL: "https://10.0.0.1:6443/version?timeout=32s",
						Err: fmt.Errorf("dial tcp 10.0.0.1:6443: connect: no route to host")}
				})
			},
			wantErr: "cannot reach the API server at https://10.0.0.1:6443: dial tcp 10.0.0.1:6443: connect: no route to host",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fc := newLiveFake(t, tc.deny, tc.objects...)
			if tc.setup != nil {
				tc.setup(fc)
			}
			s, err := CollectWith(t.Context(), fc, Options{Dynamic: notInstalledDynamic(), Now: func() time.Time { return liveNow }})
			assertReadOnlyAndNoSecrets(t, fc.Actions())
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Collect: %v", err)
			}
			if !slices.Equal(s.Gaps, tc.wantGaps) {
				t.Errorf("gaps:\n got %+v\nwant %+v", s.Gaps, tc.wantGaps)
			}
			counts := s.Counts()
			for k, want := range tc.wantCounts {
				if counts[k] != want {
					t.Errorf("%s: %d objects, want %d", k, counts[k], want)
				}
			}
			if tc.check != nil {
				tc.check(t, s, fc.Actions())
			}
		})
	}
}

// pagedPods serves pods page by page from a fixed list, honouring Limit and
// Continue (the fake clientset does not paginate). expire reports whether
// the request with continue offset off and call number n gets 410 Expired.
type pagedPods struct {
	pods   []corev1.Pod
	expire func(off, n int) bool
	calls  int
	limits []int64
}

func (p *pagedPods) react(a k8stesting.Action) (bool, runtime.Object, error) {
	opts := a.(k8stesting.ListActionImpl).ListOptions
	p.calls++
	p.limits = append(p.limits, opts.Limit)
	off := 0
	if opts.Continue != "" {
		var err error
		if off, err = strconv.Atoi(opts.Continue); err != nil {
			return true, nil, apierrors.NewBadRequest("bad continue token")
		}
		if p.expire != nil && p.expire(off, p.calls) {
			return true, nil, apierrors.NewResourceExpired("The provided continue parameter is too old")
		}
	}
	end := min(off+int(opts.Limit), len(p.pods))
	if opts.Limit == 0 {
		end = len(p.pods)
	}
	l := &corev1.PodList{Items: slices.Clone(p.pods[off:end])}
	if end < len(p.pods) {
		l.Continue = strconv.Itoa(end)
		rest := int64(len(p.pods) - end)
		l.RemainingItemCount = &rest
	}
	return true, l, nil
}

func TestLivePagination(t *testing.T) {
	var pods []corev1.Pod
	var want []string
	for i := range 7 {
		pods = append(pods, *pod("ns", fmt.Sprintf("p%d", i)))
		want = append(want, fmt.Sprintf("ns/p%d", i))
	}
	tests := []struct {
		name      string
		expire    func(off, n int) bool
		wantCalls int
		wantPods  []string
		wantGap   string
	}{
		{name: "pages follow continue tokens", wantCalls: 3, wantPods: want},
		{
			name:      "expired continue token restarts the kind once",
			expire:    func(off, n int) bool { return off == 6 && n == 3 },
			wantCalls: 3 + 3, // p0-2, p3-5, 410; then the three pages again
			wantPods:  want,
		},
		{
			name:      "a token that keeps expiring gives up with an error gap",
			expire:    func(off, n int) bool { return off == 3 },
			wantCalls: 2 * (maxListRestarts + 1),
			wantGap:   cluster.GapError,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pp := &pagedPods{pods: pods, expire: tc.expire}
			fc := newLiveFake(t, nil)
			fc.PrependReactor("list", "pods", pp.react)
			var last Progress
			s, err := CollectWith(t.Context(), fc, Options{Dynamic: notInstalledDynamic(), PageSize: 3, Progress: func(p Progress) { last = p }})
			if err != nil {
				t.Fatalf("Collect: %v", err)
			}
			if got := podNames(s); !slices.Equal(got, tc.wantPods) {
				t.Errorf("pods = %v, want %v", got, tc.wantPods)
			}
			if pp.calls != tc.wantCalls {
				t.Errorf("%d list calls, want %d", pp.calls, tc.wantCalls)
			}
			for _, l := range pp.limits {
				if l != 3 {
					t.Errorf("list with limit %d, want 3", l)
				}
			}
			g, ok := s.GapFor(cluster.KindPods)
			if tc.wantGap == "" && ok {
				t.Errorf("unexpected gap %+v", g)
			}
			if tc.wantGap != "" && (!ok || g.Reason != tc.wantGap || !strings.Contains(g.Message, "continue token expired")) {
				t.Errorf("gap = %+v (found %v), want reason %s about the expired token", g, ok, tc.wantGap)
			}
			if last.Objects != len(tc.wantPods) || last.KindsDone != len(cluster.Kinds) || last.KindsTotal != len(cluster.Kinds) {
				t.Errorf("last progress = %+v, want %d objects and %d/%d kinds", last, len(tc.wantPods), len(cluster.Kinds), len(cluster.Kinds))
			}
		})
	}
}

func TestLiveProgressIsSerialized(t *testing.T) {
	var objs []runtime.Object
	for i := range 50 {
		objs = append(objs, pod(fmt.Sprintf("ns%d", i%5), fmt.Sprintf("p%d", i)),
			&corev1.Service{ObjectMeta: objMeta("ns", fmt.Sprintf("s%d", i))})
	}
	fc := newLiveFake(t, nil, objs...)
	// Plain variables: the race detector catches concurrent Progress calls.
	calls, maxDone := 0, 0
	_, err := CollectWith(t.Context(), fc, Options{Dynamic: notInstalledDynamic(), Concurrency: 8, Progress: func(p Progress) {
		calls++
		maxDone = max(maxDone, p.KindsDone)
	}})
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	if calls < len(cluster.Kinds) || maxDone != len(cluster.Kinds) {
		t.Errorf("%d progress calls reaching %d kinds done, want at least %d reaching %d", calls, maxDone, len(cluster.Kinds), len(cluster.Kinds))
	}
}

func TestLiveListersCoverKinds(t *testing.T) {
	for _, k := range cluster.Kinds {
		_, ok := liveListers[k.Kind]
		switch {
		case k.Kind == cluster.KindConfigMaps && ok:
			t.Errorf("configmaps have a lister; they must only be read by name")
		case convertedListers[k.Kind] != nil:
			if ok {
				t.Errorf("%s has a typed lister; the clientset has no client for it", k.Kind)
			}
		case k.Optional:
			if ok {
				t.Errorf("custom kind %s has a typed lister", k.Kind)
			}
			if cluster.ListStore[unstructured.Unstructured](k.Kind) == nil {
				t.Errorf("custom kind %s is not stored as unstructured objects", k.Kind)
			}
		case k.Kind != cluster.KindConfigMaps && !ok:
			t.Errorf("kind %s has no entry in liveListers", k.Kind)
		}
	}
	for kind := range liveListers {
		if _, ok := cluster.InfoFor(kind); !ok {
			t.Errorf("liveListers has %s, which is not in Kinds", kind)
		}
	}
}

func TestLiveUnreachable(t *testing.T) {
	closedAddr := func(t *testing.T) string {
		t.Helper()
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return "https://" + addr
	}
	serve := func(h http.HandlerFunc) func(t *testing.T) string {
		return func(t *testing.T) string {
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)
			return srv.URL
		}
	}
	tests := []struct {
		name      string
		host      func(t *testing.T) string
		timeout   time.Duration
		wantParts []string
	}{
		{
			name:      "closed loopback port",
			host:      closedAddr,
			timeout:   5 * time.Second,
			wantParts: []string{"cannot reach the API server at https://127.0.0.1:", "connection refused"},
		},
		{
			name: "server that never answers within the deadline",
			host: serve(func(w http.ResponseWriter, r *http.Request) {
				<-r.Context().Done()
			}),
			timeout:   300 * time.Millisecond,
			wantParts: []string{"cannot reach the API server at http://127.0.0.1:", "context deadline exceeded"},
		},
		{
			name: "401 unauthorized",
			host: serve(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				fmt.Fprint(w, `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}`)
			}),
			timeout:   5 * time.Second,
			wantParts: []string{"the API server rejected the credentials (401 Unauthorized): "},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), tc.timeout)
			defer cancel()
			s, err := Collect(ctx, &rest.Config{Host: tc.host(t)}, Options{})
			if err == nil {
				t.Fatalf("Collect succeeded (%d gaps), want an error", len(s.Gaps))
			}
			msg := err.Error()
			for _, part := range tc.wantParts {
				if !strings.Contains(msg, part) {
					t.Errorf("error %q does not contain %q", msg, part)
				}
			}
			if strings.Contains(msg, "\n") || strings.Contains(msg, "/version") {
				t.Errorf("error is not one clean line: %q", msg)
			}
		})
	}
}

func TestLiveConfigureClient(t *testing.T) {
	tests := []struct {
		name      string
		in        rest.Config
		wantQPS   float32
		wantBurst int
	}{
		{name: "client-go defaults are raised", in: rest.Config{Host: "https://h"}, wantQPS: DefaultQPS, wantBurst: DefaultBurst},
		{name: "low settings are raised", in: rest.Config{QPS: 5, Burst: 10}, wantQPS: DefaultQPS, wantBurst: DefaultBurst},
		{name: "higher settings are kept", in: rest.Config{QPS: 500, Burst: 1000}, wantQPS: 500, wantBurst: 1000},
		{name: "disabled rate limiting stays disabled", in: rest.Config{QPS: -1}, wantQPS: -1, wantBurst: DefaultBurst},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			got := ConfigureClient(&in)
			if got.QPS != tc.wantQPS || got.Burst != tc.wantBurst {
				t.Errorf("QPS/Burst = %v/%d, want %v/%d", got.QPS, got.Burst, tc.wantQPS, tc.wantBurst)
			}
			if got.ContentType != "application/vnd.kubernetes.protobuf" ||
				got.AcceptContentTypes != "application/vnd.kubernetes.protobuf,application/json" {
				t.Errorf("content types = %q / accept %q", got.ContentType, got.AcceptContentTypes)
			}
			if in.QPS != tc.in.QPS || in.Burst != tc.in.Burst || in.ContentType != "" || in.AcceptContentTypes != "" {
				t.Errorf("ConfigureClient changed its input")
			}
		})
	}
}

func TestLiveGapReason(t *testing.T) {
	expired, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	tests := []struct {
		name string
		ctx  context.Context
		err  error
		want string
	}{
		{name: "forbidden", ctx: t.Context(), err: apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "", fmt.Errorf("no")), want: cluster.GapForbidden},
		{name: "not found", ctx: t.Context(), err: apierrors.NewNotFound(schema.GroupResource{Resource: "leases"}, ""), want: cluster.GapNotInstalled},
		{name: "gateway timeout", ctx: t.Context(), err: apierrors.NewTimeoutError("slow", 0), want: cluster.GapTimeout},
		{name: "server timeout", ctx: t.Context(), err: apierrors.NewServerTimeout(schema.GroupResource{Resource: "pods"}, "list", 1), want: cluster.GapTimeout},
		{name: "client deadline inside a transport error", ctx: t.Context(),
			err: &url.Error{Op: "Get", URL: "https://h/api/v1/pods", Err: context.DeadlineExceeded}, want: cluster.GapTimeout},
		{name: "any error once the collection deadline passed", ctx: expired, err: fmt.Errorf("stream error"), want: cluster.GapTimeout},
		{name: "anything else", ctx: t.Context(), err: apierrors.NewInternalError(fmt.Errorf("boom")), want: cluster.GapError},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := gapReason(tc.ctx, tc.err); got != tc.want {
				t.Errorf("gapReason(%v) = %s, want %s", tc.err, got, tc.want)
			}
		})
	}
}

// customListKinds registers the kinds read through the dynamic client (the
// custom kinds and APIServices) with the fake dynamic client.
var customListKinds = func() map[schema.GroupVersionResource]string {
	m := map[schema.GroupVersionResource]string{}
	for _, k := range cluster.Kinds {
		if k.Optional || k.Kind == cluster.KindAPIServices {
			m[k.GVR] = k.Name + "List"
		}
	}
	return m
}()

// notInstalledDynamic answers every custom resource list with 404, as a
// server without those CRDs does, and lists no APIServices.
func notInstalledDynamic() dynamic.Interface {
	dc := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), customListKinds)
	dc.PrependReactor("list", "*", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if a.GetResource().Resource == "apiservices" {
			return false, nil, nil
		}
		return true, nil, apierrors.NewNotFound(a.GetResource().GroupResource(), "")
	})
	return dc
}

func TestLiveCustomResources(t *testing.T) {
	sched := &unstructured.Unstructured{}
	sched.SetAPIVersion("velero.io/v1")
	sched.SetKind("Schedule")
	sched.SetNamespace("velero")
	sched.SetName("daily")
	sched.SetManagedFields([]metav1.ManagedFieldsEntry{{Manager: "x"}})
	_ = unstructured.SetNestedField(sched.Object, "0 1 * * *", "spec", "schedule")
	apisvc := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
		"metadata": map[string]any{"name": "v1beta1.metrics.k8s.io", "managedFields": []any{map[string]any{"manager": "x"}}},
		"spec": map[string]any{"group": "metrics.k8s.io", "version": "v1beta1", "caBundle": "Zm9v",
			"groupPriorityMinimum": int64(100), "versionPriority": int64(100),
			"service": map[string]any{"namespace": "kube-system", "name": "metrics-server", "port": int64(443)}},
		"status": map[string]any{"conditions": []any{map[string]any{"type": "Available", "status": "False",
			"reason": "MissingEndpoints", "message": "endpoints for service/metrics-server in \"kube-system\" have no addresses"}}},
	}}
	vpa := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "autoscaling.k8s.io/v1", "kind": "VerticalPodAutoscaler",
		"metadata": map[string]any{"namespace": "shop", "name": "web", "managedFields": []any{map[string]any{"manager": "x"}}},
		"spec": map[string]any{"targetRef": map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
			"updatePolicy":   map[string]any{"updateMode": "Recreate"},
			"resourcePolicy": map[string]any{"containerPolicies": []any{map[string]any{"containerName": "*", "controlledResources": []any{"memory"}}}}},
		"status": map[string]any{"recommendation": map[string]any{"containerRecommendations": []any{map[string]any{"containerName": "web"}}}},
	}}
	dc := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), customListKinds, sched, apisvc, vpa)
	dc.PrependReactor("list", "etcdsnapshotfiles", func(a k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(a.GetResource().GroupResource(), "", errors.New("no"))
	})
	dc.PrependReactor("list", "clusterversions", func(a k8stesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewNotFound(a.GetResource().GroupResource(), "")
	})
	fc := newLiveFake(t, nil)
	s, err := CollectWith(t.Context(), fc, Options{Dynamic: dc})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.VeleroSchedules) != 1 || s.VeleroSchedules[0].GetName() != "daily" || s.VeleroSchedules[0].GetManagedFields() != nil {
		t.Errorf("velero schedules = %+v, want daily without managedFields", s.VeleroSchedules)
	}
	// APIServices come through the dynamic client as the typed
	// cluster.APIService, without managedFields or the CA bundle.
	if len(s.APIServices) != 1 {
		t.Fatalf("apiservices = %+v, want one", s.APIServices)
	}
	a := s.APIServices[0]
	if got := fmt.Sprintf("%s %s/%s:%d caBundle=%d %+v managedFields=%d", a.Name, a.Spec.Service.Namespace, a.Spec.Service.Name, *a.Spec.Service.Port,
		len(a.Spec.CABundle), *a.Condition("Available"), len(a.ManagedFields)); got != `v1beta1.metrics.k8s.io kube-system/metrics-server:443 caBundle=0 {Type:Available Status:False LastTransitionTime:0001-01-01 00:00:00 +0000 UTC Reason:MissingEndpoints Message:endpoints for service/metrics-server in "kube-system" have no addresses} managedFields=0` {
		t.Errorf("apiservice = %s", got)
	}
	// VerticalPodAutoscalers come typed, reduced to their spec.
	if len(s.VPAs) != 1 {
		t.Fatalf("vpas = %+v, want one", s.VPAs)
	}
	v := s.VPAs[0]
	if got := fmt.Sprintf("%s/%s %s/%s mode=%s controlled=%v managedFields=%d", v.Namespace, v.Name, v.Spec.TargetRef.Kind, v.Spec.TargetRef.Name,
		v.UpdateMode(), *v.Spec.ResourcePolicy.ContainerPolicies[0].ControlledResources, len(v.ManagedFields)); got != "shop/web Deployment/web mode=Recreate controlled=[memory] managedFields=0" {
		t.Errorf("vpa = %s", got)
	}
	var kinds []cluster.Kind
	for _, g := range s.Gaps {
		kinds = append(kinds, g.Kind)
	}
	if !slices.Equal(kinds, []cluster.Kind{cluster.KindETCDSnapshotFiles}) {
		t.Errorf("gaps = %+v, want only the forbidden etcdsnapshotfiles (a CRD that is not installed is no gap)", s.Gaps)
	}
}

// ReplicaSets are listed like every kind and kept as metadata, replicas and
// selector: their pod templates never reach the snapshot.
func TestLiveReplicaSetsKeepMetadataOnly(t *testing.T) {
	rs := &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Name: "web-5d8f", Namespace: "a", ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "kcm"}},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"}}},
		Spec: appsv1.ReplicaSetSpec{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "web:1"}}}}},
	}
	fc := newLiveFake(t, nil, rs)
	s, err := CollectWith(t.Context(), fc, Options{Dynamic: notInstalledDynamic()})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.ReplicaSets) != 1 {
		t.Fatalf("got %d ReplicaSets, want 1", len(s.ReplicaSets))
	}
	got := s.ReplicaSets[0]
	if got.Name != "web-5d8f" || got.OwnerReferences[0].Name != "web" || got.Spec.Selector.MatchLabels["app"] != "web" || got.ManagedFields != nil {
		t.Errorf("ReplicaSet = %+v", got)
	}
	if _, ok := s.GapFor(cluster.KindReplicaSets); ok {
		t.Errorf("replicasets are a gap: %v", s.Gaps)
	}
}
