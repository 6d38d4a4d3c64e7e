package cli

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/manifests"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// scopeOptions are audit's -A/--all-namespaces and -l/--selector, which
// with -n/--namespace scope the results reported. They never narrow what
// is read: the checks still judge the whole snapshot, so a cluster-wide
// check sees every namespace.
type scopeOptions struct {
	allNamespaces bool
	selector      string

	namespace string          // "" reports every namespace
	labels    labels.Selector // nil reports every object
}

func (o *scopeOptions) addFlags(fs *pflag.FlagSet) {
	fs.BoolVarP(&o.allNamespaces, "all-namespaces", "A", false,
		"Report results in every namespace (the default; cannot be used with -n).")
	fs.StringVarP(&o.selector, "selector", "l", "",
		"Report only results about objects whose labels match this selector (kubectl syntax: app=web,tier!=db), plus cluster-wide results.")
}

// complete resolves the scope from the flags; namespace is the -n value.
func (o *scopeOptions) complete(namespace string) error {
	if namespace != "" && o.allNamespaces {
		return errors.New("-n/--namespace and -A/--all-namespaces cannot be used together")
	}
	o.namespace = namespace
	if o.selector != "" {
		sel, err := labels.Parse(o.selector)
		if err != nil {
			return fmt.Errorf("invalid -l/--selector %q: %w", o.selector, err)
		}
		o.labels = sel
	}
	return nil
}

// filter keeps the results in scope. Cluster-wide results (no object)
// are always kept. With -n, a result is kept when its object is in the
// namespace, is that Namespace object, or is of another cluster-scoped
// kind (Node, ClusterRole…: no namespace to scope by). With -l, a result
// is kept when its object, looked up in snap, has labels that match; an
// object seaworthy cannot find has no labels to match and is left out.
func (o *scopeOptions) filter(snap *cluster.Snapshot, rs []result.Result) []result.Result {
	if o.namespace == "" && o.labels == nil {
		return rs
	}
	lookup := objectLabels(snap)
	out := rs[:0:0]
	for _, r := range rs {
		ref := r.Object
		if ref.Kind == "" && ref.Name == "" {
			out = append(out, r)
			continue
		}
		if o.namespace != "" && !o.inNamespace(ref) {
			continue
		}
		if o.labels != nil {
			ls, ok := lookup(ref)
			if !ok || !o.labels.Matches(labels.Set(ls)) {
				continue
			}
		}
		out = append(out, r)
	}
	return out
}

func (o *scopeOptions) inNamespace(ref result.ObjectRef) bool {
	if ref.Namespace != "" {
		return ref.Namespace == o.namespace
	}
	if k, ok := cluster.LookupKind(ref.APIVersion, ref.Kind); ok && k.Kind == cluster.KindNamespaces {
		return ref.Name == o.namespace
	}
	// Cluster-scoped objects, and objects of kinds outside the table
	// that name no namespace, are not in any namespace to scope out.
	return true
}

// objectLabels returns a lookup of the labels of the object a result
// names, indexing each kind of snap the first time it is asked for.
func objectLabels(snap *cluster.Snapshot) func(result.ObjectRef) (map[string]string, bool) {
	type key struct{ namespace, name string }
	byKind := map[cluster.Kind]map[key]map[string]string{}
	return func(ref result.ObjectRef) (map[string]string, bool) {
		k, ok := cluster.LookupKind(ref.APIVersion, ref.Kind)
		if !ok {
			return nil, false
		}
		m, ok := byKind[k.Kind]
		if !ok {
			m = map[key]map[string]string{}
			k.Each(snap, func(obj metav1.Object) {
				m[key{obj.GetNamespace(), obj.GetName()}] = obj.GetLabels()
			})
			byKind[k.Kind] = m
		}
		ns := ref.Namespace
		if !k.Namespaced {
			ns = ""
		}
		ls, ok := m[key{ns, ref.Name}]
		return ls, ok
	}
}

// completeNamespaces completes -n from the -f inputs (and PATH arguments)
// already on the command line: the Namespace objects and the namespaces
// objects name. It never asks the cluster (too slow for a shell's Tab) and
// never reads stdin; without files it offers nothing.
func completeNamespaces(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	files, _ := cmd.Flags().GetStringArray("filename")
	var paths []string
	for _, f := range append(files, args...) {
		if f != "-" {
			paths = append(paths, f)
		}
	}
	if len(paths) == 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	snap, err := manifests.Load(paths, manifests.Options{Now: time.Now(), Warn: func(string) {}})
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	seen := map[string]bool{}
	for i := range cluster.Kinds {
		cluster.Kinds[i].Each(snap, func(obj metav1.Object) {
			ns := obj.GetNamespace()
			if cluster.Kinds[i].Kind == cluster.KindNamespaces {
				ns = obj.GetName()
			}
			if ns != "" && strings.HasPrefix(ns, toComplete) {
				seen[ns] = true
			}
		})
	}
	out := make([]string, 0, len(seen))
	for ns := range seen {
		out = append(out, ns)
	}
	sort.Strings(out)
	return out, cobra.ShellCompDirectiveNoFileComp
}
