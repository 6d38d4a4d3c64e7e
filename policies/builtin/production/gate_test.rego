package seaworthy.production_test

import data.seaworthy.production

deployment(name, replicas, requests) := {
	"metadata": {"namespace": "shop", "name": name},
	"spec": {
		"replicas": replicas,
		"template": {"spec": {"containers": [{"name": "app", "resources": {"requests": requests}}]}},
	},
}

test_failing_check_denies if {
	got := production.deny with input as {"results": [
		{"check": "DNS-001", "status": "fail", "object": {}, "message": "one replica"},
		{"check": "DNS-002", "status": "warn", "object": {}, "message": "few replicas"},
	]}
	got == {{"msg": "DNS-001 failed: one replica", "object": {}, "details": {"check": "DNS-001"}}}
}

test_missing_requests_denies if {
	got := production.deny with input as {"snapshot": {"deployments": [
		deployment("web", 2, {"cpu": "100m"}),
		deployment("api", 2, {"cpu": "100m", "memory": "128Mi"}),
	]}}
	got == {{
		"msg": "Deployment shop/web has containers without cpu and memory requests: app",
		"object": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "shop", "name": "web"},
		"details": {"containers": ["app"]},
	}}
}

test_single_replica_warns_outside_system_namespaces if {
	got := production.warn with input as {"index": {"workloads": [
		{"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "shop", "name": "web", "replicas": 1},
		{"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "kube-system", "name": "metrics-server", "replicas": 1},
		{"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "shop", "name": "api", "replicas": 3},
		{"apiVersion": "apps/v1", "kind": "StatefulSet", "namespace": "shop", "name": "db", "replicas": 1},
	]}}
	got == {{
		"msg": "Deployment shop/web runs a single replica",
		"object": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "shop", "name": "web"},
	}}
}

test_clean_input_passes if {
	count(production.deny) == 0 with input as {"results": [], "snapshot": {"deployments": [deployment("api", 2, {"cpu": "1", "memory": "1Gi"})]}}
}
