package workload

// messageCases are the exact results of each check on its fixtures in
// ../testdata/WL-*/.
var messageCases = []struct{ id, file, want string }{
	{"WL-001", "fail-single-replica.yaml", `
  WL-001 warn Deployment/shop/cart: Deployment cart runs a single replica and no HorizontalPodAutoscaler raises it, so every drain, eviction or rollout of its pod is an outage; run at least 2.
  WL-001 warn StatefulSet/shop/db: StatefulSet db can run a single replica: HorizontalPodAutoscaler db has minReplicas 1, so at low load one drain, eviction or rollout takes it down; set minReplicas: 2.
`},
	{"WL-001", "pass-all-replicated.yaml", `
  WL-001 pass (cluster): The one Deployment or StatefulSet in user namespaces runs at least 2 replicas.
`},
	{"WL-001", "pass-singletons-by-design.yaml", `
  WL-001 info Deployment/default/external-dns: Deployment external-dns runs one replica, a singleton by design (two copies would race to write the same DNS records); it is down while its pod is rescheduled.
  WL-001 info Deployment/kyverno/kyverno-background-controller: Deployment kyverno-background-controller runs one replica and elects a leader, a singleton by design; it is down while its pod is rescheduled.
  WL-001 info Deployment/tools/descheduler: Deployment descheduler runs one replica, a singleton by design (it only evicts pods, and two copies would evict twice); it is down while its pod is rescheduled.
`},
	{"WL-001", "pass-replicated.yaml", `
  WL-001 info Deployment/shop/operator: Deployment operator runs one replica and elects a leader, a singleton by design; it is down while its pod is rescheduled.
`},
	{"WL-002", "fail-hpa-floor.yaml", `
  WL-002 warn Deployment/shop/web: No PodDisruptionBudget in shop selects the pods of Deployment web, so a node drain or upgrade can evict all 3 replicas at once; create one with maxUnavailable: 1.
`},
	{"WL-002", "fail-no-pdb.yaml", `
  WL-002 warn Deployment/shop/web: No PodDisruptionBudget in shop selects the pods of Deployment web, so a node drain or upgrade can evict all 3 replicas at once; create one with maxUnavailable: 1.
`},
	{"WL-002", "pass-pdb.yaml", `
  WL-002 pass (cluster): The one replicated Deployment or StatefulSet in user namespaces has a PodDisruptionBudget.
`},
	{"WL-002", "skip-manifests-without-pdbs.yaml", `
  WL-002 skip (cluster): The input holds no PodDisruptionBudget at all, so whether the cluster has one for the 1 replicated workload here is not known; include the PDB manifests, or audit the cluster.
`},
	{"WL-003", "fail-min-available-all.yaml", `
  WL-003 warn PodDisruptionBudget/shop/api: PodDisruptionBudget api (maxUnavailable 0%) allows no disruption of the 2 pods of Deployment api even when all are healthy, so every drain of their nodes blocks; set maxUnavailable: 1.
  WL-003 warn PodDisruptionBudget/shop/jobs: PodDisruptionBudget jobs has an invalid maxUnavailable half: invalid value for IntOrString: invalid type: string is not a percentage, on which the disruption controller allows no disruption of Deployment jobs, so drains block; set maxUnavailable: 1.
  WL-003 warn PodDisruptionBudget/shop/web: PodDisruptionBudget web (minAvailable 3) allows no disruption of the 3 pods of Deployment web even when all are healthy, so every drain of their nodes blocks; set maxUnavailable: 1.
`},
	{"WL-003", "fail-shared.yaml", `
  WL-003 warn PodDisruptionBudget/shop/all: PodDisruptionBudget all selects the pods of 2 workloads (Deployment/api, Deployment/web), which then share one budget: evictions of one use up the others' allowance, and the budget can let every pod of one of them go at once; give each workload a PDB of its own.
  WL-003 warn PodDisruptionBudget/shop/api: The pods of Deployment api are selected by 2 PodDisruptionBudgets (all, api), and the eviction API refuses to evict a pod covered by more than one, so drains of their nodes block; keep exactly one.
  WL-003 warn PodDisruptionBudget/shop/web: The pods of Deployment web are selected by 2 PodDisruptionBudgets (all, web), and the eviction API refuses to evict a pod covered by more than one, so drains of their nodes block; keep exactly one.
`},
	{"WL-003", "pass-allows.yaml", `
  WL-003 pass (cluster): All 2 PodDisruptionBudgets selecting workloads in user namespaces allow a disruption.
`},
	{"WL-004", "fail-min-one.yaml", `
  WL-004 warn Deployment/shop/web: HorizontalPodAutoscaler web can scale Deployment web down to 1, where PodDisruptionBudget web (minAvailable 1) allows no disruption, so drains of its nodes block at low load; raise minReplicas above what the PDB keeps, or use maxUnavailable: 1.
`},
	{"WL-004", "pass-max-unavailable.yaml", `
  WL-004 pass (cluster): All 2 PodDisruptionBudgets of autoscaled workloads allow a disruption at the HPA's minReplicas.
`},
	{"WL-005", "fail-selects-nothing.yaml", `
  WL-005 warn PodDisruptionBudget/shop/none: PodDisruptionBudget none (no selector) selects no workload or pod in shop, so it protects nothing; fix its selector to match the pods it is meant to guard, or delete it.
  WL-005 warn PodDisruptionBudget/shop/web: PodDisruptionBudget web (selector app=web) selects no workload or pod in shop, so it protects nothing; fix its selector to match the pods it is meant to guard, or delete it.
`},
	{"WL-005", "pass-selects.yaml", `
  WL-005 pass (cluster): The one PodDisruptionBudget in user namespaces selects pods.
`},
	{"WL-005", "skip-manifests-pdb-alone.yaml", `
  WL-005 skip PodDisruptionBudget/shop/web: The input holds no workload or pod in shop, so what PodDisruptionBudget web selects is outside it; include the workloads' manifests, or audit the cluster.
`},
	{"WL-006", "fail-missing-key.yaml", `
  WL-006 warn Deployment/shop/api: Deployment api requires minDomains 3 over topology.kubernetes.io/zone with whenUnsatisfiable: DoNotSchedule, but the schedulable nodes span only 2, so pods beyond maxSkew stay Pending; lower minDomains or add nodes in more domains.
  WL-006 warn Deployment/shop/web: Deployment web spreads over example.com/rack with whenUnsatisfiable: DoNotSchedule, but no schedulable node carries that label, so its pods stay Pending; use a key the nodes have, or ScheduleAnyway.
`},
	{"WL-006", "pass-zone.yaml", `
  WL-006 pass (cluster): The one DoNotSchedule topology spread constraint spreads over topologies the schedulable nodes have.
`},
	{"WL-006", "skip-manifests-without-nodes.yaml", `
  WL-006 skip (cluster): not evaluated: nodes not-in-input (the manifests hold no Node objects, so there is no whole-cluster context)
`},
	{"WL-007", "fail-one-node.yaml", `
  WL-007 warn Deployment/shop/api: All 2 running pods of Deployment api are in zone zone-a while schedulable nodes span 3 zones (zone-a, zone-b, zone-c), so one zone outage takes the whole workload down; add a topology spread on topology.kubernetes.io/zone.
  WL-007 warn Deployment/shop/web: All 2 running pods of Deployment web are on node n1 while the cluster has 4 schedulable nodes, so losing that node takes the whole workload down; add pod anti-affinity or a topology spread on kubernetes.io/hostname.
`},
	{"WL-007", "pass-spread.yaml", `
  WL-007 pass (cluster): The one replicated workload in user namespaces has its running pods on more than one node (and zone, where the cluster has several).
`},
	{"WL-008", "fail-no-spread.yaml", `
  WL-008 warn Deployment/shop/web: Deployment web runs 3 replicas with no topology spread constraint and no pod anti-affinity, so only the scheduler's best-effort default spreading keeps them off one node or zone; add a topology spread on kubernetes.io/hostname and topology.kubernetes.io/zone.
`},
	{"WL-008", "pass-spread.yaml", `
  WL-008 pass (cluster): All 2 replicated workloads in user namespaces set a topology spread or pod anti-affinity.
`},
	{"WL-009", "fail-no-readiness.yaml", `
  WL-009 warn Deployment/shop/web: Service web sends traffic to Deployment web, but container app has no readiness probe, so pods receive requests as soon as they start and keep receiving them when they cannot serve; add a readinessProbe.
`},
	{"WL-009", "pass-scrape-only-service.yaml", `
  WL-009 pass (cluster): The one workload behind a Service in user namespaces sets readiness probes on every container.
`},
	{"WL-009", "pass-readiness.yaml", `
  WL-009 pass (cluster): The one workload behind a Service in user namespaces sets readiness probes on every container.
`},
	{"WL-010", "fail-same-probe.yaml", `
  WL-010 warn Deployment/shop/web: In Deployment web, container app has the same liveness and readiness probe, so a pod that is only overloaded is restarted instead of being taken out of rotation, which adds load on the others; make the liveness probe cheaper or more tolerant (a higher failureThreshold).
`},
	{"WL-010", "pass-different.yaml", `
  WL-010 pass (cluster): The one container with both probes in user namespaces sets liveness apart from readiness.
`},
	{"WL-011", "fail-naked-pod.yaml", `
  WL-011 warn Pod/shop/debug: Pod debug has no controller, so nothing recreates it when its node is drained, fails or is upgraded; run it from a Deployment, StatefulSet or Job.
`},
	{"WL-011", "pass-owned.yaml", `
  WL-011 pass (cluster): The one pod in user namespaces has a controller.
`},
	{"WL-012", "fail-latest.yaml", `
  WL-012 warn Deployment/shop/api: Deployment api runs app (registry.example.com:5000/team/api) without a fixed tag (:latest or none), so each node pulls whatever the tag points to when the pod starts: replicas drift apart and a rollback cannot return to the old image; pin a version tag or a digest.
  WL-012 warn Deployment/shop/web: Deployment web runs app (example.com/web:latest) without a fixed tag (:latest or none), so each node pulls whatever the tag points to when the pod starts: replicas drift apart and a rollback cannot return to the old image; pin a version tag or a digest.
`},
	{"WL-012", "pass-pinned.yaml", `
  WL-012 pass (cluster): All 2 pod templates in user namespaces use fixed image tags or digests.
`},
	{"WL-013", "fail-recreate.yaml", `
  WL-013 warn Deployment/shop/api: Deployment api rolls out with maxUnavailable 100%, which for its 4 replicas lets every pod be down at once during a rollout; set maxUnavailable below the replicas (e.g. 25% or 1).
  WL-013 warn Deployment/shop/web: Deployment web uses the Recreate strategy while Service web sends it traffic, so every rollout stops all 2 pods before starting new ones: an outage per release; use RollingUpdate with maxUnavailable below the replicas.
`},
	{"WL-013", "pass-rolling.yaml", `
  WL-013 pass (cluster): All 3 workloads in user namespaces keep at least one pod up during a rollout.
`},
	{"WL-014", "fail-fleet.yaml", `
  WL-014 warn DaemonSet/shop/edge-proxy: DaemonSet edge-proxy runs on 40 nodes, each pod pulling agent (example.com/shop/edge-proxy:latest) with imagePullPolicy Always on every start: from 20 pods on, a rollout or a node failure makes that many registry pulls at once, which can hit the registry's rate limit (Docker Hub limits anonymous pulls per source address) and leave the pods in ImagePullBackOff; pin a version tag or digest and use IfNotPresent.
  WL-014 warn Deployment/shop/api: Deployment api runs at least 25 replicas (HorizontalPodAutoscaler api's minReplicas), each pod pulling api (example.com/shop/api:latest) with imagePullPolicy Always on every start: from 20 pods on, a rollout or a node failure makes that many registry pulls at once, which can hit the registry's rate limit (Docker Hub limits anonymous pulls per source address) and leave the pods in ImagePullBackOff; pin a version tag or digest and use IfNotPresent.
  WL-014 warn Deployment/shop/web: Deployment web runs 30 replicas, each pod pulling web (nginx) with imagePullPolicy Always on every start: from 20 pods on, a rollout or a node failure makes that many registry pulls at once, which can hit the registry's rate limit (Docker Hub limits anonymous pulls per source address) and leave the pods in ImagePullBackOff; pin a version tag or digest and use IfNotPresent.
`},
	{"WL-014", "pass-pinned.yaml", `
  WL-014 pass (cluster): No workload in user namespaces of 20 or more pods pulls a :latest or untagged image with imagePullPolicy Always.
`},
	{"WL-014", "skip-daemonset-manifests.yaml", `
  WL-014 skip DaemonSet/shop/edge-proxy: DaemonSet edge-proxy pulls proxy (example.com/shop/edge-proxy) with imagePullPolicy Always, but the input holds no Node objects and no DaemonSet status, so how many pods start at once is not known; audit the live cluster.
`},
}
