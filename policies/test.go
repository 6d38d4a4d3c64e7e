package policies

import (
	"context"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
)

// RunTests runs the Rego unit tests (test_ rules, usually in *_test.rego)
// of the policies paths name, with every file of them loaded, and returns
// one result per test in the order OPA's tester reports them. An error is
// returned for files that do not parse or compile; failing tests are
// results, not errors.
func RunTests(ctx context.Context, paths []string) ([]*tester.Result, error) {
	srcs, err := ReadSources(paths)
	if err != nil {
		return nil, err
	}
	mods, err := parse(srcs)
	if err != nil {
		return nil, err
	}
	byName := make(map[string]*ast.Module, len(mods))
	for i, m := range mods {
		key := srcs[i].Name
		if _, dup := byName[key]; dup {
			key = fmt.Sprintf("%s#%d", key, i)
		}
		byName[key] = m
	}
	store := inmem.New()
	var out []*tester.Result
	err = storage.Txn(ctx, store, storage.TransactionParams{}, func(txn storage.Transaction) error {
		ch, err := tester.NewRunner().
			SetCompiler(ast.NewCompiler().WithEnablePrintStatements(true)).
			SetStore(store).
			SetModules(byName).
			CapturePrintOutput(true).
			RaiseBuiltinErrors(true).
			RunTests(ctx, txn)
		if err != nil {
			return err
		}
		for r := range ch {
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("run policy tests: %s", describe(err))
	}
	return out, nil
}
