package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/seaworthy-k8s/seaworthy/result"
)

// githubRenderer writes GitHub Actions workflow commands: one ::error per
// fail and one ::warning per warn, with file and line when the object was
// read from a manifest, then one ::notice with the counts. GitHub shows at
// most 10 error and 10 warning annotations per step; every command is
// still written (the log keeps them) and the summary says how many the
// annotations view leaves out.
type githubRenderer struct{}

// githubAnnotationLimit is how many annotations of one level GitHub shows
// per step.
const githubAnnotationLimit = 10

func (githubRenderer) Render(w io.Writer, r *Report) error {
	var b strings.Builder
	var fails, warns int
	for _, res := range r.Results {
		var cmd string
		switch res.Status {
		case result.StatusFail:
			cmd, fails = "error", fails+1
		case result.StatusWarn:
			cmd, warns = "warning", warns+1
		default:
			continue
		}
		props := []string{}
		if l, ok := r.LocationOf(res.Object); ok && l.File != "" {
			props = append(props, "file="+escapeProperty(repoPath(l.File)))
			if l.Line > 0 {
				props = append(props, "line="+strconv.Itoa(l.Line))
			}
		}
		props = append(props, "title="+escapeProperty(res.Check+" "+res.Object.String()))
		fmt.Fprintf(&b, "::%s %s::%s\n", cmd, strings.Join(props, ","), escapeData(res.Message))
	}
	summary := fmt.Sprintf("seaworthy: %d fail, %d warn", fails, warns)
	if s := r.Summary.Score; s != nil {
		summary += fmt.Sprintf(", score %d", *s)
	}
	var hidden []string
	if fails > githubAnnotationLimit {
		hidden = append(hidden, fmt.Sprintf("%d errors", fails-githubAnnotationLimit))
	}
	if warns > githubAnnotationLimit {
		hidden = append(hidden, fmt.Sprintf("%d warnings", warns-githubAnnotationLimit))
	}
	if len(hidden) > 0 {
		summary += fmt.Sprintf(" (GitHub annotates %d of each per step: %s are only in this log)",
			githubAnnotationLimit, strings.Join(hidden, " and "))
	}
	b.WriteString("::notice::" + escapeData(summary) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// escapeData escapes a workflow command's message: % and line breaks.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command's property value: as data,
// and also : and , which end properties.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
