// Package check is what every check area is built from: a Check (its Meta,
// the kinds it Needs and its Eval function), the Input it evaluates (the
// snapshot and its index), Def and Bind to declare an area's checks as data
// over its own Options, and the few words and rules several areas share
// (the zone spread of control-plane members, managed-platform results,
// message helpers).
//
// Checks are pure: no client, no clock, no environment; Snapshot.CollectedAt
// is their "now".
package check
