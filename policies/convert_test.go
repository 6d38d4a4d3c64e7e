package policies

import (
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
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
