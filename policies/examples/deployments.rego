# Example policies in conftest's contract: package main, deny and warn
# rules over one Kubernetes object at a time. The same files run under
# conftest, where input is one manifest, and under seaworthy, where input
# is the whole document and deployments walks its snapshot.
package main

# deployments are the Deployments a rule judges: the input itself when it
# is one (conftest), else every Deployment of the snapshot (seaworthy).
deployments contains input if input.kind == "Deployment"

deployments contains d if some d in input.snapshot.deployments

# ref names a Deployment in a result.
ref(d) := {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": object.get(d.metadata, "namespace", "default"), "name": d.metadata.name}
