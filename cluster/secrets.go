package cluster

import (
	"cmp"
	"slices"
)

// KindSecrets names Secrets in gaps. It is not in Kinds: Secrets are never
// listed as objects. With the opt-in SecretNames collection only their
// names are read (a metadata-only list), and a Secret document in
// manifests is reduced to its name as it is read.
const KindSecrets Kind = "secrets"

// SecretNames are the names of the cluster's Secrets, and nothing else of
// them: no data, type, labels or annotations. A Snapshot holds them only
// when they were asked for (the audit and snapshot --allow-secret-metadata
// flag live) or when manifests hold Secret documents; nil means not read.
type SecretNames struct {
	// Items are the Secrets' namespace and name, sorted.
	Items []SecretName `json:"items"`
}

// SecretName is the namespace and name of one Secret.
type SecretName struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

// AddSecretName records one Secret's name, creating s.SecretNames.
func (s *Snapshot) AddSecretName(namespace, name string) {
	if s.SecretNames == nil {
		s.SecretNames = &SecretNames{Items: []SecretName{}}
	}
	s.SecretNames.Items = append(s.SecretNames.Items, SecretName{namespace, name})
}

// finish gives namespace-less names ns, sorts them and drops repeats.
func (n *SecretNames) finish(ns string) {
	if n == nil {
		return
	}
	for i := range n.Items {
		if n.Items[i].Namespace == "" {
			n.Items[i].Namespace = ns
		}
	}
	slices.SortFunc(n.Items, func(a, b SecretName) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	n.Items = slices.Compact(n.Items)
}

// Has reports whether a Secret namespace/name is among the names (which
// Finish leaves sorted).
func (n *SecretNames) Has(namespace, name string) bool {
	if n == nil {
		return false
	}
	_, found := slices.BinarySearchFunc(n.Items, SecretName{namespace, name}, func(a, b SecretName) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	return found
}
