package checks

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
)

// A config file is Options as YAML: one mapping per area under the json
// names of Options' fields, each holding the area's option names. It is
// read strictly: an unknown key at any level, a value of the wrong type, a
// duration without its unit or a threshold out of range is an error that
// names file:line:column. Keys left out keep their defaults.

// setting describes one option for validation and for the default file's
// comments. Every leaf of Options has one (TestConfigSettingsComplete).
type setting struct {
	rule rule
	doc  string
}

type rule int

const (
	ruleNone     rule = iota // string lists and switches
	ruleRatio                // a fraction in 0..1
	ruleCount                // a whole number ≥ 1
	ruleDuration             // a Go duration > 0
	rulePositive             // a number > 0
	ruleDivisor              // a number ≥ 0, 0 leaving its term out
)

// settings maps "area.key" to its rule and one line of documentation.
var settings = map[string]setting{
	"quota.systemNamespaces":     {ruleNone, "namespaces never treated as user namespaces"},
	"quota.excludeNamespaces":    {ruleNone, "further namespaces the QUOTA checks ignore (--exclude-namespaces)"},
	"quota.exemptInfrastructure": {ruleNone, "treat namespaces running node-level infrastructure like system namespaces in QUOTA-001, 002, 004, 005"},
	"quota.warnRatio":            {ruleRatio, "used/hard ratio at which QUOTA-003 warns (≤ failRatio)"},
	"quota.failRatio":            {ruleRatio, "used/hard ratio at which QUOTA-003 fails"},
	"quota.coverageFail":         {ruleRatio, "fraction of user namespaces with a ResourceQuota below which QUOTA-005 fails (≤ coverageWarn)"},
	"quota.coverageWarn":         {ruleRatio, "fraction below which QUOTA-005 warns"},

	"dns.largeClusterNodes": {ruleCount, "node count from which DNS-006 warns without NodeLocal DNSCache (--large-cluster-nodes)"},
	"dns.minReplicas":       {ruleCount, "fewest ready DNS replicas that pass DNS-001"},
	"dns.coresPerReplica":   {ruleDivisor, "DNS-002: one replica per this many cores (0 leaves the term out)"},
	"dns.nodesPerReplica":   {ruleDivisor, "DNS-002: one replica per this many nodes (0 leaves the term out)"},

	"controlPlane.apiServerLeaseMaxAge": {ruleDuration, "how recently an API server identity Lease must be renewed for CP-001 to count it"},
	"controlPlane.leaderLeaseMaxAge":    {ruleDuration, "age past which CP-002 calls a leader Lease stale"},
	"controlPlane.minZones":             {ruleCount, "failure zones the API servers must span (CP-001)"},
	"controlPlane.maxPerZone":           {ruleCount, "most API servers one zone may hold (CP-001)"},

	"etcd.largeClusterNodes":    {ruleCount, "node count from which ETCD-002 warns when Events share the main etcd (--large-cluster-nodes)"},
	"etcd.minZones":             {ruleCount, "failure zones the etcd members must span (ETCD-001)"},
	"etcd.maxPerZone":           {ruleCount, "most etcd members one zone may hold (ETCD-001)"},
	"etcd.backupIntervalFactor": {rulePositive, "ETCD-003 fails when the last backup is older than this many schedule intervals (and backupMaxAge)"},
	"etcd.backupMaxAge":         {ruleDuration, "age past which the newest backup warns (ETCD-003; ≤ backupFailAge)"},
	"etcd.backupFailAge":        {ruleDuration, "age past which the newest backup fails whatever the schedule"},

	"apiAccess.certWarnWithin": {ruleDuration, "CERT-001 warns when the serving certificate chain expires within this"},
	"apiAccess.certFailWithin": {ruleDuration, "CERT-001 fails when it expires within this (≤ certWarnWithin)"},

	"rbac.exemptBindings":   {ruleNone, `bindings whose grants the RBAC checks accept, as "ClusterRoleBinding/name" or "RoleBinding/namespace/name"`},
	"rbac.systemNamespaces": {ruleNone, "namespaces where a RoleBinding reaches the control plane's ServiceAccounts (RBAC-003, 006, 010) (--system-namespaces)"},

	"res.excludeNamespaces": {ruleNone, "namespaces whose pod templates RES-001 and RES-002 do not judge"},

	"node.notReadyGrace":            {ruleDuration, "how long a node may be not Ready before NODE-001 fails"},
	"node.nodeLeaseDuration":        {ruleDuration, "node Lease duration assumed when a Lease sets none (NODE-004; the kubelet's default is 40s)"},
	"node.leaseStaleFactor":         {rulePositive, "NODE-004 fails a node Lease older than this many Lease durations"},
	"node.maxCordonedRatio":         {ruleRatio, "fraction of nodes that may be cordoned before NODE-005 warns"},
	"node.envelopeNodes":            {ruleCount, "nodes Kubernetes is tested for (NODE-007)"},
	"node.envelopePods":             {ruleCount, "pods Kubernetes is tested for (NODE-007)"},
	"node.envelopeContainers":       {ruleCount, "containers Kubernetes is tested for (NODE-007)"},
	"node.envelopePodsPerNode":      {ruleCount, "pods per node assumed when a node reports no pods capacity, and the pods capacity above which a node is named (NODE-007)"},
	"node.envelopeWarnRatio":        {ruleRatio, "fraction of an envelope limit from which NODE-007 warns"},
	"adm.minReadyEndpoints":         {ruleCount, "fewest ready backend endpoints a fail-closed webhook needs (ADM-001)"},
	"adm.timeoutWarnSeconds":        {ruleCount, "webhook timeoutSeconds from which ADM-002 warns (the API server allows at most 30)"},
	"workload.systemNamespaces":     {ruleNone, "namespaces never treated as user namespaces by the WL checks (--system-namespaces)"},
	"workload.excludeNamespaces":    {ruleNone, "further namespaces the WL checks ignore"},
	"workload.exemptInfrastructure": {ruleNone, "leave namespaces running node-level infrastructure out of the WL checks"},
	"workload.latestPullFleet":      {ruleCount, "replica floor (a DaemonSet's nodes) from which WL-014 warns about a :latest or untagged image pulled Always"},
	"addon.namespaces":              {ruleNone, "add-on namespaces the ADDON checks judge"},
	"addon.includeInfrastructure":   {ruleNone, "also judge namespaces running node-level infrastructure in the ADDON checks"},
	"addon.restartStorm":            {ruleCount, "restart count from which ADDON-003 warns when the last termination is within restartWindow"},
	"addon.restartWindow":           {ruleDuration, "how recent a last termination ADDON-003 counts"},
	"net.minClassesForDefault":      {ruleCount, "IngressClasses from which NET-003 warns that none is marked default"},
	"net.addonNamespaces":           {ruleNone, "namespaces whose ingress controllers ADDON-001 judges; NET-005 leaves their single replica and blocking PDB to it (keep equal to addon.namespaces)"},
	"net.addonInfrastructure":       {ruleNone, "count namespaces running node-level infrastructure among net.addonNamespaces (keep equal to addon.includeInfrastructure)"},

	"obs.extraMetricsServers":  {ruleNone, "more image or app label names of workloads serving metrics.k8s.io (OBS-001 on manifests without APIServices)"},
	"obs.extraMetricsAdapters": {ruleNone, "more image or app label names of workloads serving custom.metrics.k8s.io or external.metrics.k8s.io (OBS-001)"},
	"obs.extraLogAgents":       {ruleNone, "more image or app label names of DaemonSets recognised as log agents (OBS-002)"},
	"obs.extraScrapers":        {ruleNone, "more image or app label names of workloads recognised as metrics scrapers (OBS-003)"},
	"scale.nodeGroupLabels":    {ruleNone, "node labels naming a node's group, the first a node carries wins (SCALE-002)"},
	"scale.maxZoneSkew":        {ruleCount, "largest difference between a node group's node counts in its zones that SCALE-002 accepts"},
	"scale.maxPinnedRatio":     {ruleRatio, "fraction of nodes pinned against scale-down from which SCALE-003's summary warns"},
}

