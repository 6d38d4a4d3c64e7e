package openreports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"sigs.k8s.io/yaml"

	"github.com/seaworthy-k8s/seaworthy/report"
	"github.com/seaworthy-k8s/seaworthy/result"
)

const (
	openReportsCRD  = "testdata/openreports-install.yaml"
	policyReportCRD = "testdata/policyreport-crd.yaml"
)

var testNow = time.Date(2026, 3, 1, 12, 30, 0, 250_000_000, time.UTC)

func docLink(id string) string { return "https://docs.example/checks#" + strings.ToLower(id) }

// smallReport has a cluster-wide result, a Node's, two in team-a and one
// in team-b, with every status.
func smallReport() *report.Report {
	return &report.Report{
		CollectedAt: testNow,
		Checks: map[string]result.Meta{
			"CP-001":   {ID: "CP-001", Title: "API server is highly available", Category: "Control plane", Remediation: "Run three API servers."},
			"NODE-002": {ID: "NODE-002", Title: "Nodes are spread over zones", Category: "Nodes", Remediation: "Add nodes in other zones."},
			"RES-001":  {ID: "RES-001", Title: "Containers set requests", Category: "Resources", Remediation: "Set requests."},
		},
		Results: []result.Result{
			{Check: "CP-001", Status: result.StatusFail, Object: result.Cluster, Message: "one API server"},
			{Check: "NODE-002", Status: result.StatusSkip, Object: result.Ref("v1", "Node", "", "n1"), Message: "no zone label readable"},
			{Check: "RES-001", Status: result.StatusWarn, Object: result.Ref("apps/v1", "Deployment", "team-a", "web"), Message: "web sets no memory request"},
			{Check: "RES-001", Status: result.StatusInfo, Object: result.Ref("apps/v1", "Deployment", "team-a", "api"), Message: "api <burstable>"},
			{Check: "RES-001", Status: result.StatusNA, Object: result.Ref("batch/v1", "Job", "team-b", "once"), Message: "a Job"},
		},
	}
}

func indent(t *testing.T, b []byte) string {
	t.Helper()
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		t.Fatalf("indent %s: %v", b, err)
	}
	return out.String()
}

