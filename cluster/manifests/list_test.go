package manifests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// listOf writes items (YAML mappings at column 0) as the items of one
// List, as kubectl get -o yaml writes it: items first, then kind and
// metadata.
func listOf(items ...string) string {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nitems:\n")
	for _, it := range items {
		b.WriteString("- " + strings.ReplaceAll(strings.TrimSuffix(it, "\n"), "\n", "\n  ") + "\n")
	}
	b.WriteString("kind: List\nmetadata:\n  resourceVersion: \"\"\n")
	return b.String()
}

// jsonListOf writes items as kubectl get -o json writes a List.
func jsonListOf(t *testing.T, items ...string) string {
	t.Helper()
	var raw []json.RawMessage
	for _, it := range items {
		raw = append(raw, json.RawMessage(it))
	}
	b, err := json.MarshalIndent(map[string]any{"apiVersion": "v1", "kind": "List", "items": raw,
		"metadata": map[string]any{"resourceVersion": ""}}, "", "    ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + "\n"
}

func ns(name string) string {
	return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + name + "\n  labels:\n    team: a\n"
}

func jsonNS(name string) string {
	return `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"` + name + `","labels":{"team":"a"}}}`
}

// A List, in YAML or JSON, cut into its items, gives the serial reader's
// snapshot, origins, warnings and first error, in batches of every size;
// fast says the input is read without the serial reader.
func TestListMatchesSerial(t *testing.T) {
	widget := "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n"
	pod := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: a\nspec:\n  containers:\n  - name: c\n    image: i\n"
	cases := []struct {
		name, content, wantErr string
		fast                   bool
	}{
		{"kubectl style", listOf(ns("a"), pod, widget, ns("b")), "", true},
		{"kind first", "apiVersion: v1\nkind: List\nitems:\n" + strings.TrimSuffix(strings.TrimPrefix(listOf(ns("a"), ns("b")), "apiVersion: v1\nitems:\n"), "kind: List\nmetadata:\n  resourceVersion: \"\"\n"), "", true},
		{"generator style", "apiVersion: v1\nkind: List\nitems:\n- " + strings.ReplaceAll(strings.TrimSuffix(ns("a"), "\n"), "\n", "\n  ") + "\n- " + strings.ReplaceAll(strings.TrimSuffix(ns("b"), "\n"), "\n", "\n  ") + "\n", "", true},
		{"between documents", ns("x") + "---\n" + listOf(ns("a"), ns("b")) + "---\n" + ns("y"), "", true},
		{"bad field in the third item", listOf(ns("a"), ns("b"), "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: c\nspec:\n  finalizers: 3\n"), "bad.yaml:15: decode v1 Namespace", false},
		{"unknown field in an item", listOf(ns("a"), "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: c\n  nope: 1\n", ns("b")), "", true},
		{"item without kind", listOf(ns("a"), "apiVersion: v1\nmetadata:\n  name: c\n"), "bad.yaml:9: document has no apiVersion or kind", false},
		{"duplicate key in a later item", listOf(ns("a"), "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: c\n  name: d\n"), "already defined", false},
		{"nested List", listOf(ns("a"), listOf(ns("n1"), ns("n2")), ns("b")), "", true},
		{"empty items", "apiVersion: v1\nkind: List\nitems: []\n", "", true},
		{"null items", "apiVersion: v1\nitems:\nkind: List\nmetadata: {}\n", "", true},
		{"comments and blanks between items", strings.Replace(listOf(ns("a"), ns("b"), ns("c")), "\n- ", "\n# a comment\n\n  # indented\n- ", -1), "", true},
		{"CRLF", strings.ReplaceAll(listOf(ns("a"), ns("b")), "\n", "\r\n"), "", true},
		{"CRLF with a bad item", strings.ReplaceAll(listOf(ns("a"), "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: [x]\n"), "\n", "\r\n"), "decode v1 Namespace", true},
		{"not a List", strings.Replace(listOf(ns("a")), "kind: List", "kind: Widget", 1), "", false},
		{"another top-level key", listOf(ns("a"), ns("b")) + "extra: 1\n", "", false},
		{"metadata twice", listOf(ns("a")) + "metadata: {}\n", "already defined", false},
		{"flow style item", listOf(ns("a"), "{apiVersion: v1, kind: Namespace, metadata: {name: f}}", ns("b")), "", true},
		{"escapes in an item", listOf(ns("a"), "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: e\n  annotations:\n    x: \"a\\nb\\tc\"\n"), "", true},
		{"anchor and alias across items", listOf("apiVersion: v1\nkind: Namespace\nmetadata: &m\n  name: m\n", "apiVersion: v1\nkind: Namespace\nmetadata: *m\n"), "", false},
		{"quoted scalar over an item start", listOf(ns("a"), "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: q\n  annotations:\n    x: \"one\n- two\"\n"), "", false},
		{"items indented", "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Namespace\n    metadata: {name: i}\n", "", true},
		{"no final line break", strings.TrimSuffix(listOf(ns("a"), ns("b")), "\n"), "", false},
		{"content on the document start line", "--- # c\n" + listOf(ns("a")), "", true},
		{"directive", "%YAML 1.1\n---\n" + listOf(ns("a")), "", true},
		{"document end", listOf(ns("a")) + "...\n" + "---\n" + ns("z"), "", false},
		{"JSON", jsonListOf(t, jsonNS("a"), `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"a"},"spec":{"containers":[{"name":"c","image":"i"}]}}`, `{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"}}`, jsonNS("b")), "", true},
		{"JSON bad field in the third item", jsonListOf(t, jsonNS("a"), jsonNS("b"), `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"c"},"spec":{"finalizers":3}}`), "decode v1 Namespace", false},
		{"JSON unknown field", jsonListOf(t, jsonNS("a"), `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"c","nope":1}}`), "", true},
		{"JSON nested List", jsonListOf(t, jsonNS("a"), `{"apiVersion":"v1","kind":"List","items":[`+jsonNS("n1")+`]}`), "", true},
		{"JSON empty items", "{\n    \"apiVersion\": \"v1\",\n    \"items\": [],\n    \"kind\": \"List\"\n}\n", "", true},
		{"JSON other key", strings.Replace(jsonListOf(t, jsonNS("a")), "    \"kind\"", "    \"x\": 1,\n    \"kind\"", 1), "", false},
		{"JSON two-space indent", strings.ReplaceAll(jsonListOf(t, jsonNS("a"), jsonNS("b")), "    ", "  "), "", true},
		{"JSON items missing a comma", strings.Replace(jsonListOf(t, jsonNS("a"), jsonNS("b")), "        },\n", "        }\n", 1), "", false},
	}
	dir := t.TempDir()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, dir, "bad.yaml", tt.content)
			want, wantWarn, wantErr := loadSerial(t, []string{p}, Options{Now: testNow})
			if tt.wantErr != "" && (wantErr == nil || !strings.Contains(wantErr.Error(), tt.wantErr)) {
				t.Fatalf("serial reader: error %v, want %q", wantErr, tt.wantErr)
			}
			if tt.wantErr == "" && wantErr != nil && !strings.Contains(tt.name, "JSON items missing") {
				t.Fatalf("serial reader: error %v", wantErr)
			}
			for _, bb := range []int{batchBytes, 64, 1} {
				withBatchBytes(t, bb, func() {
					got, gotWarn, err := loadParallel([]string{p}, Options{Now: testNow})
					if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
						t.Fatalf("batch %d: error %v, want %v", bb, err, wantErr)
					}
					if err == nil {
						sameSnapshot(t, got, want)
					}
					if !reflect.DeepEqual(gotWarn, wantWarn) {
						t.Fatalf("batch %d: warnings %q, want %q", bb, gotWarn, wantWarn)
					}
				})
			}
			if tt.fast {
				withBatchBytes(t, 1, func() {
					var ws []string
					serial, err := runPipeline(&cluster.Snapshot{}, &ws, &notes{}, p, bytes.NewReader([]byte(tt.content)), &Options{Now: testNow})
					if serial {
						t.Errorf("read by the serial reader (err %v)", err)
					}
				})
			}
		})
	}
}

