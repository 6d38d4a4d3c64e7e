package configmap

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/seaworthy-k8s/seaworthy/publish"
	"github.com/seaworthy-k8s/seaworthy/report"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// Keys and annotations of the published ConfigMap.
const (
	// KeyReport holds the JSON report in data when it is small.
	KeyReport = "report.json"
	// KeyReportGzip holds the gzip-compressed JSON report in binaryData
	// when it is large.
	KeyReportGzip = "report.json.gz"
	// KeySummary holds the human summary in data.
	KeySummary = "summary.txt"

	// AnnotationGenerator names the tool and version that wrote the report.
	AnnotationGenerator = "seaworthy.io/generator"
	// AnnotationCollectedAt is the report's collectedAt (RFC 3339).
	AnnotationCollectedAt = "seaworthy.io/collected-at"
	// AnnotationCluster is --cluster-name, when given.
	AnnotationCluster = "seaworthy.io/cluster-name"
	// AnnotationTruncated is set when results were dropped: "kept K of N
	// results".
	AnnotationTruncated = "seaworthy.io/truncated"
)

// Limits bound the ConfigMap's payload.
type Limits struct {
	// InlineBytes is the largest JSON report kept uncompressed in data.
	InlineBytes int
	// MaxReportBytes is the largest report value, compressed or not.
	MaxReportBytes int
}

// DefaultLimits are the limits Publish uses.
//
// InlineBytes, 128 KiB: up to there the report is read directly with
// `kubectl get configmap -o jsonpath='{.data.report\.json}'`, and
// compression would save little in absolute terms. Beyond it a report is
// hundreds of results, gzip shrinks it about tenfold, and what etcd keeps
// (every revision until compaction, Keep objects rewritten each run)
// shrinks with it.
//
// MaxReportBytes, 960 KiB: the API server rejects a ConfigMap whose data
// and binaryData values exceed 1 MiB (1,048,576 bytes) together; this
// leaves 64 KiB for the summary, which is at most a few KiB by
// construction (top 5 checks, 5 gaps, each line bounded).
var DefaultLimits = Limits{InlineBytes: 128 << 10, MaxReportBytes: 960 << 10}

// maxSummaryLine bounds one line of the summary (titles and gap names).
const maxSummaryLine = 160

// Payload is what one report puts in its ConfigMap.
type Payload struct {
	// Data and BinaryData are the ConfigMap's keys: KeyReport or
	// KeyReportGzip, and KeySummary.
	Data       map[string]string
	BinaryData map[string][]byte
	// Annotations are the report's metadata.
	Annotations map[string]string
	// JSONBytes is the size of the stored report's JSON (after any
	// truncation), FullJSONBytes the size of the whole report's.
	JSONBytes, FullJSONBytes int
	// Truncated is set when results were dropped to fit.
	Truncated *Truncation
}

// Truncation is the "truncated" object of a trimmed report: how many
// results it holds of how many, and what was left out per status.
type Truncation struct {
	// Reason says why, in words.
	Reason string `json:"reason"`
	// Results is the number of results of the whole report, Kept the
	// number this one holds.
	Results int `json:"results"`
	Kept    int `json:"kept"`
	// Dropped counts the results left out, per status.
	Dropped map[string]int `json:"dropped"`
	// ExemptedDropped counts the exempted results left out (all of them).
	ExemptedDropped int `json:"exemptedDropped,omitempty"`
}

// keepOrder is the order results are kept in when a report is trimmed:
// what needs action first, then what could not be judged.
var keepOrder = []result.Status{result.StatusFail, result.StatusWarn, result.StatusSkip, result.StatusInfo, result.StatusPass, result.StatusNA}

// Encode renders run's report as -o json does and lays it out under the
// limits: data when small, gzip in binaryData when large, trimmed of
// results when even compressed it does not fit.
func Encode(run *publish.Run, lim Limits) (*Payload, error) {
	rep := run.Report
	full, err := renderJSON(rep)
	if err != nil {
		return nil, err
	}
	p := &Payload{
		Data:          map[string]string{},
		BinaryData:    map[string][]byte{},
		Annotations:   annotations(run),
		FullJSONBytes: len(full),
		JSONBytes:     len(full),
	}
	switch {
	case len(full) <= lim.InlineBytes:
		p.Data[KeyReport] = string(full)
	default:
		gz, err := gzipBytes(full)
		if err != nil {
			return nil, err
		}
		if len(gz) > lim.MaxReportBytes {
			gz, p.JSONBytes, p.Truncated, err = trim(rep, len(full), len(gz), lim.MaxReportBytes)
			if err != nil {
				return nil, err
			}
			p.Annotations[AnnotationTruncated] = fmt.Sprintf("kept %d of %d results", p.Truncated.Kept, p.Truncated.Results)
		}
		p.BinaryData[KeyReportGzip] = gz
	}
	p.Data[KeySummary] = summary(run, p)
	return p, nil
}

