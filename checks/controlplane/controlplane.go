package checks

import (
	"encoding/json"
	"fmt"
	"net"
	"sort"
	"strings"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/seaworthy-k8s/seaworthy/cluster"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// Control plane checks (CP-001..CP-004).
//
// Every check here first detects the platform (platform.go). On a managed
// control plane the provider runs the API servers, controllers and
// etcd: those checks report na and say what to verify with the provider.
// Each result's evidence names the signal it was decided from.

// CategoryControlPlane is the category of the CP checks.
const CategoryControlPlane = "Control plane"

// Lease labels and names.
const (
	labelAPIServerIdentity = "apiserver.kubernetes.io/identity"
	labelComponent126      = "k8s.io/component"
	labelHostname          = corev1.LabelHostname
	leaseControllerManager = "kube-controller-manager"
	leaseScheduler         = "kube-scheduler"
)

// Signals the CP checks decide from.
const (
	signalIdentityLeases    = "identity-leases"
	signalStaticPods        = "static-pods"
	signalControlPlaneNodes = "control-plane-nodes"
	signalLeaderLease       = "leader-lease"
	signalPlatform          = "platform"
)

var cp001 = Check{
	Meta: Meta{
		ID:       "CP-001",
		Title:    "API servers are highly available across failure zones",
		Category: CategoryControlPlane,
		Rule: "Live API servers are counted from, strongest signal first: kube-system Leases labelled " +
			"apiserver.kubernetes.io/identity=kube-apiserver (or the 1.26 label k8s.io/component=kube-apiserver) renewed within " +
			"APIServerLeaseMaxAge (default 60 s) of the snapshot time, each placed on the Node named by its kubernetes.io/hostname label; " +
			"else running kube-system pods labelled component=kube-apiserver (or k8s-app=kube-apiserver), on their node; " +
			"else Ready nodes labelled node-role.kubernetes.io/control-plane (or the legacy master labels). " +
			"A node's zone is topology.kubernetes.io/zone, else failure-domain.beta.kubernetes.io/zone. " +
			"1 API server → fail; 2 → warn; 3 or more in fewer than ControlPlaneMinZones (default 3) zones, on nodes without a zone label, " +
			"or more than ControlPlaneMaxPerZone (default 2) in one zone → warn; API server hosts that are not nodes of the cluster → info " +
			"(their zones are not visible); otherwise pass. Identity leases that exist but are all stale with no other signal → skip " +
			"(the input's time is probably not when it was collected). Managed control plane (EKS, GKE, AKS, …) → na.",
		Rationale: "Every kubectl call, controller, kubelet and admission webhook goes through the API servers. With one, a reboot or " +
			"node failure stops the cluster from changing at all; with all of them in one zone, a zone outage does the same.",
		Remediation: "Run at least three API servers (kubeadm join --control-plane, more kops master instance groups, k3s/rke2 server nodes), " +
			"one or two per zone in three zones, behind a load-balanced endpoint (see CP-003).",
	},
	Needs: []cluster.Kind{cluster.KindNodes},
	Eval:  evalCP001,
}

var cp002 = Check{
	Meta: Meta{
		ID:       "CP-002",
		Title:    "Controller manager and scheduler hold a fresh leader lease",
		Category: CategoryControlPlane,
		Rule: "On a self-managed control plane the Leases kube-system/kube-controller-manager and kube-system/kube-scheduler " +
			"(openshift-kube-scheduler/kube-scheduler on OpenShift) must exist and have been renewed within LeaderLeaseMaxAge " +
			"(default 60 s) of the snapshot time; missing or stale → fail. When the component's pods run with --leader-elect=false " +
			"and there is no lease: one pod → info, several → fail. Managed control plane → na.",
		Rationale: "The controller manager runs every built-in controller (Deployments, Jobs, node lifecycle, service accounts) and the scheduler " +
			"places every pod. A leader lease that is not renewed means no instance is acting: new pods stay Pending, " +
			"ReplicaSets are not reconciled and dead nodes are not evicted.",
		Remediation: "Check the kube-controller-manager and kube-scheduler pods or services on the control-plane nodes " +
			"(crictl ps, journalctl, their logs): they must be running and able to reach the API server with valid credentials.",
	},
	Needs: []cluster.Kind{cluster.KindNodes, cluster.KindLeases},
	Eval:  evalCP002,
}

var cp003 = Check{
	Meta: Meta{
		ID:       "CP-003",
		Title:    "Several API servers share a load-balanced endpoint",
		Category: CategoryControlPlane,
		Rule: "With two or more API servers (counted as in CP-001), kubeadm's kube-system/kubeadm-config ClusterConfiguration " +
			"(v1beta3 or v1beta4) must set controlPlaneEndpoint; empty → warn, and an endpoint that is one control-plane node's own " +
			"name or address → warn. One API server: endpoint set → pass, empty → info (set it before adding control-plane nodes). " +
			"k3s and rke2 → na (agents balance over every server themselves). No kubeadm-config on other self-managed platforms → skip. " +
			"Managed control plane → na.",
		Rationale: "Kubelets, kube-proxy and kubeconfigs hold a single server address. If it is one control-plane node, losing that node " +
			"cuts every client off even though the other API servers are healthy.",
		Remediation: "Put a load balancer, VIP (kube-vip, keepalived) or DNS name in front of all API servers and set it as " +
			"controlPlaneEndpoint in the kubeadm ClusterConfiguration (kubeadm init --control-plane-endpoint); the API server certificate " +
			"must include that name.",
	},
	Needs: []cluster.Kind{cluster.KindNodes},
	Eval:  evalCP003,
}

var cp004 = Check{
	Meta: Meta{
		ID:       "CP-004",
		Title:    "Platform detection",
		Category: CategoryControlPlane,
		Rule: "Always info. The platform (eks, gke, aks, doks, lke, oke, k3s, rke2, openshift, kops, kubeadm or unknown) is decided from, " +
			"strongest first: the server gitVersion (-eks-, -gke., +k3s, +rke2), an OpenShift ClusterVersion, k3s:// or rke2:// node " +
			"provider IDs, k3s/rke2 node-args annotations, provider node labels (eks.amazonaws.com/, cloud.google.com/gke-, " +
			"kubernetes.azure.com/, kops.k8s.io/instancegroup, …), kops etcd-manager pods, kubeadm's ConfigMap and annotations, " +
			"and cloud provider IDs (aws://, gce://, azure://) only when no control plane is visible. The control plane is managed " +
			"when a managed provider is named and no control-plane node or static control-plane pod is visible.",
		Rationale: "Which checks apply depends on who runs the control plane: on EKS, GKE or AKS the provider runs the API servers and etcd, " +
			"so their availability and backups are the provider's to guarantee and yours to verify in its settings.",
		Remediation: "Nothing to fix; if the platform is wrong or unknown, the evidence says which signals were seen.",
	},
	Eval: evalCP004,
}

// ---- shared: nodes, zones, pods ---------------------------------------

// nodeIndex finds nodes by name or by their kubernetes.io/hostname label.
type nodeIndex struct {
	byName, byHostname map[string]*corev1.Node
}

func newNodeIndex(nodes []corev1.Node) nodeIndex {
	ix := nodeIndex{byName: make(map[string]*corev1.Node, len(nodes)), byHostname: make(map[string]*corev1.Node, len(nodes))}
	for i := range nodes {
		n := &nodes[i]
		ix.byName[n.Name] = n
		if h := n.Labels[labelHostname]; h != "" {
			ix.byHostname[h] = n
		}
	}
	return ix
}

// find returns the node named host, or whose hostname label is host
// (compared case-insensitively, as host names are).
func (ix nodeIndex) find(host string) *corev1.Node {
	if host == "" {
		return nil
	}
	if n := ix.byName[host]; n != nil {
		return n
	}
	if n := ix.byHostname[host]; n != nil {
		return n
	}
	lower := strings.ToLower(host)
	if n := ix.byName[lower]; n != nil {
		return n
	}
	return ix.byHostname[lower]
}

// member is one API server or etcd member and where it runs.
type member struct {
	// Name is the host when known, else the object's name.
	Name string `json:"name"`
	// Object is the Lease, Pod or endpoint it was found as.
	Object string `json:"object,omitempty"`
	Host   string `json:"host,omitempty"`
	// Node is the cluster node it runs on; empty when the host is not a
	// node of this cluster.
	Node string `json:"node,omitempty"`
	Zone string `json:"zone,omitempty"`
	// Detail is signal-specific: a lease's age, a pod's readiness.
	Detail string `json:"detail,omitempty"`
}

// place sets m's node and zone from the node index.
func (m *member) place(ix nodeIndex) {
	if n := ix.find(m.Host); n != nil {
		m.Node = n.Name
		m.Zone = nodeZone(n)
	}
}

// spread judges how members are spread over zones.
type spread struct {
	perZone    map[string]int // labelled zones
	unlabelled []string       // members on nodes without a zone label
	notNodes   []string       // members whose host is not a node
}

func newSpread(ms []member) spread {
	sp := spread{perZone: map[string]int{}}
	for _, m := range ms {
		switch {
		case m.Node == "":
			sp.notNodes = append(sp.notNodes, m.Name)
		case m.Zone == "":
			sp.unlabelled = append(sp.unlabelled, m.Name)
		default:
			sp.perZone[m.Zone]++
		}
	}
	return sp
}

// describeZones reads "eu-west-1a: 2, eu-west-1b: 1".
func (sp spread) describeZones() string {
	parts := make([]string, 0, len(sp.perZone))
	for _, z := range dnsSortedKeys(sp.perZone) {
		parts = append(parts, fmt.Sprintf("%s: %d", z, sp.perZone[z]))
	}
	return strings.Join(parts, ", ")
}

// verdict applies the zone rule: warn when a zone holds more than maxPer,
// when members sit on nodes without a zone label, or when fewer than
// minZones zones are used; info when some hosts are not nodes (their zone
// is unknown) and nothing else is wrong; pass otherwise.
func (sp spread) verdict(what string, minZones, maxPer int) (Status, string) {
	for _, z := range dnsSortedKeys(sp.perZone) {
		if sp.perZone[z] > maxPer {
			return StatusWarn, fmt.Sprintf("%d %s are in zone %s (at most %d per zone), so losing that zone loses most of them (zones: %s).",
				sp.perZone[z], what, z, maxPer, sp.describeZones())
		}
	}
	if len(sp.unlabelled) > 0 {
		return StatusWarn, fmt.Sprintf("%s %s on nodes without a topology.kubernetes.io/zone label, so nothing shows they are in separate failure zones.",
			strings.Join(sp.unlabelled, ", "), plural(len(sp.unlabelled), "runs", "run"))
	}
	if len(sp.notNodes) > 0 {
		if len(sp.perZone) > 0 {
			return StatusInfo, fmt.Sprintf("zones: %s; %s %s not nodes of this cluster, so their zones are not visible; verify they are in %d separate zones.",
				sp.describeZones(), strings.Join(sp.notNodes, ", "), plural(len(sp.notNodes), "is", "are"), minZones)
		}
		return StatusInfo, fmt.Sprintf("%s %s not nodes of this cluster, so their zones are not visible; verify they are in %d separate zones.",
			strings.Join(sp.notNodes, ", "), plural(len(sp.notNodes), "is", "are"), minZones)
	}
	if len(sp.perZone) < minZones {
		return StatusWarn, fmt.Sprintf("they span only %d %s (%s), fewer than %d, so one zone outage can take most of them.",
			len(sp.perZone), plural(len(sp.perZone), "zone", "zones"), sp.describeZones(), minZones)
	}
	return StatusPass, fmt.Sprintf("spread over %d zones (%s).", len(sp.perZone), sp.describeZones())
}

// leaseAge is how long before now the lease was last renewed (or acquired);
// ok is false when it has neither time. A renewal after now is a negative
// age: a little is clock skew, much means the snapshot's time (--now) is
// earlier than its data, and then freshness cannot be judged.
func leaseAge(l *coordinationv1.Lease, now time.Time) (time.Duration, bool) {
	var t time.Time
	switch {
	case l.Spec.RenewTime != nil:
		t = l.Spec.RenewTime.Time
	case l.Spec.AcquireTime != nil:
		t = l.Spec.AcquireTime.Time
	default:
		return 0, false
	}
	return now.Sub(t), true
}

// humanDuration rounds d for messages: 45s, 12m, 5h10m, 3d4h.
func humanDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 48*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return fmt.Sprintf("%dh", h)
		}
		return fmt.Sprintf("%dh%dm", h, m)
	default:
		days, h := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
		if h == 0 {
			return fmt.Sprintf("%dd", days)
		}
		return fmt.Sprintf("%dd%dh", days, h)
	}
}

