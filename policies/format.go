package policies

import (
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/format"
)

// Format returns src formatted as OPA's formatter writes Rego v1.
func Format(src Source) ([]byte, error) {
	out, err := format.SourceWithOpts(src.Name, src.Text, format.Opts{RegoVersion: ast.RegoV1})
	if err != nil {
		return nil, fmt.Errorf("format %s: %s", src.Name, describe(err))
	}
	return out, nil
}
