package index

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

func TestParseKubeadmConfig(t *testing.T) {
	cases := []struct {
		name, raw     string
		endpoint      string
		apiserverArgs Flags
		external      []string
	}{
		{
			name: "v1beta3 map extraArgs",
			raw: `apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
controlPlaneEndpoint: k8s-api.internal:6443
apiServer:
  extraArgs:
    authorization-mode: Node,RBAC
    etcd-servers-overrides: /events#https://10.0.9.1:2379
etcd:
  local:
    dataDir: /var/lib/etcd
`,
			endpoint:      "k8s-api.internal:6443",
			apiserverArgs: Flags{"authorization-mode": {"Node,RBAC"}, "etcd-servers-overrides": {"/events#https://10.0.9.1:2379"}},
		},
		{
			name: "v1beta4 list extraArgs keeps repeats in order",
			raw: `apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
apiServer:
  extraArgs:
  - name: anonymous-auth
    value: "false"
  - name: etcd-servers-overrides
    value: /events#https://10.0.9.1:2379
  - name: etcd-servers-overrides
    value: coordination.k8s.io/leases#https://10.0.9.2:2379
etcd:
  external:
    endpoints: [https://10.0.5.1:2379, https://10.0.5.2:2379, https://10.0.5.3:2379]
`,
			apiserverArgs: Flags{"anonymous-auth": {"false"},
				"etcd-servers-overrides": {"/events#https://10.0.9.1:2379", "coordination.k8s.io/leases#https://10.0.9.2:2379"}},
			external: []string{"https://10.0.5.1:2379", "https://10.0.5.2:2379", "https://10.0.5.3:2379"},
		},
		{name: "no extraArgs", raw: "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n", apiserverArgs: Flags{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := ParseKubeadmConfig(tc.raw)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.ControlPlaneEndpoint != tc.endpoint {
				t.Errorf("endpoint %q, want %q", cfg.ControlPlaneEndpoint, tc.endpoint)
			}
			if got := cfg.APIServer.ExtraArgs.Flags(); !reflect.DeepEqual(got, tc.apiserverArgs) {
				t.Errorf("apiServer flags %v, want %v", got, tc.apiserverArgs)
			}
			var ext []string
			if cfg.Etcd.External != nil {
				ext = cfg.Etcd.External.Endpoints
			}
			if !reflect.DeepEqual(ext, tc.external) {
				t.Errorf("external endpoints %v, want %v", ext, tc.external)
			}
		})
	}
	if _, err := ParseKubeadmConfig("apiServer:\n  extraArgs: 7\n"); err == nil {
		t.Errorf("extraArgs that is neither a map nor a list parsed without error")
	}
}

func TestParseFlags(t *testing.T) {
	c := &corev1.Container{
		Command: []string{"/bin/sh", "-c", "mkfifo /tmp/pipe; (tee -a /var/log/etcd.log < /tmp/pipe & ) ; exec /etcd-manager --backup-store=s3://bucket/c/backups/etcd/main --client-urls=https://__name__:4001 --quarantine-client-urls=https://__name__:3994 > /tmp/pipe 2>&1"},
	}
	fs := ParseFlags(CommandTokens(c))
	if v, _ := fs.Last("backup-store"); v != "s3://bucket/c/backups/etcd/main" {
		t.Errorf("backup-store %q from a shell command line", v)
	}
	fs = ParseFlags([]string{"kube-apiserver", "--anonymous-auth", "--authorization-mode", "Node,RBAC", "--etcd-servers-overrides=/events#a", "--etcd-servers-overrides=/pods#b"})
	want := Flags{"anonymous-auth": {""}, "authorization-mode": {"Node,RBAC"}, "etcd-servers-overrides": {"/events#a", "/pods#b"}}
	if !reflect.DeepEqual(fs, want) {
		t.Errorf("got %v, want %v", fs, want)
	}
	k3s := ComponentArgs([]string{"server", "--cluster-init", "--kube-apiserver-arg", "anonymous-auth=true", "--kube-apiserver-arg=authorization-mode=Node,RBAC,AlwaysAllow"}, "kube-apiserver-arg")
	if want := (Flags{"anonymous-auth": {"true"}, "authorization-mode": {"Node,RBAC,AlwaysAllow"}}); !reflect.DeepEqual(k3s, want) {
		t.Errorf("k3s component args %v, want %v", k3s, want)
	}
}

func TestNodeByAddressAndServerNodes(t *testing.T) {
	node := func(name, addr, args string) corev1.Node {
		n := corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}}
		if addr != "" {
			n.Status.Addresses = []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: addr}}
		}
		if args != "" {
			n.Annotations = map[string]string{"k3s.io/node-args": args}
		}
		return n
	}
	s := &cluster.Snapshot{Nodes: []corev1.Node{
		node("a", "10.0.0.1", `["server","--cluster-init"]`),
		node("b", "10.0.0.1", `["agent"]`), // a duplicate address: the first node keeps it
		node("c", "10.0.0.3", `["server"]`),
		node("d", "", `not json`),
	}}
	ix := New(s)
	for addr, want := range map[string]string{"10.0.0.1": "a", "10.0.0.3": "c", "10.0.0.9": "", "": ""} {
		got := ""
		if n := ix.NodeByAddress(addr); n != nil {
			got = n.Name
		}
		if got != want {
			t.Errorf("NodeByAddress(%q) = %q, want %q", addr, got, want)
		}
	}
	var servers []string
	for _, sv := range ix.ServerNodes() {
		servers = append(servers, sv.Node.Name+" "+sv.Annotation)
	}
	if want := []string{"a k3s.io/node-args", "c k3s.io/node-args"}; !reflect.DeepEqual(servers, want) {
		t.Errorf("ServerNodes = %v, want %v", servers, want)
	}
}
