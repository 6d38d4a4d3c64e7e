package addon

import (
	"fmt"
	"strings"

	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// judged is one recognised add-on workload.
type judged struct {
	w *index.Workload
	a *addon
}

// recognised returns the recognised add-ons of the add-on namespaces, in
// the index's workload order.
func recognised(ix *index.Index, o *Options) []judged {
	in := make(map[string]bool, len(o.Namespaces))
	for _, n := range o.Namespaces {
		in[n] = true
	}
	if o.IncludeInfrastructure {
		for _, inf := range ix.InfrastructureNamespaces() {
			in[inf.Namespace] = true
		}
	}
	s := ix.Snapshot()
	for i := range s.Namespaces {
		if index.NamespaceTerminating(&s.Namespaces[i]) {
			delete(in, s.Namespaces[i].Name)
		}
	}
	var out []judged
	for _, w := range ix.Workloads() {
		if !in[w.Namespace] {
			continue
		}
		if a := recognise(w); a != nil {
			out = append(out, judged{w, a})
		}
	}
	return out
}

// namespaces names the add-on namespaces in messages: "kube-system" or
// "kube-system, ops".
func namespaces(o *Options) string { return strings.Join(o.Namespaces, ", ") }

func one(status result.Status, msg string) []result.Result {
	return []result.Result{result.New(status, result.Cluster, msg, nil)}
}

// is reads "Deployment metrics-server (metrics-server)", naming the add-on
// when the object is named otherwise.
func is(j judged) string {
	if j.w.Name == j.a.name {
		return j.w.Kind + " " + j.w.Name
	}
	return j.w.Kind + " " + j.w.Name + " (" + j.a.name + ")"
}

// count reads "The one THING" for 1 and "All N THINGS" otherwise.
func count(n int, one, many string) string {
	if n == 1 {
		return "The one " + one
	}
	return fmt.Sprintf("All %d %s", n, many)
}

// criticalAddons is the cluster-critical part of recognised: the add-ons
// ADDON-002 and ADDON-004 judge.
func criticalAddons(ix *index.Index, o *Options) []judged {
	var out []judged
	for _, j := range recognised(ix, o) {
		if j.a.critical {
			out = append(out, j)
		}
	}
	return out
}
