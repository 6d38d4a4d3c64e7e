package etcd

import (
	"cmp"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// k3sSnapshot is one etcd snapshot k3s or rke2 recorded.
type k3sSnapshot struct {
	Name     string    `json:"name"`
	Node     string    `json:"node,omitempty"`
	Created  time.Time `json:"created"`
	OK       bool      `json:"ok"`
	S3       bool      `json:"s3,omitempty"`
	Message  string    `json:"message,omitempty"`
	Location string    `json:"location,omitempty"`
}

// k3sSnapshots reads ETCDSnapshotFile objects and the legacy snapshot
// ConfigMaps (each data value a JSON record), newest first.
func k3sSnapshots(in *check.Input) (snaps []k3sSnapshot, sources []string) {
	s := in.Snapshot
	seen := map[string]bool{}
	for i := range s.ETCDSnapshotFiles {
		f := &s.ETCDSnapshotFiles[i]
		name := nestedString(f, "spec", "snapshotName")
		if name == "" {
			name = f.GetName()
		}
		created, ok := nestedTime(f, "status", "creationTime")
		if !ok {
			created = f.GetCreationTimestamp().Time
		}
		ready, _, _ := unstructured.NestedBool(f.Object, "status", "readyToUse")
		_, hasS3, _ := unstructured.NestedMap(f.Object, "spec", "s3")
		sn := k3sSnapshot{Name: name, Node: nestedString(f, "spec", "nodeName"), Created: created, OK: ready, S3: hasS3,
			Message: nestedString(f, "status", "error", "message"), Location: nestedString(f, "spec", "location")}
		key := sn.Name + "@" + sn.Node
		if !seen[key] {
			seen[key] = true
			snaps = append(snaps, sn)
		}
	}
	if len(s.ETCDSnapshotFiles) > 0 {
		sources = append(sources, "ETCDSnapshotFile")
	}
	for _, cmName := range []string{"k3s-etcd-snapshots", "rke2-etcd-snapshots"} {
		cm, ok := in.Index.ConfigMap(index.KubeSystem, cmName)
		if !ok {
			continue
		}
		sources = append(sources, "ConfigMap kube-system/"+cmName)
		for _, k := range check.SortedKeys(cm.Data) {
			var rec struct {
				Name      string          `json:"name"`
				NodeName  string          `json:"nodeName"`
				Location  string          `json:"location"`
				CreatedAt string          `json:"createdAt"`
				Status    string          `json:"status"`
				Message   string          `json:"message"`
				S3        json.RawMessage `json:"s3"`
			}
			if err := json.Unmarshal([]byte(cm.Data[k]), &rec); err != nil {
				continue
			}
			created, err := time.Parse(time.RFC3339, rec.CreatedAt)
			if err != nil {
				continue
			}
			if rec.Name == "" {
				rec.Name = k
			}
			sn := k3sSnapshot{Name: rec.Name, Node: rec.NodeName, Created: created, OK: rec.Status == "successful",
				S3: len(rec.S3) > 0 && string(rec.S3) != "null", Message: rec.Message, Location: rec.Location}
			key := sn.Name + "@" + sn.Node
			if !seen[key] {
				seen[key] = true
				snaps = append(snaps, sn)
			}
		}
	}
	sort.SliceStable(snaps, func(i, j int) bool { return snaps[i].Created.After(snaps[j].Created) })
	return snaps, sources
}

// k3sDefaultSnapshotSchedule is k3s' and rke2's default
// --etcd-snapshot-schedule-cron: every 12 hours.
const k3sDefaultSnapshotSchedule = "0 */12 * * *"

// k3sSnapshotConfig reads the servers' snapshot flags from node-args.
func k3sSnapshotConfig(ix *index.Index) (schedule string, disabled []string, servers int) {
	schedule = k3sDefaultSnapshotSchedule
	for _, sv := range ix.ServerNodes() {
		servers++
		fs := index.ParseFlags(sv.Args)
		if v, ok := fs.Last("etcd-snapshot-schedule-cron"); ok && v != "" {
			schedule = v
		}
		if v, ok := fs.Last("etcd-disable-snapshots"); ok && v != "false" {
			disabled = append(disabled, sv.Node.Name)
		}
	}
	return schedule, disabled, servers
}

// k3sBackup judges k3s/rke2 scheduled etcd snapshots; ok is false when
// there is no sign of them.
func k3sBackup(in *check.Input, o *Options) (backupFinding, bool) {
	s, p := in.Snapshot, in.Index.Platform()
	snaps, sources := k3sSnapshots(in)
	schedule, disabled, servers := k3sSnapshotConfig(in.Index)
	if len(snaps) == 0 && len(disabled) == 0 {
		return backupFinding{}, false
	}
	f := backupFinding{etcdLevel: true}
	ev := map[string]any{"signal": signalK3sSnapshots, "sources": sources, "schedule": schedule, "snapshots": len(snaps)}
	done := func(st result.Status, msg string) (backupFinding, bool) {
		f.res = result.New(st, result.Cluster, cluster.PlatformTitle(cmp.Or(p.Name, cluster.PlatformK3s))+" etcd snapshots: "+msg, ev)
		return f, true
	}
	if servers > 0 && len(disabled) == servers {
		ev["disabledOn"] = disabled
		return done(result.StatusFail, fmt.Sprintf("scheduled snapshots are disabled (--etcd-disable-snapshots on %s); remove the flag or take snapshots another way.",
			strings.Join(disabled, ", ")))
	}
	if len(snaps) == 0 {
		return backupFinding{}, false
	}
	newest := snaps[0]
	ev["newest"] = newest
	if !newest.OK {
		return done(result.StatusFail, fmt.Sprintf("the newest snapshot %s (on %s) failed: %s.", newest.Name, cmp.Or(newest.Node, "s3"), cmp.Or(newest.Message, "no message")))
	}
	interval, err := scheduleInterval(schedule, "", s.CollectedAt)
	if err != nil {
		interval = 0
	}
	ev["interval"] = interval.String()
	status, why := freshness(o, s.CollectedAt.Sub(newest.Created), interval)
	where := "kept only on the server nodes' disks; add --etcd-s3 so a lost node does not take its snapshots with it"
	for _, sn := range snaps {
		if sn.S3 {
			where = "copied to S3"
			break
		}
	}
	return done(status, fmt.Sprintf("%d recorded, newest %s on %s; schedule %q; %s; %s.", len(snaps), newest.Name, cmp.Or(newest.Node, "s3"), schedule, why, where))
}
