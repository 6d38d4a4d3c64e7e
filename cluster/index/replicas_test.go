package index

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func TestImageRepository(t *testing.T) {
	for _, tt := range []struct{ image, repo, name string }{
		{"registry.k8s.io/ingress-nginx/controller:v1.12.1@sha256:d2fb", "ingress-nginx/controller", "controller"},
		{"registry.k8s.io/metrics-server/metrics-server:v0.7.2", "metrics-server/metrics-server", "metrics-server"},
		{"quay.io/calico/node:v3.29.2", "calico/node", "node"},
		{"calico/node:v3.29.2", "calico/node", "node"},
		{"localhost:5000/traefik", "traefik", "traefik"},
		{"localhost/coredns:1.12", "coredns", "coredns"},
		{"traefik", "traefik", "traefik"},
		{"nginx:1.27", "nginx", "nginx"},
	} {
		if got := ImageRepository(tt.image); got != tt.repo {
			t.Errorf("ImageRepository(%q) = %q, want %q", tt.image, got, tt.repo)
		}
		if got := ImageName(tt.image); got != tt.name {
			t.Errorf("ImageName(%q) = %q, want %q", tt.image, got, tt.name)
		}
	}
}

func TestLeaderElected(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want bool
	}{
		{[]string{"--leader-elect"}, true},
		{[]string{"--leader-elect=true"}, true},
		{[]string{"--leader-elect=false"}, false},
		{[]string{"--leader-election-namespace=kube-system"}, true},
		{[]string{"--enable-leader-election"}, true},
		{[]string{"--leaderElectionRetryPeriod=2s"}, true},
		{[]string{"--leader_elect"}, true},
		{[]string{"--enableLeaderElection=false"}, false},
		{[]string{"leader-elect"}, false},
		{[]string{"--election-id=x", "--v=2"}, false},
	} {
		w := &Workload{Template: &corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "c", Args: tt.args}},
		}}}
		if got := LeaderElected(w); got != tt.want {
			t.Errorf("LeaderElected(%q) = %v, want %v", tt.args, got, tt.want)
		}
	}
}

func TestSingletonByDesign(t *testing.T) {
	for _, tt := range []struct {
		image string
		want  bool
	}{
		{"registry.k8s.io/external-dns/external-dns:v0.15.1", true},
		{"quay.io/prometheus-operator/prometheus-operator:v0.80.0", true},
		{"quay.io/prometheus-operator/prometheus-config-reloader:v0.80.0", false},
		{"registry.k8s.io/descheduler/descheduler:v0.32.2", true},
		{"registry.k8s.io/cpa/cluster-proportional-autoscaler:v1.9.0", true},
		{"nginx:1.27", false},
	} {
		w := &Workload{Template: &corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "c", Image: tt.image}},
		}}}
		if _, got := SingletonByDesign(w); got != tt.want {
			t.Errorf("SingletonByDesign(%q) = %v, want %v", tt.image, got, tt.want)
		}
	}
}

func TestScrapeOnly(t *testing.T) {
	svc := func(names ...string) *corev1.Service {
		s := &corev1.Service{}
		for _, n := range names {
			s.Spec.Ports = append(s.Spec.Ports, corev1.ServicePort{Name: n})
		}
		return s
	}
	for _, tt := range []struct {
		s    *corev1.Service
		want bool
	}{
		{svc("tcp-prometheus-servicemonitor"), true},
		{svc("http-metrics", "Metrics-TLS"), true},
		{svc("http-metrics", "https"), false},
		{svc(""), false},
		{svc(), false},
	} {
		if got := ScrapeOnly(tt.s); got != tt.want {
			t.Errorf("ScrapeOnly(%v) = %v, want %v", tt.s.Spec.Ports, got, tt.want)
		}
	}
}

func TestNannyResized(t *testing.T) {
	nanny := func(args ...string) corev1.Container {
		return corev1.Container{Name: "nanny", Image: "registry.k8s.io/autoscaling/addon-resizer:1.8.23", Command: append([]string{"/pod_nanny"}, args...)}
	}
	for _, tt := range []struct {
		name string
		c    corev1.Container
		want string
	}{
		{"names its container and Deployment", nanny("--container=metrics-server", "--deployment=ms"), "metrics-server"},
		{"default container", nanny("--deployment=ms"), "pod-nanny"},
		{"another Deployment", nanny("--container=metrics-server", "--deployment=other"), ""},
		{"another namespace", nanny("--container=metrics-server", "--namespace=monitoring"), ""},
		{"not a nanny", corev1.Container{Name: "app", Image: "example.com/app:1", Args: []string{"--container=metrics-server"}}, ""},
	} {
		spec := &corev1.PodSpec{Containers: []corev1.Container{{Name: "metrics-server"}, tt.c}}
		got := ""
		for name := range NannyResized(spec, "kube-system", "ms") {
			got = name
		}
		if got != tt.want {
			t.Errorf("%s: NannyResized = %q, want %q", tt.name, got, tt.want)
		}
	}
}
