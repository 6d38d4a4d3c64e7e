package policies

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/maphash"

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
// sharing them is safe.
func ToValue(input any) (ast.Value, error) {
	data, err := json.Marshal(input)
	if err != nil {
		return nil, fmt.Errorf("convert policy input: %w", err)
	}
	v, err := fromJSON(data)
	if err != nil {
		return nil, fmt.Errorf("convert policy input: %w", err)
	}
	return v, nil
}

// maxShared is the longest JSON text, in bytes, whose term is shared with
// identical text elsewhere. Longer values (whole pods) are rarely
// repeated, and hashing them at every level would cost more than sharing
// saves.
const maxShared = 2048

// converter reads JSON that encoding/json wrote into AST terms.
type converter struct {
	data []byte
	pos  int
	seed maphash.Seed
	// seen maps a hash of a value's JSON text to the first value with that
	// text; the text is compared before sharing, so a hash collision only
	// costs a missed share.
	seen map[uint64]span
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

// span is a converted value and where its text is.
type span struct {
	start, end int
	term       *ast.Term
}

// fromJSON converts one JSON document.
func fromJSON(data []byte) (ast.Value, error) {
	if len(data) > 1<<31-1 {
		return nil, fmt.Errorf("read JSON: the document is %d bytes, over 2 GiB", len(data))
	}
	c := &converter{data: data, seed: maphash.MakeSeed(), seen: map[uint64]span{}}
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
func (c *converter) value() (*ast.Term, error) {
	c.space()
	if c.pos >= len(c.data) {
		return nil, c.errorf("unexpected end of input")
	}
	start := c.pos
	var t *ast.Term
	var err error
	// An object or array whose text was seen before is not built again:
	// its end is known from measure, so it is looked up first.
	if ch := c.data[start]; ch == '{' || ch == '[' {
		if c.next >= len(c.containers) {
			return nil, c.errorf("unbalanced %q", ch)
		}
		k := c.containers[c.next]
		if end := int(k.end); end > start && end-start <= maxShared {
			if s, ok := c.lookup(start, end); ok {
				c.pos = end
				c.next += 1 + int(k.nested)
				return s, nil
			}
		}
		c.next++
	}
	switch ch := c.data[c.pos]; ch {
	case '{':
		t, err = c.object()
	case '[':
		t, err = c.array()
	case '"':
		// Most strings repeat (keys, label values, images): look the text
		// up before making a string of it.
		if end, ok := c.strEnd(); ok {
			if s, ok := c.lookup(start, end); ok {
				c.pos = end
				return s, nil
			}
		}
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
	return c.share(start, t), nil
}

// share returns the term of an earlier value with the same text as
// data[start:pos], or records t as that text's term.
func (c *converter) share(start int, t *ast.Term) *ast.Term {
	text := c.data[start:c.pos]
	if len(text) > maxShared {
		return t
	}
	h := maphash.Bytes(c.seed, text)
	if s, ok := c.seen[h]; ok {
		if bytes.Equal(c.data[s.start:s.end], text) {
			return s.term
		}
		return t
	}
	c.seen[h] = span{start: start, end: c.pos, term: t}
	return t
}

// lookup returns the term of an earlier value with the text
// data[start:end].
func (c *converter) lookup(start, end int) (*ast.Term, bool) {
	text := c.data[start:end]
	s, ok := c.seen[maphash.Bytes(c.seed, text)]
	if !ok || !bytes.Equal(c.data[s.start:s.end], text) {
		return nil, false
	}
	return s.term, true
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

// strEnd returns the offset just past the string starting at pos.
func (c *converter) strEnd() (int, bool) {
	for i := c.pos + 1; i < len(c.data); i++ {
		switch c.data[i] {
		case '\\':
			i++
		case '"':
			return i + 1, true
		}
	}
	return 0, false
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
