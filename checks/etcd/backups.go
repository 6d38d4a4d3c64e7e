package etcd

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// scheduleInterval returns the longest gap between consecutive runs of a
// cron schedule (five fields, descriptors like @daily or @every 6h, and a
// CRON_TZ= prefix), looking at the runs after from: up to 1,000 of them
// or until a run more than 32 days after the first, whichever comes first.
// A weekday-only schedule thus has a 3-day interval over a weekend.
func scheduleInterval(spec, timeZone string, from time.Time) (time.Duration, error) {
	if timeZone != "" && !strings.HasPrefix(spec, "CRON_TZ=") && !strings.HasPrefix(spec, "TZ=") {
		spec = "CRON_TZ=" + timeZone + " " + spec
	}
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return 0, fmt.Errorf("parse schedule %q: %w", spec, err)
	}
	first := sched.Next(from)
	if first.IsZero() {
		return 0, fmt.Errorf("schedule %q never runs", spec)
	}
	var longest time.Duration
	prev := first
	for i := 0; i < 1000; i++ {
		next := sched.Next(prev)
		if next.IsZero() {
			break
		}
		if gap := next.Sub(prev); gap > longest {
			longest = gap
		}
		prev = next
		if next.Sub(first) > 32*24*time.Hour {
			break
		}
	}
	if longest == 0 {
		return 0, fmt.Errorf("schedule %q runs only once", spec)
	}
	return longest, nil
}

// freshness judges the age of the last successful backup against the
// schedule's interval (0 when unknown).
func freshness(o *Options, age, interval time.Duration) (result.Status, string) {
	limit := o.BackupMaxAge
	if interval > 0 {
		if l := time.Duration(float64(interval) * o.BackupIntervalFactor); l > limit {
			limit = l
		}
	}
	switch {
	case age > o.BackupFailAge:
		return result.StatusFail, fmt.Sprintf("the last successful backup is %s old, over %s", check.HumanDuration(age), check.HumanDuration(o.BackupFailAge))
	case age > limit:
		return result.StatusFail, fmt.Sprintf("the last successful backup is %s old, overdue (limit %s: %.1f× the %s interval, at least %s)",
			check.HumanDuration(age), check.HumanDuration(limit), o.BackupIntervalFactor, check.HumanDuration(interval), check.HumanDuration(o.BackupMaxAge))
	case age > o.BackupMaxAge:
		return result.StatusWarn, fmt.Sprintf("the last successful backup is %s old, over %s: a restore would lose more than a day of changes",
			check.HumanDuration(age), check.HumanDuration(o.BackupMaxAge))
	}
	return result.StatusPass, fmt.Sprintf("the last successful backup is %s old", check.HumanDuration(age))
}

// backupFinding is one backup mechanism's verdict.
type backupFinding struct {
	res        result.Result
	etcdLevel  bool
	undecided  bool // status or schedule not visible
	resource   bool // resource-level (Velero)
	healthyRes bool // resource-level and healthy
}

func evalEtcd003(in *check.Input, o *Options) []result.Result {
	s := in.Snapshot
	p := in.Index.Platform()
	if p.Managed {
		msg := "etcd and its backups"
		verify := "confirm the provider's recovery guarantees; back up your own resources (Velero, GitOps) for namespace-level restores."
		r := check.ManagedNA(p, result.Cluster, msg, verify)
		if n := len(s.VeleroSchedules); n > 0 {
			r.Evidence["veleroSchedules"] = n
		}
		return []result.Result{r}
	}
	var findings []backupFinding
	for i := range s.CronJobs {
		cj := &s.CronJobs[i]
		if c, ok := runsEtcdSnapshot(&cj.Spec.JobTemplate.Spec.Template.Spec); ok {
			findings = append(findings, cronJobBackup(s, o, cj, c))
		}
	}
	if f, ok := k3sBackup(in, o); ok {
		findings = append(findings, f)
	}
	findings = append(findings, etcdManagerBackups(in)...)
	etcdLevel := false
	for _, f := range findings {
		if f.etcdLevel && (f.res.Status == result.StatusPass || f.res.Status == result.StatusInfo || f.res.Status == result.StatusWarn) {
			etcdLevel = true
		}
	}
	for i := range s.VeleroSchedules {
		f := veleroBackup(s, o, &s.VeleroSchedules[i])
		if f.healthyRes && !etcdLevel {
			f.res.Status = result.StatusWarn
			f.res.Message += " Velero restores Kubernetes objects, not etcd itself; add etcd snapshots for disaster recovery of the control plane."
		}
		findings = append(findings, f)
	}
	var out []result.Result
	for _, f := range findings {
		out = append(out, f.res)
	}
	if len(out) > 0 {
		for i := range out {
			out[i].Evidence = check.WithEvidence(p, out[i].Evidence)
		}
		return out
	}
	ev := check.WithEvidence(p, map[string]any{"signal": check.SignalNone})
	var gaps []string
	for _, k := range []cluster.Kind{cluster.KindCronJobs, cluster.KindVeleroSchedules, cluster.KindETCDSnapshotFiles, cluster.KindPods} {
		if g, ok := s.GapFor(k); ok {
			gaps = append(gaps, fmt.Sprintf("%s (%s)", k, g.Reason))
		}
	}
	if p.Name == cluster.PlatformK3s || p.Name == cluster.PlatformRKE2 {
		for _, g := range s.Gaps {
			if g.Kind == cluster.KindConfigMaps && strings.HasSuffix(g.Name, "-etcd-snapshots") {
				gaps = append(gaps, fmt.Sprintf("configmap %s/%s (%s)", g.Namespace, g.Name, g.Reason))
			}
		}
	}
	if len(gaps) > 0 {
		ev["gaps"] = gaps
		return []result.Result{result.New(result.StatusSkip, result.Cluster, "No etcd backup found, but the search was incomplete: "+strings.Join(gaps, ", ")+" could not be read.", ev)}
	}
	if !p.ControlPlaneVisible && p.Name == cluster.PlatformUnknown {
		return []result.Result{result.New(result.StatusSkip, result.Cluster, "No etcd backup found, and no control plane is visible, so who runs etcd (and backs it up) cannot be told.", ev)}
	}
	e := findEtcdMembers(in)
	if e.sqlite != "" {
		return []result.Result{result.New(result.StatusFail, result.Cluster, fmt.Sprintf(
			"No backup found: k3s server %s keeps the cluster state in SQLite (/var/lib/rancher/k3s/server/db) and nothing backs it up; copy it off the machine on a schedule, or move to embedded etcd with snapshots.",
			e.sqlite), ev)}
	}
	return []result.Result{result.New(result.StatusFail, result.Cluster, "No etcd backup found: no CronJob runs etcdctl/etcdutl snapshot save, no k3s/rke2 snapshot is recorded, "+
		"no etcd-manager backup store and no Velero schedule exists. If snapshots are taken on the hosts (systemd timer, cron), this check cannot see them; "+
		"otherwise schedule etcd snapshots to durable storage.", ev)}
}
