package cli

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/seaworthy-k8s/seaworthy/recommender"
	"github.com/seaworthy-k8s/seaworthy/report"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// render writes the run in the chosen format, fully or not at all.
func (o *recommendOptions) render(doc *recommendDoc) error {
	switch o.output {
	case "json", "yaml":
		return render(o.streams.Out, o.output, doc, report.RenderOptions{})
	}
	terminal, width := outputTerminal(o.streams.Out)
	color, _ := report.UseColor(o.color, terminal, os.LookupEnv)
	if !terminal {
		width = 0
	}
	var buf bytes.Buffer
	if err := writeRecommendTable(&buf, doc, o.output == "wide", o.all, color, width); err != nil {
		return runError(fmt.Errorf("write recommendations: %w", err))
	}
	if _, err := o.streams.Out.Write(buf.Bytes()); err != nil {
		return runError(fmt.Errorf("write recommendations: %w", err))
	}
	return nil
}

// useColorFlag checks a --color value.
func useColorFlag(mode string) (bool, error) { return report.UseColor(mode, false, nil) }

// actionStatus maps an action to the colour of a status: resize warns,
// keep passes, skip is faint.
var actionStatus = map[recommender.Action]result.Status{
	recommender.ActionResize: result.StatusWarn,
	recommender.ActionKeep:   result.StatusPass,
	recommender.ActionSkip:   result.StatusSkip,
}

// writeRecommendTable writes the recommendations as the table reads them:
// one line per container (resized ones unless all), the change per
// namespace and in total, then what was left out.
func writeRecommendTable(w *bytes.Buffer, doc *recommendDoc, wide, all, color bool, width int) error {
	res := doc.Result
	fmt.Fprintln(w, recommendHeadline(doc))
	header := []string{"NAMESPACE", "WORKLOAD", "CONTAINER", "CPU REQUEST", "CPU LIMIT", "MEMORY REQUEST", "MEMORY LIMIT", "CONFIDENCE", "ACTION"}
	if wide {
		header = append(header, "CPU LOWER/TARGET/UPPER", "MEMORY LOWER/TARGET/UPPER", "HISTORY", "PODS")
	}
	header = append(header, "WHY")
	var rows [][]string
	for _, c := range res.Containers {
		if !all && c.Action != recommender.ActionResize {
			continue
		}
		conf := "-"
		if c.Samples > 0 {
			conf = fmt.Sprintf("%.1fd", c.Confidence)
		}
		row := []string{
			c.Workload.Namespace, c.Workload.Kind + "/" + c.Workload.Name, c.Container,
			change(c, c.Current.Requests.CPUMillis, c.Recommended.Requests.CPUMillis, recommender.FormatCPU),
			change(c, c.Current.Limits.CPUMillis, c.Recommended.Limits.CPUMillis, recommender.FormatCPU),
			change(c, c.Current.Requests.MemoryBytes, c.Recommended.Requests.MemoryBytes, recommender.FormatMemory),
			change(c, c.Current.Limits.MemoryBytes, c.Recommended.Limits.MemoryBytes, recommender.FormatMemory),
			conf, report.Paint(color, actionStatus[c.Action], string(c.Action)),
		}
		if wide {
			e := c.Estimate
			row = append(row,
				bounds(c, e.Lower.CPUMillis, e.Target.CPUMillis, e.Upper.CPUMillis, recommender.FormatCPU),
				bounds(c, e.Lower.MemoryBytes, e.Target.MemoryBytes, e.Upper.MemoryBytes, approxMemory),
				historyCell(c), fmt.Sprint(c.Pods))
		}
		row = append(row, strings.Join(c.Reasons, "; "))
		rows = append(rows, row)
	}
	if len(rows) > 0 {
		fmt.Fprintln(w)
		if err := report.WriteTableWidth(w, header, rows, width); err != nil {
			return err
		}
	}
	var arows [][]string
	for _, c := range res.Addons {
		if !all && c.Action != recommender.ActionResize {
			continue
		}
		arows = append(arows, []string{c.Workload.Namespace, c.Workload.Kind + "/" + c.Workload.Name, c.Container,
			change(c, c.Current.Requests.CPUMillis, c.Recommended.Requests.CPUMillis, recommender.FormatCPU),
			change(c, c.Current.Limits.CPUMillis, c.Recommended.Limits.CPUMillis, recommender.FormatCPU),
			change(c, c.Current.Requests.MemoryBytes, c.Recommended.Requests.MemoryBytes, recommender.FormatMemory),
			change(c, c.Current.Limits.MemoryBytes, c.Recommended.Limits.MemoryBytes, recommender.FormatMemory),
			report.Paint(color, actionStatus[c.Action], string(c.Action)), strings.Join(c.Reasons, "; ")})
	}
	for _, r := range res.Replicas {
		if !all && r.Action != recommender.ActionResize {
			continue
		}
		cur, rec := fmt.Sprint(r.Current), fmt.Sprint(r.Recommended)
		if r.Current != r.Recommended && r.Action != recommender.ActionSkip {
			cur = cur + " → " + rec
		}
		arows = append(arows, []string{r.Workload.Namespace, r.Workload.Kind + "/" + r.Workload.Name, "(replicas)", cur, "", "", "",
			report.Paint(color, actionStatus[r.Action], string(r.Action)), strings.Join(r.Reasons, "; ")})
	}
	if len(arows) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Add-ons sized for the cluster (addon-resizer rules, CoreDNS's sizing guidance, DNS replicas):")
		if err := report.WriteTableWidth(w, []string{"NAMESPACE", "WORKLOAD", "CONTAINER", "CPU REQUEST / REPLICAS", "CPU LIMIT", "MEMORY REQUEST", "MEMORY LIMIT", "ACTION", "WHY"}, arows, width); err != nil {
			return err
		}
	}
	if len(res.Namespaces) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Change if every resize above is applied (usage-based, over all replicas):")
		drows := [][]string{}
		for _, n := range res.Namespaces {
			drows = append(drows, deltaRow(n.Namespace, n.Delta, strings.Join(n.Quota, "; ")))
		}
		if len(res.Namespaces) > 1 {
			drows = append(drows, deltaRow("TOTAL", res.Total, ""))
		}
		if err := report.WriteTableWidth(w, []string{"NAMESPACE", "CPU REQUESTS", "MEMORY REQUESTS", "CPU LIMITS", "MEMORY LIMITS", "QUOTA"}, drows, width); err != nil {
			return err
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, recommendCounts(doc, all))
	if n := len(res.Unmatched); n > 0 {
		fmt.Fprintf(w, "History of %s matched no workload of the input (pods of workloads it does not hold): %s\n", plural(n, "pod"), sample(res.Unmatched, 5))
	}
	for _, c := range doc.History {
		for _, g := range c.Gaps {
			fmt.Fprintf(w, "History gap (%s): %s\n", c.Source, g)
		}
	}
	return nil
}

