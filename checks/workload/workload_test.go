package workload

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
)

// TestMessages runs each check on its fixtures and compares every result,
// message included, with the text a user reads.
func TestMessages(t *testing.T) {
	for _, tt := range messageCases {
		t.Run(tt.id+"/"+tt.file, func(t *testing.T) {
			c := checktest.ByID(t, Checks(DefaultOptions()), tt.id)
			path := filepath.Join("..", "testdata", tt.id, tt.file)
			snap := checktest.LoadFixture(t, path, checktest.FixtureNow(t, path))
			got := checktest.Format(check.Run(snap, []check.Check{c}))
			if want := strings.Trim(tt.want, "\n"); got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}
