package workload

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
)

// TestMessages runs each check on its fixtures and compares every result,
// message included, with the text a user reads.
func TestMessages(t *testing.T) {
	for _, tt := range messageCases {
		t.Run(tt.id+"/"+tt.file, func(t *testing.T) {
			got := checktest.Format(checktest.RunFixture(t, Checks(DefaultOptions()), tt.id, tt.file, nil))
			if want := strings.Trim(tt.want, "\n"); got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// TestPullFleetOfDaemonSetOnManifests counts a DaemonSet without status by
// the schedulable nodes its nodeSelector matches, and honours the
// LatestPullFleet option.
func TestPullFleetOfDaemonSetOnManifests(t *testing.T) {
	snap := checktest.LoadFixture(t, "../testdata/WL-014/skip-daemonset-manifests.yaml", checktest.Now)
	node := func(name string, unschedulable bool, labels map[string]string) corev1.Node {
		n := corev1.Node{}
		n.Name, n.Labels, n.Spec.Unschedulable = name, labels, unschedulable
		return n
	}
	// three edge nodes, one cordoned, and one other: the proxy selects edge
	snap.Nodes = []corev1.Node{
		node("e-1", false, map[string]string{"pool": "edge"}),
		node("e-2", false, map[string]string{"pool": "edge"}),
		node("e-3", true, map[string]string{"pool": "edge"}),
		node("w-1", false, map[string]string{"pool": "general"}),
	}
	snap.Gaps = nil
	snap.DaemonSets[0].Spec.Template.Spec.NodeSelector = map[string]string{"pool": "edge"}
	for _, tt := range []struct {
		fleet int
		want  string
	}{
		{2, "  WL-014 warn DaemonSet/shop/edge-proxy: DaemonSet edge-proxy runs on the 2 schedulable nodes its nodeSelector matches, each pod pulling proxy (example.com/shop/edge-proxy) with imagePullPolicy Always on every start: from 2 pods on, a rollout or a node failure makes that many registry pulls at once, which can hit the registry's rate limit (Docker Hub limits anonymous pulls per source address) and leave the pods in ImagePullBackOff; pin a version tag or digest and use IfNotPresent."},
		// 2 nodes < 3
		{3, "  WL-014 pass (cluster): No workload in user namespaces of 3 or more pods pulls a :latest or untagged image with imagePullPolicy Always."},
	} {
		o := DefaultOptions()
		o.LatestPullFleet = tt.fleet
		got := checktest.Format(checktest.Run(t, checktest.ByID(t, Checks(o), "WL-014"), snap))
		if got != tt.want {
			t.Errorf("fleet %d: got:\n%s\nwant:\n%s", tt.fleet, got, tt.want)
		}
	}
}
