package net

import (
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// run loads a fixture of ../testdata, lets edit change the snapshot, and
// returns the check's results, one "ID status object: message" per line.
func run(t *testing.T, id, fixture string, edit func(s *cluster.Snapshot)) string {
	t.Helper()
	var b strings.Builder
	for _, r := range checktest.RunFixture(t, Checks(DefaultOptions()), id, fixture, edit) {
		b.WriteString(checktest.FormatResult(r) + "\n")
	}
	return b.String()
}

// asLive makes a manifest snapshot look like a live read: every object of
// the cluster is in it, so what is absent does not exist.
func asLive(s *cluster.Snapshot) { s.Source = cluster.SourceLive }

type messageCase struct {
	name, fixture string
	edit          func(*cluster.Snapshot)
	want          string
}

func testMessages(t *testing.T, id string, tests []messageCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := run(t, id, tc.fixture, tc.edit); got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestNET001Messages(t *testing.T) {
	testMessages(t, "NET-001", []messageCase{
		{"cross-namespace collision in one class", "fail-cross-namespace.yaml", nil,
			"NET-001 fail Ingress/team-a/shop: Ingress team-a/shop (class nginx) shares shop.example.com /api (Prefix) with Ingress team-b/promo; " +
				"the controller routes each to only one of them, so give each host and path to one Ingress.\n" +
				"NET-001 fail Ingress/team-b/promo: Ingress team-b/promo (class nginx) shares shop.example.com /api (Prefix) with Ingress team-a/shop; " +
				"the controller routes each to only one of them, so give each host and path to one Ingress.\n" +
				"NET-001 pass Ingress/team-c/edge: Ingress team-c/edge (class traefik): no other Ingress claims any of its 1 host and path pairs.\n"},
		{"classless Ingresses collide, the annotated one is in its class", "fail-classless-legacy-annotation.yaml", nil,
			"NET-001 fail Ingress/default/app: Ingress default/app (no class) shares every host / (Prefix) with Ingress web/site; " +
				"the controller routes each to only one of them, so give each host and path to one Ingress.\n" +
				"NET-001 pass Ingress/web/legacy: Ingress web/legacy (class nginx): no other Ingress claims any of its 1 host and path pairs.\n" +
				"NET-001 fail Ingress/web/site: Ingress web/site (no class) shares every host / (Prefix) with Ingress default/app; " +
				"the controller routes each to only one of them, so give each host and path to one Ingress.\n"},
		{"no Ingress", "fail-cross-namespace.yaml", func(s *cluster.Snapshot) { s.Ingresses = nil },
			"NET-001 na (cluster): No Ingress is in the input.\n"},
	})
}

func TestNET002Messages(t *testing.T) {
	testMessages(t, "NET-002", []messageCase{
		{"ports the Service does not expose", "fail-ports-not-exposed.yaml", nil,
			"NET-002 fail Ingress/shop/storefront: Ingress shop/storefront routes to backends that do not resolve: Service storefront exposes no port 80; " +
				"Service storefront exposes no port http. The controller answers those requests with an error; point each backend at a Service and port that exist.\n"},
		{"manifests: the Service is in another bundle", "skip-service-not-in-input.yaml", nil,
			"NET-002 skip Ingress/shop/storefront: Ingress shop/storefront: Service storefront is not in the input (the input is manifests, not a live cluster), so that backend is not judged.\n"},
		{"live: the Service does not exist", "skip-service-not-in-input.yaml", asLive,
			"NET-002 fail Ingress/shop/storefront: Ingress shop/storefront routes to backends that do not resolve: Service storefront does not exist in namespace shop. " +
				"The controller answers those requests with an error; point each backend at a Service and port that exist.\n"},
		{"manifests: a bad port and an unknown Service", "fail-ports-not-exposed.yaml", func(s *cluster.Snapshot) {
			s.Ingresses[0].Spec.DefaultBackend = &networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
				Name: "fallback", Port: networkingv1.ServiceBackendPort{Number: 80}}}
			s.Ingresses[0].Spec.Rules[0].HTTP.Paths = s.Ingresses[0].Spec.Rules[0].HTTP.Paths[:1]
		},
			"NET-002 fail Ingress/shop/storefront: Ingress shop/storefront routes to backends that do not resolve: Service storefront exposes no port 80. " +
				"The controller answers those requests with an error; point each backend at a Service and port that exist. " +
				"Service fallback is not in the input (the input is manifests, not a live cluster), so that backend is not judged.\n"},
		{"port number and name exposed, ExternalName not judged on ports", "pass-backends-resolve.yaml", nil,
			"NET-002 pass Ingress/shop/storefront: Ingress shop/storefront routes to storefront:80, storefront:http, payments:443, which exist with those ports.\n"},
	})
}