// componentPods returns the kube-system pods of a control-plane component:
// labelled component=NAME (kubeadm, rke2) or k8s-app=NAME (kops).
func componentPods(s *cluster.Snapshot, name string) []*corev1.Pod {
	var out []*corev1.Pod
	for i := range s.Pods {
		p := &s.Pods[i]
		if p.Namespace == kubeSystem && (p.Labels["component"] == name || p.Labels["k8s-app"] == name) {
			out = append(out, p)
		}
	}
	return out
}

// podRunning reports whether a pod counts as running: not finished or
// pending, and not reported unready. A pod read from a manifest without
// status counts: it describes a pod that exists.
func podRunning(p *corev1.Pod) bool {
	switch p.Status.Phase {
	case corev1.PodFailed, corev1.PodSucceeded, corev1.PodPending:
		return false
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady && c.Status == corev1.ConditionFalse {
			return false
		}
	}
	return true
}

func nodeReady(n *corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	// A node without conditions (a hand-written manifest) is taken as it
	// is declared.
	return true
}

func podRef(p *corev1.Pod) ObjectRef {
	return ObjectRef{APIVersion: "v1", Kind: "Pod", Namespace: p.Namespace, Name: p.Name}
}

func leaseRef(ns, name string) ObjectRef {
	return ObjectRef{APIVersion: "coordination.k8s.io/v1", Kind: "Lease", Namespace: ns, Name: name}
}

