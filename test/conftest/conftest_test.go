package conftest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/seaworthy-k8s/seaworthy/test/controlplane"

	"k8s.io/apimachinery/pkg/util/yaml"
	sigsyaml "sigs.k8s.io/yaml"
)

// repo is the main module's root, relative to this package.
const repo = "../.."

// examples is the policy directory both tools evaluate.
var examples = filepath.Join(repo, "policies", "examples")

// finding is one denial or warning, in the terms both tools share: the
// rule set it came from (deny or warn), the rule's message and the object
// it is about.
type finding struct {
	rule, msg, kind, namespace, name string
}

func (f finding) String() string {
	return fmt.Sprintf("%s %s/%s/%s: %s", f.rule, f.kind, f.namespace, f.name, f.msg)
}

// TestSecondOpinion runs the example policies through conftest, one
// manifest document at a time, and through seaworthy's audit over the same
// manifests, and requires the same denials and warnings from both: the same
// (deny or warn, message, kind/namespace/name) multiset.
//
// conftest aggregates a multi-document file's results under the file's
// name, so the test first splits every manifest into one file per
// document and passes them all to one conftest run; a result's file then
// names exactly one document, and its object is read from that document
// (kind, metadata.namespace or "default" as kubectl apply assigns,
// metadata.name), not from what the policy says about itself. The object a
// policy reports in its result is checked against that document as well,
// so the examples' ref helper is proven to name the document it judged.
// Messages are compared verbatim: the example rules build the same msg in
// both tools.
//
// The manifest sets are violations.yaml (written for this test, breaking
// each example rule at least once), the real add-on manifests in
// ../shared/realworld and every fixture cluster. Every example rule must
// fire at least once across them, so the comparison is not vacuous.
func TestSecondOpinion(t *testing.T) {
	conftest := requireConftest(t)
	seaworthy := buildSeaworthy(t)

	type set struct {
		name  string
		files []string
		want  []string // exact findings, where the set was written for the test
	}
	sets := []set{{
		name:  "violations",
		files: []string{filepath.Join("testdata", "violations.yaml")},
		want: []string{
			"deny Deployment/default/checkout: Deployment checkout: container app may run as root",
			"deny Deployment/shop/cart: Deployment cart: container app runs unpinned image registry.example/cart:latest",
			"deny Deployment/shop/cart: Deployment cart: container sidecar runs unpinned image registry.example/envoy",
			"deny Deployment/shop/payments: Deployment payments: container app may run as root",
			"warn Deployment/shop/cart: Deployment cart has no app.kubernetes.io/name label",
		},
	}}
	// The add-on manifests real projects ship live beside the repository
	// where there is a workspace; a lone clone compares the rest.
	if realworld, _ := filepath.Glob(filepath.Join(repo, "..", "shared", "realworld", "*.yaml")); len(realworld) > 0 {
		sets = append(sets, set{name: "realworld", files: realworld})
	} else {
		t.Log("no ../shared/realworld beside the repository: comparing the fixtures only")
	}
	clusters, err := filepath.Glob(filepath.Join(repo, "fixtures", "clusters", "*"))
	if err != nil || len(clusters) == 0 {
		t.Fatalf("list the fixture clusters: %v (found %d)", err, len(clusters))
	}
	for _, c := range clusters {
		files, _ := filepath.Glob(filepath.Join(c, "*.yaml"))
		sets = append(sets, set{name: "fixtures/" + filepath.Base(c), files: files})
	}

	fired := map[string]int{} // example rule ID → findings across every set
	for _, s := range sets {
		t.Run(s.name, func(t *testing.T) {
			byConftest := runConftest(t, conftest, s.files)
			bySeaworthy, ids := runSeaworthy(t, seaworthy, s.files)
			for id, n := range ids {
				fired[id] += n
			}
			got, want := lines(byConftest), lines(bySeaworthy)
			if !slices.Equal(got, want) {
				t.Errorf("conftest and seaworthy disagree\nconftest:\n%s\nseaworthy:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if s.want != nil && !slices.Equal(want, s.want) {
				t.Errorf("seaworthy found\n%s\nwant\n%s", strings.Join(want, "\n"), strings.Join(s.want, "\n"))
			}
			t.Logf("%d findings agree", len(got))
		})
	}
	for _, id := range []string{"EX-001", "EX-002", "EX-003"} {
		if fired[id] == 0 {
			t.Errorf("example rule %s fired on no manifest: the comparison does not exercise it", id)
		}
	}
}

// lines renders findings sorted, one a line.
func lines(fs []finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.String()
	}
	slices.Sort(out)
	return out
}

// requireConftest builds (or reuses) the pinned conftest with build.sh and
// returns its path, or skips loudly when it cannot be built.
func requireConftest(t *testing.T) string {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command("./build.sh")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		controlplane.Unavailable(t, "conftest second opinion", fmt.Sprintf("build conftest with test/conftest/build.sh: %v: %s", err, strings.TrimSpace(stderr.String())))
	}
	return filepath.Join(strings.TrimSpace(string(out)), "conftest")
}

