package manifests

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime"
	"strings"
	"sync"

	jsoniter "github.com/json-iterator/go"
	"gopkg.in/yaml.v3"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/internal/share"
)

// Large manifest streams (kubectl get -o yaml of a whole cluster, a
// generated fixture) are decoded on every core, with the same result,
// warnings and first error as decodeManifests, the serial reader:
//
//  1. A splitter streams the input and cuts it into batches of about
//     batchBytes at document starts ("---" at the start of a line), never
//     after a directive ("%YAML"), which belongs to the document that
//     follows. Each batch but the first is given one blank line in front,
//     so that its line numbers are those of the input less a fixed delta
//     and line 0 holds no token, as in the whole stream.
//  2. Workers (GOMAXPROCS of them) decode batches on a fast path: yaml.v3
//     nodes written straight to JSON (keys sorted, as json.Marshal of the
//     serial reader's maps writes them) and decoded by json-iterator,
//     strictly. Anything the fast path does not handle exactly as the
//     serial reader does (an error, an unknown field, an alias or merge
//     key, ...) makes the worker decode the whole batch again with the
//     serial reader. Objects are tidied and share equal strings and maps
//     as they are decoded.
//  3. The merger appends the batches' objects, origins and warnings in
//     input order. A YAML syntax error may depend on what follows its
//     batch (the next "---" ends an unclosed quote), so it is confirmed by
//     decoding the batch together with the next one. Input the splitter
//     cannot cut safely (UTF-16, line breaks other than LF and CRLF,
//     aliases of anchors in earlier batches) is read by the serial reader
//     whole.
var batchBytes = 256 << 10

// strictJSON decodes as StrictDecode does when it succeeds: it is
// json-iterator configured as Kubernetes' apimachinery used it
// (case-sensitive, honouring UnmarshalJSON methods), refusing unknown
// fields. A key that differs from a field's name only in case, which
// encoding/json would accept, fails here and is left to the serial reader.
var strictJSON = jsoniter.Config{EscapeHTML: true, SortMapKeys: true, ValidateJsonRawMessage: true,
	CaseSensitive: true, DisallowUnknownFields: true}.Froze()

func strictDecode(data []byte, v any) error { return strictJSON.Unmarshal(data, v) }

// batch is a run of whole documents of one input.
type batch struct {
	data  []byte // data[0] is a blank line for all batches but the first
	first bool
	delta int // input line = line in data + delta
	// docs are the offsets in data of the lines that start documents
	// ("---"), and lines their input line numbers.
	docs, lines []int
	part        listPart      // what of a List the batch holds
	json        bool          // of a listItems batch: JSON items
	frame       listFrameData // of a listFrame batch, which has no data
	done        chan struct{}
	res         batchResult
}

// batchResult is what a worker made of a batch.
type batchResult struct {
	snap     *cluster.Snapshot // objects and origins, in input order
	warnings []string
	notes    notes
	err      error
	syntax   bool // err is a YAML syntax error
	serial   bool // the input must be read by the serial reader whole
}

// decodeFile decodes the manifests file at path into s.
func decodeFile(s *cluster.Snapshot, path string, opts *Options) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, unwrapPathError(err))
	}
	defer f.Close()
	return decodeParallel(s, path, countReader{r: checkReader{ctx: opts.ctx(), r: f}, p: opts.prog}, func() ([]byte, error) { return readInput(path, nil) }, opts)
}

