package checks

import (
	"github.com/seaworthy-k8s/seaworthy/checks/addon"
	"github.com/seaworthy-k8s/seaworthy/checks/adm"
	"github.com/seaworthy-k8s/seaworthy/checks/apiaccess"
	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/checks/controlplane"
	"github.com/seaworthy-k8s/seaworthy/checks/dns"
	"github.com/seaworthy-k8s/seaworthy/checks/etcd"
	"github.com/seaworthy-k8s/seaworthy/checks/net"
	"github.com/seaworthy-k8s/seaworthy/checks/node"
	"github.com/seaworthy-k8s/seaworthy/checks/obs"
	"github.com/seaworthy-k8s/seaworthy/checks/quota"
	"github.com/seaworthy-k8s/seaworthy/checks/rbac"
	"github.com/seaworthy-k8s/seaworthy/checks/res"
	"github.com/seaworthy-k8s/seaworthy/checks/scale"
	"github.com/seaworthy-k8s/seaworthy/checks/workload"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// Options holds every area's thresholds, one field per area, so a config
// file maps onto it one to one. Start from DefaultOptions.
type Options struct {
	Quota        quota.Options        `json:"quota"`
	DNS          dns.Options          `json:"dns"`
	ControlPlane controlplane.Options `json:"controlPlane"`
	Etcd         etcd.Options         `json:"etcd"`
	APIAccess    apiaccess.Options    `json:"apiAccess"`
	RBAC         rbac.Options         `json:"rbac"`
	Res          res.Options          `json:"res"`
	Node         node.Options         `json:"node"`
	Workload     workload.Options     `json:"workload"`
	Adm          adm.Options          `json:"adm"`
	Addon        addon.Options        `json:"addon"`
	Net          net.Options          `json:"net"`
	Obs          obs.Options          `json:"obs"`
	Scale        scale.Options        `json:"scale"`
}

// DefaultOptions returns every area's documented defaults.
func DefaultOptions() Options {
	return Options{
		Quota:        quota.DefaultOptions(),
		DNS:          dns.DefaultOptions(),
		ControlPlane: controlplane.DefaultOptions(),
		Etcd:         etcd.DefaultOptions(),
		APIAccess:    apiaccess.DefaultOptions(),
		RBAC:         rbac.DefaultOptions(),
		Res:          res.DefaultOptions(),
		Node:         node.DefaultOptions(),
		Workload:     workload.DefaultOptions(),
		Adm:          adm.DefaultOptions(),
		Addon:        addon.DefaultOptions(),
		Net:          net.DefaultOptions(),
		Obs:          obs.DefaultOptions(),
		Scale:        scale.DefaultOptions(),
	}
}

// All returns every built-in check in catalog order, evaluating with o.
// This list is the registry: a check that is not here does not exist.
func All(o Options) []check.Check {
	var all []check.Check
	for _, area := range [][]check.Check{
		quota.Checks(o.Quota),               // QUOTA-001..005
		dns.Checks(o.DNS),                   // DNS-001..006
		controlplane.Checks(o.ControlPlane), // CP-001..004
		etcd.Checks(o.Etcd),                 // ETCD-001..003
		apiaccess.Checks(o.APIAccess),       // SEC-001, SEC-002, CERT-001
		rbac.Checks(o.RBAC),                 // RBAC-001..010
		res.Checks(o.Res),                   // RES-001..004
		addon.Checks(o.Addon),               // ADDON-001..004
		node.Checks(o.Node),                 // NODE-001..
		workload.Checks(o.Workload),         // WL-001..014
		net.Checks(o.Net),                   // NET-001..009
		adm.Checks(o.Adm),                   // ADM-001..005
		obs.Checks(o.Obs),                   // OBS-001..003
		scale.Checks(o.Scale),               // SCALE-001..004
	} {
		all = append(all, area...)
	}
	return all
}

// Catalog returns every check with the default options, for listings and
// documentation.
func Catalog() []check.Check { return All(DefaultOptions()) }

// ByID returns the registered check with id, with the default options.
func ByID(id string) (check.Check, bool) {
	for _, c := range Catalog() {
		if c.ID == id {
			return c, true
		}
	}
	return check.Check{}, false
}

// Run evaluates cs against snap over one index (see check.Run).
func Run(snap *cluster.Snapshot, cs []check.Check) []result.Result { return check.Run(snap, cs) }

// Metas returns the descriptions of cs, in order.
func Metas(cs []check.Check) []result.Meta {
	ms := make([]result.Meta, len(cs))
	for i, c := range cs {
		ms[i] = c.Meta
	}
	return ms
}
