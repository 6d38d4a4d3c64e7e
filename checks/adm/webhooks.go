package adm

import (
	"fmt"
	"slices"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// webhook is one webhook of a validating or mutating configuration, with
// the fields the checks read.
type webhook struct {
	kind              cluster.Kind
	config, name      string
	failurePolicy     *admissionregistrationv1.FailurePolicyType
	sideEffects       *admissionregistrationv1.SideEffectClass
	timeoutSeconds    *int32
	clientConfig      *admissionregistrationv1.WebhookClientConfig
	rules             []admissionregistrationv1.RuleWithOperations
	namespaceSelector *metav1.LabelSelector
	objectSelector    *metav1.LabelSelector
}

// webhooks returns every webhook of s, validating configurations first,
// each in configuration and list order.
func webhooks(s *cluster.Snapshot) []webhook {
	var out []webhook
	for i := range s.ValidatingWebhooks {
		c := &s.ValidatingWebhooks[i]
		for j := range c.Webhooks {
			w := &c.Webhooks[j]
			out = append(out, webhook{cluster.KindValidatingWebhooks, c.Name, w.Name, w.FailurePolicy, w.SideEffects,
				w.TimeoutSeconds, &w.ClientConfig, w.Rules, w.NamespaceSelector, w.ObjectSelector})
		}
	}
	for i := range s.MutatingWebhooks {
		c := &s.MutatingWebhooks[i]
		for j := range c.Webhooks {
			w := &c.Webhooks[j]
			out = append(out, webhook{cluster.KindMutatingWebhooks, c.Name, w.Name, w.FailurePolicy, w.SideEffects,
				w.TimeoutSeconds, &w.ClientConfig, w.Rules, w.NamespaceSelector, w.ObjectSelector})
		}
	}
	return out
}

// ref is the webhook's configuration.
func (w *webhook) ref() result.ObjectRef { return cluster.RefOf(w.kind, "", w.config) }

// label names the webhook in messages: "webhook NAME".
func (w *webhook) label() string { return fmt.Sprintf("webhook %s", w.name) }

// evidence holds the keys every webhook result carries.
func (w *webhook) evidence() result.Evidence { return result.Evidence{"webhook": w.name} }

// failsClosed reports whether the API server rejects a matching request
// when the webhook cannot be called (failurePolicy Fail, the v1 default).
func (w *webhook) failsClosed() bool {
	return w.failurePolicy == nil || *w.failurePolicy == admissionregistrationv1.Fail
}

// wildcardResources reports whether a rule matches every resource.
func (w *webhook) wildcardResources() bool {
	for _, r := range w.rules {
		if slices.Contains(r.Resources, "*") || slices.Contains(r.Resources, "*/*") {
			return true
		}
	}
	return false
}

// systemResources are the resources the control plane's add-ons in
// kube-system write to run at all (their pods, their controllers, their
// leader Leases and the objects they publish), by API group.
var systemResources = map[string][]string{
	"":                    {"pods", "configmaps", "services", "endpoints", "serviceaccounts", "secrets"},
	"apps":                {"deployments", "replicasets", "daemonsets", "statefulsets"},
	"coordination.k8s.io": {"leases"},
	"discovery.k8s.io":    {"endpointslices"},
}

// matchesSystemResources reports whether a rule matches a resource (or a
// subresource of one) of systemResources, or every resource.
func (w *webhook) matchesSystemResources() bool {
	for _, r := range w.rules {
		for _, res := range r.Resources {
			base, _, _ := strings.Cut(res, "/")
			for group, names := range systemResources {
				if !slices.Contains(r.APIGroups, group) && !slices.Contains(r.APIGroups, "*") {
					continue
				}
				if base == "*" || slices.Contains(names, base) {
					return true
				}
			}
		}
	}
	return false
}

// matchesPods reports whether a rule matches pods or a pod subresource.
func (w *webhook) matchesPods() bool {
	for _, r := range w.rules {
		if !slices.Contains(r.APIGroups, "") && !slices.Contains(r.APIGroups, "*") {
			continue
		}
		for _, res := range r.Resources {
			switch res {
			case "pods", "pods/*", "*", "*/*":
				return true
			}
		}
	}
	return false
}

// matchesKubeSystem reports whether the webhook's namespaceSelector
// selects kube-system, whose labels are those of its Namespace object in s
// (if any) and kubernetes.io/metadata.name, which the API server sets on
// every namespace. An invalid selector is taken to select it: the API
// server would not have admitted the object, so nothing is known.
func (w *webhook) matchesKubeSystem(kubeSystem labels.Set) bool {
	return selects(w.namespaceSelector, kubeSystem)
}

// selects reports whether a webhook's namespaceSelector or objectSelector
// sel selects an object labelled set: a nil or empty selector selects
// everything, and an invalid one is taken to (the API server would not
// have admitted it, so nothing is known).
func selects(sel *metav1.LabelSelector, set labels.Set) bool {
	if sel == nil {
		return true
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		return true
	}
	return s.Matches(set)
}

// namespaceLabels returns namespace ns's labels as a namespaceSelector
// sees them: its Namespace object's labels in s (if any) and
// kubernetes.io/metadata.name, which the API server sets on every
// namespace.
func namespaceLabels(s *cluster.Snapshot, ns string) labels.Set {
	set := labels.Set{}
	for i := range s.Namespaces {
		if n := &s.Namespaces[i]; n.Name == ns {
			for k, v := range n.Labels {
				set[k] = v
			}
		}
	}
	set["kubernetes.io/metadata.name"] = ns
	return set
}

// kubeSystemLabels returns kube-system's labels as a namespaceSelector
// sees them.
func kubeSystemLabels(s *cluster.Snapshot) labels.Set { return namespaceLabels(s, "kube-system") }

// noWebhooks is the na result of a check when s holds no webhooks. It
// reads the same for a live read and for manifests, so that the two audit
// the same objects alike.
func noWebhooks(*cluster.Snapshot) result.Result {
	return result.New(result.StatusNA, result.ObjectRef{}, "No admission webhook is configured in the input.", nil)
}
