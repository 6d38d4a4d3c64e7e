package queryrange

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/prometheus/common/model"

	"github.com/seaworthy-k8s/seaworthy/cluster/usage"
)

type gotSeries struct {
	labels  model.LabelSet
	samples []usage.Sample
	skipped int
}

func collect(r io.Reader) ([]gotSeries, Summary, error) {
	var out []gotSeries
	sum, err := Parse(r, func(s *Series) error {
		out = append(out, gotSeries{labels: s.Labels.Clone(), samples: append([]usage.Sample(nil), s.Samples...), skipped: s.NonFinite})
		return nil
	})
	return out, sum, err
}

const twoSeries = `{"status":"success","data":{"resultType":"matrix","result":[
 {"metric":{"container":"app","namespace":"shop","pod":"web-1"},"values":[[1700000000,"0.25"],[1700000060.5,"NaN"],[1700000120.125,"1e-3"],[1700000180.1,"+Inf"],[1700000240,"-Inf"]]},
 {"metric":{"__name__":"container_memory_working_set_bytes","pod":"a\"b\u00e9"},"values":[[-1.5,"123456789"]],"histograms":[[1,{"count":"1","buckets":[[0,"1","2","3"]]}]]}
]},"warnings":["w1"],"infos":["i1","i2"]}`

func TestParseTwoSeries(t *testing.T) {
	// Small reads put every token across buffer boundaries too.
	for name, r := range map[string]func() io.Reader{
		"whole":     func() io.Reader { return strings.NewReader(twoSeries) },
		"byte-wise": func() io.Reader { return iotest.OneByteReader(strings.NewReader(twoSeries)) },
	} {
		t.Run(name, func(t *testing.T) {
			got, sum, err := collect(r())
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 {
				t.Fatalf("series = %d, want 2", len(got))
			}
			// 1700000060.5 s = 1700000060500 ms; 1700000120.125 s = 1700000120125 ms.
			want0 := []usage.Sample{{T: 1700000000000, V: 0.25}, {T: 1700000120125, V: 0.001}}
			if fmt.Sprint(got[0].samples) != fmt.Sprint(want0) || got[0].skipped != 3 {
				t.Errorf("series 0 = %v (skipped %d), want %v (skipped 3: NaN, +Inf, -Inf)", got[0].samples, got[0].skipped, want0)
			}
			if got[0].labels["pod"] != "web-1" || got[0].labels["namespace"] != "shop" || len(got[0].labels) != 3 {
				t.Errorf("labels 0 = %v", got[0].labels)
			}
			// -1.5 s = -1500 ms.
			if fmt.Sprint(got[1].samples) != "[{-1500 1.23456789e+08}]" {
				t.Errorf("series 1 = %v", got[1].samples)
			}
			if got[1].labels["pod"] != "a\"bé" {
				t.Errorf("escaped label = %q, want %q", got[1].labels["pod"], "a\"bé")
			}
			if sum.Series != 2 || sum.Samples != 3 || sum.NonFinite != 3 || fmt.Sprint(sum.Warnings, sum.Infos) != "[w1] [i1 i2]" || sum.Bytes != int64(len(twoSeries)) {
				t.Errorf("summary = %+v", sum)
			}
		})
	}
}

