// Package openreports publishes a report as OpenReports objects
// (openreports.io/v1alpha1), the shape policy dashboards already read: one
// Report per namespace and one ClusterReport, each named "seaworthy" and
// labelled app.kubernetes.io/managed-by: seaworthy. When only the older
// wgpolicyk8s.io/v1alpha2 group is served, the same results go to
// PolicyReports and a ClusterPolicyReport instead.
//
// # Where a result goes
//
// A result about a namespaced object goes to that namespace's Report; a
// result about a cluster-scoped object (a Node, a Namespace, a
// ClusterRole) or about the cluster as a whole goes to the ClusterReport.
// A namespace's Report has the Namespace as its scope; the ClusterReport
// has none.
//
// # Fields
//
// Each result of the report becomes one entry of results:
//
//	policy       the check ID ("RES-001")
//	rule         the check's title
//	category     the check's category
//	result       from the status: pass → pass, info → pass, warn → warn,
//	             fail → fail, skip (could not be evaluated) → error,
//	             na (does not apply) → skip
//	severity     report.Severity, the scale the metrics use too: a fail of
//	             a security check (RBAC, SEC, CERT) → critical, another
//	             fail → high, warn → medium, info → info; none for pass,
//	             skip and na
//	timestamp    the report's collectedAt as {seconds, nanos}
//	resources    the result's object (apiVersion, kind, namespace, name);
//	             none for a result about the whole cluster
//	message      the result's message
//	properties   docURL (the check's documentation), remediation, and
//	             status (seaworthy's own status, so info and pass, or skip
//	             and na, stay apart)
//
// info maps to pass because seaworthy's score counts an info as a pass: it
// is worth knowing, not a requirement that was missed. source is
// "seaworthy": on the object for OpenReports, on each result for
// PolicyReports (whose objects have no source field). summary counts the
// object's own results by the CRD's result values.
//
// # Limits
//
// An object holds at most Options.MaxResults results, which it declares in
// configuration.limits.maxResults (OpenReports only: PolicyReports have no
// configuration), and at most Options.MaxBytes of JSON, well under the
// 1.5 MiB etcd keeps per object. A namespace with more is split into
// several objects, "seaworthy", "seaworthy-2", "seaworthy-3", …, in the
// report's order of results.
//
// # Replacing
//
// Every run writes all its objects whole with server-side apply under the
// field manager "seaworthy", then deletes the objects labelled as
// seaworthy's, of the same group, that this run did not write: a namespace
// whose results are gone loses its Report, a split that shrank loses its
// last parts. Build is pure (no client, no clock); Target does the
// discovery, the applies and the deletes.
package openreports
