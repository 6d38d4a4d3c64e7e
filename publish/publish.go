// Package publish writes a finished report to where the in-cluster CronJob
// keeps it: a ConfigMap, OpenReports objects, a Pushgateway. Each target is
// its own subpackage; this package holds what they share.
//
// Publishing happens after the report is complete, never during the audit:
// an interrupted or failed audit publishes nothing, so the previous run's
// objects stay as they were.
package publish

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/seaworthy-k8s/seaworthy/report"
)

// Run is one finished audit, as the targets publish it.
type Run struct {
	// Report is the complete report, as -o json renders it.
	Report *report.Report
	// Cluster names the cluster (--cluster-name); "" when not given.
	Cluster string
	// Started is when the run began and Duration how long the audit took
	// (collection, checks and policies; not publishing).
	Started  time.Time
	Duration time.Duration
}

// Target is one place a report is published to.
type Target interface {
	// Name names the target in messages, e.g. "configmap seaworthy/seaworthy-report".
	Name() string
	// Publish writes the run. It replaces what an earlier run of the same
	// target wrote, and leaves that in place when it fails.
	Publish(ctx context.Context, run *Run) error
}

// All publishes run to every target in order. A failed target does not
// stop the others (a Pushgateway that is down must not lose the ConfigMap);
// the errors are joined, each prefixed with its target's name. An
// interrupted context stops before the next target.
func All(ctx context.Context, targets []Target, run *Run, progress func(string)) error {
	var errs []error
	for _, t := range targets {
		if err := ctx.Err(); err != nil {
			return errors.Join(append(errs, err)...)
		}
		start := time.Now()
		if err := t.Publish(ctx, run); err != nil {
			errs = append(errs, fmt.Errorf("publish to %s: %w", t.Name(), err))
			continue
		}
		if progress != nil {
			progress(fmt.Sprintf("published to %s in %s", t.Name(), time.Since(start).Round(time.Millisecond)))
		}
	}
	return errors.Join(errs...)
}