func TestParseTimestampsExact(t *testing.T) {
	// Prometheus writes seconds with the milliseconds trimmed of zeros;
	// each must come back as the exact millisecond.
	for _, ms := range []int64{0, 1, 10, 100, 999, 1000, 1700000000001, 1700000000010, 1700000000999, 4102444800123} {
		s := strconv.FormatInt(ms/1000, 10)
		if frac := ms % 1000; frac != 0 {
			s += strings.TrimRight(fmt.Sprintf(".%03d", frac), "0")
		}
		body := `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[` + s + `,"1"]]}]}}`
		got, _, err := collect(strings.NewReader(body))
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if got[0].samples[0].T != ms {
			t.Errorf("%s s = %d ms, want %d", s, got[0].samples[0].T, ms)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, body, want string
	}{
		{"empty", "", "parse query_range response: empty body"},
		{"html", "<html><body>502 Bad Gateway", `parse query_range response: not JSON (starts with "<html><body>502 ")`},
		{"vector", `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"1"]}]}}`, "result is a vector; want a matrix, the output of query_range"},
		{"vector without resultType first", `{"status":"success","data":{"result":[{"metric":{},"value":[1,"1"]}]}}`, "result is a vector; want a matrix, the output of query_range"},
		{"scalar", `{"status":"success","data":{"result":[1,"1"]}}`, "result is a scalar or string; want a matrix, the output of query_range"},
		{"status error", `{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:27: parse error: unexpected \"}\""}`, `bad_data: invalid parameter "query": 1:27: parse error: unexpected "}"`},
		{"truncated", `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],[2,`, "parse query_range response: body ends at byte 94 in the middle of the response (truncated?): unexpected EOF"},
		{"truncated in number", `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[17`, "parse query_range response: body ends at byte 86 in the middle of the response (truncated?): unexpected EOF"},
		{"bad value", `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"x1"]]}]}}`, `parse query_range response at byte 86: want a sample value, found "x1"`},
		{"bad timestamp", `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1.2.3,"1"]]}]}}`, `parse query_range response at byte 84: want a timestamp, found "1.2.3"`},
		{"trailing garbage", `{"status":"success","data":{"resultType":"matrix","result":[]}} x`, `parse query_range response at byte 64: want the end of the body after the response object, found "x"`},
		{"no status", `{"data":{"resultType":"matrix","result":[]}}`, `parse query_range response: status "", want "success"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := collect(strings.NewReader(tc.body))
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error = %v\nwant    %s", err, tc.want)
			}
		})
	}
}

func TestParseErrorTypes(t *testing.T) {
	_, _, err := collect(strings.NewReader(`{"status":"error","errorType":"execution","error":"query timed out"}`))
	var api *APIError
	if !errors.As(err, &api) || api.Type != "execution" || api.Message != "query timed out" {
		t.Errorf("error = %#v, want *APIError{execution, query timed out}", err)
	}
	_, _, err = collect(strings.NewReader(`{"status":"success","data":{"resultType":"string","result":[1,"a"]}}`))
	var nm *NotMatrixError
	if !errors.As(err, &nm) || nm.ResultType != "string" {
		t.Errorf("error = %#v, want *NotMatrixError{string}", err)
	}
	readErr := errors.New("connection reset")
	_, _, err = collect(io.MultiReader(strings.NewReader(`{"status":"success","data":{"resultType":"matrix","result":[`), iotest.ErrReader(readErr)))
	if !errors.Is(err, readErr) || err.Error() != "read query_range response: connection reset" {
		t.Errorf("error = %v, want the read error wrapped", err)
	}
	stop := errors.New("stop")
	_, err = Parse(strings.NewReader(twoSeries), func(*Series) error { return stop })
	if err != stop {
		t.Errorf("callback error = %v, want it returned as is", err)
	}
}

// body writes a query_range response of nSeries series of nSamples each,
// as Prometheus formats it.
func body(nSeries, nSamples int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"status":"success","data":{"resultType":"matrix","result":[`)
	for i := 0; i < nSeries; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"metric":{"container":"app","namespace":"ns-%d","pod":"web-%d-7f9c8d6b5-x2k4q"},"values":[`, i%20, i)
		for j := 0; j < nSamples; j++ {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `[%d,"%s"]`, 1700000000+60*j, strconv.FormatFloat(0.001*float64((i*7919+j*104729)%100000)/3, 'f', -1, 64))
		}
		b.WriteString(`]}`)
	}
	b.WriteString(`]}}`)
	return b.Bytes()
}

func TestParseMatchesGenerated(t *testing.T) {
	got, sum, err := collect(bytes.NewReader(body(3, 1500)))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Series != 3 || sum.Samples != 4500 {
		t.Fatalf("summary = %+v, want 3 series, 4500 samples", sum)
	}
	for i, s := range got {
		for j, x := range s.samples {
			wantV, _ := strconv.ParseFloat(strconv.FormatFloat(0.001*float64((i*7919+j*104729)%100000)/3, 'f', -1, 64), 64)
			if x.T != int64(1700000000+60*j)*1000 || x.V != wantV {
				t.Fatalf("series %d sample %d = %v, want {%d %v}", i, j, x, int64(1700000000+60*j)*1000, wantV)
			}
		}
	}
}

func TestParseDoesNotAllocatePerSample(t *testing.T) {
	b := body(50, 2000)
	allocs := testing.AllocsPerRun(5, func() {
		if _, err := Parse(bytes.NewReader(b), func(*Series) error { return nil }); err != nil {
			t.Fatal(err)
		}
	})
	// 100,000 samples: a budget of 2 allocations per series (labels) and a
	// few dozen fixed ones is far below one per sample.
	if allocs > 400 {
		t.Errorf("allocations per parse = %.0f for 100,000 samples, want ≤ 400", allocs)
	}
}

func BenchmarkParse(b *testing.B) {
	data := body(200, 11520/8)
	var samples int64
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		sum, err := Parse(bytes.NewReader(data), func(*Series) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		samples += sum.Samples
	}
	b.ReportMetric(float64(samples)/b.Elapsed().Seconds(), "samples/s")
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(twoSeries))
	f.Add(body(2, 3))
	f.Add([]byte(`{"status":"error","errorType":"bad_data","error":"x"}`))
	f.Add([]byte(`{"status":"success","data":{"resultType":"vector","result":[]}}`))
	f.Add([]byte(`{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":"\ud83d\ude00"},"values":[[1e3,"1"]]}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		sum, err := Parse(bytes.NewReader(data), func(s *Series) error {
			n++
			for _, x := range s.Samples {
				if math.IsNaN(x.V) || math.IsInf(x.V, 0) {
					t.Fatalf("non-finite sample delivered: %v", x)
				}
			}
			return nil
		})
		if sum.Bytes > int64(len(data)) {
			t.Fatalf("read %d bytes of %d", sum.Bytes, len(data))
		}
		if err == nil && n != sum.Series {
			t.Fatalf("callbacks %d, summary %d", n, sum.Series)
		}
		// Reading one byte at a time must give the same outcome.
		n2 := 0
		_, err2 := Parse(iotest.OneByteReader(bytes.NewReader(data)), func(*Series) error { n2++; return nil })
		if (err == nil) != (err2 == nil) || n != n2 || (err != nil && err.Error() != err2.Error()) {
			t.Fatalf("whole read: %d series, %v; byte-wise: %d series, %v", n, err, n2, err2)
		}
	})
}