// ordered pairs: the first may not exceed the second.
var orderedSettings = [][2]string{
	{"quota.warnRatio", "quota.failRatio"},
	{"quota.coverageFail", "quota.coverageWarn"},
	{"etcd.backupMaxAge", "etcd.backupFailAge"},
	{"apiAccess.certFailWithin", "apiAccess.certWarnWithin"},
}

var durationType = reflect.TypeFor[time.Duration]()

// LoadConfig reads the config file at path over DefaultOptions.
func LoadConfig(path string) (Options, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Options{}, fmt.Errorf("read config: %w", err)
	}
	return ParseConfig(path, data)
}

// ParseConfig reads a config file's content over DefaultOptions; name
// prefixes its errors.
func ParseConfig(name string, data []byte) (Options, error) {
	opts := DefaultOptions()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return opts, nil // an empty file keeps every default
		}
		return Options{}, yamlError(name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return Options{}, fmt.Errorf("%s:%d: a config file holds one YAML document", name, extra.Line)
	} else if !errors.Is(err, io.EOF) {
		return Options{}, yamlError(name, err)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	c := &configReader{name: name, lines: map[string]*yaml.Node{}}
	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		return opts, nil
	}
	if err := c.mapping(root, "", reflect.ValueOf(&opts).Elem()); err != nil {
		return Options{}, err
	}
	if err := c.validate(opts); err != nil {
		return Options{}, err
	}
	return opts, nil
}

