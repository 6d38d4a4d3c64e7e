package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// manifestReport is a manifests audit without Node objects: every DNS check
// is the runner's skip for the nodes gap, every etcd check is na, and the
// quota category mixes pass and na.
func manifestReport() *Report {
	snap := &cluster.Snapshot{
		CollectedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Source:      cluster.SourceManifests,
		Gaps: []cluster.Gap{{Kind: cluster.KindNodes, Reason: cluster.GapNotInInput,
			Message: "the manifests hold no Node objects, so there is no whole-cluster context"}},
	}
	ran := []result.Meta{
		{ID: "QUOTA-001", Category: "Namespace quotas"},
		{ID: "QUOTA-005", Category: "Namespace quotas"},
		{ID: "DNS-001", Category: "Cluster DNS"},
		{ID: "DNS-002", Category: "Cluster DNS"},
		{ID: "ETCD-001", Category: "etcd"},
		{ID: "ETCD-002", Category: "etcd"},
	}
	skip := func(id string) result.Result {
		return result.Result{Check: id, Status: result.StatusSkip,
			Message:  "not evaluated: nodes not-in-input (the manifests hold no Node objects, so there is no whole-cluster context)",
			Evidence: result.Evidence{"gaps": []string{"nodes"}}}
	}
	results := []result.Result{
		{Check: "QUOTA-001", Status: result.StatusPass, Object: result.ObjectRef{APIVersion: "v1", Kind: "Namespace", Name: "a"}, Message: "a has one"},
		{Check: "QUOTA-005", Status: result.StatusNA, Message: "no user namespaces"},
		skip("DNS-001"), skip("DNS-002"),
		{Check: "ETCD-001", Status: result.StatusNA, Message: "no etcd"},
		{Check: "ETCD-002", Status: result.StatusNA, Message: "no etcd"},
	}
	r := New(snap, ran, results)
	r.Input = Input{Files: []string{"base/", "-"}, FilesRead: 3,
		Counts: map[string]int{"Deployment": 12, "Service": 9, "Namespace": 9, "Role": 4, "RoleBinding": 4, "ConfigMap": 2, "Pod": 1}}
	return r
}

func renderReport(t *testing.T, r *Report, opts RenderOptions) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, "table", r, opts); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestTableGroupsSameGapSkipsAndSaysNotApplicable(t *testing.T) {
	// 9+9+12 = 30 in the top five with 4+4; 2+1 = 3 more in 2 other kinds.
	want := `seaworthy audit of manifests at 2026-01-02T03:04:05Z
Read base/, stdin: 3 files, 41 objects (12 Deployment, 9 Namespace, 9 Service, 4 Role, 4 RoleBinding, 3 more of 2 other kinds)

Namespace quotas (score 100): all checks passed

Cluster DNS (score –): skipped, the manifests hold no Node objects, so there is no whole-cluster context (nodes not-in-input)

etcd (score –): not applicable

Gaps (not read; checks that need them report skip)
 KIND   OBJECT  REASON        MESSAGE
 nodes          not-in-input  the manifests hold no Node objects, so there is no whole-cluster context

Summary: score 100, 0 fail, 0 warn, 0 info, 1 pass, 2 skip, 3 na (6 results, 1 gaps)
4 pass/na results not shown; use --show-passed to list them.
`
	if got := renderReport(t, manifestReport(), RenderOptions{}); got != want {
		t.Errorf("table output:\n%s\nwant:\n%s", got, want)
	}
}

func TestTableShowsMixedSkipsAsRows(t *testing.T) {
	r := manifestReport()
	// DNS-002 now skips for its own reason, so the DNS rows are listed.
	r.Results[3] = result.Result{Check: "DNS-002", Status: result.StatusSkip, Message: "no CoreDNS Deployment"}
	got := renderReport(t, r, RenderOptions{})
	want := `
Cluster DNS (score –)
 STATUS  CHECK    OBJECT     MESSAGE
 SKIP    DNS-001  (cluster)  not evaluated: nodes not-in-input (the manifests hold no Node objects, so there is no whole-cluster context)
 SKIP    DNS-002  (cluster)  no CoreDNS Deployment
`
	if !strings.Contains(got, want) {
		t.Errorf("table output:\n%s\nwant it to contain:\n%s", got, want)
	}
}

func TestTableColorAlways(t *testing.T) {
	want := `seaworthy audit of live (Kubernetes v1.37.2) at 2026-01-02T03:04:05Z

Namespace quotas (score 75)
 STATUS  CHECK      OBJECT       MESSAGE
 ` + "\x1b[33mWARN\x1b[0m" + `    QUOTA-001  Namespace/b  b has none
 ` + "\x1b[2mSKIP\x1b[0m" + `    QUOTA-002  (cluster)    not evaluated: limitranges forbidden

Cluster DNS (score 0)
 STATUS  CHECK    OBJECT                          MESSAGE
 ` + "\x1b[31mFAIL\x1b[0m" + `    DNS-001  Deployment/kube-system/coredns  1 ready replica
`
	color, err := UseColor(ColorAlways, false, nil)
	if err != nil || !color {
		t.Fatalf("UseColor(always) = %v, %v; want true", color, err)
	}
	got := render(t, "table", RenderOptions{Color: color})
	if !strings.HasPrefix(got, want) {
		t.Errorf("table output:\n%q\nwant prefix:\n%q", got, want)
	}
	got = renderReport(t, manifestReport(), RenderOptions{Color: true})
	for _, line := range []string{
		"Namespace quotas (score 100): \x1b[32mall checks passed\x1b[0m\n",
		"etcd (score –): \x1b[2mnot applicable\x1b[0m\n",
		"Cluster DNS (score –): \x1b[2mskipped, the manifests",
	} {
		if !strings.Contains(got, line) {
			t.Errorf("coloured output lacks %q:\n%q", line, got)
		}
	}
}

