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
