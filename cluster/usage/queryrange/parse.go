package queryrange

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/prometheus/common/model"

	"github.com/seaworthy-k8s/seaworthy/cluster/usage"
)

// Series is one series of a matrix result. Parse reuses Labels and Samples
// for the next series once the callback returns: copy what must outlive it.
type Series struct {
	// Labels are the series' labels ("__name__" among them unless the
	// query dropped it, as rate() does).
	Labels model.LabelSet
	// Samples are the finite samples in the order the response has them
	// (ascending time, as Prometheus writes them).
	Samples []usage.Sample
	// NonFinite counts the NaN and ±Inf samples left out of Samples.
	NonFinite int
}

// Summary is what Parse saw besides the series.
type Summary struct {
	// Series and Samples count what was delivered; NonFinite counts the
	// samples left out because they were NaN or ±Inf.
	Series    int
	Samples   int64
	NonFinite int64
	// Warnings and Infos are Prometheus's annotations on the query.
	Warnings []string
	Infos    []string
	// Bytes is the size of the body read.
	Bytes int64
}

// APIError is an error response: {"status":"error","errorType":...,"error":...}.
type APIError struct {
	Type    string
	Message string
}

// Error is "TYPE: MESSAGE", Prometheus's error type and message.
func (e *APIError) Error() string {
	if e.Type == "" {
		return e.Message
	}
	return e.Type + ": " + e.Message
}

// NotMatrixError says the response holds another result type than the
// matrix that query_range answers with (an instant query's vector, a
// scalar or a string).
type NotMatrixError struct {
	// ResultType is Prometheus's name for what was found.
	ResultType string
}

// Error says what was found and what was wanted.
func (e *NotMatrixError) Error() string {
	return fmt.Sprintf("result is a %s; want a matrix, the output of query_range", e.ResultType)
}

// bufSize is the read buffer: large enough that few tokens straddle two
// reads, small enough to stay in cache.
const bufSize = 64 << 10

// Parse reads one query_range response from r and calls fn for each series
// of its matrix, in the order of the body. It returns fn's error as is,
// an *APIError for an error response, a *NotMatrixError for another result
// type, and a syntax error naming the byte offset for anything else that
// is not a query_range response (including a truncated body).
func Parse(r io.Reader, fn func(*Series) error) (Summary, error) {
	p := parser{s: scanner{r: r, buf: make([]byte, bufSize)}, fn: fn}
	p.series.Labels = model.LabelSet{}
	err := p.response()
	p.sum.Bytes = p.s.off + int64(p.s.pos)
	return p.sum, err
}

type parser struct {
	s      scanner
	fn     func(*Series) error
	series Series
	sum    Summary
	intern map[string]string
	key    []byte
}

// response parses the top-level object. Keys may come in any order; series
// are delivered as they are read, so a "status" of "error" after "data" is
// still reported as the error it is.
func (p *parser) response() error {
	if p.s.atEnd() {
		return errors.New("parse query_range response: empty body")
	}
	c, err := p.s.nonSpace()
	if err != nil {
		return err
	}
	if c != '{' {
		return fmt.Errorf("parse query_range response: not JSON (starts with %q)", p.s.preview())
	}
	p.s.pos++
	var status, errType, errMsg string
	var sawData bool
	err = p.object(func(key []byte) error {
		switch string(key) {
		case "status":
			v, err := p.stringValue()
			status = v
			return err
		case "errorType":
			v, err := p.stringValue()
			errType = v
			return err
		case "error":
			v, err := p.stringValue()
			errMsg = v
			return err
		case "warnings":
			return p.stringList(&p.sum.Warnings)
		case "infos":
			return p.stringList(&p.sum.Infos)
		case "data":
			sawData = true
			return p.data()
		}
		return p.skipValue()
	})
	if err != nil {
		return err
	}
	if !p.s.atEnd() {
		if p.s.err != nil {
			return p.s.readErr()
		}
		return p.s.syntax("the end of the body after the response object")
	}
	switch {
	case status == "error" || errMsg != "":
		return &APIError{Type: errType, Message: errMsg}
	case status != "success":
		return fmt.Errorf("parse query_range response: status %q, want \"success\"", status)
	case !sawData:
		return errors.New("parse query_range response: no data")
	}
	return nil
}

