package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

func sampleReport() *Report {
	snap := &cluster.Snapshot{
		CollectedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Source:      cluster.SourceLive,
		Server:      cluster.ServerInfo{GitVersion: "v1.37.2"},
		Gaps:        []cluster.Gap{{Kind: cluster.KindLimitRanges, Reason: cluster.GapForbidden, Message: "may not list limitranges"}},
	}
	ran := []result.Meta{
		{ID: "QUOTA-001", Title: "Namespace has a ResourceQuota", Category: "Namespace quotas"},
		{ID: "QUOTA-002", Title: "Namespace has a LimitRange", Category: "Namespace quotas"},
		{ID: "DNS-001", Title: "DNS is up", Category: "Cluster DNS"},
	}
	results := []result.Result{
		{Check: "QUOTA-001", Status: result.StatusPass, Object: result.ObjectRef{APIVersion: "v1", Kind: "Namespace", Name: "a"}, Message: "a has one"},
		{Check: "QUOTA-001", Status: result.StatusWarn, Object: result.ObjectRef{APIVersion: "v1", Kind: "Namespace", Name: "b"}, Message: "b has none"},
		{Check: "QUOTA-002", Status: result.StatusSkip, Message: "not evaluated: limitranges forbidden", Evidence: map[string]any{"gaps": []string{"limitranges"}}},
		{Check: "DNS-001", Status: result.StatusFail, Object: result.ObjectRef{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "kube-system", Name: "coredns"}, Message: "1 ready replica", Evidence: map[string]any{"ready": 1}},
	}
	return New(snap, ran, results)
}

