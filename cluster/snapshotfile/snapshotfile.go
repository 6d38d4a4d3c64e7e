package snapshotfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// A snapshot file is one JSON object: the Snapshot's fields under their
// JSON names (as encoding/json writes them), laid out so that a reader can
// stream it, each top-level field and each list element on a line of its
// own:
//
//	{"schemaVersion":"seaworthy.snapshot/v1",
//	"counts":{"nodes":5000,"pods":150000,...},
//	"collectedAt":"2026-01-01T00:00:00Z",
//	"source":"live",
//	"server":{...},
//	"nodes":[
//	{...},
//	{...}
//	],
//	"pods":[
//	...
//	]}
//
//   - schemaVersion comes first, so that a file can be recognised (and a
//     newer one refused) from its first bytes.
//   - counts (optional) gives the length of every non-empty list, keyed by
//     the list's JSON name, so that a reader can size each list once. It is
//     a hint: readers accept lists of another length, and files without it
//     (those written before it existed).
//   - Lists appear in the Snapshot's field order; empty ones are left out.
//
// Readers ignore fields they do not know. A change that older readers
// cannot read safely bumps the schema version.

// snapshotField describes one field of Snapshot as it appears in a file.
type snapshotField struct {
	index     int
	name      string
	omitEmpty bool
	omitZero  bool
	list      bool // a slice, streamed element by element
	elemSize  uintptr
}

var snapshotFields = func() []snapshotField {
	t := reflect.TypeFor[cluster.Snapshot]()
	var out []snapshotField
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if !f.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		sf := snapshotField{index: i, name: name}
		for _, o := range strings.Split(opts, ",") {
			sf.omitEmpty = sf.omitEmpty || o == "omitempty"
			sf.omitZero = sf.omitZero || o == "omitzero"
		}
		if f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() != reflect.Uint8 {
			sf.list = true
			sf.elemSize = f.Type.Elem().Size()
		}
		out = append(out, sf)
	}
	return out
}()

// lookupSnapshotField finds a field by JSON name, exactly or, as
// encoding/json does, ignoring case.
func lookupSnapshotField(name string) (*snapshotField, bool) {
	for i := range snapshotFields {
		if snapshotFields[i].name == name {
			return &snapshotFields[i], true
		}
	}
	for i := range snapshotFields {
		if strings.EqualFold(snapshotFields[i].name, name) {
			return &snapshotFields[i], true
		}
	}
	return nil, false
}

// ReadFile reads a snapshot file written by Write.
func ReadFile(path string) (*cluster.Snapshot, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, unwrapPathError(err))
	}
	defer f.Close()
	var size int64 = -1
	if info, err := f.Stat(); err == nil && info.Mode().IsRegular() {
		size = info.Size()
	}
	s, err := readSnapshot(f, size)
	if err != nil {
		return nil, &cluster.InputError{Path: path, Err: err}
	}
	return s, nil
}

// Read decodes a snapshot and checks its schema version. The
// objects are set to Source "snapshot", keeping the source they were
// collected from in OriginalSource.
//
// The input is streamed: list elements are decoded as they are read, on
// as many goroutines as GOMAXPROCS allows, so memory holds the decoded
// objects and a few megabytes of input, never the whole file.
func Read(r io.Reader) (*cluster.Snapshot, error) {
	size := int64(-1)
	if l, ok := r.(interface{ Len() int }); ok {
		size = int64(l.Len())
	}
	return readSnapshot(r, size)
}

func readSnapshot(r io.Reader, size int64) (*cluster.Snapshot, error) {
	var s cluster.Snapshot
	d := newSnapshotDecoder(r, &s, size)
	err := d.decode()
	if err != nil {
		return nil, err
	}
	if err := checkSchemaVersion(s.SchemaVersion); err != nil {
		return nil, err
	}
	if s.OriginalSource == "" {
		s.OriginalSource = s.Source
	}
	s.Source = cluster.SourceSnapshot
	// The workers tidied every object as it was read, and a file holds a
	// finished snapshot: it reads back exactly as it was written.
	cluster.Finish(&s, cluster.FinishOptions{Normalized: true})
	return &s, nil
}