// parseValue's direct path must agree with strconv bit for bit.
func TestParseValueMatchesStrconv(t *testing.T) {
	vals := []string{"0", "0.0", "1", "-1", "0.25", "123456789012345", "1234567890123456", "0.010416666666666668", "0.1", "0.3", "9007199254740993", "1e3", "0.0000000000000000000001", "00012.5000", "NaN", "+Inf", "-Inf", "3.", ".5"}
	for i := 0; i < 20000; i++ {
		vals = append(vals, strconv.FormatFloat(float64(i*7919%100003)/float64(1+i%977), 'f', -1, 64), strconv.Itoa(i*104729))
	}
	for _, v := range vals {
		got, err := parseValue([]byte(v))
		want, werr := strconv.ParseFloat(v, 64)
		if (err == nil) != (werr == nil) || math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("parseValue(%q) = %v, %v; strconv %v, %v", v, got, err, want, werr)
		}
	}
}

func FuzzParseValue(f *testing.F) {
	for _, v := range []string{"0.25", "123456789012345", "0.010416666666666668", "1e-3", "NaN"} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		got, err := parseValue([]byte(v))
		want, werr := strconv.ParseFloat(v, 64)
		if (err == nil) != (werr == nil) || err == nil && math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Fatalf("parseValue(%q) = %v, %v; strconv %v, %v", v, got, err, want, werr)
		}
	})
}
