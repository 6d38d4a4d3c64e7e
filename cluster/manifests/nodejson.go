package manifests

import (
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// appendJSON appends the JSON encoding of n to dst: the bytes json.Marshal
// writes for nodeValue(n) (object keys sorted), up to string escapes that
// decode to the same text. It reports false for anything nodeValue or
// json.Marshal would fail on, and for aliases and merge keys, which only
// the serial reader handles; dst is then of no use.
func (w *worker) appendJSON(dst []byte, n *yaml.Node) ([]byte, bool) {
	switch n.Kind {
	case yaml.MappingNode:
		pairs := len(n.Content) / 2
		if len(n.Content)%2 != 0 {
			return dst, false
		}
		base := len(w.keys)
		for i := 0; i < pairs; i++ {
			k := n.Content[2*i]
			if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
				return dst, false
			}
			w.keys = append(w.keys, 2*i)
		}
		keys := w.keys[base:]
		cmp := func(a, b int) int { return strings.Compare(n.Content[a].Value, n.Content[b].Value) }
		if !slices.IsSortedFunc(keys, cmp) {
			slices.SortFunc(keys, cmp)
		}
		dst = append(dst, '{')
		for j := range pairs {
			ki := w.keys[base+j]
			k := n.Content[ki].Value
			if j > 0 {
				if k == n.Content[w.keys[base+j-1]].Value {
					return dst, false // a duplicate key
				}
				dst = append(dst, ',')
			}
			dst = appendString(dst, k)
			dst = append(dst, ':')
			var ok bool
			if dst, ok = w.appendJSON(dst, n.Content[ki+1]); !ok {
				return dst, false
			}
		}
		w.keys = w.keys[:base]
		return append(dst, '}'), true
	case yaml.SequenceNode:
		dst = append(dst, '[')
		for i, c := range n.Content {
			if i > 0 {
				dst = append(dst, ',')
			}
			var ok bool
			if dst, ok = w.appendJSON(dst, c); !ok {
				return dst, false
			}
		}
		return append(dst, ']'), true
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return append(dst, "null"...), true
		case "!!bool":
			if n.Value == "true" || n.Value == "false" {
				return append(dst, n.Value...), true
			}
			return appendDecoded(dst, n)
		case "!!int":
			if plainInt(n.Value) {
				return append(dst, n.Value...), true
			}
			return appendDecoded(dst, n)
		case "!!float":
			return appendDecoded(dst, n)
		default:
			return appendString(dst, n.Value), true
		}
	}
	return dst, false
}

// plainInt reports a decimal integer that yaml.v3 decodes and json.Marshal
// writes back as the same text.
func plainInt(s string) bool {
	d := strings.TrimPrefix(s, "-")
	if len(d) == 0 || len(d) > 18 || (d[0] == '0' && len(d) > 1) || (d == "0" && len(s) > 1) {
		return false
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
	}
	return true
}

// appendDecoded writes a bool, int or float scalar as nodeValue and
// json.Marshal do.
func appendDecoded(dst []byte, n *yaml.Node) ([]byte, bool) {
	var v any
	if err := n.Decode(&v); err != nil {
		return dst, false
	}
	b, err := json.Marshal(v)
	if err != nil {
		return dst, false
	}
	return append(dst, b...), true
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string that decodes to what
// json.Marshal's encoding of s decodes to (invalid UTF-8 becomes U+FFFD).
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x80 && c != '"' && c != '\\' {
			i++
			continue
		}
		if c < 0x80 {
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