// Decoding.

const (
	readChunk = 1 << 20   // bytes read from the input at a time
	batchSize = 256 << 10 // bytes of list elements handed to a worker at a time
	// maxHintBytes is what the counts hints may make the reader allocate up
	// front beyond the input's size.
	maxHintBytes = 64 << 20
)

// snapshotDecoder reads the top-level object itself and hands batches of
// list elements to workers that decode them with encoding/json.
type snapshotDecoder struct {
	r    io.Reader
	s    *cluster.Snapshot
	v    reflect.Value // *s
	size int64         // input size if known, else -1

	buf  []byte // buf[pos:end] is read but not consumed
	pos  int
	end  int
	off  int64 // input offset of buf[0]
	rerr error // read error, io.EOF at the end

	counts map[string]int
	hinted uint64       // bytes allocated up front on the counts' word
	lists  []*listState // lists being filled, assembled at the end

	work    chan *batch
	free    chan *batch
	wg      sync.WaitGroup
	failed  atomic.Bool
	errOnce sync.Once
	err     error // first worker error
}

// listState collects one list field's elements.
type listState struct {
	field *snapshotField
	// pre is a slice sized from the counts hint, filled in place.
	pre    reflect.Value
	filled int
	// extra holds batches beyond pre (no hint, or a wrong one), in order.
	extra []reflect.Value
}

// batch is a run of consecutive elements of one list.
type batch struct {
	list  *listState
	data  []byte
	ends  []int   // end offset in data of each element
	offs  []int64 // input offset of each element, for errors
	first int     // index of the first element in the list
	// out is where the elements go: pre (from index first) or an extra
	// slice of its own.
	out   reflect.Value
	outAt int
}

func newSnapshotDecoder(r io.Reader, s *cluster.Snapshot, size int64) *snapshotDecoder {
	n := readChunk
	if size >= 0 && size < readChunk {
		n = int(size) + 1 // +1 to see the end of input in one read
	}
	return &snapshotDecoder{r: r, s: s, v: reflect.ValueOf(s).Elem(), size: size, buf: make([]byte, max(n, 512))}
}

// syntaxError reports malformed input at the current offset.
func (d *snapshotDecoder) syntaxError(format string, args ...any) error {
	return fmt.Errorf("decode snapshot: byte %d: %s", d.off+int64(d.pos), fmt.Sprintf(format, args...))
}

// fill reads more input, keeping buf[pos:end]. It reports false at the end
// of the input or on a read error (in d.rerr).
func (d *snapshotDecoder) fill() bool {
	if d.rerr != nil {
		return false
	}
	if d.pos > 0 {
		n := copy(d.buf, d.buf[d.pos:d.end])
		d.off += int64(d.pos)
		d.pos, d.end = 0, n
	}
	if d.end == len(d.buf) {
		nb := make([]byte, 2*len(d.buf))
		copy(nb, d.buf[:d.end])
		d.buf = nb
	}
	n, err := d.r.Read(d.buf[d.end:])
	d.end += n
	if err != nil {
		d.rerr = err
	}
	return n > 0 || err == nil
}

// eofError turns the end of input into the error for a truncated file.
func (d *snapshotDecoder) eofError() error {
	if d.rerr != nil && !errors.Is(d.rerr, io.EOF) {
		return fmt.Errorf("decode snapshot: %w", d.rerr)
	}
	return fmt.Errorf("decode snapshot: byte %d: file ends early: %w", d.off+int64(d.end), io.ErrUnexpectedEOF)
}

