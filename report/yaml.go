package report

import (
	"encoding/json"
	"io"

	"sigs.k8s.io/yaml"
)

// yamlRenderer writes the same document as JSON, in YAML.
type yamlRenderer struct{}

func (yamlRenderer) Render(w io.Writer, r *Report) error {
	data, err := json.Marshal(wire(r))
	if err != nil {
		return err
	}
	out, err := yaml.JSONToYAML(data)
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}
