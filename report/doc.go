// Package report holds the Report model that every output format renders,
// one renderer per format, and the exit-code logic of the gate.
//
// Renderers are pure: they turn a Report into bytes and never call the
// engines that produced it.
//
// # Scores
//
// Every category, and the report as a whole, gets a score from 0 to 100
// over its evaluated results (pass, info, warn and fail; skip and na are
// left out, since they say nothing about the cluster):
//
//	score = round(100 × (pass + info + 0.5 × warn) / (pass + info + warn + fail))
//
// rounding halves away from zero. With no evaluated result there is no
// score: the table shows "–", JSON leaves "score" out. The table puts it
// on each category's heading line ("Namespace quotas (score 83)") and on
// the Summary line ("Summary: score 71, …"); JSON has summary.score and
// categories[] (name, score and the counts per status).
//
// # Doc links
//
// The table ends with one "Docs: <link>" line per check that has a warn or
// fail row, in table order, or, when more than 8 checks have one, a single
// line with the check reference's address. The links come from
// RenderOptions (the CLI passes checks.DocLink and checks.DocsURL).
package report
