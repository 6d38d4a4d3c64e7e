package etcd

import (
	"fmt"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// etcdManagerBackups judges kops' etcd-manager (main and events) by its
// --backup-store: none is a fail; one is info, as the store's freshness is
// not visible in the cluster.
func etcdManagerBackups(in *check.Input) []backupFinding {
	var out []backupFinding
	for _, cl := range []string{"main", "events"} {
		pods := in.Index.PodsLabelled(index.KubeSystem, "k8s-app", "etcd-manager-"+cl)
		if len(pods) == 0 {
			continue
		}
		store := ""
		for _, p := range pods {
			if v, ok := index.PodFlags(p, "etcd-manager").Last("backup-store"); ok && v != "" {
				store = v
				break
			}
		}
		ev := map[string]any{"signal": signalEtcdManager, "cluster": cl, "backupStore": store, "pods": len(pods)}
		f := backupFinding{etcdLevel: true}
		if store == "" {
			f.res = result.New(result.StatusFail, index.PodRef(pods[0]), fmt.Sprintf("etcd-manager-%s has no --backup-store, so it keeps no backups.", cl), ev)
		} else {
			f.undecided = true
			f.res = result.New(result.StatusInfo, index.PodRef(pods[0]), fmt.Sprintf(
				"etcd-manager-%s backs up to %s on its own schedule; the cluster does not show whether the last backup succeeded, so check the newest object in that store.",
				cl, store), ev)
		}
		out = append(out, f)
	}
	return out
}
