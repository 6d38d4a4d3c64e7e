package report

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/seaworthy-k8s/seaworthy/result"
)

// junitRenderer writes JUnit XML as CI test reporters read it: one
// testsuite per category, one testcase per result (classname the check,
// name the object). fail and warn are failures (type says which), skip is
// skipped, pass, info and na pass.
type junitRenderer struct{}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Failure   *junitFailure `xml:"failure"`
	Skipped   *junitSkipped `xml:"skipped"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

func (junitRenderer) Render(w io.Writer, r *Report) error {
	byCat := map[string]*junitSuite{}
	doc := junitSuites{Name: "seaworthy"}
	for _, name := range categoryOrder(r) {
		byCat[name] = &junitSuite{Name: categoryName(name)}
	}
	for _, res := range r.Results {
		s := byCat[r.Checks[res.Check].Category]
		c := junitCase{Classname: res.Check, Name: res.Object.String()}
		switch res.Status {
		case result.StatusFail, result.StatusWarn:
			c.Failure = &junitFailure{Message: res.Message, Type: string(res.Status), Text: failureText(r, res)}
			s.Failures++
		case result.StatusSkip:
			c.Skipped = &junitSkipped{Message: res.Message}
			s.Skipped++
		}
		s.Tests++
		s.Cases = append(s.Cases, c)
	}
	for _, name := range categoryOrder(r) {
		s := byCat[name]
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Skipped += s.Skipped
		doc.Suites = append(doc.Suites, *s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// categoryName names the suite of checks without a category (a policy's
// results before it has metadata).
func categoryName(c string) string {
	if c == "" {
		return "Other"
	}
	return c
}

// failureText is a failure's body: the message, where the object was read,
// and the evidence, one "key: value" line per key in key order, values as
// JSON.
func failureText(r *Report, res result.Result) string {
	var b strings.Builder
	b.WriteString(res.Message)
	if l, ok := r.LocationOf(res.Object); ok {
		b.WriteString("\nat " + Origin(l))
	}
	keys := make([]string, 0, len(res.Evidence))
	for k := range res.Evidence {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, err := json.Marshal(res.Evidence[k])
		if err != nil {
			v = []byte(fmt.Sprint(res.Evidence[k]))
		}
		fmt.Fprintf(&b, "\n%s: %s", k, v)
	}
	return b.String()
}

// Origin is a location as "file:line", or the file when the line is not
// known.
func Origin(l Location) string {
	if l.Line == 0 {
		return l.File
	}
	return fmt.Sprintf("%s:%d", l.File, l.Line)
}
