package main

# METADATA
# title: Containers run as non-root
# description: A container that may run as root turns a container escape into root on the node.
# custom:
#   id: EX-002
#   severity: high
#   remediation: Set securityContext.runAsNonRoot to true on the pod or on every container.
deny contains {"msg": msg, "object": ref(d)} if {
	some d in deployments
	some c in d.spec.template.spec.containers
	not non_root(d.spec.template.spec, c)
	msg := sprintf("Deployment %s: container %s may run as root", [d.metadata.name, c.name])
}

# non_root holds when the container, or else the pod, sets runAsNonRoot.
non_root(_, c) if c.securityContext.runAsNonRoot == true

non_root(pod, c) if {
	not c.securityContext.runAsNonRoot == false
	pod.securityContext.runAsNonRoot == true
}
