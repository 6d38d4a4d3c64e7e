// Package res holds the resource checks (RES-001..RES-003): containers'
// requests and memory limits, and add-ons sized for the cluster.
//
// RES-001 and RES-002 judge every pod template once, where it is written
// (workloads, CronJobs, Jobs no CronJob owns, pods no controller owns), in
// user and system namespaces alike. They judge the containers that run for
// the pod's life: spec.containers and sidecar init containers
// (restartPolicy: Always). Plain init containers are left out: they finish
// before the others start, and the pod's effective request is the larger
// of theirs and the sum of the rest, so the app containers' requests
// reserve for them. A setting a Container LimitRange in the namespace
// defaults at admission counts as set, with the API server's own
// LimitRange defaulting applied first (default from max; defaultRequest
// from default, else min), since manifests carry LimitRanges undefaulted.
// On manifests without Node objects (a part of a cluster) a warning says
// when the input holds no LimitRange for the namespace, since the cluster
// may have one.
//
// RES-003 uses the recommender's add-on rules (recommender/addons): a
// nanny's own flags, the add-on sizing file (Options.Addons) and the
// built-in table of upstream addon-resizer rules. It needs the cluster's
// node count, so on manifests without Node objects it skips, never sizing
// for 0 nodes. It warns only for what is below the rule (a request unset
// or under the band, a limit set under it): an unset limit is RES-002's,
// and an add-on sized above the rule is said in the message.
//
// Options carries, next to the config-file options, inputs that come from
// outside the snapshot (the sizing file now, usage history later) as
// fields the config file does not set.
package res
