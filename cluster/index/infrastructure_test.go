package index_test

import (
	"reflect"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
)

func podSpec(hostNetwork bool, priority string) corev1.PodSpec {
	return corev1.PodSpec{HostNetwork: hostNetwork, PriorityClassName: priority, Containers: []corev1.Container{{Name: "c", Image: "x"}}}
}

func daemonSet(ns, name string, spec corev1.PodSpec) appsv1.DaemonSet {
	return appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: appsv1.DaemonSetSpec{Template: corev1.PodTemplateSpec{Spec: spec}}}
}

func deployment(ns, name string, spec corev1.PodSpec) appsv1.Deployment {
	return appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{Spec: spec}}}
}

func TestInfrastructureNamespaces(t *testing.T) {
	s := checktest.Snapshot()
	s.DaemonSets = []appsv1.DaemonSet{
		daemonSet("calico-system", "calico-node", podSpec(true, "system-node-critical")),
		daemonSet("metallb-system", "speaker", podSpec(true, "")),
		daemonSet("logging", "fluent-bit", podSpec(false, "")),
		// A DaemonSet off the host network beside an ordinary Deployment is
		// no node agent: tenants run those too.
		daemonSet("team-a", "log-shipper", podSpec(false, "")),
		// node-exporter on the host network makes a monitoring namespace
		// infrastructure too: a quota there keeps it off new nodes.
		daemonSet("monitoring", "node-exporter", podSpec(true, "")),
	}
	s.Deployments = []appsv1.Deployment{
		deployment("calico-system", "calico-kube-controllers", podSpec(false, "system-cluster-critical")),
		deployment("metallb-system", "controller", podSpec(false, "")),
		deployment("tigera-operator", "tigera-operator", podSpec(true, "")),
		deployment("team-a", "web", podSpec(false, "")),
		deployment("monitoring", "grafana", podSpec(false, "")),
		deployment("critical-only", "cluster-autoscaler", podSpec(false, "system-cluster-critical")),
	}
	s.CronJobs = []batchv1.CronJob{{ObjectMeta: metav1.ObjectMeta{Namespace: "critical-only", Name: "report"},
		Spec: batchv1.CronJobSpec{JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: podSpec(false, "")}}}}}}
	// An etcd backup CronJob on the host network is no infrastructure.
	s.Jobs = []batchv1.Job{{ObjectMeta: metav1.ObjectMeta{Namespace: "etcd-backup", Name: "etcd-snapshot-29000000"},
		Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: podSpec(true, "")}}}}
	controlled := checktest.Pod("agents", "agent-x1", nil, nil)
	isController := true
	controlled.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "DaemonSet", Name: "agent", Controller: &isController}}
	s.Pods = []corev1.Pod{controlled}

	got := index.New(s).InfrastructureNamespaces()
	want := []index.Infrastructure{
		{Namespace: "agents", Workloads: []string{"Pod/agent-x1: controlled by a DaemonSet"}},
		{Namespace: "calico-system", Agent: true, Workloads: []string{"DaemonSet/calico-node: hostNetwork, system-node-critical"}},
		{Namespace: "logging", Workloads: []string{"DaemonSet/fluent-bit"}},
		{Namespace: "metallb-system", Agent: true, Workloads: []string{"DaemonSet/speaker: hostNetwork"}},
		{Namespace: "monitoring", Agent: true, Workloads: []string{"DaemonSet/node-exporter: hostNetwork"}},
		{Namespace: "tigera-operator", Workloads: []string{"Deployment/tigera-operator: hostNetwork"}},
	}
	// critical-only: its CronJob is an ordinary workload; etcd-backup: a
	// Job is never node-level; team-a: an
	// ordinary Deployment beside a DaemonSet off the host network.
	if !reflect.DeepEqual(got, want) {
		t.Errorf("InfrastructureNamespaces =\n%+v\nwant\n%+v", got, want)
	}
}
