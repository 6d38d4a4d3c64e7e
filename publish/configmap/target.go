package configmap

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"

	"github.com/seaworthy-k8s/seaworthy/publish"
)

// Defaults and bounds of the target.
const (
	// DefaultName is the ConfigMap written when --publish configmap names
	// none.
	DefaultName = "seaworthy-report"
	// FieldManager owns every field seaworthy applies.
	FieldManager = "seaworthy"
	// DefaultKeep is the number of reports kept, the latest included.
	DefaultKeep = 3
	// MaxKeep bounds Keep: each kept report is one more object rewritten
	// every run.
	MaxKeep = 10
)

// Labels marks every ConfigMap the target writes.
var Labels = map[string]string{
	"app.kubernetes.io/managed-by": "seaworthy",
	"app.kubernetes.io/name":       "seaworthy",
}

// ParseArg splits the ARG of --publish configmap[:ARG]: "" is the default
// name in the default namespace, "NS/NAME" both given. ns is "" when the
// default namespace applies.
func ParseArg(arg string) (ns, name string, err error) {
	if arg == "" {
		return "", DefaultName, nil
	}
	ns, name, ok := strings.Cut(arg, "/")
	if !ok || ns == "" || name == "" || strings.Contains(name, "/") {
		return "", "", fmt.Errorf("invalid --publish configmap:%s: want NS/NAME, e.g. configmap:seaworthy/%s", arg, DefaultName)
	}
	return ns, name, nil
}

// Validate checks a namespace (if given), a name and a keep count: ns a
// DNS label, name a DNS subdomain short enough that NAME-(keep-1) is one
// too, keep within 1..MaxKeep.
func Validate(ns, name string, keep int) error {
	if keep < 1 || keep > MaxKeep {
		return fmt.Errorf("invalid --keep %d: want 1 to %d reports", keep, MaxKeep)
	}
	if ns != "" {
		if len(ns) > validation.DNS1123LabelMaxLength {
			return fmt.Errorf("invalid --publish configmap namespace %s…: %d characters, over %d", ns[:20], len(ns), validation.DNS1123LabelMaxLength)
		}
		if len(validation.IsDNS1123Label(ns)) > 0 {
			return fmt.Errorf("invalid --publish configmap namespace %q: want lowercase letters, digits and '-', starting and ending with a letter or digit", ns)
		}
	}
	if len(name) > validation.DNS1123SubdomainMaxLength {
		return fmt.Errorf("invalid --publish configmap name %s…: %d characters, over %d", name[:20], len(name), validation.DNS1123SubdomainMaxLength)
	}
	if len(validation.IsDNS1123Subdomain(name)) > 0 {
		return fmt.Errorf("invalid --publish configmap name %q: want lowercase letters, digits, '-' and '.', starting and ending with a letter or digit", name)
	}
	if keep > 1 {
		oldest := slotName(name, keep-1)
		if len(oldest) > validation.DNS1123SubdomainMaxLength {
			return fmt.Errorf("invalid --publish configmap name %q: with --keep %d the oldest report's name %s… is %d characters, over %d",
				name, keep, oldest[:20], len(oldest), validation.DNS1123SubdomainMaxLength)
		}
	}
	return nil
}

// slotName is the ConfigMap of the k-th older report: NAME, NAME-1, …
func slotName(name string, k int) string {
	if k == 0 {
		return name
	}
	return name + "-" + strconv.Itoa(k)
}

// Options say where the target publishes.
type Options struct {
	// Namespace is the ConfigMaps' namespace; "" takes the one Connect
	// returns.
	Namespace string
	// Name is the latest report's ConfigMap (DefaultName when "").
	Name string
	// Keep is the number of reports kept (DefaultKeep when 0).
	Keep int
	// Limits bound the payload (DefaultLimits when zero).
	Limits Limits
}

// Connect returns the client to write with and the namespace to use when
// Options.Namespace is "". It is called once, when publishing starts.
type Connect func() (client corev1client.ConfigMapsGetter, defaultNamespace string, err error)

// Target publishes reports to ConfigMaps. It implements publish.Target.
type Target struct {
	opts    Options
	connect Connect
	ns      string
}

