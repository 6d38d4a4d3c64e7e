package policies

import (
	"bytes"
	"context"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// compile builds an engine from one inline file named name.
func compile(t *testing.T, name, text string, opts Options) (*Engine, error) {
	t.Helper()
	return New(context.Background(), []Source{{Name: name, Text: []byte(text)}}, opts)
}

func TestBadPolicies(t *testing.T) {
	tests := []struct {
		name, text string
		opts       Options
		// wantCompile is the compile error wanted; wantEval the evaluation
		// error, when compiling succeeds.
		wantCompile, wantEval string
	}{
		{
			name:        "syntax error",
			text:        "package seaworthy.bad\n\ndeny contains msg if {\n\tmsg := := \"x\"\n}\n",
			wantCompile: "parse policies: bad.rego:4: unexpected assign token",
		},
		{
			name:        "v0 syntax",
			text:        "package seaworthy.bad\n\ndeny[msg] {\n\tmsg := \"x\"\n}\n",
			wantCompile: "parse policies: bad.rego:3: `if` keyword is required before rule body; bad.rego:3: `contains` keyword is required for partial set rules",
		},
		{
			name:        "complete rule named deny",
			text:        "package seaworthy.bad\n\ndeny := \"x\"\n",
			wantCompile: "check policy rule seaworthy.bad.deny at bad.rego:3: it is a complete rule; write it as a partial set, deny contains f if { … }",
		},
		{
			name:        "function named warn",
			text:        "package main\n\nwarn(x) := x\n",
			wantCompile: "check policy rule main.warn at bad.rego:3: it is a function",
		},
		{
			name:        "partial object named violation",
			text:        "package seaworthy.bad\n\nviolation[x] := 1 if some x in [\"a\"]\n",
			wantCompile: "check policy rule seaworthy.bad.violation at bad.rego:3: it is a rule with reference head violation[x]",
		},
		{
			name:     "result without msg",
			text:     "package seaworthy.bad\n\ndeny contains {\"message\": \"x\"} if true\n",
			wantEval: `decode result of rule seaworthy.bad.deny at bad.rego:3: unknown field "message" in {"message":"x"} (a result has msg, id, object and details)`,
		},
		{
			name:     "result object without msg",
			text:     "package seaworthy.bad\n\ndeny contains {\"id\": \"X-1\"} if true\n",
			wantEval: `decode result of rule seaworthy.bad.deny at bad.rego:3: no msg in {"id":"X-1"}`,
		},
		{
			name:     "number result",
			text:     "package seaworthy.bad\n\nimport rego.v1\n\nwarn contains 42 if true\n",
			wantEval: "decode result of rule seaworthy.bad.warn at bad.rego:5: result 42 is neither a string nor an object with msg",
		},
		{
			name:     "msg not a string",
			text:     "package seaworthy.bad\n\ndeny contains {\"msg\": 1} if true\n",
			wantEval: "decode result of rule seaworthy.bad.deny at bad.rego:3: msg is 1, not a string",
		},
		{
			name:     "object field not a string",
			text:     "package seaworthy.bad\n\ndeny contains {\"msg\": \"x\", \"object\": {\"kind\": 3}} if true\n",
			wantEval: "decode result of rule seaworthy.bad.deny at bad.rego:3: object.kind is 3, not a string",
		},
		{
			name:     "conflict in a complete rule",
			text:     "package seaworthy.bad\n\nmode := \"a\"\n\nmode := \"b\"\n\ndeny contains mode if true\n",
			wantEval: "evaluate policies: bad.rego:5: eval_conflict_error: rule data.seaworthy.bad.mode produced conflicting values: \"a\" at bad.rego:3; \"b\" at bad.rego:5",
		},
		{
			name:     "builtin error with strict builtin errors",
			text:     "package seaworthy.bad\n\ndeny contains msg if {\n\tn := to_number(\"ten\")\n\tmsg := sprintf(\"%d\", [n])\n}\n",
			opts:     Options{StrictBuiltinErrors: true},
			wantEval: "evaluate policies: bad.rego:4: eval_builtin_error: to_number: ",
		},
		{
			name:        "metadata severity not a string",
			text:        "package seaworthy.bad\n\n# METADATA\n# custom:\n#   severity: 3\ndeny contains \"x\" if true\n",
			wantCompile: "read METADATA of rule seaworthy.bad.deny at bad.rego:6: custom.severity must be a string, not 3",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := compile(t, "bad.rego", tt.text, tt.opts)
			if tt.wantCompile != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantCompile) {
					t.Fatalf("compile error = %v, want prefix %q", err, tt.wantCompile)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.Evaluate(context.Background(), value(t, &cluster.Snapshot{}, nil))
			if err == nil || !strings.HasPrefix(err.Error(), tt.wantEval) {
				t.Fatalf("evaluation error = %v, want prefix %q", err, tt.wantEval)
			}
		})
	}
}

func TestPrintCaptured(t *testing.T) {
	var out bytes.Buffer
	e, err := compile(t, "trace.rego", "package seaworthy.trace\n\nwarn contains msg if {\n\tsome w in input.index.workloads\n\tprint(\"looking at\", w.name)\n\tmsg := w.name\n}\n", Options{Print: &out})
	if err != nil {
		t.Fatal(err)
	}
	snap := &cluster.Snapshot{Deployments: []appsv1.Deployment{deployment("shop", "web", 2, "")}}
	if _, err := e.Evaluate(context.Background(), value(t, snap, nil)); err != nil {
		t.Fatal(err)
	}
	if want := "trace.rego:5: looking at web\n"; out.String() != want {
		t.Errorf("print output = %q, want %q", out.String(), want)
	}
}