// buildSeaworthy builds the seaworthy CLI from the main module into a
// temporary directory.
func buildSeaworthy(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "seaworthy")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/seaworthy")
	cmd.Dir = repo
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build seaworthy: %v\n%s", err, out)
	}
	return bin
}

// object is what a finding's object is compared by.
type object struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

// splitDocuments writes every non-empty YAML document of files into dir,
// one file each, and returns the object each written file holds.
func splitDocuments(t *testing.T, dir string, files []string) map[string]object {
	t.Helper()
	docs := map[string]object{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r := yaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
		for {
			doc, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("split %s: %v", f, err)
			}
			var m struct {
				Kind     string `json:"kind"`
				Metadata struct {
					Namespace string `json:"namespace"`
					Name      string `json:"name"`
				} `json:"metadata"`
			}
			if err := sigsyaml.Unmarshal(doc, &m); err != nil {
				t.Fatalf("decode a document of %s: %v", f, err)
			}
			if m.Kind == "" {
				continue // comments only, or empty
			}
			ns := m.Metadata.Namespace
			if ns == "" {
				ns = "default"
			}
			name := filepath.Join(dir, fmt.Sprintf("%04d.yaml", len(docs)+1))
			if err := os.WriteFile(name, doc, 0o644); err != nil {
				t.Fatal(err)
			}
			docs[name] = object{Kind: m.Kind, Namespace: ns, Name: m.Metadata.Name}
		}
	}
	return docs
}

// conftestResult is one entry of conftest's JSON output: one file, one
// namespace.
type conftestResult struct {
	Filename string `json:"filename"`
	Failures []struct {
		Msg      string `json:"msg"`
		Metadata struct {
			Object *object `json:"object"`
		} `json:"metadata"`
	} `json:"failures"`
	Warnings []struct {
		Msg      string `json:"msg"`
		Metadata struct {
			Object *object `json:"object"`
		} `json:"metadata"`
	} `json:"warnings"`
}

// runConftest evaluates the example policies over files, one document at
// a time, with conftest (its default namespace, main).
func runConftest(t *testing.T, bin string, files []string) []finding {
	t.Helper()
	docs := splitDocuments(t, t.TempDir(), files)
	args := []string{"test", "--no-color", "--no-fail", "-o", "json", "--policy", examples}
	for name := range docs {
		args = append(args, name)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("conftest test: %v\n%s", err, stderr.String())
	}
	var results []conftestResult
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("decode conftest's JSON: %v\n%s", err, out)
	}
	var fs []finding
	add := func(rule, file, msg string, reported *object) {
		obj, ok := docs[file]
		if !ok {
			t.Fatalf("conftest reported %q for %s, a file it was not given", msg, file)
		}
		if reported == nil || *reported != obj {
			t.Errorf("conftest: %q on %s (%s/%s/%s) reports object %+v", msg, file, obj.Kind, obj.Namespace, obj.Name, reported)
		}
		fs = append(fs, finding{rule: rule, msg: msg, kind: obj.Kind, namespace: obj.Namespace, name: obj.Name})
	}
	for _, r := range results {
		for _, f := range r.Failures {
			add("deny", r.Filename, f.Msg, f.Metadata.Object)
		}
		for _, w := range r.Warnings {
			add("warn", r.Filename, w.Msg, w.Metadata.Object)
		}
	}
	return fs
}

// runSeaworthy audits files with the example policies and returns their
// findings (fail as deny, warn as warn), and how many each example rule ID
// produced.
func runSeaworthy(t *testing.T, bin string, files []string) ([]finding, map[string]int) {
	t.Helper()
	args := []string{"audit", "--policy", examples, "-o", "json", "--fail-on", "never"}
	for _, f := range files {
		args = append(args, "-f", f)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("seaworthy audit: %v\n%s", err, stderr.String())
	}
	var report struct {
		Results []struct {
			Check   string `json:"check"`
			Status  string `json:"status"`
			Message string `json:"message"`
			Object  object `json:"object"`
		} `json:"results"`
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("decode seaworthy's JSON: %v", err)
	}
	var fs []finding
	ids := map[string]int{}
	for _, r := range report.Results {
		if !strings.HasPrefix(r.Check, "EX-") {
			continue
		}
		rule := map[string]string{"fail": "deny", "warn": "warn"}[r.Status]
		if rule == "" {
			t.Errorf("seaworthy: %s on %+v has status %q, want fail or warn", r.Check, r.Object, r.Status)
			continue
		}
		ids[r.Check]++
		fs = append(fs, finding{rule: rule, msg: r.Message, kind: r.Object.Kind, namespace: r.Object.Namespace, name: r.Object.Name})
	}
	return fs, ids
}
