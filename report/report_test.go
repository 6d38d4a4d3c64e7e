package report

import (
	"bytes"
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

Namespace quotas
 STATUS  CHECK      OBJECT       MESSAGE
 WARN    QUOTA-001  Namespace/b  b has none
 SKIP    QUOTA-002  (cluster)    not evaluated: limitranges forbidden

Cluster DNS
 STATUS  CHECK    OBJECT                          MESSAGE
 FAIL    DNS-001  Deployment/kube-system/coredns  1 ready replica

Gaps (not read; checks that need them report skip)
 KIND         OBJECT  REASON     MESSAGE
 limitranges          forbidden  may not list limitranges

Summary: 1 fail, 1 warn, 0 info, 1 pass, 1 skip, 0 na (4 results, 1 gaps)
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
    "na": 0
  },
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
		if got := r.ExitCode(tt.failOn); got != tt.want {
			t.Errorf("ExitCode(%s) = %d, want %d", tt.failOn, got, tt.want)
		}
	}
	// Only pass and skip results: skip never gates, even at info.
	r.Results = []result.Result{{Status: result.StatusPass}, {Status: result.StatusSkip}, {Status: result.StatusNA}}
	if got := r.ExitCode(FailOnInfo); got != ExitOK {
		t.Errorf("pass/skip/na gated at info: %d", got)
	}
	r.Results = []result.Result{{Status: result.StatusInfo}}
	if r.ExitCode(FailOnInfo) != ExitGate || r.ExitCode(FailOnWarn) != ExitOK {
		t.Errorf("info result: gate at info must fail and at warn must pass")
	}
}
