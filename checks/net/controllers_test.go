package net

import (
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// fix is NET-005's advice on a fragile Deployment.
const fix = "; run 2 or more replicas with a topology spread on kubernetes.io/hostname and a PodDisruptionBudget of maxUnavailable: 1.\n"

func TestNET005Messages(t *testing.T) {
	const manifestsPDB = "no PodDisruptionBudget in the input (whether the cluster has one is not known)"
	const addonNS = ". Fragile in add-on namespace kube-system, where the WL checks do not look: "
	haproxy := func(pdb, judged string) string {
		return "NET-005 info Deployment/haproxy/haproxy-ingress: Deployment haproxy/haproxy-ingress (HAProxy Ingress): 3 replicas, " + pdb +
			", no topology spread or pod anti-affinity; its fragile points are judged by " + judged + ".\n"
	}
	contour := func(pdb string) string {
		return "NET-005 warn Deployment/kube-system/contour: Deployment kube-system/contour (Contour): 1 replica, " + pdb + ", no topology spread or pod anti-affinity" +
			addonNS + "a single replica, so every node drain, upgrade or eviction stops its traffic" + fix
	}
	nginxPDB := func(pdb string) string {
		return "NET-005 warn Deployment/kube-system/ingress-nginx-controller: Deployment kube-system/ingress-nginx-controller (ingress-nginx, class nginx): 3 replicas, " +
			pdb + ", no topology spread or pod anti-affinity" +
			addonNS + "3 replicas with no topology spread or pod anti-affinity, so they may all share one node" + fix
	}
	nginx := nginxPDB("PDB ingress-nginx-controller allows 1 disruption")
	traefik := func(pdb string) string {
		return "NET-005 info Deployment/kube-system/traefik: Deployment kube-system/traefik (Traefik): 1 replica, " + pdb +
			", no topology spread or pod anti-affinity; its fragile points are judged by ADDON-001 (single replica).\n"
	}
	testMessages(t, "NET-005", []messageCase{
		{"in kube-system no spread and a single replica ADDON-001 does not judge; elsewhere the WL checks' points", "fail-fragile-deployments.yaml", nil,
			haproxy("no PodDisruptionBudget", "WL-002 (no PDB) and WL-008 (no spread)") + contour("no PodDisruptionBudget") + nginx + traefik("no PodDisruptionBudget")},
		{"manifests holding no PDB: a PDB elsewhere is not known", "fail-fragile-deployments.yaml", func(s *cluster.Snapshot) { s.PDBs = nil },
			haproxy(manifestsPDB, "WL-008 (no spread)") + contour(manifestsPDB) + nginxPDB(manifestsPDB) + traefik(manifestsPDB)},
		{"live: the same", "fail-fragile-deployments.yaml", asLive,
			haproxy("no PodDisruptionBudget", "WL-002 (no PDB) and WL-008 (no spread)") + contour("no PodDisruptionBudget") + nginx + traefik("no PodDisruptionBudget")},
		{"live: replicated without a PDB in kube-system", "fail-fragile-deployments.yaml", func(s *cluster.Snapshot) {
			asLive(s)
			for i := range s.Deployments {
				if s.Deployments[i].Name == "traefik" {
					s.Deployments[i].Spec.Replicas = new(int32(2))
				}
			}
		},
			haproxy("no PodDisruptionBudget", "WL-002 (no PDB) and WL-008 (no spread)") + contour("no PodDisruptionBudget") + nginx +
				"NET-005 warn Deployment/kube-system/traefik: Deployment kube-system/traefik (Traefik): 2 replicas, no PodDisruptionBudget, no topology spread or pod anti-affinity" +
				addonNS + "no PodDisruptionBudget, so a drain may evict all its replicas at once; " +
				"2 replicas with no topology spread or pod anti-affinity, so they may all share one node" + fix},
		{"a single replica behind a blocking PDB in a user namespace", "pass-shaped-controllers.yaml", func(s *cluster.Snapshot) {
			s.DaemonSets = nil
			s.Deployments[0].Spec.Replicas = new(int32(1))
			s.PDBs[0].Spec.MaxUnavailable = nil
			s.PDBs[0].Spec.MinAvailable = new(intstr.FromInt32(1))
		},
			"NET-005 info Deployment/ingress-nginx/ingress-nginx-controller: Deployment ingress-nginx/ingress-nginx-controller (ingress-nginx, class nginx): 1 replica, " +
				"PDB ingress-nginx-controller allows 0 disruptions, spread over topology.kubernetes.io/zone and kubernetes.io/hostname; " +
				"its fragile points are judged by WL-001 (single replica) and WL-003 (PDB allowing no disruption).\n"},
		{"spread Deployment and a DaemonSet on edge nodes", "pass-shaped-controllers.yaml", nil,
			"NET-005 info Deployment/ingress-nginx/ingress-nginx-controller: Deployment ingress-nginx/ingress-nginx-controller (ingress-nginx, class nginx): 3 replicas, " +
				"PDB ingress-nginx-controller allows 1 disruption, spread over topology.kubernetes.io/zone and kubernetes.io/hostname.\n" +
				"NET-005 info DaemonSet/traefik/traefik: DaemonSet traefik/traefik (Traefik, class traefik): one pod on the nodes with nodeSelector role=edge, host ports 80 and 443; " +
				"a DaemonSet grows with the nodes it selects and needs no replica count, PodDisruptionBudget or spread of its own (a drain moves no pod of it elsewhere).\n"},
		{"no controller", "pass-shaped-controllers.yaml", func(s *cluster.Snapshot) { s.Deployments, s.DaemonSets = nil, nil },
			"NET-005 na (cluster): No ingress controller seaworthy recognises runs in the input " +
				"(ingress-nginx, NGINX Ingress Controller, Traefik, HAProxy Ingress, Contour, Kong, Emissary-ingress).\n"},
	})
}

func TestNET006Messages(t *testing.T) {
	testMessages(t, "NET-006", []messageCase{
		{"drops ALL on the host network; root to bind; host ports mapped high", "fail-cannot-bind.yaml", nil,
			"NET-006 warn DaemonSet/haproxy/haproxy-ingress: DaemonSet haproxy/haproxy-ingress (HAProxy Ingress) container haproxy-ingress listens on port 80 for the node " +
				"and runs as root (runAsUser 0) to bind; run it as a non-root user with capabilities drop ALL and add NET_BIND_SERVICE, which is all binding needs.\n" +
				"NET-006 fail Deployment/ingress-nginx/ingress-nginx-controller: Deployment ingress-nginx/ingress-nginx-controller (ingress-nginx) container controller " +
				"listens on ports 80 and 443 for the node as user 101, but drops ALL without adding NET_BIND_SERVICE, so it cannot bind a port below 1024 (not even as root) " +
				"and fails to listen; add NET_BIND_SERVICE to capabilities.add.\n" +
				"NET-006 na DaemonSet/traefik/traefik: DaemonSet traefik/traefik (Traefik) binds no port below 1024 for its node " +
				"(it is not on the host network and any hostPort forwards to a container port of 1024 or above), so binding needs no privilege.\n"},
		{"privileged", "fail-privileged.yaml", nil,
			"NET-006 warn Deployment/kong/kong: Deployment kong/kong (Kong) container proxy listens on port 443 for the node and runs privileged to bind, " +
				"with every capability and the host's devices; run it as a non-root user with capabilities drop ALL and add NET_BIND_SERVICE instead.\n"},
		{"NET_BIND_SERVICE, default capabilities, the unprivileged port sysctl", "pass-net-bind-service.yaml", nil,
			"NET-006 pass Deployment/contour/envoy: Deployment contour/envoy (Contour) container envoy listens on port 80 for the node as user 65534; " +
				"the pod's sysctl net.ipv4.ip_unprivileged_port_start=0 lets it bind without NET_BIND_SERVICE.\n" +
				"NET-006 pass DaemonSet/edge/nginx-edge: DaemonSet edge/nginx-edge (NGINX Ingress Controller) container controller listens on port 80 for the node " +
				"as the image's default user (no runAsUser) and keeps the runtime's default capabilities, which include NET_BIND_SERVICE; " +
				"dropping ALL and adding NET_BIND_SERVICE back would keep only what binding needs.\n" +
				"NET-006 pass Deployment/ingress-nginx/ingress-nginx-controller: Deployment ingress-nginx/ingress-nginx-controller (ingress-nginx) container controller " +
				"listens on ports 80 and 443 for the node as user 101 with capability NET_BIND_SERVICE added.\n"},
		{"the sysctl does not apply on the host network", "pass-net-bind-service.yaml", func(s *cluster.Snapshot) {
			s.DaemonSets = nil
			s.Deployments = s.Deployments[:1] // contour/envoy
			s.Deployments[0].Spec.Template.Spec.HostNetwork = true
		},
			"NET-006 fail Deployment/contour/envoy: Deployment contour/envoy (Contour) container envoy listens on port 80 for the node as user 65534, " +
				"but drops ALL without adding NET_BIND_SERVICE, so it cannot bind a port below 1024 (not even as root) and fails to listen; add NET_BIND_SERVICE to capabilities.add.\n"},
	})
}

func TestNET007Messages(t *testing.T) {
	testMessages(t, "NET-007", []messageCase{
		{"an ExternalName backend", "fail-externalname-backend.yaml", nil,
			"NET-007 warn Ingress/web/docs: Ingress web/docs routes to Service blog (externalName blog.hosting.example.net): the controller sends that traffic out of the cluster " +
				"to a name it resolves itself, which ingress-nginx and Traefik serve only when allowed (Traefik: allowExternalNameServices, and HTTPS to the name only on port 443); " +
				"make sure the controller allows it and the name is trusted, or route to a Service with endpoints in the cluster.\n"},
		{"in-cluster backends", "pass-in-cluster-backends.yaml", nil,
			"NET-007 pass (cluster): No Ingress routes to an ExternalName Service (2 Service backends judged).\n"},
		{"manifests: the Service is in another bundle", "skip-service-not-in-input.yaml", nil,
			"NET-007 skip (cluster): Backend Service web/docs is not in the input (the input is manifests, not a live cluster), so whether it is of type ExternalName is not known.\n"},
		{"manifests: one Service known, one not", "pass-in-cluster-backends.yaml", func(s *cluster.Snapshot) {
			s.Ingresses[0].Spec.DefaultBackend.Service.Name = "fallback"
		},
			"NET-007 skip (cluster): No Ingress routes to an ExternalName Service among the 1 backend Service in the input. " +
				"Backend Service web/fallback is not in the input (the input is manifests, not a live cluster), so whether it is of type ExternalName is not known.\n"},
		{"live: a missing Service is NET-002's", "skip-service-not-in-input.yaml", asLive,
			"NET-007 na (cluster): No Ingress in the input routes to a Service backend.\n"},
	})
}

func TestNET008Messages(t *testing.T) {
	const advice = "; fix the split so that one canary with an integer weight within its total sits beside each main Ingress."
	twoCanaries := func(name, other, extra string) string {
		return "NET-008 fail Ingress/shop/" + name + ": Canary Ingress shop/" + name + ": shop/" + other + " is also a canary of shop.example.com /checkout (Prefix), " +
			"and ingress-nginx applies at most one canary per rule, so only one of them receives traffic" + extra + advice + "\n"
	}
	const overTotal = "; nginx.ingress.kubernetes.io/canary-weight 20 is outside 0..10 (the weight total), the range the annotation allows"
	const notInteger = "NET-008 fail Ingress/shop/search-canary: Canary Ingress shop/search-canary: nginx.ingress.kubernetes.io/canary-weight \"5%\" is not an integer, " +
		"so the controller discards it and the canary gets no weighted traffic" + advice + "\n"
	testMessages(t, "NET-008", []messageCase{
		{"manifests: two canaries on one rule, a weight above its total, a weight not an integer, a main Ingress not in the input", "fail-canary-splits.yaml", nil,
			"NET-008 skip Ingress/shop/beta-canary: Canary Ingress shop/beta-canary: no non-canary Ingress in the input routes beta.shop.example.com / (Prefix); " +
				"whether one elsewhere does is not known (the input is manifests, not a live cluster).\n" +
				twoCanaries("checkout-canary", "checkout-canary-2", "") + twoCanaries("checkout-canary-2", "checkout-canary", overTotal) + notInteger},
		{"live: a canary without a main Ingress", "fail-canary-splits.yaml", asLive,
			"NET-008 warn Ingress/shop/beta-canary: Canary Ingress shop/beta-canary: no non-canary Ingress of its class routes beta.shop.example.com / (Prefix), " +
				"so the controller has no main backend to split and the canary serves nothing there" + advice + "\n" +
				twoCanaries("checkout-canary", "checkout-canary-2", "") + twoCanaries("checkout-canary-2", "checkout-canary", overTotal) + notInteger},
		{"one canary beside its main Ingress", "pass-canary-beside-main.yaml", nil,
			"NET-008 pass Ingress/shop/checkout-canary: Canary Ingress shop/checkout-canary splits traffic from Ingress shop/checkout, weight 25 of 100.\n"},
		{"a total that is not an integer", "pass-canary-beside-main.yaml", func(s *cluster.Snapshot) {
			s.Ingresses[1].Annotations[canaryWeightTotal] = "1e3"
		},
			"NET-008 fail Ingress/shop/checkout-canary: Canary Ingress shop/checkout-canary: nginx.ingress.kubernetes.io/canary-weight-total \"1e3\" is not an integer, " +
				"so the controller discards it" + advice + "\n"},
		{"no canary", "pass-canary-beside-main.yaml", func(s *cluster.Snapshot) { s.Ingresses = s.Ingresses[:1] },
			"NET-008 na (cluster): No Ingress in the input is an ingress-nginx canary (nginx.ingress.kubernetes.io/canary: \"true\").\n"},
	})
}

func TestNET001LeavesCanaries(t *testing.T) {
	got := run(t, "NET-001", "pass-canary-beside-main.yaml", nil)
	const want = "NET-001 pass Ingress/shop/checkout: Ingress shop/checkout (class nginx): no other Ingress claims any of its 1 host and path pairs.\n" +
		"NET-001 pass Ingress/shop/checkout-canary: Ingress shop/checkout-canary (class nginx) is an ingress-nginx canary, which shares its main Ingress's routes by design; NET-008 judges it.\n"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestNET003ClassNotFound: an Ingress naming a class that is not there
// fails on a live read and is unknown on manifests, once per class.
func TestNET003ClassNotFound(t *testing.T) {
	named := func(s *cluster.Snapshot) {
		for _, name := range []string{"a", "b"} {
			class := "nginx-public"
			s.Ingresses = append(s.Ingresses, networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: name},
				Spec: networkingv1.IngressSpec{IngressClassName: &class}})
		}
	}
	const classes = "NET-003 pass (cluster): IngressClass nginx is the default of the 3 IngressClasses.\n" +
		"NET-003 pass IngressClass/alb: IngressClass alb names controller ingress.k8s.aws/alb, which is not one whose Deployment seaworthy recognises " +
		"(k8s.io/ingress-nginx, traefik.io/ingress-controller); whether it runs is not judged.\n" +
		"NET-003 pass IngressClass/nginx: IngressClass nginx: controller k8s.io/ingress-nginx runs in Deployment ingress-nginx/ingress-nginx-controller.\n" +
		"NET-003 pass IngressClass/traefik: IngressClass traefik: controller traefik.io/ingress-controller runs in DaemonSet traefik/traefik.\n"
	testMessages(t, "NET-003", []messageCase{
		{"manifests", "pass-one-default-controllers-running.yaml", named,
			strings.Replace(strings.Replace(classes, "of the 3 IngressClasses.", "of the 3 IngressClasses in the input; classes elsewhere in the cluster are not in it, "+
				"and a second default among them would make the API server refuse Ingresses that name no class.", 1), "NET-003 pass IngressClass/traefik", "NET-003 skip IngressClass/nginx-public: IngressClass nginx-public, named by Ingresses shop/a and shop/b, is not in the input; "+
				"whether the cluster has it is not known (the input is manifests, not a live cluster).\nNET-003 pass IngressClass/traefik", 1)},
		{"live", "pass-one-default-controllers-running.yaml", func(s *cluster.Snapshot) { named(s); asLive(s) },
			classes + "NET-003 fail Ingress/shop/a: Ingress shop/a sets spec.ingressClassName nginx-public, but no IngressClass nginx-public exists, so no controller serves it; " +
				"create the class or name one that exists.\n" +
				"NET-003 fail Ingress/shop/b: Ingress shop/b sets spec.ingressClassName nginx-public, but no IngressClass nginx-public exists, so no controller serves it; " +
				"create the class or name one that exists.\n"},
	})
}
