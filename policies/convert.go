package policies

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"reflect"
	"runtime"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
)

// ToValue converts an input document (see Input) to the AST value
// Evaluate takes. Convert once and evaluate as often as needed.
//
// The document is encoded as JSON (so every type's own JSON form holds:
// quantities, times, omitted empty fields) and the JSON read straight into
// terms, without the generic map[string]any form in between. Identical
// strings and identical small subtrees share one term: a large cluster
// repeats label sets, resource lists, probes and volume mounts across its
// pods, and AST objects are costly. Terms are never changed once built, so
// sharing them is safe. A Document's long snapshot lists (pods) are
// encoded a chunk at a time, on every core, so the JSON text of a large
// cluster never exists whole.
func ToValue(input any) (ast.Value, error) {
	c := newConverter(runtime.GOMAXPROCS(0))
	var t *ast.Term
	var err error
	if doc, ok := input.(*Document); ok && doc.Snapshot != nil {
		t, err = c.document(doc)
	} else {
		t, err = c.encode(input)
	}
	if err != nil {
		return nil, fmt.Errorf("convert policy input: %w", err)
	}
	return t.Value, nil
}

// chunk is how many list elements are encoded at a time.
const chunk = 1024

// document converts a Document, encoding the snapshot's lists longer than
// chunk separately, chunk by chunk.
func (c *converter) document(doc *Document) (*ast.Term, error) {
	snap := *doc.Snapshot
	orig := reflect.ValueOf(doc.Snapshot).Elem()
	short := reflect.ValueOf(&snap).Elem()
	type list struct {
		key string
		val reflect.Value
	}
	var long []list
	for i := 0; i < short.NumField(); i++ {
		f := short.Field(i)
		sf := short.Type().Field(i)
		key, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || f.Kind() != reflect.Slice || f.Len() <= chunk || key == "" || key == "-" {
			continue
		}
		long = append(long, list{key, orig.Field(i)})
		f.SetZero()
	}
	rest := *doc
	rest.Snapshot = &snap
	t, err := c.encode(&rest)
	if err != nil {
		return nil, err
	}
	if len(long) == 0 {
		return t, nil
	}
	top, ok := t.Value.(ast.Object)
	if !ok {
		return nil, fmt.Errorf("encode the document: not an object")
	}
	snapTerm := top.Get(ast.StringTerm("snapshot"))
	snapObj, ok := snapTerm.Value.(ast.Object)
	if !ok {
		return nil, fmt.Errorf("encode the snapshot: not an object")
	}
	// Build new objects rather than insert: terms may be shared.
	var members [][2]*ast.Term
	snapObj.Foreach(func(k, v *ast.Term) { members = append(members, [2]*ast.Term{k, v}) })
	for _, l := range long {
		elems, err := c.list(l.key, l.val)
		if err != nil {
			return nil, err
		}
		members = append(members, [2]*ast.Term{ast.StringTerm(l.key), ast.ArrayTerm(elems...)})
	}
	var outer [][2]*ast.Term
	top.Foreach(func(k, v *ast.Term) {
		if k.Equal(ast.StringTerm("snapshot")) {
			v = ast.ObjectTerm(members...)
		}
		outer = append(outer, [2]*ast.Term{k, v})
	})
	return ast.ObjectTerm(outer...), nil
}

