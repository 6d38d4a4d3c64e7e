// Package conftest holds conftest's second opinion on seaworthy's policy
// engine: the example policies (policies/examples, written in conftest's
// contract) must give the same denials and warnings through conftest,
// evaluating one manifest document at a time, as through seaworthy, which
// evaluates them once over the whole input document.
//
// It is a module of its own so that conftest, built from its pinned
// module in tool/ by build.sh into a cache outside the tree, never becomes
// a dependency of seaworthy. bench/ times the two side by side over one
// synthetic cluster.
package conftest
