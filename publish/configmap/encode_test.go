package configmap

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/publish"
	"github.com/seaworthy-k8s/seaworthy/report"
	"github.com/seaworthy-k8s/seaworthy/result"
)

var testNow = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// testReport is a report of n results over three checks, statuses cycling
// pass, pass, warn, fail, skip, and messages that differ enough not to
// compress to nothing.
func testReport(n int) *report.Report {
	snap := &cluster.Snapshot{CollectedAt: testNow, Source: "manifests",
		Gaps: []cluster.Gap{{Kind: "ConfigMap", Namespace: "kube-system", Name: "coredns", Reason: "forbidden", Message: "configmaps \"coredns\" is forbidden"}}}
	metas := []result.Meta{
		{ID: "QUOTA-001", Title: "Namespace has a ResourceQuota", Category: "quota"},
		{ID: "DNS-001", Title: "Cluster DNS runs at least 2 ready replicas", Category: "dns"},
		{ID: "RES-001", Title: "Containers set requests", Category: "resources"},
	}
	statuses := []result.Status{result.StatusPass, result.StatusPass, result.StatusWarn, result.StatusFail, result.StatusSkip}
	var results []result.Result
	for i := range n {
		st := statuses[i%len(statuses)]
		check := metas[i%3].ID
		results = append(results, result.Result{
			Check: check, Status: st,
			Object:   result.ObjectRef{APIVersion: "apps/v1", Kind: "Deployment", Namespace: fmt.Sprintf("team-%d", i%97), Name: fmt.Sprintf("app-%x", uint32(i)*2654435761)},
			Message:  fmt.Sprintf("deployment app-%x in team-%d: %d of %d containers (%x) set no requests", uint32(i)*2654435761, i%97, i%7, 7+i%5, uint64(i)*0x9E3779B97F4A7C15),
			Evidence: map[string]any{"containers": i % 13, "hash": fmt.Sprintf("%016x", uint64(i)*0x9E3779B97F4A7C15)},
		})
	}
	rep := report.New(snap, metas, results)
	rep.Generator = "seaworthy v1.2.3"
	return rep
}