func nodeRef(name string) ObjectRef {
	return ObjectRef{APIVersion: "v1", Kind: "Node", Name: name}
}

var kubeadmConfigRef = ObjectRef{APIVersion: "v1", Kind: "ConfigMap", Namespace: kubeSystem, Name: kubeadmConfigName}

// withEvidence merges extra into the platform's evidence.
func withEvidence(p PlatformInfo, extra map[string]any) map[string]any {
	ev := p.evidence()
	for k, v := range extra {
		ev[k] = v
	}
	return ev
}

// managedNA is the na result of a check on what a managed provider runs.
func managedNA(p PlatformInfo, obj ObjectRef, what, verify string) Result {
	return result.New(StatusNA, obj, fmt.Sprintf("%s: the provider runs %s; %s", p.Label(), what, verify),
		withEvidence(p, map[string]any{"signal": signalPlatform}))
}

// providerVerify says what to check with the provider about control-plane
// availability.
func providerVerify(p PlatformInfo) string {
	switch p.Name {
	case PlatformEKS:
		return "EKS spreads API servers and etcd over three Availability Zones in every cluster; verify the cluster's platform version is supported and watch the control plane's health in the EKS console."
	case PlatformGKE:
		return "verify in GKE that the cluster is regional (a zonal cluster has a single control plane in one zone)."
	case PlatformAKS:
		return "verify the AKS cluster uses the Standard or Premium tier, which gives the control plane an uptime SLA (the Free tier has none)."
	}
	return "verify with the provider that the control plane is replicated across zones and covered by an uptime SLA."
}

