// Package gate holds what the CI gate decides beyond a check's own
// verdict: which results an exemption covers, and which results are new
// against a baseline report.
//
// Everything here is a pure function of its inputs. The caller reads the
// files, supplies the time (the snapshot's collectedAt, or --now) and the
// label and annotation lookups; the package never reads a clock, a cluster
// or the environment.
//
// # Exemptions
//
// An exemptions file is a YAML list of entries:
//
//	# exemptions.yaml
//	- check: RBAC-004          # a check or policy ID, or a prefix of one
//	  namespace: "team-*"      # globs (path.Match); empty matches anything
//	  kind: ClusterRoleBinding
//	  name: "reader-*"
//	  labels: {app: reports}   # every pair must be on the object
//	  reason: the reports job reads its own secrets through this binding
//	  owner: team-reports
//	  expires: 2026-06-30      # YYYY-MM-DD, in UTC
//
// check, reason, owner and expires are required; an unknown field, a
// repeated field, a value of the wrong type, a bad glob or a bad date is an
// error naming FILE:LINE:COLUMN. check matches a result's check ID when it
// is the ID itself or a prefix of it ending where the ID has a "-" or "."
// ("RBAC" covers RBAC-004, "acme.images" covers acme.images.latest).
//
// An entry applies through its expiry day: one that expires 2026-06-30
// still covers results at 2026-06-30T23:59:59Z and stops at
// 2026-07-01T00:00:00Z (UTC, so a CI run and a CronJob in different time
// zones agree). An expired entry covers nothing and is reported as a warn
// result EXEMPT-EXPIRED; an entry in force that covered no result is
// reported as an info result EXEMPT-UNUSED. Only results that gate (info,
// warn, fail) are covered; pass, skip and na results are left alone and
// do not make an entry used. When several entries match a result, the
// first in the file covers it.
//
// With ApplyOptions.AllowAnnotations, an object annotated
// seaworthy.io/exempt: "RBAC-004,WL-002" and seaworthy.io/exempt-reason
// exempts its own results from those checks (same ID and prefix rules,
// never expiring). The option is off by default because whoever can edit a
// workload could exempt it. An exempt annotation without a reason covers
// nothing and is reported as a warn result EXEMPT-NO-REASON. File entries
// are tried before annotations.
//
// # Baselines
//
// A baseline is an earlier JSON report (schemaVersion seaworthy.report/v1).
// A result is identified by its Fingerprint, report.Fingerprint of its
// check ID and its object's kind, namespace and name (the one SARIF and
// Code Quality carry); not the API version (an object moved from one
// version to the next is the same object) and not the message (reworded text is the same finding). Classify
// marks each current result new, changed (same fingerprint, other status or
// message) or unchanged; Diff lists what appeared, disappeared and changed
// between two reports, and RenderDiffText and RenderDiffJSON print it.
package gate