var yamlErrorLine = regexp.MustCompile(`^yaml: line (\d+): `)

// yamlError turns "yaml: line 3: msg" into "name:3: msg".
func yamlError(name string, err error) error {
	if m := yamlErrorLine.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Errorf("%s:%s: %s", name, m[1], strings.TrimPrefix(err.Error(), m[0]))
	}
	return fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
}

type configReader struct {
	name  string
	lines map[string]*yaml.Node // "area.key" → the value node set in the file
}

func (c *configReader) errorf(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("%s:%d:%d: %s", c.name, n.Line, n.Column, fmt.Sprintf(format, args...))
}

// fields maps v's json names to its field indexes, in order.
func fields(t reflect.Type) (names []string, index map[string]int) {
	index = map[string]int{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		names = append(names, name)
		index[name] = i
	}
	return names, index
}

// mapping overlays the mapping node n onto the struct v; path is "" at the
// top and the area's name below it.
func (c *configReader) mapping(n *yaml.Node, path string, v reflect.Value) error {
	where := "the top level"
	if path != "" {
		where = path
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" && path != "" {
		return nil // "dns:" with every key commented out
	}
	if n.Kind != yaml.MappingNode {
		return c.errorf(n, "%s: want a mapping of option names to values", where)
	}
	names, index := fields(v.Type())
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return c.errorf(k, "%s: keys are option names", where)
		}
		fi, ok := index[k.Value]
		if !ok {
			return c.errorf(k, "unknown key %q in %s (known: %s)", k.Value, where, strings.Join(names, ", "))
		}
		if seen[k.Value] {
			return c.errorf(k, "%s: key %q given twice", where, k.Value)
		}
		seen[k.Value] = true
		key := k.Value
		if path != "" {
			key = path + "." + k.Value
		}
		f := v.Field(fi)
		if f.Kind() == reflect.Struct {
			if err := c.mapping(val, key, f); err != nil {
				return err
			}
			continue
		}
		if err := c.value(val, key, f); err != nil {
			return err
		}
		c.lines[key] = val
	}
	return nil
}

// value sets the leaf f from the node n.
func (c *configReader) value(n *yaml.Node, key string, f reflect.Value) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if f.Type() == durationType {
		if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
			return c.errorf(n, "%s: want a duration such as \"60s\" or \"26h\"", key)
		}
		if n.ShortTag() == "!!int" || n.ShortTag() == "!!float" {
			return c.errorf(n, "%s: %s is a bare number; write a duration with its unit, such as \"%ss\" or \"%sh\"", key, n.Value, n.Value, n.Value)
		}
		d, err := time.ParseDuration(n.Value)
		if err != nil {
			return c.errorf(n, "%s: %q is not a duration (units ns, us, ms, s, m, h; 30 days is \"720h\")", key, n.Value)
		}
		f.SetInt(int64(d))
		return nil
	}
	switch f.Kind() {
	case reflect.Bool:
		b, ok := scalar(n, "!!bool")
		if !ok {
			return c.errorf(n, "%s: want true or false", key)
		}
		f.SetBool(b == "true")
	case reflect.Int:
		s, ok := scalar(n, "!!int")
		i, err := strconv.ParseInt(s, 0, 64)
		if !ok || err != nil {
			return c.errorf(n, "%s: want a whole number, got %s", key, show(n))
		}
		f.SetInt(i)
	case reflect.Float64:
		s, ok := scalar(n, "!!int", "!!float")
		x, err := strconv.ParseFloat(s, 64)
		if !ok || err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return c.errorf(n, "%s: want a number, got %s", key, show(n))
		}
		f.SetFloat(x)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return c.errorf(n, "%s: want a list, such as [a, b]", key)
		}
		var list []string
		for _, item := range n.Content {
			if item.Kind != yaml.ScalarNode || item.ShortTag() == "!!null" {
				return c.errorf(item, "%s: want a list of names", key)
			}
			list = append(list, item.Value)
		}
		f.Set(reflect.ValueOf(list))
	default:
		return c.errorf(n, "%s: cannot be set from a config file", key)
	}
	return nil
}

