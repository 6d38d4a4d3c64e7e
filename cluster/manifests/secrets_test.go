package manifests

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// A Secret document is reduced to its namespace and name on every reading
// path (the serial reader, and the parallel one a document per batch, as
// a List item and plain): none of its data, type or labels is kept, a
// namespace-less one takes -n, and repeats collapse.
func TestSecretDocumentsKeepOnlyTheirNames(t *testing.T) {
	const payload = "c2VjcmV0LWtleS1tYXRlcmlhbA==" // the data must not survive
	doc := `apiVersion: v1
kind: Secret
metadata:
  name: web-tls
  labels: {leak-label: x}
type: kubernetes.io/tls
data:
  tls.key: ` + payload + `
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Secret
  metadata: {name: api-tls, namespace: api}
  stringData: {password: hunter2-plain}
- apiVersion: v1
  kind: Secret
  metadata: {name: web-tls, namespace: shop}
---
apiVersion: v1
kind: Secret
metadata:
  generateName: no-name-
`
	path := filepath.Join(t.TempDir(), "secrets.yaml")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	want := []cluster.SecretName{{Namespace: "api", Name: "api-tls"}, {Namespace: "shop", Name: "web-tls"}}
	opts := Options{Now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), DefaultNamespace: "shop"}
	check := func(t *testing.T, s *cluster.Snapshot, warnings []string) {
		t.Helper()
		if s.SecretNames == nil || !equalNames(s.SecretNames.Items, want) {
			t.Fatalf("secret names %+v, want %+v", s.SecretNames, want)
		}
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		for _, leak := range []string{payload, "hunter2-plain", "leak-label", "kubernetes.io/tls"} {
			if bytes.Contains(b, []byte(leak)) {
				t.Errorf("the snapshot holds %q", leak)
			}
		}
		if len(warnings) != 0 {
			t.Errorf("warnings %q", warnings)
		}
	}
	t.Run("serial", func(t *testing.T) {
		s, w, err := loadSerial(t, []string{path}, opts)
		if err != nil {
			t.Fatal(err)
		}
		check(t, s, w)
	})
	t.Run("parallel, one batch", func(t *testing.T) {
		s, w, err := loadParallel([]string{path}, opts)
		if err != nil {
			t.Fatal(err)
		}
		check(t, s, w)
	})
	t.Run("parallel", func(t *testing.T) {
		withBatchBytes(t, 1, func() {
			s, w, err := loadParallel([]string{path}, opts)
			if err != nil {
				t.Fatal(err)
			}
			check(t, s, w)
		})
	})
}

func equalNames(a, b []cluster.SecretName) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
