package policies

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/fixtures/synth"
)

// TestFromJSON checks the converter against OPA's own JSON reading.
func TestFromJSON(t *testing.T) {
	for _, text := range []string{
		`{"a":[1,2.5,-3e2,true,false,null,"x"],"b":{},"c":[],"d":"esc\"aped \u003cb\u003e \\ é","e":{"x":{"k":"v"},"y":{"k":"v"}}}`,
		` [ {"k" : "v"} , {"k":"v"} ] `,
		`"plain"`,
		`0`,
	} {
		got, err := fromJSON([]byte(text))
		if err != nil {
			t.Errorf("fromJSON(%s): %v", text, err)
			continue
		}
		want := ast.MustParseTerm(text).Value
		if got.Compare(want) != 0 {
			t.Errorf("fromJSON(%s) = %v, want %v", text, got, want)
		}
	}
	for text, want := range map[string]string{
		`{"a":1`:  "read JSON at offset 6: unexpected end of input in an object",
		`[1,]`:    `read JSON at offset 3: unexpected ']'`,
		`{"a" 1}`: "read JSON at offset 5: want ':'",
		`"open`:   "read JSON at offset 5: unterminated string",
		`[1] [2]`: "read JSON at offset 4: unexpected text after the document",
		`{1:2}`:   "read JSON at offset 1: want an object key",
		`[tru]`:   "read JSON at offset 1: want true",
		`[1.2.3]`: "read JSON at offset 6: bad number 1.2.3",
	} {
		if _, err := fromJSON([]byte(text)); err == nil || err.Error() != want {
			t.Errorf("fromJSON(%s) error = %v, want %q", text, err, want)
		}
	}
}

// TestFromJSONShares checks identical subtrees become one term.
func TestFromJSONShares(t *testing.T) {
	v, err := fromJSON([]byte(`[{"k":["v"]},{"k":["v"]}]`))
	if err != nil {
		t.Fatal(err)
	}
	arr := v.(*ast.Array)
	if arr.Elem(0) != arr.Elem(1) {
		t.Errorf("identical objects were not shared")
	}
}

// TestToValueChunked checks a document whose pod list is encoded in
// chunks converts to what its whole JSON text reads as.
func TestToValueChunked(t *testing.T) {
	snap := synth.Generate(synth.Spec{Pods: 2*chunk + 100}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if len(snap.Pods) <= 2*chunk {
		t.Fatalf("only %d pods", len(snap.Pods))
	}
	doc := NewDocument(snap, nil, nil, index.New(snap))
	got, err := ToValue(doc)
	if err != nil {
		t.Fatal(err)
	}
	text, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	want, err := ast.ValueFromReader(bytes.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if got.Compare(want) != 0 {
		t.Errorf("chunked conversion differs from OPA's reading of the whole text")
	}
	pods, err := got.Find(ast.Ref{ast.StringTerm("snapshot"), ast.StringTerm("pods")})
	if err != nil || pods.(*ast.Array).Len() != len(snap.Pods) {
		t.Errorf("snapshot.pods = %v, %v; want %d pods", pods != nil, err, len(snap.Pods))
	}
}