func TestNET003Messages(t *testing.T) {
	const manifests = " (the input is manifests, not a live cluster)"
	notRunning := func(class, ctl string) string {
		return "NET-003 warn IngressClass/" + class + ": IngressClass " + class + " names controller " + ctl + " but no Deployment or DaemonSet runs it, " +
			"so no Ingress of the class is served; install the controller or delete the class.\n"
	}
	testMessages(t, "NET-003", []messageCase{
		{"manifests: no default, controllers not in the input", "skip-manifests-no-default.yaml", nil,
			"NET-003 skip (cluster): None of the 2 IngressClasses nginx and traefik in the input is marked default; " +
				"whether the cluster has a default class elsewhere is not known" + manifests + ".\n" +
				"NET-003 skip IngressClass/nginx: IngressClass nginx names controller k8s.io/ingress-nginx and no Deployment or DaemonSet in the input runs it; " +
				"whether it runs elsewhere is not known" + manifests + ".\n" +
				"NET-003 skip IngressClass/traefik: IngressClass traefik names controller traefik.io/ingress-controller and no Deployment or DaemonSet in the input runs it; " +
				"whether it runs elsewhere is not known" + manifests + ".\n" +
				"NET-003 skip Ingress/shop/storefront: Ingress shop/storefront names no class and the input marks no IngressClass default; " +
				"whether the cluster has a default class is not known" + manifests + ".\n"},
		{"live: no default, controllers not running", "skip-manifests-no-default.yaml", asLive,
			"NET-003 warn (cluster): None of the 2 IngressClasses nginx and traefik is marked default, so an Ingress that names no class is served by none of them; " +
				"mark one with the annotation ingressclass.kubernetes.io/is-default-class: \"true\".\n" +
				notRunning("nginx", "k8s.io/ingress-nginx") + notRunning("traefik", "traefik.io/ingress-controller") +
				"NET-003 warn Ingress/shop/storefront: Ingress shop/storefront names no class (no spec.ingressClassName, no kubernetes.io/ingress.class annotation) " +
				"and no IngressClass is the default, so no controller is bound to serve it; set spec.ingressClassName.\n"},
		{"two defaults", "fail-two-defaults.yaml", func(s *cluster.Snapshot) { s.IngressClasses[1].Spec.Controller = "example.com/private" },
			"NET-003 fail (cluster): IngressClasses nginx and nginx-internal are all marked default, so the API server refuses to create an Ingress that names no class; " +
				"keep the annotation ingressclass.kubernetes.io/is-default-class: \"true\" on one of them.\n" +
				"NET-003 pass IngressClass/nginx: IngressClass nginx names controller example.com/private, which is not one whose Deployment seaworthy recognises " +
				"(k8s.io/ingress-nginx, traefik.io/ingress-controller); whether it runs is not judged.\n" +
				"NET-003 pass IngressClass/nginx-internal: IngressClass nginx-internal names controller example.com/private, which is not one whose Deployment seaworthy recognises " +
				"(k8s.io/ingress-nginx, traefik.io/ingress-controller); whether it runs is not judged.\n"},
		{"one default, controllers recognised", "pass-one-default-controllers-running.yaml", nil,
			"NET-003 pass (cluster): IngressClass nginx is the default of the 3 IngressClasses in the input; classes elsewhere in the cluster are not in it, and a second default among them would make the API server refuse Ingresses that name no class.\n" +
				"NET-003 pass IngressClass/alb: IngressClass alb names controller ingress.k8s.aws/alb, which is not one whose Deployment seaworthy recognises " +
				"(k8s.io/ingress-nginx, traefik.io/ingress-controller); whether it runs is not judged.\n" +
				"NET-003 pass IngressClass/nginx: IngressClass nginx: controller k8s.io/ingress-nginx runs in Deployment ingress-nginx/ingress-nginx-controller.\n" +
				"NET-003 pass IngressClass/traefik: IngressClass traefik: controller traefik.io/ingress-controller runs in DaemonSet traefik/traefik.\n"},
		{"ingress-nginx serving another controller class", "pass-one-default-controllers-running.yaml", func(s *cluster.Snapshot) {
			asLive(s)
			args := s.Deployments[0].Spec.Template.Spec.Containers[0].Args
			args[3] = "--controller-class=example.com/internal-nginx"
		},
			"NET-003 pass (cluster): IngressClass nginx is the default of the 3 IngressClasses.\n" +
				"NET-003 pass IngressClass/alb: IngressClass alb names controller ingress.k8s.aws/alb, which is not one whose Deployment seaworthy recognises " +
				"(k8s.io/ingress-nginx, traefik.io/ingress-controller); whether it runs is not judged.\n" +
				notRunning("nginx", "k8s.io/ingress-nginx") +
				"NET-003 pass IngressClass/traefik: IngressClass traefik: controller traefik.io/ingress-controller runs in DaemonSet traefik/traefik.\n"},
		{"the only class is the default", "pass-one-default-controllers-running.yaml", func(s *cluster.Snapshot) {
			s.IngressClasses = s.IngressClasses[1:2]
			s.Deployments = nil
			s.DaemonSets = nil
		},
			"NET-003 pass (cluster): IngressClass nginx is the default of the 1 IngressClass in the input; classes elsewhere in the cluster are not in it, and a second default among them would make the API server refuse Ingresses that name no class.\n" +
				"NET-003 skip IngressClass/nginx: IngressClass nginx names controller k8s.io/ingress-nginx and no Deployment or DaemonSet in the input runs it; " +
				"whether it runs elsewhere is not known (the input is manifests, not a live cluster).\n"},
		{"the only class is the default, manifests of a whole cluster", "pass-one-default-controllers-running.yaml", func(s *cluster.Snapshot) {
			s.IngressClasses = s.IngressClasses[1:2]
			s.Nodes = append(s.Nodes, corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "node-1"}})
		},
			"NET-003 pass (cluster): IngressClass nginx is the only class and the default.\n" +
				"NET-003 pass IngressClass/nginx: IngressClass nginx: controller k8s.io/ingress-nginx runs in Deployment ingress-nginx/ingress-nginx-controller.\n"},
		{"the only class, not the default, in a bundle", "pass-one-default-controllers-running.yaml", func(s *cluster.Snapshot) {
			s.IngressClasses = s.IngressClasses[0:1]
		},
			"NET-003 pass (cluster): IngressClass alb is the one class in the input and is not marked default, so the input's Ingresses must name it (or a default class elsewhere in the cluster).\n" +
				"NET-003 pass IngressClass/alb: IngressClass alb names controller ingress.k8s.aws/alb, which is not one whose Deployment seaworthy recognises " +
				"(k8s.io/ingress-nginx, traefik.io/ingress-controller); whether it runs is not judged.\n" +
				"NET-003 skip Ingress/shop/storefront: Ingress shop/storefront names no class and the input marks no IngressClass default; " +
				"whether the cluster has a default class is not known (the input is manifests, not a live cluster).\n"},
		{"the only class, not the default: classless Ingresses warn live", "pass-one-default-controllers-running.yaml", func(s *cluster.Snapshot) {
			asLive(s)
			s.IngressClasses = s.IngressClasses[0:1]
		},
			"NET-003 pass (cluster): IngressClass alb is the only class; it is not marked default, so Ingresses must name it.\n" +
				"NET-003 pass IngressClass/alb: IngressClass alb names controller ingress.k8s.aws/alb, which is not one whose Deployment seaworthy recognises " +
				"(k8s.io/ingress-nginx, traefik.io/ingress-controller); whether it runs is not judged.\n" +
				"NET-003 warn Ingress/shop/storefront: Ingress shop/storefront names no class (no spec.ingressClassName, no kubernetes.io/ingress.class annotation) " +
				"and no IngressClass is the default, so no controller is bound to serve it; set spec.ingressClassName.\n"},
		{"live: no class at all and a classless Ingress", "skip-manifests-classless.yaml", asLive,
			"NET-003 warn Ingress/shop/storefront: Ingress shop/storefront names no class (no spec.ingressClassName, no kubernetes.io/ingress.class annotation) " +
				"and no IngressClass is the default, so no controller is bound to serve it; set spec.ingressClassName.\n"},
		{"nothing", "skip-manifests-classless.yaml", func(s *cluster.Snapshot) { s.Ingresses = nil },
			"NET-003 na (cluster): No IngressClass and no Ingress is in the input.\n"},
	})
}

