package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

func TestSARIFPrint(t *testing.T) {
	got := renderAs(t, "sarif", ciReport(), RenderOptions{DocLink: docLink})
	validateSARIF(t, got)
	// Rules sorted by ID, ruleIndex pointing at them; pass, skip and na
	// left out; the second QUOTA-003 finding on one quota has its own
	// fingerprint; cluster-wide results get a logical location.
	want := `{
  "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
  "version": "2.1.0",
  "runs": [
    {
      "tool": {
        "driver": {
          "name": "seaworthy",
          "version": "v1.2.3",
          "informationUri": "https://github.com/seaworthy-k8s/seaworthy",
          "rules": [
            {
              "id": "CP-004",
              "name": "Platform",
              "shortDescription": {
                "text": "Platform"
              },
              "helpUri": "https://seaworthy.example/checks/CP-004",
              "properties": {
                "tags": [
                  "Control plane"
                ]
              }
            },
            {
              "id": "DNS-001",
              "name": "DNSIsUp",
              "shortDescription": {
                "text": "DNS is up"
              },
              "helpUri": "https://seaworthy.example/checks/DNS-001",
              "properties": {
                "tags": [
                  "Cluster DNS"
                ]
              }
            },
            {
              "id": "QUOTA-002",
              "name": "NamespaceHasALimitRange",
              "shortDescription": {
                "text": "Namespace has a LimitRange"
              },
              "fullDescription": {
                "text": "A user namespace without a LimitRange warns."
              },
              "help": {
                "text": "Add a LimitRange with defaults."
              },
              "helpUri": "https://seaworthy.example/checks/QUOTA-002",
              "properties": {
                "tags": [
                  "Namespace quotas"
                ]
              }
            },
            {
              "id": "QUOTA-003",
              "name": "QuotaUsage",
              "shortDescription": {
                "text": "Quota usage"
              },
              "helpUri": "https://seaworthy.example/checks/QUOTA-003",
              "properties": {
                "tags": [
                  "Namespace quotas"
                ]
              }
            },
            {
              "id": "RBAC-001",
              "name": "ClusterAdminBoundOutsideTheAllowList",
              "shortDescription": {
                "text": "cluster-admin bound outside the allow-list"
              },
              "fullDescription": {
                "text": "cluster-admin, or * on * in *, bound to a subject outside the allow-list fails."
              },
              "help": {
                "text": "Bind a narrower role."
              },
              "helpUri": "https://seaworthy.example/checks/RBAC-001",
              "properties": {
                "tags": [
                  "RBAC least privilege"
                ],
                "security-severity": "8.0"
              }
            }
          ]
        }
      },
      "results": [
        {
          "ruleId": "RBAC-001",
          "ruleIndex": 4,
          "level": "error",
          "message": {
            "text": "ClusterRoleBinding ci-admin binds cluster-admin to ServiceAccount ci/deployer"
          },
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "deploy/rbac.yaml"
                },
                "region": {
                  "startLine": 12
                }
              }
            }
          ],
          "partialFingerprints": {
            "seaworthy/v1": "8845d317ef3e5765c7f5291ded491f84"
          }
        },
        {
          "ruleId": "QUOTA-002",
          "ruleIndex": 2,
          "level": "warning",
          "message": {
            "text": "namespace shop has no LimitRange: pods without requests are rejected\nadd one"
          },
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "deploy/ns.yaml"
                },
                "region": {
                  "startLine": 3
                }
              }
            }
          ],
          "partialFingerprints": {
            "seaworthy/v1": "c364283189559a8f2feac21e366b1047"
          }
        },
        {
          "ruleId": "QUOTA-003",
          "ruleIndex": 3,
          "level": "warning",
          "message": {
            "text": "requests.cpu at 85% (17/20)"
          },
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "deploy/quota%201.yaml"
                },
                "region": {
                  "startLine": 7
                }
              }
            }
          ],
          "partialFingerprints": {
            "seaworthy/v1": "e21b58b3e08d6fefc4fee181e24e59ca"
          }
        },
        {
          "ruleId": "QUOTA-003",
          "ruleIndex": 3,
          "level": "warning",
          "message": {
            "text": "requests.memory at 90% (90Gi/100Gi)"
          },
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "deploy/quota%201.yaml"
                },
                "region": {
                  "startLine": 7
                }
              }
            }
          ],
          "partialFingerprints": {
            "seaworthy/v1": "47335d359856a7b4f0c7f79ca29c7e23"
          }
        },
        {
          "ruleId": "DNS-001",
          "ruleIndex": 1,
          "level": "error",
          "message": {
            "text": "no DNS Deployment labelled k8s-app=kube-dns, 50% of lookups"
          },
          "locations": [
            {
              "logicalLocations": [
                {
                  "fullyQualifiedName": "(cluster)",
                  "kind": "resource"
                }
              ]
            }
          ],
          "partialFingerprints": {
            "seaworthy/v1": "acbed4f6f4e1f16b59b5e1170f4d098a"
          }
        },
        {
          "ruleId": "CP-004",
          "ruleIndex": 0,
          "level": "note",
          "message": {
            "text": "platform: unknown"
          },
          "locations": [
            {
              "logicalLocations": [
                {
                  "fullyQualifiedName": "(cluster)",
                  "kind": "resource"
                }
              ]
            }
          ],
          "partialFingerprints": {
            "seaworthy/v1": "1af29fe77db0204ee68d76bebf96eb5b"
          }
        }
      ]
    }
  ]
}
`
	if got != want {
		t.Errorf("sarif:\n%s\nwant:\n%s", got, want)
	}
}

