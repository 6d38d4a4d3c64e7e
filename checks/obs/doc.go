// Package obs holds the observability checks (OBS-001..OBS-003): whether
// the metrics APIs the HorizontalPodAutoscalers read are served, whether
// the cluster collects its pods' logs, and whether anything scrapes its
// metrics.
//
// The decisions the issue leaves open are made here and stated in each
// check's Rule:
//
//   - An HPA reads the resource metrics API (metrics.k8s.io) for Resource
//     and ContainerResource metrics, and an autoscaling/v2 HPA with no
//     metrics defaults to 80% cpu, which is a Resource metric too; Pods
//     and Object metrics come from custom.metrics.k8s.io and External
//     metrics from external.metrics.k8s.io. A group is served when an
//     APIService of that group has the condition Available True, which
//     the API server's availability controller writes after it reaches
//     the Service behind it.
//   - A live read (or a snapshot saved from one) lists every APIService,
//     so a group without one is not served. Manifests rarely carry
//     APIServices, and those of one add-on's bundle are not all of the
//     cluster's (unless they include the API server's own, spec.service
//     unset, which only a dump of the whole list has): without one of the
//     group, a metrics-server (or, for the custom and
//     external groups, a metrics adapter) workload in the input is taken
//     as evidence the group will be served, and otherwise the check skips,
//     since one application's manifests are not a whole cluster.
//   - Log agents and metrics scrapers are recognised by workload, never by
//     configuration: by container image name (index.ImageName, or the end
//     of the repository for names with a slash, such as datadoghq/agent)
//     or by the app.kubernetes.io/name or k8s-app label of the workload or
//     its pod template. The OpenTelemetry Collector is not in the default
//     log agent list: as a DaemonSet it may collect only metrics or
//     traces, which its image does not tell; add it with
//     Options.ExtraLogAgents where it runs a filelog receiver.
//   - Manifests without Node objects are a part of a cluster (one add-on's
//     bundle, say): OBS-002 and OBS-003 then skip rather than report an
//     absence, while what they do find is still reported.
package obs
