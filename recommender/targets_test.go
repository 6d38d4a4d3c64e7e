package recommender

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
)

func TestForPodName(t *testing.T) {
	meta := func(name string) metav1.ObjectMeta { return metav1.ObjectMeta{Namespace: "shop", Name: name} }
	s := &cluster.Snapshot{
		Deployments:  []appsv1.Deployment{{ObjectMeta: meta("web")}, {ObjectMeta: meta("web-api")}},
		StatefulSets: []appsv1.StatefulSet{{ObjectMeta: meta("db")}},
		DaemonSets:   []appsv1.DaemonSet{{ObjectMeta: meta("agent")}},
		CronJobs:     []batchv1.CronJob{{ObjectMeta: meta("report")}},
		Jobs:         []batchv1.Job{{ObjectMeta: meta("migrate")}},
	}
	tg := buildTargets(index.New(s))
	for pod, want := range map[string]string{
		"web-7d4b9c8f6d-x2k9p":     "Deployment/web",
		"web-api-5f6d7c8b9-qwz2x":  "Deployment/web-api",
		"db-0":                     "StatefulSet/db",
		"db-12":                    "StatefulSet/db",
		"agent-x7k2p":              "DaemonSet/agent",
		"report-29000000-bk7xz":    "CronJob/report",
		"migrate-5xq2z":            "Job/migrate",
		"web":                      "",
		"other-7d4b9c8f6d-x2k9p":   "",
		"web-7d4b9c8f6d-x2k9p-abc": "", // not a pod name any controller gives
	} {
		got := ""
		if x := tg.forPodName("shop", pod); x != nil {
			got = x.w.Kind + "/" + x.w.Name
		}
		if got != want {
			t.Errorf("forPodName(%q) = %q, want %q", pod, got, want)
		}
		if x := tg.forPodName("elsewhere", pod); x != nil {
			t.Errorf("forPodName in another namespace matched %s", x.w.Name)
		}
	}
}