func TestPrintDroppedWithoutWriter(t *testing.T) {
	e, err := compile(t, "trace.rego", "package main\n\ndeny contains \"x\" if print(\"hidden\")\n", Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.Evaluate(context.Background(), value(t, &cluster.Snapshot{}, nil))
	if err != nil {
		t.Fatal(err)
	}
	if want := "POLICY:main.deny fail (cluster): x {\"file\":\"trace.rego\",\"line\":3,\"policy\":\"main\",\"rule\":\"deny\"}\n"; lines(t, got) != want {
		t.Errorf("results = %q, want %q", lines(t, got), want)
	}
}

// TestEvaluateTwice evaluates one prepared query against two inputs.
func TestEvaluateTwice(t *testing.T) {
	e, err := compile(t, "count.rego", `package seaworthy.count

# METADATA
# title: Few Deployments
deny contains {"msg": sprintf("%d Deployments", [n]), "id": "COUNT-1"} if {
	n := count(input.snapshot.deployments)
	n > 1
}

deny contains {"msg": d.metadata.name, "object": {"kind": "Deployment", "namespace": d.metadata.namespace, "name": d.metadata.name}, "details": {"replicas": d.spec.replicas}} if {
	some d in input.snapshot.deployments
	d.spec.replicas > 2
}

violation contains "never" if false
`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	one := &cluster.Snapshot{Deployments: []appsv1.Deployment{deployment("a", "web", 3, "")}}
	two := &cluster.Snapshot{Deployments: []appsv1.Deployment{deployment("a", "web", 1, ""), deployment("b", "api", 1, "")}}
	for i, tt := range []struct {
		snap *cluster.Snapshot
		want string
	}{
		{one, `POLICY:seaworthy.count.deny fail Deployment/a/web: web {"details":{"replicas":3},"file":"count.rego","line":10,"policy":"seaworthy.count","rule":"deny"}` + "\n"},
		{two, `COUNT-1 fail (cluster): 2 Deployments {"file":"count.rego","line":5,"policy":"seaworthy.count","rule":"deny"}` + "\n"},
		{one, `POLICY:seaworthy.count.deny fail Deployment/a/web: web {"details":{"replicas":3},"file":"count.rego","line":10,"policy":"seaworthy.count","rule":"deny"}` + "\n"},
	} {
		got, err := e.Evaluate(context.Background(), value(t, tt.snap, nil))
		if err != nil {
			t.Fatal(err)
		}
		if s := lines(t, got); s != tt.want {
			t.Errorf("evaluation %d:\n%s\nwant:\n%s", i, s, tt.want)
		}
	}
	var ids []string
	for _, m := range e.Metas() {
		ids = append(ids, m.ID+" "+m.Title)
	}
	if got, want := strings.Join(ids, "; "), "POLICY:seaworthy.count.deny Few Deployments; POLICY:seaworthy.count.violation seaworthy.count.violation"; got != want {
		t.Errorf("metas = %q, want %q", got, want)
	}
}

// TestOnlyEvaluatedPackages leaves rules outside data.main and
// data.seaworthy alone, however they are written.
func TestOnlyEvaluatedPackages(t *testing.T) {
	e, err := New(context.Background(), []Source{
		{Name: "lib.rego", Text: []byte("package lib\n\ndeny := \"not a gate rule\"\n")},
		{Name: "other.rego", Text: []byte("package mainly\n\ndeny contains \"x\" if true\n")},
		{Name: "gate.rego", Text: []byte("package seaworthy\n\nimport data.lib\n\nwarn contains lib.deny if true\n")},
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.Evaluate(context.Background(), value(t, &cluster.Snapshot{}, nil))
	if err != nil {
		t.Fatal(err)
	}
	if want := "POLICY:seaworthy.warn warn (cluster): not a gate rule {\"file\":\"gate.rego\",\"line\":5,\"policy\":\"seaworthy\",\"rule\":\"warn\"}\n"; lines(t, got) != want {
		t.Errorf("results = %q, want %q", lines(t, got), want)
	}
}

// TestMetadataScopes: a package annotation lends description, severity
// and remediation to its rules, never their ID or title; a document
// annotation covers every definition of the rule.
func TestMetadataScopes(t *testing.T) {
	e, err := compile(t, "meta.rego", `# METADATA
# title: Team gate
# description: The team's rules.
# custom:
#   id: TEAM
#   severity: low
#   remediation: Ask the team.
# scope: package
package seaworthy.team

# METADATA
# scope: document
# title: Warned
# custom:
#   id: TEAM-W
warn contains "one" if true

warn contains "two" if true

# METADATA
# title: Denied
# custom:
#   severity: high
deny contains "x" if true

violation contains "y" if true
`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range e.Policies() {
		got = append(got, strings.Join([]string{p.ID, p.Title, p.Description, p.Severity, p.Remediation, p.Rule}, "|"))
	}
	want := []string{
		"TEAM-W|Warned|The team's rules.|low|Ask the team.|warn",
		"TEAM-W|Warned|The team's rules.|low|Ask the team.|warn",
		"POLICY:seaworthy.team.deny|Denied|The team's rules.|high|Ask the team.|deny",
		"POLICY:seaworthy.team.violation||The team's rules.|low|Ask the team.|violation",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("policies:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestCompileErrorOnce: an unsafe variable in a deny rule is reported
// once, though the rule is compiled twice (itself and its copy).
func TestCompileErrorOnce(t *testing.T) {
	_, err := compile(t, "unsafe.rego", "package seaworthy.u\n\ndeny contains x if {\n\ty == 1\n\tx := \"a\"\n}\n", Options{})
	if want := "compile policies: unsafe.rego:4: var y is unsafe in rule deny"; err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
}
