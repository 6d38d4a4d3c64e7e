package quota

import (
	"fmt"
	"sort"
	"strings"

	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// listedCap is the most namespace names a result lists in its evidence
// and message.
const listedCap = 20

// nsScope decides which namespaces the QUOTA checks evaluate, and how.
type nsScope struct {
	skip map[string]bool // system, excluded and terminating namespaces
	// infra holds the infrastructure namespaces (index.InfrastructureNamespaces)
	// that are not skipped, when Options.ExemptInfrastructure is set.
	infra map[string]index.Infrastructure
	// manifests is true when the input is manifests (or a snapshot saved
	// from manifests): a part of a cluster, not all of it.
	manifests bool
	// defined holds the namespaces the input has a Namespace object for.
	defined map[string]bool
}

func newNSScope(ix *index.Index, o *Options) nsScope {
	skip := ix.OutsideUserNamespaces(o.SystemNamespaces, o.ExcludeNamespaces)
	s := ix.Snapshot()
	defined := make(map[string]bool, len(s.Namespaces))
	for i := range s.Namespaces {
		defined[s.Namespaces[i].Name] = true
	}
	infra := map[string]index.Infrastructure{}
	if o.ExemptInfrastructure {
		for _, in := range ix.InfrastructureNamespaces() {
			if !skip[in.Namespace] {
				infra[in.Namespace] = in
			}
		}
	}
	return nsScope{skip: skip, infra: infra, manifests: s.FromManifests(), defined: defined}
}

// user reports whether ns is a user namespace: not system, excluded or
// being deleted. QUOTA-003 judges the quotas of every user namespace.
func (sc nsScope) user(ns string) bool { return !sc.skip[ns] }

// asked reports whether the QUOTA checks ask ns for quotas and LimitRanges:
// a user namespace that is not infrastructure.
func (sc nsScope) asked(ns string) bool {
	_, infra := sc.infra[ns]
	return !sc.skip[ns] && !infra
}

// referred reports whether ns is one the input only refers to: manifest
// input with objects in ns but no Namespace object for it. Such a
// namespace is judged on the objects the input holds in it, never for
// what it lacks: the rest of it is outside the input.
func (sc nsScope) referred(ns string) bool { return sc.manifests && !sc.defined[ns] }

// nsSets are the namespaces in use, sorted, by how the checks treat them.
type nsSets struct {
	// defined are asked namespaces judged as a whole: every one on live
	// input, those with a Namespace object on manifest input.
	defined []string
	// referred are asked namespaces of manifest input without a Namespace
	// object.
	referred []string
	// infra are the infrastructure namespaces, not asked for quotas.
	infra []string
}

// asked returns defined and referred, sorted.
func (n nsSets) asked() []string {
	out := append(append(make([]string, 0, len(n.defined)+len(n.referred)), n.defined...), n.referred...)
	sort.Strings(out)
	return out
}

// namespaces sorts every namespace in use (index.NamespacesInUse) into
// nsSets; system, excluded and terminating namespaces are left out.
func (sc nsScope) namespaces(ix *index.Index) nsSets {
	var n nsSets
	for _, ns := range ix.NamespacesInUse() {
		switch {
		case sc.skip[ns]:
		case sc.infra[ns].Namespace != "":
			n.infra = append(n.infra, ns)
		case sc.referred(ns):
			n.referred = append(n.referred, ns)
		default:
			n.defined = append(n.defined, ns)
		}
	}
	return n
}

func namespaceRef(ns string) result.ObjectRef { return result.Ref("v1", "Namespace", "", ns) }

// capped returns at most listedCap of names.
func capped(names []string) []string {
	if len(names) > listedCap {
		return names[:listedCap]
	}
	return names
}

// noUserNamespaces is the single result of a per-namespace check on a
// cluster without user namespaces.
func noUserNamespaces() []result.Result {
	return []result.Result{result.New(result.StatusNA, result.Cluster, "no user namespaces to evaluate (only system, excluded or infrastructure namespaces)", nil)}
}

// onlyReferred is the single result of QUOTA-001 or QUOTA-002 on manifests
// whose namespaces are all referred to, none defined, and none holding the
// kind the check looks for.
func onlyReferred(n nsSets, kind string) result.Result {
	names := capped(n.referred)
	return result.New(result.StatusSkip, result.Cluster,
		"The input defines no Namespace object for "+joinNames(names, len(n.referred))+
			", and holds no "+kind+" there; a namespace the input only refers to is not judged for what it lacks, since the rest of it is outside the input. "+
			"Audit the manifests together with the Namespace objects (and their "+kind+"s), or the live cluster.",
		map[string]any{"referredNamespaces": names})
}

// joinNames joins listed names, adding "and N more" when total exceeds
// them.
func joinNames(listed []string, total int) string {
	names := strings.Join(listed, ", ")
	if more := total - len(listed); more > 0 {
		names += fmt.Sprintf(" and %d more", more)
	}
	return names
}
