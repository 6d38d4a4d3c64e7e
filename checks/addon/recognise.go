package addon

import (
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
)

// addon is one add-on seaworthy recognises, and how the ADDON checks treat
// it.
type addon struct {
	// name is how messages call it.
	name string
	// images match a container's image: a pattern with a slash matches
	// the end of the image's repository path (index.ImageRepository), one
	// without matches its last element (index.ImageName).
	images []string
	// labels match the value of a k8s-app, app.kubernetes.io/name or app
	// label of the workload or its pod template.
	labels []string
	// outage is what stops while the add-on is down, for ADDON-001; ""
	// when a short outage is not one (a singleton by design).
	outage string
	// critical marks the cluster-critical add-ons of ADDON-002.
	critical bool
	// daemon marks node agents (kube-proxy, the CNI): they run as
	// DaemonSets, at priority system-node-critical.
	daemon bool
}

// appLabels are the labels whose value names an add-on.
var appLabels = []string{"k8s-app", "app.kubernetes.io/name", "app"}

// addons is the recognition list, in match order: the first entry a
// workload matches is what it is.
var addons = []addon{
	{name: "metrics-server", images: []string{"metrics-server"}, labels: []string{"metrics-server"},
		outage: "the HorizontalPodAutoscalers stop scaling and kubectl top fails", critical: true},
	{name: "ingress-nginx", images: []string{"ingress-nginx/controller", "nginx-ingress-controller"}, labels: []string{"ingress-nginx"},
		outage: "traffic through its Ingresses stops", critical: true},
	{name: "Traefik", images: []string{"traefik"}, labels: []string{"traefik"},
		outage: "traffic through its Ingresses stops", critical: true},
	{name: "HAProxy Ingress", images: []string{"haproxy-ingress", "haproxytech/kubernetes-ingress"}, labels: []string{"haproxy-ingress"},
		outage: "traffic through its Ingresses stops", critical: true},
	{name: "Kong Ingress Controller", images: []string{"kong/kubernetes-ingress-controller"},
		outage: "traffic through its Ingresses stops", critical: true},
	{name: "CoreDNS", images: []string{"coredns"}, labels: []string{"kube-dns", "coredns"}, critical: true},
	{name: "kube-proxy", images: []string{"kube-proxy"}, labels: []string{"kube-proxy"}, critical: true, daemon: true},
	{name: "Calico", images: []string{"calico/node"}, labels: []string{"calico-node"}, critical: true, daemon: true},
	{name: "Cilium", images: []string{"cilium/cilium"}, labels: []string{"cilium"}, critical: true, daemon: true},
	{name: "Flannel", images: []string{"flannel"}, labels: []string{"flannel"}, critical: true, daemon: true},
	{name: "Weave Net", images: []string{"weave-kube"}, labels: []string{"weave-net"}, critical: true, daemon: true},
	{name: "kindnet", images: []string{"kindnetd"}, labels: []string{"kindnet"}, critical: true, daemon: true},
	{name: "the AWS VPC CNI", images: []string{"amazon-k8s-cni"}, labels: []string{"aws-node"}, critical: true, daemon: true},
	{name: "Azure CNI", images: []string{"azure-cns", "azure-cni"}, labels: []string{"azure-cns", "azure-cni"}, critical: true, daemon: true},
	{name: "a CSI node plugin", images: []string{"csi-node-driver-registrar", "node-driver-registrar"}, critical: true, daemon: true},
	{name: "a CSI controller", images: []string{"csi-provisioner", "csi-attacher"}, critical: true},
	{name: "cluster-autoscaler", images: []string{"cluster-autoscaler"}, labels: []string{"cluster-autoscaler"}, critical: true},
	{name: "the DNS autoscaler", images: []string{"cluster-proportional-autoscaler"}, labels: []string{"dns-autoscaler", "kube-dns-autoscaler"}},
	{name: "kube-state-metrics", images: []string{"kube-state-metrics"}, labels: []string{"kube-state-metrics"}},
}

// recognise returns what add-on w is, or nil: by its containers' images
// first, then by its app labels. Node agents (kube-proxy, the CNIs) are
// matched only on DaemonSets, so a CNI's operator Deployment labelled
// like its agent is not the agent.
func recognise(w *index.Workload) *addon {
	cs := w.Template.Spec.Containers
	for i := range addons {
		a := &addons[i]
		if a.daemon && w.Kind != index.KindDaemonSet {
			continue
		}
		for c := range cs {
			if index.ImageMatches(cs[c].Image, a.images) {
				return a
			}
		}
	}
	for i := range addons {
		a := &addons[i]
		if a.daemon && w.Kind != index.KindDaemonSet {
			continue
		}
		for _, l := range appLabels {
			for _, v := range a.labels {
				if w.Labels[l] == v || w.Template.Labels[l] == v {
					return a
				}
			}
		}
	}
	return nil
}
