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

# workloads are the pod controllers whose templates the rules judge, as
# pods are the Pods. A controller's pods keep only what differs per pod in
# seaworthy's input (placement, status, the containers' names, images and
# resources), so rules about the rest of a pod's spec (probes, security
# context, volumes) judge the template.
default workloads := []

workloads := array.concat(
	array.concat(object.get(input.snapshot, "deployments", []), object.get(input.snapshot, "statefulSets", [])),
	object.get(input.snapshot, "daemonSets", []),
) if not input.kind

workloads := [input] if input.kind in {"Deployment", "StatefulSet", "DaemonSet"}

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

deny contains {"msg": "privileged container", "object": workload_ref(w)} if {
	some w in workloads
	some c in w.spec.template.spec.containers
	c.securityContext.privileged == true
	w.metadata.namespace != "kube-system"
}

warn contains {"msg": "no liveness probe", "object": workload_ref(w)} if {
	some w in workloads
	some c in w.spec.template.spec.containers
	not c.livenessProbe
	w.metadata.namespace != "kube-system"
}

warn contains {"msg": "no readiness probe", "object": workload_ref(w)} if {
	some w in workloads
	some c in w.spec.template.spec.containers
	not c.readinessProbe
	w.metadata.namespace != "kube-system"
}

warn contains {"msg": "may run as root", "object": workload_ref(w)} if {
	some w in workloads
	not w.spec.template.spec.securityContext.runAsNonRoot
	w.metadata.namespace != "kube-system"
}

deny contains {"msg": "hostPath volume", "object": workload_ref(w)} if {
	some w in workloads
	some v in w.spec.template.spec.volumes
	v.hostPath
	w.metadata.namespace != "kube-system"
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

workload_ref(w) := {"apiVersion": w.apiVersion, "kind": w.kind, "namespace": w.metadata.namespace, "name": w.metadata.name}