func (p *parser) data() error {
	if err := p.s.expect('{'); err != nil {
		return err
	}
	return p.object(func(key []byte) error {
		switch string(key) {
		case "resultType":
			t, err := p.stringValue()
			if err != nil {
				return err
			}
			if t != "matrix" {
				return &NotMatrixError{ResultType: t}
			}
			return nil
		case "result":
			return p.result()
		}
		return p.skipValue()
	})
}

func (p *parser) result() error {
	if err := p.s.expect('['); err != nil {
		return err
	}
	return p.array(func() error {
		c, err := p.s.nonSpace()
		if err != nil {
			return err
		}
		if c != '{' {
			// A scalar or string result is [t, "v"].
			return &NotMatrixError{ResultType: "scalar or string"}
		}
		if err := p.s.expect('{'); err != nil {
			return err
		}
		clear(p.series.Labels)
		p.series.Samples = p.series.Samples[:0]
		p.series.NonFinite = 0
		err = p.object(func(key []byte) error {
			switch string(key) {
			case "metric":
				return p.metric()
			case "values":
				return p.values()
			case "value":
				return &NotMatrixError{ResultType: "vector"}
			}
			return p.skipValue()
		})
		if err != nil {
			return err
		}
		p.sum.Series++
		p.sum.Samples += int64(len(p.series.Samples))
		p.sum.NonFinite += int64(p.series.NonFinite)
		return p.fn(&p.series)
	})
}

func (p *parser) metric() error {
	if err := p.s.expect('{'); err != nil {
		return err
	}
	return p.object(func(key []byte) error {
		name := p.internBytes(key)
		v, err := p.s.str()
		if err != nil {
			return err
		}
		p.series.Labels[model.LabelName(name)] = model.LabelValue(p.internBytes(v))
		return nil
	})
}

// internBytes returns b as a string, shared with earlier equal strings:
// namespaces, containers and label names repeat across series. The table is
// bounded so a body of unique pod names cannot grow it without end.
func (p *parser) internBytes(b []byte) string {
	if s, ok := p.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	if p.intern == nil || len(p.intern) >= 4096 {
		p.intern = make(map[string]string, 256)
	}
	p.intern[s] = s
	return s
}

func (p *parser) values() error {
	if err := p.s.expect('['); err != nil {
		return err
	}
	if c, err := p.s.nonSpace(); err != nil {
		return err
	} else if c == ']' {
		p.s.pos++
		return nil
	}
	for {
		if !p.fastSample() {
			if err := p.sample(); err != nil {
				return err
			}
		}
		// The separator, without a call when it is the next byte.
		if p.s.pos < p.s.end && p.s.buf[p.s.pos] == ',' {
			p.s.pos++
			continue
		}
		c, err := p.s.nonSpace()
		if err != nil {
			return err
		}
		p.s.pos++
		switch c {
		case ',':
		case ']':
			return nil
		default:
			p.s.pos--
			return p.s.syntax("',' or ']'")
		}
	}
}

// add appends a sample, or counts it when it is NaN or ±Inf.
func (p *parser) add(t int64, v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		p.series.NonFinite++
		return
	}
	p.series.Samples = append(p.series.Samples, usage.Sample{T: t, V: v})
}

// fastSample parses one sample [T,"V"] written as Prometheus writes it (no
// whitespace, T whole seconds with at most three decimals) when it lies
// whole in the buffer. It consumes nothing and returns false for anything
// else, which sample then parses or reports.
func (p *parser) fastSample() bool {
	b := p.s.buf[p.s.pos:p.s.end]
	if len(b) < 6 || b[0] != '[' {
		return false
	}
	i := 1
	var sec int64
	for ; i < len(b) && i <= 16 && b[i] >= '0' && b[i] <= '9'; i++ {
		sec = sec*10 + int64(b[i]-'0')
	}
	if i == 1 || i > 16 || i >= len(b) {
		return false
	}
	var ms int64
	if b[i] == '.' {
		i++
		n := 0
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			ms = ms*10 + int64(b[i]-'0')
			n++
		}
		if n == 0 || n > 3 {
			return false
		}
		for ; n < 3; n++ {
			ms *= 10
		}
	}
	if i+1 >= len(b) || b[i] != ',' || b[i+1] != '"' {
		return false
	}
	i += 2
	j := bytes.IndexByte(b[i:], '"')
	if j < 0 || i+j+1 >= len(b) || b[i+j+1] != ']' {
		return false
	}
	v, err := parseValue(b[i : i+j])
	if err != nil {
		return false
	}
	p.s.pos += i + j + 2
	p.add(sec*1000+ms, v)
	return true
}