// decodeParallel decodes the manifest stream r (named path) into s, as
// decodeManifests decodes it (see above). reread returns the whole input,
// for the serial reader.
func decodeParallel(s *cluster.Snapshot, path string, r io.Reader, reread func() ([]byte, error), opts *Options) error {
	fileSnap := &cluster.Snapshot{}
	var warnings []string
	var fileNotes notes
	serial, err := runPipeline(fileSnap, &warnings, &fileNotes, path, r, opts)
	if serial {
		data, rerr := reread()
		if rerr != nil {
			return rerr
		}
		fileSnap, warnings, fileNotes = &cluster.Snapshot{}, nil, notes{}
		o := *opts
		o.Warn = func(m string) { warnings = append(warnings, m) }
		o.notes = &fileNotes
		err = decodeManifests(fileSnap, path, data, &o)
		if err == nil {
			tidyAll(fileSnap, share.New())
		}
	}
	if opts.Warn != nil {
		for _, w := range warnings {
			opts.Warn(w)
		}
	}
	if err != nil {
		if opts.ctx().Err() == nil {
			if data, rerr := reread(); rerr == nil {
				if terr := templateError(path, data, err); terr != nil {
					return terr
				}
			}
		}
		return err
	}
	if err := checkTemplatedNames(fileSnap.Origins); err != nil {
		return err
	}
	if fileNotes.nonObjects > 0 && opts.Warn != nil {
		whole := len(fileSnap.Origins) == 0 && len(fileNotes.kinds) == 0
		opts.Warn(fileNotes.nonObjectWarning(path, whole))
	}
	fileNotes.nonObjects = 0
	if opts.notes != nil {
		opts.notes.merge(&fileNotes)
	}
	appendSnapshot(s, fileSnap)
	opts.prog.fileDone(len(s.Origins))
	return nil
}

// runPipeline splits, decodes and merges; serial reports that the input
// must be read by the serial reader instead.
func runPipeline(dst *cluster.Snapshot, warnings *[]string, fileNotes *notes, path string, r io.Reader, opts *Options) (serial bool, err error) {
	ctx := opts.ctx()
	workers := max(1, runtime.GOMAXPROCS(0))
	pending := make(chan *batch, 2*workers) // in input order, for the merger
	work := make(chan *batch, workers)
	quit := make(chan struct{})
	var readErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(work)
		defer close(pending)
		readErr = split(r, func(b *batch) bool {
			select {
			case pending <- b:
			case <-quit:
				return false
			}
			select {
			case work <- b:
				return true
			case <-quit:
				return false
			}
		})
		if readErr != nil {
			readErr = fmt.Errorf("read %s: %w", path, unwrapPathError(readErr))
		}
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &worker{path: path, opts: opts, sharer: share.New()}
			for b := range work {
				select {
				case <-quit:
				case <-ctx.Done():
					b.res = batchResult{err: ctx.Err()}
				default:
					b.res = w.decode(b)
				}
				close(b.done)
			}
		}()
	}
	defer func() {
		close(quit)
		for range pending { // let the splitter see quit
		}
		wg.Wait()
	}()

	for b := range pending {
		select {
		case <-b.done:
		case <-ctx.Done():
			return false, ctx.Err()
		}
		res := b.res
		if res.serial {
			return true, nil
		}
		if res.err != nil {
			if res.syntax {
				return confirmSyntaxError(b, pending, warnings, path, opts)
			}
			*warnings = append(*warnings, res.warnings...)
			return false, res.err
		}
		*warnings = append(*warnings, res.warnings...)
		fileNotes.merge(&res.notes)
		appendSnapshot(dst, res.snap)
		opts.prog.merged(len(res.snap.Origins))
	}
	// The splitter has finished (pending is closed).
	return false, readErr
}

// confirmSyntaxError decodes the batch b, which ended in a YAML syntax
// error, together with the batch after it, so that the error is the one
// the whole stream gives.
func confirmSyntaxError(b *batch, pending chan *batch, warnings *[]string, path string, opts *Options) (serial bool, err error) {
	if strings.Contains(b.res.err.Error(), "unknown anchor") {
		return true, nil // an alias of an anchor in an earlier batch
	}
	next, ok := <-pending
	if !ok {
		*warnings = append(*warnings, b.res.warnings...)
		return false, b.res.err
	}
	if next.part != listNone {
		return true, nil // the start of a List's items: not to be joined
	}
	joined := make([]byte, 0, len(b.data)+len(next.data))
	joined = append(append(joined, b.data...), next.data[1:]...)
	var ws []string
	o := *opts
	o.Warn = func(m string) { ws = append(ws, m) }
	o.notes = &notes{} // an error is all that is kept of this decoding
	_, err = decodeSerial(&cluster.Snapshot{}, path, joined, b.delta, &o)
	if err == nil || strings.Contains(err.Error(), "unknown anchor") {
		return true, nil
	}
	*warnings = append(*warnings, ws...)
	return false, err
}