// ---- kubeadm ClusterConfiguration --------------------------------------

// kubeadmClusterConfig is the part of kubeadm's ClusterConfiguration the
// checks read, for kubeadm.k8s.io/v1beta3 and v1beta4.
type kubeadmClusterConfig struct {
	APIVersion           string `json:"apiVersion"`
	ControlPlaneEndpoint string `json:"controlPlaneEndpoint"`
	APIServer            struct {
		ExtraArgs extraArgs `json:"extraArgs"`
	} `json:"apiServer"`
	ControllerManager struct {
		ExtraArgs extraArgs `json:"extraArgs"`
	} `json:"controllerManager"`
	Scheduler struct {
		ExtraArgs extraArgs `json:"extraArgs"`
	} `json:"scheduler"`
	Etcd struct {
		Local *struct {
			ExtraArgs extraArgs `json:"extraArgs"`
		} `json:"local"`
		External *struct {
			Endpoints []string `json:"endpoints"`
		} `json:"external"`
	} `json:"etcd"`
}

// extraArgs holds kubeadm extraArgs in order: v1beta3 writes them as a map
// (name: value), v1beta4 as a list of {name, value} that may repeat a name.
type extraArgs []flagValue

type flagValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// UnmarshalJSON accepts both shapes.
func (e *extraArgs) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		return nil
	}
	if strings.HasPrefix(s, "{") {
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("extraArgs map: %w", err)
		}
		for _, k := range dnsSortedKeys(m) {
			*e = append(*e, flagValue{Name: k, Value: m[k]})
		}
		return nil
	}
	var l []flagValue
	if err := json.Unmarshal(b, &l); err != nil {
		return fmt.Errorf("extraArgs list: %w", err)
	}
	*e = l
	return nil
}

// flags returns the arguments as a flag map.
func (e extraArgs) flags() flagSet {
	fs := flagSet{}
	for _, a := range e {
		fs[a.Name] = append(fs[a.Name], a.Value)
	}
	return fs
}

// kubeadmConfig reads kube-system/kubeadm-config's ClusterConfiguration.
// present is false when the ConfigMap is not in the snapshot; err is set
// when it is but cannot be parsed.
func kubeadmConfig(s *cluster.Snapshot) (cfg *kubeadmClusterConfig, present bool, err error) {
	cm, ok := s.ConfigMap(kubeSystem, kubeadmConfigName)
	if !ok {
		return nil, false, nil
	}
	raw, ok := cm.Data["ClusterConfiguration"]
	if !ok {
		return nil, true, fmt.Errorf("kube-system/kubeadm-config has no ClusterConfiguration key")
	}
	cfg, err = parseKubeadmClusterConfig(raw)
	return cfg, true, err
}

func parseKubeadmClusterConfig(raw string) (*kubeadmClusterConfig, error) {
	var cfg kubeadmClusterConfig
	if err := yaml.Unmarshal([]byte(raw), &cfg); err != nil {
		return nil, fmt.Errorf("parse kubeadm ClusterConfiguration: %w", err)
	}
	return &cfg, nil
}

// kubeadmConfigGap returns the snapshot's gap for the kubeadm-config
// ConfigMap (forbidden, say), if any.
func kubeadmConfigGap(s *cluster.Snapshot) (cluster.Gap, bool) {
	for _, g := range s.Gaps {
		if g.Kind == cluster.KindConfigMaps && (g.Name == "" || (g.Namespace == kubeSystem && g.Name == kubeadmConfigName)) {
			return g, true
		}
	}
	return cluster.Gap{}, false
}

// ---- command-line flags -------------------------------------------------

// flagSet maps a long flag name to every value it was given, in order.
type flagSet map[string][]string

// last returns the flag's last value, as a scalar flag takes it.
func (fs flagSet) last(name string) (string, bool) {
	v := fs[name]
	if len(v) == 0 {
		return "", false
	}
	return v[len(v)-1], true
}

// parseFlags reads --name=value and --name value arguments. A bare --name
// followed by another flag (or nothing) has the value "".
func parseFlags(tokens []string) flagSet {
	fs := flagSet{}
	for i := 0; i < len(tokens); i++ {
		t := tokens[i]
		if !strings.HasPrefix(t, "--") || len(t) == 2 {
			continue
		}
		name, value, hasValue := strings.Cut(t[2:], "=")
		if !hasValue && i+1 < len(tokens) && !strings.HasPrefix(tokens[i+1], "-") {
			value = tokens[i+1]
			i++
		}
		fs[name] = append(fs[name], value)
	}
	return fs
}

