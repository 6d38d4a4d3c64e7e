package etcd

import (
	"fmt"
	"path"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// runsEtcdSnapshot reports whether a pod spec's containers run etcdctl or
// etcdutl with "snapshot save", and returns that container's name.
func runsEtcdSnapshot(spec *corev1.PodSpec) (string, bool) {
	for _, list := range [][]corev1.Container{spec.InitContainers, spec.Containers} {
		for i := range list {
			tokens := index.CommandTokens(&list[i])
			tool := -1
			for j, t := range tokens {
				if b := path.Base(t); b == "etcdctl" || b == "etcdutl" {
					tool = j
					continue
				}
				if tool >= 0 && t == "snapshot" && j+1 < len(tokens) && tokens[j+1] == "save" {
					return list[i].Name, true
				}
			}
		}
	}
	return "", false
}

// latestJob returns the most recent Job the CronJob created.
func latestJob(s *cluster.Snapshot, cj *batchv1.CronJob) *batchv1.Job {
	var latest *batchv1.Job
	var latestAt time.Time
	for i := range s.Jobs {
		j := &s.Jobs[i]
		if j.Namespace != cj.Namespace {
			continue
		}
		ref := metav1.GetControllerOfNoCopy(j)
		if ref == nil || ref.Kind != "CronJob" || ref.Name != cj.Name {
			continue
		}
		at := j.CreationTimestamp.Time
		if j.Status.StartTime != nil {
			at = j.Status.StartTime.Time
		}
		if latest == nil || at.After(latestAt) {
			latest, latestAt = j, at
		}
	}
	return latest
}

// jobFailed returns the reason of a Job's Failed condition, if it failed.
func jobFailed(j *batchv1.Job) (string, bool) {
	for _, c := range j.Status.Conditions {
		if c.Type == batchv1.JobFailed && c.Status == corev1.ConditionTrue {
			return c.Reason, true
		}
	}
	return "", false
}

// cronJobBackup judges a CronJob whose container runs etcdctl/etcdutl
// snapshot save.
func cronJobBackup(s *cluster.Snapshot, o *Options, cj *batchv1.CronJob, container string) backupFinding {
	ref := cluster.RefOf(cluster.KindCronJobs, cj.Namespace, cj.Name)
	ev := map[string]any{"signal": signalBackupCronJob, "schedule": cj.Spec.Schedule, "container": container}
	f := backupFinding{etcdLevel: true}
	done := func(st result.Status, msg string) backupFinding {
		f.res = result.New(st, ref, fmt.Sprintf("etcd backup CronJob %s/%s: %s", cj.Namespace, cj.Name, msg), ev)
		return f
	}
	if cj.Spec.Suspend != nil && *cj.Spec.Suspend {
		ev["suspended"] = true
		return done(result.StatusFail, "is suspended, so no snapshots are being taken; resume it (spec.suspend: false).")
	}
	tz := ""
	if cj.Spec.TimeZone != nil {
		tz = *cj.Spec.TimeZone
	}
	interval, err := scheduleInterval(cj.Spec.Schedule, tz, s.CollectedAt)
	if err != nil {
		f.undecided = true
		return done(result.StatusSkip, "cannot judge its freshness: "+err.Error()+".")
	}
	ev["interval"] = interval.String()
	if j := latestJob(s, cj); j != nil {
		ev["lastJob"] = j.Name
		if reason, failed := jobFailed(j); failed {
			ev["lastJobFailed"] = reason
			return done(result.StatusFail, fmt.Sprintf("its last run, Job %s, failed (%s); check its logs.", j.Name, reason))
		}
	}
	st := cj.Status
	if st.LastSuccessfulTime == nil {
		switch {
		case st.LastScheduleTime != nil:
			ev["lastScheduleTime"] = st.LastScheduleTime.UTC().Format(time.RFC3339)
			age := s.CollectedAt.Sub(st.LastScheduleTime.Time)
			if age < interval && cj.CreationTimestamp.Time.After(s.CollectedAt.Add(-interval)) {
				return done(result.StatusWarn, "was created recently and has not completed a run yet; confirm its first run succeeds.")
			}
			return done(result.StatusFail, fmt.Sprintf("has run (last scheduled %s ago) but has never succeeded; check its Jobs' logs.", check.HumanDuration(age)))
		case cj.CreationTimestamp.IsZero():
			f.undecided = true
			return done(result.StatusSkip, "its run history (status) is not in the input, so whether it works cannot be told.")
		case cj.CreationTimestamp.Time.After(s.CollectedAt.Add(-time.Duration(float64(interval) * o.BackupIntervalFactor))):
			return done(result.StatusWarn, "was created recently and has not run yet; confirm its first run succeeds.")
		}
		return done(result.StatusFail, fmt.Sprintf("has never run since it was created %s ago; check the schedule and the CronJob controller.",
			check.HumanDuration(s.CollectedAt.Sub(cj.CreationTimestamp.Time))))
	}
	age := s.CollectedAt.Sub(st.LastSuccessfulTime.Time)
	ev["lastSuccessfulTime"] = st.LastSuccessfulTime.UTC().Format(time.RFC3339)
	status, why := freshness(o, age, interval)
	msg := fmt.Sprintf("runs %q (every %s at most); %s.", cj.Spec.Schedule, check.HumanDuration(interval), why)
	if status == result.StatusPass && latestJob(s, cj) == nil {
		if _, gap := s.GapFor(cluster.KindJobs); gap {
			msg += " Its Jobs could not be read, so a failed latest run would not show."
		}
	}
	return done(status, msg)
}
