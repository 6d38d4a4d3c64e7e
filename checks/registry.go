package checks

// All returns every built-in check in catalog order. This list is the
// registry: a check that is not here does not exist.
func All() []Check {
	return []Check{
		// Namespace quotas (quotas.go)
		quota001, quota002, quota003, quota004, quota005,
		// Cluster DNS (dns.go)
		dns001, dns002, dns003, dns004, dns005, dns006,
		// Control plane (controlplane.go)
		cp001, cp002, cp003, cp004,
		// etcd (etcd.go)
		etcd001, etcd002, etcd003,
		// API access (apiaccess.go)
		sec001, sec002, cert001,
		// RBAC least privilege (rbac.go)
		rbac001, rbac002, rbac003, rbac004, rbac005, rbac006, rbac007, rbac008, rbac009, rbac010,
	}
}

// ByID returns the registered check with id.
func ByID(id string) (Check, bool) {
	for _, c := range All() {
		if c.ID == id {
			return c, true
		}
	}
	return Check{}, false
}

// Metas returns the descriptions of cs, in order.
func Metas(cs []Check) []Meta {
	ms := make([]Meta, len(cs))
	for i, c := range cs {
		ms[i] = c.Meta
	}
	return ms
}