// scalar returns n's value when n is a scalar with one of tags.
func scalar(n *yaml.Node, tags ...string) (string, bool) {
	if n.Kind != yaml.ScalarNode || !slices.Contains(tags, n.ShortTag()) {
		return "", false
	}
	if n.ShortTag() == "!!bool" {
		var b bool
		if n.Decode(&b) != nil {
			return "", false
		}
		return strconv.FormatBool(b), true
	}
	return strings.ReplaceAll(n.Value, "_", ""), true
}

func show(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		return strconv.Quote(n.Value)
	}
	return "a " + map[yaml.Kind]string{yaml.MappingNode: "mapping", yaml.SequenceNode: "list"}[n.Kind]
}

// validate checks every leaf of opts against its rule, naming the line that
// set it (an out-of-range default cannot happen: TestDefaultConfigValid).
func (c *configReader) validate(opts Options) error {
	leaves := leafValues(opts)
	for _, key := range check.SortedKeys(leaves) {
		n, set := c.lines[key]
		if !set {
			continue
		}
		if msg := settings[key].rule.check(leaves[key]); msg != "" {
			return c.errorf(n, "%s: %s", key, msg)
		}
	}
	for _, p := range orderedSettings {
		lo, hi := leaves[p[0]], leaves[p[1]]
		if toFloat(lo) <= toFloat(hi) {
			continue
		}
		n := c.lines[p[1]]
		if n == nil || (c.lines[p[0]] != nil && c.lines[p[0]].Line > n.Line) {
			n = c.lines[p[0]]
		}
		return c.errorf(n, "%s (%s) must not exceed %s (%s)", p[0], format(lo), p[1], format(hi))
	}
	return nil
}

func (r rule) check(v reflect.Value) string {
	x := toFloat(v)
	switch r {
	case ruleRatio:
		if x < 0 || x > 1 {
			return fmt.Sprintf("%s is not a ratio in 0..1", format(v))
		}
	case ruleCount:
		if x < 1 {
			return fmt.Sprintf("%s: want a count of at least 1", format(v))
		}
	case ruleDuration:
		if x <= 0 {
			return fmt.Sprintf("%s: want a duration above zero", format(v))
		}
	case rulePositive:
		if x <= 0 {
			return fmt.Sprintf("%s: want a number above zero", format(v))
		}
	case ruleDivisor:
		if x < 0 {
			return fmt.Sprintf("%s: want a number of at least 0 (0 leaves the term out)", format(v))
		}
	}
	return ""
}

func toFloat(v reflect.Value) float64 {
	switch v.Kind() {
	case reflect.Int, reflect.Int64:
		return float64(v.Int())
	case reflect.Float64:
		return v.Float()
	}
	return 0
}

// format writes a leaf as the config file would.
func format(v reflect.Value) string {
	if v.Type() == durationType {
		return formatDuration(time.Duration(v.Int()))
	}
	return fmt.Sprint(v.Interface())
}

// formatDuration writes d without zero minutes and seconds: "26h", "1m".
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// leafValues maps "area.key" to each option's value in opts.
func leafValues(opts Options) map[string]reflect.Value {
	out := map[string]reflect.Value{}
	v := reflect.ValueOf(opts)
	areas, ai := fields(v.Type())
	for _, area := range areas {
		av := v.Field(ai[area])
		keys, ki := fields(av.Type())
		for _, k := range keys {
			out[area+"."+k] = av.Field(ki[k])
		}
	}
	return out
}

// WriteConfig writes opts as a config file, every option with a comment,
// durations as Go durations ("60s"); `seaworthy config default` prints
// DefaultOptions this way and docs/config.md holds it.
func WriteConfig(w io.Writer, opts Options) error {
	root := &yaml.Node{Kind: yaml.MappingNode}
	v := reflect.ValueOf(opts)
	areas, ai := fields(v.Type())
	for _, area := range areas {
		section := &yaml.Node{Kind: yaml.MappingNode}
		av := v.Field(ai[area])
		keys, ki := fields(av.Type())
		for _, k := range keys {
			key := &yaml.Node{Kind: yaml.ScalarNode, Value: k, HeadComment: settings[area+"."+k].doc}
			section.Content = append(section.Content, key, leafNode(av.Field(ki[k])))
		}
		root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: area}, section)
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	return enc.Close()
}

