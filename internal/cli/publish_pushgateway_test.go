package cli

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/seaworthy-k8s/seaworthy/test/prometheus"
)

// TestAuditPushgatewayDown: a Pushgateway that refuses connections fails
// the run (exit 2) with one line after three attempts, and the report is
// still on stdout.
func TestAuditPushgatewayDown(t *testing.T) {
	r := execute(t, "", "audit", "-f", demoDir, "--now", demoNow, "-o", "json", "--pushgateway", "http://127.0.0.1:1", "--cluster-name", "lab")
	if r.code != 2 {
		t.Fatalf("exit %d, want 2; stderr: %s", r.code, r.stderr)
	}
	want := `error: publish to pushgateway http://127.0.0.1:1: push metrics (3 attempts): Put "http://127.0.0.1:1/metrics/job/seaworthy/cluster/lab": dial tcp 127.0.0.1:1: connect: connection refused` + "\n"
	if r.stderr != want {
		t.Errorf("stderr:\n%q\nwant\n%q", r.stderr, want)
	}
	rep := decodeReport(t, r.stdout)
	if rep["schemaVersion"] != "seaworthy.report/v1" {
		t.Errorf("stdout is not the report: %.200s", r.stdout)
	}
}

func TestAuditPushgatewayNeedsClusterName(t *testing.T) {
	r := execute(t, "", "audit", "-f", demoDir, "--now", demoNow, "--pushgateway", "http://127.0.0.1:1")
	want := "error: set --cluster-name with --pushgateway: the Pushgateway groups metrics by cluster, and without a name every cluster would replace the others' metrics\n"
	if r.code != 2 || r.stderr != want || r.stdout != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want 2, nothing and %q", r.code, r.stdout, r.stderr, want)
	}
}

// TestAuditPushgateway pushes the demo's audit to a real Pushgateway: the
// group job="seaworthy",cluster="lab" holds the same series -o prometheus
// prints, with the run's duration added.
func TestAuditPushgateway(t *testing.T) {
	pg := prometheus.StartPushgateway(t)
	r := execute(t, "", "audit", "-f", demoDir, "--now", demoNow, "-o", "prometheus", "--pushgateway", pg.URL, "--cluster-name", "lab")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (the demo has failures); stderr: %s", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stderr, "published to pushgateway "+pg.URL+" in ") {
		t.Errorf("stderr %q", r.stderr)
	}
	printed := seriesOf(t, r.stdout, nil)
	pushed := seriesOf(t, get(t, pg.URL+"/metrics"), map[string]string{"job": "seaworthy", "cluster": "lab", "instance": ""})
	var durations int
	for k := range pushed {
		if strings.HasPrefix(k, "seaworthy_run_duration_seconds{} ") {
			durations++
			delete(pushed, k)
		}
	}
	if durations != 1 {
		t.Errorf("%d run duration series pushed, want 1", durations)
	}
	if len(printed) < 50 || !maps.Equal(printed, pushed) {
		t.Errorf("printed %d series, pushed %d other than the duration; they differ", len(printed), len(pushed))
		for k := range printed {
			if !pushed[k] {
				t.Errorf("printed, not pushed: %s", k)
			}
		}
		for k := range pushed {
			if !printed[k] {
				t.Errorf("pushed, not printed: %s", k)
			}
		}
	}
}

// seriesOf parses text exposition and returns its seaworthy_ series as
// "name{sorted labels} value", without the group labels, which every
// series must have with the values given.
func seriesOf(t *testing.T, text string, group map[string]string) map[string]bool {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatalf("parse metrics: %v", err)
	}
	out := map[string]bool{}
	for name, f := range fams {
		if !strings.HasPrefix(name, "seaworthy_") {
			continue
		}
		for _, m := range f.GetMetric() {
			var labels []string
			seen := 0
			for _, l := range m.GetLabel() {
				if v, ok := group[l.GetName()]; ok {
					if l.GetValue() != v {
						t.Errorf("%s has %s=%q, want %q", name, l.GetName(), l.GetValue(), v)
					}
					seen++
					continue
				}
				labels = append(labels, l.GetName()+"="+strconv.Quote(l.GetValue()))
			}
			if seen != len(group) {
				t.Errorf("%s lacks a group label: %v", name, m.GetLabel())
			}
			sort.Strings(labels)
			out[fmt.Sprintf("%s{%s} %g", name, strings.Join(labels, ","), m.GetGauge().GetValue())] = true
		}
	}
	return out
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