// commandTokens returns a container's command and args as arguments; an
// argument holding a whole shell command line (sh -c "…") is split on
// whitespace and shell separators.
func commandTokens(c *corev1.Container) []string {
	var tokens []string
	for _, list := range [][]string{c.Command, c.Args} {
		for _, t := range list {
			if strings.ContainsAny(t, " \t\n") {
				for _, f := range strings.FieldsFunc(t, func(r rune) bool {
					return r == ' ' || r == '\t' || r == '\n' || r == ';' || r == '|' || r == '&' || r == '\\'
				}) {
					tokens = append(tokens, strings.Trim(f, `'"`))
				}
				continue
			}
			tokens = append(tokens, t)
		}
	}
	return tokens
}

// podFlags returns the flags of the pod's container named like the
// component (else its first container).
func podFlags(p *corev1.Pod, component string) flagSet {
	cs := p.Spec.Containers
	if len(cs) == 0 {
		return flagSet{}
	}
	c := &cs[0]
	for i := range cs {
		if cs[i].Name == component {
			c = &cs[i]
		}
	}
	return parseFlags(commandTokens(c))
}

// componentArgs returns the "name=value" arguments a k3s/rke2 node passes
// to a component with --kube-apiserver-arg and the like.
func componentArgs(args []string, flag string) flagSet {
	fs := flagSet{}
	for _, v := range parseFlags(args)[flag] {
		name, value, _ := strings.Cut(strings.TrimPrefix(v, "--"), "=")
		fs[name] = append(fs[name], value)
	}
	return fs
}

// apiServerConfig is one place the API server's flags can be read from.
type apiServerConfig struct {
	ref    ObjectRef
	signal string
	// flags as given; defaults are what the platform passes when the flag
	// is not given (kubeadm and k3s set some themselves).
	flags    flagSet
	defaults map[string]string
	source   string // words for messages: "pod kube-apiserver-cp-a"
}

// value returns the flag's effective value and whether it was set (or
// defaulted by the platform).
func (c apiServerConfig) value(name string) (string, bool) {
	if v, ok := c.flags.last(name); ok {
		return v, true
	}
	v, ok := c.defaults[name]
	return v, ok
}

// Signals for API server flags.
const (
	signalAPIServerPod = "kube-apiserver-pod"
	signalK3sNodeArgs  = "k3s-node-args"
)

// kubeadmAPIServerDefaults are the flags kubeadm passes unless extraArgs
// overrides them.
var kubeadmAPIServerDefaults = map[string]string{"authorization-mode": "Node,RBAC"}

// k3sAPIServerDefaults are the flags k3s and rke2 pass unless
// --kube-apiserver-arg overrides them.
var k3sAPIServerDefaults = map[string]string{"authorization-mode": "Node,RBAC", "anonymous-auth": "false"}

// apiServerConfigs returns where the API server's flags are visible,
// strongest first: the kube-apiserver static pods (one each), else the
// kubeadm ClusterConfiguration, else the k3s/rke2 server nodes' node-args.
// looked says what was tried, for skip messages.
func apiServerConfigs(s *cluster.Snapshot) (configs []apiServerConfig, looked []string) {
	for _, p := range componentPods(s, "kube-apiserver") {
		configs = append(configs, apiServerConfig{ref: podRef(p), signal: signalAPIServerPod, flags: podFlags(p, "kube-apiserver"),
			source: p.Name})
	}
	if len(configs) > 0 {
		return configs, nil
	}
	if g, ok := s.GapFor(cluster.KindPods); ok {
		looked = append(looked, "kube-apiserver pods ("+g.Reason+")")
	} else {
		looked = append(looked, "no kube-apiserver pod in kube-system")
	}
	cfg, present, err := kubeadmConfig(s)
	switch {
	case err != nil:
		looked = append(looked, err.Error())
	case present:
		return []apiServerConfig{{ref: kubeadmConfigRef, signal: signalKubeadmConfig, flags: cfg.APIServer.ExtraArgs.flags(),
			defaults: kubeadmAPIServerDefaults, source: "kubeadm-config apiServer.extraArgs"}}, nil
	default:
		if g, ok := kubeadmConfigGap(s); ok {
			looked = append(looked, "kubeadm-config ("+g.Reason+")")
		} else {
			looked = append(looked, "no kubeadm-config")
		}
	}
	for i := range s.Nodes {
		n := &s.Nodes[i]
		args, anno, ok := nodeArgs(n)
		if !ok || len(args) == 0 || args[0] != "server" {
			continue
		}
		configs = append(configs, apiServerConfig{ref: nodeRef(n.Name), signal: signalK3sNodeArgs,
			flags: componentArgs(args, "kube-apiserver-arg"), defaults: k3sAPIServerDefaults, source: "server " + n.Name + " (" + anno + ")"})
	}
	if len(configs) == 0 {
		looked = append(looked, "no k3s/rke2 server node-args")
	}
	return configs, looked
}

// ---- CP-001 -------------------------------------------------------------

// apiServers finds the live API servers from the strongest signal
// available. stale lists identity leases not renewed in time.
type apiServerCount struct {
	signal  string
	members []member
	stale   []member
	// note explains a fallback.
	note string
}

