// Package result is the vocabulary every seaworthy engine speaks and every
// output reads: a Status, a check's Meta, a Result about one object and the
// ObjectRef naming it, and the documented evidence keys.
//
// It is a leaf: it imports nothing of seaworthy's and no Kubernetes client,
// so checks, the recommender, policies and report can all depend on it
// without depending on each other.
package result
