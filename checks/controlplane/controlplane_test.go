package checks

import (
	"reflect"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
)

func TestParseKubeadmClusterConfig(t *testing.T) {
	cases := []struct {
		name, raw     string
		endpoint      string
		apiserverArgs flagSet
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
			apiserverArgs: flagSet{"authorization-mode": {"Node,RBAC"}, "etcd-servers-overrides": {"/events#https://10.0.9.1:2379"}},
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
			apiserverArgs: flagSet{"anonymous-auth": {"false"},
				"etcd-servers-overrides": {"/events#https://10.0.9.1:2379", "coordination.k8s.io/leases#https://10.0.9.2:2379"}},
			external: []string{"https://10.0.5.1:2379", "https://10.0.5.2:2379", "https://10.0.5.3:2379"},
		},
		{name: "no extraArgs", raw: "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n", apiserverArgs: flagSet{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := parseKubeadmClusterConfig(tc.raw)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.ControlPlaneEndpoint != tc.endpoint {
				t.Errorf("endpoint %q, want %q", cfg.ControlPlaneEndpoint, tc.endpoint)
			}
			if got := cfg.APIServer.ExtraArgs.flags(); !reflect.DeepEqual(got, tc.apiserverArgs) {
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
	if _, err := parseKubeadmClusterConfig("apiServer:\n  extraArgs: 7\n"); err == nil {
		t.Errorf("extraArgs that is neither a map nor a list parsed without error")
	}
}

func TestParseFlags(t *testing.T) {
	c := &corev1.Container{
		Command: []string{"/bin/sh", "-c", "mkfifo /tmp/pipe; (tee -a /var/log/etcd.log < /tmp/pipe & ) ; exec /etcd-manager --backup-store=s3://bucket/c/backups/etcd/main --client-urls=https://__name__:4001 --quarantine-client-urls=https://__name__:3994 > /tmp/pipe 2>&1"},
	}
	fs := parseFlags(commandTokens(c))
	if v, _ := fs.last("backup-store"); v != "s3://bucket/c/backups/etcd/main" {
		t.Errorf("backup-store %q from a shell command line", v)
	}
	fs = parseFlags([]string{"kube-apiserver", "--anonymous-auth", "--authorization-mode", "Node,RBAC", "--etcd-servers-overrides=/events#a", "--etcd-servers-overrides=/pods#b"})
	want := flagSet{"anonymous-auth": {""}, "authorization-mode": {"Node,RBAC"}, "etcd-servers-overrides": {"/events#a", "/pods#b"}}
	if !reflect.DeepEqual(fs, want) {
		t.Errorf("got %v, want %v", fs, want)
	}
	k3s := componentArgs([]string{"server", "--cluster-init", "--kube-apiserver-arg", "anonymous-auth=true", "--kube-apiserver-arg=authorization-mode=Node,RBAC,AlwaysAllow"}, "kube-apiserver-arg")
	if want := (flagSet{"anonymous-auth": {"true"}, "authorization-mode": {"Node,RBAC,AlwaysAllow"}}); !reflect.DeepEqual(k3s, want) {
		t.Errorf("k3s component args %v, want %v", k3s, want)
	}
}

func TestSpreadVerdict(t *testing.T) {
	m := func(name, node, zone string) member { return member{Name: name, Node: node, Zone: zone} }
	cases := []struct {
		name    string
		members []member
		want    Status
	}{
		{"three zones", []member{m("a", "a", "z1"), m("b", "b", "z2"), m("c", "c", "z3")}, StatusPass},
		{"five over three zones, two per zone", []member{m("a", "a", "z1"), m("b", "b", "z1"), m("c", "c", "z2"), m("d", "d", "z2"), m("e", "e", "z3")}, StatusPass},
		{"three in one zone of three", []member{m("a", "a", "z1"), m("b", "b", "z1"), m("c", "c", "z1"), m("d", "d", "z2"), m("e", "e", "z3")}, StatusWarn},
		{"two zones", []member{m("a", "a", "z1"), m("b", "b", "z1"), m("c", "c", "z2")}, StatusWarn},
		{"unlabelled node", []member{m("a", "a", "z1"), m("b", "b", "z2"), m("c", "c", "")}, StatusWarn},
		{"hosts outside the cluster", []member{m("a", "", ""), m("b", "", ""), m("c", "", "")}, StatusInfo},
		{"some outside, rest fine", []member{m("a", "a", "z1"), m("b", "b", "z2"), m("c", "", "")}, StatusInfo},
		{"some outside, rest crowded", []member{m("a", "a", "z1"), m("b", "b", "z1"), m("c", "c", "z1"), m("d", "", "")}, StatusWarn},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got, msg := newSpread(tc.members).verdict("members", 3, 2); got != tc.want {
				t.Errorf("got %s (%s), want %s", got, msg, tc.want)
			}
		})
	}
}

func TestHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		45 * time.Second: "45s", 12 * time.Minute: "12m", 5*time.Hour + 10*time.Minute: "5h10m",
		26 * time.Hour: "26h", 76 * time.Hour: "3d4h", 72 * time.Hour: "3d",
	} {
		if got := humanDuration(d); got != want {
			t.Errorf("humanDuration(%s) = %s, want %s", d, got, want)
		}
	}
}