// Every object of a small report, field by field.
func TestBuildSmallReport(t *testing.T) {
	objs := Build(smallReport(), OpenReports, Options{DocLink: docLink})
	var got []string
	for _, o := range objs {
		got = append(got, fmt.Sprintf("%s %s/%s results=%d\n%s", o.Kind, o.Namespace, o.Name, o.Results, indent(t, o.Body)))
	}
	want := []string{`ClusterReport /seaworthy results=2
{
  "apiVersion": "openreports.io/v1alpha1",
  "kind": "ClusterReport",
  "metadata": {
    "name": "seaworthy",
    "labels": {
      "app.kubernetes.io/managed-by": "seaworthy"
    }
  },
  "source": "seaworthy",
  "configuration": {
    "limits": {
      "maxResults": 1000
    }
  },
  "summary": {
    "pass": 0,
    "fail": 1,
    "warn": 0,
    "error": 1,
    "skip": 0
  },
  "results": [
    {
      "policy": "CP-001",
      "rule": "API server is highly available",
      "category": "Control plane",
      "severity": "high",
      "result": "fail",
      "timestamp": {
        "seconds": 1772368200,
        "nanos": 250000000
      },
      "message": "one API server",
      "properties": {
        "docURL": "https://docs.example/checks#cp-001",
        "remediation": "Run three API servers.",
        "status": "fail"
      }
    },
    {
      "policy": "NODE-002",
      "rule": "Nodes are spread over zones",
      "category": "Nodes",
      "result": "error",
      "timestamp": {
        "seconds": 1772368200,
        "nanos": 250000000
      },
      "resources": [
        {
          "apiVersion": "v1",
          "kind": "Node",
          "name": "n1"
        }
      ],
      "message": "no zone label readable",
      "properties": {
        "docURL": "https://docs.example/checks#node-002",
        "remediation": "Add nodes in other zones.",
        "status": "skip"
      }
    }
  ]
}`, `Report team-a/seaworthy results=2
{
  "apiVersion": "openreports.io/v1alpha1",
  "kind": "Report",
  "metadata": {
    "name": "seaworthy",
    "namespace": "team-a",
    "labels": {
      "app.kubernetes.io/managed-by": "seaworthy"
    }
  },
  "scope": {
    "apiVersion": "v1",
    "kind": "Namespace",
    "name": "team-a"
  },
  "source": "seaworthy",
  "configuration": {
    "limits": {
      "maxResults": 1000
    }
  },
  "summary": {
    "pass": 1,
    "fail": 0,
    "warn": 1,
    "error": 0,
    "skip": 0
  },
  "results": [
    {
      "policy": "RES-001",
      "rule": "Containers set requests",
      "category": "Resources",
      "severity": "medium",
      "result": "warn",
      "timestamp": {
        "seconds": 1772368200,
        "nanos": 250000000
      },
      "resources": [
        {
          "apiVersion": "apps/v1",
          "kind": "Deployment",
          "namespace": "team-a",
          "name": "web"
        }
      ],
      "message": "web sets no memory request",
      "properties": {
        "docURL": "https://docs.example/checks#res-001",
        "remediation": "Set requests.",
        "status": "warn"
      }
    },
    {
      "policy": "RES-001",
      "rule": "Containers set requests",
      "category": "Resources",
      "severity": "info",
      "result": "pass",
      "timestamp": {
        "seconds": 1772368200,
        "nanos": 250000000
      },
      "resources": [
        {
          "apiVersion": "apps/v1",
          "kind": "Deployment",
          "namespace": "team-a",
          "name": "api"
        }
      ],
      "message": "api <burstable>",
      "properties": {
        "docURL": "https://docs.example/checks#res-001",
        "remediation": "Set requests.",
        "status": "info"
      }
    }
  ]
}`, `Report team-b/seaworthy results=1
{
  "apiVersion": "openreports.io/v1alpha1",
  "kind": "Report",
  "metadata": {
    "name": "seaworthy",
    "namespace": "team-b",
    "labels": {
      "app.kubernetes.io/managed-by": "seaworthy"
    }
  },
  "scope": {
    "apiVersion": "v1",
    "kind": "Namespace",
    "name": "team-b"
  },
  "source": "seaworthy",
  "configuration": {
    "limits": {
      "maxResults": 1000
    }
  },
  "summary": {
    "pass": 0,
    "fail": 0,
    "warn": 0,
    "error": 0,
    "skip": 1
  },
  "results": [
    {
      "policy": "RES-001",
      "rule": "Containers set requests",
      "category": "Resources",
      "result": "skip",
      "timestamp": {
        "seconds": 1772368200,
        "nanos": 250000000
      },
      "resources": [
        {
          "apiVersion": "batch/v1",
          "kind": "Job",
          "namespace": "team-b",
          "name": "once"
        }
      ],
      "message": "a Job",
      "properties": {
        "docURL": "https://docs.example/checks#res-001",
        "remediation": "Set requests.",
        "status": "na"
      }
    }
  ]
}`}
	if len(got) != len(want) {
		t.Fatalf("got %d objects, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("object %d:\ngot:\n%s\nwant:\n%s", i, got[i], want[i])
		}
	}
	validateAll(t, openReportsCRD, objs)
}

