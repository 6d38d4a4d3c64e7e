package snapshotfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"reflect"
	"slices"
	"strings"
	"time"
	"unsafe"

	jsoniter "github.com/json-iterator/go"
	"github.com/modern-go/reflect2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster/internal/share"
)

// elementJSON decodes list elements, which are most of a snapshot's bytes.
// It is json-iterator configured as Kubernetes' own apimachinery used it for
// years (case-sensitive, standard-library compatible, honouring the API
// types' UnmarshalJSON methods); it decodes objects about twice as fast as
// encoding/json. Field names are read in place, without unescaping (API
// field names are plain ASCII; an escaped one is an unknown field). Decoders
// of its own go further (elementExtension): strings are interned per
// worker, equal string maps and resource lists are shared, and metav1.Time
// is parsed in place.
// TestSnapshotRoundTripLarge holds it to encoding/json's result.
var elementJSON = func() jsoniter.API {
	api := jsoniter.Config{EscapeHTML: true, SortMapKeys: true, ValidateJsonRawMessage: true, CaseSensitive: true,
		ObjectFieldMustBeSimpleString: true}.Froze()
	api.RegisterExtension(&elementExtension{})
	return api
}()

// decodeScratch is one decoding goroutine's state, set as the
// json-iterator Iterator's Attachment.
type decodeScratch struct {
	raw []byte
	// share holds the string maps seen so far, for stringMapDecoder.
	share *share.Sharer
	pairs [][2]string
	// lists holds the resource lists seen so far, by their text.
	lists map[string]corev1.ResourceList
	key   []byte
	seed  maphash.Seed
	// strs is a direct-mapped cache of recent strings. A snapshot repeats
	// the same few strings (namespaces, label keys and values, images,
	// condition types, "True") hundreds of thousands of times; returning
	// the cached copy saves the allocation, and the garbage collector the
	// work, and lets equal strings share memory. Unique strings (names,
	// UIDs) just pass through a slot.
	strs [1 << 14]string
}

func newDecodeScratch() *decodeScratch {
	// raw must not be nil: json-iterator takes a nil buffer for "not capturing".
	return &decodeScratch{seed: maphash.MakeSeed(), raw: make([]byte, 0, 512), share: share.New(),
		lists: map[string]corev1.ResourceList{}}
}

// maxInterned bounds the length of cached strings; longer ones are rarely
// repeated.
const maxInterned = 96

// intern returns a string equal to b that this worker may have made
// before; b is not kept.
func (d *decodeScratch) intern(b []byte) string { return d.internView(view(b)) }

// internView is intern for a string that may be a view of a reused
// buffer: it is copied before it is kept.
func (d *decodeScratch) internView(s string) string {
	if len(s) == 0 {
		return ""
	}
	if len(s) > maxInterned {
		return strings.Clone(s)
	}
	slot := &d.strs[maphash.String(d.seed, s)&(uint64(len(d.strs))-1)]
	if *slot == s {
		return *slot
	}
	*slot = strings.Clone(s)
	return *slot
}

// view returns b as a string without copying; the caller must not keep it
// beyond b's next change.
func view(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// next returns the raw bytes of the iterator's next value, valid until the
// next call.
func (d *decodeScratch) next(iter *jsoniter.Iterator) []byte {
	d.raw = iter.SkipAndAppendBytes(d.raw[:0])
	raw := d.raw
	for len(raw) > 0 && (raw[0] == ' ' || raw[0] == '\t' || raw[0] == '\r' || raw[0] == '\n') {
		raw = raw[1:]
	}
	return raw
}

// plainString returns the contents of a JSON string literal that needs no
// unescaping: printable ASCII without backslashes. Anything else takes the
// standard library's path, so escapes and invalid UTF-8 come out exactly as
// encoding/json would make them.
func plainString(raw []byte) ([]byte, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return nil, false
	}
	s := raw[1 : len(raw)-1]
	for _, c := range s {
		if c < 0x20 || c >= 0x7f || c == '\\' || c == '"' {
			return nil, false
		}
	}
	return s, true
}

