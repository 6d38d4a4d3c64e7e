package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/seaworthy-k8s/seaworthy/checks"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/live"
	"github.com/seaworthy-k8s/seaworthy/cluster/manifests"
	"github.com/seaworthy-k8s/seaworthy/cluster/snapshotfile"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// serverProbeChecks are the checks whose results rest on what the API
// server says about itself rather than on its objects. A directory of
// manifests carries none of it, and the harness's server is not the
// scenario's (it has anonymous auth on and a year-long certificate whatever
// the scenario's pods say), so a live and an offline audit of the same
// objects legitimately differ there, and the CLI comparison below leaves
// them out; the in-process comparison, which gives the offline snapshot
// the live server's answers, covers them too.
//
// ETCD-002 also reads a probe (/readyz?verbose), but only when no
// kube-apiserver pod, kubeadm-config or k3s node-args shows the flag and
// the platform is not managed; every scenario shows one or is managed, so
// it is compared. A scenario decided by /readyz belongs here.
var serverProbeChecks = map[string]string{
	"CERT-001":  "the serving certificate's expiry is read from the TLS handshake; offline it is a skip",
	"SEC-001":   "the live result carries the unauthenticated GET /api answer in its evidence, and decides from it where no flags are visible",
	"SEC-002":   "the unauthenticated GET /api answer decides over the flags the scenario's pods claim (the harness's server has anonymous auth on); offline managed scenarios are na",
	"NODE-006":  "kubelet skew is judged against the API server's gitVersion, which only a live read has (the harness's, not the scenario's); offline it is a skip",
	"OBS-001":   "whether the metrics APIs are served is read from the APIServices, which a scenario cannot carry (the server writes their status, so the loader refuses them): live the harness serves no metrics.k8s.io, offline the scenario's metrics-server Deployment stands for it; the in-process comparison gives the offline snapshot the live APIServices",
	"SCALE-004": "without VPA objects, whether the VPA's CRD is installed is the server's discovery document's to say; offline manifests with HPAs are a skip",
}

// A live audit and an offline audit of the same objects give the same
// results. Every scenario cluster is loaded into a real kube-apiserver and
// collected live as of the scenario's time (LiveOptions.Now), so Lease ages
// and every other time-relative judgement are those of the offline audit
// with --now. The live snapshot is written to a file and audited with the
// CLI, which is compared with `audit -f` of the manifests:
//
//   - every result of every check is compared exactly (status, object,
//     message, evidence), except those of serverProbeChecks, which must
//     still report on both sides;
//   - the server runs without its identity Lease (feature gate
//     APIServerIdentity off), which would otherwise count as one more API
//     server in CP-001 on every scenario; its other own objects (bootstrap
//     RBAC, the default/kubernetes Service, the default namespaces, which
//     every scenario declares too) may not change a result;
//   - in-process, the offline snapshot is given the live server's version,
//     probes, discovery and APIServices, and then every check's results must be equal,
//     the server-probe checks included.
func TestLiveAuditMatchesOffline(t *testing.T) {
	now, err := time.Parse(time.RFC3339, scenarioNow)
	if err != nil {
		t.Fatal(err)
	}
	dirs := scenarioDirs(t)
	take := startClusters(t, dirs, 2)
	for i, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			lc := take(t, i)
			snap, err := live.Collect(t.Context(), lc.Admin, live.Options{Now: func() time.Time { return now }})
			if err != nil {
				t.Fatalf("collect: %v", err)
			}
			if len(snap.Gaps) != 0 {
				t.Errorf("the admin's live collection has gaps: %v", snap.Gaps)
			}
			if snap.Source != cluster.SourceLive || snap.Server.ServingCert == nil || snap.Server.Anonymous == nil || len(snap.Server.ReadyzChecks) == 0 || len(snap.APIResources) == 0 {
				t.Errorf("the live collection lacks the server's probes: source %q, server %+v, %d API resources", snap.Source, snap.Server, len(snap.APIResources))
			}
			file := filepath.Join(t.TempDir(), "live.snapshot.json")
			writeSnapshot(t, file, snap)
			live := audit(t, "-f", file)
			offline := audit(t, "-f", dir, "--now", scenarioNow)
			if live.CollectedAt != scenarioNow || offline.CollectedAt != scenarioNow {
				t.Errorf("collectedAt live %s, offline %s, want %s", live.CollectedAt, offline.CollectedAt, scenarioNow)
			}
			if live.Source != "snapshot (live)" {
				t.Errorf("live report source %q", live.Source)
			}
			if d := diffResults("offline "+dir, "live", withoutProbeChecks(t, offline.Results), withoutProbeChecks(t, live.Results)); d != "" {
				t.Errorf("live and offline audits differ:\n%s", d)
			}

			off, err := manifests.Load([]string{dir}, manifests.Options{Now: now, Warn: func(string) {}})
			if err != nil {
				t.Fatal(err)
			}
			off.Server, off.APIResources = snap.Server, snap.APIResources
			// The server's own APIServices, as the live read has them: a
			// scenario cannot carry APIServices (see serverProbeChecks).
			off.APIServices = snap.APIServices
			all := checks.Catalog()
			got := resultsJSON(t, checks.Run(snap, all))
			want := resultsJSON(t, checks.Run(off, all))
			if d := diffResults("offline "+dir+" with the live server's probes", "live", want, got); d != "" {
				t.Errorf("live and offline results differ on the same server facts:\n%s", d)
			}
		})
	}
}

