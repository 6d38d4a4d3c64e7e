package report

import (
	"bytes"
	"encoding/json"
	"io"

	"gopkg.in/yaml.v3"
)

// yamlRenderer writes the same document as JSON, in YAML, keeping the JSON
// field order.
type yamlRenderer struct{}

func (yamlRenderer) Render(w io.Writer, r *Report) error {
	data, err := json.Marshal(wire(r))
	if err != nil {
		return err
	}
	// JSON is YAML: parse it into nodes (which keep key order), then drop
	// the flow and quoting styles so it prints as ordinary block YAML.
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return err
	}
	plain(&doc)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

func plain(n *yaml.Node) {
	n.Style = 0
	for _, c := range n.Content {
		plain(c)
	}
}