// PolicyReports carry source on each result and no configuration, which
// their CRD does not define.
func TestBuildPolicyReports(t *testing.T) {
	objs := Build(smallReport(), PolicyReports, Options{DocLink: docLink})
	if len(objs) != 3 || objs[1].Kind != "PolicyReport" || objs[0].Kind != "ClusterPolicyReport" {
		t.Fatalf("objects %+v", objs)
	}
	var doc struct {
		APIVersion    string           `json:"apiVersion"`
		Source        *string          `json:"source"`
		Configuration any              `json:"configuration"`
		Results       []map[string]any `json:"results"`
	}
	if err := json.Unmarshal(objs[1].Body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.APIVersion != "wgpolicyk8s.io/v1alpha2" || doc.Source != nil || doc.Configuration != nil || doc.Results[0]["source"] != "seaworthy" || doc.Results[1]["source"] != "seaworthy" {
		t.Errorf("PolicyReport %s", objs[1].Body)
	}
	validateAll(t, policyReportCRD, objs)
}

// A report with no results still writes an empty ClusterReport.
func TestBuildEmpty(t *testing.T) {
	objs := Build(&report.Report{CollectedAt: testNow}, OpenReports, Options{})
	if len(objs) != 1 || objs[0].Name != "seaworthy" || objs[0].Results != 0 || !strings.HasSuffix(string(objs[0].Body), `"summary":{"pass":0,"fail":0,"warn":0,"error":0,"skip":0},"results":[]}`) {
		t.Fatalf("objects %+v", objs)
	}
	validateAll(t, openReportsCRD, objs)
}

// manyInOneNamespace is n results of the same encoded size in team-a.
func manyInOneNamespace(n int) *report.Report {
	rep := &report.Report{CollectedAt: testNow, Checks: map[string]result.Meta{"RES-001": {ID: "RES-001", Title: "t", Category: "c"}}}
	for i := range n {
		rep.Results = append(rep.Results, result.Result{Check: "RES-001", Status: result.StatusFail,
			Object: result.Ref("v1", "Pod", "team-a", fmt.Sprintf("pod-%03d", i)), Message: "m"})
	}
	return rep
}

func parts(objs []Object) string {
	var s []string
	for _, o := range objs {
		s = append(s, fmt.Sprintf("%s/%s=%d", o.Namespace, o.Name, o.Results))
	}
	return strings.Join(s, " ")
}

// MaxResults splits a namespace into parts of at most that many, each
// declaring the limit.
func TestBuildSplitsAtMaxResults(t *testing.T) {
	objs := Build(manyInOneNamespace(10), OpenReports, Options{MaxResults: 4})
	// 10 = 4 + 4 + 2, after the empty ClusterReport.
	if got, want := parts(objs), "/seaworthy=0 team-a/seaworthy=4 team-a/seaworthy-2=4 team-a/seaworthy-3=2"; got != want {
		t.Fatalf("parts %s, want %s", got, want)
	}
	for _, o := range objs[1:] {
		var doc struct {
			Metadata      struct{ Name string }
			Configuration struct{ Limits struct{ MaxResults int } }
			Summary       Summary
			Results       []Result
		}
		if err := json.Unmarshal(o.Body, &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Metadata.Name != o.Name || doc.Configuration.Limits.MaxResults != 4 || doc.Summary.Fail != o.Results || len(doc.Results) != o.Results {
			t.Errorf("%s: %+v", o.Name, doc)
		}
	}
	// The parts keep the report's order: the second starts at pod-004.
	if !strings.Contains(string(objs[2].Body), `"results":[{"policy":"RES-001","rule":"t","category":"c","severity":"high","result":"fail","timestamp":{"seconds":1772368200,"nanos":250000000},"resources":[{"apiVersion":"v1","kind":"Pod","namespace":"team-a","name":"pod-004"}]`) {
		t.Errorf("second part %s", objs[2].Body)
	}
	validateAll(t, openReportsCRD, objs)
}

// MaxBytes splits by size: with room for exactly three results (their
// bytes and two commas), ten results make 3 + 3 + 3 + 1.
func TestBuildSplitsAtMaxBytes(t *testing.T) {
	rep := manyInOneNamespace(10)
	one := Build(manyInOneNamespace(1), OpenReports, Options{})[1]
	// The body ends `"results":[` + result + `]}`.
	size := len(one.Body) - bytes.Index(one.Body, []byte(`"results":[`)) - len(`"results":[`) - len(`]}`)
	// {"policy":"RES-001","rule":"t",…,"properties":{"status":"fail"}}
	if size != 263 {
		t.Fatalf("one result is %d bytes, want 263", size)
	}
	objs := Build(rep, OpenReports, Options{MaxBytes: headerReserve + 3*size + 2})
	if got, want := parts(objs), "/seaworthy=0 team-a/seaworthy=3 team-a/seaworthy-2=3 team-a/seaworthy-3=3 team-a/seaworthy-4=1"; got != want {
		t.Fatalf("parts %s, want %s", got, want)
	}
	// One byte less leaves room for two.
	objs = Build(rep, OpenReports, Options{MaxBytes: headerReserve + 3*size + 1})
	if got, want := parts(objs), "/seaworthy=0 team-a/seaworthy=2 team-a/seaworthy-2=2 team-a/seaworthy-3=2 team-a/seaworthy-4=2 team-a/seaworthy-5=2"; got != want {
		t.Fatalf("parts %s, want %s", got, want)
	}
	for _, o := range objs {
		if len(o.Body) > headerReserve+3*size+1 {
			t.Errorf("%s is %d bytes", o.Name, len(o.Body))
		}
	}
}

// schemas compiles the openAPIV3Schema of every CRD in path, keyed by
// kind. Objects with properties and no additionalProperties get
// additionalProperties: false, as the API server's strict field
// validation treats them; metadata stays open.
func schemas(t testing.TB, path string) map[string]*jsonschema.Schema {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*jsonschema.Schema{}
	for _, doc := range strings.Split(string(data), "\n---\n") {
		var crd struct {
			Spec struct {
				Names    struct{ Kind string }
				Versions []struct {
					Schema struct {
						OpenAPIV3Schema map[string]any `json:"openAPIV3Schema"`
					}
				}
			}
		}
		if err := yaml.Unmarshal([]byte(doc), &crd); err != nil {
			t.Fatalf("parse %s: %v", path, err)
		}
		if crd.Spec.Names.Kind == "" {
			continue
		}
		s := crd.Spec.Versions[0].Schema.OpenAPIV3Schema
		closeObjects(s, false)
		c := jsonschema.NewCompiler()
		url := "mem://" + crd.Spec.Names.Kind
		if err := c.AddResource(url, s); err != nil {
			t.Fatal(err)
		}
		sch, err := c.Compile(url)
		if err != nil {
			t.Fatalf("compile the %s schema: %v", crd.Spec.Names.Kind, err)
		}
		out[crd.Spec.Names.Kind] = sch
	}
	return out
}

func closeObjects(s map[string]any, isMetadata bool) {
	props, ok := s["properties"].(map[string]any)
	if ok && !isMetadata {
		if _, has := s["additionalProperties"]; !has {
			s["additionalProperties"] = false
		}
	}
	for name, p := range props {
		if m, ok := p.(map[string]any); ok {
			closeObjects(m, name == "metadata")
		}
	}
	for _, key := range []string{"items", "additionalProperties"} {
		if m, ok := s[key].(map[string]any); ok {
			closeObjects(m, false)
		}
	}
}

func validateAll(t *testing.T, crdPath string, objs []Object) {
	t.Helper()
	sch := schemas(t, crdPath)
	for _, o := range objs {
		s := sch[o.Kind]
		if s == nil {
			t.Fatalf("no schema for %s in %s", o.Kind, crdPath)
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(o.Body))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(v); err != nil {
			t.Errorf("%s %s/%s does not match its CRD: %v", o.Kind, o.Namespace, o.Name, err)
		}
	}
}

// The validator is live: a result value outside the enum, or a field the
// CRD lacks, fails it.
func TestSchemaRejects(t *testing.T) {
	sch := schemas(t, openReportsCRD)["Report"]
	for _, doc := range []string{
		`{"apiVersion":"openreports.io/v1alpha1","kind":"Report","metadata":{},"results":[{"policy":"x","result":"info"}]}`,
		`{"apiVersion":"openreports.io/v1alpha1","kind":"Report","metadata":{},"results":[{"policy":"x","timestamp":"2026-01-01T00:00:00Z"}]}`,
		`{"apiVersion":"openreports.io/v1alpha1","kind":"Report","metadata":{},"results":[{"policy":"x","url":"u"}]}`,
	} {
		v, _ := jsonschema.UnmarshalJSON(strings.NewReader(doc))
		if err := sch.Validate(v); err == nil {
			t.Errorf("%s passed the schema", doc)
		}
	}
}

// A security check's failure is critical, as in the metrics; other
// failures are high and passes have no severity.
func TestSeverityFollowsReport(t *testing.T) {
	for _, tt := range []struct {
		res  result.Result
		want string
	}{
		{result.Result{Check: "RBAC-001", Status: result.StatusFail}, "critical"},
		{result.Result{Check: "DNS-001", Status: result.StatusFail}, "high"},
		{result.Result{Check: "DNS-001", Status: result.StatusWarn}, "medium"},
		{result.Result{Check: "DNS-001", Status: result.StatusPass}, ""},
	} {
		if got := SeverityOf(tt.res); got != tt.want {
			t.Errorf("SeverityOf(%s %s) = %q, want %q", tt.res.Check, tt.res.Status, got, tt.want)
		}
	}
}