func TestNET004Messages(t *testing.T) {
	testMessages(t, "NET-004", []messageCase{
		{"renamed rule host, wildcard two labels deep", "fail-tls-hosts-without-rule.yaml", nil,
			"NET-004 warn Ingress/shop/storefront: Ingress shop/storefront lists TLS hosts www.example.org and a.b.example.com that no rule of the Ingress matches, " +
				"so requests for them reach no backend; make the TLS and rule hosts the same names.\n"},
		{"wildcard one label, exact in another case", "pass-wildcard-and-exact.yaml", nil,
			"NET-004 pass Ingress/shop/storefront: Ingress shop/storefront has a rule for each of its 2 TLS hosts.\n"},
		{"no TLS", "fail-tls-hosts-without-rule.yaml", func(s *cluster.Snapshot) {
			for i := range s.Ingresses {
				s.Ingresses[i].Spec.TLS = nil
			}
		},
			"NET-004 na (cluster): No Ingress in the input lists TLS hosts.\n"},
	})
}

func TestHostMatches(t *testing.T) {
	for _, tc := range []struct {
		rule, host string
		want       bool
	}{
		{"", "any.example.com", true},
		{"shop.example.com", "SHOP.example.com", true},
		{"*.example.com", "a.example.com", true},
		{"*.example.com", "a.b.example.com", false},
		{"*.example.com", "example.com", false},
		{"*.example.com", "*.example.com", true},
		{"*.example.com", "*.a.example.com", false},
		{"a.example.com", "*.example.com", false},
		{"*example.com", "aexample.com", false},
	} {
		if got := hostMatches(tc.rule, tc.host); got != tc.want {
			t.Errorf("hostMatches(%q, %q) = %v, want %v", tc.rule, tc.host, got, tc.want)
		}
	}
}

