package gate

import "github.com/seaworthy-k8s/seaworthy/result"

// Category is the report category of the findings about exemptions.
const Category = "Exemptions"

// Metas describe the findings Apply makes about exemptions themselves, so
// reports list them like checks.
var Metas = []result.Meta{
	{ID: CheckExpired, Title: "Exemptions have not expired", Category: Category,
		Rule:        "An exemptions-file entry past its expires date (the day itself still counts, in UTC) covers nothing and is reported with how many results it would have covered.",
		Rationale:   "An exemption is a decision with an owner and an end; once it ends, the finding gates again and whoever owns it has to decide anew.",
		Remediation: "Fix what the exemption covered, or renew the entry with a new expires date and reason."},
	{ID: CheckUnused, Title: "Exemptions match something", Category: Category,
		Rule:        "An exemptions-file entry that covered no result of this run is reported as info.",
		Rationale:   "An exemption that matches nothing is stale, or mistyped and not doing what its owner thinks.",
		Remediation: "Remove the entry, or correct its check, namespace, kind, name or labels."},
	{ID: CheckNoReason, Title: "Annotation exemptions give a reason", Category: Category,
		Rule:        "With --allow-annotation-exemptions, a seaworthy.io/exempt annotation without a seaworthy.io/exempt-reason annotation is ignored and reported.",
		Rationale:   "An exemption without a reason cannot be reviewed.",
		Remediation: "Add seaworthy.io/exempt-reason to the object, or remove seaworthy.io/exempt."},
}
