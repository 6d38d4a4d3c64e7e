package obs

import (
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster/index"
)

// recognised says by what a workload matches one of names: "image IMAGE"
// or "label KEY=VALUE", or "" when it matches none.
func recognised(w *index.Workload, names []string) string {
	spec := &w.Template.Spec
	for _, cs := range [][]corev1.Container{spec.Containers, spec.InitContainers} {
		for i := range cs {
			if index.ImageMatches(cs[i].Image, names) {
				return "image " + cs[i].Image
			}
		}
	}
	for _, ls := range []map[string]string{w.Labels, w.Template.Labels} {
		for _, key := range []string{"app.kubernetes.io/name", "k8s-app"} {
			if v, ok := ls[key]; ok && slices.Contains(names, v) {
				return "label " + key + "=" + v
			}
		}
	}
	return ""
}

// found is a recognised workload and by what.
type found struct {
	w  *index.Workload
	by string
}

// names lists found workloads as "Kind NS/NAME", at most limit of them and
// "and N more".
func names(fs []found, limit int) string {
	var parts []string
	for i, f := range fs {
		if i == limit {
			parts = append(parts, "and "+strconv.Itoa(len(fs)-limit)+" more")
			break
		}
		parts = append(parts, f.w.Kind+" "+f.w.Namespace+"/"+f.w.Name)
	}
	return strings.Join(parts, ", ")
}

func keys(fs []found) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.w.Kind + "/" + f.w.Namespace + "/" + f.w.Name
	}
	return out
}
