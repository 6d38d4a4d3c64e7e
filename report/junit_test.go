package report

import (
	"encoding/xml"
	"testing"
)

func TestJUnit(t *testing.T) {
	got := renderAs(t, "junit", ciReport(), RenderOptions{})
	// A suite per category in the order results show them; fail and warn
	// are failures carrying the message, the origin and the evidence; skip
	// is skipped; pass, info and na pass.
	want := `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="seaworthy" tests="9" failures="5" skipped="1">
  <testsuite name="RBAC least privilege" tests="1" failures="1" skipped="0">
    <testcase classname="RBAC-001" name="ClusterRoleBinding/ci-admin">
      <failure message="ClusterRoleBinding ci-admin binds cluster-admin to ServiceAccount ci/deployer" type="fail">ClusterRoleBinding ci-admin binds cluster-admin to ServiceAccount ci/deployer&#xA;at deploy/rbac.yaml:12&#xA;subject: &#34;ServiceAccount ci/deployer&#34;</failure>
    </testcase>
  </testsuite>
  <testsuite name="Namespace quotas" tests="4" failures="3" skipped="0">
    <testcase classname="QUOTA-002" name="Namespace/shop">
      <failure message="namespace shop has no LimitRange: pods without requests are rejected&#xA;add one" type="warn">namespace shop has no LimitRange: pods without requests are rejected&#xA;add one&#xA;at deploy/ns.yaml:3</failure>
    </testcase>
    <testcase classname="QUOTA-003" name="ResourceQuota/shop/compute">
      <failure message="requests.cpu at 85% (17/20)" type="warn">requests.cpu at 85% (17/20)&#xA;at ./deploy/quota 1.yaml:7&#xA;hard: &#34;20&#34;&#xA;resource: &#34;requests.cpu&#34;&#xA;used: &#34;17&#34;</failure>
    </testcase>
    <testcase classname="QUOTA-003" name="ResourceQuota/shop/compute">
      <failure message="requests.memory at 90% (90Gi/100Gi)" type="warn">requests.memory at 90% (90Gi/100Gi)&#xA;at ./deploy/quota 1.yaml:7</failure>
    </testcase>
    <testcase classname="QUOTA-002" name="Namespace/tools"></testcase>
  </testsuite>
  <testsuite name="Cluster DNS" tests="2" failures="1" skipped="1">
    <testcase classname="DNS-001" name="(cluster)">
      <failure message="no DNS Deployment labelled k8s-app=kube-dns, 50% of lookups" type="fail">no DNS Deployment labelled k8s-app=kube-dns, 50% of lookups</failure>
    </testcase>
    <testcase classname="DNS-001" name="Deployment/shop/web">
      <skipped message="not evaluated: nodes not-in-input"></skipped>
    </testcase>
  </testsuite>
  <testsuite name="Control plane" tests="2" failures="0" skipped="0">
    <testcase classname="CP-004" name="(cluster)"></testcase>
    <testcase classname="CP-004" name="Deployment/shop/web"></testcase>
  </testsuite>
</testsuites>
`
	if got != want {
		t.Errorf("junit:\n%s\nwant:\n%s", got, want)
	}

	// Parsed back, the counts add up and the text survives the escaping.
	var doc struct {
		Tests  int `xml:"tests,attr"`
		Suites []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Skipped  int    `xml:"skipped,attr"`
			Cases    []struct {
				Failure *struct {
					Message string `xml:"message,attr"`
					Type    string `xml:"type,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(got), &doc); err != nil {
		t.Fatal(err)
	}
	type counts struct {
		name                     string
		tests, failures, skipped int
	}
	wantCounts := []counts{{"RBAC least privilege", 1, 1, 0}, {"Namespace quotas", 4, 3, 0}, {"Cluster DNS", 2, 1, 1}, {"Control plane", 2, 0, 0}}
	if doc.Tests != 9 || len(doc.Suites) != len(wantCounts) {
		t.Fatalf("%d tests in %d suites, want 9 in %d", doc.Tests, len(doc.Suites), len(wantCounts))
	}
	for i, s := range doc.Suites {
		if got := (counts{s.Name, s.Tests, s.Failures, s.Skipped}); got != wantCounts[i] || len(s.Cases) != s.Tests {
			t.Errorf("suite %d: %+v with %d cases, want %+v", i, got, len(s.Cases), wantCounts[i])
		}
	}
	f := doc.Suites[1].Cases[1].Failure
	const text = "requests.cpu at 85% (17/20)\nat ./deploy/quota 1.yaml:7\nhard: \"20\"\nresource: \"requests.cpu\"\nused: \"17\""
	if f == nil || f.Type != "warn" || f.Message != "requests.cpu at 85% (17/20)" || f.Text != text {
		t.Errorf("failure %+v, want type warn and text %q", f, text)
	}
}
