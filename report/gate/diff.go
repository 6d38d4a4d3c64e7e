package gate

import "github.com/seaworthy-k8s/seaworthy/result"

// Diff is what changed between two reports' results.
type Diff struct {
	// Appeared are the new report's results with no counterpart in the
	// old one, in the new report's order.
	Appeared []result.Result
	// Disappeared are the old report's results with no counterpart in
	// the new one, in the old report's order.
	Disappeared []result.Result
	// Changed are the pairs whose status or message differ, in the new
	// report's order.
	Changed []Change
	// Unchanged counts the pairs that say the same thing.
	Unchanged int
}

// Change is one result in both reports that says something else now.
type Change struct {
	Old, New result.Result
}

// Empty reports whether nothing appeared, disappeared or changed.
func (d Diff) Empty() bool {
	return len(d.Appeared) == 0 && len(d.Disappeared) == 0 && len(d.Changed) == 0
}

// DiffResults compares the results of an old and a new report, pairing
// them as Classify does.
func DiffResults(old, cur []result.Result) Diff {
	p := pair(old, cur)
	var d Diff
	for i, r := range cur {
		switch j := p.oldOf[i]; {
		case j < 0:
			d.Appeared = append(d.Appeared, r)
		case same(old[j], r):
			d.Unchanged++
		default:
			d.Changed = append(d.Changed, Change{Old: old[j], New: r})
		}
	}
	for j, r := range old {
		if !p.paired[j] {
			d.Disappeared = append(d.Disappeared, r)
		}
	}
	return d
}