func jsonOf(t testing.TB, rep *report.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := report.Render(&buf, "json", rep, report.RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gunzip(t testing.TB, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A small report is the -o json text itself, in data, with the summary.
func TestEncodeSmallInData(t *testing.T) {
	rep := testReport(5)
	p, err := Encode(&publish.Run{Report: rep, Cluster: "prod-eu1"}, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	want := jsonOf(t, rep)
	if p.Data[KeyReport] != string(want) {
		t.Fatalf("data[%s] differs from -o json:\n%s\nwant\n%s", KeyReport, p.Data[KeyReport], want)
	}
	if len(p.BinaryData) != 0 || p.Truncated != nil {
		t.Fatalf("binaryData %v, truncated %v", p.BinaryData, p.Truncated)
	}
	// 5 results: pass, pass, warn, fail, skip; score (see report/score.go)
	// of 2 pass, 1 warn, 1 fail.
	wantSummary := "seaworthy report for cluster prod-eu1, collected 2026-03-04T05:06:07Z by seaworthy v1.2.3\n" +
		fmt.Sprintf("score %d/100: 1 fail, 1 warn, 0 info, 2 pass, 1 skip, 0 na (5 results)\n", *rep.Summary.Score) +
		"top failing checks:\n" +
		"  QUOTA-001  1 fail  Namespace has a ResourceQuota\n" +
		"gaps: 1\n" +
		"  ConfigMap kube-system/coredns: forbidden\n" +
		fmt.Sprintf("report: data report.json (%d bytes)\n", len(want))
	if got := p.Data[KeySummary]; got != wantSummary {
		t.Errorf("summary:\n%s\nwant\n%s", got, wantSummary)
	}
	wantAnn := map[string]string{AnnotationCollectedAt: "2026-03-04T05:06:07Z", AnnotationGenerator: "seaworthy v1.2.3", AnnotationCluster: "prod-eu1"}
	if fmt.Sprint(p.Annotations) != fmt.Sprint(wantAnn) {
		t.Errorf("annotations %v, want %v", p.Annotations, wantAnn)
	}
}

// Past InlineBytes the report moves to binaryData, gzip of the exact
// -o json bytes, and data keeps only the summary.
func TestEncodeLargeInBinaryData(t *testing.T) {
	rep := testReport(2000)
	want := jsonOf(t, rep)
	if len(want) <= DefaultLimits.InlineBytes {
		t.Fatalf("test report is %d bytes, not over the %d inline limit", len(want), DefaultLimits.InlineBytes)
	}
	p, err := Encode(&publish.Run{Report: rep}, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.Data[KeyReport]; ok || len(p.Data) != 1 {
		t.Fatalf("data keys %v, want only %s", keys(p.Data), KeySummary)
	}
	gz := p.BinaryData[KeyReportGzip]
	if got := gunzip(t, gz); !bytes.Equal(got, want) {
		t.Fatalf("binaryData decodes to %d bytes differing from the %d of -o json", len(got), len(want))
	}
	// Exact sizes: the JSON and its gzip (compress/gzip, default level).
	if len(want) != 984855 || len(gz) != 75962 || p.JSONBytes != len(want) || p.FullJSONBytes != len(want) {
		t.Errorf("JSON %d bytes, gzip %d, payload says %d/%d", len(want), len(gz), p.JSONBytes, p.FullJSONBytes)
	}
}

// A report too large even compressed keeps its summary, categories and
// gaps, the most severe results, and says what it dropped.
func TestEncodeOversizeTruncated(t *testing.T) {
	rep := testReport(2000)
	lim := Limits{InlineBytes: 1 << 10, MaxReportBytes: 32 << 10}
	p, err := Encode(&publish.Run{Report: rep}, lim)
	if err != nil {
		t.Fatal(err)
	}
	gz := p.BinaryData[KeyReportGzip]
	if len(gz) > lim.MaxReportBytes {
		t.Fatalf("gzip is %d bytes, over the %d cap", len(gz), lim.MaxReportBytes)
	}
	js := gunzip(t, gz)
	var got struct {
		Summary    report.Summary           `json:"summary"`
		Categories []report.CategorySummary `json:"categories"`
		Gaps       []cluster.Gap            `json:"gaps"`
		Results    []struct {
			Status string `json:"status"`
		} `json:"results"`
		Truncated Truncation `json:"truncated"`
	}
	if err := json.Unmarshal(js, &got); err != nil {
		t.Fatalf("truncated report is not JSON: %v", err)
	}
	full := jsonOf(t, rep)
	var whole struct {
		Summary    json.RawMessage `json:"summary"`
		Categories json.RawMessage `json:"categories"`
		Gaps       json.RawMessage `json:"gaps"`
	}
	if err := json.Unmarshal(full, &whole); err != nil {
		t.Fatal(err)
	}
	var part struct {
		Summary    json.RawMessage `json:"summary"`
		Categories json.RawMessage `json:"categories"`
		Gaps       json.RawMessage `json:"gaps"`
	}
	if err := json.Unmarshal(js, &part); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(part.Summary, whole.Summary) || !bytes.Equal(part.Categories, whole.Categories) || !bytes.Equal(part.Gaps, whole.Gaps) {
		t.Errorf("summary, categories or gaps differ from the whole report's")
	}
	if got.Summary.Total != 2000 || got.Summary.Fail != 400 || got.Summary.Pass != 800 {
		t.Errorf("summary %+v, want the whole report's 2000 results", got.Summary)
	}
	// 2000 results: 400 fail, 400 warn, 400 skip, 800 pass. Kept, most
	// severe first until 32 KiB of gzip: every fail and warn, then the
	// first skips; in report order.
	tr := got.Truncated
	if tr.Results != 2000 || tr.Kept != len(got.Results) || tr.Kept != 819 ||
		fmt.Sprint(tr.Dropped) != "map[fail:0 info:0 na:0 pass:800 skip:381 warn:0]" {
		t.Errorf("truncated %+v, %d results", tr, len(got.Results))
	}
	kept := map[string]int{}
	for _, r := range got.Results {
		kept[r.Status]++
	}
	if fmt.Sprint(kept) != "map[fail:400 skip:19 warn:400]" {
		t.Errorf("kept %v", kept)
	}
	if got.Results[0].Status != "warn" || got.Results[1].Status != "fail" {
		t.Errorf("kept results not in report order: %v", got.Results[:2])
	}
	if p.Truncated == nil || p.Annotations[AnnotationTruncated] != "kept 819 of 2000 results" {
		t.Errorf("annotation %q", p.Annotations[AnnotationTruncated])
	}
	if len(gz) != 32219 || len(js) != 404495 || len(js) != p.JSONBytes {
		t.Errorf("gzip %d bytes, JSON %d (payload says %d)", len(gz), len(js), p.JSONBytes)
	}
	if !bytes.HasSuffix(js, []byte("\n  }\n}\n")) || !bytes.Contains(js, []byte("\n  \"truncated\": {\n    \"reason\": ")) {
		t.Errorf("marker not the last top-level field:\n%s", js[len(js)-600:])
	}
	wantTail := fmt.Sprintf("report: binaryData report.json.gz (%d bytes gzip of %d bytes of JSON)\n", len(gz), len(js)) +
		"truncated: 819 of 2000 results kept (fail, warn, skip first); summary, categories and gaps are complete\n"
	if s := p.Data[KeySummary]; !bytes.HasSuffix([]byte(s), []byte(wantTail)) {
		t.Errorf("summary:\n%s\nwant it to end\n%s", s, wantTail)
	}
}

// A cap nothing fits in is an error, not an empty report.
func TestEncodeCapTooSmall(t *testing.T) {
	_, err := Encode(&publish.Run{Report: testReport(50)}, Limits{InlineBytes: 10, MaxReportBytes: 100})
	if err == nil || err.Error() != "fit the report in a ConfigMap: without any result it is still 592 bytes compressed, over the 100-byte cap" {
		t.Fatalf("err = %v", err)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