func annotations(run *publish.Run) map[string]string {
	a := map[string]string{
		AnnotationCollectedAt: run.Report.CollectedAt.UTC().Format(time.RFC3339),
	}
	if run.Report.Generator != "" {
		a[AnnotationGenerator] = run.Report.Generator
	}
	if run.Cluster != "" {
		a[AnnotationCluster] = run.Cluster
	}
	return a
}

// renderJSON is the report exactly as -o json writes it.
func renderJSON(rep *report.Report) ([]byte, error) {
	var buf bytes.Buffer
	if err := report.Render(&buf, "json", rep, report.RenderOptions{}); err != nil {
		return nil, fmt.Errorf("render the report as JSON: %w", err)
	}
	return buf.Bytes(), nil
}

func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(b) / 8)
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		return nil, fmt.Errorf("compress the report: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("compress the report: %w", err)
	}
	return buf.Bytes(), nil
}

// trim keeps as many results as fit compressed under max, in keepOrder
// (and in report order within a status), in their report order. The
// summary, categories and gaps stay those of the whole report. It
// estimates the count from the compressed size per result and shrinks
// until the encoding fits: a few encodings, not a search over every count.
func trim(rep *report.Report, fullJSON, fullGzip, max int) ([]byte, int, *Truncation, error) {
	n := len(rep.Results)
	rank := make([]int, 0, n)
	for _, st := range keepOrder {
		for i, res := range rep.Results {
			if res.Status == st {
				rank = append(rank, i)
			}
		}
	}
	if len(rank) < n { // statuses outside keepOrder go last
		seen := make([]bool, n)
		for _, i := range rank {
			seen[i] = true
		}
		for i := range n {
			if !seen[i] {
				rank = append(rank, i)
			}
		}
	}
	reason := fmt.Sprintf("the report's JSON (%d bytes, %d gzip-compressed) exceeds the ConfigMap's %d-byte cap; "+
		"results were dropped, least severe first (fail, warn, skip, info, pass, na are kept in that order); "+
		"summary, categories and gaps are those of the whole report", fullJSON, fullGzip, max)
	keep := int(float64(n) * float64(max) / float64(fullGzip) * 0.95)
	for {
		keep = min(max0(keep), n)
		t, js, gz, err := encodeKept(rep, rank[:keep], reason)
		if err != nil {
			return nil, 0, nil, err
		}
		if len(gz) <= max {
			return gz, len(js), t, nil
		}
		if keep == 0 {
			return nil, 0, nil, fmt.Errorf("fit the report in a ConfigMap: without any result it is still %d bytes compressed, over the %d-byte cap", len(gz), max)
		}
		next := int(float64(keep) * float64(max) / float64(len(gz)) * 0.97)
		keep = min(next, keep-1)
	}
}

func max0(n int) int {
	if n < 0 {
		return 0
	}
	return n
}

// encodeKept renders rep with only the results at the given indexes (in
// report order) and the truncation marker, and compresses it.
func encodeKept(rep *report.Report, indexes []int, reason string) (*Truncation, []byte, []byte, error) {
	kept := slices.Clone(indexes)
	slices.Sort(kept)
	trimmed := *rep
	trimmed.Results = make([]result.Result, len(kept))
	for j, i := range kept {
		trimmed.Results[j] = rep.Results[i]
	}
	trimmed.Exempted = nil
	t := &Truncation{Reason: reason, Results: len(rep.Results), Kept: len(kept), Dropped: map[string]int{}, ExemptedDropped: len(rep.Exempted)}
	for _, st := range keepOrder {
		t.Dropped[string(st)] = 0
	}
	in := make([]bool, len(rep.Results))
	for _, i := range kept {
		in[i] = true
	}
	for i, res := range rep.Results {
		if !in[i] {
			t.Dropped[string(res.Status)]++
		}
	}
	js, err := renderJSON(&trimmed)
	if err != nil {
		return nil, nil, nil, err
	}
	js, err = withTruncation(js, t)
	if err != nil {
		return nil, nil, nil, err
	}
	gz, err := gzipBytes(js)
	return t, js, gz, err
}

