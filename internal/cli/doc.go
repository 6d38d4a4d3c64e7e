// Package cli builds seaworthy's cobra commands. Each command has an
// options struct with Complete, Validate and Run, and writes through
// injected IOStreams so it can be tested without a terminal.
//
// stdout carries only the report; warnings and progress go to stderr.
package cli
