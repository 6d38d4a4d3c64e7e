package manifests

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/fixtures/synth"
)

// loadSerial is Load as it was before decoding went parallel: every file
// decoded by decodeManifests, the reference reader, and finished untidied.
func loadSerial(t testing.TB, paths []string, opts Options) (*cluster.Snapshot, []string, error) {
	t.Helper()
	var warnings []string
	opts.Warn = func(m string) { warnings = append(warnings, m) }
	files, err := expandPaths(paths)
	if err != nil {
		t.Fatal(err)
	}
	s := &cluster.Snapshot{SchemaVersion: cluster.SchemaVersion, CollectedAt: opts.Now.UTC(), Source: cluster.SourceManifests}
	all := &notes{}
	for _, in := range files {
		f := in.path
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fileNotes := &notes{}
		o := opts
		o.notes, o.walked = fileNotes, in.walked
		before := len(s.Origins)
		if err := decodeManifests(s, f, data, &o); err != nil {
			if terr := templateError(f, data, err); terr != nil {
				err = terr
			}
			return nil, warnings, err
		}
		if err := checkTemplatedNames(s.Origins); err != nil {
			return nil, warnings, err
		}
		if fileNotes.nonObjects > 0 {
			warnings = append(warnings, fileNotes.nonObjectWarning(f, len(s.Origins) == before && len(fileNotes.kinds) == 0))
		}
		fileNotes.nonObjects = 0
		all.merge(fileNotes)
	}
	if len(s.Nodes) == 0 {
		s.Gaps = append(s.Gaps, cluster.Gap{Kind: cluster.KindNodes, Reason: cluster.GapNotInInput,
			Message: "the manifests hold no Node objects, so there is no whole-cluster context"})
	}
	finish(s, &opts, false)
	if msg := all.kindsSummary(); msg != "" {
		warnings = append(warnings, msg)
	}
	return s, warnings, nil
}

func loadParallel(paths []string, opts Options) (*cluster.Snapshot, []string, error) {
	var warnings []string
	opts.Warn = func(m string) { warnings = append(warnings, m) }
	s, err := Load(paths, opts)
	return s, warnings, err
}

// withBatchBytes runs fn with batches of about n bytes (1: a batch per
// document), so that tests cross batch boundaries everywhere.
func withBatchBytes(t *testing.T, n int, fn func()) {
	t.Helper()
	old := batchBytes
	batchBytes = n
	defer func() { batchBytes = old }()
	fn()
}

func sameSnapshot(t *testing.T, got, want *cluster.Snapshot) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if !bytes.Equal(g, w) {
		t.Fatalf("parallel snapshot differs from the serial one (JSON %d vs %d bytes); counts %v vs %v", len(g), len(w), got.Counts(), want.Counts())
	}
	// Equal JSON, but not DeepEqual: shared resource lists keep one of
	// several equal quantities' forms. Say so, but it is the same data.
	t.Logf("snapshots encode equally but are not DeepEqual")
}

