package main

# METADATA
# title: Images are pinned
# description: An image without a tag, or tagged latest, changes under a running Deployment.
# custom:
#   id: EX-001
#   severity: medium
#   remediation: Pin every image to a version tag or a digest.
deny contains {"msg": msg, "object": ref(d)} if {
	some d in deployments
	some c in d.spec.template.spec.containers
	not pinned(c.image)
	msg := sprintf("Deployment %s: container %s runs unpinned image %s", [d.metadata.name, c.name, c.image])
}

# pinned holds for an image with a digest or a tag other than latest.
pinned(image) if contains(image, "@sha256:")

pinned(image) if {
	not contains(image, "@")
	parts := split(image, "/")
	last := parts[count(parts) - 1]
	contains(last, ":")
	not endswith(last, ":latest")
}