func render(t *testing.T, format string, opts RenderOptions) string {
	t.Helper()
	r, err := NewRenderer(format, opts)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := r.Render(&buf, sampleReport()); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestTable(t *testing.T) {
	want := `seaworthy audit of live (Kubernetes v1.37.2) at 2026-01-02T03:04:05Z

Namespace quotas (score 75)
 STATUS  CHECK      OBJECT       MESSAGE
 WARN    QUOTA-001  Namespace/b  b has none
 SKIP    QUOTA-002  (cluster)    not evaluated: limitranges forbidden

Cluster DNS (score 0)
 STATUS  CHECK    OBJECT                          MESSAGE
 FAIL    DNS-001  Deployment/kube-system/coredns  1 ready replica

Gaps (not read; checks that need them report skip)
 KIND         OBJECT  REASON     MESSAGE
 limitranges          forbidden  may not list limitranges

Summary: score 50, 1 fail, 1 warn, 0 info, 1 pass, 1 skip, 0 na (4 results, 1 gaps)
1 pass/na results not shown; use --show-passed to list them.
`
	if got := render(t, "table", RenderOptions{}); got != want {
		t.Errorf("table output:\n%s\nwant:\n%s", got, want)
	}
}

func TestJSON(t *testing.T) {
	want := `{
  "schemaVersion": "seaworthy.report/v1",
  "collectedAt": "2026-01-02T03:04:05Z",
  "source": "live",
  "server": {
    "gitVersion": "v1.37.2"
  },
  "summary": {
    "total": 4,
    "fail": 1,
    "warn": 1,
    "info": 0,
    "pass": 1,
    "skip": 1,
    "na": 0,
    "score": 50
  },
  "categories": [
    {
      "name": "Namespace quotas",
      "score": 75,
      "total": 3,
      "fail": 0,
      "warn": 1,
      "info": 0,
      "pass": 1,
      "skip": 1,
      "na": 0
    },
    {
      "name": "Cluster DNS",
      "score": 0,
      "total": 1,
      "fail": 1,
      "warn": 0,
      "info": 0,
      "pass": 0,
      "skip": 0,
      "na": 0
    }
  ],
  "results": [
    {
      "check": "QUOTA-001",
      "title": "Namespace has a ResourceQuota",
      "category": "Namespace quotas",
      "status": "pass",
      "object": {
        "apiVersion": "v1",
        "kind": "Namespace",
        "namespace": "",
        "name": "a"
      },
      "message": "a has one",
      "evidence": {}
    },
    {
      "check": "QUOTA-001",
      "title": "Namespace has a ResourceQuota",
      "category": "Namespace quotas",
      "status": "warn",
      "object": {
        "apiVersion": "v1",
        "kind": "Namespace",
        "namespace": "",
        "name": "b"
      },
      "message": "b has none",
      "evidence": {}
    },
    {
      "check": "QUOTA-002",
      "title": "Namespace has a LimitRange",
      "category": "Namespace quotas",
      "status": "skip",
      "object": {
        "apiVersion": "",
        "kind": "",
        "namespace": "",
        "name": ""
      },
      "message": "not evaluated: limitranges forbidden",
      "evidence": {
        "gaps": [
          "limitranges"
        ]
      }
    },
    {
      "check": "DNS-001",
      "title": "DNS is up",
      "category": "Cluster DNS",
      "status": "fail",
      "object": {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "namespace": "kube-system",
        "name": "coredns"
      },
      "message": "1 ready replica",
      "evidence": {
        "ready": 1
      }
    }
  ],
  "gaps": [
    {
      "kind": "limitranges",
      "reason": "forbidden",
      "message": "may not list limitranges"
    }
  ]
}
`
	if got := render(t, "json", RenderOptions{}); got != want {
		t.Errorf("json output:\n%s\nwant:\n%s", got, want)
	}
}

func TestYAML(t *testing.T) {
	got := render(t, "yaml", RenderOptions{})
	for _, want := range []string{"schemaVersion: seaworthy.report/v1\n", "collectedAt: \"2026-01-02T03:04:05Z\"\n", "  - check: QUOTA-001\n", "gaps:\n  - kind: limitranges\n"} {
		if !bytes.Contains([]byte(got), []byte(want)) {
			t.Errorf("yaml output lacks %q:\n%s", want, got)
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	if _, err := NewRenderer("xml", RenderOptions{}); err == nil {
		t.Fatal("want an error for an unknown format")
	}
}

func TestExitCode(t *testing.T) {
	r := sampleReport() // worst result: fail
	tests := []struct {
		failOn FailOn
		want   int
	}{
		{FailOnInfo, ExitGate}, {FailOnWarn, ExitGate}, {FailOnFail, ExitGate}, {FailOnNever, ExitOK},
	}
	for _, tt := range tests {
		if got := r.ExitCode(Gate{FailOn: tt.failOn}); got != tt.want {
			t.Errorf("ExitCode(%s) = %d, want %d", tt.failOn, got, tt.want)
		}
	}
	// Only pass and skip results: skip never gates, even at info.
	r.Results = []result.Result{{Status: result.StatusPass}, {Status: result.StatusSkip}, {Status: result.StatusNA}}
	if got := r.ExitCode(Gate{FailOn: FailOnInfo}); got != ExitOK {
		t.Errorf("pass/skip/na gated at info: %d", got)
	}
	r.Results = []result.Result{{Status: result.StatusInfo}}
	if r.ExitCode(Gate{FailOn: FailOnInfo}) != ExitGate || r.ExitCode(Gate{FailOn: FailOnWarn}) != ExitOK {
		t.Errorf("info result: gate at info must fail and at warn must pass")
	}
}

// --fail-on-gaps fails a report with any gap, whatever its findings; off,
// gaps never gate.
func TestExitCodeGaps(t *testing.T) {
	r := sampleReport() // one gap (limitranges forbidden)
	r.Results = []result.Result{{Check: "QUOTA-001", Status: result.StatusPass}}
	if got := r.ExitCode(Gate{FailOn: FailOnFail}); got != ExitOK {
		t.Errorf("gaps without --fail-on-gaps: exit %d, want 0", got)
	}
	failed, why := r.Gated(Gate{FailOn: FailOnNever, FailOnGaps: true})
	if !failed || why != "--fail-on-gaps: the report has 1 gap (inputs the audit could not read)" {
		t.Errorf("Gated = %v, %q", failed, why)
	}
	r.Gaps = nil
	if got := r.ExitCode(Gate{FailOn: FailOnFail, FailOnGaps: true}); got != ExitOK {
		t.Errorf("no gaps, --fail-on-gaps: exit %d, want 0", got)
	}
}

// A report of only skips fails whatever the thresholds: nothing was
// evaluated. A check that ran and gave no result found nothing to judge,
// which is an evaluation.
func TestExitCodeNothingEvaluated(t *testing.T) {
	r := sampleReport() // ran QUOTA-001, QUOTA-002, DNS-001
	skip := func(id string) result.Result { return result.Result{Check: id, Status: result.StatusSkip} }
	r.Results = []result.Result{skip("QUOTA-001"), skip("QUOTA-002"), skip("DNS-001")}
	for _, g := range []Gate{{FailOn: FailOnFail}, {FailOn: FailOnNever}} {
		failed, why := r.Gated(g)
		if !failed || why != "nothing was evaluated: every selected check skipped (3 skip results; see the report for why)" {
			t.Errorf("Gated(%+v) = %v, %q", g, failed, why)
		}
	}
	failed, why := r.Gated(Gate{FailOn: FailOnFail, FailOnGaps: true})
	if !failed || !strings.Contains(why, "nothing was evaluated") || !strings.Contains(why, "; --fail-on-gaps: the report has 1 gap") {
		t.Errorf("both reasons: %v, %q", failed, why)
	}
	// DNS-001 ran and judged nothing: evaluated.
	r.Results = r.Results[:2]
	if got := r.ExitCode(Gate{FailOn: FailOnFail}); got != ExitOK {
		t.Errorf("a check with no results counts as evaluated: exit %d", got)
	}
	// One na among skips: evaluated.
	r.Results = []result.Result{skip("QUOTA-001"), skip("QUOTA-002"), {Check: "DNS-001", Status: result.StatusNA}}
	if got := r.ExitCode(Gate{FailOn: FailOnFail}); got != ExitOK {
		t.Errorf("skips and one na: exit %d, want 0", got)
	}
	// A failing finding gates silently: the report shows it.
	r.Results[2].Status = result.StatusFail
	if failed, why := r.Gated(Gate{FailOn: FailOnFail}); !failed || why != "" {
		t.Errorf("fail result: Gated = %v, %q", failed, why)
	}
}
