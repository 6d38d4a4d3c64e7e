// Package patch turns recommendations into changes a GitOps repository or
// kubectl can take, without talking to a cluster.
//
// Build resolves each resized container of recommender.Container against
// its workload's current pod template (given by a Templates lookup, usually
// FromSnapshot) and each replica change into a Patch per workload, plus a
// Note for every recommendation it cannot express (a bare pod, a container
// the template no longer has). A Set of patches is then rendered four ways:
//
//   - StrategicMerge: a YAML strategic-merge patch per workload that carries
//     apiVersion, kind and metadata, so it serves both
//     `kubectl patch KIND NAME -n NAMESPACE --type strategic --patch-file FILE`
//     and a kustomize `patches:` entry;
//   - JSONPatch: RFC 6902 operations addressing containers by their index
//     in the current template, each change guarded by a "test" of the
//     container's name, for `kubectl patch KIND NAME -n NAMESPACE --type json
//     --patch-file FILE`;
//   - Kustomize: a directory of patch files and a kustomization.yaml listing
//     them with their targets (the file contents are computed here;
//     WriteDir is the only function that touches the disk);
//   - VPAs: autoscaling.k8s.io/v1 VerticalPodAutoscaler objects in
//     recommendation-only mode ("Off").
//
// Amounts of zero mean "leave as is": a patch never removes a request or a
// limit. CheckLimitRanges repeats the LimitRanger admission plugin's rule
// for containers offline, because that plugin judges pods, so a dry-run
// patch of a Deployment cannot show a violation.
//
// Output is deterministic: patches sorted by namespace, kind and name,
// containers in template order (by name when the template is unknown).
package patch
