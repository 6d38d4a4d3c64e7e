package report

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"github.com/seaworthy-k8s/seaworthy/result"
)

// SARIF 2.1.0 (OASIS standard, errata 01), as GitHub code scanning reads
// it. Facts this renderer relies on:
//   - GitHub accepts at most 25,000 results per run; more are dropped, so
//     the renderer cuts them itself and says how many it left out;
//   - rule properties["security-severity"] is a number in a string, 0.0 to
//     10.0; GitHub ranks it critical above 9.0, high from 7.0, medium from
//     4.0 and low below;
//   - partialFingerprints lets GitHub follow a finding across commits.

const (
	sarifVersion   = "2.1.0"
	sarifSchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// sarifMaxResults is GitHub's limit of results per run.
	sarifMaxResults = 25000
	// InformationURI is the tool's home, written as SARIF's
	// tool.driver.informationUri.
	InformationURI = "https://github.com/seaworthy-k8s/seaworthy"
)

// sarifRenderer writes one SARIF run: a rule per check that ran and a
// result per fail, warn and info.
type sarifRenderer struct {
	opts RenderOptions
	// max is the number of results a run may hold; 0 is GitHub's limit.
	max int
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations,omitempty"`
	Results     []sarifResult     `json:"results"`
	Properties  map[string]any    `json:"properties,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string         `json:"id"`
	Name             string         `json:"name,omitempty"`
	ShortDescription *sarifMessage  `json:"shortDescription,omitempty"`
	FullDescription  *sarifMessage  `json:"fullDescription,omitempty"`
	Help             *sarifMessage  `json:"help,omitempty"`
	HelpURI          string         `json:"helpUri,omitempty"`
	Properties       sarifRuleProps `json:"properties"`
}

type sarifRuleProps struct {
	Tags             []string `json:"tags,omitempty"`
	SecuritySeverity string   `json:"security-severity,omitempty"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool                `json:"executionSuccessful"`
	Notifications       []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level   string       `json:"level"`
	Message sarifMessage `json:"message"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifMessage      `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifLogical struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

func (s sarifRenderer) Render(w io.Writer, r *Report) error {
	max := s.max
	if max <= 0 {
		max = sarifMaxResults
	}
	found := findings(r)
	fps := fingerprints(found)
	keep := keepMostSevere(found, max)

	rules, index := s.rules(r, found)
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           "seaworthy",
			Version:        strings.TrimSpace(strings.TrimPrefix(r.Generator, "seaworthy")),
			InformationURI: InformationURI,
			Rules:          rules,
		}},
		Results: make([]sarifResult, 0, len(keep)),
	}
	for _, i := range keep {
		res := found[i]
		run.Results = append(run.Results, sarifResult{
			RuleID:              res.Check,
			RuleIndex:           index[res.Check],
			Level:               sarifLevel(res.Status),
			Message:             sarifMessage{Text: res.Message},
			Locations:           []sarifLocation{sarifLocationOf(r, res.Object)},
			PartialFingerprints: map[string]string{FingerprintVersion: fps[i]},
		})
	}
	if left := len(found) - len(keep); left > 0 {
		run.Properties = map[string]any{"seaworthy/omittedResults": left}
		run.Invocations = []sarifInvocation{{
			ExecutionSuccessful: true,
			Notifications: []sarifNotification{{Level: "warning", Message: sarifMessage{Text: fmt.Sprintf(
				"%d of %d results left out: a run holds at most %d; the least severe were cut (the JSON report has them all)",
				left, len(found), max)}}},
		}}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: sarifSchemaURI, Version: sarifVersion, Runs: []sarifRun{run}})
}

