package index

import (
	"regexp"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Flags maps a long flag name to every value it was given, in order. It is
// the one command-line parser of seaworthy: control-plane static pods,
// kubeadm extraArgs, k3s/rke2 node-args and add-on containers are all read
// through it.
type Flags map[string][]string

// Last returns the flag's last value, as a scalar (pflag) flag takes it.
func (fs Flags) Last(name string) (string, bool) {
	v := fs[name]
	if len(v) == 0 {
		return "", false
	}
	return v[len(v)-1], true
}

// Get returns the flag's last value, or "".
func (fs Flags) Get(name string) string {
	v, _ := fs.Last(name)
	return v
}

// ParseFlags reads --name=value and --name value arguments. A bare --name
// followed by another flag (or nothing) has the value "". Without flags it
// returns nil, which reads as empty.
func ParseFlags(tokens []string) Flags {
	var fs Flags // allocated at the first flag: most command lines have few or none
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
		if fs == nil {
			fs = Flags{}
		}
		fs[name] = append(fs[name], value)
	}
	return fs
}

// CommandTokens returns a container's command and args as arguments. An
// argument that is a whole shell command line (sh -c "…": it does not start
// with "-" and holds whitespace) is split on whitespace and shell
// separators, with quotes trimmed; a flag argument is kept whole, so
// --default-params={"linear": {…}} stays one value.
func CommandTokens(c *corev1.Container) []string {
	var tokens []string
	for _, list := range [][]string{c.Command, c.Args} {
		for _, t := range list {
			if !strings.HasPrefix(t, "-") && strings.ContainsAny(t, " \t\n") {
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

// ContainerFlags returns the flags on a container's command line, with
// $(VAR) references expanded as the kubelet does for literal env values and
// the downward-API pod namespace.
func ContainerFlags(c *corev1.Container, podNamespace string) Flags {
	fs := ParseFlags(CommandTokens(c))
	for name, values := range fs {
		for i, v := range values {
			if strings.Contains(v, "$(") {
				values[i] = envRef.ReplaceAllStringFunc(v, func(ref string) string {
					if v, ok := EnvValue(c, ref[2:len(ref)-1], podNamespace); ok {
						return v
					}
					return ref
				})
			}
		}
		fs[name] = values
	}
	return fs
}

// envRef matches a $(VAR) reference in a container's command or args.
var envRef = regexp.MustCompile(`\$\(([-._a-zA-Z][-._a-zA-Z0-9]*)\)`)

// EnvValue resolves a container env var the way the kubelet expands $(VAR):
// literal values, and the downward-API pod namespace.
func EnvValue(c *corev1.Container, name, podNamespace string) (string, bool) {
	for i := len(c.Env) - 1; i >= 0; i-- {
		e := c.Env[i]
		if e.Name != name {
			continue
		}
		if e.ValueFrom == nil {
			return e.Value, true
		}
		if f := e.ValueFrom.FieldRef; f != nil && f.FieldPath == "metadata.namespace" {
			return podNamespace, true
		}
		return "", false
	}
	return "", false
}

// PodFlags returns the flags of the pod's container named like the
// component (else its first container).
func PodFlags(p *corev1.Pod, component string) Flags {
	cs := p.Spec.Containers
	if len(cs) == 0 {
		return Flags{}
	}
	c := &cs[0]
	for i := range cs {
		if cs[i].Name == component {
			c = &cs[i]
		}
	}
	return ParseFlags(CommandTokens(c))
}

// ComponentArgs returns the "name=value" arguments a k3s/rke2 node passes
// to a component with --kube-apiserver-arg and the like.
func ComponentArgs(args []string, flag string) Flags {
	fs := Flags{}
	for _, v := range ParseFlags(args)[flag] {
		name, value, _ := strings.Cut(strings.TrimPrefix(v, "--"), "=")
		fs[name] = append(fs[name], value)
	}
	return fs
}
