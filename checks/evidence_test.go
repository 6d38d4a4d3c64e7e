package checks

import (
	"bufio"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// TestEvidenceKeysDocumented runs every registered check on its fixtures
// (testdata/<ID>/*.yaml) and on every scenario cluster
// (../fixtures/clusters/*/), and fails for each evidence key a result sets
// that result.EvidenceKeys does not document: policies read evidence, so
// every key is API (see docs/evidence.md).
func TestEvidenceKeysDocumented(t *testing.T) {
	cs := Catalog()
	if len(cs) == 0 {
		t.Fatal("no registered checks")
	}
	scenarios, err := filepath.Glob(filepath.Join("..", "fixtures", "clusters", "*"))
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, d := range scenarios {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			dirs = append(dirs, d)
		}
	}
	if len(dirs) == 0 {
		t.Error("no scenario clusters under ../fixtures/clusters")
	}
	snaps := make(map[string]*cluster.Snapshot, len(dirs))
	for _, d := range dirs {
		snaps[d] = checktest.LoadFixture(t, d, checktest.Now)
	}
	for _, c := range cs {
		files, err := filepath.Glob(filepath.Join("testdata", c.ID, "*.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			snap := checktest.LoadFixture(t, path, evidenceFixtureNow(t, path))
			undocumentedEvidence(t, c, path, check.Run(snap, []check.Check{c}))
		}
		for _, d := range dirs {
			undocumentedEvidence(t, c, d, check.Run(snaps[d], []check.Check{c}))
		}
	}
}

// undocumentedEvidence fails once for each evidence key of rs (c's results
// on fixture) that result.EvidenceDoc does not know.
func undocumentedEvidence(t *testing.T, c check.Check, fixture string, rs []result.Result) {
	t.Helper()
	seen := map[string]bool{}
	for _, r := range rs {
		for k := range r.Evidence {
			if _, ok := result.EvidenceDoc(k); !ok {
				seen[k] = true
			}
		}
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Errorf("check %s sets evidence key %q on fixture %s, which result.EvidenceKeys does not document: add it there and run `go test ./result -run TestEvidenceDocUpToDate -update`",
			c.ID, k, fixture)
	}
}

// evidenceFixtureNow is the snapshot time a check fixture asks for with a
// "# now: RFC3339" header (see checktest.Fixtures), else checktest.Now, so
// each fixture reaches the results, and so the evidence, it was written for.
func evidenceFixtureNow(t *testing.T, path string) time.Time {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	now := checktest.Now
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if v, ok := strings.CutPrefix(line, "# now:"); ok {
			ts, err := time.Parse(time.RFC3339, strings.TrimSpace(v))
			if err != nil {
				t.Fatalf("%s: bad now header: %v", path, err)
			}
			now = ts
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return now
}