func isIdentityLease(l *coordinationv1.Lease) bool {
	return l.Namespace == kubeSystem &&
		(l.Labels[labelAPIServerIdentity] == "kube-apiserver" || l.Labels[labelComponent126] == "kube-apiserver")
}

func findAPIServers(s *cluster.Snapshot, o *Options) apiServerCount {
	ix := newNodeIndex(s.Nodes)
	var c apiServerCount
	_, leaseGap := s.GapFor(cluster.KindLeases)
	for i := range s.Leases {
		l := &s.Leases[i]
		if !isIdentityLease(l) {
			continue
		}
		m := member{Name: l.Labels[labelHostname], Object: "Lease/" + l.Name, Host: l.Labels[labelHostname]}
		if m.Name == "" {
			m.Name = l.Name
		}
		m.place(ix)
		age, ok := leaseAge(l, s.CollectedAt)
		switch {
		case !ok:
			m.Detail = "never renewed"
			c.stale = append(c.stale, m)
		case age < -o.APIServerLeaseMaxAge:
			m.Detail = "renewed " + humanDuration(-age) + " after the snapshot time"
			c.stale = append(c.stale, m)
		case age > o.APIServerLeaseMaxAge:
			m.Detail = "renewed " + humanDuration(age) + " ago"
			c.stale = append(c.stale, m)
		default:
			m.Detail = "renewed " + humanDuration(max(age, 0)) + " ago"
			c.members = append(c.members, m)
		}
	}
	if len(c.members) > 0 {
		c.signal = signalIdentityLeases
		sortMembers(c.members)
		return c
	}
	switch {
	case leaseGap:
		c.note = "Leases could not be read"
	case len(c.stale) > 0:
		c.note = fmt.Sprintf("%d API server identity %s found, none renewed within %s of the snapshot time",
			len(c.stale), plural(len(c.stale), "lease", "leases"), humanDuration(o.APIServerLeaseMaxAge))
	}
	for _, p := range componentPods(s, "kube-apiserver") {
		if !podRunning(p) {
			continue
		}
		m := member{Name: p.Spec.NodeName, Object: "Pod/" + p.Name, Host: p.Spec.NodeName}
		if m.Name == "" {
			m.Name = p.Name
		}
		m.place(ix)
		c.members = append(c.members, m)
	}
	if len(c.members) > 0 {
		c.signal = signalStaticPods
		sortMembers(c.members)
		return c
	}
	for i := range s.Nodes {
		n := &s.Nodes[i]
		if isControlPlaneNode(n) && nodeReady(n) {
			c.members = append(c.members, member{Name: n.Name, Host: n.Name, Node: n.Name, Zone: nodeZone(n)})
		}
	}
	if len(c.members) > 0 {
		c.signal = signalControlPlaneNodes
	}
	return c
}

func evalCP001(in *Input) []Result {
	s, o := in.Snapshot, in.Options
	p := platformOf(in)
	if p.Managed {
		return []Result{managedNA(p, ObjectRef{}, "the API servers", providerVerify(p))}
	}
	c := findAPIServers(s, o)
	ev := withEvidence(p, map[string]any{"signal": c.signal, "apiServers": c.members, "count": len(c.members)})
	if len(c.stale) > 0 {
		ev["staleLeases"] = c.stale
	}
	n := len(c.members)
	if n == 0 {
		ev["signal"] = signalNone
		why := "no fresh API server identity Lease, no running kube-apiserver pod in kube-system and no Ready control-plane node"
		if c.note != "" {
			why = c.note + "; " + why
		}
		if len(c.stale) > 0 && !in.Snapshot.CollectedAt.IsZero() {
			why += fmt.Sprintf(" (if the input was exported earlier, pass --now with the time it was read; snapshot time %s)",
				s.CollectedAt.Format(time.RFC3339))
		}
		return []Result{result.New(StatusSkip, ObjectRef{}, "Cannot count the API servers: "+why+".", ev)}
	}
	from := map[string]string{
		signalIdentityLeases:    "identity leases",
		signalStaticPods:        "kube-apiserver pods",
		signalControlPlaneNodes: "control-plane nodes",
	}[c.signal]
	if c.note != "" {
		from += " (" + c.note + ")"
	}
	sp := newSpread(c.members)
	ev["zones"] = sp.perZone
	names := make([]string, n)
	for i, m := range c.members {
		names[i] = m.Name
		if m.Node != "" && m.Node != m.Name {
			names[i] += " (node " + m.Node + ")"
		}
	}
	head := fmt.Sprintf("%d API %s (%s) from %s", n, plural(n, "server", "servers"), strings.Join(names, ", "), from)
	staleNote := ""
	if len(c.stale) > 0 && c.signal == signalIdentityLeases {
		staleNote = fmt.Sprintf(" %d more identity %s stale (%s): an API server that stopped renewing.",
			len(c.stale), plural(len(c.stale), "lease is", "leases are"), memberNames(c.stale))
	}
	switch {
	case n == 1:
		return []Result{result.New(StatusFail, ObjectRef{}, head+": a single API server is a single point of failure for the whole cluster; run at least 3 across 3 zones."+staleNote, ev)}
	case n == 2:
		return []Result{result.New(StatusWarn, ObjectRef{}, head+": losing either one halves capacity and leaves no spare; run at least 3 across 3 zones."+staleNote, ev)}
	}
	st, why := sp.verdict("API servers", o.ControlPlaneMinZones, o.ControlPlaneMaxPerZone)
	return []Result{result.New(st, ObjectRef{}, head+"; "+why+staleNote, ev)}
}