var (
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	metaTimeType    = reflect.TypeFor[metav1.Time]()
	stringMapType   = reflect.TypeFor[map[string]string]()
	resourceMapType = reflect.TypeFor[corev1.ResourceList]()
)

// elementExtension installs the fast decoders for string kinds without an
// UnmarshalJSON method of their own (as values and as map keys) and for
// metav1.Time.
type elementExtension struct{ jsoniter.DummyExtension }

func (e *elementExtension) CreateDecoder(typ reflect2.Type) jsoniter.ValDecoder {
	t := typ.Type1()
	switch {
	case t == metaTimeType:
		return timeDecoder{}
	case t == stringMapType:
		return stringMapDecoder{}
	case t == resourceMapType:
		return resourceListDecoder{}
	case t.Kind() == reflect.String && !reflect.PointerTo(t).Implements(unmarshalerType):
		return stringDecoder{}
	}
	return nil
}

func (e *elementExtension) CreateMapKeyDecoder(typ reflect2.Type) jsoniter.ValDecoder {
	t := typ.Type1()
	if t.Kind() == reflect.String && !reflect.PointerTo(t).Implements(unmarshalerType) &&
		!reflect.PointerTo(t).Implements(reflect.TypeFor[interface{ UnmarshalText([]byte) error }]()) {
		return stringDecoder{}
	}
	return nil
}

// scratch returns the iterator's decodeScratch, creating it if need be.
func scratch(iter *jsoniter.Iterator) *decodeScratch {
	d, ok := iter.Attachment.(*decodeScratch)
	if !ok {
		d = newDecodeScratch()
		iter.Attachment = d
	}
	return d
}

type stringDecoder struct{}

func (stringDecoder) Decode(ptr unsafe.Pointer, iter *jsoniter.Iterator) {
	d := scratch(iter)
	raw := d.next(iter)
	if iter.Error != nil {
		return
	}
	if string(raw) == "null" {
		return // as encoding/json: null leaves a string as it was
	}
	if s, ok := plainString(raw); ok {
		*(*string)(ptr) = d.intern(s)
		return
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		iter.ReportError("decode string", err.Error())
		return
	}
	*(*string)(ptr) = s
}

// timeDecoder decodes metav1.Time as its UnmarshalJSON does (RFC 3339,
// null as the zero time, converted to local time), without its round trip
// through encoding/json.
type timeDecoder struct{}

func (timeDecoder) Decode(ptr unsafe.Pointer, iter *jsoniter.Iterator) {
	d := scratch(iter)
	raw := d.next(iter)
	if iter.Error != nil {
		return
	}
	t := (*metav1.Time)(ptr)
	if string(raw) == "null" {
		t.Time = time.Time{}
		return
	}
	s, ok := plainString(raw)
	if !ok {
		if err := t.UnmarshalJSON(raw); err != nil {
			iter.ReportError("decode time", err.Error())
		}
		return
	}
	pt, err := time.Parse(time.RFC3339, view(s))
	if err != nil {
		iter.ReportError("decode time", fmt.Sprintf("parsing time %q as RFC 3339", string(s)))
		return
	}
	t.Time = pt.Local()
}

// stringMapDecoder decodes map[string]string (labels, annotations, node
// selectors), which repeat across objects far more than they differ: a map
// equal to one this worker decoded before is that map, shared, and costs no
// allocation at all. Objects with escapes or duplicate keys take the
// standard library's path.
type stringMapDecoder struct{}

func (stringMapDecoder) Decode(ptr unsafe.Pointer, iter *jsoniter.Iterator) {
	d := scratch(iter)
	raw := d.next(iter)
	if iter.Error != nil {
		return
	}
	m := (*map[string]string)(ptr)
	if string(raw) == "null" {
		*m = nil
		return
	}
	if *m == nil {
		if pairs, ok := d.flatObject(raw); ok {
			*m = d.share.PairsMap(pairs, d.internView)
			return
		}
	}
	if err := json.Unmarshal(raw, m); err != nil {
		iter.ReportError("decode map", err.Error())
	}
}

