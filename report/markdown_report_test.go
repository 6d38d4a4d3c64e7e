package report

import (
	"strings"
	"testing"
)

func TestMarkdownReport(t *testing.T) {
	got := renderAs(t, "markdown", ciReport(), RenderOptions{})
	// Fail and warn grouped by category in result order, with the file and
	// line each object was read at; the rest collapsed.
	want := "## seaworthy: score 50, 2 fail, 3 warn, 1 info\n" +
		"\n" +
		"9 results: 1 pass, 1 skip, 1 na; 0 gaps.\n" +
		"\n" +
		"### RBAC least privilege\n" +
		"\n" +
		"| Status | Check | Object | Location | Message |\n" +
		"|---|---|---|---|---|\n" +
		"| FAIL | RBAC-001 | ClusterRoleBinding/ci-admin | `deploy/rbac.yaml:12` | ClusterRoleBinding ci-admin binds cluster-admin to ServiceAccount ci/deployer |\n" +
		"\n" +
		"### Namespace quotas\n" +
		"\n" +
		"| Status | Check | Object | Location | Message |\n" +
		"|---|---|---|---|---|\n" +
		"| WARN | QUOTA-002 | Namespace/shop | `deploy/ns.yaml:3` | namespace shop has no LimitRange: pods without requests are rejected add one |\n" +
		"| WARN | QUOTA-003 | ResourceQuota/shop/compute | `deploy/quota 1.yaml:7` | requests.cpu at 85% (17/20) |\n" +
		"| WARN | QUOTA-003 | ResourceQuota/shop/compute | `deploy/quota 1.yaml:7` | requests.memory at 90% (90Gi/100Gi) |\n" +
		"\n" +
		"### Cluster DNS\n" +
		"\n" +
		"| Status | Check | Object | Location | Message |\n" +
		"|---|---|---|---|---|\n" +
		"| FAIL | DNS-001 | (cluster) |  | no DNS Deployment labelled k8s-app=kube-dns, 50% of lookups |\n" +
		"\n" +
		"<details><summary>4 other results (info, pass, skip, na)</summary>\n" +
		"\n" +
		"| Status | Check | Object | Location | Message |\n" +
		"|---|---|---|---|---|\n" +
		"| PASS | QUOTA-002 | Namespace/tools |  | tools has one |\n" +
		"| SKIP | DNS-001 | Deployment/shop/web | `deploy/web, app.yaml:1` | not evaluated: nodes not-in-input |\n" +
		"| INFO | CP-004 | (cluster) |  | platform: unknown |\n" +
		"| NA | CP-004 | Deployment/shop/web | `deploy/web, app.yaml:1` | not a control-plane object |\n" +
		"\n" +
		"</details>\n" +
		""
	if got != want {
		t.Errorf("markdown:\n%s\nwant:\n%s", got, want)
	}
}

func TestMarkdownReportCut(t *testing.T) {
	var b strings.Builder
	if err := (markdownRenderer{max: 600}).Render(&b, ciReport()); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	// 600 - 200 reserved: the title, the summary line and the first
	// category's table fit; the next category's heading and table do not.
	want := "## seaworthy: score 50, 2 fail, 3 warn, 1 info\n\n" +
		"9 results: 1 pass, 1 skip, 1 na; 0 gaps.\n\n" +
		"### RBAC least privilege\n\n" +
		"| Status | Check | Object | Location | Message |\n|---|---|---|---|---|\n" +
		"| FAIL | RBAC-001 | ClusterRoleBinding/ci-admin | `deploy/rbac.yaml:12` | ClusterRoleBinding ci-admin binds cluster-admin to ServiceAccount ci/deployer |\n" +
		"\n_8 more results not shown: a comment holds at most 600 characters; the JSON report has them all._\n"
	if got != want {
		t.Errorf("cut markdown:\n%s\nwant:\n%s", got, want)
	}
	if len(got) > 600 {
		t.Errorf("%d bytes, over the limit of 600", len(got))
	}
}