// sample parses one sample [T,"V"] in any JSON form, across reads.
func (p *parser) sample() error {
	if err := p.s.expect('['); err != nil {
		return err
	}
	t, err := p.timestamp()
	if err != nil {
		return err
	}
	if err := p.s.expect(','); err != nil {
		return err
	}
	if _, err := p.s.nonSpace(); err != nil {
		return err
	}
	at := p.s.off + int64(p.s.pos)
	raw, err := p.s.str()
	if err != nil {
		return err
	}
	v, err := parseValue(raw)
	if err != nil {
		return fmt.Errorf("parse query_range response at byte %d: want a sample value, found %q", at, raw)
	}
	if err := p.s.expect(']'); err != nil {
		return err
	}
	p.add(t, v)
	return nil
}

// pow10 are the powers of ten a float64 holds exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseValue parses a sample value as Prometheus writes it (Go's 'f' or
// 'e' formatting, or NaN, +Inf, -Inf). Plain decimals of at most 15
// significant digits (working sets in bytes, most gauges) are converted
// directly: the digits are an integer below 2^53 and the power of ten is
// exact, so one division rounds correctly, as strconv would. Anything else
// goes to strconv.ParseFloat; the conversion to string does not allocate
// (it does not escape and values are short).
func parseValue(b []byte) (float64, error) {
	var mant uint64
	digits, frac, dot := 0, 0, false
	for i, c := range b {
		switch {
		case c >= '0' && c <= '9':
			if digits > 0 || c != '0' {
				digits++
			}
			mant = mant*10 + uint64(c-'0')
			if dot {
				frac++
			}
		case c == '.' && !dot && i > 0:
			dot = true
		default:
			return strconv.ParseFloat(string(b), 64)
		}
		if digits > 15 {
			return strconv.ParseFloat(string(b), 64)
		}
	}
	if len(b) == 0 || b[len(b)-1] == '.' || frac >= len(pow10) {
		return strconv.ParseFloat(string(b), 64)
	}
	return float64(mant) / pow10[frac], nil
}

// timestamp parses Unix seconds as Prometheus writes them (an integer, then
// at most three decimals) into exact milliseconds, with no float rounding.
// Any other number form falls back to a float parse rounded to the
// millisecond.
func (p *parser) timestamp() (int64, error) {
	if _, err := p.s.nonSpace(); err != nil {
		return 0, err
	}
	at := p.s.off + int64(p.s.pos)
	b, err := p.s.number()
	if err != nil {
		return 0, err
	}
	i, neg := 0, false
	if len(b) > 0 && b[0] == '-' {
		neg, i = true, 1
	}
	var sec int64
	start := i
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		sec = sec*10 + int64(b[i]-'0')
	}
	digits := i - start
	ms, frac := int64(0), 0
	if digits > 0 && digits <= 15 && i < len(b) && b[i] == '.' {
		i++
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9' && frac < 4; i++ {
			ms = ms*10 + int64(b[i]-'0')
			frac++
		}
	}
	if digits > 0 && digits <= 15 && i == len(b) && frac <= 3 {
		for ; frac < 3; frac++ {
			ms *= 10
		}
		t := sec*1000 + ms
		if neg {
			t = -t
		}
		return t, nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 9e15 {
		return 0, fmt.Errorf("parse query_range response at byte %d: want a timestamp, found %q", at, b)
	}
	return int64(math.Round(f * 1000)), nil
}

func (p *parser) stringValue() (string, error) {
	b, err := p.s.str()
	if err != nil {
		return "", err
	}
	return string(b), nil
}

func (p *parser) stringList(dst *[]string) error {
	c, err := p.s.nonSpace()
	if err != nil {
		return err
	}
	if c == 'n' {
		return p.s.literal("null")
	}
	if err := p.s.expect('['); err != nil {
		return err
	}
	return p.array(func() error {
		v, err := p.stringValue()
		*dst = append(*dst, v)
		return err
	})
}

// object parses the members of an object whose '{' has been read, calling
// member with each key; member must consume the value.
func (p *parser) object(member func(key []byte) error) error {
	c, err := p.s.nonSpace()
	if err != nil {
		return err
	}
	if c == '}' {
		p.s.pos++
		return nil
	}
	for {
		key, err := p.s.str()
		if err != nil {
			return err
		}
		// The next read may move the buffer under key: keep a copy.
		p.key = append(p.key[:0], key...)
		if err := p.s.expect(':'); err != nil {
			return err
		}
		if err := member(p.key); err != nil {
			return err
		}
		if done, err := p.separator('}'); done || err != nil {
			return err
		}
	}
}

