// Package etcd holds the etcd checks (ETCD-001..ETCD-003).
//
// etcd members are found from kubeadm/rke2 static pods (component=etcd),
// OpenShift's openshift-etcd pods, kops' etcd-manager pods, kubeadm's
// external etcd endpoints, the API server's --etcd-servers, or k3s/rke2
// nodes with the etcd role (members.go), and judged by quorum and by the
// zone rule the control-plane area shares (check.Spread). Where Events are
// stored is read from the API servers' --etcd-servers-overrides, else
// kops' events etcd-manager, else /readyz (events.go). Backups are looked
// for at the etcd level (etcdctl/etcdutl snapshot CronJobs in cronjob.go,
// k3s/rke2 snapshots in k3s.go, etcd-manager's backup store in
// etcdmanager.go) and at the resource level (Velero, velero.go), each
// judged for freshness against its schedule (backups.go).
//
// The pods, nodes, flags and kubeadm configuration come from the run's
// index; what stays here is etcd's own reasoning.
package etcd
