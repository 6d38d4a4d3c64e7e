package controlplane

import (
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/live"
)

// The harness starts what its options ask for: API servers with their own
// hostnames (seen in their identity Leases), an etcd cluster of several
// members, a separate etcd that really holds the Events, a serving
// certificate with the chosen lifetime, and a server without identity
// Lease.
func TestHarness(t *testing.T) {
	t.Run("HA", func(t *testing.T) {
		t.Parallel()
		cp := Start(t, Options{
			Hostnames:           []string{"cp-a", "cp-b"},
			EtcdMembers:         3,
			EventsEtcd:          true,
			ServingCertValidFor: 5 * 24 * time.Hour,
		})
		if len(cp.APIServers) != 2 || len(cp.Etcd) != 3 || cp.EventsEtcd == nil {
			t.Fatalf("%d API servers, %d etcd members, events etcd %v", len(cp.APIServers), len(cp.Etcd), cp.EventsEtcd)
		}
		for _, s := range cp.APIServers {
			if got := readyzChecks(t, s); !slices.Contains(got, "etcd-override-0") || !slices.Contains(got, "etcd") {
				t.Errorf("%s /readyz?verbose lists %v, want etcd and etcd-override-0", s.Host, got)
			}
			if got, want := servingNotAfter(t, s), time.Now().Add(5*24*time.Hour); got.Before(want.Add(-time.Hour)) || got.After(want.Add(time.Hour)) {
				t.Errorf("%s serving certificate expires %s, want about %s", s.Host, got, want)
			}
		}
		client := clientFor(t, cp.APIServers[0])
		hosts := identityHosts(t, client)
		if !slices.Equal(hosts, []string{"cp-a", "cp-b"}) {
			t.Errorf("identity Leases name hosts %v, want [cp-a cp-b]", hosts)
		}

		var members struct {
			Members []struct {
				Name     string   `json:"name"`
				PeerURLs []string `json:"peerURLs"`
			} `json:"members"`
		}
		etcdPost(t, cp.Etcd[2].ClientURL, "/v3/cluster/member/list", map[string]any{}, &members)
		var names []string
		for _, m := range members.Members {
			names = append(names, m.Name)
		}
		slices.Sort(names)
		if !slices.Equal(names, []string{"etcd-0", "etcd-1", "etcd-2"}) {
			t.Errorf("etcd members %v, want etcd-0..2", names)
		}

		ev := &corev1.Event{
			ObjectMeta:     metav1.ObjectMeta{Name: "probe", Namespace: "default"},
			InvolvedObject: corev1.ObjectReference{Kind: "Namespace", Name: "default"},
			Reason:         "Probe", Message: "where is this stored", Type: corev1.EventTypeNormal,
		}
		if _, err := client.CoreV1().Events("default").Create(t.Context(), ev, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		if n := etcdCount(t, cp.EventsEtcd.ClientURL, "/registry/events/default/probe"); n != 1 {
			t.Errorf("the events etcd holds %d keys for the Event, want 1", n)
		}
		if n := etcdCount(t, cp.Etcd[0].ClientURL, "/registry/events/"); n != 0 {
			t.Errorf("the main etcd holds %d Event keys, want 0", n)
		}
		if n := etcdCount(t, cp.Etcd[1].ClientURL, "/registry/namespaces/default"); n != 1 {
			t.Errorf("the main etcd holds %d keys for namespace default, want 1", n)
		}

		// A killed server leaves its Lease behind, no longer renewed; the
		// other still serves.
		before := leaseFor(t, client, "cp-b")
		cp.APIServers[1].Kill()
		time.Sleep(11 * time.Second) // longer than the 10 s renew interval
		after := leaseFor(t, client, "cp-b")
		if after == nil || before == nil || !after.Spec.RenewTime.Equal(before.Spec.RenewTime) {
			t.Errorf("the killed server's Lease: before %v, after %v; want it kept and not renewed", renewTime(before), renewTime(after))
		}
		if a := leaseFor(t, client, "cp-a"); a == nil || !a.Spec.RenewTime.After(before.Spec.RenewTime.Time) {
			t.Errorf("the running server's Lease is not renewed: %v", renewTime(a))
		}
	})
	t.Run("no identity lease", func(t *testing.T) {
		t.Parallel()
		cp := Start(t, Options{NoIdentityLease: true})
		client := clientFor(t, cp.APIServers[0])
		leases, err := client.CoordinationV1().Leases("").List(t.Context(), metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(leases.Items) != 0 {
			t.Errorf("%d Leases, want none: %v", len(leases.Items), leases.Items)
		}
		if got := readyzChecks(t, cp.APIServers[0]); slices.ContainsFunc(got, func(c string) bool { return strings.HasPrefix(c, "etcd-override") }) {
			t.Errorf("/readyz?verbose lists %v without an events etcd", got)
		}
		if got := servingNotAfter(t, cp.APIServers[0]); got.Before(time.Now().Add(300 * 24 * time.Hour)) {
			t.Errorf("the default serving certificate expires %s, want about a year from now", got)
		}

		// Custom resources load, status included, after their
		// definitions are installed, and read back as they were.
		want := &cluster.Snapshot{
			Namespaces: []corev1.Namespace{{ObjectMeta: metav1.ObjectMeta{Name: "velero"}}},
			VeleroSchedules: []unstructured.Unstructured{{Object: map[string]any{
				"apiVersion": "velero.io/v1", "kind": "Schedule",
				"metadata": map[string]any{"name": "daily", "namespace": "velero"},
				"spec":     map[string]any{"schedule": "0 3 * * *", "template": map[string]any{"includedNamespaces": []any{"*"}}},
				"status":   map[string]any{"phase": "Enabled", "lastBackup": "2026-03-01T03:00:00Z"},
			}}},
			ETCDSnapshotFiles: []unstructured.Unstructured{{Object: map[string]any{
				"apiVersion": "k3s.cattle.io/v1", "kind": "ETCDSnapshotFile",
				"metadata": map[string]any{"name": "etcd-snapshot-server-1-1772330400"},
				"spec":     map[string]any{"snapshotName": "etcd-snapshot-server-1-1772330400", "nodeName": "server-1", "location": "file:///var/lib/rancher/k3s/server/db/snapshots/x"},
				"status":   map[string]any{"readyToUse": true, "creationTime": "2026-03-01T02:00:00Z"},
			}}},
		}
		dyn, err := dynamic.NewForConfig(cp.Admin)
		if err != nil {
			t.Fatal(err)
		}
		if err := Load(t.Context(), client, want, 4); err == nil || !strings.Contains(err.Error(), "LoadOptions.Dynamic") {
			t.Errorf("loading custom resources without a dynamic client: %v, want an error saying it is needed", err)
		}
		if err := LoadWithOptions(t.Context(), client, want, LoadOptions{Dynamic: dyn}); err != nil {
			t.Fatal(err)
		}
		got, err := live.Collect(t.Context(), cp.Admin, live.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for name, pair := range map[string][2][]unstructured.Unstructured{
			"Velero Schedules":  {want.VeleroSchedules, got.VeleroSchedules},
			"ETCDSnapshotFiles": {want.ETCDSnapshotFiles, got.ETCDSnapshotFiles},
		} {
			if len(pair[1]) != 1 {
				t.Errorf("read back %d %s, want 1", len(pair[1]), name)
				continue
			}
			for _, field := range []string{"spec", "status"} {
				if w, g := pair[0][0].Object[field], pair[1][0].Object[field]; !equality.Semantic.DeepEqual(w, g) {
					t.Errorf("%s %s read back as %v, want %v", name, field, g, w)
				}
			}
		}
	})
}

func clientFor(t *testing.T, s *APIServer) kubernetes.Interface {
	t.Helper()
	c, err := kubernetes.NewForConfig(s.Admin)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func readyzChecks(t *testing.T, s *APIServer) []string {
	t.Helper()
	body, err := clientFor(t, s).Discovery().RESTClient().Get().AbsPath("/readyz").Param("verbose", "").DoRaw(t.Context())
	if err != nil {
		t.Fatalf("%s /readyz?verbose: %v", s.Host, err)
	}
	var names []string
	for l := range strings.SplitSeq(string(body), "\n") {
		if name, ok := strings.CutPrefix(l, "[+]"); ok {
			names = append(names, strings.Fields(name)[0])
		}
	}
	return names
}

func servingNotAfter(t *testing.T, s *APIServer) time.Time {
	t.Helper()
	conn, err := tls.Dial("tcp", strings.TrimPrefix(s.Host, "https://"), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	certs := conn.ConnectionState().PeerCertificates
	if len(certs) != 1 {
		t.Fatalf("%s presents %d certificates, want the leaf alone", s.Host, len(certs))
	}
	return certs[0].NotAfter
}

// identityHosts returns the sorted kubernetes.io/hostname labels of the
// API server identity Leases.
func identityHosts(t *testing.T, c kubernetes.Interface) []string {
	t.Helper()
	leases, err := c.CoordinationV1().Leases("kube-system").List(t.Context(), metav1.ListOptions{LabelSelector: "apiserver.kubernetes.io/identity=kube-apiserver"})
	if err != nil {
		t.Fatal(err)
	}
	var hosts []string
	for _, l := range leases.Items {
		hosts = append(hosts, l.Labels["kubernetes.io/hostname"])
	}
	slices.Sort(hosts)
	return hosts
}

func leaseFor(t *testing.T, c kubernetes.Interface, host string) *coordinationv1.Lease {
	t.Helper()
	leases, err := c.CoordinationV1().Leases("kube-system").List(t.Context(), metav1.ListOptions{LabelSelector: "kubernetes.io/hostname=" + host})
	if err != nil {
		t.Fatal(err)
	}
	if len(leases.Items) != 1 {
		return nil
	}
	return &leases.Items[0]
}

func renewTime(l *coordinationv1.Lease) any {
	if l == nil {
		return "none"
	}
	return l.Spec.RenewTime
}

// etcdPost calls etcd's JSON gateway.
func etcdPost(t *testing.T, base, path string, req, resp any) {
	t.Helper()
	body, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	r, err := http.Post(base+path, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	if r.StatusCode != http.StatusOK {
		t.Fatalf("etcd %s%s: %s", base, path, r.Status)
	}
	if err := json.NewDecoder(r.Body).Decode(resp); err != nil {
		t.Fatalf("etcd %s%s: %v", base, path, err)
	}
}

// etcdCount counts the keys under prefix in the etcd at base.
func etcdCount(t *testing.T, base, prefix string) int {
	t.Helper()
	end := []byte(prefix)
	end[len(end)-1]++
	var resp struct {
		Count string `json:"count"`
	}
	etcdPost(t, base, "/v3/kv/range", map[string]any{
		"key":        base64.StdEncoding.EncodeToString([]byte(prefix)),
		"range_end":  base64.StdEncoding.EncodeToString(end),
		"count_only": true,
	}, &resp)
	var n int
	if resp.Count != "" {
		if _, err := fmt.Sscan(resp.Count, &n); err != nil {
			t.Fatalf("etcd count %q: %v", resp.Count, err)
		}
	}
	return n
}
