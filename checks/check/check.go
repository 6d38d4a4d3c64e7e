package check

import (
	"reflect"
	"strings"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/recommender"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// Check is one registered check: its description, the kinds it needs, and
// the function that evaluates it.
type Check struct {
	result.Meta
	// Needs lists the kinds the check reads. If any of them is a gap in the
	// snapshot the check reports skip and Eval is not called.
	Needs []cluster.Kind
	// Eval evaluates the check. Results need not set Check; the runner does.
	Eval func(in *Input) []result.Result
	// Package is the area package that defines the check, as a path from
	// the module root ("checks/dns"); Bind sets it.
	Package string
}

// Input is what a check's Eval receives: the snapshot and the index built
// once over it for the whole run.
type Input struct {
	Snapshot *cluster.Snapshot
	Index    *index.Index
	// Usage is the recommender's result over the snapshot when usage
	// history was given (audit --prometheus or --history-file), else nil:
	// checks of requests against usage skip without it.
	Usage *recommender.Result
}

// NewInput indexes s for a run.
func NewInput(s *cluster.Snapshot) *Input { return &Input{Snapshot: s, Index: index.New(s)} }

// Def declares one check of an area whose thresholds are an O: the same as
// Check, with Eval also given the area's options.
type Def[O any] struct {
	result.Meta
	Needs []cluster.Kind
	Eval  func(in *Input, o *O) []result.Result
}

// Bind turns an area's definitions into Checks that evaluate with o. The
// area is known by the package of its Options type.
func Bind[O any](o O, defs ...Def[O]) []Check {
	pkg := strings.TrimPrefix(reflect.TypeFor[O]().PkgPath(), module+"/")
	out := make([]Check, len(defs))
	for i, d := range defs {
		eval := d.Eval
		out[i] = Check{Meta: d.Meta, Needs: d.Needs, Package: pkg,
			Eval: func(in *Input) []result.Result { return eval(in, &o) }}
	}
	return out
}

// module is seaworthy's module path.
const module = "github.com/seaworthy-k8s/seaworthy"