// withoutProbeChecks drops the results of serverProbeChecks, requiring
// that each of those checks that is registered reported something.
func withoutProbeChecks(t *testing.T, rs []auditResult) []auditResult {
	t.Helper()
	seen := map[string]bool{}
	var out []auditResult
	for _, r := range rs {
		if _, ok := serverProbeChecks[r.Check]; ok {
			seen[r.Check] = true
			continue
		}
		out = append(out, r)
	}
	for id := range serverProbeChecks {
		if _, registered := checks.ByID(id); registered && !seen[id] {
			t.Errorf("%s reported nothing", id)
		}
	}
	return out
}

// resultsJSON renders in-process results as the JSON report carries them.
func resultsJSON(t *testing.T, rs []result.Result) []auditResult {
	t.Helper()
	b, err := json.Marshal(rs)
	if err != nil {
		t.Fatal(err)
	}
	var out []auditResult
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	for i := range out {
		if len(out[i].Evidence) == 0 {
			continue
		}
		var c bytes.Buffer
		if err := json.Compact(&c, out[i].Evidence); err != nil {
			t.Fatal(err)
		}
		out[i].Evidence = c.Bytes()
	}
	return out
}

func writeSnapshot(t *testing.T, path string, snap *cluster.Snapshot) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := snapshotfile.Write(f, snap); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// `snapshot` of a live cluster replays offline to the live audit's results
// (as of the live audit's moment: the demo cluster's leader Leases are
// judged older by the later of two reads), and the file holds what a live
// read holds (the server's own objects) but no ConfigMap outside the
// allow-list.
func TestLiveSnapshotReplay(t *testing.T) {
	lc := startCluster(t, demoDir)
	file := filepath.Join(t.TempDir(), "demo.snapshot.json")
	if r := runCLI(t, "snapshot", "--kubeconfig", lc.Kubeconfig, "-o", file); r.code != 0 || r.stdout != "" {
		t.Fatalf("snapshot: %s, stdout %q", r, r.stdout)
	}
	live := audit(t, "--kubeconfig", lc.Kubeconfig)
	replay := audit(t, "-f", file)

	snap, err := snapshotfile.ReadFile(file)
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
		if !slices.ContainsFunc(cluster.ConfigMapAllowList(), func(nn types.NamespacedName) bool {
			return nn.Namespace == cm.Namespace && nn.Name == cm.Name
		}) {
			t.Errorf("the snapshot holds ConfigMap %s/%s, which is not allow-listed", cm.Namespace, cm.Name)
		}
	}
	if _, ok := snap.ConfigMap("kube-system", "coredns"); !ok {
		t.Errorf("the snapshot lacks the allow-listed kube-system/coredns ConfigMap")
	}
	retimed, err := time.Parse(time.RFC3339, live.CollectedAt)
	if err != nil {
		t.Fatal(err)
	}
	snap.CollectedAt = retimed
	atLive := filepath.Join(t.TempDir(), "demo.at-live.snapshot.json")
	writeSnapshot(t, atLive, snap)
	if d := diffResults("live", "replay", live.Results, audit(t, "-f", atLive).Results); d != "" {
		t.Errorf("the replayed snapshot audits differently:\n%s", d)
	}
}
