// Package configmap publishes a finished report to a ConfigMap in the
// cluster, the place the in-cluster CronJob keeps its results.
//
// Each run writes one ConfigMap NAME (default seaworthy-report) holding
//
//   - the JSON report, exactly as -o json renders it: in data["report.json"]
//     while it is small enough to read with kubectl, else gzip-compressed in
//     binaryData["report.json.gz"];
//   - data["summary.txt"], a few lines a person reads first: the score and
//     counts, the checks with the most failures, the gaps;
//   - annotations naming the generator, the collection time and the cluster
//     (--cluster-name), and labels marking the object as seaworthy's.
//
// A ConfigMap holds at most 1 MiB (data and binaryData together). A report
// whose compressed JSON does not fit under MaxReportBytes keeps its summary,
// categories and gaps whole and drops results, least severe first, and says
// so in a top-level "truncated" object and in the summary.
//
// The last Keep reports are kept: NAME-1 holds the one before NAME, NAME-2
// the one before that, and so on. Every write is a server-side apply under
// the field manager "seaworthy", forced, so a field someone else edited is
// taken back, and each object changes whole in one request: a reader never
// sees keys of two runs mixed. Rotation copies the oldest kept report first
// and NAME last, each write conditional on the resourceVersion read, so a
// run that fails part way leaves every object holding one complete report,
// the newest still in NAME, at worst one report in two adjacent objects;
// and a second run racing the first fails instead of overwriting it.
package configmap
