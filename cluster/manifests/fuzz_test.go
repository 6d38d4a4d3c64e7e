package manifests

import (
	"testing"

	"gopkg.in/yaml.v3"
)

// FuzzBlockParser holds the fast block-YAML parser to yaml.v3: whatever it
// accepts, yaml.v3 must accept too and convert to the same JSON, with the
// same root line. What it declines is yaml.v3's to decode, so declining is
// always safe.
func FuzzBlockParser(f *testing.F) {
	for _, seed := range []string{
		"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels: {a: b}\n",
		"a: 1\nb: -1\nc: 0x1F\nd: 1.5\ne: 1e3\nf: 007\ng: +1\n",
		"s: \"q\\\"uote\\\\d\"\nt: 'it''s'\nu: it's\nv: a:b\n",
		"m:\n  a: 1\n  b:\n  - x\n  - y: 1\n    z: 2\n  c: {}\n  d: []\n",
		"a: |\n  x\n  y\nb: 1\n", "a: |-\n  x\n\n  y\n\n\nb: 1\n",
		"l:\n- |\n  one\n- k: |\n    three\n  j: 1\n",
		"t: 2025-06-01T10:00:00Z\nv: True\nw: yes\ny: ~\nempty:\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		w := &worker{}
		root, ok := w.block.parse([]byte(doc), 1)
		if !ok {
			return
		}
		var yn yaml.Node
		if err := yaml.Unmarshal([]byte(doc), &yn); err != nil {
			t.Fatalf("%q: the block parser accepts what yaml.v3 refuses (%v)", doc, err)
		}
		if root < 0 { // an empty document: nothing to decode
			if len(yn.Content) != 0 && yn.Content[0].Kind != yaml.ScalarNode {
				t.Fatalf("%q: the block parser sees an empty document, yaml.v3 a %v", doc, yn.Content[0].Kind)
			}
			return
		}
		if len(yn.Content) == 0 {
			t.Fatalf("%q: the block parser accepts what yaml.v3 reads as empty", doc)
		}
		got, gotOK := w.block.appendJSON(w, nil, root)
		want, wantOK := w.appendJSON(nil, yn.Content[0])
		if gotOK != wantOK || gotOK && string(got) != string(want) {
			t.Fatalf("%q: block %s (%v), yaml.v3 %s (%v)", doc, got, gotOK, want, wantOK)
		}
		if gotOK && w.block.nodes[root].line != yn.Content[0].Line {
			t.Fatalf("%q: root line %d, yaml.v3 %d", doc, w.block.nodes[root].line, yn.Content[0].Line)
		}
	})
}