func TestNET001DefaultBackendOnly(t *testing.T) {
	got := run(t, "NET-001", "pass-distinct-routes.yaml", func(s *cluster.Snapshot) {
		s.Ingresses[0].Spec.Rules = nil
		s.Ingresses[0].Spec.DefaultBackend = &networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "api", Port: networkingv1.ServiceBackendPort{Number: 8080}}}
	})
	const want = "NET-001 pass Ingress/shop/api: Ingress shop/api (class nginx) has no host and path rules to collide.\n" +
		"NET-001 pass Ingress/shop/storefront: Ingress shop/storefront (class nginx): no other Ingress claims any of its 1 host and path pairs.\n"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// BenchmarkNET runs every NET check over 20,000 Ingresses, half of them
// colliding in pairs, each with its Service, one in ten an ingress-nginx
// canary: the checks are linear in the objects they read.
func BenchmarkNET(b *testing.B) {
	s := checktest.Snapshot()
	s.Source = cluster.SourceLive
	prefix := networkingv1.PathTypePrefix
	class := "nginx"
	for i := range 20000 {
		ns := fmt.Sprintf("team-%d", i%200)
		host := fmt.Sprintf("app-%d.example.com", i/2)
		if i%4 >= 2 {
			host = fmt.Sprintf("solo-%d.example.com", i)
		}
		name := fmt.Sprintf("app-%d", i)
		s.Services = append(s.Services, corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
			Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Name: "http", Port: 80}}}})
		var annotations map[string]string
		if i%10 == 9 {
			annotations = map[string]string{canaryAnnotation: "true", canaryWeight: "10"}
		}
		s.Ingresses = append(s.Ingresses, networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Annotations: annotations},
			Spec: networkingv1.IngressSpec{IngressClassName: &class,
				TLS: []networkingv1.IngressTLS{{Hosts: []string{host}}},
				Rules: []networkingv1.IngressRule{{Host: host, IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
					Paths: []networkingv1.HTTPIngressPath{{Path: "/", PathType: &prefix, Backend: networkingv1.IngressBackend{
						Service: &networkingv1.IngressServiceBackend{Name: name, Port: networkingv1.ServiceBackendPort{Name: "http"}}}}}}}}}}})
	}
	s.IngressClasses = []networkingv1.IngressClass{{ObjectMeta: metav1.ObjectMeta{Name: class}, Spec: networkingv1.IngressClassSpec{Controller: nginxController}}}
	cs := Checks(DefaultOptions())
	b.ResetTimer()
	for b.Loop() {
		if rs := check.Run(s, cs); len(rs) != 62005 {
			b.Fatalf("%d results", len(rs))
		}
	}
}
