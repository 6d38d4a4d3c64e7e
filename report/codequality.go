package report

import (
	"encoding/json"
	"io"

	"github.com/seaworthy-k8s/seaworthy/result"
)

// codeQualityRenderer writes a GitLab Code Quality report: a JSON array
// of issues with description, check_name, fingerprint, severity and
// location. fail is major (critical for RBAC, SEC and CERT checks), warn
// minor, info info; pass, skip and na are left out. Objects read from a
// manifest point at its file and line; other findings (live input,
// cluster-wide results) get the object's reference as the path
// ("Deployment/shop/web", "(cluster)") and line 1, since GitLab requires
// both.
type codeQualityRenderer struct{}

type cqIssue struct {
	Description string     `json:"description"`
	CheckName   string     `json:"check_name"`
	Fingerprint string     `json:"fingerprint"`
	Severity    string     `json:"severity"`
	Location    cqLocation `json:"location"`
}

type cqLocation struct {
	Path  string  `json:"path"`
	Lines cqLines `json:"lines"`
}

type cqLines struct {
	Begin int `json:"begin"`
}

func (codeQualityRenderer) Render(w io.Writer, r *Report) error {
	found := findings(r)
	fps := fingerprints(found)
	issues := make([]cqIssue, len(found))
	for i, res := range found {
		loc := cqLocation{Path: res.Object.String(), Lines: cqLines{Begin: 1}}
		if l, ok := r.LocationOf(res.Object); ok && l.File != "" {
			loc.Path = repoPath(l.File)
			if l.Line > 0 {
				loc.Lines.Begin = l.Line
			}
		}
		issues[i] = cqIssue{
			Description: res.Check + ": " + res.Message,
			CheckName:   res.Check,
			Fingerprint: fps[i],
			Severity:    codeQualitySeverity(res),
			Location:    loc,
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(issues)
}

func codeQualitySeverity(res result.Result) string {
	switch res.Status {
	case result.StatusFail:
		if securityCheck(res.Check) {
			return "critical"
		}
		return "major"
	case result.StatusWarn:
		return "minor"
	}
	return "info"
}
