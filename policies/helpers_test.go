package policies

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// deployment builds a Deployment with one container; requests are
// "cpu=100m,memory=64Mi"-style pairs, "" for none.
func deployment(namespace, name string, replicas int32, requests string) appsv1.Deployment {
	c := corev1.Container{Name: "app", Image: "shop/" + name + ":1.0"}
	if requests != "" {
		c.Resources.Requests = corev1.ResourceList{}
		for _, kv := range strings.Split(requests, ",") {
			k, v, _ := strings.Cut(kv, "=")
			c.Resources.Requests[corev1.ResourceName(k)] = resource.MustParse(v)
		}
	}
	return appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{c}}},
		},
	}
}

// value builds the input document of snap and results as an AST value.
func value(t testing.TB, snap *cluster.Snapshot, results []result.Result) ast.Value {
	t.Helper()
	v, err := ToValue(Input(snap, results, nil, index.New(snap)))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// lines renders results one a line: check, status, object, message and
// evidence as JSON.
func lines(t testing.TB, rs []result.Result) string {
	t.Helper()
	var b strings.Builder
	for _, r := range rs {
		ev, err := json.Marshal(r.Evidence)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %s %s: %s %s\n", r.Check, r.Status, r.Object, r.Message, ev)
	}
	return b.String()
}
