package result

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Evidence holds the facts that decided a result, under documented keys
// (see EvidenceKeys). Policies read it, so a key's meaning never changes
// within a report schema version.
type Evidence = map[string]any

// EvidenceKey documents one evidence key: its name, the JSON type of its
// value, the check areas that set it and what it means.
type EvidenceKey struct {
	// Key is the evidence map key.
	Key string
	// Type is the JSON type of the value: string, int, number, bool, list
	// or object.
	Type string
	// Areas lists the check ID prefixes that set the key, comma-separated
	// in catalog order ("CP, ETCD, SEC, CERT").
	Areas string
	// Doc says in one sentence what the value means, with units.
	Doc string
}

// EvidenceKeys documents every evidence key a built-in check sets, sorted by
// Key. Within a report schema version keys are only ever added: an entry's
// meaning and type never change. Durations are Go duration strings
// ("1m30s") and times RFC 3339 in UTC unless the entry says otherwise.
var EvidenceKeys = []EvidenceKey{
	{"above", "list", "RES", "The settings (requests.cpu, requests.memory, limits.cpu, limits.memory) above the upper edge of the addon-resizer rule's band, which the addon-resizer would lower."},
	{"addon", "string", "ADDON", "What the add-on was recognised as (metrics-server, ingress-nginx, Traefik, CoreDNS, kube-proxy, Calico, a CSI controller, ...), from its container images or app labels."},
	{"addonRule", "string", "RES", "Which addon-resizer rule judged the add-on: the built-in add-on name (metrics-server, kube-state-metrics), a sizing-file entry (\"FILE entry N\"), or \"nanny container NAME\" for a nanny's own flags."},
	{"age", "string", "CP", "How long before the snapshot time the leader Lease was last renewed (spec.renewTime, else spec.acquireTime), as a Go duration string rounded to the second and never negative."},
	{"aggregatedInto", "list", "RBAC", "The default user-facing ClusterRoles (view, edit, admin) the role is aggregated into through its aggregate-to labels or their aggregationRule selectors."},
	{"aggregationPath", "string", "RBAC", "How the rule reached the bound role through ClusterRole aggregation, as \"ClusterRole/admin <- ClusterRole/edit <- ClusterRole/extra\" (bound role first, origin of the rule last); absent when the rule is the bound role's own."},
	{"allNodes", "int", "SCALE", "In SCALE-003, how many Node objects the input holds."},
	{"annotation", "string", "EXEMPT", "In EXEMPT-NO-REASON, the object's seaworthy.io/exempt annotation, which has no seaworthy.io/exempt-reason beside it."},
	{"anonymousAuth", "string", "SEC", "The effective value of the API server's --anonymous-auth flag (\"true\" or \"false\", the platform's or kube-apiserver's default when the flag is not given)."},
	{"anonymousProbe", "object", "SEC", "The live anonymous probe: {\"path\": the path requested without credentials (normally /api), \"statusCode\": the HTTP status answered (401 anonymous auth off, 403 anonymous but not authorized, 200 authorized)}."},
	{"apiServerVersion", "string", "NODE", "The API server's gitVersion, as the live read found it."},
	{"apiServers", "list", "CP", "In CP-001 the live API servers counted, as objects {name, object, host, node, zone, detail} (the Lease, Pod or Node they were found as, the cluster node and zone they run in, and a signal-specific detail such as the lease's age); in CP-003 an int, the number of API servers."},
	{"apiVersion", "string", "CP", "The apiVersion of kubeadm's ClusterConfiguration in kube-system/kubeadm-config (kubeadm.k8s.io/v1beta3 or v1beta4)."},
	{"authenticationConfig", "string", "SEC", "The file named by the API server's --authentication-config flag, whose contents the cluster does not show."},
	{"authorizationConfig", "string", "SEC", "The file named by the API server's --authorization-config flag, whose contents the cluster does not show."},
	{"autoscaler", "string", "DNS, WL", "The autoscaler that scales the DNS Deployment (WL: the workload): \"HorizontalPodAutoscaler NAMESPACE/NAME\" or \"cluster-proportional-autoscaler Deployment NAMESPACE/NAME\"."},
	{"autoscalerFloor", "int", "DNS", "In DNS-001 with no nodes in the input (or nodes unreadable), the fewest replicas the cluster-proportional-autoscaler's linear parameters ever set on a cluster of 2 or more nodes: its min, raised to 2 by preventSinglePointFailure."},
	{"backendReplicas", "int", "ADM", "The desired replicas (spec.replicas, 1 when unset; a DaemonSet's desired pods) summed over the workloads whose pod template the webhook Service's selector matches."},
	{"backends", "list", "NET", "The Service backends of the Ingress that resolve, as \"SERVICE:PORT\" with the port by number or name, default backend first."},
	{"backupStore", "string", "ETCD", "The --backup-store URL kops' etcd-manager backs up to (\"\" when it sets none)."},
	{"below", "list", "RES", "The settings unset (requests) or below the lower edge of the addon-resizer rule's band (requests, and limits that are set), as requests.cpu, requests.memory, limits.cpu, limits.memory."},
	{"binding", "string", "RBAC", "The RoleBinding or ClusterRoleBinding, as \"ClusterRoleBinding/NAME\" or \"RoleBinding/NAMESPACE/NAME\"."},
	{"brokenAutoscalers", "list", "DNS", "The cluster-proportional-autoscalers targeting the DNS Deployment whose linear or ladder parameters are invalid, each as \"NAMESPACE/NAME: SOURCE: ERROR\"."},
	{"busiestNode", "string", "NODE", "The node with the highest ratio of pods to its pod limit."},
	{"byNanny", "bool", "RES", "True when the rule is the flags of an addon-resizer container in the add-on's pod template."},
	{"chainLength", "int", "CERT", "The number of certificates the API server presented in its TLS handshake."},
	{"check", "string", "EXEMPT", "In EXEMPT findings, the check ID or prefix the exemption names."},
	{"cloud", "string", "CP, ETCD, SEC, CERT", "The infrastructure the nodes' spec.providerID points at (aws, gcp, azure, digitalocean, linode or oracle); absent when no node has a cloud provider ID."},
	{"cluster", "string", "ETCD", "Which kops etcd-manager cluster the result is about: main or events."},
	{"clusterZones", "list", "DNS, WL", "The sorted zones (topology.kubernetes.io/zone, else failure-domain.beta.kubernetes.io/zone) of the cluster's schedulable nodes."},
	{"collidesWith", "list", "NET", "The sorted other Ingresses, as \"NAMESPACE/NAME\", that claim a host and path the Ingress claims."},
	{"collisions", "list", "NET", "The routes of the Ingress that another Ingress of its class also claims, as \"HOST PATH (PATHTYPE)\" (\"every host\" for a rule without host)."},
	{"condition", "string", "NODE", "The status (True, False or Unknown) of the node condition the result is about: Ready in NODE-001, NetworkUnavailable in NODE-003, the problem-detector condition in NODE-010."},
	{"conditionMessage", "string", "ADM", "The message of the APIService's Available condition, as the API server wrote it."},
	{"conditionReason", "string", "NODE, ADM", "The reason of the condition the result is about: of a node condition, as the kubelet or node controller set it (KubeletNotReady, NodeStatusUnknown, NoRouteCreated); of an APIService's Available condition (for example MissingEndpoints, ServiceNotFound, FailedDiscoveryCheck)."},
	{"conditionType", "string", "NODE", "The problem-detector node condition type a node reports (KernelDeadlock, ReadonlyFilesystem, …)."},
	{"confidence", "number", "RES", "In RES-004, VPA's confidence in the container's history, in days (the smaller of its span and its sample count in days of one sample a minute)."},
	{"constrained", "list", "QUOTA", "The sorted compute resources (cpu, memory, requests.cpu, requests.memory, limits.cpu, limits.memory) the namespace's ResourceQuotas set a hard limit on."},
	{"container", "string", "ETCD, RES", "The name of the CronJob's container that runs etcdctl or etcdutl snapshot save (ETCD-003); in RES-003 the add-on's container the rule sizes; in RES-004 the container whose requests are compared with usage."},
	{"containerNames", "list", "WL", "The names of the pod template's containers the finding is about (WL-009: without a readiness probe; WL-010: with the same liveness and readiness probe)."},
	{"containers", "int", "DNS", "The number of containers in the DNS Deployment's pod template (spec.template.spec.containers)."},
	{"containersChecked", "int", "RES", "The containers judged (spec.containers and sidecar init containers of every pod template)."},
	{"contestedResources", "list", "SCALE", "In SCALE-004, the resources (cpu, memory) both the VerticalPodAutoscaler changes and the HorizontalPodAutoscaler scales on, sorted."},
	{"controlPlaneEndpoint", "string", "CP", "The controlPlaneEndpoint of kubeadm's ClusterConfiguration, trimmed (\"\" when unset)."},
	{"controlPlaneVisible", "string", "CP", "What shows a self-run control plane in the snapshot, as \"control-plane node NAME\" or \"control-plane pod NAME\"; absent when none is visible."},
	{"controlPlaneZones", "list", "NODE", "The zones of the control-plane nodes (labelled node-role.kubernetes.io/control-plane or master), sorted."},
	{"controller", "string", "NET", "The spec.controller of the IngressClass."},
	{"controllerWorkloads", "list", "NET", "The Deployments and DaemonSets, as \"Deployment NAMESPACE/NAME\", recognised as running the IngressClass's controller."},
	{"cordoned", "int", "NODE", "How many nodes are cordoned (spec.unschedulable)."},
	{"cordonedPercent", "number", "NODE", "Cordoned nodes as a percentage of all nodes, to one decimal."},
	{"cores", "number", "DNS", "The CPU cores (node allocatable cpu, else capacity, summed in millicores) of the nodes the replica count is computed over: schedulable nodes, or the autoscaler's node selection."},
	{"coresPerReplica", "number", "DNS", "The cores one DNS replica is sized for: the DNS CoresPerReplica option (default 256), or the autoscaler's linear coresPerReplica (0 when unset)."},
	{"count", "int", "CP, ETCD", "The number of live API servers (CP-001) or etcd members (ETCD-001) counted."},
	{"covered", "int", "QUOTA", "The number of user namespaces holding a ResourceQuota that sets hard limits."},
	{"current", "int", "DNS", "The DNS Deployment's spec.replicas (1 when unset)."},
	{"daemonSet", "string", "DNS", "The NodeLocal DNSCache DaemonSet found, as \"NAMESPACE/NAME\"."},
	{"dangling", "bool", "RBAC", "True when the binding references a role that does not exist."},
	{"daysLeft", "int", "CERT", "Whole days from the snapshot time until notAfter, truncated toward zero (negative once expired by a day or more)."},
	{"defaultClasses", "list", "NET", "The sorted IngressClasses annotated ingressclass.kubernetes.io/is-default-class: \"true\"."},
	{"defaulted", "bool", "SEC", "True when the authorization modes are a default (the platform's or kube-apiserver's) because --authorization-mode is not given."},
	{"deployment", "string", "DNS", "The name of the cluster DNS Deployment (in kube-system) the result is about."},
	{"desired", "int", "DNS, ADDON, WL", "The DNS Deployment's (ADDON, WL: the workload's) spec.replicas (1 when unset; 0 for a workload scaled to 0)."},
	{"desiredHealthy", "int", "DNS, WL", "The pods the PodDisruptionBudget requires to stay available, by the disruption controller's arithmetic against spec.replicas (WL-004: the HPA's minReplicas; percentages rounded up)."},
	{"desiredScheduled", "int", "DNS", "The NodeLocal DNSCache DaemonSet's status.desiredNumberScheduled."},
	{"details", "object", "POLICY", "A policy result's own details object, as the rule returned it."},
	{"detector", "string", "NODE", "The node-problem-detector DaemonSet found, as \"NAMESPACE/NAME\"."},
	{"dimension", "string", "NODE", "Which scale-envelope dimension NODE-007's result judges: nodes, pods, containers or podsPerNode."},
	{"disabledOn", "list", "ETCD", "The k3s/rke2 server nodes started with --etcd-disable-snapshots (set when every server disables snapshots)."},
	{"disruptionsAllowed", "int", "DNS, ADDON, WL", "The DNS pods (ADDON, WL: the workload's pods) the PodDisruptionBudget lets be disrupted at once: spec.replicas (WL-004: the HPA's minReplicas) minus desiredHealthy, at least 0."},
	{"domains", "int", "WL", "The distinct values of the topology spread constraint's topologyKey over the schedulable nodes."},
	{"emptyLimitRanges", "list", "QUOTA", "The sorted names of the namespace's LimitRanges that set no limits."},
	{"emptyResourceQuotas", "list", "QUOTA", "The sorted names of the namespace's ResourceQuotas that set no hard limits."},
	{"endpointNode", "string", "CP", "The control-plane node whose name, hostname label or address is the controlPlaneEndpoint's host."},
	{"error", "string", "DNS, ADDON, WL", "Why the PodDisruptionBudget's minAvailable or maxUnavailable is invalid (the disruption controller then allows no disruption)."},
	{"eventsOverrides", "list", "ETCD", "The --etcd-servers-overrides entries for core events found, as objects {group: \"\", resource: \"events\", servers: [etcd server URLs]} (null when none)."},
	{"exemption", "string", "EXEMPT", "In EXEMPT findings, where the exemption is written: FILE:LINE of the exemptions file."},
	{"expected", "object", "RES", "What the addon-resizer rule sets as both request and limit for the cluster's node count, as {\"cpu\": quantity, \"memory\": quantity} for the resources the rule monitors (\"100m\", \"520Mi\")."},
	{"expires", "string", "EXEMPT", "In EXEMPT findings, the last day the exemption applies (YYYY-MM-DD, UTC)."},
	{"failurePolicy", "string", "ADM", "The webhook's failurePolicy: Fail (also when unset, the v1 default) or Ignore."},
	{"file", "string", "POLICY", "The policy file of the rule that gave the result."},
	{"flags", "list", "SEC", "The API server's effective anonymous-auth setting per place its flags are visible, each as \"SOURCE: anonymous-auth=VALUE\"."},
	{"gaps", "list", "QUOTA, DNS, CP, ETCD, RBAC, RES", "What could not be read: on a skip by the runner the snapshot kinds the check needs that are gaps (e.g. \"leases\"); in ETCD-003 the backup sources that could not be read, each as \"KIND (REASON)\"."},
	{"grace", "string", "NODE", "NODE-001's NotReadyGrace option: how long a node may be not Ready before it fails, as a Go duration string."},
	{"groupZones", "object", "SCALE", "In SCALE-002, the node group's node count per zone, as {ZONE: count}."},
	{"hard", "string", "QUOTA", "The resource's hard limit (ResourceQuota status.hard) as a Kubernetes quantity string (\"10\", \"16Gi\", \"500m\")."},
	{"holder", "string", "CP", "The leader Lease's spec.holderIdentity (\"\" when no instance holds it)."},
	{"hpa", "string", "SCALE", "In SCALE-004, the HorizontalPodAutoscaler scaling the same workload as the VPA, as \"NAMESPACE/NAME\"."},
	{"images", "list", "WL", "The containers whose image has the tag latest or none, as \"CONTAINER (IMAGE)\"."},
	{"includeUnschedulableNodes", "bool", "DNS", "The autoscaler's linear includeUnschedulableNodes parameter: whether cordoned nodes count toward nodes and cores."},
	{"infrastructureNamespaces", "list", "QUOTA", "In QUOTA-005 the sorted namespaces left out of the coverage as node-level infrastructure (see QUOTA-001), at most the first 20."},
	{"ingressClass", "string", "NET", "The class the Ingress asks for (spec.ingressClassName, else the kubernetes.io/ingress.class annotation), empty when none."},
	{"ingressClasses", "list", "NET", "The sorted names of every IngressClass in the input."},
	{"interval", "string", "ETCD", "The longest gap between consecutive runs of the backup schedule, as a Go duration string (\"0s\" when a k3s/rke2 schedule cannot be parsed)."},
	{"kubeletVersion", "string", "NODE", "The kubelet version (status.nodeInfo.kubeletVersion) the nodes of the result run."},
	{"kubeletVersions", "list", "NODE", "The distinct kubelet versions the nodes run, oldest first."},
	{"largeClusterNodes", "int", "DNS", "The node count from which a cluster counts as large (the LargeClusterNodes option, default 500 nodes)."},
	{"lastBackup", "string", "ETCD", "For a Velero Schedule: the name of its latest finished Backup when that failed (with lastPhase), else, when no Backup completed, the Schedule's status.lastBackup time (RFC 3339, UTC)."},
	{"lastCompleted", "string", "ETCD", "The name of the Velero Schedule's newest Completed Backup."},
	{"lastCompletedAt", "string", "ETCD", "When the newest Completed Velero Backup completed (status.completionTimestamp, RFC 3339, UTC)."},
	{"lastJob", "string", "ETCD", "The name of the newest Job the backup CronJob created."},
	{"lastJobFailed", "string", "ETCD", "The reason of the newest backup Job's Failed condition (e.g. BackoffLimitExceeded)."},
	{"lastPhase", "string", "ETCD", "The phase the Velero Schedule's latest finished Backup ended in: Failed, PartiallyFailed or FailedValidation."},
	{"lastScheduleTime", "string", "ETCD", "The backup CronJob's status.lastScheduleTime (RFC 3339, UTC), set when it has never succeeded."},
	{"lastSuccessfulTime", "string", "ETCD", "The backup CronJob's status.lastSuccessfulTime (RFC 3339, UTC)."},
	{"leaderElect", "bool", "CP", "False when the component runs with --leader-elect=false (absent otherwise)."},
	{"leaderElection", "bool", "ADDON, WL", "True when a container of the single-replica workload turns leader election on (--leader-elect, --leader-election or --enable-leader-election, not =false): a singleton by design (ADDON-001: recorded only; it does not exempt an outage-critical add-on)."},
	{"leafSubject", "string", "CERT", "The subject of the API server's own serving (leaf) certificate, in Go's pkix.Name string form."},
	{"lease", "string", "NODE", "The node's heartbeat Lease, as kube-node-lease/NAME."},
	{"leaseAge", "string", "NODE", "How long before the snapshot time the node's heartbeat Lease was renewed (spec.renewTime), as a Go duration string rounded to the second and never negative."},
	{"leaseMaxAge", "string", "NODE", "The age past which NODE-004 calls the node's Lease stale (LeaseStaleFactor times its leaseDurationSeconds, else NodeLeaseDuration), as a Go duration string."},
	{"leaseRenewedAfterBy", "string", "NODE", "How long after the snapshot time the node's Lease was renewed, as a Go duration string rounded to the second (the snapshot's time is earlier than its data)."},
	{"level", "string", "ETCD", "The level a backup mechanism works at: \"resource\" for Velero (Kubernetes objects, not etcd itself)."},
	{"limit", "int", "NODE", "The dimension's limit: the envelope option, or for podsPerNode the busiest node's pod limit (allocatable pods, else capacity, else EnvelopePodsPerNode)."},
	{"limitRanges", "list", "QUOTA, RES", "The sorted names of the namespace's LimitRanges that set limits (QUOTA-002), or of those whose Container items supply defaults (QUOTA-004); [] when none. In RES-001 and RES-002, on a pass, the LimitRanges as NAMESPACE/NAME whose Container defaults filled settings in."},
	{"line", "int", "POLICY", "The line of that rule in its file."},
	{"lower", "object", "RES", "In RES-004, VPA's lower bound from the usage history, as {cpu, memory} quantities."},
	{"malformedEntries", "list", "ETCD", "The --etcd-servers-overrides entries that are not of the form group/resource#server;server."},
	{"managed", "bool", "CP, ETCD, SEC, CERT", "True when a managed provider (EKS, GKE, AKS, DOKS, LKE, OKE or hosted OpenShift) runs the control plane: the platform is one of them and no control-plane node or static control-plane pod is visible."},
	{"matchesKubeSystem", "bool", "ADM", "True when the webhook's namespaceSelector is unset or selects kube-system's labels (which include kubernetes.io/metadata.name: kube-system)."},
	{"max", "int", "DNS", "The autoscaler's linear max replicas (0: no maximum)."},
	{"maxAge", "string", "CP", "The age past which a leader Lease is stale (the LeaderLeaseMaxAge option, default 1m0s), as a Go duration string."},
	{"maxCordonedRatio", "number", "NODE", "NODE-005's MaxCordonedRatio option: the fraction of nodes that may be cordoned before it warns."},
	{"maxMinorsBehind", "int", "NODE", "The most minor versions the version skew policy lets a kubelet trail this API server: 3 from 1.28, 2 before."},
	{"maxPinnedRatio", "number", "SCALE", "The SCALE-003 option: the fraction of nodes (0..1) that may be pinned against scale-down before the summary warns."},
	{"maxUnavailable", "string", "WL", "The rolling update's maxUnavailable as written (an integer or a percentage; a Deployment's default 25% when unset)."},
	{"members", "list", "ETCD", "The etcd members counted, as objects {name, object, host, node, zone, detail} (the Pod or endpoint found, the cluster node and zone it runs in, and \"not running\" as detail for a pod that is not)."},
	{"min", "int", "DNS", "The autoscaler's linear min replicas (1 when unset)."},
	{"minDomains", "int", "WL", "The topology spread constraint's minDomains."},
	{"minReplicas", "int", "DNS", "The fewest ready and desired DNS replicas accepted (the DNS MinReplicas option, default 2)."},
	{"minorsBehind", "int", "NODE", "How many minor versions the kubelet trails the API server; negative when it is newer."},
	{"missing", "list", "QUOTA, DNS, RES", "In QUOTA-004 the sorted compute resources a quota constrains that no Container LimitRange defaults; in DNS-005, RES-001 and RES-002 an object mapping each container name to the settings it lacks (requests.cpu, requests.memory, limits.memory)."},
	{"missingKind", "string", "QUOTA", "On manifest input, the kind the input holds no object of at all on which the result rests (\"ResourceQuota\" or \"LimitRange\"): QUOTA-002, QUOTA-004 and QUOTA-005 skip for it, QUOTA-001's warnings say so."},
	{"missingPorts", "list", "NET", "The Ingress backends, as \"SERVICE:PORT\", whose Service exists but exposes no such port number or name."},
	{"missingServices", "list", "NET", "The Services an Ingress backend names that do not exist in the Ingress's namespace."},
	{"modes", "list", "SEC", "The API server's authorization modes in order (from --authorization-mode, or the default when defaulted is true)."},
	{"movingCPU", "string", "NODE", "The cpu requests of the zone's pods that would be rescheduled if it failed (all but DaemonSet and static pods), as a Kubernetes quantity."},
	{"movingMemory", "string", "NODE", "The memory requests of the zone's pods that would be rescheduled, as a quantity in Mi or Gi."},
	{"namespace", "string", "DNS", "The namespace cluster DNS is looked for in (kube-system)."},
	{"namespaces", "list", "RBAC", "The sorted namespaces of the ServiceAccounts a ClusterRoleBinding binds."},
	{"newest", "object", "ETCD", "The newest k3s/rke2 etcd snapshot recorded, as {name, node, created (RFC 3339), ok, s3, message, location}."},
	{"node", "string", "DNS, WL", "The node every ready DNS pod (WL-007: every running pod of the workload) runs on, when they all run on one."},
	{"nodeAutoscalers", "list", "SCALE", "The node autoscalers running (at least one replica), as \"cluster-autoscaler Deployment NAMESPACE/NAME\" or \"Karpenter Deployment NAMESPACE/NAME\"."},
	{"nodeCloud", "string", "SCALE", "The cloud the nodes run in (aws, gcp, azure, ...), from their spec.providerID or a provider's node-group label; \"\" when none shows one."},
	{"nodeCount", "int", "NODE", "How many Node objects the input holds."},
	{"nodeGroup", "string", "SCALE", "In SCALE-002, the node group's name: the value of its node-group label."},
	{"nodeGroupLabel", "string", "SCALE", "In SCALE-002, the node label the group was read from (eks.amazonaws.com/nodegroup, cloud.google.com/gke-nodepool, ...)."},
	{"nodeGroups", "int", "SCALE", "In SCALE-002, how many node groups the nodes' node-group labels define."},
	{"nodeLabels", "string", "DNS", "The autoscaler's --nodelabels selector, when it restricts the nodes it counts."},
	{"nodeLevel", "list", "QUOTA", "In QUOTA-001's info on an infrastructure namespace, the sorted workloads that make it one (at most 5), each as \"KIND/NAME: SIGNALS\" (\"DaemonSet/calico-node: hostNetwork, system-node-critical\")."},
	{"nodeNames", "list", "NODE", "The names of the nodes the result is about, at most 10."},
	{"nodePlatform", "string", "SCALE", "In SCALE-001, the detected platform's name (eks, gke, aks, kubeadm, unknown, ...)."},
	{"nodeZones", "list", "SCALE", "In SCALE-002, the sorted zones (topology.kubernetes.io/zone, else failure-domain.beta.kubernetes.io/zone) of all the cluster's nodes."},
	{"nodes", "int", "DNS, ETCD, RES", "A node count: the nodes DNS replicas are computed over (DNS-002: schedulable nodes, or the autoscaler's selection; all nodes on a skip), else every node in the snapshot (DNS-006, ETCD-002, RES-003, which counts every Node as the addon-resizer does)."},
	{"nodesPerReplica", "number", "DNS", "The nodes one DNS replica is sized for: the DNS NodesPerReplica option (default 16), or the autoscaler's linear nodesPerReplica (0 when unset)."},
	{"nodesWithoutStatus", "int", "NODE", "How many nodes carry no Ready condition (hand-written Node objects) and were not judged."},
	{"nodesWithoutVersion", "int", "NODE", "How many nodes report no parsable kubelet version and were not judged."},
	{"notAfter", "string", "CERT", "The earliest expiry (NotAfter) in the certificate chain the API server presented (RFC 3339, UTC)."},
	{"notReadyFor", "string", "NODE", "How long before the snapshot time the node's Ready condition turned False or Unknown, as a Go duration string rounded to the second and never negative."},
	{"notRunning", "list", "ETCD", "The sorted names of etcd members whose pod is not running or whose etcd-role node is not Ready."},
	{"oomKilled", "bool", "ADDON", "True when a container of the add-on's pods was last terminated with reason OOMKilled within the restart window."},
	{"over", "list", "QUOTA", "Every resource of the quota at or above the warning ratio, worst first, as objects {resource, used, hard, ratio} (ratio absent when hard is 0)."},
	{"overProvisioned", "list", "RES", "In RES-004, each request above VPA's upper bound, in words (\"memory request 2Gi above the upper bound 600Mi\")."},
	{"owner", "string", "EXEMPT", "In EXEMPT findings, who owns the exemption."},
	{"paramsSource", "string", "DNS", "Where the autoscaler's linear or ladder parameters were read from (its ConfigMap, --default-params or seaworthy's defaults), with why when not its ConfigMap."},
	{"paused", "bool", "ETCD", "True when the Velero Schedule is paused (spec.paused)."},
	{"pdb", "string", "DNS, ADDON, WL", "The name of the one PodDisruptionBudget selecting the DNS pods (ADDON, WL: the workload's pods; ADDON-001: the first that blocks drains, else the first by name)."},
	{"pdbCovered", "bool", "ADM", "True when a PodDisruptionBudget selects the pods of at least one workload backing the webhook's Service."},
	{"pdbKnown", "bool", "ADDON", "False when the input is manifests holding no PodDisruptionBudget at all, so whether one guards the add-on is not known; absent otherwise."},
	{"pdbSelector", "string", "WL", "The PodDisruptionBudget's spec.selector as kubectl -l takes it (\"{}\" for an empty selector, \"null\" for none)."},
	{"pdbs", "list", "DNS, WL", "The sorted names of the PodDisruptionBudgets selecting the DNS pods (WL: the workload's pods), when more than one does."},
	{"percent", "number", "NODE", "value as a percentage of limit, to one decimal."},
	{"phase", "string", "ETCD", "The Velero Schedule's status.phase, set when it is FailedValidation."},
	{"pinnedNodeNames", "list", "SCALE", "In SCALE-003, the names of the nodes pinned against scale-down (by the workload, or in the summary by any), sorted, at most 5."},
	{"pinnedNodes", "int", "SCALE", "In SCALE-003, how many nodes hold a pod that blocks their removal by the node autoscaler (by the workload, or in the summary by any)."},
	{"pinnedPercent", "number", "SCALE", "In SCALE-003, pinnedNodes as a percentage of allNodes, rounded to one decimal."},
	{"platform", "string", "CP, ETCD, SEC, CERT", "The detected platform: eks, gke, aks, doks, lke, oke, k3s, rke2, openshift, kops, kubeadm or unknown."},
	{"platformDetail", "string", "CP, ETCD, SEC, CERT", "The fact the platform was detected from, in words (e.g. \"node ip-10-0-1-5 has label eks.amazonaws.com/nodegroup\")."},
	{"platformSignal", "string", "CP, ETCD, SEC, CERT", "Which detection signal named the platform: server-version, clusterversion, node-provider-id, node-args, node-labels, etcd-manager, kubeadm-config, kubeadm-static-pods, kubeadm-node-annotation, snapshot-platform or none."},
	{"podNodes", "int", "DNS", "The number of distinct nodes the ready DNS pods run on."},
	{"podTemplates", "int", "RES", "The pod templates judged: workloads, CronJobs, Jobs no CronJob owns and pods no controller owns, minus excluded namespaces."},
	{"podZones", "list", "DNS", "The sorted zones of the nodes the ready DNS pods run on."},
	{"pods", "int", "CP, ETCD, WL", "A pod count: the component's kube-system pods (CP-002, with leader election off), the etcd-manager-events pods (ETCD-002), the etcd-manager pods of the cluster (ETCD-003) or the workload's running, scheduled pods (WL-007)."},
	{"podsWithoutZone", "int", "DNS", "The number of ready DNS pods on nodes without a zone label."},
	{"policy", "string", "POLICY", "The Rego package of the rule that gave the result (main or seaworthy.NAME)."},
	{"pressures", "list", "NODE", "The node's resource pressure conditions with status True, of MemoryPressure, DiskPressure and PIDPressure."},
	{"preventSinglePointFailure", "bool", "DNS", "The autoscaler's linear preventSinglePointFailure parameter: at least 2 replicas when there is more than one node."},
	{"priorityClassName", "string", "ADDON", "The add-on's pod template spec.priorityClassName, \"\" when unset."},
	{"quorum", "int", "ETCD", "The etcd quorum: members/2 + 1 (integer division), 0 with no members."},
	{"ratio", "number", "QUOTA", "A ratio truncated to four decimals: in QUOTA-003 used/hard of the resource (cpu in millicores, others in whole units), absent when hard is 0; in QUOTA-005 covered/total."},
	{"ready", "int", "DNS", "Ready pods: the DNS Deployment's status.readyReplicas (DNS-001), or the NodeLocal DNSCache DaemonSet's status.numberReady (DNS-006)."},
	{"readyEndpoints", "int", "ADM", "The ready endpoints of the webhook's Service, counted from its EndpointSlices (conditions.ready unset counts as ready), one per pod; absent when readiness is not known."},
	{"readyKnown", "bool", "DNS", "False when the input carries no status for the workload judged (manifests without one: rendered charts, not a kubectl get dump), so how many of its pods are ready is not known and ready is absent (DNS-001: the DNS Deployment, DNS-006: the NodeLocal DNSCache DaemonSet); absent otherwise."},
	{"readyNodes", "int", "NODE", "How many nodes have a Ready condition with status True."},
	{"readyPods", "int", "DNS", "The DNS Deployment's pods in the snapshot that are scheduled, Ready and not terminating and match its selector."},
	{"readyzOverrides", "list", "ETCD", "The etcd-override-N checks /readyz?verbose lists (null when none)."},
	{"reason", "string", "QUOTA, EXEMPT", "Why the quota was skipped: \"no-status\" when it has no status.hard; in EXEMPT findings, the exemption's reason."},
	{"referredNamespaces", "list", "QUOTA", "On manifest input, the sorted user namespaces the input holds objects in but no Namespace object for, at most the first 20: not judged for what they lack and not counted in QUOTA-005's coverage."},
	{"renewedAfterSnapshotBy", "string", "CP", "How long after the snapshot time the leader Lease was renewed, as a Go duration string rounded to the second (the snapshot's time is earlier than its data)."},
	{"replicaFloor", "int", "ADDON, WL", "The fewest replicas the workload runs: its HorizontalPodAutoscaler's minReplicas (default 1), else its spec.replicas."},
	{"requests", "object", "RES", "In RES-004, the container's current requests as {cpu, memory} quantities (\"0\" when unset)."},
	{"resource", "string", "QUOTA", "The quota resource the top-level used, hard and ratio describe: the worst one at or over the warning ratio, else the most used."},
	{"resourceQuotas", "list", "QUOTA", "The sorted names of the namespace's ResourceQuotas that set hard limits (QUOTA-001), or of those constraining compute (QUOTA-004); [] when none."},
	{"resources", "int", "QUOTA", "The number of resources in the quota's status.hard whose usage is known."},
	{"restartedContainers", "list", "ADDON", "The add-on's containers killed for memory or in a restart storm, as \"CONTAINER in pod POD restarted N times, last OOMKilled 2h ago\"."},
	{"restarts", "int", "ADDON", "The highest restartCount among the add-on's containers in restartedContainers."},
	{"rights", "list", "RBAC", "The sensitive rights the rule grants, each as \"VERB RESOURCE[/SUBRESOURCE][ (GROUP)]\" (e.g. \"get secrets\", \"create pods/exec\")."},
	{"role", "string", "RBAC", "The role, as \"ClusterRole/NAME\" or \"Role/NAMESPACE/NAME\": the one the binding references, or (RBAC-008) the role aggregated into a default role."},
	{"rule", "string", "RBAC, POLICY", "The policy rule that grants the finding, as \"verbs=… apiGroups=… resources=… resourceNames=… nonResourceURLs=…\" (empty fields left out); in a Rego policy result, the rule that gave it: deny, violation or warn."},
	{"ruleSource", "string", "RES", "Where the addon-resizer rule's figures come from: an upstream manifest, the sizing file and line (\"FILE:LINE\"), or the nanny container's flags."},
	{"rules", "list", "RBAC", "The role's rules that add the rights, each in the rule format."},
	{"scaleDownBlockers", "list", "SCALE", "In SCALE-003, why the workload's pods may not be evicted by the node autoscaler, one sentence each (an annotation, a PodDisruptionBudget allowing no disruption, kube-system without a PDB, local storage)."},
	{"schedulableNodes", "int", "DNS", "The number of nodes without spec.unschedulable."},
	{"schedule", "string", "ETCD", "The backup mechanism's cron schedule: the CronJob's spec.schedule, the Velero Schedule's spec.schedule, or k3s/rke2's --etcd-snapshot-schedule-cron (default \"0 */12 * * *\")."},
	{"scope", "string", "RBAC", "Where the grant applies: \"cluster-wide\" or \"namespace NAME\"."},
	{"selector", "string", "DNS", "The label selector cluster DNS Deployments are found by (k8s-app=kube-dns)."},
	{"servedBy", "string", "DNS", "The name of the active DNS Deployment that serves cluster DNS instead of one scaled to 0."},
	{"service", "string", "WL, ADM", "WL: the name of the first Service (by name) in the workload's namespace whose selector matches its pod template labels. ADM: the Service a webhook or APIService calls, as NAMESPACE/NAME."},
	{"setting", "string", "DNS, ADDON, WL", "The PodDisruptionBudget's budget, as \"maxUnavailable VALUE\", \"minAvailable VALUE\" or \"neither minAvailable nor maxUnavailable\"."},
	{"sideEffects", "string", "ADM", "The webhook's sideEffects (None, NoneOnDryRun, Some, Unknown; \"\" when unset)."},
	{"signal", "string", "CP, ETCD, SEC, CERT", "Which source decided the result, a check-specific name (e.g. identity-leases, static-pods, leader-lease, kubeadm-config, etcd-static-pods, etcdctl-cronjob, velero-schedule, kube-apiserver-pod, anonymous-probe, tls-handshake; in CP-004 the platformSignal), \"platform\" when the platform decided it, or \"none\" when nothing could."},
	{"since", "string", "NODE", "When the node's Ready condition last changed (its lastTransitionTime), RFC 3339 in UTC."},
	{"sizedNodes", "int", "RES", "The node count the rule sizes for: the node count itself (linear), or the exponential estimator's step minClusterSize × 1.5^k at or above it."},
	{"snapshots", "int", "ETCD", "The number of k3s/rke2 etcd snapshots recorded (ETCDSnapshotFile objects and snapshot ConfigMap entries)."},
	{"sources", "list", "ETCD", "Where k3s/rke2 snapshot records were read: \"ETCDSnapshotFile\" and/or \"ConfigMap kube-system/k3s-etcd-snapshots\" (or rke2-etcd-snapshots)."},
	{"spareCPU", "string", "NODE", "The free allocatable cpu (allocatable minus requests, per node, at least 0) of the other zones' workers, as a Kubernetes quantity."},
	{"spareMemory", "string", "NODE", "The free allocatable memory of the other zones' workers, as a quantity in Mi or Gi."},
	{"staleLeases", "list", "CP", "API server identity Leases not renewed within APIServerLeaseMaxAge of the snapshot time, as objects like apiServers' (detail says when each was renewed)."},
	{"stoppedAutoscalers", "list", "DNS", "The cluster-proportional-autoscaler Deployments targeting the DNS Deployment that are scaled to 0, as \"NAMESPACE/NAME\"."},
	{"strategy", "string", "WL", "The workload's rollout strategy: Recreate or RollingUpdate."},
	{"subject", "string", "CERT, RBAC", "In CERT-001 the subject of the certificate that expires first in the chain, in Go's pkix.Name string form; in RBAC the subject granted, as \"User/NAME\", \"Group/NAME\" or \"ServiceAccount/NAMESPACE/NAME\"."},
	{"suggestedPriorityClass", "string", "ADDON", "The priority class the add-on should run at: system-node-critical for node agents (kube-proxy, the CNI), else system-cluster-critical."},
	{"suspended", "bool", "ETCD", "True when the backup CronJob is suspended (spec.suspend)."},
	{"target", "object", "RES", "In RES-004, VPA's target from the usage history, as {cpu, memory} quantities."},
	{"thresholdPercent", "int", "RES", "The addon-resizer rule's band, in percent of the expected value, within which settings are kept (the nanny's --threshold; 0 when unset)."},
	{"timeoutSeconds", "int", "ADM", "The webhook's timeoutSeconds (10 when unset, the v1 default), in seconds."},
	{"tolerates", "int", "ETCD", "How many etcd members can fail without losing quorum: members minus quorum."},
	{"topologyKey", "string", "WL", "The node label a topology spread constraint spreads over."},
	{"total", "int", "QUOTA", "The number of user namespaces."},
	{"uncovered", "list", "QUOTA", "The sorted user namespaces without a ResourceQuota that sets hard limits, at most the first 20."},
	{"uncoveredHosts", "list", "NET", "The TLS hosts of the Ingress that no rule host of the same Ingress matches."},
	{"underProvisioned", "list", "RES", "In RES-004, each request below VPA's lower bound, in words (\"cpu request 100m below the lower bound 230m\")."},
	{"unknown", "list", "QUOTA", "The sorted resources in the quota's status.hard that have no status.used."},
	{"unknownServices", "list", "NET", "The Services an Ingress backend names that the manifests do not hold, so their existence is not known."},
	{"unschedulableNodes", "int", "DNS", "The number of nodes with spec.unschedulable (cordoned)."},
	{"updatingVPAs", "int", "SCALE", "In SCALE-004, how many VerticalPodAutoscalers change running pods (updateMode Auto, Recreate or InPlaceOrRecreate)."},
	{"upper", "object", "RES", "In RES-004, VPA's upper bound from the usage history, as {cpu, memory} quantities."},
	{"url", "string", "ADM", "The clientConfig.url a webhook is called at instead of a Service."},
	{"used", "string", "QUOTA", "The resource's usage (ResourceQuota status.used) as a Kubernetes quantity string."},
	{"value", "int", "NODE", "The dimension's current value: nodes, unfinished pods or their containers in the cluster, or for podsPerNode the pods on the busiest node."},
	{"veleroSchedules", "int", "ETCD", "The number of Velero Schedules, on a managed control plane."},
	{"vpaTarget", "string", "SCALE", "In SCALE-004, the VPA's targetRef as \"KIND/NAME\" in its namespace."},
	{"vpaUpdateMode", "string", "SCALE", "In SCALE-004, the VPA's effective spec.updatePolicy.updateMode (Auto when unset)."},
	{"vpas", "int", "SCALE", "In SCALE-004, how many VerticalPodAutoscalers the input holds."},
	{"wanted", "int", "DNS", "The DNS replicas wanted: max(ceil(cores/coresPerReplica), ceil(nodes/nodesPerReplica)), or what the cluster-proportional-autoscaler's linear or ladder parameters give."},
	{"warnRatio", "number", "NODE", "NODE-007's EnvelopeWarnRatio option: the fraction of a limit from which it warns."},
	{"webhook", "string", "ADM", "The name of the webhook within its ValidatingWebhookConfiguration or MutatingWebhookConfiguration."},
	{"wildcardResources", "bool", "ADM", "True when one of the webhook's rules lists resources \"*\" or \"*/*\"."},
	{"wildcardRules", "list", "RBAC", "The binding's role rules with '*', each in the rule format, followed by \" -> \" and the resources a group or resource wildcard covers today."},
	{"wildcards", "list", "RBAC", "The rule fields holding '*': verbs, apiGroups and/or resources."},
	{"workerZones", "list", "NODE", "The zones of the schedulable worker nodes (not control-plane), sorted."},
	{"workers", "int", "NODE", "How many schedulable worker nodes (not control-plane, not cordoned) the cluster has."},
	{"workloads", "list", "WL, ADM", "WL: the Deployments and StatefulSets a PodDisruptionBudget selects (their pod template labels match its selector), as \"Kind/name\" in its namespace. ADM: the workloads whose pod template the webhook Service's selector matches, as KIND/NAME in the Service's namespace."},
	{"wouldCover", "int", "EXEMPT", "In EXEMPT-EXPIRED, how many results the expired exemption would still cover."},
	{"zone", "string", "NODE, WL", "NODE: the zone whose failure the result is about. WL: the zone every running pod of the workload is in, when they all are in one."},
	{"zones", "object", "CP, ETCD", "The number of API servers (CP-001) or etcd members (ETCD-001) per zone, over members on nodes with a zone label."},
}

