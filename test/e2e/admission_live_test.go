package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/seaworthy-k8s/seaworthy/checks/adm"
	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/live"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// The admission kinds are read from a real API server: webhook
// configurations without their CA bundles, EndpointSlices, and APIServices
// with the Available condition the server's own availability controller
// writes. The ADM checks then judge what the server holds: a fail-closed
// webhook on Deployments everywhere with one ready endpoint fails, a
// URL webhook is info, its 30 s timeout warns, and an APIService whose
// Service does not exist fails with the server's reason.
func TestLiveAdmissionKinds(t *testing.T) {
	lc := startCluster(t)
	ctx := t.Context()
	c := lc.client
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("create %s: %v", what, err)
		}
	}
	one, thirty := int32(1), int32(30)
	fail, none := admissionregistrationv1.Fail, admissionregistrationv1.SideEffectClassNone
	labels := map[string]string{"app": "policy-webhook"}
	_, err := c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "policy"}}, metav1.CreateOptions{})
	must("namespace", err)
	_, err = c.CoreV1().Services("policy").Create(ctx, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "policy-webhook", Namespace: "policy"},
		Spec: corev1.ServiceSpec{Selector: labels, Ports: []corev1.ServicePort{{Port: 443}}}}, metav1.CreateOptions{})
	must("service", err)
	_, err = c.AppsV1().Deployments("policy").Create(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "policy-webhook", Namespace: "policy"},
		Spec: appsv1.DeploymentSpec{Replicas: &one, Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "webhook", Image: "example.com/policy-webhook:1.0"}}}}}}, metav1.CreateOptions{})
	must("deployment", err)
	ready, notReady := true, false
	_, err = c.DiscoveryV1().EndpointSlices("policy").Create(ctx, &discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Name: "policy-webhook-x7k2p", Namespace: "policy", Labels: map[string]string{discoveryv1.LabelServiceName: "policy-webhook"}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Endpoints: []discoveryv1.Endpoint{
			{Addresses: []string{"10.0.0.1"}, Conditions: discoveryv1.EndpointConditions{Ready: &ready}},
			{Addresses: []string{"10.0.0.2"}, Conditions: discoveryv1.EndpointConditions{Ready: &notReady}},
		}}, metav1.CreateOptions{})
	must("endpointslice", err)
	ca := []byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
	url := "https://127.0.0.1:1/mutate"
	_, err = c.AdmissionregistrationV1().MutatingWebhookConfigurations().Create(ctx, &admissionregistrationv1.MutatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "external"},
		Webhooks: []admissionregistrationv1.MutatingWebhook{{Name: "mutate.external.example.com", AdmissionReviewVersions: []string{"v1"},
			SideEffects: &none, FailurePolicy: &fail, TimeoutSeconds: &thirty,
			ClientConfig: admissionregistrationv1.WebhookClientConfig{URL: &url, CABundle: ca},
			Rules: []admissionregistrationv1.RuleWithOperations{{Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create},
				Rule: admissionregistrationv1.Rule{APIGroups: []string{"batch"}, APIVersions: []string{"v1"}, Resources: []string{"cronjobs"}}}}}},
	}, metav1.CreateOptions{})
	must("mutating webhook configuration", err)
	// Last: from here on the server rejects Deployment writes, since the
	// webhook's backend does not answer.
	_, err = c.AdmissionregistrationV1().ValidatingWebhookConfigurations().Create(ctx, &admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "policy"},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{Name: "validate.policy.example.com", AdmissionReviewVersions: []string{"v1"},
			SideEffects: &none, FailurePolicy: &fail,
			ClientConfig: admissionregistrationv1.WebhookClientConfig{CABundle: ca,
				Service: &admissionregistrationv1.ServiceReference{Namespace: "policy", Name: "policy-webhook"}},
			Rules: []admissionregistrationv1.RuleWithOperations{{Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
				Rule: admissionregistrationv1.Rule{APIGroups: []string{"apps"}, APIVersions: []string{"v1"}, Resources: []string{"deployments"}}}}}},
	}, metav1.CreateOptions{})
	must("validating webhook configuration", err)

	dyn, err := dynamic.NewForConfig(lc.Admin)
	if err != nil {
		t.Fatal(err)
	}
	apiservices := dyn.Resource(schema.GroupVersionResource{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"})
	_, err = apiservices.Create(ctx, &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
		"metadata": map[string]any{"name": "v1alpha1.adm.seaworthy.test"},
		"spec": map[string]any{"group": "adm.seaworthy.test", "version": "v1alpha1", "insecureSkipTLSVerify": true,
			"groupPriorityMinimum": int64(100), "versionPriority": int64(100),
			"service": map[string]any{"namespace": "policy", "name": "missing", "port": int64(443)}},
	}}, metav1.CreateOptions{})
	must("apiservice", err)
	// The server's availability controller judges the new APIService.
	deadline := time.Now().Add(30 * time.Second)
	for {
		u, err := apiservices.Get(ctx, "v1alpha1.adm.seaworthy.test", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
		if len(conds) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the API server set no condition on the APIService within 30 s")
		}
		time.Sleep(200 * time.Millisecond)
	}

	snap, err := live.Collect(ctx, lc.Admin, live.Options{})
	if err != nil {
		t.Fatalf("collect: %v", err)
	}
	for _, g := range snap.Gaps {
		if slices.Contains([]cluster.Kind{cluster.KindValidatingWebhooks, cluster.KindMutatingWebhooks, cluster.KindAPIServices, cluster.KindEndpointSlices}, g.Kind) {
			t.Errorf("gap for an admission kind: %+v", g)
		}
	}
	if len(snap.ValidatingWebhooks) != 1 || len(snap.MutatingWebhooks) != 1 {
		t.Fatalf("webhook configurations: %d validating, %d mutating, want 1 and 1", len(snap.ValidatingWebhooks), len(snap.MutatingWebhooks))
	}
	if n := len(snap.ValidatingWebhooks[0].Webhooks[0].ClientConfig.CABundle) + len(snap.MutatingWebhooks[0].Webhooks[0].ClientConfig.CABundle); n != 0 {
		t.Errorf("CA bundles kept: %d bytes", n)
	}
	if snap.ValidatingWebhooks[0].ManagedFields != nil {
		t.Errorf("managedFields kept")
	}
	var names []string
	for _, es := range snap.EndpointSlices {
		names = append(names, es.Namespace+"/"+es.Name)
	}
	if !slices.Contains(names, "policy/policy-webhook-x7k2p") {
		t.Errorf("endpointslices %v lack policy/policy-webhook-x7k2p", names)
	}
	var local, aggregated int
	var cond string
	for i := range snap.APIServices {
		a := &snap.APIServices[i]
		if a.Spec.Service == nil {
			local++
			continue
		}
		aggregated++
		if c := a.Condition("Available"); c != nil {
			cond = fmt.Sprintf("%s %s %s: %s", a.Name, c.Status, c.Reason, c.Message)
		}
	}
	// The server registers one local APIService per group version it serves.
	if local < 20 || aggregated != 1 {
		t.Errorf("apiservices: %d local, %d aggregated; want at least 20 local and 1 aggregated", local, aggregated)
	}
	if want := `v1alpha1.adm.seaworthy.test False ServiceNotFound: service/missing in "policy" is not present`; cond != want {
		t.Errorf("APIService condition %q, want %q", cond, want)
	}

	got := checkFormat(check.Run(snap, adm.Checks(adm.DefaultOptions())))
	want := strings.Join([]string{
		"ADM-001 info MutatingWebhookConfiguration/external: webhook mutate.external.example.com fails closed and is called at https://127.0.0.1:1/mutate, " +
			"outside the cluster's Services, so seaworthy cannot see its backends; make sure what serves it is highly available, or every matching request is rejected while it is down.",
		"ADM-001 fail ValidatingWebhookConfiguration/policy: webhook validate.policy.example.com fails closed but Service policy/policy-webhook has 1 ready endpoint " +
			"and no PodDisruptionBudget covers Deployment/policy-webhook, so one pod going down rejects every request it matches. " +
			"It matches kube-system's pods and workloads, so the cluster's own add-ons cannot be changed or restarted while it is down. " +
			"Fix: run at least 2 replicas with a PodDisruptionBudget (maxUnavailable: 1) and exclude kube-system with " +
			"namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}]}.",
		"ADM-002 warn MutatingWebhookConfiguration/external: webhook mutate.external.example.com waits up to 30 s (the API server allows at most 30) for its backend, " +
			"so while the backend hangs every request it matches waits that long and is then rejected (failurePolicy Fail); set timeoutSeconds to 10 or less.",
		"ADM-002 pass ValidatingWebhookConfiguration/policy: webhook validate.policy.example.com times out after 10 s.",
		"ADM-003 na (cluster): No admission webhook matches pods.",
		"ADM-004 fail APIService/v1alpha1.adm.seaworthy.test: APIService v1alpha1.adm.seaworthy.test is unavailable " +
			"(ServiceNotFound: service/missing in \"policy\" is not present), so discovery of adm.seaworthy.test/v1alpha1 fails: " +
			"kubectl prints an error on every command, namespace deletion hangs and what the API serves is gone; " +
			"fix Service policy/missing and its pods, or delete the APIService if its add-on was removed.",
		// The Deployment's pods never start (no controllers run), but the
		// EndpointSlice's ready endpoint shows what backs the Service.
		"ADM-005 pass ValidatingWebhookConfiguration/policy: webhook validate.policy.example.com calls Service policy/policy-webhook port 443, " +
			"which the Service exposes and its pods serve.",
	}, "\n")
	if got != want {
		t.Errorf("ADM results on the live server:\n%s\nwant:\n%s", got, want)
	}
}

// checkFormat renders results one per line as "CHECK status object: message".
func checkFormat(rs []result.Result) string {
	lines := make([]string, len(rs))
	for i, r := range rs {
		lines[i] = fmt.Sprintf("%s %s %s: %s", r.Check, r.Status, r.Object, r.Message)
	}
	return strings.Join(lines, "\n")
}