// split reads r and calls emit with each batch; emit reports false to stop.
// It cuts the items of a List apart too (see list.go).
func split(r io.Reader, emit func(*batch) bool) error {
	br := bufio.NewReaderSize(r, 1<<20)
	line := 1 // the input line of the next line read
	newBatch := func(part listPart) *batch {
		b := &batch{done: make(chan struct{}), part: part}
		if line == 1 {
			b.first = true
			b.data = make([]byte, 0, batchBytes+64<<10)
		} else {
			b.data = append(make([]byte, 0, batchBytes+64<<10), '\n')
			b.delta = line - 2
		}
		return b
	}
	cur := newBatch(listNone)
	atLineStart, directive := true, false
	// The document being read: where it starts in cur.data, its first
	// line, whether its "---" line is plain (or absent), and where its
	// "items:" line is (-1: none seen).
	docOff, docLine, docMarker, docPlain, itemsOff := 0, 1, false, true, -1
	jsonDoc := false // the input is kubectl get -o json's one object
	part := listNone
	var frame *batch // in listFrame: the List's frame, taking its tail
	sink := &cur.data
	// endItems closes the last items batch of a List: what follows is the
	// frame's tail. It reports false when emit says stop.
	endItems := func() bool {
		if jsonDoc && !bytes.HasSuffix(cur.data, []byte("\n"+jsonItemLast)) {
			frame.frame.bad = true
		}
		if !emit(cur) {
			return false
		}
		frame.frame.tailLine = line
		part = listFrame
		return true
	}
	for {
		piece, err := br.ReadSlice('\n')
		if len(piece) > 0 {
			if atLineStart {
				sink = &cur.data
				switch {
				case part == listItems && !jsonDoc && inItems(piece) && !isDocStart(piece):
					if isItemStart(piece) && len(cur.data) >= batchBytes {
						if !emit(cur) {
							return nil
						}
						cur = newBatch(listItems)
						sink = &cur.data
					}
				case part == listItems && jsonDoc && inJSONItems(piece):
					if string(piece) == jsonItemStart && len(cur.data) >= batchBytes && bytes.HasSuffix(cur.data, []byte("\n"+jsonItemNext)) {
						if !emit(cur) {
							return nil
						}
						cur = newBatch(listItems)
						cur.json = true
						sink = &cur.data
					}
				case part == listItems:
					// The items have ended: the rest of the document is
					// the frame's tail.
					if !endItems() {
						return nil
					}
				}
				if part == listFrame {
					if !isDocStart(piece) {
						sink = &frame.frame.tail
					} else {
						if !emit(frame) {
							return nil
						}
						frame, part = nil, listNone
						cur = newBatch(listNone)
						sink = &cur.data
					}
				}
			}
			if atLineStart && part == listNone {
				if isDocStart(piece) {
					if len(cur.data) >= batchBytes && !directive {
						if !emit(cur) {
							return nil
						}
						cur = newBatch(listNone)
						sink = &cur.data
					}
					cur.docs = append(cur.docs, len(cur.data))
					cur.lines = append(cur.lines, line)
					docOff, docLine, docMarker, itemsOff = len(cur.data), line, true, -1
					docPlain = !directive && len(bytes.TrimRight(piece[3:], " \n")) == 0
				}
				if line == 1 && string(piece) == "{\n" {
					jsonDoc = true
				}
				switch {
				case docPlain && !jsonDoc && string(piece) == "items:\n",
					jsonDoc && line > 1 && string(piece) == jsonItems:
					itemsOff = len(cur.data)
				case itemsOff >= 0 && (!jsonDoc && isItemStart(piece) || jsonDoc && string(piece) == jsonItemStart):
					// A List's items: cut its frame's head off.
					head, headLine := cur.data[docOff:itemsOff], docLine
					if docMarker {
						head = head[bytes.IndexByte(head, '\n')+1:]
						headLine++
						cur.docs, cur.lines = cur.docs[:len(cur.docs)-1], cur.lines[:len(cur.lines)-1]
					}
					frame = &batch{done: make(chan struct{}), part: listFrame,
						frame: listFrameData{head: bytes.Clone(head), headLine: headLine, json: jsonDoc}}
					cur.data = cur.data[:docOff]
					if !emit(cur) {
						return nil
					}
					cur = newBatch(listItems)
					cur.json = jsonDoc
					sink = &cur.data
					part, itemsOff = listItems, -1
				case itemsOff >= 0 && !blankLine(piece):
					itemsOff = -1
				}
				switch t := bytes.TrimLeft(piece, " \t"); {
				case piece[0] == '%':
					directive = true
				case len(t) == 0 || t[0] == '#' || t[0] == '\n' || t[0] == '\r':
				default:
					directive = false
				}
			}
			*sink = append(*sink, piece...)
			atLineStart = piece[len(piece)-1] == '\n'
			if atLineStart {
				line++
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
	}
	if part == listItems && !endItems() {
		return nil
	}
	if part == listFrame {
		emit(frame)
		return nil
	}
	emit(cur)
	return nil
}

// isDocStart reports whether line starts a document: "---" followed by a
// blank or the end of the input.
func isDocStart(line []byte) bool {
	if len(line) < 3 || line[0] != '-' || line[1] != '-' || line[2] != '-' {
		return false
	}
	if len(line) == 3 {
		return true
	}
	switch line[3] {
	case ' ', '\t', '\r', '\n':
		return true
	}
	return false
}

var (
	nel  = []byte("\u0085")
	lsep = []byte("\u2028")
	psep = []byte("\u2029")
)

// oddInput reports input whose line numbers the splitter cannot count
// (line breaks other than LF and CRLF) or that is not UTF-8.
func oddInput(b *batch) bool {
	d := b.data
	if b.first && len(d) >= 2 && (d[0] == 0xFE && d[1] == 0xFF || d[0] == 0xFF && d[1] == 0xFE) {
		return true
	}
	for i := 0; ; {
		j := bytes.IndexByte(d[i:], '\r')
		if j < 0 {
			break
		}
		i += j + 1
		if i >= len(d) || d[i] != '\n' {
			return true
		}
	}
	return bytes.Contains(d, nel) || bytes.Contains(d, lsep) || bytes.Contains(d, psep)
}

// worker is one decoding goroutine's state.
type worker struct {
	path   string
	opts   *Options
	sharer *share.Sharer
	buf    []byte
	keys   []int // keysort scratch, a stack shared by nested mappings
	block  blockParser
	// discard makes blockParser.appendJSON check without encoding.
	discard bool
	strs    map[string]string // see intern
}

// serialOpts are the options of the serial reader decoding (part of) a
// batch into res: its warnings and notes are the batch's.
func (w *worker) serialOpts(res *batchResult) Options {
	o := *w.opts
	o.Warn = func(m string) { res.warnings = append(res.warnings, m) }
	o.notes = &res.notes
	return o
}

// decode decodes one batch: fast, or if that fails as the serial reader.
func (w *worker) decode(b *batch) batchResult {
	if oddInput(b) {
		return batchResult{serial: true}
	}
	res := batchResult{snap: &cluster.Snapshot{}}
	switch b.part {
	case listFrame:
		return batchResult{snap: res.snap, serial: !w.decodeFrame(&b.frame)}
	case listItems:
		if !w.decodeItems(b, &res) {
			return batchResult{serial: true}
		}
		tidyAll(res.snap, w.sharer)
		return res
	}
	if !w.fast(b, &res) {
		res = batchResult{snap: &cluster.Snapshot{}}
		o := w.serialOpts(&res)
		res.syntax, res.err = decodeSerial(res.snap, w.path, b.data, b.delta, &o)
		if res.err != nil {
			return res
		}
	}
	tidyAll(res.snap, w.sharer)
	return res
}

// fast decodes b into res, reporting false for anything it does not
// decode exactly as the serial reader would. Each document is parsed by
// blockParser if it can, else by yaml.v3.
func (w *worker) fast(b *batch, res *batchResult) bool {
	start, line := 0, 1
	if !b.first {
		start, line = 1, b.delta+2
	}
	for i := -1; i < len(b.docs); i++ {
		end := len(b.data)
		if i+1 < len(b.docs) {
			end = b.docs[i+1]
		}
		off, first, marker := start, line, false
		if i >= 0 {
			off, first, marker = b.docs[i], b.lines[i], true
		}
		if off == end {
			continue
		}
		if !w.segment(b.data, off, end, first, marker, res) {
			return false
		}
	}
	return true
}

// segment decodes data[off:end], which starts at input line first with a
// document start ("---") if marker.
func (w *worker) segment(data []byte, off, end, first int, marker bool, res *batchResult) bool {
	body, bodyLine := data[off:end], first
	plain := true
	if marker {
		nl := bytes.IndexByte(body, '\n')
		if nl < 0 {
			nl = len(body)
		}
		plain = len(bytes.TrimRight(body[3:nl], " ")) == 0
		body, bodyLine = body[min(nl+1, len(body)):], first+1
	}
	if plain {
		if root, ok := w.block.parse(body, bodyLine); ok {
			if root < 0 {
				return true
			}
			// A List is checked whole (as the serial reader converts it
			// whole), but encoded item by item.
			list := w.block.isList(root)
			var ok bool
			w.keys, w.discard = w.keys[:0], list
			w.buf, ok = w.block.appendJSON(w, w.buf[:0], root)
			w.discard = false
			if !ok {
				return false
			}
			return w.blockDocument(res, root, !list)
		}
	}
	// yaml.v3, on a stream of its own that starts with a blank line, so
	// that its line numbers are the input's less a fixed delta.
	mini, delta := data[:end], first-1
	if off > 0 {
		mini, delta = data[off-1:end], first-2
	}
	dec := yaml.NewDecoder(bytes.NewReader(mini))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return true
		}
		if err != nil || len(doc.Content) == 0 {
			return err == nil
		}
		root := doc.Content[0]
		if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
			continue
		}
		var ok bool
		w.keys = w.keys[:0]
		if w.buf, ok = w.appendJSON(w.buf[:0], root); !ok {
			return false // let the serial reader find what is wrong
		}
		if !w.document(res, root, delta, true) {
			return false
		}
	}
}

