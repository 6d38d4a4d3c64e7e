package main

# METADATA
# title: Deployments carry the app name label
# description: Tools that group objects by application read app.kubernetes.io/name.
# custom:
#   id: EX-003
#   severity: low
#   remediation: Label the Deployment with app.kubernetes.io/name.
warn contains {"msg": msg, "object": ref(d)} if {
	some d in deployments
	not d.metadata.labels["app.kubernetes.io/name"]
	msg := sprintf("Deployment %s has no app.kubernetes.io/name label", [d.metadata.name])
}
