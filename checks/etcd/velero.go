package etcd

import (
	"fmt"
	"sort"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// nestedString returns the string at fields in u, or "".
func nestedString(u *unstructured.Unstructured, fields ...string) string {
	v, _, _ := unstructured.NestedString(u.Object, fields...)
	return v
}

// nestedTime returns the RFC 3339 time at fields in u, if it parses.
func nestedTime(u *unstructured.Unstructured, fields ...string) (time.Time, bool) {
	v := nestedString(u, fields...)
	if v == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, v)
	return t, err == nil
}

// backupTime is when a Velero backup started (or was created).
func backupTime(b *unstructured.Unstructured) time.Time {
	if t, ok := nestedTime(b, "status", "startTimestamp"); ok {
		return t
	}
	return b.GetCreationTimestamp().Time
}

// veleroInProgress are the phases of a Velero backup that has not
// finished.
var veleroInProgress = map[string]bool{
	"": true, "New": true, "InProgress": true, "WaitingForPluginOperations": true,
	"WaitingForPluginOperationsPartiallyFailed": true, "Finalizing": true, "FinalizingPartiallyFailed": true,
}

// veleroBackup judges a Velero Schedule by its latest finished Backup.
func veleroBackup(s *cluster.Snapshot, o *Options, sch *unstructured.Unstructured) backupFinding {
	ref := cluster.RefOf(cluster.KindVeleroSchedules, sch.GetNamespace(), sch.GetName())
	f := backupFinding{resource: true}
	spec := nestedString(sch, "spec", "schedule")
	ev := map[string]any{"signal": signalVelero, "schedule": spec, "level": "resource"}
	done := func(st result.Status, msg string) backupFinding {
		f.res = result.New(st, ref, fmt.Sprintf("Velero schedule %s/%s: %s", sch.GetNamespace(), sch.GetName(), msg), ev)
		return f
	}
	if paused, _, _ := unstructured.NestedBool(sch.Object, "spec", "paused"); paused {
		ev["paused"] = true
		return done(result.StatusFail, "is paused, so no backups are being taken; unpause it (spec.paused: false).")
	}
	if phase := nestedString(sch, "status", "phase"); phase == "FailedValidation" {
		ev["phase"] = phase
		return done(result.StatusFail, "failed validation and never runs; see its status.validationErrors.")
	}
	interval, err := scheduleInterval(spec, "", s.CollectedAt)
	if err != nil {
		f.undecided = true
		return done(result.StatusSkip, "cannot judge its freshness: "+err.Error()+".")
	}
	ev["interval"] = interval.String()
	var backups []*unstructured.Unstructured
	for i := range s.VeleroBackups {
		b := &s.VeleroBackups[i]
		if b.GetNamespace() == sch.GetNamespace() && b.GetLabels()["velero.io/schedule-name"] == sch.GetName() {
			backups = append(backups, b)
		}
	}
	sort.SliceStable(backups, func(i, j int) bool { return backupTime(backups[i]).After(backupTime(backups[j])) })
	var lastOK time.Time
	for _, b := range backups {
		phase := nestedString(b, "status", "phase")
		if veleroInProgress[phase] {
			continue
		}
		if phase == "Completed" {
			if t, ok := nestedTime(b, "status", "completionTimestamp"); ok {
				lastOK = t
				ev["lastCompleted"] = b.GetName()
				break
			}
			continue
		}
		if phase == "Failed" || phase == "PartiallyFailed" || phase == "FailedValidation" {
			ev["lastBackup"], ev["lastPhase"] = b.GetName(), phase
			return done(result.StatusFail, fmt.Sprintf("its latest finished backup %s ended %s; check velero backup logs %s.", b.GetName(), phase, b.GetName()))
		}
	}
	if lastOK.IsZero() {
		if g, gap := s.GapFor(cluster.KindVeleroBackups); gap {
			f.undecided = true
			return done(result.StatusSkip, "its Backups could not be read ("+g.Reason+"), so whether it works cannot be told.")
		}
		if t, ok := nestedTime(sch, "status", "lastBackup"); ok {
			ev["lastBackup"] = t.UTC().Format(time.RFC3339)
			return done(result.StatusFail, fmt.Sprintf("started a backup %s ago but none of its Backups completed.", check.HumanDuration(s.CollectedAt.Sub(t))))
		}
		if sch.GetCreationTimestamp().Time.IsZero() {
			f.undecided = true
			return done(result.StatusSkip, "its backups and status are not in the input, so whether it works cannot be told.")
		}
		return done(result.StatusFail, "has no completed backup yet.")
	}
	ev["lastCompletedAt"] = lastOK.UTC().Format(time.RFC3339)
	status, why := freshness(o, s.CollectedAt.Sub(lastOK), interval)
	f.healthyRes = status == result.StatusPass
	return done(status, fmt.Sprintf("runs %q; %s.", spec, why))
}