// blockDocument is document for node i of w.block's document.
func (w *worker) blockDocument(res *batchResult, i int32, encoded bool) bool {
	p := &w.block
	n := &p.nodes[i]
	if n.kind != yaml.MappingNode {
		return false
	}
	apiVersion, kind := p.str(p.value(i, "apiVersion")), p.str(p.value(i, "kind"))
	if apiVersion == "" || kind == "" {
		return false
	}
	if strings.HasSuffix(kind, "List") {
		if items := p.value(i, "items"); items >= 0 && p.nodes[items].kind == yaml.SequenceNode {
			for _, item := range p.nodes[items].kids {
				if !w.blockDocument(res, item, false) {
					return false
				}
			}
			return true
		}
	}
	md := p.value(i, "metadata")
	name := p.str(p.value(md, "name"))
	if isSecret(apiVersion, kind) {
		// Views of the input: copy the name; nothing else is kept.
		addSecretName(res.snap, strings.Clone(p.str(p.value(md, "namespace"))), strings.Clone(name))
		return true
	}
	info, ok := cluster.LookupKind(apiVersion, kind)
	if !ok {
		res.notes.skip(apiVersion, kind)
		return true
	}
	if !encoded {
		w.keys = w.keys[:0]
		if w.buf, ok = p.appendJSON(w, w.buf[:0], i); !ok {
			return false
		}
	}
	if err := res.snap.AddObjectWith(apiVersion, kind, w.buf, strictDecode); err != nil {
		return false
	}
	ns := ""
	if info.Namespaced {
		if ns = p.str(p.value(md, "namespace")); ns == "" {
			ns = cluster.FinishOptions{DefaultNamespace: w.opts.DefaultNamespace}.EffectiveNamespace()
		}
	}
	// Views of the input: copy what is kept.
	res.snap.Origins = append(res.snap.Origins, cluster.Origin{Kind: info.Kind, Namespace: w.intern(ns), Name: strings.Clone(name), File: w.path, Line: n.line,
		APIVersion: w.intern(apiVersion)})
	return true
}

