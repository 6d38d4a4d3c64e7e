package report

import (
	"bytes"
	"reflect"
	"testing"
)

type rows struct {
	Items []string `json:"items"`
}

func (r rows) TableHeader() []string { return []string{"ITEM"} }
func (r rows) TableRows() [][]string {
	out := make([][]string, len(r.Items))
	for i, it := range r.Items {
		out[i] = []string{it}
	}
	return out
}

func TestFormatRegistry(t *testing.T) {
	if got, want := FormatsFor((*Report)(nil)), []string{"table", "json", "yaml", "markdown", "sarif", "junit", "github", "gitlab-codequality", "prometheus"}; !reflect.DeepEqual(got, want) {
		t.Errorf("report formats %v, want %v", got, want)
	}
	if got, want := FormatsFor(rows{}), []string{"table", "json", "yaml", "markdown"}; !reflect.DeepEqual(got, want) {
		t.Errorf("tabular formats %v, want %v", got, want)
	}
	if got, want := FormatsFor(struct{ A int }{}), []string{"json", "yaml"}; !reflect.DeepEqual(got, want) {
		t.Errorf("plain value formats %v, want %v", got, want)
	}
	v := rows{Items: []string{"a|b"}}
	cases := map[string]string{
		"json":     "{\n  \"items\": [\n    \"a|b\"\n  ]\n}\n",
		"yaml":     "items:\n  - a|b\n",
		"markdown": "| ITEM |\n|---|\n| a\\|b |\n",
	}
	for name, want := range cases {
		var buf bytes.Buffer
		if err := Render(&buf, name, v, RenderOptions{}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if buf.String() != want {
			t.Errorf("%s:\n%q\nwant\n%q", name, buf.String(), want)
		}
	}
}
