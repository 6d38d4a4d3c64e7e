package scale

import (
	"testing"

	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
)

// fixtureLines runs check id on testdata fixture file and renders each
// result as "status Object: message".
func fixtureLines(t *testing.T, id, file string) []string {
	t.Helper()
	rs := checktest.RunFixture(t, Checks(DefaultOptions()), id, file, nil)
	lines := make([]string, len(rs))
	for i, r := range rs {
		lines[i] = string(r.Status) + " " + r.Object.String() + ": " + r.Message
	}
	return lines
}

// TestFixtureMessages pins the exact results of each SCALE check on its
// fixtures: the words a reader sees, the status and the object.
func TestFixtureMessages(t *testing.T) {
	tests := []struct {
		id, file string
		want     []string
	}{}
	for _, tt := range tests {
		t.Run(tt.id+"/"+tt.file, func(t *testing.T) {
			got := fixtureLines(t, tt.id, tt.file)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d results, want %d:\n%q", len(got), len(tt.want), got)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("result %d:\ngot  %s\nwant %s", i, got[i], tt.want[i])
				}
			}
		})
	}
}