// document adds the object n, whose JSON is in w.buf if encoded, or each
// item of a List.
func (w *worker) document(res *batchResult, n *yaml.Node, delta int, encoded bool) bool {
	if n.Kind != yaml.MappingNode {
		return false
	}
	apiVersion, kind := stringValue(mappingValue(n, "apiVersion")), stringValue(mappingValue(n, "kind"))
	if apiVersion == "" || kind == "" {
		return false
	}
	if strings.HasSuffix(kind, "List") {
		if items := mappingValue(n, "items"); items != nil && items.Kind == yaml.SequenceNode {
			for _, item := range items.Content {
				if !w.document(res, item, delta, false) {
					return false
				}
			}
			return true
		}
	}
	line := n.Line + delta
	md := mappingValue(n, "metadata")
	name := stringValue(mappingValue(md, "name"))
	if isSecret(apiVersion, kind) {
		addSecretName(res.snap, stringValue(mappingValue(md, "namespace")), name)
		return true
	}
	info, ok := cluster.LookupKind(apiVersion, kind)
	if !ok {
		res.notes.skip(apiVersion, kind)
		return true
	}
	if !encoded {
		w.keys = w.keys[:0]
		if w.buf, ok = w.appendJSON(w.buf[:0], n); !ok {
			return false
		}
	}
	if err := res.snap.AddObjectWith(apiVersion, kind, w.buf, strictDecode); err != nil {
		return false
	}
	ns := ""
	if info.Namespaced {
		if ns = stringValue(mappingValue(md, "namespace")); ns == "" {
			ns = cluster.FinishOptions{DefaultNamespace: w.opts.DefaultNamespace}.EffectiveNamespace()
		}
	}
	res.snap.Origins = append(res.snap.Origins, cluster.Origin{Kind: info.Kind, Namespace: ns, Name: name, File: w.path, Line: line, APIVersion: apiVersion})
	return true
}

