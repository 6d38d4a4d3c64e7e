// Package policies evaluates Rego v1 policies over one input document,
// the same for live clusters, manifests and snapshot files: what the
// checks and the recommender saw and said (see Document and Input).
//
// The contract is conftest's, so existing policies port: rules in package
// main or in data.seaworthy and its subpackages named deny or violation
// (their results fail) and warn (their results warn), each a partial set,
// deny contains f if { … }, where f is a message string or an object
//
//	{"msg": string, "id": string, "object": {apiVersion, kind, namespace, name}, "details": any}
//
// with msg required. Anything else is an error naming the rule's file and
// line: a v0-syntax file, a rule of another kind under one of those names,
// a result of the wrong shape, a conflict or (with StrictBuiltinErrors) a
// failing built-in at run time. METADATA annotations give a rule its ID
// (custom.id), title, description, severity (custom.severity),
// remediation (custom.remediation) and a related resource URL; results
// carry the ID and, in their evidence, the package, rule, file and line.
//
// The engine compiles every file once and prepares one query over every
// rule definition once (each definition is evaluated through a generated
// copy, so every result is known to come from one definition); ToValue
// converts the input once, and Evaluate runs the query against it.
//
// Built-in bundles are embedded: "builtin:production" is the production
// gate of seaworthy's catalog written in Rego, for teams to copy and
// change. RunTests runs a policy set's Rego unit tests with OPA's tester.
package policies