// The parallel reader gives the serial reader's snapshot and warnings for
// a generated cluster of 200 nodes, as one stream and as files, in batches
// of the usual size and of 4 KiB (with -short: a smaller cluster, and a
// batch per document too).
func TestParallelMatchesSerial(t *testing.T) {
	dir := t.TempDir()
	spec := synth.Spec{Nodes: 200, Pods: 6000, Seed: 3}
	sizes := []int{batchBytes, 1 << 12}
	if testing.Short() {
		spec, sizes = synth.Spec{Nodes: 30, Pods: 600, Seed: 3}, []int{batchBytes, 1 << 12, 1}
	}
	s := synth.Generate(spec, testNow)
	if err := synth.WriteManifests(dir, s, synth.ManifestOptions{}); err != nil {
		t.Fatal(err)
	}
	files, err := synth.ManifestFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	var all bytes.Buffer
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
		// Kinds the reader skips, with warnings, between the documents.
		all.WriteString("---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n")
	}
	one := filepath.Join(t.TempDir(), "all.yaml")
	if err := os.WriteFile(one, all.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, in := range [][]string{{one}, {dir}} {
		want, wantWarn, err := loadSerial(t, in, Options{Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		for _, bb := range sizes {
			withBatchBytes(t, bb, func() {
				got, gotWarn, err := loadParallel(in, Options{Now: testNow})
				if err != nil {
					t.Fatal(err)
				}
				sameSnapshot(t, got, want)
				if !reflect.DeepEqual(gotWarn, wantWarn) {
					t.Fatalf("batch %d: warnings %q, want %q", bb, gotWarn, wantWarn)
				}
			})
		}
	}
}

// Bad input anywhere in a stream is the serial reader's error, at the
// right line, and the warnings before it are the same.
func TestParallelErrorsMatchSerial(t *testing.T) {
	doc := func(name string) string {
		return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + name + "\n  labels: {a: b}\n"
	}
	widget := "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n"
	good := doc("a") + "---\n" + widget + "---\n"
	cases := []struct {
		name, content, want string
	}{
		{"bad field in the third document", doc("a") + "---\n" + doc("b") + "---\n" + "apiVersion: v1\nkind: Namespace\nmetadata: {name: c}\nspec:\n  finalizers: 3\n", "bad.yaml:13: decode v1 Namespace"},
		{"unknown field in the third document", doc("a") + "---\n" + doc("b") + "---\n" + "apiVersion: v1\nkind: Namespace\nmetadata: {name: c, nope: 1}\n", ""},
		{"unclosed quote before a document start", good + "apiVersion: v1\nkind: Namespace\nmetadata: {name: \"c}\n---\n" + doc("d"), "bad.yaml:"},
		{"unclosed flow before a document start", good + "apiVersion: v1\nkind: Namespace\nmetadata: {name: c\n---\n" + doc("d"), "bad.yaml:"},
		{"duplicate key late", good + good + doc("x") + "metadata: {}\n", "already defined at line"},
		{"tab late", good + good + "apiVersion: v1\n\tkind: x\n", "bad.yaml:"},
		{"scalar document late", good + good + "just text\n", "document is not an object"},
		{"alias across documents", "a: &x {b: 1}\n---\n" + widget + "---\n" + good + "apiVersion: v1\nkind: Namespace\nmetadata: *x\n", ""},
		{"merge key", good + "apiVersion: v1\nkind: Namespace\nbase: &b {name: m}\nmetadata:\n  <<: *b\n", ""},
		{"directive", good + "...\n%YAML 1.1\n---\n" + doc("d"), ""},
		{"document end and comments", good + "...\n# c\n---\n" + doc("d") + "...\n", ""},
		{"CR line breaks", strings.ReplaceAll(good+doc("d"), "\n", "\r"), ""},
		{"CRLF line breaks", strings.ReplaceAll(good+doc("d")+"---\nkind: x\n", "\n", "\r\n"), "bad.yaml:17:"},
		{"infinity in a skipped kind", good + widget + "spec: {x: .inf}\n", ""},
		{"infinity", good + doc("d") + "spec: {x: .inf}\n", "unsupported value"},
		{"List items keep their lines", good + "apiVersion: v1\nkind: List\nitems:\n- " + strings.ReplaceAll(doc("l1"), "\n", "\n  ") + "- apiVersion: v1\n  kind: Namespace\n  metadata: {name: l2, x: 1}\n", ""},
		{"byte order mark", "\ufeff" + good + doc("d"), ""},
		{"no leading document start", doc("a") + "---\n" + doc("b"), ""},
		{"content on the document start line", good + "--- {apiVersion: v1, kind: Namespace, metadata: {name: f}}\n---\n" + doc("d"), ""},
		{"directive first", "%YAML 1.2\n---\n" + good + doc("d"), ""},
		{"no final line break", good + strings.TrimSuffix(doc("d"), "\n"), ""},
		{"a line longer than the read buffer", good + "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big, namespace: a}\ndata:\n  k: " + strings.Repeat("x", 3<<20) + "\n---\n" + doc("d"), ""},
		{"empty", "", ""},
		{"only comments", "# a\n---\n# b\n", ""},
		{"JSON", `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"j"}}`, ""},
		{"pretty JSON List", "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [\n    {\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"j\"}},\n    {\"apiVersion\": \"x/v1\", \"kind\": \"W\", \"metadata\": {\"name\": \"w\"}}\n  ]\n}\n", ""},
		{"CRLF with a bad document", strings.ReplaceAll(good+good+"apiVersion: v1\nkind: Namespace\nmetadata: {name: [x]}\n", "\n", "\r\n"), "decode v1 Namespace"},
		{"List item without kind", good + "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  metadata: {name: l2}\n", "bad.yaml:14: document has no apiVersion or kind"},
	}
	dir := t.TempDir()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, dir, "bad.yaml", tt.content)
			want, wantWarn, wantErr := loadSerial(t, []string{p}, Options{Now: testNow})
			if tt.want != "" && (wantErr == nil || !strings.Contains(wantErr.Error(), tt.want)) {
				t.Fatalf("serial reader: error %v, want %q", wantErr, tt.want)
			}
			for _, bb := range []int{batchBytes, 1} {
				withBatchBytes(t, bb, func() {
					got, gotWarn, err := loadParallel([]string{p}, Options{Now: testNow})
					if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
						t.Fatalf("batch %d: error %v, want %v", bb, err, wantErr)
					}
					if err != nil {
						var ie *cluster.InputError
						if !errors.As(err, &ie) {
							t.Errorf("want an *InputError, got %T", err)
						}
					} else {
						sameSnapshot(t, got, want)
					}
					if !reflect.DeepEqual(gotWarn, wantWarn) {
						t.Fatalf("batch %d: warnings %q, want %q", bb, gotWarn, wantWarn)
					}
				})
			}
		})
	}
}

