// Package checks holds seaworthy's built-in checks and the runner that
// applies them to a cluster.Snapshot.
//
// A check is data (Meta: a stable ID, title, category, rule, rationale and
// remediation; the kinds it needs) plus one small pure function from a
// Snapshot and Options to Results. Checks never call the API server, read
// the clock or the environment: CollectedAt is their "now". When a kind a
// check needs could not be read, the runner reports skip naming the gap,
// and the check's function is not called; a check that cannot decide for
// another reason reports skip itself. Nothing passes by default.
//
// Checks are registered in one explicit list (All) and their IDs are stable
// forever. Each has fixtures in testdata/<ID>/{pass,fail}*.yaml.
package checks
