package etcd

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/result"
)

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
		want          result.Status
	}{
		{10 * h, 24 * h, result.StatusPass},
		{30 * h, 24 * h, result.StatusWarn}, // > 26 h, < 1.5 × 24 h = 36 h
		{37 * h, 24 * h, result.StatusFail}, // > 36 h and > 26 h
		{25 * h, h, result.StatusPass},      // overdue for the hourly schedule, but not yet 26 h
		{27 * h, h, result.StatusFail},      // > 1.5 h and > 26 h
		{60 * h, 7 * 24 * h, result.StatusWarn},
		{73 * h, 7 * 24 * h, result.StatusFail}, // > 72 h whatever the schedule
	}
	for _, tc := range cases {
		if got, msg := freshness(&o, tc.age, tc.interval); got != tc.want {
			t.Errorf("freshness(%s, %s) = %s (%s), want %s", tc.age, tc.interval, got, msg, tc.want)
		}
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
