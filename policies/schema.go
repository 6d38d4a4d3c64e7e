package policies

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/seaworthy-k8s/seaworthy/cluster/usage"
	"github.com/seaworthy-k8s/seaworthy/recommender"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// SchemaDialect is the JSON Schema draft Schema writes.
const SchemaDialect = "https://json-schema.org/draft/2020-12/schema"

// Schema returns the JSON Schema (draft 2020-12) of the input document,
// reflected from the Go types with encoding/json's rules: a field without
// omitempty is required, pointers, slices and maps may be null, and types
// with their own JSON form (quantities, times, int-or-string, raw JSON) are
// described by that form. Objects are closed: the schema lists every field
// this build writes. The output is the same bytes on every call.
func Schema() ([]byte, error) {
	r := &reflector{defs: map[string]*schemaNode{}, names: map[reflect.Type]string{}}
	root, err := r.schema(reflect.TypeFor[Document]())
	if err != nil {
		return nil, err
	}
	doc := struct {
		Schema      string                 `json:"$schema"`
		Title       string                 `json:"title"`
		Description string                 `json:"description"`
		Ref         string                 `json:"$ref"`
		Defs        map[string]*schemaNode `json:"$defs"`
	}{
		Schema:      SchemaDialect,
		Title:       "seaworthy policy input " + InputVersion,
		Description: "The input document every policy evaluates (docs/policy-input.md).",
		Ref:         root.Ref,
		Defs:        r.defs,
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encode the policy input schema: %w", err)
	}
	return buf.Bytes(), nil
}

// schemaNode is one JSON Schema; the zero node accepts anything.
type schemaNode struct {
	Ref                  string                 `json:"$ref,omitempty"`
	Type                 any                    `json:"type,omitempty"`
	Format               string                 `json:"format,omitempty"`
	ContentEncoding      string                 `json:"contentEncoding,omitempty"`
	Const                any                    `json:"const,omitempty"`
	Enum                 []string               `json:"enum,omitempty"`
	Properties           map[string]*schemaNode `json:"properties,omitempty"`
	Required             []string               `json:"required,omitempty"`
	AdditionalProperties *schemaNode            `json:"additionalProperties,omitempty"`
	Closed               bool                   `json:"-"`
	Items                *schemaNode            `json:"items,omitempty"`
	MinItems             *int                   `json:"minItems,omitempty"`
	MaxItems             *int                   `json:"maxItems,omitempty"`
	AnyOf                []*schemaNode          `json:"anyOf,omitempty"`
}

// MarshalJSON writes a closed object's additionalProperties as false.
func (n *schemaNode) MarshalJSON() ([]byte, error) {
	type plain schemaNode
	if !n.Closed {
		return json.Marshal((*plain)(n))
	}
	return json.Marshal(struct {
		*plain
		AdditionalProperties bool `json:"additionalProperties"`
	}{(*plain)(n), false})
}

// ownJSON are the types with a JSON form of their own that the input
// contains, by that form.
var ownJSON = map[reflect.Type]func() *schemaNode{
	// A quantity is its canonical string, "100m", "1Gi".
	reflect.TypeFor[resource.Quantity](): func() *schemaNode { return &schemaNode{Type: "string"} },
	// metav1 times are RFC 3339 strings, null when zero.
	reflect.TypeFor[metav1.Time](): func() *schemaNode {
		return &schemaNode{Type: []string{"string", "null"}, Format: "date-time"}
	},
	reflect.TypeFor[metav1.MicroTime](): func() *schemaNode {
		return &schemaNode{Type: []string{"string", "null"}, Format: "date-time"}
	},
	// A time.Time is an RFC 3339 string, zero or not.
	reflect.TypeFor[time.Time](): func() *schemaNode { return &schemaNode{Type: "string", Format: "date-time"} },
	// A metav1.Duration is a Go duration string, "1h30m0s".
	reflect.TypeFor[metav1.Duration](): func() *schemaNode { return &schemaNode{Type: "string"} },
	reflect.TypeFor[intstr.IntOrString](): func() *schemaNode {
		return &schemaNode{Type: []string{"integer", "string"}}
	},
	// managedFields' fieldsV1 is a JSON object, null when empty.
	reflect.TypeFor[metav1.FieldsV1](): func() *schemaNode { return &schemaNode{Type: []string{"object", "null"}} },
	// Raw JSON is any value.
	reflect.TypeFor[runtime.RawExtension](): func() *schemaNode { return &schemaNode{} },
	// Custom resources kept unstructured are objects of any shape.
	reflect.TypeFor[unstructured.Unstructured](): func() *schemaNode { return &schemaNode{Type: "object"} },
	// A status is one of the vocabulary's names.
	reflect.TypeFor[result.Status](): func() *schemaNode {
		n := &schemaNode{Type: "string"}
		for _, s := range result.Statuses {
			n.Enum = append(n.Enum, string(s))
		}
		return n
	},
}

