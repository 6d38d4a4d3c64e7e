package openreports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/seaworthy-k8s/seaworthy/report"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// Name is the name of every object this package writes, before the "-2",
// "-3", … of the parts of a split namespace.
const Name = "seaworthy"

// ManagedByLabel and ManagedBy label every object written, so a later run
// finds the ones to replace or delete.
const (
	ManagedByLabel = "app.kubernetes.io/managed-by"
	ManagedBy      = "seaworthy"
)

// Source is the source of every object and result.
const Source = "seaworthy"

// Defaults of Options.
const (
	// DefaultMaxResults is how many results one object holds at most.
	DefaultMaxResults = 1000
	// DefaultMaxBytes bounds one object's JSON: 1 MiB, leaving a third of
	// etcd's default 1.5 MiB request limit for what the API server adds.
	DefaultMaxBytes = 1 << 20
)

// headerReserve is the part of MaxBytes kept for everything but the
// results: apiVersion, kind, metadata, scope, configuration and summary.
const headerReserve = 2048

// API is one group of report kinds: OpenReports or the older
// wgpolicyk8s.io PolicyReports.
type API struct {
	Group, Version string
	// Report and ClusterReport are the kinds, ReportResource and
	// ClusterReportResource their plural resource names.
	Report, ClusterReport                 string
	ReportResource, ClusterReportResource string
	// ObjectSource says the group's objects have top-level source and
	// configuration fields (OpenReports); without them source goes on
	// each result and the limits are not declared (PolicyReports).
	ObjectSource bool
}

// OpenReports is openreports.io/v1alpha1, the group published to first.
var OpenReports = API{
	Group: "openreports.io", Version: "v1alpha1",
	Report: "Report", ClusterReport: "ClusterReport",
	ReportResource: "reports", ClusterReportResource: "clusterreports",
	ObjectSource: true,
}

// PolicyReports is wgpolicyk8s.io/v1alpha2, used when only it is served.
var PolicyReports = API{
	Group: "wgpolicyk8s.io", Version: "v1alpha2",
	Report: "PolicyReport", ClusterReport: "ClusterPolicyReport",
	ReportResource: "policyreports", ClusterReportResource: "clusterpolicyreports",
}

// GroupVersion is the API's "group/version".
func (a API) GroupVersion() string { return a.Group + "/" + a.Version }

// Resource returns the resource of the namespaced (Report) or the
// cluster-scoped (ClusterReport) kind.
func (a API) Resource(namespaced bool) schema.GroupVersionResource {
	r := a.ClusterReportResource
	if namespaced {
		r = a.ReportResource
	}
	return schema.GroupVersionResource{Group: a.Group, Version: a.Version, Resource: r}
}

// Options tunes Build.
type Options struct {
	// MaxResults is the most results one object holds (default
	// DefaultMaxResults).
	MaxResults int
	// MaxBytes bounds one object's JSON (default DefaultMaxBytes). A
	// single result larger than that still gets an object of its own.
	MaxBytes int
	// DocLink returns the documentation link of a check ID (the CLI
	// passes checks.DocLink); nil leaves docURL out.
	DocLink func(id string) string
}

func (o Options) withDefaults() Options {
	if o.MaxResults <= 0 {
		o.MaxResults = DefaultMaxResults
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	return o
}

// Object is one report object, ready to apply.
type Object struct {
	// Namespace is "" for the cluster-scoped kind.
	Namespace, Name string
	// Kind is the API's Report or ClusterReport kind.
	Kind string
	// Results is how many results it holds.
	Results int
	// Body is the whole object as JSON, the server-side apply body.
	Body []byte
}

// Ref is an object reference, as the CRDs' resources and scope hold it.
type Ref struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name,omitempty"`
}

// Timestamp is the CRDs' time: seconds since the Unix epoch and nanos.
type Timestamp struct {
	Seconds int64 `json:"seconds"`
	Nanos   int32 `json:"nanos"`
}

// Properties are the string properties of one result.
type Properties struct {
	DocURL      string `json:"docURL,omitempty"`
	Remediation string `json:"remediation,omitempty"`
	Status      string `json:"status"`
}

// Result is one entry of an object's results.
type Result struct {
	Source     string     `json:"source,omitempty"`
	Policy     string     `json:"policy"`
	Rule       string     `json:"rule,omitempty"`
	Category   string     `json:"category,omitempty"`
	Severity   string     `json:"severity,omitempty"`
	Result     string     `json:"result"`
	Timestamp  Timestamp  `json:"timestamp"`
	Resources  []Ref      `json:"resources,omitempty"`
	Message    string     `json:"message,omitempty"`
	Properties Properties `json:"properties"`
}

// Summary counts an object's results by the CRDs' result values.
type Summary struct {
	Pass  int `json:"pass"`
	Fail  int `json:"fail"`
	Warn  int `json:"warn"`
	Error int `json:"error"`
	Skip  int `json:"skip"`
}

func (s *Summary) add(res string) {
	switch res {
	case "pass":
		s.Pass++
	case "fail":
		s.Fail++
	case "warn":
		s.Warn++
	case "error":
		s.Error++
	case "skip":
		s.Skip++
	}
}

type metadata struct {
	Name      string            `json:"name"`
	Namespace string            `json:"namespace,omitempty"`
	Labels    map[string]string `json:"labels"`
}

type limits struct {
	MaxResults int `json:"maxResults"`
}

type configuration struct {
	Limits limits `json:"limits"`
}