// intern returns a copy of s (which may be a view of the input) that
// this worker may have made before: namespaces repeat.
func (w *worker) intern(s string) string {
	if v, ok := w.strs[s]; ok {
		return v
	}
	if w.strs == nil {
		w.strs = map[string]string{}
	}
	v := strings.Clone(s)
	w.strs[v] = v
	return v
}

// stringValue is the string the serial reader makes of n (nil: none),
// or "" if it makes another type. n is free of aliases (appendJSON).
func stringValue(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	switch n.Tag {
	case "!!null", "!!bool", "!!int", "!!float":
		return ""
	}
	return n.Value
}

// tidyAll tidies every object of s and makes typed ones share equal
// strings and maps (unstructured objects are left as decoded).
func tidyAll(s *cluster.Snapshot, sharer *share.Sharer) {
	for i := range cluster.Kinds {
		k := &cluster.Kinds[i]
		if k.Count(s) == 0 {
			continue
		}
		k.Each(s, func(o metav1.Object) {
			cluster.Tidy(o)
			if _, ok := o.(*unstructured.Unstructured); !ok {
				sharer.Object(o)
			}
		})
	}
}

// snapshotLists are the indices of Snapshot's slice fields.
var snapshotLists = func() []int {
	var out []int
	t := reflect.TypeFor[cluster.Snapshot]()
	for i := range t.NumField() {
		if t.Field(i).Type.Kind() == reflect.Slice {
			out = append(out, i)
		}
	}
	return out
}()

// appendSnapshot appends every list of src to dst's.
func appendSnapshot(dst, src *cluster.Snapshot) {
	d, s := reflect.ValueOf(dst).Elem(), reflect.ValueOf(src).Elem()
	for _, i := range snapshotLists {
		sf := s.Field(i)
		if sf.Len() == 0 {
			continue
		}
		df := d.Field(i)
		if df.Len() == 0 {
			df.Set(sf)
			continue
		}
		df.Set(reflect.AppendSlice(df, sf))
	}
	if src.SecretNames != nil {
		for _, n := range src.SecretNames.Items {
			dst.AddSecretName(n.Namespace, n.Name)
		}
	}
}