// extraNumbers are the struct types whose MarshalJSON writes their fields
// and one more number field: a duration in seconds.
var extraNumbers = map[reflect.Type]string{
	reflect.TypeFor[recommender.Container](): "historySeconds",
	reflect.TypeFor[usage.Coverage]():        "stepSeconds",
}

// fieldConst pins one field of one type to a constant.
var fieldConst = map[reflect.Type]map[string]any{
	reflect.TypeFor[Document](): {"version": InputVersion},
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

// reflector builds schemas, one $defs entry per named struct type.
type reflector struct {
	defs  map[string]*schemaNode
	names map[reflect.Type]string
}

// schema is t's schema as a value of a field: nullable where encoding/json
// may write null.
func (r *reflector) schema(t reflect.Type) (*schemaNode, error) {
	if f, ok := ownJSON[t]; ok {
		return f(), nil
	}
	if t.Kind() == reflect.Pointer {
		elem, err := r.schema(t.Elem())
		if err != nil {
			return nil, err
		}
		return nullable(elem), nil
	}
	if _, ok := extraNumbers[t]; !ok && (implements(t, jsonMarshaler) || implements(t, textMarshaler)) {
		return nil, fmt.Errorf("describe %s in the policy input schema: it has its own JSON form; add it to ownJSON", t)
	}
	switch t.Kind() {
	case reflect.Bool:
		return &schemaNode{Type: "boolean"}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return &schemaNode{Type: "integer"}, nil
	case reflect.Float32, reflect.Float64:
		return &schemaNode{Type: "number"}, nil
	case reflect.String:
		return &schemaNode{Type: "string"}, nil
	case reflect.Interface:
		return &schemaNode{}, nil
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return &schemaNode{Type: []string{"string", "null"}, ContentEncoding: "base64"}, nil
		}
		elem, err := r.schema(t.Elem())
		if err != nil {
			return nil, err
		}
		return &schemaNode{Type: []string{"array", "null"}, Items: elem}, nil
	case reflect.Array:
		elem, err := r.schema(t.Elem())
		if err != nil {
			return nil, err
		}
		n := t.Len()
		return &schemaNode{Type: "array", Items: elem, MinItems: &n, MaxItems: &n}, nil
	case reflect.Map:
		elem, err := r.schema(t.Elem())
		if err != nil {
			return nil, err
		}
		return &schemaNode{Type: []string{"object", "null"}, AdditionalProperties: elem}, nil
	case reflect.Struct:
		if t.Name() == "" {
			return r.object(t)
		}
		return r.ref(t)
	}
	return nil, fmt.Errorf("describe %s in the policy input schema: kind %s has no JSON form", t, t.Kind())
}

// ref is a reference to named struct type t's definition, adding it the
// first time.
func (r *reflector) ref(t reflect.Type) (*schemaNode, error) {
	if name, ok := r.names[t]; ok {
		return &schemaNode{Ref: "#/$defs/" + name}, nil
	}
	name := defName(t)
	if _, taken := r.defs[name]; taken {
		return nil, fmt.Errorf("name %s in the policy input schema: two types have the name %s", t, name)
	}
	r.names[t] = name
	r.defs[name] = nil // placeholder, so recursive types end
	obj, err := r.object(t)
	if err != nil {
		return nil, err
	}
	r.defs[name] = obj
	return &schemaNode{Ref: "#/$defs/" + name}, nil
}