// EvidenceDoc returns the documentation of an evidence key.
func EvidenceDoc(key string) (EvidenceKey, bool) {
	i := sort.Search(len(EvidenceKeys), func(i int) bool { return EvidenceKeys[i].Key >= key })
	if i < len(EvidenceKeys) && EvidenceKeys[i].Key == key {
		return EvidenceKeys[i], true
	}
	return EvidenceKey{}, false
}

// WriteEvidenceDoc writes docs/evidence.md: every documented evidence key
// in a table.
func WriteEvidenceDoc(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# Evidence reference\n\n")
	b.WriteString("Generated from `result.EvidenceKeys` by `go test ./result -run TestEvidenceDocUpToDate -update`; do not edit by hand.\n\n")
	b.WriteString("Every result in a report carries `evidence`: the facts that decided it, as a map from the keys below to JSON values. ")
	b.WriteString("Policies may read them. Evidence is versioned with the report schema `seaworthy.report/v1`: ")
	b.WriteString("within a version keys are only ever added, and a key's meaning and type never change. ")
	b.WriteString("A result carries only the keys that apply to it. ")
	b.WriteString("Durations are Go duration strings (`1m30s`) and times RFC 3339 in UTC unless stated otherwise.\n\n")
	b.WriteString("| Key | Type | Checks | Meaning |\n|---|---|---|---|\n")
	for _, k := range EvidenceKeys {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", k.Key, k.Type, k.Areas, cell(k.Doc))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cell escapes text for a Markdown table cell.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