// peek skips whitespace and returns the next byte without consuming it.
func (d *snapshotDecoder) peek() (byte, error) {
	for {
		for d.pos < d.end {
			switch c := d.buf[d.pos]; c {
			case ' ', '\t', '\n', '\r':
				d.pos++
			default:
				return c, nil
			}
		}
		if !d.fill() {
			return 0, d.eofError()
		}
	}
}

// expect consumes the next non-space byte, which must be c.
func (d *snapshotDecoder) expect(c byte) error {
	got, err := d.peek()
	if err != nil {
		return err
	}
	if got != c {
		return d.syntaxError("want %q, found %q", c, got)
	}
	d.pos++
	return nil
}

// structural marks the bytes the value scanner stops at; it skips the
// rest in a tight loop.
var structural = [256]bool{'"': true, '\\': true, '{': true, '}': true, '[': true, ']': true}

// value consumes one JSON value and appends its bytes to dst. It only finds
// where the value ends (strings, escapes and nesting); encoding/json
// validates the bytes when it decodes them.
func (d *snapshotDecoder) value(dst []byte) ([]byte, error) {
	return d.scan(dst, true)
}

// skip consumes one JSON value without keeping it.
func (d *snapshotDecoder) skip() error {
	_, err := d.scan(nil, false)
	return err
}

// scan consumes one value, appending its bytes to dst if keep.
func (d *snapshotDecoder) scan(dst []byte, keep bool) ([]byte, error) {
	c, err := d.peek()
	if err != nil {
		return dst, err
	}
	if c != '{' && c != '[' && c != '"' {
		return d.scalar(dst)
	}
	depth := 0
	inString, escaped := false, false
	for {
		buf := d.buf[d.pos:d.end]
		i, done := 0, false
		if escaped && len(buf) > 0 {
			// The byte after a backslash that ended the previous read.
			escaped = false
			i++
		}
		for !done && i < len(buf) {
			for i < len(buf) && !structural[buf[i]] {
				i++
			}
			if i == len(buf) {
				break
			}
			b := buf[i]
			i++
			switch {
			case inString:
				switch b {
				case '\\':
					// Skip the escaped byte (a quote or backslash must not
					// count); for \uXXXX the rest is ordinary.
					if i < len(buf) {
						i++
					} else {
						escaped = true
					}
				case '"':
					inString = false
					done = depth == 0
				}
			case b == '"':
				inString = true
			case b == '{' || b == '[':
				depth++
			case b == '}' || b == ']':
				depth--
				done = depth == 0
			case b == '\\':
				// Outside a string: invalid, left for encoding/json to report.
			}
		}
		if keep {
			dst = append(dst, buf[:i]...)
		}
		d.pos += i
		if done {
			return dst, nil
		}
		if !d.fill() {
			return dst, d.eofError()
		}
	}
}

// scalar consumes a number, true, false or null.
func (d *snapshotDecoder) scalar(dst []byte) ([]byte, error) {
	for {
		buf := d.buf[d.pos:d.end]
		i := 0
		for i < len(buf) {
			switch buf[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				dst = append(dst, buf[:i]...)
				d.pos += i
				return dst, nil
			}
			i++
		}
		dst = append(dst, buf...)
		d.pos += i
		if !d.fill() {
			if d.rerr != nil && !errors.Is(d.rerr, io.EOF) {
				return dst, fmt.Errorf("decode snapshot: %w", d.rerr)
			}
			return dst, nil // a scalar may end the input; the caller judges
		}
	}
}

// str consumes a JSON string and returns its value.
func (d *snapshotDecoder) str() (string, error) {
	c, err := d.peek()
	if err != nil {
		return "", err
	}
	if c != '"' {
		return "", d.syntaxError("want an object key, found %q", c)
	}
	raw, err := d.value(nil)
	if err != nil {
		return "", err
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", d.syntaxError("bad object key: %v", err)
	}
	return s, nil
}

