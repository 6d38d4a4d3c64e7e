package addons

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
	"k8s.io/apimachinery/pkg/api/resource"
)

// An add-on sizing file adds rules for add-ons the built-in table does not
// know, or overrides it for one add-on:
//
//	addons:
//	- match: {namespace: monitoring, name: kube-state-metrics, container: kube-state-metrics}
//	  cpu: {base: 100m, perNode: 1m}
//	  memory: {base: 100Mi, perNode: 2Mi}
//	  estimator: linear        # or exponential
//	  minClusterSize: 16       # exponential only
//	  threshold: 5             # percent band kept as it is
//
// match names a workload by name (and namespace, default any) or an add-on
// by app (its k8s-app or app.kubernetes.io/name label or image name), and
// the container (default: the one named like the app, else the only one
// besides a nanny). At least one of cpu and memory is required; perNode
// defaults to 0, estimator to linear, minClusterSize to 16, threshold to 0
// (the addon-resizer's defaults). Unknown keys, a value of the wrong type
// and an invalid quantity are errors naming file:line:column.

// Match says which workload container a configured rule sizes.
type Match struct {
	App, Namespace, Name, Container string
}

// Configured is one rule of an add-on sizing file.
type Configured struct {
	Match Match
	Rule  Rule
}

// ParseConfig reads an add-on sizing file's content; name prefixes errors.
func ParseConfig(name string, data []byte) ([]Configured, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	p := parser{name: name}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		return nil, nil
	}
	var list *yaml.Node
	if err := p.fields(root, "the top level", map[string]func(*yaml.Node) error{
		"addons": func(n *yaml.Node) error { list = n; return nil },
	}); err != nil {
		return nil, err
	}
	if list == nil {
		return nil, nil
	}
	if list.Kind != yaml.SequenceNode {
		return nil, p.errorf(list, "addons: want a list of rules")
	}
	out := make([]Configured, 0, len(list.Content))
	for i, item := range list.Content {
		c, err := p.rule(item, i+1)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

type parser struct{ name string }

func (p parser) errorf(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("%s:%d:%d: %s", p.name, n.Line, n.Column, fmt.Sprintf(format, args...))
}

// fields walks the mapping n, calling set for each known key; an unknown
// or repeated key is an error.
func (p parser) fields(n *yaml.Node, where string, set map[string]func(*yaml.Node) error) error {
	if n.Kind != yaml.MappingNode {
		return p.errorf(n, "%s: want a mapping", where)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		f, ok := set[k.Value]
		if !ok {
			known := make([]string, 0, len(set))
			for key := range set {
				known = append(known, key)
			}
			return p.errorf(k, "unknown key %q in %s (known: %s)", k.Value, where, strings.Join(slices.Sorted(slices.Values(known)), ", "))
		}
		if seen[k.Value] {
			return p.errorf(k, "%s: key %q given twice", where, k.Value)
		}
		seen[k.Value] = true
		if err := f(v); err != nil {
			return err
		}
	}
	return nil
}

func (p parser) str(dst *string, where string) func(*yaml.Node) error {
	return func(n *yaml.Node) error {
		if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
			return p.errorf(n, "%s: want a string", where)
		}
		*dst = n.Value
		return nil
	}
}

func (p parser) integer(dst *int, where string) func(*yaml.Node) error {
	return func(n *yaml.Node) error {
		i, err := strconv.Atoi(n.Value)
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || err != nil {
			return p.errorf(n, "%s: want a whole number", where)
		}
		*dst = i
		return nil
	}
}

func (p parser) quantity(dst *resource.Quantity, where string) func(*yaml.Node) error {
	return func(n *yaml.Node) error {
		q, err := resource.ParseQuantity(n.Value)
		if n.Kind != yaml.ScalarNode || err != nil || q.Sign() < 0 {
			return p.errorf(n, "%s: want a quantity such as 100m or 64Mi, got %q", where, n.Value)
		}
		*dst = q
		return nil
	}
}

func (p parser) scaling(dst **Scaling, where string) func(*yaml.Node) error {
	return func(n *yaml.Node) error {
		s := &Scaling{}
		hasBase := false
		if err := p.fields(n, where, map[string]func(*yaml.Node) error{
			"base": func(v *yaml.Node) error {
				hasBase = true
				return p.quantity(&s.Base, where+".base")(v)
			},
			"perNode": p.quantity(&s.PerNode, where+".perNode"),
		}); err != nil {
			return err
		}
		if !hasBase {
			return p.errorf(n, "%s: base is required", where)
		}
		*dst = s
		return nil
	}
}

// rule reads the i-th (1-based) entry of addons.
func (p parser) rule(n *yaml.Node, i int) (Configured, error) {
	where := fmt.Sprintf("addons[%d]", i)
	c := Configured{Rule: Rule{
		Name:      fmt.Sprintf("%s entry %d", p.name, i),
		Source:    fmt.Sprintf("%s:%d", p.name, n.Line),
		Estimator: Linear,
	}}
	var est string
	var matchNode *yaml.Node
	err := p.fields(n, where, map[string]func(*yaml.Node) error{
		"match": func(v *yaml.Node) error {
			matchNode = v
			return p.fields(v, where+".match", map[string]func(*yaml.Node) error{
				"app":       p.str(&c.Match.App, where+".match.app"),
				"namespace": p.str(&c.Match.Namespace, where+".match.namespace"),
				"name":      p.str(&c.Match.Name, where+".match.name"),
				"container": p.str(&c.Match.Container, where+".match.container"),
			})
		},
		"cpu":            p.scaling(&c.Rule.CPU, where+".cpu"),
		"memory":         p.scaling(&c.Rule.Memory, where+".memory"),
		"estimator":      p.str(&est, where+".estimator"),
		"minClusterSize": p.integer(&c.Rule.MinClusterSize, where+".minClusterSize"),
		"threshold":      p.integer(&c.Rule.ThresholdPercent, where+".threshold"),
	})
	if err != nil {
		return c, err
	}
	if matchNode == nil || (c.Match.App == "" && c.Match.Name == "") {
		at := n
		if matchNode != nil {
			at = matchNode
		}
		return c, p.errorf(at, "%s: match needs an app or a name", where)
	}
	if est != "" {
		c.Rule.Estimator = Estimator(est)
	}
	if c.Rule.Estimator == Exponential && c.Rule.MinClusterSize == 0 {
		c.Rule.MinClusterSize = DefaultMinClusterSize
	}
	if err := c.Rule.Validate(); err != nil {
		return c, p.errorf(n, "%s: %v", where, err)
	}
	return c, nil
}
