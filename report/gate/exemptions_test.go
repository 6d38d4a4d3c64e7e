package gate

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/result"
)

const exemptionsFile = `# the platform team's exemptions
- check: RBAC-004
  kind: ClusterRoleBinding
  name: "reader-*"
  reason: the reports job reads its own secrets
  owner: team-reports
  expires: 2026-06-30
- check: RBAC
  namespace: "team-?"
  labels: {app: billing}
  reason: billing's operator manages its own roles
  owner: team-billing
  expires: "2026-12-31"
- check: DNS-002
  reason: sized by hand until the autoscaler lands
  owner: platform
  expires: 2026-01-31
- check: QUOTA
  namespace: sandbox
  reason: the sandbox is for trying things
  owner: platform
  expires: 2027-01-01
`

func ref(kind, ns, name string) result.ObjectRef {
	return result.Ref("rbac.authorization.k8s.io/v1", kind, ns, name)
}

func TestParseExemptions(t *testing.T) {
	ex, err := ParseExemptions("exemptions.yaml", []byte(exemptionsFile))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ex.Entries {
		got = append(got, fmt.Sprintf("%s check=%s ns=%q kind=%q name=%q labels=%v owner=%s expires=%s",
			e.Source, e.Check, e.Namespace, e.Kind, e.Name, e.Labels, e.Owner, e.Expires))
	}
	want := []string{
		`exemptions.yaml:2 check=RBAC-004 ns="" kind="ClusterRoleBinding" name="reader-*" labels=map[] owner=team-reports expires=2026-06-30`,
		`exemptions.yaml:8 check=RBAC ns="team-?" kind="" name="" labels=map[app:billing] owner=team-billing expires=2026-12-31`,
		`exemptions.yaml:14 check=DNS-002 ns="" kind="" name="" labels=map[] owner=platform expires=2026-01-31`,
		`exemptions.yaml:18 check=QUOTA ns="sandbox" kind="" name="" labels=map[] owner=platform expires=2027-01-01`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("entries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestParseExemptionsEmpty(t *testing.T) {
	for _, file := range []string{"", "# nothing yet\n", "~\n"} {
		ex, err := ParseExemptions("e.yaml", []byte(file))
		if err != nil || len(ex.Entries) != 0 {
			t.Errorf("ParseExemptions(%q) = %v, %v; want no entries", file, ex.Entries, err)
		}
	}
}

func TestParseExemptionsErrors(t *testing.T) {
	entry := "  reason: r\n  owner: o\n  expires: 2026-01-01\n"
	for _, tc := range []struct {
		name, file, want string
	}{
		{"not a list", "check: RBAC-004\nreason: r\n",
			"parse exemptions e.yaml:1:1: want a list of exemptions at the top level"},
		{"item not a mapping", "- RBAC-004\n",
			"parse exemptions e.yaml:1:3: exemption 1: want a mapping"},
		{"missing reason", "- check: RBAC-004\n  owner: o\n  expires: 2026-01-01\n",
			`parse exemptions e.yaml:1:3: exemption 1: missing required field "reason"`},
		{"missing check in the second", "- check: A\n" + entry + "- reason: r\n  owner: o\n  expires: 2026-01-01\n",
			`parse exemptions e.yaml:5:3: exemption 2: missing required field "check"`},
		{"blank owner", "- check: A\n  reason: r\n  owner: ' '\n  expires: 2026-01-01\n",
			"parse exemptions e.yaml:3:10: exemption 1: owner is empty"},
		{"bad date", "- check: A\n  reason: r\n  owner: o\n  expires: 2026-02-30\n",
			`parse exemptions e.yaml:4:12: exemption 1: expires "2026-02-30": want a date YYYY-MM-DD`},
		{"date in another format", "- check: A\n  reason: r\n  owner: o\n  expires: 30/06/2026\n",
			`parse exemptions e.yaml:4:12: exemption 1: expires "30/06/2026": want a date YYYY-MM-DD`},
		{"unknown field", "- check: A\n" + entry + "  namepsace: x\n",
			`parse exemptions e.yaml:5:3: exemption 1: unknown field "namepsace" (known: check, expires, kind, labels, name, namespace, owner, reason)`},
		{"repeated field", "- check: A\n" + entry + "  check: B\n",
			`parse exemptions e.yaml:5:3: exemption 1: field "check" given twice`},
		{"bad glob", "- check: A\n  name: '[a'\n" + entry,
			`parse exemptions e.yaml:2:9: exemption 1: name "[a": bad glob pattern`},
		{"glob in check", "- check: 'RBAC-*'\n" + entry,
			`parse exemptions e.yaml:1:10: exemption 1: check "RBAC-*": want a check or policy ID or a prefix of one, without blanks or globs`},
		{"labels not a mapping", "- check: A\n  labels: [app]\n" + entry,
			"parse exemptions e.yaml:2:11: exemption 1: labels: want a mapping of label keys to values"},
		{"name a list", "- check: A\n  name: [a, b]\n" + entry,
			"parse exemptions e.yaml:2:9: exemption 1: name: want a string"},
		{"yaml syntax", "- check: A\n  reason: [\n",
			"parse exemptions e.yaml:2: did not find expected node content"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseExemptions("e.yaml", []byte(tc.file))
			if err == nil || err.Error() != tc.want {
				t.Errorf("error %v\nwant    %s", err, tc.want)
			}
		})
	}
}

func TestDateEnd(t *testing.T) {
	d, err := ParseDate("2026-12-31")
	if err != nil {
		t.Fatal(err)
	}
	// The day after the last day, at midnight UTC, across a year end.
	if got, want := d.End(), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("End() = %s, want %s", got, want)
	}
}

