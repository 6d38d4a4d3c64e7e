// Package checktest holds the builders and assertions the check areas'
// unit tests share: small, readable Kubernetes objects and a way to run one
// check on a snapshot the way the runner does.
package checktest

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// Now is the snapshot time of test snapshots that set none.
var Now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Snapshot returns an empty snapshot taken at Now.
func Snapshot() *cluster.Snapshot {
	return &cluster.Snapshot{SchemaVersion: cluster.SchemaVersion, CollectedAt: Now}
}

// Run runs c on s as the runner does (gaps become skip). A zero
// CollectedAt is set to Now.
func Run(t *testing.T, c check.Check, s *cluster.Snapshot) []result.Result {
	t.Helper()
	if s.CollectedAt.IsZero() {
		s.CollectedAt = Now
	}
	return check.Run(s, []check.Check{c})
}

// RunOne runs c on s and requires exactly one result.
func RunOne(t *testing.T, c check.Check, s *cluster.Snapshot) result.Result {
	t.Helper()
	rs := Run(t, c, s)
	if len(rs) != 1 {
		t.Fatalf("want 1 result, got %d:\n%s", len(rs), Format(rs))
	}
	return rs[0]
}

// ByID returns the check with id from cs.
func ByID(t *testing.T, cs []check.Check, id string) check.Check {
	t.Helper()
	for _, c := range cs {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no check %s", id)
	return check.Check{}
}

// WantEvidence checks the listed evidence keys exactly.
func WantEvidence(t *testing.T, r result.Result, want map[string]any) {
	t.Helper()
	for k, v := range want {
		if got := r.Evidence[k]; !reflect.DeepEqual(got, v) {
			t.Errorf("evidence %s = %#v, want %#v (message: %s)", k, got, v, r.Message)
		}
	}
}

// StatusesByObject maps Object.String() to status.
func StatusesByObject(rs []result.Result) map[string]result.Status {
	m := make(map[string]result.Status, len(rs))
	for _, r := range rs {
		m[r.Object.String()] = r.Status
	}
	return m
}

// FormatResult renders one result for failure messages.
func FormatResult(r result.Result) string {
	return fmt.Sprintf("%s %s %s: %s", r.Check, r.Status, r.Object, r.Message)
}

// Format renders results one per line.
func Format(rs []result.Result) string {
	lines := make([]string, len(rs))
	for i, r := range rs {
		lines[i] = "  " + FormatResult(r)
	}
	return strings.Join(lines, "\n")
}

// Resources builds a ResourceList from name, quantity pairs.
func Resources(kv ...string) corev1.ResourceList {
	if len(kv) == 0 {
		return nil
	}
	l := corev1.ResourceList{}
	for i := 0; i+1 < len(kv); i += 2 {
		l[corev1.ResourceName(kv[i])] = resource.MustParse(kv[i+1])
	}
	return l
}

// Node is a node labelled with its host name, in zone (none when empty),
// with cpu allocatable (none when empty).
func Node(name, zone, cpu string) corev1.Node {
	n := corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{corev1.LabelHostname: name}}}
	if zone != "" {
		n.Labels[corev1.LabelTopologyZone] = zone
	}
	if cpu != "" {
		n.Status.Allocatable = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)}
	}
	return n
}

// Nodes returns count nodes with cpu each, spread round-robin over zones.
func Nodes(count int, cpu string, zones ...string) []corev1.Node {
	nodes := make([]corev1.Node, count)
	for i := range nodes {
		zone := ""
		if len(zones) > 0 {
			zone = zones[i%len(zones)]
		}
		nodes[i] = Node(fmt.Sprintf("node-%04d", i), zone, cpu)
	}
	return nodes
}

// Cordoned marks a node unschedulable.
func Cordoned(n corev1.Node) corev1.Node {
	n.Spec.Unschedulable = true
	return n
}

// BareNode is a node with a provider ID, labels and annotations only.
func BareNode(name, providerID string, labels, annotations map[string]string) corev1.Node {
	return corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels, Annotations: annotations},
		Spec:       corev1.NodeSpec{ProviderID: providerID},
	}
}

// Pod is a pod with labels and annotations only.
func Pod(ns, name string, labels, annotations map[string]string) corev1.Pod {
	return corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels, Annotations: annotations}}
}

// ReadyPod is a running pod on node ("" means pending), Ready or not.
func ReadyPod(ns, name, node string, labels map[string]string, ready bool) corev1.Pod {
	st := corev1.ConditionFalse
	if ready {
		st = corev1.ConditionTrue
	}
	return corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: labels},
		Spec:       corev1.PodSpec{NodeName: node},
		Status: corev1.PodStatus{Phase: corev1.PodRunning,
			Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: st}}},
	}
}

// Namespace is an active namespace.
func Namespace(name string) corev1.Namespace {
	return corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}, Status: corev1.NamespaceStatus{Phase: corev1.NamespaceActive}}
}

// Deployment is a Deployment whose selector and template carry labels.
func Deployment(ns, name string, replicas *int32, labels map[string]string, containers ...corev1.Container) appsv1.Deployment {
	return appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: labels},
		Spec: appsv1.DeploymentSpec{
			Replicas: replicas,
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: containers},
			},
		},
	}
}

// Int32 returns a pointer to v.
func Int32(v int32) *int32 { return &v }
