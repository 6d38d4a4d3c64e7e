# Ten per-object rules for the benchmark, of the kind teams write.
package seaworthy.bench

pods := input.snapshot.pods

deny contains {"msg": "container without a memory limit", "object": pod_ref(p)} if {
	some p in pods
	some c in p.spec.containers
	not c.resources.limits.memory
}

deny contains {"msg": "image tagged latest", "object": pod_ref(p)} if {
	some p in pods
	some c in p.spec.containers
	endswith(c.image, ":latest")
}

deny contains {"msg": "host network", "object": pod_ref(p)} if {
	some p in pods
	p.spec.hostNetwork == true
	p.metadata.namespace != "kube-system"
}

deny contains {"msg": "privileged container", "object": pod_ref(p)} if {
	some p in pods
	some c in p.spec.containers
	c.securityContext.privileged == true
	p.metadata.namespace != "kube-system"
}

warn contains {"msg": "no liveness probe", "object": pod_ref(p)} if {
	some p in pods
	some c in p.spec.containers
	not c.livenessProbe
	p.metadata.namespace != "kube-system"
}

warn contains {"msg": "no readiness probe", "object": pod_ref(p)} if {
	some p in pods
	some c in p.spec.containers
	not c.readinessProbe
	p.metadata.namespace != "kube-system"
}

warn contains {"msg": "may run as root", "object": pod_ref(p)} if {
	some p in pods
	not p.spec.securityContext.runAsNonRoot
	p.metadata.namespace != "kube-system"
}

deny contains {"msg": "hostPath volume", "object": pod_ref(p)} if {
	some p in pods
	some v in p.spec.volumes
	v.hostPath
	p.metadata.namespace != "kube-system"
}

warn contains {"msg": "pod without owner", "object": pod_ref(p)} if {
	some p in pods
	not p.metadata.ownerReferences
}

warn contains {"msg": "NodePort service", "object": {"kind": "Service", "namespace": s.metadata.namespace, "name": s.metadata.name}} if {
	some s in input.snapshot.services
	s.spec.type == "NodePort"
}

pod_ref(p) := {"apiVersion": "v1", "kind": "Pod", "namespace": p.metadata.namespace, "name": p.metadata.name}
