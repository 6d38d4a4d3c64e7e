// Package report holds the Report model that every output format renders,
// one renderer per format, and the exit-code logic of the gate.
//
// Renderers are pure: they turn a Report into bytes and never call the
// engines that produced it.
package report
