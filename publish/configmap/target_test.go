package configmap

import (
	"strings"
	"testing"
)

func TestParseArgAndValidate(t *testing.T) {
	long := strings.Repeat("a", 251)
	tests := []struct {
		name, arg string
		keep      int
		ns, cm    string
		err       string
	}{
		{name: "bare", arg: "", keep: 3, cm: "seaworthy-report"},
		{name: "both", arg: "seaworthy/report", keep: 3, ns: "seaworthy", cm: "report"},
		{name: "no slash", arg: "report", keep: 3, err: "invalid --publish configmap:report: want NS/NAME, e.g. configmap:seaworthy/seaworthy-report"},
		{name: "two slashes", arg: "a/b/c", keep: 3, err: "invalid --publish configmap:a/b/c: want NS/NAME, e.g. configmap:seaworthy/seaworthy-report"},
		{name: "empty name", arg: "a/", keep: 3, err: "invalid --publish configmap:a/: want NS/NAME, e.g. configmap:seaworthy/seaworthy-report"},
		{name: "bad namespace", arg: "Sea.worthy/report", keep: 3, err: `invalid --publish configmap namespace "Sea.worthy": want lowercase letters, digits and '-', starting and ending with a letter or digit`},
		{name: "bad name", arg: "ns/Report_1", keep: 3, err: `invalid --publish configmap name "Report_1": want lowercase letters, digits, '-' and '.', starting and ending with a letter or digit`},
		{name: "namespace too long", arg: strings.Repeat("n", 64) + "/r", keep: 3, err: "invalid --publish configmap namespace nnnnnnnnnnnnnnnnnnnn…: 64 characters, over 63"},
		// 251 + len("-2") = 253 fits; 251 + len("-3") with keep 4 too; a
		// 252-character name with keep 3 does not.
		{name: "longest name", arg: "ns/" + long, keep: 3, ns: "ns", cm: long},
		{name: "name too long for keep", arg: "ns/" + long + "b", keep: 3, err: `invalid --publish configmap name "` + long + `b": with --keep 3 the oldest report's name aaaaaaaaaaaaaaaaaaaa… is 254 characters, over 253`},
		{name: "keep 1 needs no suffix", arg: "ns/" + long + "bc", keep: 1, ns: "ns", cm: long + "bc"},
		{name: "keep 0", arg: "", keep: 0, err: "invalid --keep 0: want 1 to 10 reports"},
		{name: "keep 11", arg: "", keep: 11, err: "invalid --keep 11: want 1 to 10 reports"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ns, name, err := ParseArg(tt.arg)
			if err == nil {
				err = Validate(ns, name, tt.keep)
			}
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("err = %v\nwant %s", err, tt.err)
				}
				return
			}
			if err != nil || ns != tt.ns || name != tt.cm {
				t.Fatalf("got %q %q %v, want %q %q", ns, name, err, tt.ns, tt.cm)
			}
		})
	}
}