// recommendHeadline says what was read.
func recommendHeadline(doc *recommendDoc) string {
	var src []string
	for _, c := range doc.History {
		s := c.Source
		if c.Step > 0 && !c.Start.IsZero() {
			s += fmt.Sprintf(" (%s at %s)", recommender.HumanDuration(c.End.Sub(c.Start)), recommender.HumanDuration(c.Step))
		}
		src = append(src, s)
	}
	if len(src) == 0 {
		src = []string{"no history"}
	}
	return fmt.Sprintf("Recommendations for %s of %s, from %s, as of %s (%s samples)",
		plural(doc.Summary.Containers, "container"), plural(doc.Input.Workloads, "workload"),
		strings.Join(src, ", "), doc.CollectedAt.UTC().Format("2006-01-02 15:04 MST"), thousands(doc.Result.Samples))
}

// recommendCounts is the closing line: how many containers of each action.
func recommendCounts(doc *recommendDoc, all bool) string {
	s := doc.Summary
	line := fmt.Sprintf("%d to resize, %d to keep, %d skipped", s.Resize, s.Keep, s.Skip)
	if a := doc.Summary.AddonResize; a > 0 {
		line += fmt.Sprintf("; %d add-on change(s) by cluster-scaling rules", a)
	}
	if !all && s.Keep+s.Skip > 0 {
		line += " (--show-all lists them with the reasons)"
	}
	return line + "."
}

// change writes a current → recommended cell: "100m → 250m", "100m" when
// unchanged, "-" when unset.
func change(c recommender.Container, cur, rec int64, f func(int64) string) string {
	show := func(v int64) string {
		if v == 0 {
			return "-"
		}
		return f(v)
	}
	if c.Action == recommender.ActionSkip || cur == rec {
		return show(cur)
	}
	return show(cur) + " → " + show(rec)
}

func bounds(c recommender.Container, lo, t, up int64, f func(int64) string) string {
	if c.Samples == 0 {
		return "-"
	}
	return f(lo) + "/" + f(t) + "/" + f(up)
}

func historyCell(c recommender.Container) string {
	if c.Samples == 0 {
		return "-"
	}
	return recommender.HumanDuration(c.History)
}

// deltaRow writes a change in cores and GiB, signed.
func deltaRow(name string, d recommender.Delta, quota string) []string {
	cores := func(m int64) string { return fmt.Sprintf("%+.2f cores", float64(m)/1000) }
	gib := func(b int64) string { return fmt.Sprintf("%+.2f GiB", float64(b)/(1<<30)) }
	if quota == "" {
		quota = "-"
	}
	return []string{name, cores(d.Requests.CPUMillis), gib(d.Requests.MemoryBytes), cores(d.Limits.CPUMillis), gib(d.Limits.MemoryBytes), quota}
}

// sample lists up to n items, then how many more.
func sample(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}

// thousands writes n with thousands separators.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// plural writes "1 pod" or "3 pods".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// approxMemory writes an estimate's exact bytes as the mebibytes a reader
// compares, rounded up ("933Mi"); json and yaml keep the bytes.
func approxMemory(b int64) string {
	const mi = 1 << 20
	if b%mi == 0 {
		return recommender.FormatMemory(b)
	}
	return fmt.Sprintf("%dMi", b/mi+1)
}
