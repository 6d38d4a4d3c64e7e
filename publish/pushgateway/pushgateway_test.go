package pushgateway

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/publish"
	"github.com/seaworthy-k8s/seaworthy/report"
	"github.com/seaworthy-k8s/seaworthy/result"
	"github.com/seaworthy-k8s/seaworthy/test/prometheus"
)

var collected = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// auditRun is a run whose WL-001 check fails on the Deployments named in
// failing and passes on the others of shop/web and tools/api.
func auditRun(failing ...string) *publish.Run {
	snap := &cluster.Snapshot{CollectedAt: collected, Source: cluster.SourceManifests}
	ran := []result.Meta{{ID: "WL-001", Title: "Replicas", Category: "Workloads"}}
	var results []result.Result
	for _, ns := range []string{"shop", "tools"} {
		st := result.StatusPass
		if slices.Contains(failing, ns) {
			st = result.StatusFail
		}
		results = append(results, result.Result{Check: "WL-001", Status: st, Object: result.Ref("apps/v1", "Deployment", ns, "web"), Message: "one replica"})
	}
	return &publish.Run{Report: report.New(snap, ran, results), Cluster: "lab", Duration: 1500 * time.Millisecond}
}

func newTarget(t *testing.T, url string) *Target {
	t.Helper()
	tg, err := New(Options{URL: url, Cluster: "lab", Backoff: 10 * time.Millisecond, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// TestPushgatewayPrometheus pushes to a real Pushgateway that a real
// Prometheus scrapes every second with honor_labels, and reads the series
// back; a second push with one finding fixed replaces the group, so that
// series leaves the Pushgateway and, after the next scrape marks it stale,
// Prometheus's instant query.
func TestPushgatewayPrometheus(t *testing.T) {
	prometheus.Require(t)
	pg := prometheus.StartPushgateway(t)
	prom := prometheus.StartWithConfig(t, t.TempDir(), prometheus.ScrapeConfig(pg.Addr, time.Second))
	client, err := api.NewClient(api.Config{Address: prom.URL})
	if err != nil {
		t.Fatal(err)
	}
	papi := v1.NewAPI(client)
	ctx := context.Background()
	tg := newTarget(t, pg.URL)

	if err := tg.Publish(ctx, auditRun("shop", "tools")); err != nil {
		t.Fatal(err)
	}
	const query = `seaworthy_findings`
	want := []string{
		`seaworthy_findings{category="Workloads", check="WL-001", cluster="lab", job="seaworthy", namespace="shop", severity="high", status="fail"} 1`,
		`seaworthy_findings{category="Workloads", check="WL-001", cluster="lab", job="seaworthy", namespace="tools", severity="high", status="fail"} 1`,
	}
	waitQuery(t, papi, query, want)

	if err := tg.Publish(ctx, auditRun("shop")); err != nil {
		t.Fatal(err)
	}
	// The Pushgateway's own page: the group holds the second run only. It
	// shows an empty instance label, which Prometheus drops.
	var gw []string
	for _, l := range strings.Split(get(t, pg.URL+"/metrics"), "\n") {
		if strings.HasPrefix(l, "seaworthy_findings{") {
			gw = append(gw, l)
		}
	}
	wantGW := []string{
		`seaworthy_findings{category="Workloads",check="WL-001",cluster="lab",instance="",job="seaworthy",namespace="shop",severity="high",status="fail"} 1`,
		`seaworthy_findings{category="Workloads",check="WL-001",cluster="lab",instance="",job="seaworthy",namespace="tools",severity="none",status="pass"} 1`,
	}
	if !slices.Equal(gw, wantGW) {
		t.Errorf("pushgateway holds\n%s\nwant\n%s", strings.Join(gw, "\n"), strings.Join(wantGW, "\n"))
	}
	waitQuery(t, papi, query, []string{
		`seaworthy_findings{category="Workloads", check="WL-001", cluster="lab", job="seaworthy", namespace="shop", severity="high", status="fail"} 1`,
		`seaworthy_findings{category="Workloads", check="WL-001", cluster="lab", job="seaworthy", namespace="tools", severity="none", status="pass"} 1`,
	})
	waitQuery(t, papi, `seaworthy_run_duration_seconds`, []string{`seaworthy_run_duration_seconds{cluster="lab", job="seaworthy"} 1.5`})
	waitQuery(t, papi, `seaworthy_last_run_timestamp_seconds`, []string{`seaworthy_last_run_timestamp_seconds{cluster="lab", job="seaworthy"} 1772366400`})
}

// waitQuery polls an instant query until it returns exactly want (series
// as "labels value", sorted), for up to 20 scrapes.
func waitQuery(t *testing.T, papi v1.API, query string, want []string) {
	t.Helper()
	var got []string
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		v, _, _, err := papi.Query(context.Background(), query, time.Now())
		if err != nil {
			t.Fatalf("query %s: %v", query, err)
		}
		got = nil
		for _, s := range v.(model.Vector) {
			got = append(got, s.Metric.String()+" "+s.Value.String())
		}
		slices.Sort(got)
		if slices.Equal(got, want) {
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("query %s returned\n%s\nwant\n%s", query, strings.Join(got, "\n"), strings.Join(want, "\n"))
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

// TestPushRetries: a server that drops every connection and one that
// answers 503 are tried three times; a 400 (a push the Pushgateway
// rejects) once.
func TestPushRetries(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var dropped atomic.Int32
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			dropped.Add(1)
			c.Close()
		}
	}()
	err = newTarget(t, "http://"+l.Addr().String()).Publish(context.Background(), auditRun())
	if err == nil || !strings.HasPrefix(err.Error(), "push metrics (3 attempts): Put \"http://"+l.Addr().String()+"/metrics/job/seaworthy/cluster/lab\": ") {
		t.Errorf("error %v", err)
	}
	if n := dropped.Load(); n != 3 {
		t.Errorf("%d connections, want 3", n)
	}

	for _, c := range []struct {
		code     int
		attempts int32
		want     string
	}{
		{503, 3, "push metrics (3 attempts): unexpected status code 503 while pushing to URL/metrics/job/seaworthy/cluster/lab: down for maintenance"},
		{400, 1, "push metrics: unexpected status code 400 while pushing to URL/metrics/job/seaworthy/cluster/lab: bad push"},
	} {
		var n atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			if r.Method != http.MethodPut {
				t.Errorf("method %s, want PUT", r.Method)
			}
			msg := map[int]string{503: "down for\nmaintenance\n", 400: "bad push"}[c.code]
			http.Error(w, msg, c.code)
		}))
		err := newTarget(t, srv.URL).Publish(context.Background(), auditRun())
		srv.Close()
		if got := strings.ReplaceAll(errString(err), srv.URL, "URL"); got != c.want {
			t.Errorf("%d: error %q, want %q", c.code, got, c.want)
		}
		if n.Load() != c.attempts {
			t.Errorf("%d: %d requests, want %d", c.code, n.Load(), c.attempts)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestNewValidates(t *testing.T) {
	for _, c := range []struct {
		opts Options
		want string
	}{
		{Options{URL: "http://pg:9091"}, "set --cluster-name with --pushgateway: the Pushgateway groups metrics by cluster, and without a name every cluster would replace the others' metrics"},
		{Options{URL: "pg:9091", Cluster: "lab"}, `invalid --pushgateway "pg:9091": want an http:// or https:// URL`},
	} {
		if _, err := New(c.opts); errString(err) != c.want {
			t.Errorf("%+v: %v, want %s", c.opts, err, c.want)
		}
	}
}
