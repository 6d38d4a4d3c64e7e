package addons

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/recommender"
)

// Estimator is the addon-resizer's --estimator: how the node count enters
// the rule.
type Estimator string

const (
	// Linear sizes for the cluster's node count as it is.
	Linear Estimator = "linear"
	// Exponential sizes for the smallest step MinClusterSize × 1.5^k
	// (each step truncated) that is not below the node count, so that the
	// add-on is resized only when the cluster grows by half.
	Exponential Estimator = "exponential"
)

// scaleFactor and stepEpsilon are the exponential estimator's constants in
// the addon-resizer (kubernetes/autoscaler addon-resizer/nanny/estimator.go
// and nanny/main/pod_nanny.go, 1.8 releases): the next step is
// uint64(step × 1.5 + 0.01).
const (
	scaleFactor = 1.5
	stepEpsilon = 0.01
)

// Nanny defaults (addon-resizer nanny/main/pod_nanny.go, 1.8): --threshold
// 0, --minClusterSize 16, --estimator linear, --container pod-nanny.
const (
	DefaultMinClusterSize = 16
	defaultNannyContainer = index.DefaultNannyContainer
)

// Scaling is one resource's rule: Base + PerNode × nodes, as the
// addon-resizer's --cpu/--extra-cpu or --memory/--extra-memory. PerNode
// may be fractional (0.5m of cpu per node).
type Scaling struct {
	Base    resource.Quantity
	PerNode resource.Quantity
}

// at returns Base + PerNode × nodes in the resource's base unit (cores or
// bytes).
func (s Scaling) at(nodes int) float64 {
	return s.Base.AsApproximateFloat64() + s.PerNode.AsApproximateFloat64()*float64(nodes)
}

// Rule is an addon-resizer rule for one container of one add-on.
type Rule struct {
	// Name names the rule in reasons: the add-on ("metrics-server"), a
	// config entry ("config entry 2"), or the nanny container that runs it.
	Name string
	// Source says where the figures come from (a manifest upstream, the
	// config file and line, the nanny's flags).
	Source string
	// CPU and Memory are nil when the rule leaves that resource alone (the
	// nanny monitors only the resources whose base is given).
	CPU, Memory *Scaling
	// Estimator is Linear unless set.
	Estimator Estimator
	// MinClusterSize is the exponential estimator's first step
	// (DefaultMinClusterSize unless set).
	MinClusterSize int
	// ThresholdPercent is the band, in percent of the expected value, within
	// which current settings are kept (the nanny's --threshold, 0..100).
	ThresholdPercent int
	// AcceptanceOffset is set for addon-resizer 2.x (--acceptance-offset,
	// percent of the node count): current settings are kept while they lie
	// between the rule at nodes - floor(nodes × offset/100) and at nodes +
	// ceil(nodes × offset/100). Zero uses ThresholdPercent.
	AcceptanceOffset int
}

// Validate reports a rule the nanny would refuse to run with.
func (r Rule) Validate() error {
	switch {
	case r.CPU == nil && r.Memory == nil:
		return errors.New("sets neither cpu nor memory")
	case r.Estimator != "" && r.Estimator != Linear && r.Estimator != Exponential:
		return fmt.Errorf("estimator %q is not linear or exponential", r.Estimator)
	case r.ThresholdPercent < 0 || r.ThresholdPercent > 100:
		return fmt.Errorf("threshold %d is not in 0..100", r.ThresholdPercent)
	case r.Estimator == Exponential && r.MinClusterSize != 0 && r.MinClusterSize < 2:
		return fmt.Errorf("minClusterSize %d must be greater than 1", r.MinClusterSize)
	case r.AcceptanceOffset < 0:
		return fmt.Errorf("acceptance offset %d is negative", r.AcceptanceOffset)
	}
	return nil
}

// SizedNodes is the node count the rule sizes for: nodes itself (linear),
// or the exponential step MinClusterSize × 1.5^k at or above it.
func (r Rule) SizedNodes(nodes int) int {
	if r.Estimator != Exponential {
		return nodes
	}
	n := uint64(r.MinClusterSize)
	if n == 0 {
		n = DefaultMinClusterSize
	}
	for n < uint64(nodes) {
		n = uint64(float64(n)*scaleFactor + stepEpsilon)
	}
	return int(n)
}

// Expected returns what the rule sets, as both requests and limits (the
// nanny writes the same value to both), for a cluster of nodes; a resource
// the rule leaves alone is 0. CPU is rounded up to a whole millicore and
// memory to a whole byte, as a Quantity rounds when read as such.
func (r Rule) Expected(nodes int) recommender.Amounts {
	n := r.SizedNodes(nodes)
	var a recommender.Amounts
	if r.CPU != nil {
		a.CPUMillis = ceil(r.CPU.at(n) * 1000)
	}
	if r.Memory != nil {
		a.MemoryBytes = ceil(r.Memory.at(n))
	}
	return a
}

// ceil rounds up, ignoring float noise below a millionth.
func ceil(x float64) int64 { return int64(math.Ceil(x - 1e-6)) }

