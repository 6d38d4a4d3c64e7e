package e2e

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// A live audit and an offline audit of the same objects give the same
// results: every scenario cluster is loaded into a real kube-apiserver,
// audited through a kubeconfig, and compared with `audit -f` of its
// manifests as of the live report's collectedAt. The live server adds its
// own objects (bootstrap RBAC, the default/kubernetes Service, its identity
// Lease, the four default namespaces, which every scenario declares too);
// none of them may change a result.
func TestLiveAuditMatchesOffline(t *testing.T) {
	for _, dir := range scenarioDirs(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			lc := startCluster(t, dir)
			live := audit(t, "--kubeconfig", lc.Kubeconfig)
			if len(live.Gaps) != 0 {
				t.Errorf("the admin's live audit has gaps: %v", live.Gaps)
			}
			if live.Source != cluster.SourceLive {
				t.Errorf("live report source %q", live.Source)
			}
			offline := audit(t, "-f", dir, "--now", live.CollectedAt)
			if offline.CollectedAt != live.CollectedAt {
				t.Errorf("offline collectedAt %s, want %s", offline.CollectedAt, live.CollectedAt)
			}
			if d := diffResults("offline "+dir, "live", offline.Results, live.Results); d != "" {
				t.Errorf("live and offline audits differ:\n%s", d)
			}
		})
	}
}

// `snapshot` of a live cluster replays offline to the live audit's results,
// and the file holds what a live read holds (the server's own objects) but
// no ConfigMap outside the allow-list.
func TestLiveSnapshotReplay(t *testing.T) {
	lc := startCluster(t, demoDir)
	file := filepath.Join(t.TempDir(), "demo.snapshot.json")
	if r := runCLI(t, "snapshot", "--kubeconfig", lc.Kubeconfig, "-o", file); r.code != 0 || r.stdout != "" {
		t.Fatalf("snapshot: %s, stdout %q", r, r.stdout)
	}
	live := audit(t, "--kubeconfig", lc.Kubeconfig)
	replay := audit(t, "-f", file)

	snap, err := cluster.ReadSnapshotFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if got := snap.CollectedAt.UTC().Format(time.RFC3339); replay.CollectedAt != got {
		t.Errorf("replay collectedAt %s, the file's is %s", replay.CollectedAt, got)
	}
	if snap.OriginalSource != cluster.SourceLive || replay.Source != "snapshot (live)" {
		t.Errorf("file read from %q, replay source %q; want both to say the snapshot was live", snap.OriginalSource, replay.Source)
	}
	if len(snap.Gaps) != 0 || len(replay.Gaps) != 0 {
		t.Errorf("gaps: file %v, replay %v", snap.Gaps, replay.Gaps)
	}
	if !slices.ContainsFunc(snap.Services, func(s corev1.Service) bool { return s.Namespace == "default" && s.Name == "kubernetes" }) {
		t.Errorf("the snapshot lacks the default/kubernetes Service every live cluster has")
	}
	for _, cm := range snap.ConfigMaps {
		if !slices.ContainsFunc(cluster.ConfigMapAllowList, func(nn types.NamespacedName) bool {
			return nn.Namespace == cm.Namespace && nn.Name == cm.Name
		}) {
			t.Errorf("the snapshot holds ConfigMap %s/%s, which is not allow-listed", cm.Namespace, cm.Name)
		}
	}
	if _, ok := snap.ConfigMap("kube-system", "coredns"); !ok {
		t.Errorf("the snapshot lacks the allow-listed kube-system/coredns ConfigMap")
	}
	if d := diffResults("live", "replay", live.Results, replay.Results); d != "" {
		t.Errorf("the replayed snapshot audits differently:\n%s", d)
	}
}
