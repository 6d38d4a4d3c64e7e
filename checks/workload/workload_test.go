package workload

import (
	"strings"
	"testing"

	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
)

// TestMessages runs each check on its fixtures and compares every result,
// message included, with the text a user reads.
func TestMessages(t *testing.T) {
	for _, tt := range messageCases {
		t.Run(tt.id+"/"+tt.file, func(t *testing.T) {
			got := checktest.Format(checktest.RunFixture(t, Checks(DefaultOptions()), tt.id, tt.file, nil))
			if want := strings.Trim(tt.want, "\n"); got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}