// exemptionResults are the findings the exemptions file is applied to.
func exemptionResults() []result.Result {
	return []result.Result{
		{Check: "RBAC-004", Status: result.StatusWarn, Object: ref("ClusterRoleBinding", "", "reader-reports"), Message: "reads secrets"},
		{Check: "RBAC-004", Status: result.StatusWarn, Object: ref("ClusterRoleBinding", "", "writer-reports"), Message: "reads secrets"},
		{Check: "RBAC-005", Status: result.StatusWarn, Object: ref("RoleBinding", "team-a", "operator"), Message: "wildcards"},
		{Check: "RBAC-005", Status: result.StatusWarn, Object: ref("RoleBinding", "team-b", "operator"), Message: "wildcards"},
		{Check: "RBAC-005", Status: result.StatusWarn, Object: ref("RoleBinding", "team-ab", "operator"), Message: "wildcards"},
		{Check: "RBACX-001", Status: result.StatusFail, Object: ref("RoleBinding", "team-a", "operator"), Message: "not an RBAC check"},
		{Check: "DNS-002", Status: result.StatusWarn, Object: result.Ref("apps/v1", "Deployment", "kube-system", "coredns"), Message: "too few"},
		{Check: "QUOTA-001", Status: result.StatusPass, Object: result.Ref("v1", "Namespace", "sandbox", "sandbox"), Message: "has one"},
	}
}

func billingLabels(o result.ObjectRef) map[string]string {
	if o.Namespace == "team-a" {
		return map[string]string{"app": "billing", "tier": "backend"}
	}
	return map[string]string{"app": "web"}
}

// summarize renders each result with the source of the exemption that
// covers it.
func summarize(out Outcome) string {
	var b strings.Builder
	for _, a := range out.Results {
		src := "-"
		if a.Exemption != nil {
			src = a.Exemption.Source
		}
		fmt.Fprintf(&b, "%s %s %s\n", a.Result.Check, a.Result.Object, src)
	}
	for _, f := range out.Findings {
		fmt.Fprintf(&b, "finding %s %s %s: %s %v\n", f.Check, f.Status, f.Object, f.Message, f.Evidence)
	}
	return b.String()
}

func TestApplyExemptions(t *testing.T) {
	ex, err := ParseExemptions("exemptions.yaml", []byte(exemptionsFile))
	if err != nil {
		t.Fatal(err)
	}
	// The last day of DNS-002's entry: it still applies.
	now := time.Date(2026, 1, 31, 23, 59, 59, 0, time.UTC)
	got := summarize(Apply(exemptionResults(), ex, ApplyOptions{Now: now, Labels: billingLabels}))
	// reader-* covers reader-reports only; "team-?" matches team-a and
	// team-b but not team-ab, and only team-a has app=billing; "RBAC" is
	// not a prefix of RBACX-001 at a "-"; a pass result is never
	// exempted, so the QUOTA entry is unused.
	want := `RBAC-004 ClusterRoleBinding/reader-reports exemptions.yaml:2
RBAC-004 ClusterRoleBinding/writer-reports -
RBAC-005 RoleBinding/team-a/operator exemptions.yaml:8
RBAC-005 RoleBinding/team-b/operator -
RBAC-005 RoleBinding/team-ab/operator -
RBACX-001 RoleBinding/team-a/operator -
DNS-002 Deployment/kube-system/coredns exemptions.yaml:14
QUOTA-001 Namespace/sandbox/sandbox -
finding EXEMPT-UNUSED info (cluster): exemption exemptions.yaml:18 for QUOTA (owner platform) covers no result; remove it, or correct its check or selector map[check:QUOTA exemption:exemptions.yaml:18 expires:2027-01-01 owner:platform reason:the sandbox is for trying things]
`
	if got != want {
		t.Errorf("applied:\n%s\nwant:\n%s", got, want)
	}
}

