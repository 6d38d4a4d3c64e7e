package prometheus

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/cluster/usage"
	"github.com/seaworthy-k8s/seaworthy/cluster/usage/queryrange"
)

type countSink struct {
	mu      sync.Mutex
	samples map[usage.ContainerID]int
}

func (s *countSink) AddSeries(id usage.ContainerID, _ usage.Resource, x []usage.Sample) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.samples == nil {
		s.samples = map[usage.ContainerID]int{}
	}
	s.samples[id] += len(x)
}

func (s *countSink) AddOOM(usage.ContainerID, time.Time) {}

func TestChunksCoverTheWindowOnce(t *testing.T) {
	end := time.Date(2026, 11, 30, 12, 0, 30, 0, time.UTC)
	c, err := NewClient(Options{Address: "http://x", End: end})
	if err != nil {
		t.Fatal(err)
	}
	ch := c.Chunks()
	// 8 days at 1 m, both ends included: 8·1440 + 1 = 11,521 points, in
	// chunks of 1,440: 8 full chunks and one of the single last point.
	if len(ch) != 9 {
		t.Fatalf("chunks = %d, want 9", len(ch))
	}
	points := 0
	for i, x := range ch {
		if i > 0 && x.Start.Sub(ch[i-1].End) != time.Minute {
			t.Errorf("chunk %d starts %s after the previous end, want 1m", i, x.Start.Sub(ch[i-1].End))
		}
		points += int(x.End.Sub(x.Start)/time.Minute) + 1
	}
	// End truncated to the minute: 12:00:00; start 8 days before.
	if points != 11521 || !ch[0].Start.Equal(time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)) || !ch[8].End.Equal(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("points = %d, first %s, last %s", points, ch[0].Start, ch[8].End)
	}
}

func TestQueries(t *testing.T) {
	c, err := NewClient(Options{Address: "http://x", End: time.Unix(0, 0), Matchers: []string{`job="kubelet"`}})
	if err != nil {
		t.Fatal(err)
	}
	oomT, oomR, mem, cpu := c.Queries("shop")
	for got, want := range map[string]string{
		oomT: `max by (namespace, pod, container) (kube_pod_container_status_last_terminated_timestamp{namespace="shop"}) and on (namespace, pod, container) (kube_pod_container_status_last_terminated_reason{namespace="shop",reason="OOMKilled"} == 1)`,
		oomR: `max by (namespace, pod, container) (kube_pod_container_status_last_terminated_reason{namespace="shop",reason="OOMKilled"})`,
		mem:  `max by (namespace, pod, container) (container_memory_working_set_bytes{container!="",container!="POD",namespace="shop",job="kubelet"})`,
		cpu:  `sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{container!="",container!="POD",namespace="shop",job="kubelet"}[300s]))`,
	} {
		if got != want {
			t.Errorf("query\n got %s\nwant %s", got, want)
		}
	}
}

