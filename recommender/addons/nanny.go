package addons

import (
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/seaworthy-k8s/seaworthy/cluster/index"
)

// Nanny is an addon-resizer container found in a pod template, with the
// rule its flags give and what it resizes.
type Nanny struct {
	// Container is the nanny container's name.
	Container string
	// Namespace, Deployment and Target name the container it resizes
	// (--namespace, default the nanny's own; --deployment; --container,
	// default pod-nanny).
	Namespace, Deployment, Target string
	// Rule is its sizing rule; Err says why the flags give none (a
	// template placeholder left in, an unparsable quantity).
	Rule Rule
	Err  error
}

// IsNanny reports whether a container runs the addon-resizer
// (index.IsNanny).
func IsNanny(c *corev1.Container) bool { return index.IsNanny(c) }

// imageName is an image reference's last path element without tag or
// digest (index.ImageName): "registry.k8s.io/autoscaling/addon-resizer:1.8.14"
// is "addon-resizer".
func imageName(image string) string { return index.ImageName(image) }

// ReadNanny reads a nanny container's flags (as index.ContainerFlags reads
// them) in a pod of namespace podNamespace.
func ReadNanny(c *corev1.Container, podNamespace string) Nanny {
	fs := index.ContainerFlags(c, podNamespace)
	n := Nanny{Container: c.Name, Namespace: fs.Get("namespace"), Deployment: fs.Get("deployment"), Target: fs.Get("container")}
	if n.Namespace == "" {
		n.Namespace, _ = index.EnvValue(c, "MY_POD_NAMESPACE", podNamespace)
	}
	if n.Namespace == "" {
		n.Namespace = podNamespace
	}
	if n.Target == "" {
		n.Target = defaultNannyContainer
	}
	r := Rule{Name: "nanny container " + c.Name, Source: "flags of the addon-resizer container " + c.Name, Estimator: Linear}
	var err error
	scaling := func(base, extra string) *Scaling {
		b, okB := fs.Last(base)
		if !okB || err != nil {
			return nil
		}
		s := &Scaling{}
		if s.Base, err = quantity(base, b); err != nil {
			return nil
		}
		e, _ := fs.Last(extra)
		if e == "" {
			e = "0"
		}
		if s.PerNode, err = quantity(extra, e); err != nil {
			return nil
		}
		return s
	}
	r.CPU = scaling("cpu", "extra-cpu")
	r.Memory = scaling("memory", "extra-memory")
	if v, ok := fs.Last("estimator"); ok && err == nil {
		r.Estimator = Estimator(v)
	}
	if v, ok := fs.Last("minClusterSize"); ok && err == nil {
		r.MinClusterSize, err = integer("minClusterSize", v)
	}
	if v, ok := fs.Last("threshold"); ok && err == nil {
		r.ThresholdPercent, err = integer("threshold", v)
	}
	if v, ok := fs.Last("acceptance-offset"); ok && err == nil {
		r.AcceptanceOffset, err = integer("acceptance-offset", v)
	}
	if err == nil && r.Estimator == Exponential && r.MinClusterSize == 0 {
		r.MinClusterSize = DefaultMinClusterSize
	}
	if err == nil {
		err = r.Validate()
	}
	if err == nil && n.Deployment == "" {
		err = fmt.Errorf("has no --deployment, which the addon-resizer requires")
	}
	n.Rule, n.Err = r, err
	return n
}

// quantity parses a flag's resource quantity; a template placeholder left
// unrendered ("{{ base_metrics_server_cpu }}") is reported as such.
func quantity(flag, v string) (resource.Quantity, error) {
	if strings.Contains(v, "{{") {
		return resource.Quantity{}, fmt.Errorf("--%s is the unrendered template %q", flag, v)
	}
	q, err := resource.ParseQuantity(v)
	if err != nil {
		return q, fmt.Errorf("--%s=%s is not a quantity", flag, v)
	}
	return q, nil
}

func integer(flag, v string) (int, error) {
	if strings.Contains(v, "{{") {
		return 0, fmt.Errorf("--%s is the unrendered template %q", flag, v)
	}
	i, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("--%s=%s is not a whole number", flag, v)
	}
	return i, nil
}
