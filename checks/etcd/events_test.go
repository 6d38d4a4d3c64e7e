package etcd

import (
	"reflect"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

func TestParseEtcdOverrides(t *testing.T) {
	got, bad := parseEtcdOverrides([]string{
		"/events#https://10.0.9.1:2379;https://10.0.9.2:2379, coordination.k8s.io/leases#https://10.0.9.3:2379",
		"apps/deployments#http://e:2379",
		"events#https://x:2379", "/pods", "",
	})
	want := []etcdOverride{
		{Group: "", Resource: "events", Servers: []string{"https://10.0.9.1:2379", "https://10.0.9.2:2379"}},
		{Group: "coordination.k8s.io", Resource: "leases", Servers: []string{"https://10.0.9.3:2379"}},
		{Group: "apps", Resource: "deployments", Servers: []string{"http://e:2379"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if !reflect.DeepEqual(bad, []string{"events#https://x:2379", "/pods"}) {
		t.Errorf("malformed %v", bad)
	}
	if e, ok := eventsOverride(got); !ok || e.key() != "/events" {
		t.Errorf("events override %+v %v", e, ok)
	}
	if _, ok := eventsOverride(got[1:]); ok {
		t.Errorf("an override for leases and deployments counted as events")
	}
}

// ETCD-002 reads /readyz only where no flags are visible, and trusts an
// empty list only from servers that list overrides (1.34+).
func TestEtcd002Readyz(t *testing.T) {
	gke := []corev1.Node{checktest.BareNode("gke-a", "gce://p/z/gke-a", map[string]string{"cloud.google.com/gke-nodepool": "default"}, nil)}
	bare := []corev1.Node{checktest.BareNode("n1", "", map[string]string{"node-role.kubernetes.io/control-plane": ""}, nil)}
	cases := []struct {
		name   string
		nodes  []corev1.Node
		server cluster.ServerInfo
		gaps   []cluster.Gap
		want   result.Status
	}{
		{"managed with override", gke, cluster.ServerInfo{GitVersion: "v1.34.1-gke.100", ReadyzChecks: []string{"ping", "etcd", "etcd-override-0"}}, nil, result.StatusPass},
		{"managed without", gke, cluster.ServerInfo{GitVersion: "v1.34.1-gke.100", ReadyzChecks: []string{"ping", "etcd"}}, nil, result.StatusNA},
		{"self-managed 1.34 without", bare, cluster.ServerInfo{GitVersion: "v1.34.2", ReadyzChecks: []string{"ping", "etcd"}}, nil, result.StatusInfo},
		{"self-managed 1.33 without proves nothing", bare, cluster.ServerInfo{GitVersion: "v1.33.5", ReadyzChecks: []string{"ping", "etcd"}}, nil, result.StatusSkip},
		{"readyz failed", bare, cluster.ServerInfo{GitVersion: "v1.35.0"}, []cluster.Gap{{Kind: cluster.KindReadyz, Reason: cluster.GapForbidden}}, result.StatusSkip},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := &cluster.Snapshot{Source: cluster.SourceLive, CollectedAt: time.Now(), Nodes: tc.nodes, Server: tc.server, Gaps: tc.gaps}
			r := checktest.RunOne(t, checktest.ByID(t, Checks(DefaultOptions()), "ETCD-002"), s)
			if r.Status != tc.want {
				t.Fatalf("got %s, want %s", checktest.FormatResult(r), tc.want)
			}
		})
	}
}
