package live

import (
	"slices"
	"testing"
)

func TestParseReadyz(t *testing.T) {
	body := []byte(`[+]ping ok
[+]log ok
[+]etcd ok
[+]etcd-override-0 ok
[-]etcd-readiness failed: reason withheld
[+]poststarthook/start-apiserver-admission-initializer ok
readyz check failed
`)
	got := parseReadyz(body)
	want := []string{"ping", "log", "etcd", "etcd-override-0", "etcd-readiness", "poststarthook/start-apiserver-admission-initializer"}
	if !slices.Equal(got, want) {
		t.Errorf("parseReadyz = %q, want %q", got, want)
	}
	if got := parseReadyz([]byte("ok")); got != nil {
		t.Errorf("non-verbose body gave %q, want none", got)
	}
}
