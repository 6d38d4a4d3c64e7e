// Package dryrun validates patches against a live cluster without changing
// it: each workload's strategic-merge patch is sent as a server-side
// dry-run PATCH, so the API server runs defaulting, validation and
// admission (webhooks included) and stores nothing.
//
// The caller needs patch permission on the workloads; a dry run is
// authorized like the real request. A Forbidden answer is reported with
// who was refused and how to fix it. LimitRanges are not judged here: the
// LimitRanger admission plugin acts on pods, not on the workloads that
// create them, so a Deployment patch passes a dry run whatever its amounts;
// recommender/patch.CheckLimitRanges judges the patched template offline.
package dryrun