// object is struct type t's closed object schema.
func (r *reflector) object(t reflect.Type) (*schemaNode, error) {
	fields, err := jsonFields(t)
	if err != nil {
		return nil, err
	}
	obj := &schemaNode{Type: "object", Properties: map[string]*schemaNode{}, Closed: true}
	for _, f := range fields {
		var s *schemaNode
		if c, ok := fieldConst[t][f.name]; ok {
			s = &schemaNode{Const: c}
		} else if s, err = r.schema(f.typ); err != nil {
			return nil, err
		}
		obj.Properties[f.name] = s
		if f.required {
			obj.Required = append(obj.Required, f.name)
		}
	}
	if extra, ok := extraNumbers[t]; ok {
		obj.Properties[extra] = &schemaNode{Type: "number"}
		obj.Required = append(obj.Required, extra)
	}
	return obj, nil
}

// field is one key encoding/json writes for a struct.
type field struct {
	name     string
	typ      reflect.Type
	required bool
	depth    int
}

// jsonFields lists the keys encoding/json writes for struct type t, with
// embedded structs inlined; a shallower field hides a deeper one of the
// same name.
func jsonFields(t reflect.Type) ([]field, error) {
	var out []field
	at := map[string]int{}
	var walk func(t reflect.Type, depth int, viaPointer bool) error
	walk = func(t reflect.Type, depth int, viaPointer bool) error {
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := sf.Type
			if sf.Anonymous && name == "" {
				et := ft
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if et.Kind() == reflect.Struct {
					if err := walk(et, depth+1, viaPointer || ft.Kind() == reflect.Pointer); err != nil {
						return err
					}
					continue
				}
			}
			if !sf.IsExported() {
				continue
			}
			if strings.Contains(","+opts+",", ",string,") {
				return fmt.Errorf("describe %s.%s in the policy input schema: the string option is not supported", t, sf.Name)
			}
			if name == "" {
				name = sf.Name
			}
			omit := strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,")
			f := field{name: name, typ: ft, required: !omit && !viaPointer, depth: depth}
			if j, seen := at[name]; seen {
				if out[j].depth == depth {
					return fmt.Errorf("describe %s in the policy input schema: two fields are named %q at one depth", t, name)
				}
				if out[j].depth < depth {
					continue
				}
				out[j] = f
				continue
			}
			at[name] = len(out)
			out = append(out, f)
		}
		return nil
	}
	if err := walk(t, 0, false); err != nil {
		return nil, err
	}
	return out, nil
}

// nullable is s or null.
func nullable(s *schemaNode) *schemaNode {
	if s.Ref == "" && s.AnyOf == nil && s.Const == nil && s.Enum == nil {
		switch typ := s.Type.(type) {
		case nil:
			return s
		case string:
			c := *s
			c.Type = []string{typ, "null"}
			return &c
		case []string:
			for _, x := range typ {
				if x == "null" {
					return s
				}
			}
			c := *s
			c.Type = append(append([]string{}, typ...), "null")
			return &c
		}
	}
	return &schemaNode{AnyOf: []*schemaNode{s, {Type: "null"}}}
}

func implements(t, iface reflect.Type) bool {
	return t.Implements(iface) || reflect.PointerTo(t).Implements(iface)
}

// defName names t's definition after its package, shortened:
// "k8s.api.core.v1.Pod", "seaworthy.cluster.Snapshot".
func defName(t reflect.Type) string {
	pkg := t.PkgPath()
	for _, p := range [][2]string{{"github.com/seaworthy-k8s/seaworthy", "seaworthy"}, {"k8s.io/", "k8s."}} {
		if rest, ok := strings.CutPrefix(pkg, p[0]); ok {
			pkg = p[1] + rest
			break
		}
	}
	return strings.ReplaceAll(pkg, "/", ".") + "." + t.Name()
}
