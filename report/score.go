package report

import (
	"math"
	"strconv"

	"github.com/seaworthy-k8s/seaworthy/result"
)

// Scores. A score is a number from 0 to 100 over the evaluated results of
// a category, or of the whole report: pass, info, warn and fail count;
// skip and na are left out, since they say nothing about the cluster.
//
//	score = round(100 × (pass + info + 0.5 × warn) / (pass + info + warn + fail))
//
// A pass or info is worth one, a warn half, a fail nothing; halves round
// away from zero. With no evaluated result there is no score: the table
// shows "–" and JSON leaves the score out. The formula is documented in the
// README's "Scores" section.

// CategorySummary counts one category's results and gives its score.
type CategorySummary struct {
	Name string `json:"name"`
	// Score is nil when the category has no evaluated result.
	Score *int `json:"score,omitempty"`
	Counts
}

// Counts counts results per status; the report's Summary and every
// CategorySummary carry one.
type Counts struct {
	Total int `json:"total"`
	Fail  int `json:"fail"`
	Warn  int `json:"warn"`
	Info  int `json:"info"`
	Pass  int `json:"pass"`
	Skip  int `json:"skip"`
	NA    int `json:"na"`
}

// count adds one result to the counts.
func (c *Counts) count(st result.Status) {
	c.Total++
	switch st {
	case result.StatusFail:
		c.Fail++
	case result.StatusWarn:
		c.Warn++
	case result.StatusInfo:
		c.Info++
	case result.StatusPass:
		c.Pass++
	case result.StatusSkip:
		c.Skip++
	case result.StatusNA:
		c.NA++
	}
}

// Score computes the score from counts of evaluated results; ok is false
// when there are none.
func Score(pass, info, warn, fail int) (score int, ok bool) {
	evaluated := pass + info + warn + fail
	if evaluated == 0 {
		return 0, false
	}
	return int(math.Round(100 * (float64(pass+info) + 0.5*float64(warn)) / float64(evaluated))), true
}

func scoreOf(pass, info, warn, fail int) *int {
	s, ok := Score(pass, info, warn, fail)
	if !ok {
		return nil
	}
	return &s
}

// scoreText is a score for the table: the number, or "–" for none.
func scoreText(s *int) string {
	if s == nil {
		return "–"
	}
	return strconv.Itoa(*s)
}

// categorySummaries counts the results of each category, in the order of
// categoryOrder, and scores each.
func categorySummaries(r *Report) []CategorySummary {
	byName := map[string]*CategorySummary{}
	order := categoryOrder(r)
	out := make([]CategorySummary, len(order))
	for i, name := range order {
		out[i].Name = name
		byName[name] = &out[i]
	}
	for _, res := range r.Results {
		byName[r.Checks[res.Check].Category].count(res.Status)
	}
	for i := range out {
		c := &out[i]
		c.Score = scoreOf(c.Pass, c.Info, c.Warn, c.Fail)
	}
	return out
}
