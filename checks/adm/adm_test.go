package adm

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// run loads a fixture of ../testdata, lets edit change the snapshot, and
// returns the check's results, one "status object: message" per line.
func run(t *testing.T, id, fixture string, edit func(s *cluster.Snapshot)) string {
	t.Helper()
	return checktest.Format(checktest.RunFixture(t, Checks(DefaultOptions()), id, fixture, edit))
}

// asLive makes a manifest snapshot look like a live read: every kind was
// listed, so EndpointSlices that are not there do not exist.
func asLive(s *cluster.Snapshot) { s.Source = cluster.SourceLive }

func TestADM001Messages(t *testing.T) {
	const fix = " Fix: run at least 2 replicas with a PodDisruptionBudget (maxUnavailable: 1)"
	const exclude = " and exclude kube-system with namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}]}."
	tests := []struct {
		name, fixture string
		edit          func(*cluster.Snapshot)
		want          string
	}{
		{"manifests: one replica, no PDB, every resource everywhere", "fail-manifests-single-replica-all-resources.yaml", nil,
			"ADM-001 fail ValidatingWebhookConfiguration/policy: webhook validate.policy.example.com fails closed but its backend Deployment/policy-webhook wants 1 replica " +
				"and no PodDisruptionBudget covers Deployment/policy-webhook, so one pod going down rejects every request it matches. " +
				"It matches `*` resources in kube-system too, so the pods that would bring it back are rejected with everything else. " +
				"Ready endpoints are not known (the input is manifests, not a live cluster)." + fix + exclude},
		{"no ready endpoint", "fail-no-ready-endpoint.yaml", nil,
			"ADM-001 fail ValidatingWebhookConfiguration/policy: webhook validate.policy.example.com fails closed and Service policy/policy-webhook has no ready endpoint, " +
				"so every request it matches is being rejected; bring its pods back, or set failurePolicy: Ignore until they are."},
		{"scoped, one ready endpoint of two", "fail-scoped-one-ready-endpoint.yaml", nil,
			"ADM-001 warn ValidatingWebhookConfiguration/policy: webhook validate.policy.example.com fails closed but Service policy/policy-webhook has 1 ready endpoint, " +
				"so one pod going down rejects every request it matches." + fix + "."},
		{"live: no EndpointSlice at all means no ready endpoint", "skip-manifests-readiness-unknown.yaml", asLive,
			"ADM-001 fail ValidatingWebhookConfiguration/policy: webhook validate.policy.example.com fails closed and Service policy/policy-webhook has no ready endpoint, " +
				"so every request it matches is being rejected; bring its pods back, or set failurePolicy: Ignore until they are."},
		{"live: the Service is gone", "skip-manifests-readiness-unknown.yaml", func(s *cluster.Snapshot) { asLive(s); s.Services = nil },
			"ADM-001 fail ValidatingWebhookConfiguration/policy: webhook validate.policy.example.com fails closed and calls Service policy/policy-webhook, which does not exist, " +
				"so every request it matches is rejected; restore the Service or delete the webhook."},
		{"manifests: the Service is in another bundle", "skip-manifests-readiness-unknown.yaml", func(s *cluster.Snapshot) { s.Services = nil },
			"ADM-001 skip ValidatingWebhookConfiguration/policy: webhook validate.policy.example.com fails closed and calls Service policy/policy-webhook, " +
				"which the input does not hold; its backends cannot be judged from these manifests."},
		{"manifests without EndpointSlices, two replicas and a PDB", "skip-manifests-readiness-unknown.yaml", nil,
			"ADM-001 skip ValidatingWebhookConfiguration/policy: webhook validate.policy.example.com fails closed; the ready endpoints of Service policy/policy-webhook " +
				"are not known (the input is manifests, not a live cluster, without its EndpointSlices)."},
		{"EndpointSlices unreadable on a live read", "fail-scoped-one-ready-endpoint.yaml", func(s *cluster.Snapshot) {
			asLive(s)
			s.EndpointSlices = nil
			s.Gaps = []cluster.Gap{{Kind: cluster.KindEndpointSlices, Reason: cluster.GapForbidden, Message: "no"}}
		},
			"ADM-001 skip ValidatingWebhookConfiguration/policy: webhook validate.policy.example.com fails closed; the ready endpoints of Service policy/policy-webhook " +
				"are not known (not collected, without its EndpointSlices)."},
		// A namespaceSelector that excludes kube-system by a label the
		// kube-system Namespace carries spares it too.
		{"kube-system excluded by its own label", "fail-manifests-single-replica-all-resources.yaml", func(s *cluster.Snapshot) {
			s.Namespaces = append(s.Namespaces, corev1.Namespace{})
			s.Namespaces[len(s.Namespaces)-1].Name = "kube-system"
			s.Namespaces[len(s.Namespaces)-1].Labels = map[string]string{"control-plane": "true"}
			s.ValidatingWebhooks[0].Webhooks[0].NamespaceSelector = mustSelector(t, "control-plane notin (true)")
			s.ValidatingWebhooks[0].Webhooks[0].Rules[0].Resources = []string{"deployments"}
		},
			"ADM-001 warn ValidatingWebhookConfiguration/policy: webhook validate.policy.example.com fails closed but its backend Deployment/policy-webhook wants 1 replica " +
				"and no PodDisruptionBudget covers Deployment/policy-webhook, so one pod going down rejects every request it matches. " +
				"Ready endpoints are not known (the input is manifests, not a live cluster)." + fix + "."},
		{"two ready endpoints but no PDB", "fail-scoped-one-ready-endpoint.yaml", func(s *cluster.Snapshot) {
			s.PDBs = nil
			t := true
			s.EndpointSlices[0].Endpoints[1].Conditions.Ready = &t
		},
			"ADM-001 warn ValidatingWebhookConfiguration/policy: webhook validate.policy.example.com fails closed but no PodDisruptionBudget covers Deployment/policy-webhook, " +
				"so a node drain or upgrade may evict all its pods at once, and every request it matches is rejected until one is back." + fix + "."},
		{"two ready, a PDB, an Ignore webhook and a URL webhook", "pass-two-ready-endpoints-pdb.yaml", nil, strings.Join([]string{
			"ADM-001 info MutatingWebhookConfiguration/external: webhook mutate.external.example.com fails closed and is called at https://hooks.example.com/mutate, " +
				"outside the cluster's Services, so seaworthy cannot see its backends; make sure what serves it is highly available, or every matching request is rejected while it is down.",
			"ADM-001 pass ValidatingWebhookConfiguration/policy: webhook validate.policy.example.com fails closed and Service policy/policy-webhook has 2 ready endpoints, covered by a PodDisruptionBudget.",
			"ADM-001 pass ValidatingWebhookConfiguration/policy: webhook audit.policy.example.com fails open (failurePolicy Ignore): when its backend is down, requests are admitted without it.",
		}, "\n  ")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := strings.TrimSpace(run(t, "ADM-001", tc.fixture, tc.edit)); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestADM002To004Messages(t *testing.T) {
	tests := []struct {
		id, fixture string
		edit        func(*cluster.Snapshot)
		want        string
	}{
		{"ADM-002", "fail-timeout-30.yaml", nil,
			"ADM-002 warn ValidatingWebhookConfiguration/policy: webhook validate.policy.example.com waits up to 30 s (the API server allows at most 30) for its backend, " +
				"so while the backend hangs every request it matches waits that long and is then rejected (failurePolicy Fail); set timeoutSeconds to 10 or less."},
		{"ADM-002", "pass-default-timeout.yaml", nil,
			"ADM-002 pass ValidatingWebhookConfiguration/policy: webhook validate.policy.example.com times out after 10 s."},
		{"ADM-003", "fail-pods-side-effects-unknown.yaml", nil,
			"ADM-003 warn ValidatingWebhookConfiguration/policy: webhook validate.policy.example.com matches pods with sideEffects Unknown, " +
				"so the API server rejects every dry-run request for pods it matches (kubectl apply --dry-run=server, kubectl diff); set sideEffects: None (or NoneOnDryRun)."},
		{"ADM-003", "pass-pods-side-effects-none.yaml", func(s *cluster.Snapshot) { s.ValidatingWebhooks = s.ValidatingWebhooks[:1] },
			"ADM-003 na (cluster): No admission webhook matches pods."},
		{"ADM-004", "fail-metrics-unavailable.yaml", nil,
			"ADM-004 fail APIService/v1beta1.metrics.k8s.io: APIService v1beta1.metrics.k8s.io is unavailable " +
				"(MissingEndpoints: endpoints for service/metrics-server in \"kube-system\" have no addresses with port name \"https\"), " +
				"so discovery of metrics.k8s.io/v1beta1 fails: kubectl prints an error on every command, namespace deletion hangs and what the API serves is gone; " +
				"fix Service kube-system/metrics-server and its pods, or delete the APIService if its add-on was removed."},
		{"ADM-004", "skip-manifests-no-status.yaml", nil,
			"ADM-004 skip APIService/v1beta1.metrics.k8s.io: APIService v1beta1.metrics.k8s.io (Service kube-system/metrics-server) has no Available condition: " +
				"the API server writes it, and the input is manifests."},
		{"ADM-004", "skip-manifests-no-status.yaml", asLive,
			"ADM-004 warn APIService/v1beta1.metrics.k8s.io: APIService v1beta1.metrics.k8s.io (Service kube-system/metrics-server) has no Available condition, " +
				"so the API server has not judged it; check it with kubectl get apiservice v1beta1.metrics.k8s.io."},
	}
	for _, tc := range tests {
		t.Run(tc.id+"/"+tc.fixture, func(t *testing.T) {
			if got := strings.TrimSpace(run(t, tc.id, tc.fixture, tc.edit)); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func mustSelector(t *testing.T, s string) *metav1.LabelSelector {
	t.Helper()
	sel, err := metav1.ParseToLabelSelector(s)
	if err != nil {
		t.Fatal(err)
	}
	return sel
}

func TestADM005Messages(t *testing.T) {
	tests := []struct {
		name, fixture string
		edit          func(*cluster.Snapshot)
		want          string
	}{
		{"wired", "pass-wired.yaml", nil, "ADM-005 pass ValidatingWebhookConfiguration/policy: webhook validate.policy.example.com calls Service policy/policy-webhook port 443, which the Service exposes and its pods serve."},
		{"live: wired", "pass-wired.yaml", asLive, "ADM-005 pass ValidatingWebhookConfiguration/policy: webhook validate.policy.example.com calls Service policy/policy-webhook port 443, which the Service exposes and its pods serve."},
		{"live: ready endpoints without the pods among those read", "pass-wired.yaml", func(s *cluster.Snapshot) { asLive(s); s.Pods = nil },
			"ADM-005 pass ValidatingWebhookConfiguration/policy: webhook validate.policy.example.com calls Service policy/policy-webhook port 443, which the Service exposes and its pods serve."},
		{"live: the selector matches no pod", "pass-wired.yaml", func(s *cluster.Snapshot) { asLive(s); s.Pods, s.EndpointSlices = nil, nil }, "ADM-005 fail ValidatingWebhookConfiguration/policy: webhook validate.policy.example.com calls Service policy/policy-webhook port 443, but its selector app=policy-webhook matches no pod: every call fails, and with failurePolicy Fail every request it matches is rejected; make clientConfig.service, the Service's ports and selector, and the backend pods' ports line up."},
		{"live: the Service is gone", "pass-wired.yaml", func(s *cluster.Snapshot) { asLive(s); s.Services = nil }, "ADM-005 fail ValidatingWebhookConfiguration/policy: webhook validate.policy.example.com calls Service policy/policy-webhook port 443, but that Service does not exist: every call fails, and with failurePolicy Fail every request it matches is rejected; make clientConfig.service, the Service's ports and selector, and the backend pods' ports line up."},
		{"live: a Service without selector and without EndpointSlices", "pass-wired.yaml", func(s *cluster.Snapshot) {
			asLive(s)
			s.Services[0].Spec.Selector = nil
			s.EndpointSlices = nil
		}, "ADM-005 fail ValidatingWebhookConfiguration/policy: webhook validate.policy.example.com calls Service policy/policy-webhook port 443, " +
			"but the Service has no selector and no EndpointSlice names an address for it: every call fails, and with failurePolicy Fail every request it matches is rejected; " +
			"make clientConfig.service, the Service's ports and selector, and the backend pods' ports line up."},
		{"manifests: the Service is in another bundle", "pass-wired.yaml", func(s *cluster.Snapshot) { s.Services = nil }, "ADM-005 skip ValidatingWebhookConfiguration/policy: webhook validate.policy.example.com calls Service policy/policy-webhook, which the input does not hold; whether it exists with port 443 cannot be judged from these manifests."},
		{"manifests without pods or EndpointSlices", "pass-wired.yaml", func(s *cluster.Snapshot) { s.Pods, s.EndpointSlices = nil, nil }, "ADM-005 skip ValidatingWebhookConfiguration/policy: webhook validate.policy.example.com calls Service policy/policy-webhook port 443, which the Service exposes; whether pods back that port is not known (the input is manifests, not a live cluster, without its pods or EndpointSlices)."},
		{"port, targetPort and EndpointSlice port mismatches", "fail-port-mismatch.yaml", nil, "ADM-005 warn MutatingWebhookConfiguration/audit: webhook mutate.audit.example.com calls Service audit/audit-webhook port 8443, but its targetPort https names no container port of Deployment/audit-webhook: every call fails, and with failurePolicy Ignore the webhook never takes effect; make clientConfig.service, the Service's ports and selector, and the backend pods' ports line up." +
			"\n  " + "ADM-005 fail ValidatingWebhookConfiguration/labels: webhook validate.labels.example.com calls Service labels/labels-webhook port 443, but its EndpointSlices carry no port https (targetPort webhook resolves on none of its pods): every call fails, and with failurePolicy Fail every request it matches is rejected; make clientConfig.service, the Service's ports and selector, and the backend pods' ports line up." +
			"\n  " + "ADM-005 fail ValidatingWebhookConfiguration/policy: webhook validate.policy.example.com calls Service policy/policy-webhook port 443, but the Service exposes only port 8443: every call fails, and with failurePolicy Fail every request it matches is rejected; make clientConfig.service, the Service's ports and selector, and the backend pods' ports line up."},
		{"gates its own backend", "fail-gates-own-backend.yaml", nil, "ADM-005 warn MutatingWebhookConfiguration/guard: webhook inject.guard.example.com fails closed and its rules, namespaceSelector and objectSelector match the pods of its own backend Deployment/guard-webhook: once all of them are down, the pods that would replace them are rejected by the webhook itself, and it cannot come back; exclude the backend's namespace or pods with the namespaceSelector or objectSelector."},
		{"objectSelector leaves its own pods out", "fail-gates-own-backend.yaml", func(s *cluster.Snapshot) {
			s.MutatingWebhooks[0].Webhooks[0].ObjectSelector = &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
				{Key: "app", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"guard-webhook"}}}}
		}, "ADM-005 pass MutatingWebhookConfiguration/guard: webhook inject.guard.example.com calls Service guard/guard-webhook port 443, which the Service exposes and its pods serve."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := run(t, "ADM-005", tt.fixture, tt.edit); got != "  "+tt.want {
				t.Errorf("got:\n%s\nwant:\n  %s", got, tt.want)
			}
		})
	}
}