func TestUseColor(t *testing.T) {
	noColor := func(k string) (string, bool) {
		if k == "NO_COLOR" {
			return "", true // set, even empty, turns auto off
		}
		return "", false
	}
	unset := func(string) (string, bool) { return "", false }
	for _, tt := range []struct {
		mode     string
		terminal bool
		env      func(string) (string, bool)
		want     bool
	}{
		{ColorAuto, true, unset, true},
		{ColorAuto, false, unset, false},
		{ColorAuto, true, noColor, false},
		{ColorAlways, false, noColor, true},
		{ColorNever, true, unset, false},
	} {
		got, err := UseColor(tt.mode, tt.terminal, tt.env)
		if err != nil || got != tt.want {
			t.Errorf("UseColor(%q, terminal=%v) = %v, %v; want %v", tt.mode, tt.terminal, got, err, tt.want)
		}
	}
	if _, err := UseColor("sometimes", true, unset); err == nil {
		t.Error("UseColor(sometimes): want an error")
	}
	// NO_COLOR on a terminal: the table has no escape codes.
	color, _ := UseColor(ColorAuto, true, noColor)
	if got := render(t, "table", RenderOptions{Color: color}); strings.Contains(got, "\x1b[") {
		t.Errorf("NO_COLOR output has escape codes:\n%q", got)
	}
}

func TestTableWrapsToWidth(t *testing.T) {
	r := sampleReport()
	r.Results[1].Message = "Namespace b has no ResourceQuota, so its workloads can consume the whole cluster; add one with hard limits."
	// STATUS 6+2, CHECK 9+2, OBJECT 11+2 and the message's padding 2 leave
	// 60-34 = 26 columns for the message.
	want := `Namespace quotas (score 75)
 STATUS  CHECK      OBJECT       MESSAGE
 WARN    QUOTA-001  Namespace/b  Namespace b has no
                                 ResourceQuota, so its
                                 workloads can consume the
                                 whole cluster; add one
                                 with hard limits.
 SKIP    QUOTA-002  (cluster)    not evaluated: limitranges
                                 forbidden
`
	var buf bytes.Buffer
	if err := Render(&buf, "table", r, RenderOptions{Width: 60}); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	if !strings.Contains(got, want) {
		t.Errorf("table output:\n%s\nwant it to contain:\n%s", got, want)
	}
	// The DNS table's other columns leave less than the 24-column floor,
	// so its row (65 columns) is not broken into shreds.
	if !strings.Contains(got, " FAIL    DNS-001  Deployment/kube-system/coredns  1 ready replica\n") {
		t.Errorf("DNS row wrapped below the floor:\n%s", got)
	}
	quota, _, _ := strings.Cut(got, "Cluster DNS")
	for _, line := range strings.Split(quota, "\n") {
		if strings.HasPrefix(line, " ") && len(line) > 60 {
			t.Errorf("table line wider than 60: %q", line)
		}
	}
	// Width 0 (not a terminal): one line per row, as before.
	buf.Reset()
	if err := Render(&buf, "table", r, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), " WARN    QUOTA-001  Namespace/b  "+r.Results[1].Message+"\n") {
		t.Errorf("unwrapped output:\n%s", buf.String())
	}
}

func TestTableHeaderNamesInput(t *testing.T) {
	for _, tt := range []struct {
		name   string
		source string
		in     Input
		want   string
	}{
		{"manifests", cluster.SourceManifests, Input{Files: []string{"deploy/"}, FilesRead: 2, Counts: map[string]int{"Deployment": 2, "Service": 1}},
			"Read deploy/: 2 files, 3 objects (2 Deployment, 1 Service)\n"},
		{"stdin", cluster.SourceManifests, Input{Files: []string{"-"}, Counts: map[string]int{"Namespace": 1}},
			"Read stdin: 1 object (1 Namespace)\n"},
		{"snapshot", "snapshot (live)", Input{Files: []string{"prod.snapshot.json"}, Host: "https://10.0.0.1:6443"},
			"Read snapshot prod.snapshot.json, collected from live (server https://10.0.0.1:6443)\n"},
		{"live", cluster.SourceLive, Input{Context: "prod-eu", Host: "https://prod.example.com"},
			"Read context prod-eu (server https://prod.example.com)\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := sampleReport()
			r.Source, r.Input = tt.source, tt.in
			got := renderReport(t, r, RenderOptions{})
			_, rest, _ := strings.Cut(got, "\n")
			if line, _, _ := strings.Cut(rest, "\n"); line+"\n" != tt.want {
				t.Errorf("second line = %q, want %q", line, tt.want)
			}
		})
	}
}

func TestJSONCarriesInput(t *testing.T) {
	r := sampleReport()
	r.Input = Input{Files: []string{"a.yaml"}, FilesRead: 1, Counts: map[string]int{"Deployment": 2}}
	var buf bytes.Buffer
	if err := Render(&buf, "json", r, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	want := `  "input": {
    "files": [
      "a.yaml"
    ],
    "filesRead": 1,
    "counts": {
      "Deployment": 2
    }
  }
}
`
	if !strings.HasSuffix(buf.String(), want) {
		t.Errorf("json output:\n%s\nwant suffix:\n%s", buf.String(), want)
	}
}