// rules returns one rule per check that ran, and per check of a finding
// that is not among them (a policy's), sorted by ID, and each rule's index.
func (s sarifRenderer) rules(r *Report, found []result.Result) ([]sarifRule, map[string]int) {
	worst := map[string]result.Status{}
	for _, res := range found {
		if res.Status.Severity() > worst[res.Check].Severity() {
			worst[res.Check] = res.Status
		}
	}
	ids := make([]string, 0, len(r.Checks))
	for id := range r.Checks {
		ids = append(ids, id)
	}
	for id := range worst {
		if _, ok := r.Checks[id]; !ok {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	rules := make([]sarifRule, len(ids))
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		m := r.Checks[id]
		rule := sarifRule{ID: id, Name: ruleName(id, m.Title),
			ShortDescription: textOrNil(m.Title), FullDescription: textOrNil(m.Rule), Help: textOrNil(m.Remediation)}
		if s.opts.DocLink != nil {
			rule.HelpURI = s.opts.DocLink(id)
		}
		if m.Category != "" {
			rule.Properties.Tags = []string{m.Category}
		}
		if securityCheck(id) {
			rule.Properties.SecuritySeverity = securitySeverity(worst[id])
		}
		rules[i] = rule
		index[id] = i
	}
	return rules, index
}

// securitySeverity ranks a security check by the worst status it gave in
// this report: fail is high (8.0), warn medium (5.0), anything else low
// (2.0).
func securitySeverity(worst result.Status) string {
	switch worst {
	case result.StatusFail:
		return "8.0"
	case result.StatusWarn:
		return "5.0"
	}
	return "2.0"
}

// ruleName is the check's title as one PascalCase word, SARIF's advice for
// rule names ("NamespaceHasNoResourceQuota"), or the ID without a title.
func ruleName(id, title string) string {
	var b strings.Builder
	for _, word := range strings.FieldsFunc(title, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		rs := []rune(word)
		rs[0] = unicode.ToUpper(rs[0])
		b.WriteString(string(rs))
	}
	if b.Len() == 0 {
		return id
	}
	return b.String()
}

func textOrNil(s string) *sarifMessage {
	if s == "" {
		return nil
	}
	return &sarifMessage{Text: s}
}

func sarifLevel(s result.Status) string {
	switch s {
	case result.StatusFail:
		return "error"
	case result.StatusWarn:
		return "warning"
	}
	return "note"
}

// sarifLocationOf is the file and line an object was read at, or, for
// live input and cluster-wide results, its logical name.
func sarifLocationOf(r *Report, obj result.ObjectRef) sarifLocation {
	if l, ok := r.LocationOf(obj); ok && l.File != "" {
		p := &sarifPhysical{ArtifactLocation: sarifArtifact{URI: fileURI(l.File)}}
		if l.Line > 0 {
			p.Region = &sarifRegion{StartLine: l.Line}
		}
		return sarifLocation{PhysicalLocation: p}
	}
	return sarifLocation{LogicalLocations: []sarifLogical{{FullyQualifiedName: obj.String(), Kind: "resource"}}}
}

// fileURI turns a path as the input named it into a URI reference: a
// relative path stays relative (GitHub resolves it from the repository
// root), with forward slashes and percent-escapes; an absolute one becomes
// a file URI.
func fileURI(path string) string {
	p := repoPath(path)
	u := url.URL{Path: p}
	if filepath.IsAbs(path) {
		u.Scheme = "file"
		if !strings.HasPrefix(p, "/") {
			u.Path = "/" + p
		}
		return u.String()
	}
	// url.URL writes "./" before a first segment with a colon, so that it
	// does not read as a scheme.
	return u.String()
}

// keepMostSevere returns the indexes of the results a run keeps, in
// report order: all of them, or the max most severe (fail before warn
// before info, earlier before later).
func keepMostSevere(found []result.Result, max int) []int {
	idx := make([]int, len(found))
	for i := range idx {
		idx[i] = i
	}
	if len(found) <= max {
		return idx
	}
	sort.SliceStable(idx, func(a, b int) bool { return found[idx[a]].Status.Severity() > found[idx[b]].Status.Severity() })
	idx = idx[:max]
	sort.Ints(idx)
	return idx
}