// decode reads the whole top-level object.
func (d *snapshotDecoder) decode() (err error) {
	workers := max(1, runtime.GOMAXPROCS(0))
	d.work = make(chan *batch, 2*workers)
	d.free = make(chan *batch, 3*workers+1)
	for range workers {
		d.wg.Add(1)
		go d.worker()
	}
	defer func() {
		close(d.work)
		d.wg.Wait()
		if d.err != nil {
			err = d.err // a worker's error is the first real one
		}
		if err == nil {
			d.assemble()
		}
	}()

	if err := d.expect('{'); err != nil {
		return err
	}
	if c, err := d.peek(); err != nil {
		return err
	} else if c == '}' {
		d.pos++
		return d.trailing()
	}
	for {
		key, err := d.str()
		if err != nil {
			return err
		}
		if err := d.expect(':'); err != nil {
			return err
		}
		if err := d.field(key); err != nil {
			return err
		}
		if d.failed.Load() {
			return nil // the deferred wait returns the worker's error
		}
		c, err := d.peek()
		if err != nil {
			return err
		}
		d.pos++
		switch c {
		case ',':
		case '}':
			return d.trailing()
		default:
			d.pos--
			return d.syntaxError("want ',' or '}' after %q, found %q", key, c)
		}
	}
}

// trailing accepts only whitespace after the object.
func (d *snapshotDecoder) trailing() error {
	c, err := d.peek()
	if err == nil {
		return d.syntaxError("unexpected %q after the snapshot", c)
	}
	if d.rerr != nil && !errors.Is(d.rerr, io.EOF) {
		return fmt.Errorf("decode snapshot: %w", d.rerr)
	}
	return nil
}

// field decodes the value of one top-level key.
func (d *snapshotDecoder) field(key string) error {
	if key == "counts" {
		raw, err := d.value(nil)
		if err != nil {
			return err
		}
		var counts map[string]int
		if err := json.Unmarshal(raw, &counts); err != nil {
			return fmt.Errorf("decode snapshot: counts: %w", err)
		}
		d.counts = counts
		return nil
	}
	f, ok := lookupSnapshotField(key)
	if !ok {
		return d.skip() // a field this version does not know
	}
	if f.list {
		c, err := d.peek()
		if err != nil {
			return err
		}
		if c == '[' {
			return d.list(f)
		}
	}
	raw, err := d.value(nil)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, d.v.Field(f.index).Addr().Interface()); err != nil {
		return fmt.Errorf("decode snapshot: %s: %w", f.name, err)
	}
	if f.name == "schemaVersion" {
		// Refuse a newer file before reading the rest of it.
		if err := checkSchemaVersion(d.s.SchemaVersion); err != nil {
			return err
		}
	}
	return nil
}

// list streams one list's elements to the workers.
func (d *snapshotDecoder) list(f *snapshotField) error {
	d.pos++ // '['
	ls := &listState{field: f}
	// A later occurrence of the same key replaces the earlier one, as with
	// encoding/json.
	for i, l := range d.lists {
		if l.field == f {
			d.lists = append(d.lists[:i], d.lists[i+1:]...)
			break
		}
	}
	d.lists = append(d.lists, ls)
	if n, ok := d.counts[f.name]; ok && n > 0 && d.hintFits(n, f.elemSize) {
		ls.pre = reflect.MakeSlice(d.v.Field(f.index).Type(), n, n)
	}
	c, err := d.peek()
	if err != nil {
		return err
	}
	if c == ']' {
		d.pos++
		return nil
	}
	index := 0
	b := d.newBatch(ls, index)
	for {
		if _, err := d.peek(); err != nil {
			return err
		}
		off := d.off + int64(d.pos)
		if b.data, err = d.value(b.data); err != nil {
			return err
		}
		b.ends = append(b.ends, len(b.data))
		b.offs = append(b.offs, off)
		index++
		c, err := d.peek()
		if err != nil {
			return err
		}
		d.pos++
		if c != ',' && c != ']' {
			d.pos--
			return d.syntaxError("want ',' or ']' in %s, found %q", f.name, c)
		}
		if c == ']' || len(b.data) >= batchSize {
			if !d.send(b) {
				return nil
			}
			if c == ']' {
				return nil
			}
			b = d.newBatch(ls, index)
		}
	}
}