// A bad field in the third document of a file names its line.
func TestLoadErrorLineInThirdDocument(t *testing.T) {
	p := writeFile(t, t.TempDir(), "three.yaml", `apiVersion: v1
kind: Namespace
metadata: {name: a}
---
apiVersion: v1
kind: Namespace
metadata: {name: b}
---
# the third
apiVersion: v1
kind: Namespace
metadata:
  name: c
  labels: [not, a, map]
`)
	for _, bb := range []int{batchBytes, 1} {
		withBatchBytes(t, bb, func() {
			_, err := Load([]string{p}, Options{Now: testNow})
			if err == nil || !strings.HasPrefix(err.Error(), p+":10: decode v1 Namespace") {
				t.Fatalf("batch %d: err = %v, want %s:10: decode v1 Namespace ...", bb, err, p)
			}
		})
	}
}

// Whatever the block parser accepts, it encodes as yaml.v3's nodes are
// encoded, with the same line numbers for the document and List items.
func TestBlockParserMatchesYAML(t *testing.T) {
	docs := []string{
		"a: 1\nb: -1\nc: 0x1F\nd: 1.5\ne: 1e3\nf: 007\ng: +1\nh: 12345678901234567890\ni: -0\n",
		"t: 2025-06-01T10:00:00Z\nu: 2025-06-01\nv: True\nw: yes\nx: on\ny: ~\nz: null\nn: NULL\nempty:\nf: .inf\ng: .nan\n",
		"s: \"q\\\"uote\\\\d\"\nt: 'it''s'\nu: it's\nv: a:b\nw: http://x/y?z=1\nx: a, b [c] {d}\ny: \"\"\nz: ''\ntrail: x   \n",
		"m:\n  a: 1\n  b:\n  - x\n  - y: 1\n    z: 2\n  -   w: 3\n  c: {}\n  d: []\nl:\n- 1\n- two\n# comment\n\nk: v\n",
		"apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: a\n\n- apiVersion: v1\n  kind: Namespace\n  metadata: {}\n",
		"b: 1\na: 2\nA: 3\n_: 4\n0: 5\nk.io/x-y: 6\n",
		"nested:\n  deep:\n    deeper:\n      list:\n      - a\n      - b\n    back: 1\n  up: 2\n",
		"dup: 1\ndup: 2\n",
		"a: b: c\n", "a: x #c\n", "a: |\n  x\n", "a: &x 1\n", "a: !!str 1\n", "a:\n- - x\n", "a: \"\\n\"\n", "a: [1]\n", "\ta: 1\n",
		"a: 1\n  b: 2\n", "- a\n", "a:\n   b: 1\n  c: 2\n", "a: -\n", "a: -x\n", "a: é\n", "a: 'x\n", "a: \"x\n", "<<: {}\n",
		"a: multi\n  line\n",
		"a: |\n  x\n  y\nb: 1\n", "a: |-\n  x\n\n  y\n\n\nb: 1\n", "a: |\n    x\n      # not a comment\n  # a comment\nb: |\n  z\n",
		"l:\n- |\n  one\n- |-\n  two\n- k: |\n    three\n  j: 1\n", "a: |\n  x\n", "a: |\n  x\n\n", "a: |\nb: 1\n", "a: |\n\n  x\n", "a: |+\n  x\n",
		"a: |2\n   x\n", "a: >\n  x\n", "a: |\n  x\n   \n  y\n", "a: |\n  x\n \n  y\n", "a: | # c\n  x\n", "a:\n  b: |\n   x\n  c: 1\n",
	}
	w := &worker{}
	accepted := 0
	defer func() {
		if accepted < 15 {
			t.Errorf("the block parser accepted %d of the documents, want the first 8", accepted)
		}
	}()
	for _, doc := range docs {
		var yn yaml.Node
		yerr := yaml.Unmarshal([]byte(doc), &yn)
		root, ok := w.block.parse([]byte(doc), 1)
		if !ok {
			continue // yaml.v3 decodes it
		}
		accepted++
		if yerr != nil {
			t.Errorf("%q: the block parser accepts what yaml.v3 refuses (%v)", doc, yerr)
			continue
		}
		got, gotOK := w.block.appendJSON(w, nil, root)
		want, wantOK := w.appendJSON(nil, yn.Content[0])
		if gotOK != wantOK || gotOK && string(got) != string(want) {
			t.Errorf("%q: block %s (%v), yaml.v3 %s (%v)", doc, got, gotOK, want, wantOK)
		}
		if gotOK && w.block.nodes[root].line != yn.Content[0].Line {
			t.Errorf("%q: root line %d, yaml.v3 %d", doc, w.block.nodes[root].line, yn.Content[0].Line)
		}
		if items := w.block.value(root, "items"); items >= 0 && w.block.nodes[items].kind == yaml.SequenceNode {
			yitems := mappingValue(yn.Content[0], "items")
			for i, it := range w.block.nodes[items].kids {
				if w.block.nodes[it].line != yitems.Content[i].Line {
					t.Errorf("%q: item %d line %d, yaml.v3 %d", doc, i, w.block.nodes[it].line, yitems.Content[i].Line)
				}
			}
		}
	}
}

