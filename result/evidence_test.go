package result

import (
	"flag"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/seaworthy-k8s/seaworthy/internal/gendoc"
)

var update = flag.Bool("update", false, "rewrite docs/evidence.md from EvidenceKeys")

func TestEvidenceDocUpToDate(t *testing.T) {
	gendoc.Check(t, filepath.Join("..", "docs", "evidence.md"), *update, WriteEvidenceDoc)
}

var (
	evidenceTypes = map[string]bool{"string": true, "int": true, "number": true, "bool": true, "list": true, "object": true}
	evidenceAreas = []string{"QUOTA", "DNS", "CP", "ETCD", "SEC", "CERT", "RBAC", "ADDON", "NODE", "WL", "NET", "RES", "ADM", "OBS", "SCALE", "EXEMPT", "POLICY"}
	keyPattern    = regexp.MustCompile(`^[a-z][A-Za-z0-9]*$`)
)

func TestEvidenceKeys(t *testing.T) {
	for i, k := range EvidenceKeys {
		if !keyPattern.MatchString(k.Key) {
			t.Errorf("evidence key %q is not lowerCamelCase", k.Key)
		}
		if i > 0 {
			switch prev := EvidenceKeys[i-1].Key; {
			case prev == k.Key:
				t.Errorf("evidence key %q is listed twice", k.Key)
			case prev > k.Key:
				t.Errorf("EvidenceKeys is not sorted: %q comes after %q", k.Key, prev)
			}
		}
		if strings.TrimSpace(k.Doc) == "" {
			t.Errorf("evidence key %q has no Doc", k.Key)
		}
		if !evidenceTypes[k.Type] {
			t.Errorf("evidence key %q: Type %q is not string, int, number, bool, list or object", k.Key, k.Type)
		}
		if k.Areas == "" {
			t.Errorf("evidence key %q has no Areas", k.Key)
		}
		last := -1
		for _, a := range strings.Split(k.Areas, ", ") {
			pos := -1
			for j, known := range evidenceAreas {
				if a == known {
					pos = j
				}
			}
			if pos < 0 {
				t.Errorf("evidence key %q: area %q is not a check ID prefix (areas are separated by \", \")", k.Key, a)
			} else if pos <= last {
				t.Errorf("evidence key %q: areas %q are not in catalog order or repeat one", k.Key, k.Areas)
			}
			last = max(last, pos)
		}
	}
}

func TestEvidenceDoc(t *testing.T) {
	for _, k := range EvidenceKeys {
		got, ok := EvidenceDoc(k.Key)
		if !ok || got != k {
			t.Errorf("EvidenceDoc(%q) = %+v, %v; want %+v, true", k.Key, got, ok, k)
		}
	}
	for _, key := range []string{"", "Age", "nope", "zzz"} {
		if _, ok := EvidenceDoc(key); ok {
			t.Errorf("EvidenceDoc(%q) found an undocumented key", key)
		}
	}
}
