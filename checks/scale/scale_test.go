package scale

import (
	"testing"

	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// fixtureLines runs check id on testdata fixture file and renders each
// result as "status Object: message".
func fixtureLines(t *testing.T, id, file string) []string {
	t.Helper()
	return checktest.FixtureLines(t, Checks(DefaultOptions()), id, file)
}

// TestFixtureMessages pins the exact results of each SCALE check on its
// fixtures: the words a reader sees, the status and the object.
func TestFixtureMessages(t *testing.T) {
	tests := []struct {
		id, file string
		want     []string
	}{}
	for _, tt := range tests {
		t.Run(tt.id+"/"+tt.file, func(t *testing.T) {
			got := fixtureLines(t, tt.id, tt.file)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d results, want %d:\n%q", len(got), len(tt.want), got)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("result %d:\ngot  %s\nwant %s", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// Without VPA objects, the server's discovery document decides: a CRD
// that is not served means no VPA at all (na); when it is served, the
// manifests' lack of VPA documents still says nothing (skip).
func TestSCALE004Discovery(t *testing.T) {
	pods := cluster.APIResource{Version: "v1", Resource: "pods"}
	vpas := cluster.APIResource{Group: "autoscaling.k8s.io", Version: "v1", Resource: "verticalpodautoscalers"}
	tests := []struct {
		name string
		api  []cluster.APIResource
		want string
	}{
		{"not served", []cluster.APIResource{pods},
			"na (cluster): The API server does not serve autoscaling.k8s.io/v1 verticalpodautoscalers (the VPA's CRD is not installed), so no VPA can fight an HPA."},
		{"served, none", []cluster.APIResource{pods, vpas},
			"skip (cluster): The manifests hold 1 HorizontalPodAutoscaler but no VerticalPodAutoscaler: files do not show whether the cluster has VPAs for the same workloads; audit the live cluster or include the VPA objects."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := checktest.RunFixture(t, Checks(DefaultOptions()), "SCALE-004", "skip-manifests-no-vpa.yaml",
				func(s *cluster.Snapshot) { s.APIResources = tt.api })
			if len(rs) != 1 {
				t.Fatalf("got %d results", len(rs))
			}
			if got := string(rs[0].Status) + " " + rs[0].Object.String() + ": " + rs[0].Message; got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}