// Explain writes the rule's arithmetic for nodes, one part per resource:
// "addon-resizer linear (x): cpu 40m + 0.5m × 120 nodes = 100m; memory
// 40Mi + 4Mi × 120 nodes = 520Mi"; the exponential estimator first says
// which step the node count was rounded up to.
func (r Rule) Explain(nodes int) string {
	n := r.SizedNodes(nodes)
	head := fmt.Sprintf("addon-resizer linear (%s)", r.Name)
	if r.Estimator == Exponential {
		min := r.MinClusterSize
		if min == 0 {
			min = DefaultMinClusterSize
		}
		head = fmt.Sprintf("addon-resizer exponential (%s), %d nodes rounded up to the step %d of %d × 1.5^k", r.Name, nodes, n, min)
	}
	exp := r.Expected(nodes)
	var parts []string
	if r.CPU != nil {
		parts = append(parts, fmt.Sprintf("cpu %s + %s × %d nodes = %s", cpuString(r.CPU.Base), cpuString(r.CPU.PerNode), n, FormatMillis(exp.CPUMillis)))
	}
	if r.Memory != nil {
		parts = append(parts, fmt.Sprintf("memory %s + %s × %d nodes = %s", r.Memory.Base.String(), r.Memory.PerNode.String(), n, FormatBytes(exp.MemoryBytes)))
	}
	return head + ": " + strings.Join(parts, "; ")
}

// cpuString writes a cpu quantity in millicores, fractions kept: "0.5m".
func cpuString(q resource.Quantity) string {
	return strconv.FormatFloat(float64(q.ScaledValue(resource.Nano))/1e6, 'f', -1, 64) + "m"
}

// FormatMillis writes millicores as a cpu quantity: "100m".
func FormatMillis(m int64) string { return strconv.FormatInt(m, 10) + "m" }

// FormatBytes writes bytes as a memory quantity in the largest binary unit
// that divides them: "104Mi", "1536Ki", "1000".
func FormatBytes(b int64) string {
	for _, u := range []struct {
		suffix string
		size   int64
	}{{"Gi", 1 << 30}, {"Mi", 1 << 20}, {"Ki", 1 << 10}} {
		if b != 0 && b%u.size == 0 {
			return strconv.FormatInt(b/u.size, 10) + u.suffix
		}
	}
	return strconv.FormatInt(b, 10)
}

// Verdict is a rule's judgement of a container's current settings.
type Verdict struct {
	// Expected is what the rule sets (requests and limits alike).
	Expected recommender.Amounts
	// Lower and Upper bound the band kept as it is.
	Lower, Upper recommender.Amounts
	// Within is true when every monitored request and limit is set and in
	// the band; Below lists the settings under the band's lower edge (or
	// unset), Above those over its upper edge, as "requests.cpu".
	Within       bool
	Below, Above []string
}

// Judge applies the nanny's overwrite rule to current settings for a
// cluster of nodes. The 1.x nanny rewrites the container when any
// monitored resource's request or limit is unset or deviates from the
// expected value by more than ThresholdPercent (nanny_lib.go,
// shouldOverwriteResources); the 2.x nanny when it lies outside the
// acceptable range of AcceptanceOffset (estimator.go, AcceptableRange).
func (r Rule) Judge(current recommender.Settings, nodes int) Verdict {
	v := Verdict{Expected: r.Expected(nodes)}
	if r.AcceptanceOffset > 0 {
		lo := nodes + int(math.Floor(float64(nodes)*float64(-r.AcceptanceOffset)/100))
		hi := nodes + int(math.Ceil(float64(nodes)*float64(r.AcceptanceOffset)/100))
		v.Lower, v.Upper = r.Expected(lo), r.Expected(hi)
	} else {
		t := float64(r.ThresholdPercent) / 100
		band := func(x int64, f float64) int64 { return int64(math.Round(float64(x) * f)) }
		v.Lower = recommender.Amounts{CPUMillis: band(v.Expected.CPUMillis, 1-t), MemoryBytes: band(v.Expected.MemoryBytes, 1-t)}
		v.Upper = recommender.Amounts{CPUMillis: band(v.Expected.CPUMillis, 1+t), MemoryBytes: band(v.Expected.MemoryBytes, 1+t)}
	}
	check := func(name string, got, lo, hi int64) {
		switch {
		case got == 0 || got < lo:
			v.Below = append(v.Below, name)
		case got > hi:
			v.Above = append(v.Above, name)
		}
	}
	for _, s := range []struct {
		kind string
		a    recommender.Amounts
	}{{"requests", current.Requests}, {"limits", current.Limits}} {
		if r.CPU != nil {
			check(s.kind+".cpu", s.a.CPUMillis, v.Lower.CPUMillis, v.Upper.CPUMillis)
		}
		if r.Memory != nil {
			check(s.kind+".memory", s.a.MemoryBytes, v.Lower.MemoryBytes, v.Upper.MemoryBytes)
		}
	}
	v.Within = len(v.Below) == 0 && len(v.Above) == 0
	return v
}

// Current reads a container's requests and limits. A request left unset
// reads as its limit, as the API server defaults it.
func Current(c *corev1.Container) recommender.Settings {
	var s recommender.Settings
	if q, ok := c.Resources.Limits[corev1.ResourceCPU]; ok {
		s.Limits.CPUMillis = q.MilliValue()
	}
	if q, ok := c.Resources.Limits[corev1.ResourceMemory]; ok {
		s.Limits.MemoryBytes = q.Value()
	}
	s.Requests = s.Limits
	if q, ok := c.Resources.Requests[corev1.ResourceCPU]; ok {
		s.Requests.CPUMillis = q.MilliValue()
	}
	if q, ok := c.Resources.Requests[corev1.ResourceMemory]; ok {
		s.Requests.MemoryBytes = q.Value()
	}
	return s
}