func TestApplyExpiredTheDayAfter(t *testing.T) {
	ex, err := ParseExemptions("exemptions.yaml", []byte(exemptionsFile))
	if err != nil {
		t.Fatal(err)
	}
	// The first instant after DNS-002's last day: the entry stops applying
	// and is reported, not also as unused. Without a label lookup the
	// labelled entry covers nothing and is unused.
	now := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	out := Apply(exemptionResults(), ex, ApplyOptions{Now: now})
	want := `RBAC-004 ClusterRoleBinding/reader-reports exemptions.yaml:2
RBAC-004 ClusterRoleBinding/writer-reports -
RBAC-005 RoleBinding/team-a/operator -
RBAC-005 RoleBinding/team-b/operator -
RBAC-005 RoleBinding/team-ab/operator -
RBACX-001 RoleBinding/team-a/operator -
DNS-002 Deployment/kube-system/coredns -
QUOTA-001 Namespace/sandbox/sandbox -
finding EXEMPT-UNUSED info (cluster): exemption exemptions.yaml:8 for RBAC (owner team-billing) covers no result; remove it, or correct its check or selector map[check:RBAC exemption:exemptions.yaml:8 expires:2026-12-31 owner:team-billing reason:billing's operator manages its own roles]
finding EXEMPT-EXPIRED warn (cluster): exemption exemptions.yaml:14 for DNS-002 (owner platform) expired on 2026-01-31 and no longer applies; it would cover 1 result; renew it with a new date or fix the findings map[check:DNS-002 exemption:exemptions.yaml:14 expires:2026-01-31 owner:platform reason:sized by hand until the autoscaler lands wouldCover:1]
finding EXEMPT-UNUSED info (cluster): exemption exemptions.yaml:18 for QUOTA (owner platform) covers no result; remove it, or correct its check or selector map[check:QUOTA exemption:exemptions.yaml:18 expires:2027-01-01 owner:platform reason:the sandbox is for trying things]
`
	if got := summarize(out); got != want {
		t.Errorf("applied:\n%s\nwant:\n%s", got, want)
	}
	if n := len(out.Gating()); n != 7 {
		t.Errorf("%d gating results, want 7 (8 less reader-reports)", n)
	}
}

func TestCheckMatches(t *testing.T) {
	for _, tc := range []struct {
		pattern, id string
		want        bool
	}{
		{"RBAC-004", "RBAC-004", true},
		{"RBAC", "RBAC-004", true},
		{"RBAC-", "RBAC-004", true},
		{"RBAC-00", "RBAC-004", false},
		{"RBAC", "RBACX-001", false},
		{"RBAC-004", "RBAC", false},
		{"acme.images", "acme.images.latest", true},
		{"acme.image", "acme.images.latest", false},
		{"acme", "acme.images.latest", true},
	} {
		if got := checkMatches(tc.pattern, tc.id); got != tc.want {
			t.Errorf("checkMatches(%q, %q) = %v, want %v", tc.pattern, tc.id, got, tc.want)
		}
	}
}