func leafNode(v reflect.Value) *yaml.Node {
	if v.Kind() == reflect.Slice {
		seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for i := range v.Len() {
			seq.Content = append(seq.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: v.Index(i).String()})
		}
		return seq
	}
	n := &yaml.Node{Kind: yaml.ScalarNode, Value: format(v)}
	if v.Type() == durationType {
		n.Tag = "!!str" // "60s" needs no quotes, but a reader must see a string
	}
	return n
}

var ruleText = map[rule]string{
	ruleNone:     "",
	ruleRatio:    "ratio, 0..1",
	ruleCount:    "count, ≥ 1",
	ruleDuration: "duration, > 0",
	rulePositive: "number, > 0",
	ruleDivisor:  "number, ≥ 0",
}

// WriteConfigDoc writes the config file reference (docs/config.md): the
// format, every option with its rule and default, and the default file.
func WriteConfigDoc(w io.Writer) error {
	var b bytes.Buffer
	b.WriteString(`# Config file

<!-- Generated by ` + "`make docs`" + ` from checks/config.go; do not edit. -->

Every threshold the checks use is an option, and a YAML config file sets
any of them:

    seaworthy config default > seaworthy.yaml   # start from the defaults
    seaworthy audit --config seaworthy.yaml

The file has one mapping per check area (` + "`quota`, `dns`, `controlPlane`, `etcd`, `apiAccess`, `rbac`, `res`, `node`" + `),
The file has one mapping per check area (` + "`quota`, `dns`, `controlPlane`, `etcd`, `apiAccess`, `rbac`, `res`, `workload`" + `),
each holding that area's options. Options left out keep their defaults, so
a file may hold only the one threshold it changes:

` + "```yaml" + `
quota:
  warnRatio: 0.95
` + "```" + `

It is read strictly, and ` + "`seaworthy audit`" + ` exits 2 with a one-line
` + "`file:line:column: ...`" + ` error on anything it cannot take as meant:

- an unknown key, at the top level or in an area (a misspelt option would
  otherwise silently keep its default);
- a value of the wrong type; a duration must be a Go duration string with
  its unit (` + "`60s`, `26h`, `720h` for 30 days" + `): a bare number is rejected;
- a ratio outside 0..1, a count below 1, a duration that is not above zero;
- a warn threshold past its fail threshold (` + "`warnRatio` ≤ `failRatio`, `coverageFail` ≤ `coverageWarn`, `backupMaxAge` ≤ `backupFailAge`, `certFailWithin` ≤ `certWarnWithin`" + `);
- more than one YAML document, or a key given twice.

Flags override the file: ` + "`--exclude-namespaces`" + ` sets
` + "`quota.excludeNamespaces`" + `, ` + "`--system-namespaces`" + ` sets
` + "`quota.systemNamespaces`" + `, ` + "`rbac.systemNamespaces`" + ` and ` + "`workload.systemNamespaces`" + `, and
` + "`--large-cluster-nodes`" + ` sets ` + "`dns.largeClusterNodes`" + ` and
` + "`etcd.largeClusterNodes`" + `.

## Options

| Option | Kind | Default | Meaning |
|---|---|---|---|
`)
	defaults := leafValues(DefaultOptions())
	v := reflect.ValueOf(DefaultOptions())
	areas, ai := fields(v.Type())
	for _, area := range areas {
		keys, _ := fields(v.Field(ai[area]).Type())
		for _, k := range keys {
			key := area + "." + k
			s := settings[key]
			kind := ruleText[s.rule]
			dv := defaults[key]
			def := format(dv)
			switch {
			case dv.Kind() == reflect.Slice:
				kind = "list of names"
				var names []string
				for i := range dv.Len() {
					names = append(names, dv.Index(i).String())
				}
				def = "[" + strings.Join(names, ", ") + "]"
			case dv.Kind() == reflect.Bool:
				kind = "true or false"
			}
			fmt.Fprintf(&b, "| `%s` | %s | `%s` | %s |\n", key, kind, def, strings.ReplaceAll(s.doc, "|", `\|`))
		}
	}
	b.WriteString("\n## The default file\n\nThis is what `seaworthy config default` prints.\n\n```yaml\n")
	if err := WriteConfig(&b, DefaultOptions()); err != nil {
		return err
	}
	b.WriteString("```\n")
	_, err := w.Write(b.Bytes())
	return err
}