// hintFits reports whether a counts hint of n elements is believable
// enough to allocate for. Together the hints may not ask for more than the
// input's size (when known) plus maxHintBytes, so a damaged header cannot
// make the reader allocate much more than the file would anyway.
func (d *snapshotDecoder) hintFits(n int, elemSize uintptr) bool {
	budget := uint64(maxHintBytes)
	if d.size >= 0 {
		if int64(n) > d.size/2 {
			return false // each element takes at least "{}"
		}
		budget += uint64(d.size)
	}
	if elemSize == 0 || uint64(n) > budget/uint64(elemSize) {
		return false
	}
	want := uint64(n) * uint64(elemSize)
	if d.hinted+want > budget {
		return false
	}
	d.hinted += want
	return true
}

// newBatch returns an empty batch for elements of ls from index.
func (d *snapshotDecoder) newBatch(ls *listState, index int) *batch {
	var b *batch
	select {
	case b = <-d.free:
		b.data, b.ends, b.offs = b.data[:0], b.ends[:0], b.offs[:0]
	default:
		b = &batch{data: make([]byte, 0, batchSize+64<<10)}
	}
	b.list, b.first = ls, index
	return b
}

// send places b's elements and queues it for a worker. It reports false
// when a worker has failed.
func (d *snapshotDecoder) send(b *batch) bool {
	ls := b.list
	n := len(b.ends)
	if len(ls.extra) == 0 && ls.pre.IsValid() && b.first+n <= ls.pre.Len() {
		b.out, b.outAt = ls.pre, b.first
		ls.filled = b.first + n
	} else {
		// No hint, or more elements than it said: from here on each batch
		// gets a slice of its own, joined up in assemble.
		b.out, b.outAt = reflect.MakeSlice(d.v.Field(ls.field.index).Type(), n, n), 0
		ls.extra = append(ls.extra, b.out)
	}
	if d.failed.Load() {
		return false
	}
	d.work <- b
	return true
}

func (d *snapshotDecoder) worker() {
	defer d.wg.Done()
	// Each worker's decoders share equal strings, maps and resource lists
	// among the objects it decodes as they read them (elementjson.go), as
	// the live source does after decoding (see sharer).
	iter := elementJSON.BorrowIterator(nil)
	defer elementJSON.ReturnIterator(iter)
	iter.Attachment = newDecodeScratch()
	for b := range d.work {
		if !d.failed.Load() {
			start := 0
			for i, end := range b.ends {
				ptr := b.out.Index(b.outAt + i).Addr().Interface()
				iter.ResetBytes(b.data[start:end])
				iter.Error = nil
				iter.ReadVal(ptr)
				if err := iter.Error; err != nil && err != io.EOF {
					d.fail(fmt.Errorf("decode snapshot: %s[%d] at byte %d: %w", b.list.field.name, b.first+i, b.offs[i], err))
					break
				}
				// Files written by seaworthy are trimmed already; others
				// are trimmed as they are read, to keep memory down.
				cluster.Tidy(ptr)
				start = end
			}
		}
		select {
		case d.free <- b:
		default:
		}
	}
}

func (d *snapshotDecoder) fail(err error) {
	d.errOnce.Do(func() {
		d.err = err
		d.failed.Store(true)
	})
}

