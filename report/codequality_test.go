package report

import (
	"encoding/json"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"testing"
)

func TestCodeQuality(t *testing.T) {
	r := ciReport()
	got := renderAs(t, "gitlab-codequality", r, RenderOptions{})
	// critical for the RBAC fail, major for the DNS fail, minor for warns,
	// info for info; manifest objects at their file and line (cleaned),
	// cluster-wide ones at "(cluster)" line 1; fingerprints as in SARIF.
	want := `[
  {
    "description": "RBAC-001: ClusterRoleBinding ci-admin binds cluster-admin to ServiceAccount ci/deployer",
    "check_name": "RBAC-001",
    "fingerprint": "8845d317ef3e5765c7f5291ded491f84",
    "severity": "critical",
    "location": {
      "path": "deploy/rbac.yaml",
      "lines": {
        "begin": 12
      }
    }
  },
  {
    "description": "QUOTA-002: namespace shop has no LimitRange: pods without requests are rejected\nadd one",
    "check_name": "QUOTA-002",
    "fingerprint": "c364283189559a8f2feac21e366b1047",
    "severity": "minor",
    "location": {
      "path": "deploy/ns.yaml",
      "lines": {
        "begin": 3
      }
    }
  },
  {
    "description": "QUOTA-003: requests.cpu at 85% (17/20)",
    "check_name": "QUOTA-003",
    "fingerprint": "e21b58b3e08d6fefc4fee181e24e59ca",
    "severity": "minor",
    "location": {
      "path": "deploy/quota 1.yaml",
      "lines": {
        "begin": 7
      }
    }
  },
  {
    "description": "QUOTA-003: requests.memory at 90% (90Gi/100Gi)",
    "check_name": "QUOTA-003",
    "fingerprint": "47335d359856a7b4f0c7f79ca29c7e23",
    "severity": "minor",
    "location": {
      "path": "deploy/quota 1.yaml",
      "lines": {
        "begin": 7
      }
    }
  },
  {
    "description": "DNS-001: no DNS Deployment labelled k8s-app=kube-dns, 50% of lookups",
    "check_name": "DNS-001",
    "fingerprint": "acbed4f6f4e1f16b59b5e1170f4d098a",
    "severity": "major",
    "location": {
      "path": "(cluster)",
      "lines": {
        "begin": 1
      }
    }
  },
  {
    "description": "CP-004: platform: unknown",
    "check_name": "CP-004",
    "fingerprint": "1af29fe77db0204ee68d76bebf96eb5b",
    "severity": "info",
    "location": {
      "path": "(cluster)",
      "lines": {
        "begin": 1
      }
    }
  }
]
`
	if got != want {
		t.Errorf("gitlab-codequality:\n%s\nwant:\n%s", got, want)
	}
	var issues []map[string]any
	if err := json.Unmarshal([]byte(got), &issues); err != nil {
		t.Fatal(err)
	}
	seen := map[any]bool{}
	for _, is := range issues {
		if seen[is["fingerprint"]] {
			t.Errorf("fingerprint %v twice", is["fingerprint"])
		}
		seen[is["fingerprint"]] = true
	}
	if fp := Fingerprint("RBAC-001", r.Results[0].Object); issues[0]["fingerprint"] != fp {
		t.Errorf("fingerprint %v, want Fingerprint's %s", issues[0]["fingerprint"], fp)
	}
}

func TestCodeQualityEmpty(t *testing.T) {
	r := New(&cluster.Snapshot{}, nil, nil)
	if got := renderAs(t, "gitlab-codequality", r, RenderOptions{}); got != "[]\n" {
		t.Errorf("empty report: %q, want []", got)
	}
}
