package snapshotfile

import (
	"encoding/json"
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// The element decoder's own string, string-map and time decoders must give
// exactly what encoding/json gives, on the awkward inputs too.
func TestElementJSONMatchesEncodingJSON(t *testing.T) {
	inputs := []string{
		`{"metadata":{"name":"a","namespace":"ns","labels":{"app":"web","tier":"front"}}}`,
		`{"metadata":{"name":"a","labels":{"tier":"front","app":"web"}}}`,                // unsorted keys
		`{"metadata":{"name":"a","labels":{}}}`,                                          // empty map
		`{"metadata":{"name":"a","labels":null,"annotations":null}}`,                     // null maps
		`{"metadata":{"name":"a","labels":{"k":"v","k":"w"}}}`,                           // duplicate key: last wins
		`{"metadata":{"name":"a\"b\\c\u00e9\n","labels":{"k\u0041":"v\"x"}}}`,            // escapes
		`{"metadata":{"name":"caf` + "\xc3\xa9" + `","labels":{"é":"ü"}}}`,               // UTF-8
		`{"metadata":{"name":"bad` + "\xff" + `"}}`,                                      // invalid UTF-8
		` { "metadata" : { "name" : "sp" , "labels" : { "a" : "b" , "c":"d" } } } `,      // whitespace
		`{"metadata":{"name":null,"creationTimestamp":null}}`,                            // null string and time
		`{"metadata":{"name":"t","creationTimestamp":"2026-01-02T03:04:05Z"}}`,           // UTC time
		`{"metadata":{"name":"t","creationTimestamp":"2026-01-02T03:04:05+02:00"}}`,      // offset
		`{"metadata":{"name":"t","deletionTimestamp":"2026-01-02T03:04:05.123456789Z"}}`, // fraction
		`{"spec":{"nodeSelector":{"kubernetes.io/os":"linux"},"restartPolicy":"Always"}}`,
		`{"spec":{"containers":[{"name":"c","resources":{"requests":{"cpu":"100m","memory":"128Mi"},"limits":{"memory":" 1Gi "}}}]}}`,
		`{"spec":{"containers":[{"name":"c","resources":{"requests":{"cpu":0.5,"memory":null}}}]}}`,
		`{"spec":{"containers":[{"name":"c","resources":{"requests":{}}}],"overhead":null}}`,
		`{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True","lastTransitionTime":"2026-01-01T00:00:00Z"}]}}`,
	}
	for _, in := range inputs {
		var want, got corev1.Pod
		wantErr := json.Unmarshal([]byte(in), &want)
		iter := elementJSON.BorrowIterator([]byte(in))
		iter.Attachment = newDecodeScratch()
		iter.ReadVal(&got)
		gotErr := iter.Error
		if gotErr != nil && gotErr.Error() == "EOF" {
			gotErr = nil
		}
		elementJSON.ReturnIterator(iter)
		if (wantErr != nil) != (gotErr != nil) {
			t.Errorf("%s: error %v, encoding/json %v", in, gotErr, wantErr)
			continue
		}
		if wantErr == nil && !reflect.DeepEqual(want, got) {
			t.Errorf("%s:\n got %+v\nwant %+v", in, got.ObjectMeta, want.ObjectMeta)
		}
	}
	for _, bad := range []string{
		`{"metadata":{"name":1}}`,
		`{"metadata":{"labels":{"a":1}}}`,
		`{"metadata":{"creationTimestamp":"yesterday"}}`,
		`{"metadata":{"labels":["a"]}}`,
		`{"spec":{"containers":[{"name":"c","resources":{"requests":{"cpu":"lots"}}}]}}`,
	} {
		var got corev1.Pod
		iter := elementJSON.BorrowIterator([]byte(bad))
		iter.Attachment = newDecodeScratch()
		iter.ReadVal(&got)
		if iter.Error == nil || iter.Error.Error() == "EOF" {
			t.Errorf("%s: decoded without error", bad)
		}
		elementJSON.ReturnIterator(iter)
	}
}