// array parses the elements of an array whose '[' has been read.
func (p *parser) array(elem func() error) error {
	c, err := p.s.nonSpace()
	if err != nil {
		return err
	}
	if c == ']' {
		p.s.pos++
		return nil
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		if done, err := p.separator(']'); done || err != nil {
			return err
		}
	}
}

// separator reads what follows a member or an element: a ',' (more to
// come) or the closing byte (done).
func (p *parser) separator(closing byte) (done bool, err error) {
	c, err := p.s.nonSpace()
	if err != nil {
		return false, err
	}
	switch c {
	case ',':
		p.s.pos++
		return false, nil
	case closing:
		p.s.pos++
		return true, nil
	}
	return false, p.s.syntax("',' or '" + string(closing) + "'")
}

// skipValue consumes any JSON value (keys this parser does not use, such
// as a native histogram's "histograms" or the "stats" of a query).
func (p *parser) skipValue() error {
	return p.skipDepth(0)
}

func (p *parser) skipDepth(depth int) error {
	if depth > 64 {
		return p.s.syntax("a value nested less than 64 deep")
	}
	c, err := p.s.nonSpace()
	if err != nil {
		return err
	}
	switch {
	case c == '"':
		_, err := p.s.str()
		return err
	case c == '{':
		p.s.pos++
		return p.object(func([]byte) error { return p.skipDepth(depth + 1) })
	case c == '[':
		p.s.pos++
		return p.array(func() error { return p.skipDepth(depth + 1) })
	case c == 't':
		return p.s.literal("true")
	case c == 'f':
		return p.s.literal("false")
	case c == 'n':
		return p.s.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		_, err := p.s.number()
		return err
	}
	return p.s.syntax("a JSON value")
}

// scanner is a byte scanner over a fixed buffer refilled from r. Tokens
// that straddle two reads are copied into scratch; all others are slices of
// the buffer, valid until the next read.
type scanner struct {
	r       io.Reader
	buf     []byte
	pos     int
	end     int
	off     int64 // bytes of the body before buf[0]
	eof     bool
	err     error
	scratch []byte
}

// fill reads more of the body, keeping buf[keep:end] (moved to the front).
// It returns false when nothing more can be read.
func (s *scanner) fill(keep int) bool {
	if s.eof {
		return false
	}
	n := copy(s.buf, s.buf[keep:s.end])
	s.off += int64(keep)
	s.pos -= keep
	s.end = n
	for s.end < len(s.buf) {
		m, err := s.r.Read(s.buf[s.end:])
		s.end += m
		if err != nil {
			s.eof = true
			if !errors.Is(err, io.EOF) {
				s.err = err
			}
			break
		}
		if m > 0 {
			break
		}
	}
	return s.end > s.pos
}

// need reads until n bytes from pos are in the buffer, and reports
// whether they are.
func (s *scanner) need(n int) bool {
	for s.end-s.pos < n {
		if !s.fill(s.pos) {
			return false
		}
	}
	return true
}

// readErr is the error for running out of body mid-token.
func (s *scanner) readErr() error {
	if s.err != nil {
		return fmt.Errorf("read query_range response: %w", s.err)
	}
	return fmt.Errorf("parse query_range response: body ends at byte %d in the middle of the response (truncated?): %w", s.off+int64(s.pos), io.ErrUnexpectedEOF)
}

// nonSpace skips whitespace and returns the next byte without consuming
// it; the end of the body there is an error.
func (s *scanner) nonSpace() (byte, error) {
	for {
		for s.pos < s.end {
			c := s.buf[s.pos]
			if c != ' ' && c != '\n' && c != '\r' && c != '\t' {
				return c, nil
			}
			s.pos++
		}
		if !s.fill(s.pos) {
			return 0, s.readErr()
		}
	}
}

// atEnd skips whitespace and reports whether the body ends there.
func (s *scanner) atEnd() bool {
	for {
		for s.pos < s.end {
			c := s.buf[s.pos]
			if c != ' ' && c != '\n' && c != '\r' && c != '\t' {
				return false
			}
			s.pos++
		}
		if !s.fill(s.pos) {
			return s.err == nil
		}
	}
}

