# Ten per-object rules for the benchmark, of the kind teams write. The
# same file runs under seaworthy, where input is the whole document and
# the rules walk its snapshot, and under conftest (--namespace
# seaworthy.bench), where input is one manifest document.
package seaworthy.bench

# pods are the Pods the rules judge: every Pod of the snapshot (seaworthy),
# else the input itself when it is one (conftest). A complete rule rather
# than a set, so that seaworthy refers to the snapshot's array instead of
# building a set of 150,000 pods.
default pods := []

pods := input.snapshot.pods if not input.kind

pods := [input] if input.kind == "Pod"

# services are the Services the rules judge, as pods are the Pods.
default services := []

services := input.snapshot.services if not input.kind

services := [input] if input.kind == "Service"

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
	some s in services
	s.spec.type == "NodePort"
}

pod_ref(p) := {"apiVersion": "v1", "kind": "Pod", "namespace": p.metadata.namespace, "name": p.metadata.name}