// header is an object without its results, which Build appends.
type header struct {
	APIVersion    string         `json:"apiVersion"`
	Kind          string         `json:"kind"`
	Metadata      metadata       `json:"metadata"`
	Scope         *Ref           `json:"scope,omitempty"`
	Source        string         `json:"source,omitempty"`
	Configuration *configuration `json:"configuration,omitempty"`
	Summary       Summary        `json:"summary"`
}

// ResultOf maps a status to the CRDs' result value (see the package
// documentation).
func ResultOf(s result.Status) string {
	switch s {
	case result.StatusPass, result.StatusInfo:
		return "pass"
	case result.StatusWarn:
		return "warn"
	case result.StatusFail:
		return "fail"
	case result.StatusSkip:
		return "error"
	}
	return "skip"
}

// SeverityOf is the CRDs' severity of a result: seaworthy's severity
// scale (report.Severity, shared with the metrics), "" for none.
func SeverityOf(res result.Result) string {
	if s := report.Severity(res); s != "none" {
		return s
	}
	return ""
}

// Build turns a report into the objects that publish it: the
// ClusterReport first (also when no result is about the cluster, so the
// run is visible), then each namespace's Reports in name order.
func Build(rep *report.Report, api API, opts Options) []Object {
	opts = opts.withDefaults()
	var clusterIdx []int
	byNS := map[string][]int{}
	for i := range rep.Results {
		ns := rep.Results[i].Object.Namespace
		if ns == "" {
			clusterIdx = append(clusterIdx, i)
			continue
		}
		byNS[ns] = append(byNS[ns], i)
	}
	namespaces := make([]string, 0, len(byNS))
	for ns := range byNS {
		namespaces = append(namespaces, ns)
	}
	sort.Strings(namespaces)

	b := &builder{rep: rep, api: api, opts: opts, ts: Timestamp{Seconds: rep.CollectedAt.Unix(), Nanos: int32(rep.CollectedAt.Nanosecond())}}
	b.enc = json.NewEncoder(&b.scratch)
	b.enc.SetEscapeHTML(false)
	b.group("", clusterIdx)
	for _, ns := range namespaces {
		b.group(ns, byNS[ns])
	}
	return b.out
}

type builder struct {
	rep     *report.Report
	api     API
	opts    Options
	ts      Timestamp
	scratch bytes.Buffer
	enc     *json.Encoder
	out     []Object
}

// group writes the objects of one namespace ("" for the cluster).
func (b *builder) group(ns string, idx []int) {
	budget := b.opts.MaxBytes - headerReserve
	var chunk bytes.Buffer
	var sum Summary
	n := 0
	part := 0
	flush := func() {
		part++
		name := Name
		if part > 1 {
			name = Name + "-" + strconv.Itoa(part)
		}
		b.out = append(b.out, b.object(ns, name, sum, n, chunk.Bytes()))
		chunk = bytes.Buffer{}
		sum, n = Summary{}, 0
	}
	for _, i := range idx {
		r := b.result(&b.rep.Results[i])
		b.scratch.Reset()
		if err := b.enc.Encode(&r); err != nil {
			// Only strings and numbers: encoding cannot fail.
			panic(fmt.Sprintf("encode result: %v", err))
		}
		enc := bytes.TrimSuffix(b.scratch.Bytes(), []byte("\n"))
		if n > 0 && (n == b.opts.MaxResults || chunk.Len()+1+len(enc) > budget) {
			flush()
		}
		if n > 0 {
			chunk.WriteByte(',')
		}
		chunk.Write(enc)
		sum.add(r.Result)
		n++
	}
	// The ClusterReport is written even when empty, so the run shows.
	if n > 0 || part == 0 && ns == "" {
		flush()
	}
}

func (b *builder) result(res *result.Result) Result {
	m := b.rep.Checks[res.Check]
	r := Result{
		Policy:    res.Check,
		Rule:      m.Title,
		Category:  m.Category,
		Severity:  SeverityOf(*res),
		Result:    ResultOf(res.Status),
		Timestamp: b.ts,
		Message:   res.Message,
		Properties: Properties{
			Remediation: m.Remediation,
			Status:      string(res.Status),
		},
	}
	if !b.api.ObjectSource {
		r.Source = Source
	}
	if b.opts.DocLink != nil && res.Check != "" {
		r.Properties.DocURL = b.opts.DocLink(res.Check)
	}
	if o := res.Object; o.Kind != "" || o.Name != "" {
		r.Resources = []Ref{{APIVersion: o.APIVersion, Kind: o.Kind, Namespace: o.Namespace, Name: o.Name}}
	}
	return r
}

func (b *builder) object(ns, name string, sum Summary, n int, results []byte) Object {
	kind := b.api.ClusterReport
	if ns != "" {
		kind = b.api.Report
	}
	h := header{
		APIVersion: b.api.GroupVersion(),
		Kind:       kind,
		Metadata:   metadata{Name: name, Namespace: ns, Labels: map[string]string{ManagedByLabel: ManagedBy}},
		Summary:    sum,
	}
	if ns != "" {
		h.Scope = &Ref{APIVersion: "v1", Kind: "Namespace", Name: ns}
	}
	if b.api.ObjectSource {
		h.Source = Source
		h.Configuration = &configuration{Limits: limits{MaxResults: b.opts.MaxResults}}
	}
	head, err := json.Marshal(h)
	if err != nil {
		panic(fmt.Sprintf("encode report header: %v", err))
	}
	body := make([]byte, 0, len(head)+len(results)+14)
	body = append(body, head[:len(head)-1]...)
	body = append(body, `,"results":[`...)
	body = append(body, results...)
	body = append(body, "]}"...)
	return Object{Namespace: ns, Name: name, Kind: kind, Results: n, Body: body}
}
