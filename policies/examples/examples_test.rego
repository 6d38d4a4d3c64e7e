package main_test

import data.main

web := {
	"kind": "Deployment",
	"metadata": {"name": "web", "labels": {"app.kubernetes.io/name": "web"}},
	"spec": {"template": {"spec": {
		"securityContext": {"runAsNonRoot": true},
		"containers": [{"name": "app", "image": "registry.example/web:1.4.2"}],
	}}},
}

test_pinned_non_root_labelled_passes if {
	count(main.deny) == 0 with input as web
	count(main.warn) == 0 with input as web
}

test_latest_image_denied if {
	d := json.patch(web, [{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "web:latest"}])
	main.deny == {{
		"msg": "Deployment web: container app runs unpinned image web:latest",
		"object": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "default", "name": "web"},
	}} with input as d
}

test_container_may_override_pod_non_root if {
	d := json.patch(web, [{"op": "add", "path": "/spec/template/spec/containers/0/securityContext", "value": {"runAsNonRoot": false}}])
	main.deny == {{
		"msg": "Deployment web: container app may run as root",
		"object": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "default", "name": "web"},
	}} with input as d
}

test_snapshot_deployments_judged if {
	d := json.remove(web, ["/metadata/labels"])
	main.warn == {{
		"msg": "Deployment web has no app.kubernetes.io/name label",
		"object": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "default", "name": "web"},
	}} with input as {"snapshot": {"deployments": [d]}}
}
