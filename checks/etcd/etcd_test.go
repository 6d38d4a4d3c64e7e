package checks

import (
	"reflect"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

func TestQuorum(t *testing.T) {
	// quorum = n/2 + 1 (integer division); tolerated = n - quorum.
	for n, want := range map[int][2]int{0: {0, 0}, 1: {1, 0}, 2: {2, 0}, 3: {2, 1}, 4: {3, 1}, 5: {3, 2}, 6: {4, 2}, 7: {4, 3}} {
		q, f := quorum(n)
		if q != want[0] || f != want[1] {
			t.Errorf("quorum(%d) = %d, %d; want %d, %d", n, q, f, want[0], want[1])
		}
	}
	if got := quorumText(3); got != "3 members: quorum 2, tolerates 1 failure" {
		t.Errorf("quorumText(3) = %q", got)
	}
}

func TestScheduleInterval(t *testing.T) {
	from := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) // a Sunday
	cases := []struct {
		spec, tz string
		want     time.Duration
	}{
		{"0 2 * * *", "", 24 * time.Hour},
		{"*/15 * * * *", "", 15 * time.Minute},
		{"0 */6 * * *", "", 6 * time.Hour},
		{"0 */12 * * *", "", 12 * time.Hour},
		{"@hourly", "", time.Hour},
		{"@daily", "", 24 * time.Hour},
		{"@every 8h", "", 8 * time.Hour},
		// Weekdays only: Friday 01:00 to Monday 01:00.
		{"0 1 * * 1-5", "", 72 * time.Hour},
		{"30 3 * * 0", "", 7 * 24 * time.Hour},
		// Monthly: the longest month in the window (31 days).
		{"0 0 1 * *", "", 31 * 24 * time.Hour},
		{"0 2 * * *", "UTC", 24 * time.Hour},
	}
	for _, tc := range cases {
		got, err := scheduleInterval(tc.spec, tc.tz, from)
		if err != nil || got != tc.want {
			t.Errorf("scheduleInterval(%q, %q) = %s, %v; want %s", tc.spec, tc.tz, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "61 * * * *", "not a schedule", "0 0 30 2 *"} {
		if _, err := scheduleInterval(bad, "", from); err == nil {
			t.Errorf("scheduleInterval(%q) gave no error", bad)
		}
	}
}

func TestFreshness(t *testing.T) {
	o := DefaultOptions()
	h := time.Hour
	cases := []struct {
		age, interval time.Duration
		want          Status
	}{
		{10 * h, 24 * h, StatusPass},
		{30 * h, 24 * h, StatusWarn}, // > 26 h, < 1.5 × 24 h = 36 h
		{37 * h, 24 * h, StatusFail}, // > 36 h and > 26 h
		{25 * h, h, StatusPass},      // overdue for the hourly schedule, but not yet 26 h
		{27 * h, h, StatusFail},      // > 1.5 h and > 26 h
		{60 * h, 7 * 24 * h, StatusWarn},
		{73 * h, 7 * 24 * h, StatusFail}, // > 72 h whatever the schedule
	}
	for _, tc := range cases {
		if got, msg := freshness(&o, tc.age, tc.interval); got != tc.want {
			t.Errorf("freshness(%s, %s) = %s (%s), want %s", tc.age, tc.interval, got, msg, tc.want)
		}
	}
}

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

func TestRunsEtcdSnapshot(t *testing.T) {
	cases := []struct {
		name string
		c    corev1.Container
		want bool
	}{
		{"plain args", corev1.Container{Command: []string{"/usr/local/bin/etcdctl"}, Args: []string{"--endpoints=https://127.0.0.1:2379", "snapshot", "save", "/backup/s.db"}}, true},
		{"shell line", corev1.Container{Command: []string{"sh", "-c", "ETCDCTL_API=3 etcdctl snapshot save /b/$(date +%s).db && gzip /b/*.db"}}, true},
		{"etcdutl", corev1.Container{Args: []string{"etcdutl snapshot save /b/x.db"}}, true},
		{"status only", corev1.Container{Command: []string{"etcdctl", "endpoint", "status"}}, false},
		{"save without etcdctl", corev1.Container{Command: []string{"sh", "-c", "velero snapshot save"}}, false},
		{"restore", corev1.Container{Command: []string{"etcdutl", "snapshot", "restore", "x.db"}}, false},
	}
	for _, tc := range cases {
		spec := &corev1.PodSpec{Containers: []corev1.Container{tc.c}}
		if _, got := runsEtcdSnapshot(spec); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

// ETCD-002 reads /readyz only where no flags are visible, and trusts an
// empty list only from servers that list overrides (1.34+).
func TestEtcd002Readyz(t *testing.T) {
	gke := []corev1.Node{cpNode("gke-a", "gce://p/z/gke-a", map[string]string{"cloud.google.com/gke-nodepool": "default"}, nil)}
	bare := []corev1.Node{cpNode("n1", "", map[string]string{labelControlPlane: ""}, nil)}
	cases := []struct {
		name   string
		nodes  []corev1.Node
		server cluster.ServerInfo
		gaps   []cluster.Gap
		want   Status
	}{
		{"managed with override", gke, cluster.ServerInfo{GitVersion: "v1.34.1-gke.100", ReadyzChecks: []string{"ping", "etcd", "etcd-override-0"}}, nil, StatusPass},
		{"managed without", gke, cluster.ServerInfo{GitVersion: "v1.34.1-gke.100", ReadyzChecks: []string{"ping", "etcd"}}, nil, StatusNA},
		{"self-managed 1.34 without", bare, cluster.ServerInfo{GitVersion: "v1.34.2", ReadyzChecks: []string{"ping", "etcd"}}, nil, StatusInfo},
		{"self-managed 1.33 without proves nothing", bare, cluster.ServerInfo{GitVersion: "v1.33.5", ReadyzChecks: []string{"ping", "etcd"}}, nil, StatusSkip},
		{"readyz failed", bare, cluster.ServerInfo{GitVersion: "v1.35.0"}, []cluster.Gap{{Kind: cluster.KindReadyz, Reason: cluster.GapForbidden}}, StatusSkip},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := &cluster.Snapshot{Source: cluster.SourceLive, CollectedAt: time.Now(), Nodes: tc.nodes, Server: tc.server, Gaps: tc.gaps}
			rs := Run(s, DefaultOptions(), []Check{etcd002})
			if len(rs) != 1 || rs[0].Status != tc.want {
				t.Fatalf("got %v, want one %s", rs, tc.want)
			}
		})
	}
}
