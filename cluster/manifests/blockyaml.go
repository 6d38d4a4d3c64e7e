package manifests

import (
	"bytes"
	"slices"
	"strings"
	"unsafe"

	"gopkg.in/yaml.v3"
)

// Most of a large manifest stream's time went into yaml.v3 building node
// trees. Generated and exported manifests (kubectl get -o yaml, an
// emitter's output) use a small part of YAML: block mappings and
// sequences, one scalar a line, plain or quoted. blockDoc parses exactly
// that part, into a flat tree, and gives up (returns false) on anything
// else: tabs, non-ASCII or control bytes, comments after values, anchors,
// aliases, tags, block and multi-line scalars, flow collections other
// than {} and [], escapes, keys that are not plain words, duplicate keys,
// indentation it does not expect. Scalars are resolved by yaml.v3 itself
// (Node.ShortTag), so a value it accepts means what it means to yaml.v3;
// a document it gives up on is parsed by yaml.v3.

// bnode is one node of a parsed document.
type bnode struct {
	kind  yaml.Kind
	style yaml.Style // scalars: 0 (plain), DoubleQuotedStyle, SingleQuotedStyle
	line  int        // in the document's input
	text  string     // scalars: the value (a view of the input); keys too
	kids  []int32    // mappings: key, value, key, value...; sequences: items
}

// bline is one line of a document.
type bline struct {
	text   []byte // without the line break
	indent int
	num    int
	skip   bool // blank, or a comment
}

// blockParser is one worker's parsing state, reused document after
// document.
type blockParser struct {
	lines []bline
	nodes []bnode
	stack []int32
	at    int // the next line
	kidsA []int32
}

// parse parses the document in data (whole lines, without the "---" line)
// whose first line is input line first. It reports false if the document
// is not in the subset, and returns the root node (-1: the document is
// empty).
func (p *blockParser) parse(data []byte, first int) (int32, bool) {
	return p.parseRoot(data, first, false)
}

// parseSequence is parse for a document whose root is a block sequence
// at column 0 (a run of a List's items, see list.go).
func (p *blockParser) parseSequence(data []byte, first int) (int32, bool) {
	return p.parseRoot(data, first, true)
}

func (p *blockParser) parseRoot(data []byte, first int, seq bool) (int32, bool) {
	p.lines, p.nodes, p.stack, p.kidsA, p.at = p.lines[:0], p.nodes[:0], p.stack[:0], p.kidsA[:0], 0
	if len(data) > 0 && data[len(data)-1] != '\n' {
		// The last line has no line break, which a literal block ending
		// there would not keep: left to yaml.v3 (only a file's last
		// document can end so).
		return -1, false
	}
	num := first
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		var l []byte
		if i < 0 {
			l, data = data, nil
		} else {
			l, data = data[:i], data[i+1:]
		}
		ind := 0
		for ind < len(l) && l[ind] == ' ' {
			ind++
		}
		for _, c := range l {
			if c < 0x20 || c > 0x7e {
				return -1, false // tabs, CR, control and non-ASCII bytes
			}
		}
		skip := ind == len(l) || l[ind] == '#'
		if ind == 0 && len(l) > 0 && (l[0] == '%' || bytes.HasPrefix(l, []byte("---")) || bytes.HasPrefix(l, []byte("..."))) {
			return -1, false
		}
		p.lines = append(p.lines, bline{text: l, indent: ind, num: num, skip: skip})
		num++
	}
	p.skip()
	if p.at == len(p.lines) {
		return -1, true
	}
	if p.lines[p.at].indent != 0 {
		return -1, false
	}
	var root int32
	var ok bool
	if seq {
		root, ok = p.sequence(0)
	} else {
		root, ok = p.mapping(0)
	}
	if !ok {
		return -1, false
	}
	if p.skip(); p.at != len(p.lines) {
		return -1, false
	}
	return root, true
}

// skip moves past blank and comment lines.
func (p *blockParser) skip() {
	for p.at < len(p.lines) && p.lines[p.at].skip {
		p.at++
	}
}