// flatObject parses a JSON object whose keys and values are all plain
// strings (see plainString) into d.pairs, sorted by key. It reports false
// for anything else, including duplicate keys.
func (d *decodeScratch) flatObject(raw []byte) ([][2]string, bool) {
	d.pairs = d.pairs[:0]
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return nil, false
	}
	i = skipSpace(raw, i+1)
	if i < len(raw) && raw[i] == '}' {
		return d.pairs, skipSpace(raw, i+1) == len(raw)
	}
	for {
		k, next, ok := plainAt(raw, i)
		if !ok {
			return nil, false
		}
		i = skipSpace(raw, next)
		if i >= len(raw) || raw[i] != ':' {
			return nil, false
		}
		v, next, ok := plainAt(raw, skipSpace(raw, i+1))
		if !ok {
			return nil, false
		}
		// Unsafe views of raw: pairsMap copies what it keeps.
		d.pairs = append(d.pairs, [2]string{view(k), view(v)})
		i = skipSpace(raw, next)
		if i >= len(raw) {
			return nil, false
		}
		if raw[i] == '}' {
			if skipSpace(raw, i+1) != len(raw) {
				return nil, false
			}
			break
		}
		if raw[i] != ',' {
			return nil, false
		}
		i = skipSpace(raw, i+1)
	}
	slices.SortFunc(d.pairs, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	for j := 1; j < len(d.pairs); j++ {
		if d.pairs[j][0] == d.pairs[j-1][0] {
			return nil, false
		}
	}
	return d.pairs, true
}

// plainAt returns the contents of the plain string literal at raw[i:] and
// the index after it.
func plainAt(raw []byte, i int) ([]byte, int, bool) {
	if i >= len(raw) || raw[i] != '"' {
		return nil, 0, false
	}
	end := bytes.IndexByte(raw[i+1:], '"')
	if end < 0 {
		return nil, 0, false
	}
	s, ok := plainString(raw[i : i+end+2])
	return s, i + end + 2, ok
}

func skipSpace(raw []byte, i int) int {
	for i < len(raw) && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\r' || raw[i] == '\n') {
		i++
	}
	return i
}

// resourceListDecoder decodes corev1.ResourceList (requests, limits,
// capacity, quota amounts), sharing equal lists as stringMapDecoder shares
// maps; a quantity is parsed only the first time its list is seen.
type resourceListDecoder struct{}

func (resourceListDecoder) Decode(ptr unsafe.Pointer, iter *jsoniter.Iterator) {
	d := scratch(iter)
	raw := d.next(iter)
	if iter.Error != nil {
		return
	}
	l := (*corev1.ResourceList)(ptr)
	if string(raw) == "null" {
		*l = nil
		return
	}
	if *l == nil {
		if pairs, ok := d.flatObject(raw); ok && len(pairs) > 0 {
			d.key = d.key[:0]
			for _, p := range pairs {
				d.key = share.AppendKeyPart(share.AppendKeyPart(d.key, p[0]), p[1])
			}
			if v, ok := d.lists[view(d.key)]; ok {
				*l = v
				return
			}
			nl := make(corev1.ResourceList, len(pairs))
			for _, p := range pairs {
				// ParseQuantity may keep its argument: give it a copy.
				q, err := resource.ParseQuantity(strings.TrimSpace(d.internView(p[1])))
				if err != nil {
					iter.ReportError("decode quantity", fmt.Sprintf("%s: %v", p[0], err))
					return
				}
				nl[corev1.ResourceName(d.internView(p[0]))] = q
			}
			d.lists[string(d.key)] = nl
			*l = nl
			return
		}
	}
	if err := json.Unmarshal(raw, l); err != nil {
		iter.ReportError("decode resource list", err.Error())
	}
}
