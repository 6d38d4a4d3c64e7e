package controlplane

import (
	"fmt"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

func evalCP002(in *check.Input, o *Options) []result.Result {
	p := in.Index.Platform()
	comps := []string{leaseControllerManager, leaseScheduler}
	refs := make([]result.ObjectRef, len(comps))
	leases := make([]*coordinationv1.Lease, len(comps))
	anyLease := false
	for i, comp := range comps {
		ns := index.KubeSystem
		l := in.Index.Lease(ns, comp)
		if l == nil && p.Name == cluster.PlatformOpenShift && comp == leaseScheduler {
			ns = "openshift-kube-scheduler"
			l = in.Index.Lease(ns, comp)
		}
		refs[i], leases[i] = index.LeaseRef(ns, comp), l
		anyLease = anyLease || l != nil
	}
	// Controllers write their leader Leases at run time, so manifests
	// carry none unless they are a dump of a live cluster's Leases: with
	// neither lease in manifest input, a missing one is not evidence.
	noLeases := !anyLease && in.Snapshot.FromManifests()
	var out []result.Result
	for i, comp := range comps {
		if p.Managed {
			out = append(out, check.ManagedNA(p, refs[i], comp, "its leader election is the provider's to keep healthy."))
			continue
		}
		out = append(out, leaderLeaseResult(in, o, comp, refs[i], leases[i], noLeases))
	}
	return out
}

// leaderLeaseResult judges one component's leader Lease l (nil when there
// is none), or its leader election being off. noLeases: the input is
// manifests holding no leader Lease at all.
func leaderLeaseResult(in *check.Input, o *Options, comp string, ref result.ObjectRef, l *coordinationv1.Lease, noLeases bool) result.Result {
	s := in.Snapshot
	ev := check.WithEvidence(in.Index.Platform(), map[string]any{"signal": signalLeaderLease, "maxAge": o.LeaderLeaseMaxAge.String()})
	if l == nil {
		pods := in.Index.ComponentPods(comp)
		off := 0
		for _, pod := range pods {
			if v, ok := index.PodFlags(pod, comp).Last("leader-elect"); ok && (v == "false" || v == "0") {
				off++
			}
		}
		if cfg, _, err := in.Index.KubeadmConfig(); err == nil && cfg != nil && len(pods) == 0 {
			args := cfg.ControllerManager.ExtraArgs
			if comp == leaseScheduler {
				args = cfg.Scheduler.ExtraArgs
			}
			if v, ok := args.Flags().Last("leader-elect"); ok && v == "false" {
				off = 1
			}
		}
		if off > 0 {
			ev["leaderElect"] = false
			ev["pods"] = len(pods)
			if len(pods) > 1 {
				return result.New(result.StatusFail, ref, fmt.Sprintf("%d %s pods run with --leader-elect=false: they all act at once and fight over the same objects; enable leader election.",
					len(pods), comp), ev)
			}
			return result.New(result.StatusInfo, ref, fmt.Sprintf("%s runs with --leader-elect=false, so it holds no lease; that is only safe with a single instance.", comp), ev)
		}
		if g, ok := s.GapFor(cluster.KindLeases); ok {
			return result.New(result.StatusSkip, ref, "Leases could not be read: "+g.Message, ev)
		}
		if noLeases {
			ev["signal"] = check.SignalNone
			return result.New(result.StatusSkip, ref, fmt.Sprintf(
				"The input is manifests, which do not carry leader Leases (%s writes its Lease at run time), and it holds neither the kube-controller-manager nor the kube-scheduler one; audit the live cluster to check leader election.",
				comp), ev)
		}
		return result.New(result.StatusFail, ref, fmt.Sprintf(
			"No %s leader Lease exists in %s: no %s instance has ever led, or it runs without leader election; check that it is running.",
			comp, ref.Namespace, comp), ev)
	}
	holder := ""
	if l.Spec.HolderIdentity != nil {
		holder = *l.Spec.HolderIdentity
	}
	ev["holder"] = holder
	age, ok := leaseAge(l, s.CollectedAt)
	if !ok {
		return result.New(result.StatusFail, ref, fmt.Sprintf("The %s leader Lease has never been renewed: no instance is leading.", comp), ev)
	}
	if age < -o.LeaderLeaseMaxAge {
		ev["renewedAfterSnapshotBy"] = (-age).Round(time.Second).String()
		return result.New(result.StatusSkip, ref, fmt.Sprintf(
			"The %s leader Lease was renewed %s after the snapshot time, so its freshness cannot be judged: the snapshot's time (--now) is earlier than its data.",
			comp, check.HumanDuration(-age)), ev)
	}
	age = max(age, 0) // clock skew
	ev["age"] = age.Round(time.Second).String()
	if holder == "" {
		return result.New(result.StatusFail, ref, fmt.Sprintf("The %s leader Lease has no holder (released %s ago): no instance is leading.", comp, check.HumanDuration(age)), ev)
	}
	if age > o.LeaderLeaseMaxAge {
		return result.New(result.StatusFail, ref, fmt.Sprintf(
			"The %s leader Lease was last renewed %s ago by %s (limit %s): no instance is acting as leader, so its work is not being done.",
			comp, check.HumanDuration(age), holder, check.HumanDuration(o.LeaderLeaseMaxAge)), ev)
	}
	return result.New(result.StatusPass, ref, fmt.Sprintf("%s is led by %s, renewed %s ago.", comp, holder, check.HumanDuration(age)), ev)
}