func TestSARIFLiveAndCut(t *testing.T) {
	r := ciReport()
	r.Origins = nil // a live read: no files
	var buf bytes.Buffer
	if err := (sarifRenderer{max: 2}).Render(&buf, r); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, buf.String())
	var log struct {
		Runs []struct {
			Invocations []struct {
				Notifications []struct {
					Message struct{ Text string }
				} `json:"toolExecutionNotifications"`
			}
			Results []struct {
				RuleID    string
				Locations []struct {
					LogicalLocations []struct{ FullyQualifiedName, Kind string }
				}
			}
			Properties map[string]int
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	// Of 6 findings (2 fail, 3 warn, 1 info) the 2 fails stay, in report order.
	if len(run.Results) != 2 || run.Results[0].RuleID != "RBAC-001" || run.Results[1].RuleID != "DNS-001" {
		t.Errorf("kept %+v, want RBAC-001 and DNS-001", run.Results)
	}
	if l := run.Results[0].Locations[0].LogicalLocations; len(l) != 1 || l[0].FullyQualifiedName != "ClusterRoleBinding/ci-admin" || l[0].Kind != "resource" {
		t.Errorf("live location %+v, want ClusterRoleBinding/ci-admin, resource", l)
	}
	if run.Properties["seaworthy/omittedResults"] != 4 {
		t.Errorf("properties %v, want 4 omitted", run.Properties)
	}
	const note = "4 of 6 results left out: a run holds at most 2; the least severe were cut (the JSON report has them all)"
	if n := run.Invocations[0].Notifications; len(n) != 1 || n[0].Message.Text != note {
		t.Errorf("notifications %+v, want %q", n, note)
	}
}

func TestSARIFSchemaRejects(t *testing.T) {
	// The validator is live: a level SARIF does not know fails it.
	if err := sarifSchemaError(`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"level":"fatal"}]}]}`); err == nil {
		t.Error("a result with level fatal passed the schema")
	}
}

// validateSARIF checks a SARIF log against the OASIS schema, with format
// assertions on (helpUri and artifactLocation.uri must be URIs).
func validateSARIF(t *testing.T, doc string) {
	t.Helper()
	if err := sarifSchemaError(doc); err != nil {
		t.Errorf("SARIF does not match the schema: %v", err)
	}
}

func sarifSchemaError(doc string) error {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		return fmt.Errorf("compile the SARIF schema: %w", err)
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
	if err != nil {
		return fmt.Errorf("parse SARIF: %w", err)
	}
	return sch.Validate(v)
}
