package gate

import (
	"bytes"
	"testing"
)

func TestDiffResults(t *testing.T) {
	old := readBaseline(t, "old.json", oldReport)
	cur := readBaseline(t, "new.json", newReport)
	d := DiffResults(old.Results, cur.Results)
	if len(d.Appeared) != 1 || len(d.Disappeared) != 1 || len(d.Changed) != 2 || d.Unchanged != 2 || d.Empty() {
		t.Fatalf("diff %+v, want 1 appeared, 1 disappeared, 2 changed, 2 unchanged", d)
	}

	var text bytes.Buffer
	if err := RenderDiffText(&text, d); err != nil {
		t.Fatal(err)
	}
	want := ` CHANGE       CHECK      OBJECT                          STATUS       MESSAGE
 appeared     RBAC-005   ClusterRoleBinding/reader       warn         wildcard verbs
 disappeared  RBAC-004   ClusterRoleBinding/reader       warn         reads secrets cluster-wide
 changed      QUOTA-001  Namespace/web                   pass → warn  web has no ResourceQuota (was: web has a ResourceQuota)
 changed      DNS-002    Deployment/kube-system/coredns  warn         2 replicas, 4 wanted for 60 nodes (was: 2 replicas, 3 wanted for 40 nodes)
1 appeared, 1 disappeared, 2 changed, 2 unchanged
`
	if got := text.String(); got != want {
		t.Errorf("text:\n%s\nwant:\n%s", got, want)
	}

	var js bytes.Buffer
	if err := RenderDiffJSON(&js, d); err != nil {
		t.Fatal(err)
	}
	wantJSON := `{
  "schemaVersion": "seaworthy.diff/v1",
  "summary": {
    "appeared": 1,
    "disappeared": 1,
    "changed": 2,
    "unchanged": 2
  },
  "appeared": [
    {
      "check": "RBAC-005",
      "status": "warn",
      "object": {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding",
        "namespace": "",
        "name": "reader"
      },
      "message": "wildcard verbs",
      "evidence": {
        "wildcards": [
          "verbs"
        ]
      },
      "fingerprint": "` + fp("RBAC-005", "rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "", "reader") + `"
    }
  ],
  "disappeared": [
    {
      "check": "RBAC-004",
      "status": "warn",
      "object": {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding",
        "namespace": "",
        "name": "reader"
      },
      "message": "reads secrets cluster-wide",
      "evidence": {},
      "fingerprint": "` + fp("RBAC-004", "rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "", "reader") + `"
    }
  ],
  "changed": [
    {
      "check": "QUOTA-001",
      "object": {
        "apiVersion": "v1",
        "kind": "Namespace",
        "namespace": "",
        "name": "web"
      },
      "fingerprint": "` + fp("QUOTA-001", "v1", "Namespace", "", "web") + `",
      "old": {
        "status": "pass",
        "message": "web has a ResourceQuota"
      },
      "new": {
        "status": "warn",
        "message": "web has no ResourceQuota"
      }
    },
    {
      "check": "DNS-002",
      "object": {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "namespace": "kube-system",
        "name": "coredns"
      },
      "fingerprint": "1e79b063308807c073285168379fefb9",
      "old": {
        "status": "warn",
        "message": "2 replicas, 3 wanted for 40 nodes"
      },
      "new": {
        "status": "warn",
        "message": "2 replicas, 4 wanted for 60 nodes"
      }
    }
  ]
}
`
	if got := js.String(); got != wantJSON {
		t.Errorf("json:\n%s\nwant:\n%s", got, wantJSON)
	}
}

func TestDiffNoDifferences(t *testing.T) {
	old := readBaseline(t, "old.json", oldReport)
	d := DiffResults(old.Results, old.Results)
	var text, js bytes.Buffer
	if err := RenderDiffText(&text, d); err != nil {
		t.Fatal(err)
	}
	if got, want := text.String(), "No differences: 0 appeared, 0 disappeared, 0 changed, 5 unchanged\n"; got != want {
		t.Errorf("text %q, want %q", got, want)
	}
	if err := RenderDiffJSON(&js, d); err != nil {
		t.Fatal(err)
	}
	want := `{
  "schemaVersion": "seaworthy.diff/v1",
  "summary": {
    "appeared": 0,
    "disappeared": 0,
    "changed": 0,
    "unchanged": 5
  },
  "appeared": [],
  "disappeared": [],
  "changed": []
}
`
	if got := js.String(); got != want {
		t.Errorf("json:\n%s\nwant:\n%s", got, want)
	}
}
