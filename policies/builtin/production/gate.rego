# METADATA
# title: Production gate
# description: >-
#   The production gate of seaworthy's catalog written in Rego: copy this
#   bundle and change it to make the gate your own.
# scope: package
package seaworthy.production

# system_namespaces hold the cluster's own components; the workload rules
# leave them out, as the built-in checks do.
system_namespaces := {"kube-system", "kube-public", "kube-node-lease"}

# METADATA
# title: No built-in check fails
# description: A failing built-in check blocks the gate, on the object it failed on.
# related_resources:
#   - ref: https://github.com/seaworthy-k8s/seaworthy/blob/main/docs/checks.md
# custom:
#   id: PROD-001
#   severity: high
#   remediation: Fix what the failing check reports; `seaworthy explain CHECK` says how.
deny contains {"msg": msg, "object": r.object, "details": {"check": r.check}} if {
	some r in input.results
	r.status == "fail"
	msg := sprintf("%s failed: %s", [r.check, r.message])
}

# METADATA
# title: Deployments set resource requests
# description: >-
#   A container without cpu and memory requests is scheduled as if it needed
#   nothing, and is the first to be evicted under node pressure.
# custom:
#   id: PROD-002
#   severity: high
#   remediation: Set resources.requests.cpu and resources.requests.memory on every container.
deny contains {"msg": msg, "object": deployment_ref(d), "details": {"containers": missing}} if {
	some d in input.snapshot.deployments
	missing := [c.name | some c in d.spec.template.spec.containers; not has_requests(c)]
	count(missing) > 0
	msg := sprintf("Deployment %s/%s has containers without cpu and memory requests: %s", [d.metadata.namespace, d.metadata.name, concat(", ", missing)])
}

# METADATA
# title: User Deployments run more than one replica
# description: >-
#   A single replica goes down with every node drain, eviction or crash.
# custom:
#   id: PROD-003
#   severity: medium
#   remediation: Run at least 2 replicas and add a PodDisruptionBudget.
warn contains {"msg": msg, "object": workload_ref(w)} if {
	some w in input.index.workloads
	w.kind == "Deployment"
	w.replicas == 1
	not system_namespaces[w.namespace]
	msg := sprintf("Deployment %s/%s runs a single replica", [w.namespace, w.name])
}

# has_requests holds when the container requests both cpu and memory.
has_requests(c) if {
	c.resources.requests.cpu
	c.resources.requests.memory
}

# deployment_ref names a snapshot Deployment in a result.
deployment_ref(d) := {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": d.metadata.namespace, "name": d.metadata.name}

# workload_ref names an index workload in a result.
workload_ref(w) := {"apiVersion": w.apiVersion, "kind": w.kind, "namespace": w.namespace, "name": w.name}