// list converts a long list chunk by chunk, on every core: worker k
// converts chunks k, k+n, k+2n, … with a converter of its own (terms are
// shared within a worker's chunks; a list sorted by namespace and name
// keeps a workload's pods, which share the most, in the same chunk or the
// next). The first worker is c itself.
func (c *converter) list(key string, val reflect.Value) ([]*ast.Term, error) {
	chunks := (val.Len() + chunk - 1) / chunk
	n := min(c.parallel, chunks)
	parts := make([][]*ast.Term, chunks)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for k := range n {
		w := c
		if k > 0 {
			w = newConverter(1)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := k; i < chunks; i += n {
				data, err := json.Marshal(val.Slice(i*chunk, min((i+1)*chunk, val.Len())).Interface())
				if err != nil {
					errs[k] = err
					return
				}
				part, err := w.read(data)
				if err != nil {
					errs[k] = err
					return
				}
				arr, ok := part.Value.(*ast.Array)
				if !ok {
					errs[k] = fmt.Errorf("encode snapshot %s: not an array", key)
					return
				}
				parts[i] = make([]*ast.Term, 0, arr.Len())
				arr.Foreach(func(e *ast.Term) { parts[i] = append(parts[i], e) })
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	elems := make([]*ast.Term, 0, val.Len())
	for _, p := range parts {
		elems = append(elems, p...)
	}
	return elems, nil
}

// encode converts v through its JSON text.
func (c *converter) encode(v any) (*ast.Term, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return c.read(data)
}

// maxShared is the longest JSON text, in bytes, whose term is shared with
// identical text elsewhere. Longer values (whole pods) are rarely
// repeated, and hashing them at every level would cost more than sharing
// saves.
const maxShared = 2048

// newConverter returns a converter that converts long lists on up to
// parallel goroutines.
func newConverter(parallel int) *converter {
	return &converter{parallel: max(parallel, 1), seed: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, seen: map[uint64]seenTerm{}}
}

// converter reads JSON that encoding/json wrote into AST terms.
type converter struct {
	parallel int
	data     []byte
	pos      int
	// seen maps the first half of the 128-bit hash of a value's JSON text
	// to the first value with that text and the second half, checked on a
	// hit. Keeping hashes, not texts, lets it span the chunks of a
	// document; two texts of a document colliding in 128 bits is not a
	// practical concern.
	seed [2]maphash.Seed
	seen map[uint64]seenTerm
	// pairs and elems are stacks of object members and array elements
	// being read, reused across values.
	pairs [][2]*ast.Term
	elems []*ast.Term
	// containers holds, for every object and array in document order, the
	// offset just past it and how many objects and arrays it holds (see
	// measure); next is the index of the next one to be read.
	containers []container
	next       int
}

// container is where an object or array ends and how many objects and
// arrays are nested in it.
type container struct {
	end, nested int32
}

// read converts one JSON text.
func (c *converter) read(data []byte) (*ast.Term, error) {
	if len(data) > 1<<31-1 {
		return nil, fmt.Errorf("read JSON: the text is %d bytes, over 2 GiB", len(data))
	}
	c.data, c.pos, c.next = data, 0, 0
	c.containers = c.containers[:0]
	if err := c.measure(); err != nil {
		return nil, err
	}
	t, err := c.value()
	if err != nil {
		return nil, err
	}
	c.space()
	if c.pos != len(c.data) {
		return nil, c.errorf("unexpected text after the document")
	}
	c.data = nil
	return t, nil
}

// fromJSON converts one JSON document on its own.
func fromJSON(data []byte) (ast.Value, error) {
	c := newConverter(1)
	t, err := c.read(data)
	if err != nil {
		return nil, err
	}
	return t.Value, nil
}

// errorf reports a malformed document at the current offset.
func (c *converter) errorf(format string, args ...any) error {
	return fmt.Errorf("read JSON at offset %d: %s", c.pos, fmt.Sprintf(format, args...))
}

// space skips white space.
func (c *converter) space() {
	for c.pos < len(c.data) {
		switch c.data[c.pos] {
		case ' ', '\t', '\n', '\r':
			c.pos++
		default:
			return
		}
	}
}

// value reads one value and shares it with an identical earlier one.
// Objects, arrays and strings, whose ends are known before they are read,
// are looked up first and built only when new.
func (c *converter) value() (*ast.Term, error) {
	c.space()
	if c.pos >= len(c.data) {
		return nil, c.errorf("unexpected end of input")
	}
	start := c.pos
	end, nested := -1, 0
	switch ch := c.data[start]; ch {
	case '{', '[':
		if c.next >= len(c.containers) {
			return nil, c.errorf("unbalanced %q", ch)
		}
		k := c.containers[c.next]
		end, nested = int(k.end), int(k.nested)
	case '"':
		end = c.strEnd()
	}
	var h hash
	keyed := end > start && end-start <= maxShared
	if keyed {
		h = c.hash(c.data[start:end])
		if e, ok := c.seen[h[0]]; ok {
			if e.h == h[1] {
				c.pos = end
				if c.data[start] != '"' {
					c.next += 1 + nested
				}
				return e.t, nil
			}
			keyed = false // a collision of the first hash: do not share
		}
	}
	var t *ast.Term
	var err error
	switch c.data[start] {
	case '{':
		c.next++
		t, err = c.object()
	case '[':
		c.next++
		t, err = c.array()
	case '"':
		var s string
		if s, err = c.str(); err == nil {
			t = ast.StringTerm(s)
		}
	case 't':
		t, err = c.literal("true", ast.BooleanTerm(true))
	case 'f':
		t, err = c.literal("false", ast.BooleanTerm(false))
	case 'n':
		t, err = c.literal("null", ast.NullTerm())
	default:
		t, err = c.number()
	}
	if err != nil {
		return nil, err
	}
	if end < 0 && c.pos-start <= maxShared {
		h = c.hash(c.data[start:c.pos])
		_, taken := c.seen[h[0]]
		keyed = !taken
	}
	if keyed {
		c.seen[h[0]] = seenTerm{h: h[1], t: t}
	}
	return t, nil
}

// hash is the 128-bit hash of a value's text: two 64-bit hashes with
// independent seeds.
type hash [2]uint64

// seenTerm is a shared term and the second half of its text's hash.
type seenTerm struct {
	h uint64
	t *ast.Term
}

// hash hashes a value's text.
func (c *converter) hash(text []byte) hash {
	return hash{maphash.Bytes(c.seed[0], text), maphash.Bytes(c.seed[1], text)}
}

// measure finds, in one pass over the text, where every object and array
// ends and how many it holds, so value can look a container up before
// building it.
func (c *converter) measure() error {
	var open []int // indexes into containers of the unclosed ones
	inString := false
	for i := 0; i < len(c.data); i++ {
		ch := c.data[i]
		if inString {
			switch ch {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch ch {
		case '"':
			inString = true
		case '{', '[':
			open = append(open, len(c.containers))
			c.containers = append(c.containers, container{})
		case '}', ']':
			if len(open) == 0 {
				return fmt.Errorf("read JSON at offset %d: unexpected %q", i, ch)
			}
			k := open[len(open)-1]
			open = open[:len(open)-1]
			c.containers[k] = container{end: int32(i + 1), nested: int32(len(c.containers) - k - 1)}
		}
	}
	return nil
}

// object reads an object; the current byte is '{'.
func (c *converter) object() (*ast.Term, error) {
	c.pos++
	base := len(c.pairs)
	c.space()
	if c.pos < len(c.data) && c.data[c.pos] == '}' {
		c.pos++
		return ast.ObjectTerm(), nil
	}
	for {
		c.space()
		if c.pos >= len(c.data) || c.data[c.pos] != '"' {
			return nil, c.errorf("want an object key")
		}
		k, err := c.value()
		if err != nil {
			return nil, err
		}
		c.space()
		if c.pos >= len(c.data) || c.data[c.pos] != ':' {
			return nil, c.errorf("want ':'")
		}
		c.pos++
		v, err := c.value()
		if err != nil {
			return nil, err
		}
		c.pairs = append(c.pairs, [2]*ast.Term{k, v})
		c.space()
		if c.pos >= len(c.data) {
			return nil, c.errorf("unexpected end of input in an object")
		}
		switch c.data[c.pos] {
		case ',':
			c.pos++
		case '}':
			c.pos++
			// NewObject copies the members, so the stack can be reused.
			t := ast.ObjectTerm(c.pairs[base:]...)
			clear(c.pairs[base:])
			c.pairs = c.pairs[:base]
			return t, nil
		default:
			return nil, c.errorf("want ',' or '}'")
		}
	}
}

// array reads an array; the current byte is '['.
func (c *converter) array() (*ast.Term, error) {
	c.pos++
	base := len(c.elems)
	c.space()
	if c.pos < len(c.data) && c.data[c.pos] == ']' {
		c.pos++
		return ast.ArrayTerm(), nil
	}
	for {
		v, err := c.value()
		if err != nil {
			return nil, err
		}
		c.elems = append(c.elems, v)
		c.space()
		if c.pos >= len(c.data) {
			return nil, c.errorf("unexpected end of input in an array")
		}
		switch c.data[c.pos] {
		case ',':
			c.pos++
		case ']':
			c.pos++
			// NewArray keeps the slice it is given: copy it off the stack.
			t := ast.ArrayTerm(append([]*ast.Term(nil), c.elems[base:]...)...)
			clear(c.elems[base:])
			c.elems = c.elems[:base]
			return t, nil
		default:
			return nil, c.errorf("want ',' or ']'")
		}
	}
}

// str reads a string; the current byte is '"'. Strings without escapes
// are sliced; the rest are decoded by encoding/json.
func (c *converter) str() (string, error) {
	start := c.pos
	c.pos++
	escaped := false
	for c.pos < len(c.data) {
		switch c.data[c.pos] {
		case '\\':
			escaped = true
			c.pos += 2
			continue
		case '"':
			c.pos++
			if !escaped {
				return string(c.data[start+1 : c.pos-1]), nil
			}
			var s string
			if err := json.Unmarshal(c.data[start:c.pos], &s); err != nil {
				return "", c.errorf("%v", err)
			}
			return s, nil
		}
		c.pos++
	}
	return "", c.errorf("unterminated string")
}

// strEnd returns the offset just past the string starting at pos, or -1
// when it is not terminated.
func (c *converter) strEnd() int {
	for i := c.pos + 1; i < len(c.data); i++ {
		switch c.data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

// literal reads the keyword word.
func (c *converter) literal(word string, t *ast.Term) (*ast.Term, error) {
	if !bytes.HasPrefix(c.data[c.pos:], []byte(word)) {
		return nil, c.errorf("want %s", word)
	}
	c.pos += len(word)
	return t, nil
}

// number reads a number, kept as its JSON text.
func (c *converter) number() (*ast.Term, error) {
	start := c.pos
	for c.pos < len(c.data) && numeric(c.data[c.pos]) {
		c.pos++
	}
	if c.pos == start {
		return nil, c.errorf("unexpected %q", c.data[c.pos])
	}
	n := json.Number(c.data[start:c.pos])
	if _, err := n.Float64(); err != nil {
		return nil, c.errorf("bad number %s", n)
	}
	return ast.NumberTerm(n), nil
}

// numeric reports whether ch can be part of a JSON number.
func numeric(ch byte) bool {
	return ch >= '0' && ch <= '9' || ch == '-' || ch == '+' || ch == '.' || ch == 'e' || ch == 'E'
}
