package queryrange

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/common/model"

	"github.com/seaworthy-k8s/seaworthy/cluster/usage"
)

// Kind is what a history file holds.
type Kind uint8

const (
	// KindUnknown: decided from each series' __name__.
	KindUnknown Kind = iota
	// KindOOM: kube_pod_container_status_last_terminated_reason{reason="OOMKilled"}
	// series (values 0 or 1), or termination times in Unix seconds
	// (kube_pod_container_status_last_terminated_timestamp, or the
	// aggregated query docs/history-files.md gives).
	KindOOM
	// KindMemory: working-set bytes.
	KindMemory
	// KindCPU: a rate of container_cpu_usage_seconds_total, in cores.
	KindCPU
)

// String is the name a file prefix uses: "cpu", "memory", "oom".
func (k Kind) String() string {
	switch k {
	case KindOOM:
		return "oom"
	case KindMemory:
		return "memory"
	case KindCPU:
		return "cpu"
	}
	return "unknown"
}

// FileOptions tune ReadFiles.
type FileOptions struct {
	// Labels name the container in the series (default
	// DefaultLabelNames; LegacyLabelNames for cAdvisor before 1.16).
	Labels LabelNames
}

// historyFile is one file to read and what it holds.
type historyFile struct {
	path string
	kind Kind
}

// ReadFiles replays saved query_range responses into sink. Each path is a
// file, a directory (its *.json files, not recursively), or KIND=PATH with
// KIND one of cpu, memory, oom to say what the file holds. Without KIND a
// file's base name says it when it starts with cpu, memory (or mem) or oom;
// otherwise each series' __name__ must (which rate() drops: see
// docs/history-files.md). Files are read OOM files first, then memory,
// then CPU, each group in path order: name the chunks of one resource so
// that they sort in time order.
func ReadFiles(paths []string, opts FileOptions, sink usage.Sink) (usage.Coverage, error) {
	var files []historyFile
	for _, p := range paths {
		kind := KindUnknown
		if k, rest, ok := strings.Cut(p, "="); ok {
			switch k {
			case "cpu":
				kind = KindCPU
			case "memory":
				kind = KindMemory
			case "oom":
				kind = KindOOM
			default:
				return usage.Coverage{}, fmt.Errorf("read history %s: want cpu=FILE, memory=FILE or oom=FILE before '='", p)
			}
			p = rest
		}
		fi, err := os.Stat(p)
		if err != nil {
			return usage.Coverage{}, fmt.Errorf("read history: %w", err)
		}
		if !fi.IsDir() {
			files = append(files, historyFile{p, kindOf(p, kind)})
			continue
		}
		matches, err := filepath.Glob(filepath.Join(p, "*.json"))
		if err != nil {
			return usage.Coverage{}, fmt.Errorf("read history directory %s: %w", p, err)
		}
		if len(matches) == 0 {
			return usage.Coverage{}, fmt.Errorf("read history directory %s: no *.json files in it", p)
		}
		for _, m := range matches {
			files = append(files, historyFile{m, kindOf(m, kind)})
		}
	}
	// KindOOM < KindMemory < KindCPU: OOMs before the memory series, as
	// the Sink asks; files of unknown kind last.
	sort.SliceStable(files, func(i, j int) bool {
		ki, kj := files[i].kind, files[j].kind
		if ki != kj {
			return ki != KindUnknown && (kj == KindUnknown || ki < kj)
		}
		return files[i].path < files[j].path
	})

	m := NewMapper(opts.Labels, sink)
	cov := usage.Coverage{}
	var names []string
	for _, f := range files {
		step, err := readFile(f, m)
		if err != nil {
			return cov, err
		}
		if step > 0 && (cov.Step == 0 || step < cov.Step) {
			cov.Step = step
		}
		names = append(names, f.path)
	}
	c := m.Counts()
	cov.Source = "files " + strings.Join(names, ", ")
	if len(names) == 1 {
		cov.Source = "file " + names[0]
	}
	cov.Series, cov.Samples = c.Series, c.Samples
	if c.First != 0 || c.Last != 0 {
		cov.Start, cov.End = time.UnixMilli(c.First).UTC(), time.UnixMilli(c.Last).UTC()
	}
	cov.Gaps = c.Gaps()
	return cov, nil
}