// literal parses the content of a literal block scalar ("|" or "|-")
// whose parent node is at column ind, from the next line on.
func (p *blockParser) literal(ind int, strip bool, num int) (int32, bool) {
	if p.at >= len(p.lines) || p.lines[p.at].skip && len(p.lines[p.at].text) == p.lines[p.at].indent {
		return -1, false // empty, or leading blank lines: left to yaml.v3
	}
	n := p.lines[p.at].indent
	if n <= ind {
		return -1, false
	}
	var b []byte
	for p.at < len(p.lines) {
		l := p.lines[p.at]
		blank := l.indent == len(l.text)
		if !blank && l.indent < n {
			break
		}
		if blank && len(l.text) > n {
			return -1, false // spaces that are content: left to yaml.v3
		}
		if len(l.text) > n {
			b = append(b, l.text[n:]...)
		}
		b = append(b, '\n')
		p.at++
	}
	// Trailing blank lines are not content; clip keeps one line break.
	end := len(b)
	for end > 0 && b[end-1] == '\n' {
		end--
	}
	text := view(b[:end])
	if !strip && end > 0 {
		text = view(b[:end+1])
	}
	// Lines after the scalar that were blank belong to no node.
	return p.node(bnode{kind: yaml.ScalarNode, style: yaml.LiteralStyle, line: num, text: text}), true
}

func (p *blockParser) node(n bnode) int32 {
	p.nodes = append(p.nodes, n)
	return int32(len(p.nodes) - 1)
}

// kids moves the stack above base into the node's children.
func (p *blockParser) kids(base int) []int32 {
	// Children share one backing array, appended to in order of
	// completion; a node's children are contiguous in it.
	start := len(p.kidsA)
	p.kidsA = append(p.kidsA, p.stack[base:]...)
	p.stack = p.stack[:base]
	return p.kidsA[start:len(p.kidsA):len(p.kidsA)]
}

// maxPlainKey is the longest key the subset accepts: yaml.v3 refuses an
// implicit key longer than 1024 characters, so longer ones are left to it.
const maxPlainKey = 1000

// mapping parses a block mapping whose keys are at column ind.
func (p *blockParser) mapping(ind int) (int32, bool) {
	line := p.lines[p.at].num
	base := len(p.stack)
	for p.skip(); p.at < len(p.lines); p.skip() {
		l := p.lines[p.at]
		if l.indent < ind {
			break
		}
		if l.indent > ind {
			return -1, false
		}
		c := l.text[ind:]
		if c[0] == '-' && (len(c) == 1 || c[1] == ' ') {
			break // a sequence item: the mapping has ended
		}
		k := 0
		for k < len(c) && keyByte(c[k]) {
			k++
		}
		if k == 0 || k > maxPlainKey || k == len(c) || c[k] != ':' || (k+1 < len(c) && c[k+1] != ' ') || c[0] == '-' || c[0] == '.' {
			return -1, false
		}
		key := p.node(bnode{kind: yaml.ScalarNode, line: l.num, text: view(c[:k])})
		p.stack = append(p.stack, key)
		rest := bytes.TrimLeft(c[k+1:], " ")
		p.at++
		var v int32
		var ok bool
		if len(rest) > 0 {
			v, ok = p.scalarOrLiteral(rest, ind, l.num)
		} else {
			v, ok = p.nested(ind, l.num)
		}
		if !ok {
			return -1, false
		}
		p.stack = append(p.stack, v)
	}
	return p.node(bnode{kind: yaml.MappingNode, line: line, kids: p.kids(base)}), true
}

// nested parses the value of a key at column ind that has nothing after
// its colon: a block below it, an indentless sequence, or null.
func (p *blockParser) nested(ind, keyLine int) (int32, bool) {
	if p.skip(); p.at < len(p.lines) {
		l := p.lines[p.at]
		c := l.text[l.indent:]
		item := c[0] == '-' && (len(c) == 1 || c[1] == ' ')
		switch {
		case l.indent > ind && item, l.indent == ind && item:
			return p.sequence(l.indent)
		case l.indent > ind:
			return p.mapping(l.indent)
		}
	}
	// An empty value: yaml.v3 places it on the key's line.
	return p.node(bnode{kind: yaml.ScalarNode, line: keyLine, text: ""}), true
}

