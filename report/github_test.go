package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/seaworthy-k8s/seaworthy/result"
)

func TestGitHub(t *testing.T) {
	got := renderAs(t, "github", ciReport(), RenderOptions{})
	// One command per fail and warn; %, line breaks, : and , escaped
	// (properties) or % and line breaks (the message); no file for the
	// cluster-wide fail; info is only counted in the score.
	want := `::error file=deploy/rbac.yaml,line=12,title=RBAC-001 ClusterRoleBinding/ci-admin::ClusterRoleBinding ci-admin binds cluster-admin to ServiceAccount ci/deployer
::warning file=deploy/ns.yaml,line=3,title=QUOTA-002 Namespace/shop::namespace shop has no LimitRange: pods without requests are rejected%0Aadd one
::warning file=deploy/quota 1.yaml,line=7,title=QUOTA-003 ResourceQuota/shop/compute::requests.cpu at 85%25 (17/20)
::warning file=deploy/quota 1.yaml,line=7,title=QUOTA-003 ResourceQuota/shop/compute::requests.memory at 90%25 (90Gi/100Gi)
::error title=DNS-001 (cluster)::no DNS Deployment labelled k8s-app=kube-dns, 50%25 of lookups
::notice::seaworthy: 2 fail, 3 warn, score 50
`
	if got != want {
		t.Errorf("github:\n%s\nwant:\n%s", got, want)
	}
}

func TestGitHubSaysWhatAnnotationsHide(t *testing.T) {
	r := ciReport()
	for i := 0; i < 11; i++ {
		r.Results = append(r.Results, result.Result{Check: "DNS-001", Status: result.StatusFail,
			Object: result.Ref("v1", "Service", "ns", fmt.Sprintf("s%d", i)), Message: "m"})
	}
	got := renderAs(t, "github", r, RenderOptions{})
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	// 2+11 errors, 3 warnings; Summary is not recounted, so the score is
	// the fixture's.
	const last = "::notice::seaworthy: 13 fail, 3 warn, score 50 (GitHub annotates 10 of each per step: 3 errors are only in this log)"
	if len(lines) != 17 || lines[16] != last {
		t.Errorf("%d lines ending %q, want 17 ending %q", len(lines), lines[len(lines)-1], last)
	}
}

func TestGitHubEscaping(t *testing.T) {
	if got, want := escapeProperty("a%b\r\nc:d,e"), "a%25b%0D%0Ac%3Ad%2Ce"; got != want {
		t.Errorf("escapeProperty = %q, want %q", got, want)
	}
	if got, want := escapeData("a%b\r\nc:d,e"), "a%25b%0D%0Ac:d,e"; got != want {
		t.Errorf("escapeData = %q, want %q", got, want)
	}
}
