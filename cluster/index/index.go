package index

import (
	"sync"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/cluster/authz"
)

// Well-known namespaces and names.
const (
	KubeSystem        = "kube-system"
	KubeadmConfigName = "kubeadm-config"
)

// Index answers questions about one snapshot. Build it with New.
type Index struct {
	snap *cluster.Snapshot

	platformOnce sync.Once
	platform     cluster.PlatformInfo

	nodesOnce sync.Once
	nodes     nodeFacts

	podsOnce sync.Once
	pods     podFacts

	ownersOnce sync.Once
	owners     ownerFacts

	// rsOwners backs ControllerOf; ownerFacts builds its own copy once.
	rsOwnersOnce sync.Once
	rsOwners     map[workloadKey]string

	workloadsOnce sync.Once
	workloads     workloadFacts

	kubeadmOnce sync.Once
	kubeadm     kubeadmFacts

	apiServersOnce sync.Once
	apiServers     apiServerFacts

	dnsOnce sync.Once
	dns     dnsFacts

	leasesOnce sync.Once
	leases     map[string]*coordinationv1.Lease

	rbacOnce sync.Once
	rbac     *authz.Model

	resourcesOnce sync.Once
	resources     *authz.Resources

	// Facts added for one check area go below, each block commented with
	// the area that added it.

	// quota: namespaces that hold node-level infrastructure.
	infraOnce sync.Once
	infra     []Infrastructure

	// controlplane, etcd: nodes by address, k3s/rke2 servers (controlplane_facts.go).
	controlPlaneOnce sync.Once
	controlPlane     controlPlaneFacts

	// quota: the namespaces in use (namespaces.go).
	namespacesOnce sync.Once
	namespaces     []string

	// workload: PDBs, HPAs and workloads by namespace or target (disruption.go).
	disruptionOnce sync.Once
	disruption     disruptionFacts

	// workload: the Service in front of each workload (services.go).
	servicesOnce sync.Once
	services     map[*Workload]*corev1.Service

	// net, adm: Services by "namespace/name" (services.go).
	serviceNamesOnce sync.Once
	serviceNames     map[string]*corev1.Service

	// res, addon: Container LimitRange defaults by namespace (limitranges.go).
	limitRangesOnce sync.Once
	limitRanges     map[string]*ContainerDefaults
}

// New returns the index of s. It does no work until asked.
func New(s *cluster.Snapshot) *Index { return &Index{snap: s} }

// Snapshot returns the indexed snapshot.
func (ix *Index) Snapshot() *cluster.Snapshot { return ix.snap }

// Platform returns the detected platform (see cluster.DetectPlatform), once.
func (ix *Index) Platform() cluster.PlatformInfo {
	ix.platformOnce.Do(func() { ix.platform = ix.snap.DetectedPlatform() })
	return ix.platform
}

// Lease returns the Lease namespace/name, or nil; when the input holds
// the same Lease twice, the first.
func (ix *Index) Lease(namespace, name string) *coordinationv1.Lease {
	ix.leasesOnce.Do(func() {
		ix.leases = make(map[string]*coordinationv1.Lease, len(ix.snap.Leases))
		for i := range ix.snap.Leases {
			l := &ix.snap.Leases[i]
			if k := l.Namespace + "/" + l.Name; ix.leases[k] == nil {
				ix.leases[k] = l // of duplicates (merged inputs), the first read
			}
		}
	})
	return ix.leases[namespace+"/"+name]
}

// ConfigMap returns the allow-listed ConfigMap namespace/name if the
// snapshot holds it.
func (ix *Index) ConfigMap(namespace, name string) (*corev1.ConfigMap, bool) {
	return ix.snap.ConfigMap(namespace, name)
}
