package manifests

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster"
)

// What the API server would refuse, or what is not a manifest yet, is
// found here, after decoding:
//
//   - objects in an apiVersion Kubernetes has removed (KindInfo.Removed)
//     are decoded as the preferred version, as before, with one warning
//     per apiVersion and kind;
//   - an apps/v1 Deployment, StatefulSet or DaemonSet without
//     spec.selector (required since apps/v1beta2; the older versions
//     defaulted it from the template's labels) is warned about by file
//     and line;
//   - a Helm (or other Go template) chart that was not rendered is an
//     error: "{{" in a name or namespace, or in a document that does not
//     parse.

// errUnrendered is the error of a document that is still a template.
var errUnrendered = errors.New("unrendered template: run helm template (or your renderer) first")

// checkTemplatedNames returns an error for the first object, in input
// order, whose name or namespace holds a template action.
func checkTemplatedNames(origins []cluster.Origin) error {
	for _, o := range origins {
		if strings.Contains(o.Name, "{{") || strings.Contains(o.Namespace, "{{") {
			return &cluster.InputError{Path: o.File, Line: o.Line, Err: errUnrendered}
		}
	}
	return nil
}

// templateError returns the unrendered-template error for err, an error
// at a line of data (the input path), when the document holding that line
// (the whole input, for an error without a line) contains "{{"; it names
// the first line with "{{". Otherwise it returns nil.
func templateError(path string, data []byte, err error) error {
	var ie *cluster.InputError
	if !errors.As(err, &ie) || !bytes.Contains(data, []byte("{{")) {
		return nil
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	if ie.Line > len(lines) {
		return nil
	}
	// An error without a line (the parser's "did not find expected
	// node content") may be anywhere: look at the whole input.
	start, end := 0, len(lines)
	if ie.Line > 0 {
		start, end = ie.Line-1, ie.Line
		for start > 0 && !isDocStart(lines[start]) {
			start--
		}
		for end < len(lines) && !isDocStart(lines[end]) {
			end++
		}
	}
	for i := start; i < end; i++ {
		if bytes.Contains(lines[i], []byte("{{")) {
			return &cluster.InputError{Path: path, Line: i + 1, Err: errUnrendered}
		}
	}
	return nil
}

// warnRemoved warns once per apiVersion and kind of the objects read in
// an apiVersion Kubernetes no longer serves.
func warnRemoved(origins []cluster.Origin, warn func(string)) {
	type key struct {
		apiVersion string
		kind       cluster.Kind
	}
	counts := map[key]int{}
	var info *cluster.KindInfo
	for _, o := range origins {
		if info == nil || info.Kind != o.Kind {
			if info, _ = cluster.InfoFor(o.Kind); info == nil {
				continue
			}
		}
		if _, gone := info.Removed[o.APIVersion]; gone {
			counts[key{o.APIVersion, o.Kind}]++
		}
	}
	keys := make([]key, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].kind != keys[j].kind {
			return keys[i].kind < keys[j].kind
		}
		return keys[i].apiVersion < keys[j].apiVersion
	})
	for _, k := range keys {
		info, _ := cluster.InfoFor(k.kind)
		warn(fmt.Sprintf("%d %s in %s: removed in Kubernetes %s; the API server refuses them",
			counts[k], info.Name, k.apiVersion, info.Removed[k.apiVersion]))
	}
}

// warnNoSelector warns about each apps/v1 workload without spec.selector,
// which the API server rejects. s is finished (origins sorted).
func warnNoSelector(s *cluster.Snapshot, warn func(string)) {
	check := func(kind cluster.Kind, o metav1.Object, sel *metav1.LabelSelector) {
		if sel != nil {
			return
		}
		origin, ok := s.OriginOf(kind, o.GetNamespace(), o.GetName())
		if !ok || origin.APIVersion != "apps/v1" {
			return
		}
		info, _ := cluster.InfoFor(kind)
		warn(fmt.Sprintf("%s: %s %s %s/%s has no spec.selector: the API server rejects it",
			origin.At(), origin.APIVersion, info.Name, o.GetNamespace(), o.GetName()))
	}
	for i := range s.Deployments {
		d := &s.Deployments[i]
		check(cluster.KindDeployments, d, d.Spec.Selector)
	}
	for i := range s.StatefulSets {
		d := &s.StatefulSets[i]
		check(cluster.KindStatefulSets, d, d.Spec.Selector)
	}
	for i := range s.DaemonSets {
		d := &s.DaemonSets[i]
		check(cluster.KindDaemonSets, d, d.Spec.Selector)
	}
}
