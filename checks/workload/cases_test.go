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
}
