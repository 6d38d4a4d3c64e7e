package checks

import (
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"path"
	"sort"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/version"

	"github.com/robfig/cron/v3"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// etcd checks (ETCD-001..ETCD-003).
//
// etcd members are found from kubeadm/rke2 static pods (component=etcd),
// OpenShift's openshift-etcd pods, kops' etcd-manager pods, kubeadm's
// external etcd endpoints, the API server's --etcd-servers, or k3s/rke2
// nodes with the etcd role. Backups are looked for at the etcd level
// (etcdctl/etcdutl snapshot CronJobs, k3s/rke2 snapshots, etcd-manager's
// backup store) and at the resource level (Velero).

// CategoryEtcd is the category of the ETCD checks.
const CategoryEtcd = "etcd"

// Signals the ETCD checks decide from.
const (
	signalEtcdPods        = "etcd-static-pods"
	signalOpenShiftEtcd   = "openshift-etcd-pods"
	signalKubeadmExternal = "kubeadm-external-etcd"
	signalEtcdServersFlag = "kube-apiserver-etcd-servers"
	signalEtcdRoleNodes   = "etcd-role-nodes"
	signalK3sDatastore    = "k3s-datastore"
	signalReadyz          = "readyz"
	signalBackupCronJob   = "etcdctl-cronjob"
	signalVelero          = "velero-schedule"
	signalK3sSnapshots    = "k3s-etcd-snapshots"
)

const labelEtcdRole = "node-role.kubernetes.io/etcd"

var etcd001 = Check{
	Meta: Meta{
		ID:       "ETCD-001",
		Title:    "etcd has an odd number of members, at least 3, across zones",
		Category: CategoryEtcd,
		Rule: "etcd members are counted from, strongest first: kube-system pods labelled component=etcd (kubeadm stacked, rke2); " +
			"openshift-etcd pods labelled app=etcd; kops etcd-manager-main pods; kubeadm-config etcd.external.endpoints; " +
			"the kube-apiserver's non-loopback --etcd-servers; nodes labelled node-role.kubernetes.io/etcd (k3s). " +
			"quorum = members/2 + 1, failures tolerated = members − quorum. 1 or 2 members → fail; an even number → warn; " +
			"members not running → warn; members placed as in CP-001 (fewer than ControlPlaneMinZones zones, more than " +
			"ControlPlaneMaxPerZone per zone, unlabelled nodes → warn; hosts outside the cluster → info); 3, 5 or 7 across 3 zones → pass. " +
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

var etcd002 = Check{
	Meta: Meta{
		ID:       "ETCD-002",
		Title:    "Events are stored in a separate etcd",
		Category: CategoryEtcd,
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

var etcd003 = Check{
	Meta: Meta{
		ID:       "ETCD-003",
		Title:    "etcd is backed up, recently and on schedule",
		Category: CategoryEtcd,
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

// ---- ETCD-001 -----------------------------------------------------------

// quorum returns etcd's quorum for n members and how many can fail.
func quorum(n int) (q, tolerated int) {
	if n <= 0 {
		return 0, 0
	}
	q = n/2 + 1
	return q, n - q
}

type etcdMembers struct {
	signal  string
	members []member
	// notRunning lists members whose pod is not running.
	notRunning []string
	// sqlite is set when a k3s server runs without etcd.
	sqlite string
	// external is set when a k3s server uses --datastore-endpoint.
	external string
}

// nodeAddressIndex maps node addresses to nodes, to place external
// endpoints given as IPs.
func placeByAddress(s *cluster.Snapshot, ix nodeIndex, m *member) {
	m.place(ix)
	if m.Node != "" {
		return
	}
	for i := range s.Nodes {
		n := &s.Nodes[i]
		for _, a := range n.Status.Addresses {
			if a.Address == m.Host {
				m.Node, m.Zone = n.Name, nodeZone(n)
				return
			}
		}
	}
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// endpointHost returns the host of an etcd endpoint URL or host:port.
func endpointHost(ep string) string {
	if u, err := url.Parse(ep); err == nil && u.Host != "" {
		return u.Hostname()
	}
	if h, _, err := net.SplitHostPort(ep); err == nil {
		return h
	}
	return ep
}

func endpointMembers(s *cluster.Snapshot, ix nodeIndex, eps []string) []member {
	var out []member
	seen := map[string]bool{}
	for _, ep := range eps {
		ep = strings.TrimSpace(ep)
		h := endpointHost(ep)
		if ep == "" || seen[h] {
			continue
		}
		seen[h] = true
		m := member{Name: h, Object: ep, Host: h}
		placeByAddress(s, ix, &m)
		out = append(out, m)
	}
	sortMembers(out)
	return out
}

func podMembers(ix nodeIndex, pods []*corev1.Pod) (ms []member, notRunning []string) {
	for _, p := range pods {
		m := member{Name: p.Spec.NodeName, Object: "Pod/" + p.Name, Host: p.Spec.NodeName}
		if m.Name == "" {
			m.Name = p.Name
		}
		m.place(ix)
		if !podRunning(p) {
			m.Detail = "not running"
			notRunning = append(notRunning, m.Name)
		}
		ms = append(ms, m)
	}
	sortMembers(ms)
	sort.Strings(notRunning)
	return ms, notRunning
}

func podsLabelled(s *cluster.Snapshot, ns, key, value string) []*corev1.Pod {
	var out []*corev1.Pod
	for i := range s.Pods {
		p := &s.Pods[i]
		if p.Namespace == ns && p.Labels[key] == value {
			out = append(out, p)
		}
	}
	return out
}

func findEtcdMembers(s *cluster.Snapshot, p PlatformInfo) etcdMembers {
	ix := newNodeIndex(s.Nodes)
	var e etcdMembers
	for _, src := range []struct {
		signal string
		pods   []*corev1.Pod
	}{
		{signalEtcdPods, componentPods(s, "etcd")},
		{signalOpenShiftEtcd, podsLabelled(s, "openshift-etcd", "app", "etcd")},
		{signalEtcdManager, podsLabelled(s, kubeSystem, "k8s-app", "etcd-manager-main")},
	} {
		if len(src.pods) > 0 {
			e.signal = src.signal
			e.members, e.notRunning = podMembers(ix, src.pods)
			return e
		}
	}
	if cfg, _, err := kubeadmConfig(s); err == nil && cfg != nil && cfg.Etcd.External != nil && len(cfg.Etcd.External.Endpoints) > 0 {
		e.signal = signalKubeadmExternal
		e.members = endpointMembers(s, ix, cfg.Etcd.External.Endpoints)
		return e
	}
	for _, pod := range componentPods(s, "kube-apiserver") {
		var eps []string
		for _, v := range podFlags(pod, "kube-apiserver")["etcd-servers"] {
			for _, ep := range strings.Split(v, ",") {
				if !isLoopback(endpointHost(ep)) {
					eps = append(eps, ep)
				}
			}
		}
		if len(eps) > 0 {
			e.signal = signalEtcdServersFlag
			e.members = endpointMembers(s, ix, eps)
			return e
		}
	}
	for i := range s.Nodes {
		n := &s.Nodes[i]
		if v, ok := n.Labels[labelEtcdRole]; ok && v != "false" {
			e.members = append(e.members, member{Name: n.Name, Host: n.Name, Node: n.Name, Zone: nodeZone(n)})
			if !nodeReady(n) {
				e.notRunning = append(e.notRunning, n.Name)
			}
		}
	}
	if len(e.members) > 0 {
		e.signal = signalEtcdRoleNodes
		return e
	}
	if p.Name == PlatformK3s {
		for i := range s.Nodes {
			args, _, ok := nodeArgs(&s.Nodes[i])
			if !ok || len(args) == 0 || args[0] != "server" {
				continue
			}
			if _, ext := parseFlags(args)["datastore-endpoint"]; ext {
				e.external = s.Nodes[i].Name
			} else if e.sqlite == "" {
				e.sqlite = s.Nodes[i].Name
			}
		}
		if e.external != "" || e.sqlite != "" {
			e.signal = signalK3sDatastore
		}
	}
	return e
}

// quorumText reads "3 members: quorum 2, tolerates 1 failure".
func quorumText(n int) string {
	q, f := quorum(n)
	return fmt.Sprintf("%d %s: quorum %d, tolerates %d %s", n, plural(n, "member", "members"), q, f, plural(f, "failure", "failures"))
}

func evalEtcd001(in *Input) []Result {
	s, o := in.Snapshot, in.Options
	p := platformOf(in)
	if p.Managed {
		return []Result{managedNA(p, ObjectRef{}, "etcd", providerVerify(p))}
	}
	e := findEtcdMembers(s, p)
	n := len(e.members)
	q, f := quorum(n)
	ev := withEvidence(p, map[string]any{"signal": e.signal, "members": e.members, "count": n, "quorum": q, "tolerates": f})
	switch {
	case e.signal == "":
		ev["signal"] = signalNone
		why := "no etcd pod (component=etcd, openshift-etcd, etcd-manager), no kubeadm external endpoints, no remote --etcd-servers and no etcd-role node"
		if g, ok := s.GapFor(cluster.KindPods); ok {
			why += " (pods could not be read: " + g.Reason + ")"
		}
		return []Result{result.New(StatusSkip, ObjectRef{}, "Cannot count the etcd members: "+why+".", ev)}
	case e.external != "":
		return []Result{result.New(StatusSkip, ObjectRef{}, fmt.Sprintf(
			"k3s server %s keeps its state in an external datastore (--datastore-endpoint); check that datastore's own replication.", e.external), ev)}
	case e.sqlite != "":
		return []Result{result.New(StatusFail, ObjectRef{}, fmt.Sprintf(
			"k3s server %s runs without etcd (no etcd-role node, no --datastore-endpoint), so the cluster state is a SQLite file on that one machine; "+
				"for production start servers with --cluster-init (embedded etcd) and run 3 of them.", e.sqlite), ev)}
	}
	if len(e.notRunning) > 0 {
		ev["notRunning"] = e.notRunning
	}
	from := map[string]string{
		signalEtcdPods: "etcd pods", signalOpenShiftEtcd: "openshift-etcd pods", signalEtcdManager: "etcd-manager-main pods",
		signalKubeadmExternal: "kubeadm external etcd endpoints", signalEtcdServersFlag: "kube-apiserver --etcd-servers",
		signalEtcdRoleNodes: "etcd-role nodes",
	}[e.signal]
	names := make([]string, n)
	for i, m := range e.members {
		names[i] = m.Name
	}
	head := fmt.Sprintf("etcd has %s (%s, from %s)", quorumText(n), strings.Join(names, ", "), from)
	switch {
	case n <= 1:
		return []Result{result.New(StatusFail, ObjectRef{}, head+": losing it loses the cluster state and stops the API; run 3 members across 3 zones.", ev)}
	case n == 2:
		return []Result{result.New(StatusFail, ObjectRef{}, head+": both are needed for quorum, so it is less available than one; run 3 members across 3 zones.", ev)}
	case n%2 == 0:
		return []Result{result.New(StatusWarn, ObjectRef{}, fmt.Sprintf(
			"%s: an even count tolerates no more failures than %d members but has one more machine that can fail; run %d or %d.",
			head, n-1, n-1, n+1), ev)}
	}
	if len(e.notRunning) > 0 {
		return []Result{result.New(StatusWarn, ObjectRef{}, fmt.Sprintf("%s, but %s %s not running, which uses up its failure tolerance.",
			head, strings.Join(e.notRunning, ", "), plural(len(e.notRunning), "is", "are")), ev)}
	}
	sp := newSpread(e.members)
	ev["zones"] = sp.perZone
	st, why := sp.verdict("etcd members", o.ControlPlaneMinZones, o.ControlPlaneMaxPerZone)
	return []Result{result.New(st, ObjectRef{}, head+"; "+why, ev)}
}

// ---- ETCD-002 -----------------------------------------------------------

// etcdOverride is one --etcd-servers-overrides entry.
type etcdOverride struct {
	Group    string   `json:"group"`
	Resource string   `json:"resource"`
	Servers  []string `json:"servers"`
}

// key reads "/events" or "apps/deployments", as the flag writes it.
func (o etcdOverride) key() string { return o.Group + "/" + o.Resource }

// parseEtcdOverrides parses --etcd-servers-overrides values: each is a
// comma list of group/resource#server;server entries. Malformed entries are
// returned apart.
func parseEtcdOverrides(values []string) (out []etcdOverride, bad []string) {
	for _, v := range values {
		for _, entry := range strings.Split(v, ",") {
			entry = strings.TrimSpace(entry)
			if entry == "" {
				continue
			}
			key, servers, ok := strings.Cut(entry, "#")
			group, resource, okKey := strings.Cut(key, "/")
			if !ok || !okKey || resource == "" || servers == "" {
				bad = append(bad, entry)
				continue
			}
			var list []string
			for _, s := range strings.Split(servers, ";") {
				if s = strings.TrimSpace(s); s != "" {
					list = append(list, s)
				}
			}
			out = append(out, etcdOverride{Group: group, Resource: resource, Servers: list})
		}
	}
	return out, bad
}

// eventsOverride returns the override for core events, if any.
func eventsOverride(os []etcdOverride) (etcdOverride, bool) {
	for _, o := range os {
		if o.Group == "" && o.Resource == "events" {
			return o, true
		}
	}
	return etcdOverride{}, false
}

// readyzOverrides returns the etcd-override-N checks /readyz listed.
func readyzOverrides(checks []string) []string {
	var out []string
	for _, c := range checks {
		if strings.HasPrefix(c, "etcd-override-") {
			out = append(out, c)
		}
	}
	return out
}

// readyzListsOverrides reports whether the server is new enough (1.34+)
// for /readyz to list its etcd overrides, so that none listed means none.
func readyzListsOverrides(gitVersion string) bool {
	v, err := version.ParseGeneric(gitVersion)
	return err == nil && v.AtLeast(version.MajorMinor(1, 34))
}

func evalEtcd002(in *Input) []Result {
	s, o := in.Snapshot, in.Options
	p := platformOf(in)
	nodes := len(s.Nodes)
	large := nodes >= o.LargeClusterNodes
	notFound := StatusInfo
	if large {
		notFound = StatusWarn
	}
	size := fmt.Sprintf("%d nodes", nodes)
	if large {
		size += fmt.Sprintf(", a large cluster (%d+)", o.LargeClusterNodes)
	}
	var configs []apiServerConfig
	var looked []string
	if !p.Managed {
		configs, looked = apiServerConfigs(s)
	}
	if len(configs) > 0 {
		var with, without []string
		var found []etcdOverride
		var bad []string
		for _, c := range configs {
			ov, b := parseEtcdOverrides(c.flags["etcd-servers-overrides"])
			bad = append(bad, b...)
			if e, ok := eventsOverride(ov); ok {
				with = append(with, c.source)
				found = append(found, e)
			} else {
				without = append(without, c.source)
			}
		}
		ev := withEvidence(p, map[string]any{"signal": configs[0].signal, "eventsOverrides": found, "nodes": nodes})
		if len(bad) > 0 {
			ev["malformedEntries"] = bad
		}
		switch {
		case len(without) == 0:
			return []Result{result.New(StatusPass, ObjectRef{}, fmt.Sprintf("Events are stored in a separate etcd (%s), set on %s.",
				strings.Join(found[0].Servers, ";"), strings.Join(with, ", ")), ev)}
		case len(with) > 0:
			return []Result{result.New(StatusWarn, ObjectRef{}, fmt.Sprintf(
				"Only some API servers store Events separately: %s %s the /events override, %s %s not, so Events written through them land in the main etcd; give every API server the same --etcd-servers-overrides.",
				strings.Join(with, ", "), plural(len(with), "has", "have"), strings.Join(without, ", "), plural(len(without), "does", "do")), ev)}
		}
		return []Result{result.New(notFound, ObjectRef{}, fmt.Sprintf(
			"Events share the main etcd: no --etcd-servers-overrides entry for /events in %s (%s). %s",
			strings.Join(without, ", "), size, eventsAdvice(large)), ev)}
	}
	// Without the flags, kops' events etcd-manager shows a separate store.
	if ev := podsLabelled(s, kubeSystem, "k8s-app", "etcd-manager-events"); len(ev) > 0 && !p.Managed {
		return []Result{result.New(StatusPass, ObjectRef{}, fmt.Sprintf("Events have their own etcd cluster run by etcd-manager-events (%d pods).", len(ev)),
			withEvidence(p, map[string]any{"signal": signalEtcdManager, "pods": len(ev)}))}
	}
	checks := s.Server.ReadyzChecks
	ovs := readyzOverrides(checks)
	ev := withEvidence(p, map[string]any{"signal": signalReadyz, "readyzOverrides": ovs, "nodes": nodes})
	switch {
	case len(ovs) > 0:
		return []Result{result.New(StatusPass, ObjectRef{}, fmt.Sprintf(
			"/readyz lists %s: the API server keeps some resources (normally Events) in a separate etcd.", strings.Join(ovs, ", ")), ev)}
	case p.Managed:
		ev["signal"] = signalPlatform
		return []Result{result.New(StatusNA, ObjectRef{}, fmt.Sprintf("%s: the provider runs etcd and decides where Events are stored.", p.Label()), ev)}
	case checks != nil && readyzListsOverrides(s.Server.GitVersion):
		return []Result{result.New(notFound, ObjectRef{}, fmt.Sprintf(
			"Events share the main etcd: /readyz on %s lists no etcd-override check (%s). %s", s.Server.GitVersion, size, eventsAdvice(large)), ev)}
	}
	ev["signal"] = signalNone
	missing := append(looked, readyzMissing(s)...)
	return []Result{result.New(StatusSkip, ObjectRef{}, "Cannot tell where Events are stored: "+strings.Join(missing, "; ")+".", ev)}
}

func readyzMissing(s *cluster.Snapshot) []string {
	if g, ok := s.GapFor(cluster.KindReadyz); ok {
		return []string{"/readyz could not be read (" + g.Reason + ")"}
	}
	if s.Server.ReadyzChecks == nil {
		return []string{"/readyz was not probed (" + sourceWords(s) + ")"}
	}
	return []string{fmt.Sprintf("/readyz on %q does not list etcd overrides (needs 1.34+)", s.Server.GitVersion)}
}

func sourceWords(s *cluster.Snapshot) string {
	src := s.Source
	if s.OriginalSource != "" {
		src = s.OriginalSource
	}
	if src == cluster.SourceManifests {
		return "the input is manifests, not a live cluster"
	}
	return "not collected"
}

func eventsAdvice(large bool) string {
	if large {
		return "At this size Events are a large share of etcd writes; move them to their own etcd with --etcd-servers-overrides=/events#…."
	}
	return "That is fine at this size; consider a separate Events etcd as the cluster grows."
}

// ---- ETCD-003 -----------------------------------------------------------

// scheduleInterval returns the longest gap between consecutive runs of a
// cron schedule (five fields, descriptors like @daily or @every 6h, and a
// CRON_TZ= prefix), looking at the runs after from: up to 1,000 of them
// or until a run more than 32 days after the first, whichever comes first.
// A weekday-only schedule thus has a 3-day interval over a weekend.
func scheduleInterval(spec, timeZone string, from time.Time) (time.Duration, error) {
	if timeZone != "" && !strings.HasPrefix(spec, "CRON_TZ=") && !strings.HasPrefix(spec, "TZ=") {
		spec = "CRON_TZ=" + timeZone + " " + spec
	}
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return 0, fmt.Errorf("parse schedule %q: %w", spec, err)
	}
	first := sched.Next(from)
	if first.IsZero() {
		return 0, fmt.Errorf("schedule %q never runs", spec)
	}
	var longest time.Duration
	prev := first
	for i := 0; i < 1000; i++ {
		next := sched.Next(prev)
		if next.IsZero() {
			break
		}
		if gap := next.Sub(prev); gap > longest {
			longest = gap
		}
		prev = next
		if next.Sub(first) > 32*24*time.Hour {
			break
		}
	}
	if longest == 0 {
		return 0, fmt.Errorf("schedule %q runs only once", spec)
	}
	return longest, nil
}

// freshness judges the age of the last successful backup against the
// schedule's interval (0 when unknown).
func freshness(o *Options, age, interval time.Duration) (Status, string) {
	limit := o.BackupMaxAge
	if interval > 0 {
		if l := time.Duration(float64(interval) * o.BackupIntervalFactor); l > limit {
			limit = l
		}
	}
	switch {
	case age > o.BackupFailAge:
		return StatusFail, fmt.Sprintf("the last successful backup is %s old, over %s", humanDuration(age), humanDuration(o.BackupFailAge))
	case age > limit:
		return StatusFail, fmt.Sprintf("the last successful backup is %s old, overdue (limit %s: %.1f× the %s interval, at least %s)",
			humanDuration(age), humanDuration(limit), o.BackupIntervalFactor, humanDuration(interval), humanDuration(o.BackupMaxAge))
	case age > o.BackupMaxAge:
		return StatusWarn, fmt.Sprintf("the last successful backup is %s old, over %s: a restore would lose more than a day of changes",
			humanDuration(age), humanDuration(o.BackupMaxAge))
	}
	return StatusPass, fmt.Sprintf("the last successful backup is %s old", humanDuration(age))
}

// backupFinding is one backup mechanism's verdict.
type backupFinding struct {
	res        Result
	etcdLevel  bool
	undecided  bool // status or schedule not visible
	resource   bool // resource-level (Velero)
	healthyRes bool // resource-level and healthy
}

func cronJobRef(cj *batchv1.CronJob) ObjectRef {
	return ObjectRef{APIVersion: "batch/v1", Kind: "CronJob", Namespace: cj.Namespace, Name: cj.Name}
}

// runsEtcdSnapshot reports whether a pod spec's containers run etcdctl or
// etcdutl with "snapshot save", and returns that container's name.
func runsEtcdSnapshot(spec *corev1.PodSpec) (string, bool) {
	for _, list := range [][]corev1.Container{spec.InitContainers, spec.Containers} {
		for i := range list {
			tokens := commandTokens(&list[i])
			tool := -1
			for j, t := range tokens {
				if b := path.Base(t); b == "etcdctl" || b == "etcdutl" {
					tool = j
					continue
				}
				if tool >= 0 && t == "snapshot" && j+1 < len(tokens) && tokens[j+1] == "save" {
					return list[i].Name, true
				}
			}
		}
	}
	return "", false
}

// latestJob returns the most recent Job the CronJob created.
func latestJob(s *cluster.Snapshot, cj *batchv1.CronJob) *batchv1.Job {
	var latest *batchv1.Job
	var latestAt time.Time
	for i := range s.Jobs {
		j := &s.Jobs[i]
		if j.Namespace != cj.Namespace {
			continue
		}
		ref := metav1.GetControllerOfNoCopy(j)
		if ref == nil || ref.Kind != "CronJob" || ref.Name != cj.Name {
			continue
		}
		at := j.CreationTimestamp.Time
		if j.Status.StartTime != nil {
			at = j.Status.StartTime.Time
		}
		if latest == nil || at.After(latestAt) {
			latest, latestAt = j, at
		}
	}
	return latest
}

func jobFailed(j *batchv1.Job) (string, bool) {
	for _, c := range j.Status.Conditions {
		if c.Type == batchv1.JobFailed && c.Status == corev1.ConditionTrue {
			return c.Reason, true
		}
	}
	return "", false
}

func cronJobBackup(s *cluster.Snapshot, o *Options, cj *batchv1.CronJob, container string) backupFinding {
	ref := cronJobRef(cj)
	ev := map[string]any{"signal": signalBackupCronJob, "schedule": cj.Spec.Schedule, "container": container}
	f := backupFinding{etcdLevel: true}
	fail := func(st Status, msg string) backupFinding {
		f.res = result.New(st, ref, fmt.Sprintf("etcd backup CronJob %s/%s: %s", cj.Namespace, cj.Name, msg), ev)
		return f
	}
	if cj.Spec.Suspend != nil && *cj.Spec.Suspend {
		ev["suspended"] = true
		return fail(StatusFail, "is suspended, so no snapshots are being taken; resume it (spec.suspend: false).")
	}
	tz := ""
	if cj.Spec.TimeZone != nil {
		tz = *cj.Spec.TimeZone
	}
	interval, err := scheduleInterval(cj.Spec.Schedule, tz, s.CollectedAt)
	if err != nil {
		f.undecided = true
		return fail(StatusSkip, "cannot judge its freshness: "+err.Error()+".")
	}
	ev["interval"] = interval.String()
	if j := latestJob(s, cj); j != nil {
		ev["lastJob"] = j.Name
		if reason, failed := jobFailed(j); failed {
			ev["lastJobFailed"] = reason
			return fail(StatusFail, fmt.Sprintf("its last run, Job %s, failed (%s); check its logs.", j.Name, reason))
		}
	}
	st := cj.Status
	if st.LastSuccessfulTime == nil {
		switch {
		case st.LastScheduleTime != nil:
			ev["lastScheduleTime"] = st.LastScheduleTime.UTC().Format(time.RFC3339)
			age := s.CollectedAt.Sub(st.LastScheduleTime.Time)
			if age < interval && cj.CreationTimestamp.Time.After(s.CollectedAt.Add(-interval)) {
				return fail(StatusWarn, "was created recently and has not completed a run yet; confirm its first run succeeds.")
			}
			return fail(StatusFail, fmt.Sprintf("has run (last scheduled %s ago) but has never succeeded; check its Jobs' logs.", humanDuration(age)))
		case cj.CreationTimestamp.IsZero():
			f.undecided = true
			return fail(StatusSkip, "its run history (status) is not in the input, so whether it works cannot be told.")
		case cj.CreationTimestamp.Time.After(s.CollectedAt.Add(-time.Duration(float64(interval) * o.BackupIntervalFactor))):
			return fail(StatusWarn, "was created recently and has not run yet; confirm its first run succeeds.")
		}
		return fail(StatusFail, fmt.Sprintf("has never run since it was created %s ago; check the schedule and the CronJob controller.",
			humanDuration(s.CollectedAt.Sub(cj.CreationTimestamp.Time))))
	}
	age := s.CollectedAt.Sub(st.LastSuccessfulTime.Time)
	ev["lastSuccessfulTime"] = st.LastSuccessfulTime.UTC().Format(time.RFC3339)
	status, why := freshness(o, age, interval)
	msg := fmt.Sprintf("runs %q (every %s at most); %s.", cj.Spec.Schedule, humanDuration(interval), why)
	if status == StatusPass && latestJob(s, cj) == nil {
		if _, gap := s.GapFor(cluster.KindJobs); gap {
			msg += " Its Jobs could not be read, so a failed latest run would not show."
		}
	}
	return fail(status, msg)
}

// ---- Velero ------------------------------------------------------------

func str(u *unstructured.Unstructured, fields ...string) string {
	v, _, _ := unstructured.NestedString(u.Object, fields...)
	return v
}

func timeField(u *unstructured.Unstructured, fields ...string) (time.Time, bool) {
	v := str(u, fields...)
	if v == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, v)
	return t, err == nil
}

func veleroRef(u *unstructured.Unstructured) ObjectRef {
	return ObjectRef{APIVersion: "velero.io/v1", Kind: "Schedule", Namespace: u.GetNamespace(), Name: u.GetName()}
}

// backupTime is when a Velero backup started (or was created).
func backupTime(b *unstructured.Unstructured) time.Time {
	if t, ok := timeField(b, "status", "startTimestamp"); ok {
		return t
	}
	return b.GetCreationTimestamp().Time
}

func veleroBackup(s *cluster.Snapshot, o *Options, sch *unstructured.Unstructured) backupFinding {
	ref := veleroRef(sch)
	f := backupFinding{resource: true}
	spec := str(sch, "spec", "schedule")
	ev := map[string]any{"signal": signalVelero, "schedule": spec, "level": "resource"}
	done := func(st Status, msg string) backupFinding {
		f.res = result.New(st, ref, fmt.Sprintf("Velero schedule %s/%s: %s", sch.GetNamespace(), sch.GetName(), msg), ev)
		return f
	}
	if paused, _, _ := unstructured.NestedBool(sch.Object, "spec", "paused"); paused {
		ev["paused"] = true
		return done(StatusFail, "is paused, so no backups are being taken; unpause it (spec.paused: false).")
	}
	if phase := str(sch, "status", "phase"); phase == "FailedValidation" {
		ev["phase"] = phase
		return done(StatusFail, "failed validation and never runs; see its status.validationErrors.")
	}
	interval, err := scheduleInterval(spec, "", s.CollectedAt)
	if err != nil {
		f.undecided = true
		return done(StatusSkip, "cannot judge its freshness: "+err.Error()+".")
	}
	ev["interval"] = interval.String()
	var backups []*unstructured.Unstructured
	for i := range s.VeleroBackups {
		b := &s.VeleroBackups[i]
		if b.GetNamespace() == sch.GetNamespace() && b.GetLabels()["velero.io/schedule-name"] == sch.GetName() {
			backups = append(backups, b)
		}
	}
	sort.SliceStable(backups, func(i, j int) bool { return backupTime(backups[i]).After(backupTime(backups[j])) })
	var lastOK time.Time
	for _, b := range backups {
		phase := str(b, "status", "phase")
		if veleroInProgress[phase] {
			continue
		}
		if phase == "Completed" {
			if t, ok := timeField(b, "status", "completionTimestamp"); ok {
				lastOK = t
				ev["lastCompleted"] = b.GetName()
				break
			}
			continue
		}
		if phase == "Failed" || phase == "PartiallyFailed" || phase == "FailedValidation" {
			ev["lastBackup"], ev["lastPhase"] = b.GetName(), phase
			return done(StatusFail, fmt.Sprintf("its latest finished backup %s ended %s; check velero backup logs %s.", b.GetName(), phase, b.GetName()))
		}
	}
	if lastOK.IsZero() {
		if g, gap := s.GapFor(cluster.KindVeleroBackups); gap {
			f.undecided = true
			return done(StatusSkip, "its Backups could not be read ("+g.Reason+"), so whether it works cannot be told.")
		}
		if t, ok := timeField(sch, "status", "lastBackup"); ok {
			ev["lastBackup"] = t.UTC().Format(time.RFC3339)
			return done(StatusFail, fmt.Sprintf("started a backup %s ago but none of its Backups completed.", humanDuration(s.CollectedAt.Sub(t))))
		}
		if sch.GetCreationTimestamp().Time.IsZero() {
			f.undecided = true
			return done(StatusSkip, "its backups and status are not in the input, so whether it works cannot be told.")
		}
		return done(StatusFail, "has no completed backup yet.")
	}
	ev["lastCompletedAt"] = lastOK.UTC().Format(time.RFC3339)
	status, why := freshness(o, s.CollectedAt.Sub(lastOK), interval)
	f.healthyRes = status == StatusPass
	return done(status, fmt.Sprintf("runs %q; %s.", spec, why))
}

// veleroInProgress are the phases of a Velero backup that has not
// finished.
var veleroInProgress = map[string]bool{
	"": true, "New": true, "InProgress": true, "WaitingForPluginOperations": true,
	"WaitingForPluginOperationsPartiallyFailed": true, "Finalizing": true, "FinalizingPartiallyFailed": true,
}

// ---- k3s / rke2 snapshots -----------------------------------------------

// k3sSnapshot is one etcd snapshot k3s or rke2 recorded.
type k3sSnapshot struct {
	Name     string    `json:"name"`
	Node     string    `json:"node,omitempty"`
	Created  time.Time `json:"created"`
	OK       bool      `json:"ok"`
	S3       bool      `json:"s3,omitempty"`
	Message  string    `json:"message,omitempty"`
	Location string    `json:"location,omitempty"`
}

// k3sSnapshots reads ETCDSnapshotFile objects and the legacy snapshot
// ConfigMaps (each data value a JSON record), newest first.
func k3sSnapshots(s *cluster.Snapshot) (snaps []k3sSnapshot, sources []string) {
	seen := map[string]bool{}
	for i := range s.ETCDSnapshotFiles {
		f := &s.ETCDSnapshotFiles[i]
		name := str(f, "spec", "snapshotName")
		if name == "" {
			name = f.GetName()
		}
		created, ok := timeField(f, "status", "creationTime")
		if !ok {
			created = f.GetCreationTimestamp().Time
		}
		ready, _, _ := unstructured.NestedBool(f.Object, "status", "readyToUse")
		_, hasS3, _ := unstructured.NestedMap(f.Object, "spec", "s3")
		sn := k3sSnapshot{Name: name, Node: str(f, "spec", "nodeName"), Created: created, OK: ready, S3: hasS3,
			Message: str(f, "status", "error", "message"), Location: str(f, "spec", "location")}
		key := sn.Name + "@" + sn.Node
		if !seen[key] {
			seen[key] = true
			snaps = append(snaps, sn)
		}
	}
	if len(s.ETCDSnapshotFiles) > 0 {
		sources = append(sources, "ETCDSnapshotFile")
	}
	for _, cmName := range []string{"k3s-etcd-snapshots", "rke2-etcd-snapshots"} {
		cm, ok := s.ConfigMap(kubeSystem, cmName)
		if !ok {
			continue
		}
		sources = append(sources, "ConfigMap kube-system/"+cmName)
		for _, k := range dnsSortedKeys(cm.Data) {
			var rec struct {
				Name      string          `json:"name"`
				NodeName  string          `json:"nodeName"`
				Location  string          `json:"location"`
				CreatedAt string          `json:"createdAt"`
				Status    string          `json:"status"`
				Message   string          `json:"message"`
				S3        json.RawMessage `json:"s3"`
			}
			if err := json.Unmarshal([]byte(cm.Data[k]), &rec); err != nil {
				continue
			}
			created, err := time.Parse(time.RFC3339, rec.CreatedAt)
			if err != nil {
				continue
			}
			if rec.Name == "" {
				rec.Name = k
			}
			sn := k3sSnapshot{Name: rec.Name, Node: rec.NodeName, Created: created, OK: rec.Status == "successful",
				S3: len(rec.S3) > 0 && string(rec.S3) != "null", Message: rec.Message, Location: rec.Location}
			key := sn.Name + "@" + sn.Node
			if !seen[key] {
				seen[key] = true
				snaps = append(snaps, sn)
			}
		}
	}
	sort.SliceStable(snaps, func(i, j int) bool { return snaps[i].Created.After(snaps[j].Created) })
	return snaps, sources
}

// k3sDefaultSnapshotSchedule is k3s' and rke2's default
// --etcd-snapshot-schedule-cron: every 12 hours.
const k3sDefaultSnapshotSchedule = "0 */12 * * *"

// k3sSnapshotConfig reads the servers' snapshot flags from node-args.
func k3sSnapshotConfig(s *cluster.Snapshot) (schedule string, disabled []string, servers int) {
	schedule = k3sDefaultSnapshotSchedule
	for i := range s.Nodes {
		args, _, ok := nodeArgs(&s.Nodes[i])
		if !ok || len(args) == 0 || args[0] != "server" {
			continue
		}
		servers++
		fs := parseFlags(args)
		if v, ok := fs.last("etcd-snapshot-schedule-cron"); ok && v != "" {
			schedule = v
		}
		if v, ok := fs.last("etcd-disable-snapshots"); ok && v != "false" {
			disabled = append(disabled, s.Nodes[i].Name)
		}
	}
	return schedule, disabled, servers
}

func k3sBackup(s *cluster.Snapshot, o *Options, p PlatformInfo) (backupFinding, bool) {
	snaps, sources := k3sSnapshots(s)
	schedule, disabled, servers := k3sSnapshotConfig(s)
	if len(snaps) == 0 && len(disabled) == 0 {
		return backupFinding{}, false
	}
	f := backupFinding{etcdLevel: true}
	ev := map[string]any{"signal": signalK3sSnapshots, "sources": sources, "schedule": schedule, "snapshots": len(snaps)}
	done := func(st Status, msg string) (backupFinding, bool) {
		f.res = result.New(st, ObjectRef{}, platformTitle(nonEmpty(p.Name, PlatformK3s))+" etcd snapshots: "+msg, ev)
		return f, true
	}
	if servers > 0 && len(disabled) == servers {
		ev["disabledOn"] = disabled
		return done(StatusFail, fmt.Sprintf("scheduled snapshots are disabled (--etcd-disable-snapshots on %s); remove the flag or take snapshots another way.",
			strings.Join(disabled, ", ")))
	}
	if len(snaps) == 0 {
		return backupFinding{}, false
	}
	newest := snaps[0]
	ev["newest"] = newest
	if !newest.OK {
		return done(StatusFail, fmt.Sprintf("the newest snapshot %s (on %s) failed: %s.", newest.Name, nonEmpty(newest.Node, "s3"), nonEmpty(newest.Message, "no message")))
	}
	interval, err := scheduleInterval(schedule, "", s.CollectedAt)
	if err != nil {
		interval = 0
	}
	ev["interval"] = interval.String()
	status, why := freshness(o, s.CollectedAt.Sub(newest.Created), interval)
	where := "kept only on the server nodes' disks; add --etcd-s3 so a lost node does not take its snapshots with it"
	for _, sn := range snaps {
		if sn.S3 {
			where = "copied to S3"
			break
		}
	}
	return done(status, fmt.Sprintf("%d recorded, newest %s on %s; schedule %q; %s; %s.", len(snaps), newest.Name, nonEmpty(newest.Node, "s3"), schedule, why, where))
}

func nonEmpty(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

// ---- etcd-manager -------------------------------------------------------

func etcdManagerBackups(s *cluster.Snapshot) []backupFinding {
	var out []backupFinding
	for _, cl := range []string{"main", "events"} {
		pods := podsLabelled(s, kubeSystem, "k8s-app", "etcd-manager-"+cl)
		if len(pods) == 0 {
			continue
		}
		store := ""
		for _, p := range pods {
			if v, ok := podFlags(p, "etcd-manager").last("backup-store"); ok && v != "" {
				store = v
				break
			}
		}
		ev := map[string]any{"signal": signalEtcdManager, "cluster": cl, "backupStore": store, "pods": len(pods)}
		f := backupFinding{etcdLevel: true}
		if store == "" {
			f.res = result.New(StatusFail, podRef(pods[0]), fmt.Sprintf("etcd-manager-%s has no --backup-store, so it keeps no backups.", cl), ev)
		} else {
			f.undecided = true
			f.res = result.New(StatusInfo, podRef(pods[0]), fmt.Sprintf(
				"etcd-manager-%s backs up to %s on its own schedule; the cluster does not show whether the last backup succeeded, so check the newest object in that store.",
				cl, store), ev)
		}
		out = append(out, f)
	}
	return out
}

// ---- ETCD-003 evaluation ---------------------------------------------------

func evalEtcd003(in *Input) []Result {
	s, o := in.Snapshot, in.Options
	p := platformOf(in)
	if p.Managed {
		msg := "etcd and its backups"
		verify := "confirm the provider's recovery guarantees; back up your own resources (Velero, GitOps) for namespace-level restores."
		r := managedNA(p, ObjectRef{}, msg, verify)
		if n := len(s.VeleroSchedules); n > 0 {
			r.Evidence["veleroSchedules"] = n
		}
		return []Result{r}
	}
	var findings []backupFinding
	for i := range s.CronJobs {
		cj := &s.CronJobs[i]
		if c, ok := runsEtcdSnapshot(&cj.Spec.JobTemplate.Spec.Template.Spec); ok {
			findings = append(findings, cronJobBackup(s, o, cj, c))
		}
	}
	if f, ok := k3sBackup(s, o, p); ok {
		findings = append(findings, f)
	}
	findings = append(findings, etcdManagerBackups(s)...)
	etcdLevel := false
	for _, f := range findings {
		if f.etcdLevel && (f.res.Status == StatusPass || f.res.Status == StatusInfo || f.res.Status == StatusWarn) {
			etcdLevel = true
		}
	}
	for i := range s.VeleroSchedules {
		f := veleroBackup(s, o, &s.VeleroSchedules[i])
		if f.healthyRes && !etcdLevel {
			f.res.Status = StatusWarn
			f.res.Message += " Velero restores Kubernetes objects, not etcd itself; add etcd snapshots for disaster recovery of the control plane."
		}
		findings = append(findings, f)
	}
	var out []Result
	for _, f := range findings {
		out = append(out, f.res)
	}
	if len(out) > 0 {
		for i := range out {
			out[i].Evidence = withEvidence(p, out[i].Evidence)
		}
		return out
	}
	ev := withEvidence(p, map[string]any{"signal": signalNone})
	var gaps []string
	for _, k := range []cluster.Kind{cluster.KindCronJobs, cluster.KindVeleroSchedules, cluster.KindETCDSnapshotFiles, cluster.KindPods} {
		if g, ok := s.GapFor(k); ok {
			gaps = append(gaps, fmt.Sprintf("%s (%s)", k, g.Reason))
		}
	}
	if p.Name == PlatformK3s || p.Name == PlatformRKE2 {
		for _, g := range s.Gaps {
			if g.Kind == cluster.KindConfigMaps && strings.HasSuffix(g.Name, "-etcd-snapshots") {
				gaps = append(gaps, fmt.Sprintf("configmap %s/%s (%s)", g.Namespace, g.Name, g.Reason))
			}
		}
	}
	if len(gaps) > 0 {
		ev["gaps"] = gaps
		return []Result{result.New(StatusSkip, ObjectRef{}, "No etcd backup found, but the search was incomplete: "+strings.Join(gaps, ", ")+" could not be read.", ev)}
	}
	if !p.ControlPlaneVisible && p.Name == PlatformUnknown {
		return []Result{result.New(StatusSkip, ObjectRef{}, "No etcd backup found, and no control plane is visible, so who runs etcd (and backs it up) cannot be told.", ev)}
	}
	e := findEtcdMembers(s, p)
	if e.sqlite != "" {
		return []Result{result.New(StatusFail, ObjectRef{}, fmt.Sprintf(
			"No backup found: k3s server %s keeps the cluster state in SQLite (/var/lib/rancher/k3s/server/db) and nothing backs it up; copy it off the machine on a schedule, or move to embedded etcd with snapshots.",
			e.sqlite), ev)}
	}
	return []Result{result.New(StatusFail, ObjectRef{}, "No etcd backup found: no CronJob runs etcdctl/etcdutl snapshot save, no k3s/rke2 snapshot is recorded, "+
		"no etcd-manager backup store and no Velero schedule exists. If snapshots are taken on the hosts (systemd timer, cron), this check cannot see them; "+
		"otherwise schedule etcd snapshots to durable storage.", ev)}
}
