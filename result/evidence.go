package result

// Evidence holds the facts that decided a result, under documented keys
// (see EvidenceKeys). Policies read it, so a key's meaning never changes
// within a report schema version.
type Evidence = map[string]any
