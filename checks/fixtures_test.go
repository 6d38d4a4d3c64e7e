package checks

import (
	"testing"

	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
)

// TestCheckFixtures runs every registered check on its fixtures in
// testdata/<ID>/ (see checktest.Fixtures for the naming and header rules),
// and fails for a registered check without pass and fail fixtures.
func TestCheckFixtures(t *testing.T) {
	checktest.Fixtures(t, Catalog(), "testdata")
}