func (s *scanner) expect(c byte) error {
	got, err := s.nonSpace()
	if err != nil {
		return err
	}
	if got != c {
		return s.syntax(fmt.Sprintf("%q", c))
	}
	s.pos++
	return nil
}

func (s *scanner) literal(word string) error {
	for i := 0; i < len(word); i++ {
		if s.pos >= s.end && !s.fill(s.pos) {
			return s.readErr()
		}
		if s.buf[s.pos] != word[i] {
			return s.syntax(word)
		}
		s.pos++
	}
	return nil
}

// syntax is the error for an unexpected byte at the current position.
func (s *scanner) syntax(want string) error {
	at := s.off + int64(s.pos)
	if s.pos >= s.end {
		return fmt.Errorf("parse query_range response at byte %d: want %s, found the end of the body", at, want)
	}
	return fmt.Errorf("parse query_range response at byte %d: want %s, found %q", at, want, s.preview())
}

// preview is a short quote of the body from the current position.
func (s *scanner) preview() string {
	s.need(16)
	b := s.buf[s.pos:min(s.end, s.pos+16)]
	for len(b) > 0 && !utf8.Valid(b) {
		b = b[:len(b)-1]
	}
	return string(b)
}

// str reads a JSON string (after optional whitespace) and returns its
// unescaped bytes.
func (s *scanner) str() ([]byte, error) {
	if err := s.expect('"'); err != nil {
		return nil, err
	}
	// Fast path: the whole string, without escapes, is in the buffer.
	if i := bytes.IndexByte(s.buf[s.pos:s.end], '"'); i >= 0 {
		b := s.buf[s.pos : s.pos+i]
		if bytes.IndexByte(b, '\\') < 0 && !hasControl(b) {
			s.pos += i + 1
			return b, nil
		}
	}
	out := s.scratch[:0]
	for {
		if s.pos >= s.end && !s.fill(s.pos) {
			return nil, s.readErr()
		}
		c := s.buf[s.pos]
		switch {
		case c == '"':
			s.pos++
			s.scratch = out
			return out, nil
		case c < 0x20:
			return nil, s.syntax("a string without control characters")
		case c != '\\':
			s.pos++
			out = append(out, c)
			continue
		}
		// An escape: make sure it is whole in the buffer.
		if !s.need(2) {
			return nil, s.readErr()
		}
		e := s.buf[s.pos+1]
		s.pos += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := s.hex4()
			if !ok {
				return nil, s.syntax("four hex digits after \\u")
			}
			if utf16Surrogate(r) {
				if s.need(6) && s.buf[s.pos] == '\\' && s.buf[s.pos+1] == 'u' {
					s.pos += 2
					lo, ok := s.hex4()
					if !ok {
						return nil, s.syntax("four hex digits after \\u")
					}
					r = decodeSurrogates(r, lo)
				} else {
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			s.pos -= 2
			return nil, s.syntax("a valid escape")
		}
	}
}

func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 {
			return true
		}
	}
	return false
}

func (s *scanner) hex4() (rune, bool) {
	if !s.need(4) {
		return 0, false
	}
	var r rune
	for _, c := range s.buf[s.pos : s.pos+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	s.pos += 4
	return r, true
}

func utf16Surrogate(r rune) bool { return r >= 0xd800 && r < 0xdc00 }

func decodeSurrogates(hi, lo rune) rune {
	if lo < 0xdc00 || lo >= 0xe000 {
		return utf8.RuneError
	}
	return (hi-0xd800)<<10 | (lo - 0xdc00) + 0x10000
}

// number reads a JSON number token (after optional whitespace) without
// judging its form; the caller parses it.
func (s *scanner) number() ([]byte, error) {
	if _, err := s.nonSpace(); err != nil {
		return nil, err
	}
	start := s.pos
	for {
		for s.pos < s.end && isNumByte(s.buf[s.pos]) {
			s.pos++
		}
		if s.pos < s.end || s.eof {
			break
		}
		// The token may go on in the next read; fill moves it to the
		// front of the buffer.
		more := s.fill(start)
		start = 0
		if !more {
			break
		}
	}
	if s.pos == start {
		return nil, s.syntax("a number")
	}
	if s.pos >= s.end && s.eof && s.err == nil {
		// A number cannot end the body of a valid response.
		return nil, s.readErr()
	}
	return s.buf[start:s.pos], nil
}

func isNumByte(c byte) bool {
	return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'
}
