package prometheus

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
	"sigs.k8s.io/yaml"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/publish"
	"github.com/seaworthy-k8s/seaworthy/publish/pushgateway"
	"github.com/seaworthy-k8s/seaworthy/report"
	"github.com/seaworthy-k8s/seaworthy/result"
)

const monitoringDir = "../../deploy/monitoring"

// rulesFile writes the PrometheusRule's spec.groups as a plain rules file
// in dir.
func rulesFile(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(monitoringDir, "prometheusrule.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var pr struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Spec       struct {
			Groups []any `json:"groups"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(b, &pr); err != nil {
		t.Fatal(err)
	}
	if pr.APIVersion != "monitoring.coreos.com/v1" || pr.Kind != "PrometheusRule" || len(pr.Spec.Groups) == 0 {
		t.Fatalf("prometheusrule.yaml is %s %s with %d groups", pr.APIVersion, pr.Kind, len(pr.Spec.Groups))
	}
	out, err := yaml.Marshal(map[string]any{"groups": pr.Spec.Groups})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "rules.yaml")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestAlertRules checks the PrometheusRule's rules with promtool and runs
// their unit tests (deploy/monitoring/prometheusrule_test.yaml): each
// alert fires when its condition appears and only then.
func TestAlertRules(t *testing.T) {
	Require(t)
	_, promtool, _ := Binaries()
	dir := t.TempDir()
	rulesFile(t, dir)
	tests, err := os.ReadFile(filepath.Join(monitoringDir, "prometheusrule_test.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "prometheusrule_test.yaml"), tests, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"check", "rules", "rules.yaml"}, {"test", "rules", "prometheusrule_test.yaml"}} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "SUCCESS") {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	if out, _ := os.ReadFile(filepath.Join(dir, "rules.yaml")); strings.Count(string(out), "alert: ") != 4 {
		t.Errorf("want 4 alerts in\n%s", out)
	}
}

// TestDashboardQueries runs every query of the Grafana dashboard against a
// real Prometheus scraping a real Pushgateway that holds a pushed report:
// each must parse, evaluate and return series.
func TestDashboardQueries(t *testing.T) {
	Require(t)
	b, err := os.ReadFile(filepath.Join(monitoringDir, "grafana-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
		Templating struct {
			List []struct {
				Name       string `json:"name"`
				Definition string `json:"definition"`
			} `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatal(err)
	}
	queries := map[string]string{}
	for _, p := range dash.Panels {
		for i, tg := range p.Targets {
			queries[p.Title+" #"+string(rune('A'+i))] = tg.Expr
		}
	}
	// label_values(METRIC, LABEL) is Grafana's; its METRIC is PromQL.
	labelValues := regexp.MustCompile(`^label_values\((.+), (\w+)\)$`)
	for _, v := range dash.Templating.List {
		if m := labelValues.FindStringSubmatch(v.Definition); m != nil {
			queries["variable "+v.Name] = "group by (" + m[2] + ") (" + m[1] + ")"
		}
	}
	if len(queries) < 9 {
		t.Fatalf("%d queries in the dashboard, want at least 9", len(queries))
	}

	pg := StartPushgateway(t)
	prom := StartWithConfig(t, t.TempDir(), ScrapeConfig(pg.Addr, time.Second))
	tg, err := pushgateway.New(pushgateway.Options{URL: pg.URL, Cluster: "lab", DocLink: func(id string) string { return "https://docs.example/" + id }})
	if err != nil {
		t.Fatal(err)
	}
	snap := &cluster.Snapshot{CollectedAt: time.Now().UTC(), Source: cluster.SourceManifests,
		Gaps: []cluster.Gap{{Kind: cluster.KindConfigMaps, Namespace: "kube-system", Name: "coredns", Reason: cluster.GapForbidden}}}
	ran := []result.Meta{{ID: "WL-001", Title: "Replicas", Category: "Workloads"}}
	results := []result.Result{{Check: "WL-001", Status: result.StatusFail, Object: result.Ref("apps/v1", "Deployment", "shop", "web"), Message: "one replica"}}
	if err := tg.Publish(context.Background(), &publish.Run{Report: report.New(snap, ran, results), Cluster: "lab", Duration: time.Second}); err != nil {
		t.Fatal(err)
	}
	client, err := api.NewClient(api.Config{Address: prom.URL})
	if err != nil {
		t.Fatal(err)
	}
	papi := v1.NewAPI(client)
	deadline := time.Now().Add(20 * time.Second)
	for name, q := range queries {
		expr := strings.ReplaceAll(q, "$cluster", "lab")
		for {
			v, _, _, err := papi.Query(context.Background(), expr, time.Now())
			if err != nil {
				t.Errorf("%s: %s: %v", name, expr, err)
				break
			}
			if len(v.(model.Vector)) > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Errorf("%s: %s returned no series", name, expr)
				break
			}
			time.Sleep(250 * time.Millisecond)
		}
	}
}
