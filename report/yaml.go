package report

import (
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
	return jsonAsYAML(w, data)
}

func plain(n *yaml.Node) {
	n.Style = 0
	for _, c := range n.Content {
		plain(c)
	}
}
