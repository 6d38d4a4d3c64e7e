package report

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

func TestScoreFormula(t *testing.T) {
	for _, tc := range []struct {
		pass, info, warn, fail int
		want                   int
		ok                     bool
	}{
		{0, 0, 0, 0, 0, false},  // nothing evaluated: no score
		{3, 0, 0, 0, 100, true}, // all pass
		{0, 2, 0, 0, 100, true}, // info counts as pass
		{0, 0, 0, 4, 0, true},   // all fail
		{0, 0, 2, 0, 50, true},  // warn is worth half
		{1, 0, 1, 1, 50, true},  // (1 + 0.5) / 3
		{2, 0, 0, 1, 67, true},  // 66.67 rounds up
		{1, 0, 0, 2, 33, true},  // 33.33 rounds down
		{0, 0, 1, 3, 13, true},  // 12.5 rounds half away from zero
		{5, 1, 2, 0, 88, true},  // (6 + 1) / 8 = 87.5
	} {
		got, ok := Score(tc.pass, tc.info, tc.warn, tc.fail)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Score(pass %d, info %d, warn %d, fail %d) = %d, %v; want %d, %v",
				tc.pass, tc.info, tc.warn, tc.fail, got, ok, tc.want, tc.ok)
		}
	}
}

// Skip and na results do not move a score; a category of only them has
// none, shown as "–" in the table and left out of JSON.
func TestScoreLeavesOutSkipAndNA(t *testing.T) {
	r := manifestReport()
	if r.Summary.Score == nil || *r.Summary.Score != 100 {
		t.Errorf("overall score %v, want 100 (1 pass; 2 skip and 3 na left out)", r.Summary.Score)
	}
	byName := map[string]CategorySummary{}
	for _, c := range r.Categories {
		byName[c.Name] = c
	}
	if c := byName["Namespace quotas"]; c.Score == nil || *c.Score != 100 || c.Pass != 1 || c.NA != 1 || c.Total != 2 {
		t.Errorf("Namespace quotas = %+v, want score 100, 1 pass, 1 na", c)
	}
	for _, name := range []string{"Cluster DNS", "etcd"} {
		if c := byName[name]; c.Score != nil || c.Total != 2 {
			t.Errorf("%s = %+v, want no score over 2 results", name, c)
		}
	}
	var buf strings.Builder
	if err := Render(&buf, "json", r, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Summary    map[string]any   `json:"summary"`
		Categories []map[string]any `json:"categories"`
	}
	if err := json.Unmarshal([]byte(buf.String()), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Summary["score"] != 100.0 {
		t.Errorf("summary.score = %v, want 100", doc.Summary["score"])
	}
	if len(doc.Categories) != 3 {
		t.Fatalf("categories = %v, want 3", doc.Categories)
	}
	if _, has := doc.Categories[1]["score"]; has || doc.Categories[1]["name"] != "Cluster DNS" {
		t.Errorf("categories[1] = %v, want Cluster DNS without a score", doc.Categories[1])
	}
}

func TestScoreNothingEvaluated(t *testing.T) {
	snap := &cluster.Snapshot{CollectedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Source: cluster.SourceManifests}
	r := New(snap, []result.Meta{{ID: "ETCD-001", Category: "etcd"}},
		[]result.Result{{Check: "ETCD-001", Status: result.StatusNA, Message: "no etcd"}})
	if r.Summary.Score != nil {
		t.Errorf("score %d with nothing evaluated, want none", *r.Summary.Score)
	}
	got := renderReport(t, r, RenderOptions{})
	for _, want := range []string{"\netcd (score –): not applicable\n", "\nSummary: score –, 0 fail, "} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
	var buf strings.Builder
	if err := Render(&buf, "json", r, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), `"score"`) {
		t.Errorf("JSON has a score with nothing evaluated:\n%s", buf.String())
	}
}

func testDocLink(id string) string { return "https://example.test/checks.md#" + strings.ToLower(id) }

// The table ends with one full link per check that has a warn or fail row,
// once each, in table order; pass, info and skip rows get none.
func TestTableDocLinks(t *testing.T) {
	r := sampleReport()
	r.Results = append(r.Results, result.Result{Check: "QUOTA-001", Status: result.StatusWarn,
		Object: result.ObjectRef{APIVersion: "v1", Kind: "Namespace", Name: "c"}, Message: "c has none"})
	got := renderReport(t, r, RenderOptions{DocLink: testDocLink, DocsBase: "https://example.test/checks.md"})
	want := `1 pass/na results not shown; use --show-passed to list them.
Docs: https://example.test/checks.md#quota-001
Docs: https://example.test/checks.md#dns-001
`
	if !strings.HasSuffix(got, want) {
		t.Errorf("table output:\n%s\nwant it to end with:\n%s", got, want)
	}
	if strings.Contains(got, "#quota-002") {
		t.Errorf("a skip row got a link:\n%s", got)
	}
	// No links in the options, no Docs lines (the old output).
	if got := renderReport(t, r, RenderOptions{}); strings.Contains(got, "Docs:") {
		t.Errorf("Docs lines without links:\n%s", got)
	}
}

// With more than maxDocLinks checks with findings, one line gives the
// reference's address.
func TestTableDocLinksManyGiveBase(t *testing.T) {
	snap := &cluster.Snapshot{CollectedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Source: cluster.SourceManifests}
	var ran []result.Meta
	var results []result.Result
	for i := 1; i <= maxDocLinks+1; i++ {
		id := fmt.Sprintf("RBAC-%03d", i)
		ran = append(ran, result.Meta{ID: id, Category: "RBAC least privilege"})
		results = append(results, result.Result{Check: id, Status: result.StatusFail, Message: "too broad"})
	}
	opts := RenderOptions{DocLink: testDocLink, DocsBase: "https://example.test/checks.md"}
	got := renderReport(t, New(snap, ran, results), opts)
	if !strings.HasSuffix(got, "\nDocs: https://example.test/checks.md (9 checks above have findings; each has a section there)\n") ||
		strings.Count(got, "Docs:") != 1 {
		t.Errorf("table output:\n%s\nwant one Docs line with the base address", got)
	}
	// Exactly maxDocLinks: one line each.
	got = renderReport(t, New(snap, ran[:maxDocLinks], results[:maxDocLinks]), opts)
	if n := strings.Count(got, "Docs: https://example.test/checks.md#rbac-"); n != maxDocLinks {
		t.Errorf("%d Docs lines for %d checks, want one each:\n%s", n, maxDocLinks, got)
	}
}