// strictDecode, when it succeeds, decodes as cluster.StrictDecode does,
// on the values YAML commonly gives: nulls in maps, lists and fields,
// numbers where quantities and int-or-strings go, empty times.
func TestStrictDecodeMatchesEncodingJSON(t *testing.T) {
	docs := []struct{ apiVersion, kind, json string }{
		{"v1", "Pod", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"a":null,"b":"c"},"annotations":null,"creationTimestamp":null,"ownerReferences":null},"spec":{"containers":[{"name":"c","image":"i","resources":{"limits":{"cpu":1,"memory":"1Gi"},"requests":null},"ports":[{"containerPort":80}],"env":null,"livenessProbe":{"httpGet":{"port":"http","path":"/"}},"readinessProbe":{"httpGet":{"port":8080}}}],"nodeSelector":{},"tolerations":[null],"priority":-1,"terminationGracePeriodSeconds":30},"status":{"startTime":"","conditions":[],"phase":"Running"}}`},
		{"v1", "Node", `{"apiVersion":"v1","kind":"Node","metadata":{"name":"n"},"status":{"capacity":{"cpu":"4","pods":110},"allocatable":{"cpu":3.5},"conditions":[{"type":"Ready","status":"True","lastHeartbeatTime":null}]}}`},
		{"apps/v1", "Deployment", `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replicas":null,"strategy":{"rollingUpdate":{"maxSurge":1,"maxUnavailable":"25%"}},"template":{"spec":{"containers":null}}}}`},
		{"v1", "ConfigMap", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"k":""},"binaryData":{"b":"aGk="}}`},
	}
	for _, d := range docs {
		var fast, std cluster.Snapshot
		ferr := fast.AddObjectWith(d.apiVersion, d.kind, []byte(d.json), strictDecode)
		serr := std.AddObject(d.apiVersion, d.kind, []byte(d.json), true)
		if ferr != nil {
			if serr == nil {
				t.Logf("%s: json-iterator refuses (%v), so the serial reader decodes it", d.kind, ferr)
			}
			continue
		}
		if serr != nil {
			t.Errorf("%s: json-iterator accepts what encoding/json refuses: %v", d.kind, serr)
			continue
		}
		if !reflect.DeepEqual(fast, std) {
			g, _ := json.Marshal(fast)
			w, _ := json.Marshal(std)
			t.Errorf("%s: decoded differently:\n%s\n%s", d.kind, g, w)
		}
	}
}