// Each item of a List keeps its own line, as the serial reader records
// it: the line of its "-" (YAML) or "{" (JSON).
func TestListItemOrigins(t *testing.T) {
	dir := t.TempDir()
	y := writeFile(t, dir, "list.yaml", listOf(ns("a"), ns("b"), ns("c")))
	j := writeFile(t, dir, "list.json", jsonListOf(t, jsonNS("a"), jsonNS("b"), jsonNS("c")))
	for _, tt := range []struct {
		path  string
		lines []int
	}{{y, []int{3, 9, 15}}, {j, []int{4, 14, 24}}} {
		withBatchBytes(t, 1, func() {
			s, err := Load([]string{tt.path}, Options{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			for i, name := range []string{"a", "b", "c"} {
				o, ok := s.OriginOf(cluster.KindNamespaces, "", name)
				if !ok || o.Line != tt.lines[i] {
					t.Errorf("%s: origin of %s = %+v, want line %d", tt.path, name, o, tt.lines[i])
				}
			}
		})
	}
}

// A large List, in YAML and JSON, cut into many batches, gives the serial
// reader's snapshot and warnings.
func TestLargeListMatchesSerial(t *testing.T) {
	var yitems, jitems []string
	for i := range 300 {
		name := fmt.Sprintf("n%03d", i)
		yitems = append(yitems, ns(name))
		jitems = append(jitems, jsonNS(name))
		if i%50 == 7 {
			yitems = append(yitems, "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: "+name+"\n")
			jitems = append(jitems, `{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"`+name+`"}}`)
		}
	}
	dir := t.TempDir()
	for _, p := range []string{writeFile(t, dir, "l.yaml", listOf(yitems...)), writeFile(t, dir, "l.json", jsonListOf(t, jitems...))} {
		want, wantWarn, err := loadSerial(t, []string{p}, Options{Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		withBatchBytes(t, 1<<10, func() {
			got, gotWarn, err := loadParallel([]string{p}, Options{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			sameSnapshot(t, got, want)
			if !reflect.DeepEqual(gotWarn, wantWarn) {
				t.Fatalf("%s: warnings %q, want %q", p, gotWarn, wantWarn)
			}
			data, _ := os.ReadFile(p)
			var ws []string
			if serial, _ := runPipeline(&cluster.Snapshot{}, &ws, &notes{}, p, bytes.NewReader(data), &Options{Now: testNow}); serial {
				t.Errorf("%s: read by the serial reader", p)
			}
		})
	}
}