func memberNames(ms []member) string {
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.Name
		if m.Detail != "" {
			names[i] += ", " + m.Detail
		}
	}
	return strings.Join(names, "; ")
}

// ---- CP-002 -------------------------------------------------------------

func evalCP002(in *Input) []Result {
	s, o := in.Snapshot, in.Options
	p := platformOf(in)
	var out []Result
	for _, comp := range []string{leaseControllerManager, leaseScheduler} {
		ns := kubeSystem
		l := findLease(s, ns, comp)
		if l == nil && p.Name == PlatformOpenShift && comp == leaseScheduler {
			ns = "openshift-kube-scheduler"
			l = findLease(s, ns, comp)
		}
		ref := leaseRef(ns, comp)
		if p.Managed {
			out = append(out, managedNA(p, ref, comp, "its leader election is the provider's to keep healthy."))
			continue
		}
		out = append(out, leaderLeaseResult(s, o, p, comp, ref, l))
	}
	return out
}

func findLease(s *cluster.Snapshot, ns, name string) *coordinationv1.Lease {
	for i := range s.Leases {
		if s.Leases[i].Namespace == ns && s.Leases[i].Name == name {
			return &s.Leases[i]
		}
	}
	return nil
}

func leaderLeaseResult(s *cluster.Snapshot, o *Options, p PlatformInfo, comp string, ref ObjectRef, l *coordinationv1.Lease) Result {
	ev := withEvidence(p, map[string]any{"signal": signalLeaderLease, "maxAge": o.LeaderLeaseMaxAge.String()})
	if l == nil {
		pods := componentPods(s, comp)
		off := 0
		for _, pod := range pods {
			if v, ok := podFlags(pod, comp).last("leader-elect"); ok && (v == "false" || v == "0") {
				off++
			}
		}
		if cfg, _, err := kubeadmConfig(s); err == nil && cfg != nil && len(pods) == 0 {
			args := cfg.ControllerManager.ExtraArgs
			if comp == leaseScheduler {
				args = cfg.Scheduler.ExtraArgs
			}
			if v, ok := args.flags().last("leader-elect"); ok && v == "false" {
				off = 1
			}
		}
		if off > 0 {
			ev["leaderElect"] = false
			ev["pods"] = len(pods)
			if len(pods) > 1 {
				return result.New(StatusFail, ref, fmt.Sprintf("%d %s pods run with --leader-elect=false: they all act at once and fight over the same objects; enable leader election.",
					len(pods), comp), ev)
			}
			return result.New(StatusInfo, ref, fmt.Sprintf("%s runs with --leader-elect=false, so it holds no lease; that is only safe with a single instance.", comp), ev)
		}
		if g, ok := s.GapFor(cluster.KindLeases); ok {
			return result.New(StatusSkip, ref, "Leases could not be read: "+g.Message, ev)
		}
		return result.New(StatusFail, ref, fmt.Sprintf(
			"No %s leader Lease exists in %s: no %s instance has ever led, or it runs without leader election; check that it is running.",
			comp, ref.Namespace, comp), ev)
	}
	holder := ""
	if l.Spec.HolderIdentity != nil {
		holder = *l.Spec.HolderIdentity
	}
	ev["holder"] = holder
	age, ok := leaseAge(l, s.CollectedAt)
	if !ok {
		return result.New(StatusFail, ref, fmt.Sprintf("The %s leader Lease has never been renewed: no instance is leading.", comp), ev)
	}
	if age < -o.LeaderLeaseMaxAge {
		ev["renewedAfterSnapshotBy"] = (-age).Round(time.Second).String()
		return result.New(StatusSkip, ref, fmt.Sprintf(
			"The %s leader Lease was renewed %s after the snapshot time, so its freshness cannot be judged: the snapshot's time (--now) is earlier than its data.",
			comp, humanDuration(-age)), ev)
	}
	age = max(age, 0) // clock skew
	ev["age"] = age.Round(time.Second).String()
	if holder == "" {
		return result.New(StatusFail, ref, fmt.Sprintf("The %s leader Lease has no holder (released %s ago): no instance is leading.", comp, humanDuration(age)), ev)
	}
	if age > o.LeaderLeaseMaxAge {
		return result.New(StatusFail, ref, fmt.Sprintf(
			"The %s leader Lease was last renewed %s ago by %s (limit %s): no instance is acting as leader, so its work is not being done.",
			comp, humanDuration(age), holder, humanDuration(o.LeaderLeaseMaxAge)), ev)
	}
	return result.New(StatusPass, ref, fmt.Sprintf("%s is led by %s, renewed %s ago.", comp, holder, humanDuration(age)), ev)
}

// ---- CP-003 -------------------------------------------------------------