// New returns a target for o, connecting with connect when it publishes.
func New(o Options, connect Connect) *Target {
	if o.Name == "" {
		o.Name = DefaultName
	}
	if o.Keep == 0 {
		o.Keep = DefaultKeep
	}
	if o.Limits == (Limits{}) {
		o.Limits = DefaultLimits
	}
	return &Target{opts: o, connect: connect, ns: o.Namespace}
}

// Name names the target: "configmap NS/NAME", or "configmap NAME" while
// the default namespace is not yet known.
func (t *Target) Name() string {
	if t.ns == "" {
		return "configmap " + t.opts.Name
	}
	return "configmap " + t.ns + "/" + t.opts.Name
}

// Publish encodes run, shifts the kept reports one older and writes run's
// to NAME. See the package documentation for what a failure leaves.
func (t *Target) Publish(ctx context.Context, run *publish.Run) error {
	client, defNS, err := t.connect()
	if err != nil {
		return err
	}
	if t.ns == "" {
		if defNS == "" {
			return errors.New("choose a namespace: none is known; give --publish configmap:NS/NAME")
		}
		t.ns = defNS
	}
	p, err := Encode(run, t.opts.Limits)
	if err != nil {
		return err
	}
	cms := client.ConfigMaps(t.ns)
	// Read every slot first: the copies need the older contents and each
	// write its slot's resourceVersion.
	slots := make([]*corev1.ConfigMap, t.opts.Keep)
	for k := range slots {
		name := slotName(t.opts.Name, k)
		cm, err := cms.Get(ctx, name, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
		case err != nil:
			return fmt.Errorf("read configmap %s/%s: %w", t.ns, name, err)
		default:
			slots[k] = cm
		}
	}
	// Oldest first: slot k is overwritten only once its report is in k+1,
	// so NAME, written last, is never lost.
	for k := t.opts.Keep - 2; k >= 0; k-- {
		if slots[k] == nil {
			continue
		}
		dst := slotName(t.opts.Name, k+1)
		if err := t.apply(ctx, cms, dst, keptPayload(slots[k]), slots[k+1]); err != nil {
			return fmt.Errorf("keep the report of configmap %s/%s in %s: %w", t.ns, slots[k].Name, dst, err)
		}
	}
	if err := t.apply(ctx, cms, t.opts.Name, p, slots[0]); err != nil {
		return fmt.Errorf("write configmap %s/%s: %w", t.ns, t.opts.Name, err)
	}
	return nil
}

// keptPayload is the part of a ConfigMap seaworthy wrote: its report and
// summary keys and its annotations; anything else there is someone else's.
func keptPayload(cm *corev1.ConfigMap) *Payload {
	p := &Payload{Data: map[string]string{}, BinaryData: map[string][]byte{}, Annotations: map[string]string{}}
	for _, k := range []string{KeyReport, KeySummary} {
		if v, ok := cm.Data[k]; ok {
			p.Data[k] = v
		}
	}
	if v, ok := cm.BinaryData[KeyReportGzip]; ok {
		p.BinaryData[KeyReportGzip] = v
	}
	for k, v := range cm.Annotations {
		if strings.HasPrefix(k, "seaworthy.io/") {
			p.Annotations[k] = v
		}
	}
	return p
}

// apply writes p to ConfigMap name by server-side apply, forced, and only
// if the object is still the one read (prev; nil when there was none).
func (t *Target) apply(ctx context.Context, cms corev1client.ConfigMapInterface, name string, p *Payload, prev *corev1.ConfigMap) error {
	ac := corev1ac.ConfigMap(name, t.ns).WithLabels(Labels).WithAnnotations(p.Annotations)
	if len(p.Data) > 0 {
		ac.WithData(p.Data)
	}
	if len(p.BinaryData) > 0 {
		ac.WithBinaryData(p.BinaryData)
	}
	if prev != nil {
		ac.WithResourceVersion(prev.ResourceVersion)
	}
	_, err := cms.Apply(ctx, ac, metav1.ApplyOptions{FieldManager: FieldManager, Force: true})
	if apierrors.IsConflict(err) {
		return fmt.Errorf("it changed since it was read (another run publishing at the same time?): %w", err)
	}
	return err
}
