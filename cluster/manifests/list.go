package manifests

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// kubectl get -o yaml writes one document, a List, whatever it lists: a
// whole cluster's objects are the items of one huge document, which the
// splitter could not cut at document starts. So the splitter also cuts a
// List's items apart, where kubectl writes them:
//
//	apiVersion: v1
//	items:
//	- apiVersion: v1
//	  kind: Pod
//	  ...
//	kind: List
//	metadata: ...
//
// A document with an "items:" line of its own at column 0, followed by a
// "-" at column 0, is cut into item batches (runs of whole items, from a
// "-" at column 0 to the next) and a frame batch: the lines before
// "items:" and those after the last item, which must be a block mapping
// of apiVersion, kind (ending in List) and metadata and nothing else.
// Workers decode item batches as the serial reader decodes the items of
// the List (by the block parser, or by yaml.v3 on the batch alone); the
// frame is checked by whichever worker takes it.
//
// The serial reader converts a List whole before it reads its items, so
// any error in a List (of YAML, of a value, of an item) would depend on
// the rest of it: a List batch that meets one, or a frame that is not as
// above, has the whole input read by the serial reader. So has a cut in
// the wrong place: one inside a quoted or flow scalar leaves it unclosed
// in its batch, which yaml.v3 refuses. Lists with a directive before
// them, content on their "---" line, CRLF line breaks or "items: []" are
// not cut.

// listPart is what of a List a batch holds.
type listPart uint8

const (
	listNone  listPart = iota // whole documents
	listItems                 // items of a List, "-" at column 0
	listFrame                 // the List's lines before and after its items
)

// listFrameData is a List's lines before "items:" (head) and after its
// items (tail), with the input line of the first of each.
type listFrameData struct {
	head, tail         []byte
	headLine, tailLine int
	json               bool
	bad                bool // the splitter saw JSON items it could not cut
}

// kubectl get -o json writes a List as one object, indented by four
// spaces, an item a line "{" at column 8 to a line "}," (the last "}"):
// the splitter cuts between such lines (a cut elsewhere leaves a batch
// whose brackets do not balance, which yaml.v3 refuses). A batch of JSON
// items is read by yaml.v3 as a flow sequence: "[" on its blank first
// line, "]" after its last item (after a trailing comma, which YAML
// allows).
const (
	jsonItems     = "    \"items\": [\n"
	jsonItemStart = "        {\n"
	jsonItemNext  = "        },\n"
	jsonItemLast  = "        }\n"
)

// inJSONItems reports whether a line belongs to the items of a JSON List:
// it is indented by eight spaces or more.
func inJSONItems(line []byte) bool {
	return len(line) > 8 && string(line[:8]) == "        "
}

// isItemStart reports whether line starts a sequence item at column 0.
func isItemStart(line []byte) bool {
	return len(line) >= 2 && line[0] == '-' && (line[1] == ' ' || line[1] == '\n')
}

// inItems reports whether a line at column 0 belongs to the items of a
// List: an item's start, content indented under it, a comment or a blank.
func inItems(line []byte) bool {
	switch line[0] {
	case ' ', '\t', '#', '\n', '\r':
		return true
	}
	return isItemStart(line)
}

// blankLine reports a line that is blank or a comment.
func blankLine(line []byte) bool {
	t := bytes.TrimLeft(line, " ")
	return len(t) == 0 || t[0] == '#' || t[0] == '\n'
}

// decodeFrame reports whether the frame of a List is as the fast path
// needs it (see above).
func (w *worker) decodeFrame(f *listFrameData) bool {
	if f.bad {
		return false
	}
	if f.json {
		return w.decodeJSONFrame(f)
	}
	var apiVersion, kind string
	seen := map[string]bool{}
	for _, part := range []struct {
		data []byte
		line int
	}{{f.head, f.headLine}, {f.tail, f.tailLine}} {
		root, ok := w.block.parse(part.data, part.line)
		if !ok {
			return false
		}
		if root < 0 {
			continue
		}
		p := &w.block
		kids := p.nodes[root].kids
		for j := 0; j+1 < len(kids); j += 2 {
			k := p.nodes[kids[j]].text
			if seen[k] {
				return false
			}
			seen[k] = true
			switch k {
			case "apiVersion":
				apiVersion = strings.Clone(p.str(kids[j+1]))
			case "kind":
				kind = strings.Clone(p.str(kids[j+1]))
			case "metadata":
			default:
				return false
			}
			w.keys, w.discard = w.keys[:0], true
			_, ok := p.appendJSON(w, w.buf[:0], kids[j+1])
			w.discard = false
			if !ok {
				return false
			}
		}
	}
	return apiVersion != "" && strings.HasSuffix(kind, "List")
}

// decodeItems decodes the List items of b into res, reporting false if
// the input must be read by the serial reader.
func (w *worker) decodeItems(b *batch, res *batchResult) bool {
	if b.json {
		return w.decodeJSONItems(b, res)
	}
	if root, ok := w.block.parseSequence(b.data[1:], b.delta+2); ok && root >= 0 {
		w.keys, w.discard = w.keys[:0], true
		_, ok = w.block.appendJSON(w, w.buf[:0], root)
		w.discard = false
		if ok {
			for _, item := range w.block.nodes[root].kids {
				if ok = w.blockDocument(res, item, false); !ok {
					break
				}
			}
			if ok {
				return true
			}
		}
		*res = batchResult{snap: &cluster.Snapshot{}}
	}
	// yaml.v3, on the batch alone, and the serial reader's addDocument
	// on each item.
	dec := yaml.NewDecoder(bytes.NewReader(b.data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.SequenceNode {
		return false
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		return false
	}
	o := w.serialOpts(res)
	for _, item := range doc.Content[0].Content {
		if err := addItem(res.snap, w.path, item, b.delta, &o); err != nil {
			return false
		}
	}
	return true
}

// decodeJSONFrame is decodeFrame for a JSON List: its head, an empty
// items array and its tail (from the items' "]" on) are read by yaml.v3
// as one object.
func (w *worker) decodeJSONFrame(f *listFrameData) bool {
	text := slices.Concat(f.head, []byte(jsonItems), f.tail)
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(text))
	if err := dec.Decode(&doc); err != nil || len(doc.Content) == 0 {
		return false
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		return false
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		switch root.Content[i].Value {
		case "apiVersion", "kind", "metadata":
		case "items":
			if v := root.Content[i+1]; v.Kind != yaml.SequenceNode || len(v.Content) != 0 {
				return false
			}
		default:
			return false
		}
	}
	w.keys = w.keys[:0]
	if _, ok := w.appendJSON(w.buf[:0], root); !ok {
		return false // a duplicate key, an alias, ...
	}
	return stringValue(mappingValue(root, "apiVersion")) != "" && strings.HasSuffix(stringValue(mappingValue(root, "kind")), "List")
}

// decodeJSONItems is decodeItems for JSON items.
func (w *worker) decodeJSONItems(b *batch, res *batchResult) bool {
	text := make([]byte, 0, len(b.data)+3)
	text = append(append(append(text, '['), b.data...), "]\n"...)
	dec := yaml.NewDecoder(bytes.NewReader(text))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.SequenceNode {
		return false
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		return false
	}
	items := doc.Content[0].Content
	ok := true
	for _, item := range items {
		if ok = w.document(res, item, b.delta, false); !ok {
			break
		}
	}
	if ok {
		return true
	}
	*res = batchResult{snap: &cluster.Snapshot{}}
	o := w.serialOpts(res)
	for _, item := range items {
		if err := addItem(res.snap, w.path, item, b.delta, &o); err != nil {
			return false
		}
	}
	return true
}