func TestApplyAnnotations(t *testing.T) {
	web := result.Ref("apps/v1", "Deployment", "shop", "web")
	api := result.Ref("apps/v1", "Deployment", "shop", "api")
	results := []result.Result{
		{Check: "WL-002", Status: result.StatusWarn, Object: web, Message: "one replica"},
		{Check: "RES-001", Status: result.StatusWarn, Object: web, Message: "no requests"},
		{Check: "WL-003", Status: result.StatusWarn, Object: web, Message: "no PDB"},
		{Check: "WL-002", Status: result.StatusWarn, Object: api, Message: "one replica"},
		{Check: "WL-003", Status: result.StatusWarn, Object: api, Message: "no PDB"},
		{Check: "CP-001", Status: result.StatusFail, Message: "one API server"},
	}
	calls := 0
	ann := func(o result.ObjectRef) map[string]string {
		calls++
		switch o {
		case web:
			return map[string]string{AnnotationExempt: "WL-002, RES ,", AnnotationReason: "a batch frontend, restarts are fine"}
		case api:
			return map[string]string{AnnotationExempt: "WL-002"}
		}
		return nil
	}
	out := Apply(results, nil, ApplyOptions{AllowAnnotations: true, Annotations: ann})
	want := `WL-002 Deployment/shop/web annotation on Deployment/shop/web
RES-001 Deployment/shop/web annotation on Deployment/shop/web
WL-003 Deployment/shop/web -
WL-002 Deployment/shop/api -
WL-003 Deployment/shop/api -
CP-001 (cluster) -
finding EXEMPT-NO-REASON warn Deployment/shop/api: Deployment/shop/api has the seaworthy.io/exempt annotation but no seaworthy.io/exempt-reason annotation, so it exempts nothing; add a reason or remove the annotation map[annotation:WL-002]
`
	if got := summarize(out); got != want {
		t.Errorf("applied:\n%s\nwant:\n%s", got, want)
	}
	if calls != 2 {
		t.Errorf("annotations looked up %d times, want once per object (2)", calls)
	}
	if e := out.Results[0].Exemption; e.Check != "WL-002,RES" || e.Reason != "a batch frontend, restarts are fine" {
		t.Errorf("annotation exemption %+v", e)
	}

	// Without AllowAnnotations the same annotations exempt nothing and are
	// not even read.
	calls = 0
	out = Apply(results, nil, ApplyOptions{Annotations: ann})
	if n := len(out.Gating()); n != len(results) || calls != 0 || len(out.Findings) != 0 {
		t.Errorf("without AllowAnnotations: %d gating of %d, %d lookups, findings %v", n, len(results), calls, out.Findings)
	}
}

func TestApplyFirstEntryWinsAndFileBeforeAnnotation(t *testing.T) {
	ex, err := ParseExemptions("e.yaml", []byte(`- check: WL
  namespace: shop
  reason: the shop team owns its workloads' shape
  owner: team-shop
  expires: 2026-06-30
- check: WL-002
  name: web
  reason: also web
  owner: platform
  expires: 2026-06-30
`))
	if err != nil {
		t.Fatal(err)
	}
	web := result.Ref("apps/v1", "Deployment", "shop", "web")
	results := []result.Result{
		{Check: "WL-002", Status: result.StatusWarn, Object: web, Message: "one replica"},
		{Check: "RES-001", Status: result.StatusWarn, Object: web, Message: "no requests"},
	}
	ann := func(result.ObjectRef) map[string]string {
		return map[string]string{AnnotationExempt: "WL-002,RES-001", AnnotationReason: "batch"}
	}
	out := Apply(results, ex, ApplyOptions{Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), AllowAnnotations: true, Annotations: ann})
	want := `WL-002 Deployment/shop/web e.yaml:1
RES-001 Deployment/shop/web annotation on Deployment/shop/web
finding EXEMPT-UNUSED info (cluster): exemption e.yaml:6 for WL-002 (owner platform) covers no result; remove it, or correct its check or selector map[check:WL-002 exemption:e.yaml:6 expires:2026-06-30 owner:platform reason:also web]
`
	if got := summarize(out); got != want {
		t.Errorf("applied:\n%s\nwant:\n%s", got, want)
	}
	js, err := json.Marshal(out.Results)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON := `[{"result":{"check":"WL-002","status":"warn","object":{"apiVersion":"apps/v1","kind":"Deployment","namespace":"shop","name":"web"},"message":"one replica"},` +
		`"exemption":{"check":"WL","namespace":"shop","reason":"the shop team owns its workloads' shape","owner":"team-shop","expires":"2026-06-30","source":"e.yaml:1"}},` +
		`{"result":{"check":"RES-001","status":"warn","object":{"apiVersion":"apps/v1","kind":"Deployment","namespace":"shop","name":"web"},"message":"no requests"},` +
		`"exemption":{"check":"WL-002,RES-001","namespace":"shop","kind":"Deployment","name":"web","reason":"batch","source":"annotation on Deployment/shop/web"}}]`
	if string(js) != wantJSON {
		t.Errorf("json:\n%s\nwant:\n%s", js, wantJSON)
	}
}
