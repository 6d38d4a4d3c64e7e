package report

import (
	"bytes"
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

func TestPrometheusText(t *testing.T) {
	got := renderAs(t, "prometheus", ciReport(), RenderOptions{DocLink: docLink})
	// Scores: Namespace quotas has pass 1, warn 3: (1 + 0.5×3)/4 = 0.625;
	// overall pass 1 + info 1 + warn 3×0.5 over 7 evaluated = 3.5/7 = 0.5.
	// QUOTA-002's results are on Namespace objects, so they count in the
	// namespace they name. No run duration: a rendered report lacks it.
	want := `# HELP seaworthy_findings Results of the last audit by check, status, severity, category and namespace.
# TYPE seaworthy_findings gauge
seaworthy_findings{check="CP-004",status="info",severity="info",category="Control plane",namespace=""} 1
seaworthy_findings{check="CP-004",status="na",severity="none",category="Control plane",namespace="shop"} 1
seaworthy_findings{check="DNS-001",status="fail",severity="high",category="Cluster DNS",namespace=""} 1
seaworthy_findings{check="DNS-001",status="skip",severity="none",category="Cluster DNS",namespace="shop"} 1
seaworthy_findings{check="QUOTA-002",status="pass",severity="none",category="Namespace quotas",namespace="tools"} 1
seaworthy_findings{check="QUOTA-002",status="warn",severity="medium",category="Namespace quotas",namespace="shop"} 1
seaworthy_findings{check="QUOTA-003",status="warn",severity="medium",category="Namespace quotas",namespace="shop"} 2
seaworthy_findings{check="RBAC-001",status="fail",severity="critical",category="RBAC least privilege",namespace=""} 1
# HELP seaworthy_score_ratio Score of a category of the last audit, from 0 to 1.
# TYPE seaworthy_score_ratio gauge
seaworthy_score_ratio{category="Cluster DNS"} 0
seaworthy_score_ratio{category="Control plane"} 1
seaworthy_score_ratio{category="Namespace quotas"} 0.625
seaworthy_score_ratio{category="RBAC least privilege"} 0
# HELP seaworthy_overall_score_ratio Score of the whole last audit, from 0 to 1.
# TYPE seaworthy_overall_score_ratio gauge
seaworthy_overall_score_ratio 0.5
# HELP seaworthy_gaps Inputs the last audit could not read.
# TYPE seaworthy_gaps gauge
seaworthy_gaps 0
# HELP seaworthy_check_info A check that ran in the last audit, with its title and documentation link.
# TYPE seaworthy_check_info gauge
seaworthy_check_info{check="CP-004",title="Platform",doc_url="https://seaworthy.example/checks/CP-004"} 1
seaworthy_check_info{check="DNS-001",title="DNS is up",doc_url="https://seaworthy.example/checks/DNS-001"} 1
seaworthy_check_info{check="QUOTA-002",title="Namespace has a LimitRange",doc_url="https://seaworthy.example/checks/QUOTA-002"} 1
seaworthy_check_info{check="QUOTA-003",title="Quota usage",doc_url="https://seaworthy.example/checks/QUOTA-003"} 1
seaworthy_check_info{check="RBAC-001",title="cluster-admin bound outside the allow-list",doc_url="https://seaworthy.example/checks/RBAC-001"} 1
# HELP seaworthy_last_run_timestamp_seconds When the last audit collected its objects, in seconds since the Unix epoch.
# TYPE seaworthy_last_run_timestamp_seconds gauge
seaworthy_last_run_timestamp_seconds 1.767323045e+09
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestPrometheusObjectsGapsDuration covers what the Pushgateway adds to the
// printed metrics: per-object series, gaps by kind, the run's duration.
func TestPrometheusObjectsGapsDuration(t *testing.T) {
	r := ciReport()
	r.Gaps = []cluster.Gap{
		{Kind: cluster.KindConfigMaps, Namespace: "kube-system", Name: "coredns", Reason: cluster.GapForbidden},
		{Kind: cluster.KindConfigMaps, Namespace: "kube-system", Name: "kubeadm-config", Reason: cluster.GapForbidden},
		{Kind: cluster.KindNodes, Reason: cluster.GapTimeout},
	}
	var buf bytes.Buffer
	if err := WriteMetricsText(&buf, r.Metrics(MetricsOptions{Objects: true, Duration: 2500 * time.Millisecond})); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	// Without DocLink doc_url is empty; the two QUOTA-003 warns on one
	// quota are one series of 2; pass, skip and na have no object series.
	want := `# HELP seaworthy_gaps Inputs the last audit could not read.
# TYPE seaworthy_gaps gauge
seaworthy_gaps 3
# HELP seaworthy_kind_gaps Inputs the last audit could not read, by kind and reason.
# TYPE seaworthy_kind_gaps gauge
seaworthy_kind_gaps{kind="configmaps",reason="forbidden"} 2
seaworthy_kind_gaps{kind="nodes",reason="timeout"} 1
`
	want2 := `seaworthy_check_info{check="CP-004",title="Platform",doc_url=""} 1
`
	want3 := `# HELP seaworthy_last_run_timestamp_seconds When the last audit collected its objects, in seconds since the Unix epoch.
# TYPE seaworthy_last_run_timestamp_seconds gauge
seaworthy_last_run_timestamp_seconds 1.767323045e+09
# HELP seaworthy_run_duration_seconds How long the last audit took (collection, checks and policies), in seconds.
# TYPE seaworthy_run_duration_seconds gauge
seaworthy_run_duration_seconds 2.5
# HELP seaworthy_finding Fail, warn and info results of the last audit on one object.
# TYPE seaworthy_finding gauge
seaworthy_finding{check="CP-004",status="info",namespace="",kind="",name=""} 1
seaworthy_finding{check="DNS-001",status="fail",namespace="",kind="",name=""} 1
seaworthy_finding{check="QUOTA-002",status="warn",namespace="shop",kind="Namespace",name="shop"} 1
seaworthy_finding{check="QUOTA-003",status="warn",namespace="shop",kind="ResourceQuota",name="compute"} 2
seaworthy_finding{check="RBAC-001",status="fail",namespace="",kind="ClusterRoleBinding",name="ci-admin"} 1
`
	for _, w := range []string{want, want2, want3} {
		if !bytes.Contains([]byte(got), []byte(w)) {
			t.Errorf("metrics lack:\n%s\ngot:\n%s", w, got)
		}
	}
}