// kindOf is the kind a KIND= prefix or the file's base name says.
func kindOf(path string, given Kind) Kind {
	if given != KindUnknown {
		return given
	}
	base := strings.ToLower(filepath.Base(path))
	switch {
	case strings.HasPrefix(base, "cpu"):
		return KindCPU
	case strings.HasPrefix(base, "mem"):
		return KindMemory
	case strings.HasPrefix(base, "oom"):
		return KindOOM
	}
	return KindUnknown
}

// kindOfMetric is the kind a series' __name__ says, or an error for a
// metric that cannot be used as it is.
func kindOfMetric(name model.LabelValue) (Kind, bool, error) {
	switch name {
	case "":
		return KindUnknown, false, nil
	case MetricMemory:
		return KindMemory, false, nil
	case MetricOOMReason:
		return KindOOM, false, nil
	case MetricOOMTimestamp:
		return KindOOM, true, nil
	case MetricCPU:
		return KindUnknown, false, errors.New("holds the raw counter container_cpu_usage_seconds_total; save its rate instead (rate(container_cpu_usage_seconds_total{...}[5m]), see docs/history-files.md)")
	}
	return KindUnknown, false, fmt.Errorf("holds %s, which is neither CPU nor memory usage nor an OOM kill", name)
}

// readFile streams one file through the mapper and returns the smallest
// step between samples it saw.
func readFile(f historyFile, m *Mapper) (time.Duration, error) {
	fh, err := os.Open(f.path)
	if err != nil {
		return 0, fmt.Errorf("read history: %w", err)
	}
	defer fh.Close()
	var step int64
	_, err = Parse(fh, func(s *Series) error {
		kind, timestamps, err := kindOfMetric(s.Labels[model.MetricNameLabel])
		if err != nil {
			return err
		}
		switch {
		case kind == KindUnknown:
			kind = f.kind
		case f.kind != KindUnknown && kind != f.kind:
			return fmt.Errorf("holds %s, which is %s, but its name or prefix says %s", s.Labels[model.MetricNameLabel], kind, f.kind)
		}
		st := minStep(s.Samples)
		if st > 0 && (step == 0 || st < step) {
			step = st
		}
		switch kind {
		case KindCPU:
			m.Usage(usage.CPU, s)
		case KindMemory:
			m.Usage(usage.Memory, s)
		case KindOOM:
			// Without __name__ (an aggregation drops it), the values
			// say which: reasons are 0 or 1, termination times are
			// Unix seconds.
			if timestamps || s.Labels[model.MetricNameLabel] == "" && len(s.Samples) > 0 && s.Samples[0].V > 1 {
				m.OOMTimestamps(s, 0)
			} else {
				m.OOMReasons(s, time.Duration(max(st, 60_000))*time.Millisecond, 0)
			}
		default:
			return errors.New("cannot tell whether it holds cpu or memory: name it cpu*.json or memory*.json, or pass cpu=FILE or memory=FILE (rate() drops __name__)")
		}
		return nil
	})
	if err != nil {
		var nm *NotMatrixError
		if errors.As(err, &nm) {
			return 0, fmt.Errorf("history file %s is a %s; want the output of query_range", f.path, nm.ResultType)
		}
		return 0, fmt.Errorf("history file %s: %w", f.path, err)
	}
	return time.Duration(step) * time.Millisecond, nil
}

// minStep is the smallest time between two samples, in milliseconds.
func minStep(samples []usage.Sample) int64 {
	var st int64
	for i := 1; i < len(samples); i++ {
		if d := samples[i].T - samples[i-1].T; d > 0 && (st == 0 || d < st) {
			st = d
		}
	}
	return st
}