// withTruncation adds "truncated" as the last top-level field of a JSON
// report rendered with two-space indentation, keeping the rest byte for
// byte.
func withTruncation(js []byte, t *Truncation) ([]byte, error) {
	const end = "\n}\n"
	if !bytes.HasSuffix(js, []byte(end)) {
		return nil, fmt.Errorf("mark the trimmed report: its JSON does not end in %q", end)
	}
	mark, err := json.MarshalIndent(t, "  ", "  ")
	if err != nil {
		return nil, fmt.Errorf("mark the trimmed report: %w", err)
	}
	out := make([]byte, 0, len(js)+len(mark)+32)
	out = append(out, js[:len(js)-len(end)]...)
	out = append(out, ",\n  \"truncated\": "...)
	out = append(out, mark...)
	out = append(out, end...)
	return out, nil
}

// summary is the human summary: who wrote what when, score and counts, the
// checks failing most, the gaps, and where the report is.
func summary(run *publish.Run, p *Payload) string {
	rep := run.Report
	var b strings.Builder
	b.WriteString("seaworthy report")
	if run.Cluster != "" {
		fmt.Fprintf(&b, " for cluster %s", clip(run.Cluster))
	}
	fmt.Fprintf(&b, ", collected %s", rep.CollectedAt.UTC().Format(time.RFC3339))
	if rep.Generator != "" {
		fmt.Fprintf(&b, " by %s", clip(rep.Generator))
	}
	b.WriteString("\n")
	s := rep.Summary
	score := "n/a"
	if s.Score != nil {
		score = fmt.Sprintf("%d/100", *s.Score)
	}
	fmt.Fprintf(&b, "score %s: %d fail, %d warn, %d info, %d pass, %d skip, %d na (%d results)\n",
		score, s.Fail, s.Warn, s.Info, s.Pass, s.Skip, s.NA, s.Total)

	top := topFailing(rep, 5)
	if len(top) == 0 {
		b.WriteString("failing checks: none\n")
	} else {
		b.WriteString("top failing checks:\n")
		for _, c := range top {
			line := fmt.Sprintf("  %s  %d fail", c.id, c.n)
			if c.title != "" {
				line += "  " + c.title
			}
			b.WriteString(clip(line) + "\n")
		}
	}

	fmt.Fprintf(&b, "gaps: %d\n", len(rep.Gaps))
	for i, g := range rep.Gaps {
		if i == 5 {
			fmt.Fprintf(&b, "  … and %d more\n", len(rep.Gaps)-5)
			break
		}
		name := string(g.Kind)
		if g.Namespace != "" || g.Name != "" {
			name += " " + strings.Trim(g.Namespace+"/"+g.Name, "/")
		}
		b.WriteString(clip(fmt.Sprintf("  %s: %s", name, g.Reason)) + "\n")
	}

	if _, ok := p.Data[KeyReport]; ok {
		fmt.Fprintf(&b, "report: data %s (%d bytes)\n", KeyReport, p.JSONBytes)
	} else {
		fmt.Fprintf(&b, "report: binaryData %s (%d bytes gzip of %d bytes of JSON)\n", KeyReportGzip, len(p.BinaryData[KeyReportGzip]), p.JSONBytes)
	}
	if t := p.Truncated; t != nil {
		fmt.Fprintf(&b, "truncated: %d of %d results kept (fail, warn, skip first); summary, categories and gaps are complete\n", t.Kept, t.Results)
	}
	return b.String()
}

type checkCount struct {
	id, title string
	n         int
}

// topFailing returns the checks with the most fail results, most first,
// then by ID.
func topFailing(rep *report.Report, n int) []checkCount {
	counts := map[string]int{}
	for _, res := range rep.Results {
		if res.Status == result.StatusFail {
			counts[res.Check]++
		}
	}
	out := make([]checkCount, 0, len(counts))
	for id, c := range counts {
		out = append(out, checkCount{id: id, title: rep.Checks[id].Title, n: c})
	}
	slices.SortFunc(out, func(a, b checkCount) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return strings.Compare(a.id, b.id)
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// clip bounds a summary line.
func clip(s string) string {
	if len(s) <= maxSummaryLine {
		return s
	}
	cut := maxSummaryLine - len("…")
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8Start(c byte) bool { return c&0xC0 != 0x80 }
