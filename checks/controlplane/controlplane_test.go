package controlplane

import (
	"strings"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

func TestFixtures(t *testing.T) { checktest.Fixtures(t, Checks(DefaultOptions()), "../testdata") }

// TestCP002LeasesOnManifests: manifests never carry leader Leases, so with
// neither lease in manifest input CP-002 skips; a live read (or a snapshot
// file of one) without them fails, and manifests that hold one of them are
// a dump, whose missing other lease fails.
func TestCP002LeasesOnManifests(t *testing.T) {
	fresh := func(name string) coordinationv1.Lease {
		holder := "cp-a_" + name
		return coordinationv1.Lease{
			ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: name},
			Spec: coordinationv1.LeaseSpec{HolderIdentity: &holder,
				RenewTime: &metav1.MicroTime{Time: checktest.Now.Add(-5 * time.Second)}},
		}
	}
	const kcm, sched = "Lease/kube-system/kube-controller-manager", "Lease/kube-system/kube-scheduler"
	tests := []struct {
		name           string
		source, origin string
		leases         []coordinationv1.Lease
		want           map[string]result.Status
	}{
		{"manifests, no leases", cluster.SourceManifests, "", nil,
			map[string]result.Status{kcm: result.StatusSkip, sched: result.StatusSkip}},
		{"snapshot file of manifests, no leases", cluster.SourceSnapshot, cluster.SourceManifests, nil,
			map[string]result.Status{kcm: result.StatusSkip, sched: result.StatusSkip}},
		{"live, no leases", cluster.SourceLive, "", nil,
			map[string]result.Status{kcm: result.StatusFail, sched: result.StatusFail}},
		{"snapshot file of a live read, no leases", cluster.SourceSnapshot, cluster.SourceLive, nil,
			map[string]result.Status{kcm: result.StatusFail, sched: result.StatusFail}},
		{"manifests holding one lease", cluster.SourceManifests, "", []coordinationv1.Lease{fresh("kube-scheduler")},
			map[string]result.Status{kcm: result.StatusFail, sched: result.StatusPass}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := checktest.Snapshot()
			s.Source, s.OriginalSource = tt.source, tt.origin
			s.Nodes = checktest.Nodes(3, "4", "a", "b", "c")
			s.Leases = tt.leases
			rs := checktest.Run(t, checktest.ByID(t, Checks(DefaultOptions()), "CP-002"), s)
			got := checktest.StatusesByObject(rs)
			for obj, want := range tt.want {
				if got[obj] != want {
					t.Errorf("%s: got %s, want %s:\n%s", obj, got[obj], want, checktest.Format(rs))
				}
			}
			for _, r := range rs {
				if r.Status == result.StatusSkip && !strings.Contains(r.Message, "manifests, which do not carry leader Leases") {
					t.Errorf("skip does not say why: %s", r.Message)
				}
			}
		})
	}
}
