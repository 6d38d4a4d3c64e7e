package controlplane

import (
	"testing"

	"github.com/seaworthy-k8s/seaworthy/checks/checktest"
)

func TestFixtures(t *testing.T) { checktest.Fixtures(t, Checks(DefaultOptions()), "../testdata") }