// assemble sets each list field from its parts.
func (d *snapshotDecoder) assemble() {
	for _, ls := range d.lists {
		field := d.v.Field(ls.field.index)
		if len(ls.extra) == 0 && ls.pre.IsValid() && ls.filled == ls.pre.Len() {
			field.Set(ls.pre) // the common case: the hint was right
			continue
		}
		total := ls.filled
		for _, e := range ls.extra {
			total += e.Len()
		}
		if len(ls.extra) == 1 && ls.filled == 0 {
			field.Set(ls.extra[0])
			continue
		}
		out := reflect.MakeSlice(field.Type(), total, total)
		n := 0
		if ls.filled > 0 {
			n = reflect.Copy(out, ls.pre.Slice(0, ls.filled))
		}
		for _, e := range ls.extra {
			n += reflect.Copy(out.Slice(n, total), e)
		}
		field.Set(out)
	}
}

// Encoding.

// Write encodes s as a snapshot file (see the layout above). The
// output depends only on s: fields in a fixed order, map keys sorted by
// encoding/json. List elements are encoded on as many goroutines as
// GOMAXPROCS allows and written in order, a bounded number of batches at a
// time.
func Write(w io.Writer, s *cluster.Snapshot) error {
	if s == nil {
		return errors.New("encode snapshot: no snapshot")
	}
	e := &snapshotEncoder{w: w, buf: make([]byte, 0, 1<<20)}
	if err := e.encode(s); err != nil {
		return fmt.Errorf("encode snapshot: %w", err)
	}
	return e.flush()
}

type snapshotEncoder struct {
	w   io.Writer
	buf []byte
	err error
}

func (e *snapshotEncoder) write(b []byte) {
	if e.err != nil {
		return
	}
	if len(e.buf)+len(b) > cap(e.buf) {
		if e.flush() != nil {
			return
		}
		if len(b) > cap(e.buf) {
			_, e.err = e.w.Write(b)
			return
		}
	}
	e.buf = append(e.buf, b...)
}

func (e *snapshotEncoder) writeString(s string) { e.write([]byte(s)) }

func (e *snapshotEncoder) flush() error {
	if e.err == nil && len(e.buf) > 0 {
		_, e.err = e.w.Write(e.buf)
		e.buf = e.buf[:0]
	}
	return e.err
}

// marshal encodes v without HTML escaping and without a trailing newline.
func marshal(dst *bytes.Buffer, v any) error {
	enc := json.NewEncoder(dst)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	dst.Truncate(dst.Len() - 1)
	return nil
}

func (e *snapshotEncoder) encode(s *cluster.Snapshot) error {
	v := reflect.ValueOf(s).Elem()
	var tmp bytes.Buffer
	first := true
	key := func(name string) {
		if first {
			e.writeString("{")
			first = false
		} else {
			e.writeString(",\n")
		}
		tmp.Reset()
		_ = marshal(&tmp, name)
		e.write(tmp.Bytes())
		e.writeString(":")
	}
	countsDone := false
	for _, f := range snapshotFields {
		fv := v.Field(f.index)
		if (f.omitEmpty && isEmptyValue(fv)) || (f.omitZero && fv.IsZero()) {
			continue
		}
		key(f.name)
		if f.list && fv.Len() > 0 {
			if err := e.list(fv); err != nil {
				return fmt.Errorf("%s: %w", f.name, err)
			}
		} else {
			tmp.Reset()
			if err := marshal(&tmp, fv.Interface()); err != nil {
				return fmt.Errorf("%s: %w", f.name, err)
			}
			e.write(tmp.Bytes())
		}
		if !countsDone {
			e.counts(v) // right after schemaVersion
			countsDone = true
		}
	}
	if first {
		e.writeString("{")
	}
	e.writeString("}\n")
	return e.err
}

// counts writes the counts header.
func (e *snapshotEncoder) counts(v reflect.Value) {
	var b []byte
	for _, f := range snapshotFields {
		if !f.list {
			continue
		}
		if n := v.Field(f.index).Len(); n > 0 {
			if b == nil {
				b = append(b, ",\n\"counts\":{"...)
			} else {
				b = append(b, ',')
			}
			b = strconv.AppendQuote(b, f.name)
			b = append(b, ':')
			b = strconv.AppendInt(b, int64(n), 10)
		}
	}
	if b != nil {
		e.write(append(b, '}'))
	}
}