func evalCP003(in *Input) []Result {
	s, o := in.Snapshot, in.Options
	p := platformOf(in)
	if p.Managed {
		return []Result{managedNA(p, ObjectRef{}, "the API endpoint", "its load balancing is part of the service.")}
	}
	c := findAPIServers(s, o)
	n := len(c.members)
	if p.Name == PlatformK3s || p.Name == PlatformRKE2 {
		return []Result{result.New(StatusNA, ObjectRef{}, fmt.Sprintf(
			"%s agents run a client-side load balancer over every server (%d found); give kubeconfigs a fixed registration address (DNS name or VIP, in --tls-san) rather than one server's address.",
			platformTitle(p.Name), n), withEvidence(p, map[string]any{"signal": signalPlatform, "apiServers": n}))}
	}
	cfg, present, err := kubeadmConfig(s)
	ev := withEvidence(p, map[string]any{"signal": signalKubeadmConfig, "apiServers": n})
	switch {
	case err != nil:
		return []Result{result.New(StatusSkip, kubeadmConfigRef, "Cannot read the control plane endpoint: "+err.Error()+".", ev)}
	case !present:
		why := "there is no kube-system/kubeadm-config ConfigMap"
		if g, ok := kubeadmConfigGap(s); ok {
			why = "kube-system/kubeadm-config could not be read (" + g.Reason + ")"
		}
		ev["signal"] = signalNone
		return []Result{result.New(StatusSkip, ObjectRef{}, fmt.Sprintf(
			"Cannot see the control plane endpoint: %s, and nothing else in the cluster records it; make sure clients reach the %d API %s through a load balancer or DNS name.",
			why, n, plural(n, "server", "servers")), ev)}
	}
	ev["apiVersion"] = cfg.APIVersion
	ep := strings.TrimSpace(cfg.ControlPlaneEndpoint)
	ev["controlPlaneEndpoint"] = ep
	if ep == "" {
		if n <= 1 {
			return []Result{result.New(StatusInfo, kubeadmConfigRef,
				"controlPlaneEndpoint is empty; with one API server that works, but set it to a DNS name or VIP before adding control-plane nodes, since kubeadm does not support turning a cluster created without it into a highly available one.", ev)}
		}
		return []Result{result.New(StatusWarn, kubeadmConfigRef, fmt.Sprintf(
			"%d API servers, but kubeadm's controlPlaneEndpoint is empty: kubelets and kubeconfigs point at the first control-plane node's own address, so losing it cuts them off; put a load balancer or VIP in front and set controlPlaneEndpoint.",
			n), ev)}
	}
	if node := endpointNode(s, ep); node != "" && n > 1 {
		ev["endpointNode"] = node
		return []Result{result.New(StatusWarn, kubeadmConfigRef, fmt.Sprintf(
			"controlPlaneEndpoint %s is control-plane node %s's own name or address, so the %d API servers are reached through one node; point it at a load balancer or VIP.",
			ep, node, n), ev)}
	}
	return []Result{result.New(StatusPass, kubeadmConfigRef, fmt.Sprintf("Clients reach the %d API %s through controlPlaneEndpoint %s.",
		n, plural(n, "server", "servers"), ep), ev)}
}

// endpointNode returns the control-plane node whose name or address is the
// endpoint's host, if any.
func endpointNode(s *cluster.Snapshot, endpoint string) string {
	host := endpoint
	if h, _, err := net.SplitHostPort(endpoint); err == nil {
		host = h
	}
	host = strings.ToLower(strings.Trim(host, "[]"))
	for i := range s.Nodes {
		n := &s.Nodes[i]
		if !isControlPlaneNode(n) {
			continue
		}
		if strings.ToLower(n.Name) == host || strings.ToLower(n.Labels[labelHostname]) == host {
			return n.Name
		}
		for _, a := range n.Status.Addresses {
			if strings.ToLower(a.Address) == host {
				return n.Name
			}
		}
	}
	return ""
}

// ---- CP-004 -------------------------------------------------------------

func evalCP004(in *Input) []Result {
	p := platformOf(in)
	ev := withEvidence(p, map[string]any{"signal": p.Signal})
	if p.ControlPlaneEvidence != "" {
		ev["controlPlaneVisible"] = p.ControlPlaneEvidence
	}
	var msg string
	switch {
	case p.Signal == signalNone:
		msg = "Platform unknown: no server version marker, provider node label or ID, distribution annotation or kubeadm object in the input."
	case p.Name == PlatformUnknown:
		msg = fmt.Sprintf("Platform: %s, self-managed: %s.", p.Label(), p.Detail)
	default:
		msg = fmt.Sprintf("Platform: %s, from %s (%s).", p.Label(), p.Signal, p.Detail)
		if p.Name != PlatformUnknown && managedPlatforms[p.Name] && !p.Managed {
			msg += " A control plane is visible (" + p.ControlPlaneEvidence + "), so it is treated as self-managed."
		}
	}
	return []Result{result.New(StatusInfo, ObjectRef{}, msg, ev)}
}

// sortMembers orders members by name for stable messages and evidence.
func sortMembers(ms []member) {
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].Name < ms[j].Name })
}