// sequence parses a block sequence whose "-" are at column ind.
func (p *blockParser) sequence(ind int) (int32, bool) {
	line := p.lines[p.at].num
	base := len(p.stack)
	for p.skip(); p.at < len(p.lines); p.skip() {
		l := p.lines[p.at]
		if l.indent < ind {
			break
		}
		if l.indent > ind {
			return -1, false
		}
		c := l.text[ind:]
		if c[0] != '-' || (len(c) > 1 && c[1] != ' ') {
			break // a key after an indentless sequence
		}
		rest := bytes.TrimLeft(c[1:], " ")
		if len(rest) == 0 || rest[0] == '-' || rest[0] == '#' {
			return -1, false
		}
		col := len(l.text) - len(rest)
		var v int32
		var ok bool
		if isKeyLine(rest) {
			// A compact mapping: its first key is on the item's line.
			p.lines[p.at].indent = col
			v, ok = p.mapping(col)
		} else {
			p.at++
			v, ok = p.scalarOrLiteral(rest, ind, l.num)
		}
		if !ok {
			return -1, false
		}
		p.stack = append(p.stack, v)
	}
	return p.node(bnode{kind: yaml.SequenceNode, line: line, kids: p.kids(base)}), true
}

// isKeyLine reports whether c starts with "key:" followed by a space or
// the end of the line.
func isKeyLine(c []byte) bool {
	k := 0
	for k < len(c) && keyByte(c[k]) {
		k++
	}
	return k > 0 && k < len(c) && c[k] == ':' && (k+1 == len(c) || c[k+1] == ' ')
}

// keyByte reports the bytes of plain keys the subset accepts.
func keyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' || c == '/'
}

// scalarOrLiteral parses the value s (trimmed on the left) at line num of
// a node whose parent is at column ind: a literal block scalar, whose
// content is on the lines that follow, or a scalar on the line.
func (p *blockParser) scalarOrLiteral(s []byte, ind, num int) (int32, bool) {
	switch string(bytes.TrimRight(s, " ")) {
	case "|":
		return p.literal(ind, false, num)
	case "|-":
		return p.literal(ind, true, num)
	}
	return p.scalar(s, num)
}

// scalar parses the value s (trimmed on the left) at line num.
func (p *blockParser) scalar(s []byte, num int) (int32, bool) {
	s = bytes.TrimRight(s, " ")
	switch s[0] {
	case '"':
		if len(s) < 2 || s[len(s)-1] != '"' {
			return -1, false
		}
		in := s[1 : len(s)-1]
		escapes := false
		for i := 0; i < len(in); i++ {
			switch in[i] {
			case '"':
				return -1, false
			case '\\':
				// Only \" and \\; other escapes are left to yaml.v3.
				if i+1 >= len(in) || (in[i+1] != '"' && in[i+1] != '\\') {
					return -1, false
				}
				escapes = true
				i++
			}
		}
		text := view(in)
		if escapes {
			b := make([]byte, 0, len(in))
			for i := 0; i < len(in); i++ {
				if in[i] == '\\' {
					i++
				}
				b = append(b, in[i])
			}
			text = view(b)
		}
		return p.node(bnode{kind: yaml.ScalarNode, style: yaml.DoubleQuotedStyle, line: num, text: text}), true
	case '\'':
		if len(s) < 2 || s[len(s)-1] != '\'' {
			return -1, false
		}
		in := s[1 : len(s)-1]
		for i := 0; i < len(in); i++ {
			if in[i] == '\'' {
				if i+1 >= len(in) || in[i+1] != '\'' {
					return -1, false
				}
				i++
			}
		}
		text := view(in)
		if bytes.IndexByte(in, '\'') >= 0 {
			text = strings.ReplaceAll(text, "''", "'")
		}
		return p.node(bnode{kind: yaml.ScalarNode, style: yaml.SingleQuotedStyle, line: num, text: text}), true
	case '{', '[':
		if len(s) == 2 && (s[1] == '}' && s[0] == '{' || s[1] == ']' && s[0] == '[') {
			k := yaml.MappingNode
			if s[0] == '[' {
				k = yaml.SequenceNode
			}
			return p.node(bnode{kind: k, line: num}), true
		}
		return -1, false
	case '-':
		if len(s) < 2 || s[1] < '0' || s[1] > '9' {
			return -1, false
		}
	case '?', ':', ',', ']', '}', '#', '&', '*', '!', '|', '>', '%', '@', '`':
		return -1, false
	}
	if bytes.Contains(s, []byte(": ")) || bytes.Contains(s, []byte(" #")) || s[len(s)-1] == ':' {
		return -1, false
	}
	return p.node(bnode{kind: yaml.ScalarNode, line: num, text: view(s)}), true
}