// A fake server: fast checks of the request's shape and of error mapping.
// The real Prometheus tests are in test/prometheus.
func TestFetchRequestsAndErrors(t *testing.T) {
	var mu sync.Mutex
	var forms []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/prefix/api/v1/query_range" || r.Header.Get("Authorization") != "Bearer tok" || r.Header.Get("X-Scope-OrgID") != "team a" {
			http.Error(w, "bad request shape "+r.Method+" "+r.URL.Path, http.StatusTeapot)
			return
		}
		if err := r.ParseForm(); err != nil {
			t.Error(err)
		}
		q := r.PostForm.Get("query")
		mu.Lock()
		forms = append(forms, r.PostForm.Get("start")+".."+r.PostForm.Get("end")+" "+r.PostForm.Get("step"))
		mu.Unlock()
		switch {
		case strings.Contains(q, `"broken"`):
			w.WriteHeader(http.StatusUnprocessableEntity)
			fmt.Fprint(w, `{"status":"error","errorType":"execution","error":"many-to-many matching not allowed"}`)
		case strings.HasPrefix(q, "max by (namespace, pod, container) (container_memory"):
			fmt.Fprintf(w, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"namespace":"ok","pod":"p","container":"c"},"values":[[%s,"1"]]}]}}`, r.PostForm.Get("start"))
		default:
			fmt.Fprint(w, `{"status":"success","data":{"resultType":"matrix","result":[]}}`)
		}
	}))
	defer srv.Close()
	end := time.Unix(7200, 0)
	opts := Options{Address: srv.URL + "/prefix", End: end, History: 2 * time.Hour, ChunkPoints: 60, BearerToken: "tok", Headers: []string{"X-Scope-OrgID: team a"}, Namespaces: []string{"ok", "broken"}, Concurrency: 1}
	sink := &countSink{}
	cov, err := Fetch(context.Background(), opts, sink)
	if err != nil {
		t.Fatal(err)
	}
	// 2 h at 1 m with both ends: 121 points in chunks of 60: 0..3540,
	// 3600..7140, 7200..7200; one memory sample per chunk.
	if got := sink.samples[usage.ContainerID{Namespace: "ok", Pod: "p", Container: "c"}]; got != 3 {
		t.Errorf("samples = %d, want 3", got)
	}
	if cov.Series != 1 || cov.Samples != 3 || len(cov.Gaps) != 1 || cov.Gaps[0] != "namespace broken: query prometheus "+srv.URL+"/prefix: 422 Unprocessable Entity: many-to-many matching not allowed" {
		t.Errorf("coverage = %+v", cov)
	}
	if forms[0] != "0..3540 60" || forms[1] != "3600..7140 60" || forms[2] != "7200..7200 60" {
		t.Errorf("forms = %q", forms[:3])
	}

	// Every namespace failing is an error, not coverage.
	opts.Namespaces = []string{"broken"}
	if _, err := Fetch(context.Background(), opts, sink); err == nil || err.Error() != "query prometheus "+srv.URL+"/prefix: 422 Unprocessable Entity: many-to-many matching not allowed" {
		t.Errorf("error = %v", err)
	}
	opts.Headers = []string{"no colon"}
	if _, err := Fetch(context.Background(), opts, sink); err == nil || err.Error() != `read prometheus header "no colon": want "Name: value"` {
		t.Errorf("error = %v", err)
	}
}

func TestFetchCancelled(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"status":"success","data":{"resultType":"matrix","result":[`)
		w.(http.Flusher).Flush()
		<-release
	}))
	defer srv.Close()
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		cancel()
	}()
	_, err := Fetch(ctx, Options{Address: srv.URL, End: time.Unix(7200, 0), Namespaces: []string{"a", "b"}}, &countSink{})
	if err == nil || err.Error() != "read prometheus "+srv.URL+": context canceled" {
		t.Errorf("error = %v, want the cancellation", err)
	}
}

func TestQueriesLegacyLabels(t *testing.T) {
	c, err := NewClient(Options{Address: "http://x", End: time.Unix(0, 0), Labels: queryrange.LegacyLabelNames(), CPURateWindow: 90 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	_, _, mem, cpu := c.Queries("a")
	if want := `max by (namespace, pod_name, container_name) (container_memory_working_set_bytes{container_name!="",container_name!="POD",namespace="a"})`; mem != want {
		t.Errorf("memory query\n got %s\nwant %s", mem, want)
	}
	if want := `sum by (namespace, pod_name, container_name) (rate(container_cpu_usage_seconds_total{container_name!="",container_name!="POD",namespace="a"}[90s]))`; cpu != want {
		t.Errorf("cpu query\n got %s\nwant %s", cpu, want)
	}
}

func TestFetchTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
	}))
	defer srv.Close()
	defer close(release)
	_, err := Fetch(context.Background(), Options{Address: srv.URL, End: time.Unix(7200, 0), Namespaces: []string{"a"}, Timeout: 50 * time.Millisecond}, &countSink{})
	if err == nil || err.Error() != "query prometheus "+srv.URL+": timed out after 50ms (raise the timeout, or lower the history or step)" {
		t.Errorf("error = %v", err)
	}
}

func TestOptionsRefused(t *testing.T) {
	for _, tc := range []struct {
		opts Options
		want string
	}{
		{Options{End: time.Unix(0, 0)}, "read prometheus: no address"},
		{Options{Address: "http://x"}, "read prometheus: no end time for the history window"},
		{Options{Address: "http://x", End: time.Unix(0, 0), ChunkPoints: 11001}, "read prometheus: 11001 points per query; Prometheus allows 1 to 11000"},
		{Options{Address: "http://x", End: time.Unix(0, 0), Step: 1500 * time.Millisecond}, "read prometheus: step 1.5s is not a whole number of seconds"},
	} {
		if _, err := NewClient(tc.opts); err == nil || err.Error() != tc.want {
			t.Errorf("NewClient(%+v) = %v, want %s", tc.opts, err, tc.want)
		}
	}
}
