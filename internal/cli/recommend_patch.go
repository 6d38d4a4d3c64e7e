package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/dryrun"
	"github.com/seaworthy-k8s/seaworthy/recommender"
	"github.com/seaworthy-k8s/seaworthy/recommender/patch"
)

// patchFormats are recommend's -o values that print changes rather than a
// report.
var patchFormats = map[string]bool{"patch": true, "jsonpatch": true, "vpa": true}

// patchSet builds the patches of a run's resizes and replica changes, and
// logs what cannot be expressed as a patch.
//
// An add-on sized by a cluster-scaling rule is patched only where its
// usage did not already give a resize: usage is the better evidence.
func patchSet(snap *cluster.Snapshot, res *recommender.Result) patch.Set {
	recs := slices.Clone(res.Containers)
	type key struct {
		w recommender.Workload
		c string
	}
	byUsage := map[key]bool{}
	for _, c := range res.Containers {
		if c.Action == recommender.ActionResize {
			byUsage[key{c.Workload, c.Container}] = true
		}
	}
	for _, c := range res.Addons {
		if c.Action == recommender.ActionResize && !byUsage[key{c.Workload, c.Container}] {
			recs = append(recs, c)
			byUsage[key{c.Workload, c.Container}] = true
		}
	}
	var replicas []recommender.ReplicaChange
	for _, r := range res.Replicas {
		if r.Action == recommender.ActionResize {
			replicas = append(replicas, r)
		}
	}
	set := patch.Build(recs, replicas, patch.Options{Templates: patch.FromSnapshot(snap)})
	for _, n := range set.Notes {
		slog.Warn("not patched", "note", n.String())
	}
	return set
}

// jsonPatchDoc is one workload's JSON Patch in -o jsonpatch's list: the
// target kustomize's patches: entries take, and the operations.
type jsonPatchDoc struct {
	Target jsonPatchTarget `json:"target"`
	Patch  []patch.Op      `json:"patch"`
}

type jsonPatchTarget struct {
	Group     string `json:"group,omitempty"`
	Version   string `json:"version"`
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

// writePatches prints the set in a patch format, fully or not at all.
func writePatches(w io.Writer, format string, set patch.Set) error {
	var data []byte
	var err error
	switch format {
	case "patch":
		data, err = patch.StrategicMergeStream(set)
	case "vpa":
		data, err = patch.VPAs(set)
	case "jsonpatch":
		docs := []jsonPatchDoc{}
		for _, p := range set.Patches {
			ops, e := p.JSONPatchOps()
			if e != nil {
				return fmt.Errorf("json patch for %s/%s/%s: %w", p.Workload.Namespace, p.Workload.Kind, p.Workload.Name, e)
			}
			group, version := splitAPIVersion(p.Workload.APIVersion)
			docs = append(docs, jsonPatchDoc{Target: jsonPatchTarget{Group: group, Version: version, Kind: p.Workload.Kind,
				Namespace: p.Workload.Namespace, Name: p.Workload.Name}, Patch: ops})
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		err = enc.Encode(docs)
		data = buf.Bytes()
	}
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

func splitAPIVersion(av string) (group, version string) {
	for i := len(av) - 1; i >= 0; i-- {
		if av[i] == '/' {
			return av[:i], av[i+1:]
		}
	}
	return "", av
}

// validatePatches dry-runs every patch against the live cluster and checks
// it against the namespace's LimitRanges, one line per patch on w. It
// returns how many were refused.
func (o *recommendOptions) validatePatches(ctx context.Context, w io.Writer, snap *cluster.Snapshot, set patch.Set) (int, error) {
	cfg, err := o.source.restConfig()
	if err != nil {
		return 0, err
	}
	results := dryrun.Validate(ctx, cfg, set.Patches, dryrun.DefaultFieldManager)
	ranges := snap.LimitRanges
	if snap.Source != cluster.SourceLive {
		// The workloads came from files, but their pods will be admitted
		// by the cluster validated against: judge by its LimitRanges too.
		if ranges, err = withClusterLimitRanges(ctx, cfg, set, ranges); err != nil {
			return 0, err
		}
	}
	violations := patch.CheckSet(set, patch.FromSnapshot(snap), ranges)
	byWorkload := map[recommender.Workload][]string{}
	for _, v := range violations {
		byWorkload[v.Workload] = append(byWorkload[v.Workload], v.Message)
	}
	refused := 0
	for _, r := range results {
		name := r.Workload.Kind + "/" + r.Workload.Namespace + "/" + r.Workload.Name
		switch {
		case !r.Accepted:
			refused++
			fmt.Fprintf(w, "refused   %s: %s\n", name, r.Message)
		case len(byWorkload[r.Workload]) > 0:
			refused++
			for _, m := range byWorkload[r.Workload] {
				fmt.Fprintf(w, "refused   %s: accepted by the API server, but its pods would be refused: %s\n", name, m)
			}
		default:
			fmt.Fprintf(w, "accepted  %s (server-side dry run)\n", name)
		}
	}
	return refused, ctx.Err()
}

// withClusterLimitRanges adds to ranges the LimitRanges the cluster holds
// in the patched workloads' namespaces, except those ranges already names
// (the input's version of an object is the one about to be applied).
func withClusterLimitRanges(ctx context.Context, cfg *rest.Config, set patch.Set, ranges []corev1.LimitRange) ([]corev1.LimitRange, error) {
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("read limitranges: %w", err)
	}
	have := map[[2]string]bool{}
	for _, lr := range ranges {
		have[[2]string{lr.Namespace, lr.Name}] = true
	}
	out := slices.Clone(ranges)
	seen := map[string]bool{}
	for _, p := range set.Patches {
		ns := p.Workload.Namespace
		if seen[ns] {
			continue
		}
		seen[ns] = true
		list, err := client.CoreV1().LimitRanges(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, fmt.Errorf("list limitranges in %s: %w", ns, err)
		}
		for _, lr := range list.Items {
			if !have[[2]string{lr.Namespace, lr.Name}] {
				out = append(out, lr)
			}
		}
	}
	return out, nil
}