// view returns b as a string without copying; the string is only valid
// while the batch's data is.
func view(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// tag is the node's yaml.v3 tag (scalars resolved as yaml.v3 resolves
// them).
func (p *blockParser) tag(n *bnode) string {
	if n.kind != yaml.ScalarNode {
		return ""
	}
	if n.style != 0 {
		return "!!str"
	}
	yn := yaml.Node{Kind: yaml.ScalarNode, Value: n.text}
	return yn.ShortTag()
}

// value returns the value of key in the mapping i, or -1.
func (p *blockParser) value(i int32, key string) int32 {
	if i < 0 || p.nodes[i].kind != yaml.MappingNode {
		return -1
	}
	k := p.nodes[i].kids
	for j := 0; j+1 < len(k); j += 2 {
		if p.nodes[k[j]].text == key {
			return k[j+1]
		}
	}
	return -1
}

// isList reports whether node i is a List whose items are a sequence, as
// document reads it.
func (p *blockParser) isList(i int32) bool {
	items := p.value(i, "items")
	return p.str(p.value(i, "apiVersion")) != "" && strings.HasSuffix(p.str(p.value(i, "kind")), "List") &&
		items >= 0 && p.nodes[items].kind == yaml.SequenceNode
}

// str is stringValue for node i (-1: none).
func (p *blockParser) str(i int32) string {
	if i < 0 {
		return ""
	}
	n := &p.nodes[i]
	switch p.tag(n) {
	case "", "!!null", "!!bool", "!!int", "!!float":
		return ""
	}
	return n.text
}

// appendJSON is worker.appendJSON for node i of the parsed document. With
// w.discard set it only checks that the node can be encoded, keeping no
// more than a scalar's bytes in dst.
func (p *blockParser) appendJSON(w *worker, dst []byte, i int32) ([]byte, bool) {
	n := &p.nodes[i]
	switch n.kind {
	case yaml.MappingNode:
		pairs := len(n.kids) / 2
		base := len(w.keys)
		for j := range pairs {
			w.keys = append(w.keys, 2*j)
		}
		keys := w.keys[base:]
		cmp := func(a, b int) int { return strings.Compare(p.nodes[n.kids[a]].text, p.nodes[n.kids[b]].text) }
		if !slices.IsSortedFunc(keys, cmp) {
			slices.SortFunc(keys, cmp)
		}
		dst = append(dst, '{')
		for j := range pairs {
			ki := w.keys[base+j]
			k := p.nodes[n.kids[ki]].text
			if j > 0 {
				if k == p.nodes[n.kids[w.keys[base+j-1]]].text {
					return dst, false // a duplicate key
				}
				dst = append(dst, ',')
			}
			dst = appendString(dst, k)
			dst = append(dst, ':')
			var ok bool
			if dst, ok = p.appendJSON(w, dst, n.kids[ki+1]); !ok {
				return dst, false
			}
			if w.discard {
				dst = dst[:0]
			}
		}
		w.keys = w.keys[:base]
		return append(dst, '}'), true
	case yaml.SequenceNode:
		dst = append(dst, '[')
		for j, c := range n.kids {
			if j > 0 {
				dst = append(dst, ',')
			}
			var ok bool
			if dst, ok = p.appendJSON(w, dst, c); !ok {
				return dst, false
			}
			if w.discard {
				dst = dst[:0]
			}
		}
		return append(dst, ']'), true
	}
	tag := p.tag(n)
	if tag == "!!str" || tag == "!!timestamp" {
		return appendString(dst, n.text), true
	}
	if tag == "!!merge" {
		return dst, false
	}
	yn := yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: n.text, Line: n.line}
	return w.appendJSON(dst, &yn)
}
