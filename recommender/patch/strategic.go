package patch

import (
	"bytes"
	"fmt"

	"sigs.k8s.io/yaml"
)

// object is the patch as a JSON/YAML tree; sigs.k8s.io/yaml writes map keys
// sorted, so the text is deterministic.
func (p Patch) object() map[string]any {
	obj := map[string]any{
		"apiVersion": p.Workload.APIVersion,
		"kind":       p.Workload.Kind,
		"metadata":   map[string]any{"name": p.Workload.Name, "namespace": p.Workload.Namespace},
	}
	if p.Data != nil {
		obj["data"] = p.Data
	}
	if len(p.Containers) > 0 {
		containers := make([]any, 0, len(p.Containers))
		for _, c := range p.Containers {
			res := map[string]any{}
			if r := amountStrings(c.Requests); len(r) > 0 {
				res["requests"] = r
			}
			if l := amountStrings(c.Limits); len(l) > 0 {
				res["limits"] = l
			}
			containers = append(containers, map[string]any{"name": c.Name, "resources": res})
		}
		path := containersPath(p.Workload.Kind)
		var leaf any = containers
		for i := len(path) - 1; i >= 0; i-- {
			leaf = map[string]any{path[i]: leaf}
		}
		obj["spec"] = leaf.(map[string]any)["spec"]
	}
	if p.Replicas != nil {
		spec, _ := obj["spec"].(map[string]any)
		if spec == nil {
			spec = map[string]any{}
			obj["spec"] = spec
		}
		spec["replicas"] = *p.Replicas
	}
	return obj
}

// StrategicMerge is the patch as a YAML strategic-merge patch. Containers are
// matched by name (the containers list merges on that key), so the patch
// survives reordering. It names its object, so one file serves
//
//	kubectl patch deployment web -n team-a --type strategic --patch-file web.yaml
//
// and a kustomize `patches:` entry with a target.
func (p Patch) StrategicMerge() ([]byte, error) {
	out, err := yaml.Marshal(p.object())
	if err != nil {
		return nil, fmt.Errorf("encode patch for %s %s/%s: %w", p.Workload.Kind, p.Workload.Namespace, p.Workload.Name, err)
	}
	return out, nil
}

// StrategicMergeJSON is the same patch as JSON, the body a strategic-merge
// PATCH request carries.
func (p Patch) StrategicMergeJSON() ([]byte, error) {
	y, err := p.StrategicMerge()
	if err != nil {
		return nil, err
	}
	j, err := yaml.YAMLToJSON(y)
	if err != nil {
		return nil, fmt.Errorf("convert patch for %s %s/%s to JSON: %w", p.Workload.Kind, p.Workload.Namespace, p.Workload.Name, err)
	}
	return j, nil
}

// StrategicMergeStream is every patch of the set as one multi-document YAML
// stream, in the set's order.
func StrategicMergeStream(set Set) ([]byte, error) {
	var b bytes.Buffer
	for i, p := range set.Patches {
		doc, err := p.StrategicMerge()
		if err != nil {
			return nil, err
		}
		if i > 0 {
			b.WriteString("---\n")
		}
		b.Write(doc)
	}
	return b.Bytes(), nil
}