// list writes the elements of l, one a line.
func (e *snapshotEncoder) list(l reflect.Value) error {
	const per = 256 // elements a batch
	n := l.Len()
	batches := (n + per - 1) / per
	encodeBatch := func(i int, dst *bytes.Buffer) error {
		for j := i * per; j < min(n, (i+1)*per); j++ {
			if err := marshal(dst, l.Index(j).Addr().Interface()); err != nil {
				return fmt.Errorf("element %d: %w", j, err)
			}
			if j < n-1 {
				dst.WriteString(",\n")
			}
		}
		return nil
	}
	e.writeString("[\n")
	workers := min(runtime.GOMAXPROCS(0), batches)
	if workers <= 1 {
		var buf bytes.Buffer
		for i := range batches {
			buf.Reset()
			if err := encodeBatch(i, &buf); err != nil {
				return err
			}
			e.write(buf.Bytes())
		}
		e.writeString("\n]")
		return e.err
	}

	type result struct {
		buf *bytes.Buffer
		err error
	}
	results := make([]chan result, batches)
	for i := range results {
		results[i] = make(chan result, 1)
	}
	jobs := make(chan int)
	window := make(chan struct{}, 2*workers) // batches encoded but not yet written
	quit := make(chan struct{})
	pool := sync.Pool{New: func() any { return new(bytes.Buffer) }}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				buf := pool.Get().(*bytes.Buffer)
				buf.Reset()
				err := encodeBatch(i, buf)
				results[i] <- result{buf, err}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := range batches {
			select {
			case window <- struct{}{}:
			case <-quit:
				return
			}
			select {
			case jobs <- i:
			case <-quit:
				return
			}
		}
	}()
	var err error
	for i := range batches {
		r := <-results[i]
		<-window
		if r.err != nil {
			err = r.err
			break
		}
		e.write(r.buf.Bytes())
		pool.Put(r.buf)
		if e.err != nil {
			break
		}
	}
	close(quit)
	wg.Wait()
	if err != nil {
		return err
	}
	e.writeString("\n]")
	return e.err
}

// isEmptyValue is encoding/json's test for omitempty.
func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}

// checkSchemaVersion accepts "seaworthy.snapshot/vN" with N a version
// seaworthy has written: a decimal number from 1 (no sign, no leading
// zero) to this build's. Anything else under the snapshot prefix (v0, v-5,
// v+1, v01, vx) names no schema, and says so rather than being read as v1.
func checkSchemaVersion(v string) error {
	const prefix = "seaworthy.snapshot/v"
	mine, _ := strconv.Atoi(strings.TrimPrefix(cluster.SchemaVersion, prefix))
	if !strings.HasPrefix(v, prefix) {
		return fmt.Errorf("not a seaworthy snapshot (schemaVersion %q)", v)
	}
	digits := strings.TrimPrefix(v, prefix)
	n, err := strconv.Atoi(digits)
	if err != nil || n < 1 || digits != strconv.Itoa(n) {
		return fmt.Errorf("snapshot schemaVersion %q names no schema seaworthy has written (seaworthy.snapshot/v1 to %s)", v, cluster.SchemaVersion)
	}
	if n > mine {
		return fmt.Errorf("snapshot schema %s is newer than this seaworthy reads (%s): upgrade seaworthy", v, cluster.SchemaVersion)
	}
	return nil
}

// Is reports whether data looks like a seaworthy snapshot file: a JSON
// object whose first 4 KiB name the snapshot schema.
func Is(data []byte) bool {
	head := data
	if len(head) > 4096 {
		head = head[:4096]
	}
	head = bytes.TrimSpace(head)
	return len(head) > 0 && head[0] == '{' && bytes.Contains(head, []byte(`"seaworthy.snapshot/`))
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
