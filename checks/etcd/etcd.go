package etcd

import (
	"time"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// Category is the catalog category of the ETCD checks.
const Category = "etcd"

// Options are the etcd checks' thresholds.
type Options struct {
	// LargeClusterNodes is the node count from which a cluster is large
	// (ETCD-002 warns, rather than informs, when Events share the main
	// etcd).
	LargeClusterNodes int `json:"largeClusterNodes"`
	// MinZones is how many failure zones the etcd members must span
	// (ETCD-001), and MaxPerZone the most of them one zone may hold.
	MinZones   int `json:"minZones"`
	MaxPerZone int `json:"maxPerZone"`
	// BackupIntervalFactor times a backup schedule's interval is how old
	// the last successful backup may be before ETCD-003 calls it overdue
	// (fail), provided it is also older than BackupMaxAge.
	BackupIntervalFactor float64 `json:"backupIntervalFactor"`
	// BackupMaxAge is the age past which the newest backup warns, and
	// BackupFailAge the age past which it fails whatever the schedule.
	BackupMaxAge  time.Duration `json:"backupMaxAge"`
	BackupFailAge time.Duration `json:"backupFailAge"`
}

// DefaultOptions returns the documented defaults: large from 500 nodes,
// members in at least 3 zones with at most 2 per zone, and backups overdue
// past 1.5 intervals and 26 h, failing past 72 h.
func DefaultOptions() Options {
	return Options{
		LargeClusterNodes:    500,
		MinZones:             3,
		MaxPerZone:           2,
		BackupIntervalFactor: 1.5,
		BackupMaxAge:         26 * time.Hour,
		BackupFailAge:        72 * time.Hour,
	}
}

// Checks returns the etcd checks in ID order, evaluating with o.
func Checks(o Options) []check.Check {
	return check.Bind(o, etcd001, etcd002, etcd003)
}

// Signals the ETCD checks decide from.
const (
	signalEtcdPods        = "etcd-static-pods"
	signalOpenShiftEtcd   = "openshift-etcd-pods"
	signalEtcdManager     = cluster.SignalEtcdManager
	signalKubeadmExternal = "kubeadm-external-etcd"
	signalEtcdServersFlag = "kube-apiserver-etcd-servers"
	signalEtcdRoleNodes   = "etcd-role-nodes"
	signalK3sDatastore    = "k3s-datastore"
	signalReadyz          = "readyz"
	signalBackupCronJob   = "etcdctl-cronjob"
	signalVelero          = "velero-schedule"
	signalK3sSnapshots    = "k3s-etcd-snapshots"
)

var etcd001 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "ETCD-001",
		Title:    "etcd has an odd number of members, at least 3, across zones",
		Category: Category,
		Rule: "etcd members are counted from, strongest first: kube-system pods labelled component=etcd (kubeadm stacked, rke2); " +
			"openshift-etcd pods labelled app=etcd; kops etcd-manager-main pods; kubeadm-config etcd.external.endpoints; " +
			"the kube-apiserver's non-loopback --etcd-servers; nodes labelled node-role.kubernetes.io/etcd (k3s). " +
			"quorum = members/2 + 1, failures tolerated = members − quorum. 1 or 2 members → fail; an even number → warn; " +
			"members not running → warn; members placed as in CP-001 (fewer than MinZones zones, more than " +
			"MaxPerZone per zone, unlabelled nodes → warn; hosts outside the cluster → info); 3, 5 or 7 across 3 zones → pass. " +
			"A k3s server with no etcd node and no --datastore-endpoint keeps its state in SQLite on one machine → fail. " +
			"Managed control plane → na.",
		Rationale: "etcd holds the whole cluster state and stops accepting writes when it loses quorum. One member is a single point of failure; " +
			"two tolerate no failure at all (both are needed for quorum); an even count tolerates no more failures than the odd count below it.",
		Remediation: "Run 3 (or 5) etcd members, one per zone: add control-plane nodes with kubeadm join --control-plane, k3s/rke2 servers " +
			"with --cluster-init and --server, or kops etcd members in three instance groups; for external etcd add members with etcdctl member add.",
	},
	Needs: []cluster.Kind{cluster.KindNodes},
	Eval:  evalEtcd001,
}

var etcd002 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "ETCD-002",
		Title:    "Events are stored in a separate etcd",
		Category: Category,
		Rule: "Looks for an --etcd-servers-overrides entry whose key is /events (core group events; the flag is a comma list of " +
			"group/resource#server;server) in the kube-apiserver pods' command and args, else kubeadm-config apiServer.extraArgs, " +
			"else the k3s/rke2 servers' --kube-apiserver-arg in their node-args annotation; without any of those (a managed control plane), " +
			"/readyz?verbose listing an etcd-override-N check counts. Found → pass. Not found → warn on a large cluster " +
			"(LargeClusterNodes, default 500 nodes), info otherwise; managed without an override → na. Nothing readable → skip. " +
			"/readyz without etcd-override checks proves nothing on servers older than 1.34.",
		Rationale: "Events are the most written objects in a busy cluster. Kept in the main etcd they inflate its database, compete with " +
			"pods, leases and endpoints for write bandwidth, and make compaction and defragmentation slower; a separate etcd isolates that load.",
		Remediation: "Run a second etcd cluster and start every kube-apiserver with --etcd-servers-overrides=/events#https://events-etcd-1:2379;https://events-etcd-2:2379 " +
			"(kubeadm: apiServer.extraArgs; k3s/rke2: --kube-apiserver-arg; kops does this by default with etcd-manager-events).",
	},
	Needs: []cluster.Kind{cluster.KindNodes},
	Eval:  evalEtcd002,
}

var etcd003 = check.Def[Options]{
	Meta: result.Meta{
		ID:       "ETCD-003",
		Title:    "etcd is backed up, recently and on schedule",
		Category: Category,
		Rule: "Backup mechanisms: CronJobs whose containers run etcdctl or etcdutl … snapshot save; Velero (velero.io/v1) Schedules and " +
			"their latest Backups (resource-level); k3s/rke2 ETCDSnapshotFile objects and the legacy kube-system/k3s-etcd-snapshots or " +
			"rke2-etcd-snapshots ConfigMaps (schedule from the servers' --etcd-snapshot-schedule-cron, default every 12 h); kops " +
			"etcd-manager's --backup-store (info: its freshness is not visible in the cluster). Each mechanism fails when suspended or paused, " +
			"when its last run failed, when it never succeeded, or when its last success is older than BackupIntervalFactor (1.5) × its " +
			"schedule's longest interval and BackupMaxAge (26 h), or older than BackupFailAge (72 h); older than 26 h otherwise → warn. " +
			"A healthy Velero schedule with no etcd-level backup → warn (resource level only). No mechanism → fail on a self-managed " +
			"control plane, skip when a source could not be read or the control plane is not visible. Managed control plane → na.",
		Rationale: "An etcd snapshot is the only way back from losing quorum, a bad upgrade or a mass deletion. Resource-level backups " +
			"(Velero) restore objects but not the cluster's exact state (leases, resourceVersions, secrets encryption, CRD data order), " +
			"and a backup job that stopped running fails silently until the day it is needed.",
		Remediation: "Schedule etcd snapshots: a CronJob on the control-plane nodes running etcdctl snapshot save to durable storage, k3s/rke2 " +
			"--etcd-snapshot-schedule-cron with --etcd-s3, or etcd-manager's --backup-store; keep Velero for namespaced restores. " +
			"Then watch the last success time and test a restore.",
	},
	Needs: []cluster.Kind{cluster.KindNodes},
	Eval:  evalEtcd003,
}
