package checktest

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/manifests"
	"github.com/seaworthy-k8s/seaworthy/cluster/usage/queryrange"
	"github.com/seaworthy-k8s/seaworthy/recommender"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// Fixture files live in testdata/<CHECK-ID>/ and are small clusters written
// as manifests:
//
//   - pass*.yaml: the check must return at least one result, and only
//     pass, info or na.
//   - fail*.yaml: the check must return at least one warn or fail.
//   - skip*.yaml: the check must return only skip results.
//   - info*.yaml: the check must return at least one info and no warn or
//     fail; it stands in for fail*.yaml for checks whose findings are only
//     ever info (advice, not a problem).
//
// Any file may pin exact results with header comments, each of which must
// match one result of the check:
//
//	# want: warn Namespace//team-a
//	# want: fail ResourceQuota/team-a/compute
//
// set the snapshot time with "# now: RFC3339" (default Now), and load the
// file as `-n NS` does with "# namespace: NS" (objects that name no
// namespace are then in NS instead of default). "# history: FILE" (a saved
// query_range response, as audit --history-file reads it, relative to the
// fixture's directory; repeatable) gives the checks usage history: the
// recommender's result over it, with its default options.

type fixtureHeader struct {
	wants     []string // "status Object.String()"
	now       time.Time
	namespace string
	history   []string // paths
}

func readHeader(t *testing.T, path string) fixtureHeader {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := fixtureHeader{now: Now}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "# want:"):
			h.wants = append(h.wants, strings.Join(strings.Fields(strings.TrimPrefix(line, "# want:")), " "))
		case strings.HasPrefix(line, "# now:"):
			ts, err := time.Parse(time.RFC3339, strings.TrimSpace(strings.TrimPrefix(line, "# now:")))
			if err != nil {
				t.Fatalf("%s: bad now header: %v", path, err)
			}
			h.now = ts
		case strings.HasPrefix(line, "# namespace:"):
			h.namespace = strings.TrimSpace(strings.TrimPrefix(line, "# namespace:"))
		case strings.HasPrefix(line, "# history:"):
			h.history = append(h.history, filepath.Join(filepath.Dir(path), strings.TrimSpace(strings.TrimPrefix(line, "# history:"))))
		}
	}
	return h
}

// FixtureNow is the snapshot time a fixture's "# now:" header sets, else
// Now.
func FixtureNow(t *testing.T, path string) time.Time {
	t.Helper()
	return readHeader(t, path).now
}

// LoadFixture loads a fixture file (or directory) as manifests taken at
// now; a file's "# namespace:" header is its -n.
func LoadFixture(t *testing.T, path string, now time.Time) *cluster.Snapshot {
	t.Helper()
	ns := ""
	if info, err := os.Stat(path); err == nil && info.Mode().IsRegular() {
		ns = readHeader(t, path).namespace
	}
	snap, err := manifests.Load([]string{path}, manifests.Options{Now: now, DefaultNamespace: ns,
		Warn: func(msg string) { t.Errorf("fixture warning: %s", msg) }})
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return snap
}

// RunFixture runs the check of cs with id on the fixture file of
// testdata/<id>/ (seen from a check package), taken at its header's time;
// edit, when not nil, changes the snapshot first (to make it look live,
// say).
func RunFixture(t *testing.T, cs []check.Check, id, file string, edit func(*cluster.Snapshot)) []result.Result {
	t.Helper()
	path := filepath.Join("..", "testdata", id, file)
	snap := LoadFixture(t, path, FixtureNow(t, path))
	if edit != nil {
		edit(snap)
	}
	return check.Run(snap, []check.Check{ByID(t, cs, id)})
}

// Fixtures runs every check of cs on its fixtures in dir/<ID>/*.yaml (see
// above), and fails for a check without a pass and a fail (or info)
// fixture.
func Fixtures(t *testing.T, cs []check.Check, dir string) {
	t.Helper()
	for _, c := range cs {
		t.Run(c.ID, func(t *testing.T) {
			files, _ := filepath.Glob(filepath.Join(dir, c.ID, "*.yaml"))
			var havePass, haveFail bool
			for _, path := range files {
				base := filepath.Base(path)
				kind := ""
				for _, k := range []string{"pass", "fail", "skip", "info"} {
					if strings.HasPrefix(base, k) {
						kind = k
					}
				}
				if kind == "" {
					t.Errorf("%s: fixture name must start with pass, fail, info or skip", path)
					continue
				}
				havePass = havePass || kind == "pass"
				haveFail = haveFail || kind == "fail" || kind == "info"
				t.Run(base, func(t *testing.T) {
					h := readHeader(t, path)
					rs := check.RunInput(fixtureInput(t, path, h), []check.Check{c})
					if len(rs) == 0 {
						t.Fatalf("no results")
					}
					checkFixtureKind(t, kind, rs)
					for _, w := range h.wants {
						if !hasResult(rs, w) {
							t.Errorf("want result %q, got:\n%s", w, Format(rs))
						}
					}
				})
			}
			if !havePass || !haveFail {
				t.Errorf("check %s needs at least one pass*.yaml and one fail*.yaml (or info*.yaml) in %s/%s", c.ID, dir, c.ID)
			}
		})
	}
}

func checkFixtureKind(t *testing.T, kind string, rs []result.Result) {
	t.Helper()
	switch kind {
	case "pass":
		for _, r := range rs {
			if r.Status != result.StatusPass && r.Status != result.StatusInfo && r.Status != result.StatusNA {
				t.Errorf("pass fixture got %s", FormatResult(r))
			}
		}
	case "fail":
		for _, r := range rs {
			if r.Status == result.StatusWarn || r.Status == result.StatusFail {
				return
			}
		}
		t.Errorf("fail fixture got no warn or fail:\n%s", Format(rs))
	case "info":
		info := false
		for _, r := range rs {
			info = info || r.Status == result.StatusInfo
			if r.Status == result.StatusWarn || r.Status == result.StatusFail {
				t.Errorf("info fixture got %s", FormatResult(r))
			}
		}
		if !info {
			t.Errorf("info fixture got no info:\n%s", Format(rs))
		}
	case "skip":
		for _, r := range rs {
			if r.Status != result.StatusSkip {
				t.Errorf("skip fixture got %s", FormatResult(r))
			}
		}
	}
}

func hasResult(rs []result.Result, want string) bool {
	for _, r := range rs {
		if string(r.Status)+" "+r.Object.String() == want {
			return true
		}
	}
	return false
}

// fixtureInput loads a fixture and, with "# history:" headers, the
// recommender's result over that history.
func fixtureInput(t *testing.T, path string, h fixtureHeader) *check.Input {
	t.Helper()
	in := check.NewInput(LoadFixture(t, path, h.now))
	if len(h.history) > 0 {
		eng := recommender.New(in.Index, recommender.DefaultOptions())
		if _, err := queryrange.ReadFiles(h.history, queryrange.FileOptions{}, eng); err != nil {
			t.Fatalf("%s: history: %v", path, err)
		}
		in.Usage = eng.Recommend()
	}
	return in
}

// FixtureLines runs check id on the testdata fixture file and renders each
// result as "status Object: message", for tests that pin exact messages.
func FixtureLines(t *testing.T, cs []check.Check, id, file string) []string {
	t.Helper()
	rs := RunFixture(t, cs, id, file, nil)
	lines := make([]string, len(rs))
	for i, r := range rs {
		lines[i] = string(r.Status) + " " + r.Object.String() + ": " + r.Message
	}
	return lines
}
