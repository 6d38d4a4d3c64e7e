package patch

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Op is one RFC 6902 operation.
type Op struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value,omitempty"`
}

// JSONPatchOps are the patch's RFC 6902 operations. Each container's
// changes follow a "test" that the container at that index still has the
// recommended container's name, so a template reordered since the snapshot
// makes the whole patch fail instead of resizing the wrong container.
// Amounts use "replace" where the template has them and "add" where it
// does not (creating the requests or limits map, or resources itself, when
// absent). Replicas use "add", which RFC 6902 (4.1) defines to replace an
// existing member, because the workload's spec.replicas may be unset.
//
// It fails for container changes whose template was not known.
func (p Patch) JSONPatchOps() ([]Op, error) {
	var ops []Op
	if len(p.Containers) > 0 && !p.TemplateKnown {
		return nil, fmt.Errorf("address containers of %s %s/%s by index: its current pod template is not known (use the strategic-merge patch, which matches by name)", p.Workload.Kind, p.Workload.Namespace, p.Workload.Name)
	}
	base := "/" + strings.Join(containersPath(p.Workload.Kind), "/")
	for _, c := range p.Containers {
		at := base + "/" + strconv.Itoa(c.Index)
		ops = append(ops, Op{Op: "test", Path: at + "/name", Value: c.Name})
		req, lim := amountStrings(c.Requests), amountStrings(c.Limits)
		if len(c.Current.Requests) == 0 && len(c.Current.Limits) == 0 && len(c.Current.Claims) == 0 {
			res := map[string]any{}
			if len(req) > 0 {
				res["requests"] = req
			}
			if len(lim) > 0 {
				res["limits"] = lim
			}
			ops = append(ops, Op{Op: "add", Path: at + "/resources", Value: res})
			continue
		}
		ops = append(ops, listOps(at+"/resources/requests", c.Current.Requests, req)...)
		ops = append(ops, listOps(at+"/resources/limits", c.Current.Limits, lim)...)
	}
	if p.Replicas != nil {
		ops = append(ops, Op{Op: "add", Path: "/spec/replicas", Value: *p.Replicas})
	}
	for _, k := range sortedKeys(p.Data) {
		ops = append(ops, Op{Op: "add", Path: "/data/" + escapePointer(k), Value: p.Data[k]})
	}
	return ops, nil
}

// listOps set the amounts want on the list at path that holds current.
func listOps(path string, current corev1.ResourceList, want map[string]string) []Op {
	if len(want) == 0 {
		return nil
	}
	if len(current) == 0 {
		return []Op{{Op: "add", Path: path, Value: want}}
	}
	var ops []Op
	for _, name := range sortedKeys(want) {
		op := "add"
		if _, ok := current[corev1.ResourceName(name)]; ok {
			op = "replace"
		}
		ops = append(ops, Op{Op: op, Path: path + "/" + name, Value: want[name]})
	}
	return ops
}

// JSONPatch is the patch as an RFC 6902 document, for
//
//	kubectl patch deployment web -n team-a --type json --patch-file web.json
func (p Patch) JSONPatch() ([]byte, error) {
	ops, err := p.JSONPatchOps()
	if err != nil {
		return nil, err
	}
	out, err := json.MarshalIndent(ops, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode JSON patch for %s %s/%s: %w", p.Workload.Kind, p.Workload.Namespace, p.Workload.Name, err)
	}
	return append(out, '\n'), nil
}

// escapePointer escapes a JSON Pointer reference token (RFC 6901).
func escapePointer(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
