// Package adm holds the admission checks (ADM-001..ADM-005): the admission
// webhooks and aggregated APIs that every write, or every discovery
// request, goes through, and whose outage is therefore a cluster-wide one.
//
// The decisions the issue leaves open are made here and stated in each
// check's Rule:
//
//   - A webhook's backend is the Service its clientConfig.service names.
//     Its ready endpoints come from the EndpointSlices labelled
//     kubernetes.io/service-name with that Service's name (an endpoint
//     whose conditions.ready is unset counts as ready, as the
//     EndpointSlice API says consumers should), each pod counted once
//     across address families. Its pods' PodDisruptionBudgets are those
//     of the workloads whose pod template the Service's selector matches.
//   - A live read (or a snapshot file saved from one) has every
//     EndpointSlice, so none for a Service means no ready backend.
//     Manifests rarely carry EndpointSlices: there the readiness part
//     skips with the reason, while what the manifests do show (one
//     replica, no PodDisruptionBudget) is still judged.
//   - Severity of ADM-001: a single backend, or one without a
//     PodDisruptionBudget, is warn when the webhook's scope spares the
//     cluster's own components, and fail when it matches `*` resources,
//     or matches kube-system (no namespaceSelector, or one that selects
//     kube-system's labels) for what the add-ons there write to run
//     (pods, their controllers, Leases, ConfigMaps, Services and the
//     like): then the pods that would restart the webhook's backend, or
//     the control plane's add-ons, are rejected with everything else. A
//     webhook on Ingresses only, say, blocks Ingress writes while down,
//     which is a warn. No ready endpoint at all, or a missing Service, is
//     fail whatever the scope: every matching request is rejected now.
//   - A webhook called by URL (clientConfig.url) has backends seaworthy
//     cannot see; ADM-001 says so as info rather than guess.
//   - ADM-002 uses the admissionregistration.k8s.io/v1 limits: timeoutSeconds
//     is between 1 and 30 and defaults to 10.
//   - ADM-004 judges only aggregated APIServices (spec.service set); the
//     API server's own group versions ("Local") are always available.
//   - ADM-005 reuses ADM-001's backend resolution (backends.go) to follow a
//     webhook's clientConfig.service to the Service's ports, its pods (a
//     live read), its EndpointSlices' ports and its workloads' named
//     container ports; manifests that lack a link skip rather than pass.
//     A fail-closed webhook on pods whose selectors match its own
//     backend's pods warns: it can deadlock its own restart.
package adm
