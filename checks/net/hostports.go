package net

import (
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// netBindService is the capability that lets a process bind ports below
// 1024.
const netBindService = "NET_BIND_SERVICE"

// unprivilegedPortSysctl is the namespaced sysctl that lowers the first
// port a process may bind without NET_BIND_SERVICE (default 1024).
const unprivilegedPortSysctl = "net.ipv4.ip_unprivileged_port_start"

// privilege is what a container may do when binding a low port.
type privilege struct {
	// user is the effective runAsUser ("0", "101"), or "" when neither
	// the container nor the pod sets one: the image's default user.
	user string
	// nonRoot is runAsNonRoot: true (the kubelet refuses to start it as 0).
	nonRoot    bool
	privileged bool
	// adds and drops are NET_BIND_SERVICE in capabilities.add, and
	// NET_BIND_SERVICE or ALL in capabilities.drop.
	adds, drops bool
	// dropped is what capabilities.drop names that removes it: "ALL" or
	// "NET_BIND_SERVICE".
	dropped string
	// portStart is the pod's net.ipv4.ip_unprivileged_port_start sysctl,
	// 1024 when unset.
	portStart int
}

// capName is a capability without its optional CAP_ prefix.
func capName(c corev1.Capability) string {
	return strings.TrimPrefix(strings.ToUpper(string(c)), "CAP_")
}

func privilegeOf(spec *corev1.PodSpec, c *corev1.Container) privilege {
	p := privilege{portStart: 1024}
	if ps := spec.SecurityContext; ps != nil {
		if ps.RunAsUser != nil {
			p.user = strconv.FormatInt(*ps.RunAsUser, 10)
		}
		p.nonRoot = ps.RunAsNonRoot != nil && *ps.RunAsNonRoot
		for _, sc := range ps.Sysctls {
			if n, err := strconv.Atoi(sc.Value); sc.Name == unprivilegedPortSysctl && err == nil && !spec.HostNetwork {
				p.portStart = n
			}
		}
	}
	if sc := c.SecurityContext; sc != nil {
		if sc.RunAsUser != nil {
			p.user = strconv.FormatInt(*sc.RunAsUser, 10)
		}
		if sc.RunAsNonRoot != nil {
			p.nonRoot = *sc.RunAsNonRoot
		}
		p.privileged = sc.Privileged != nil && *sc.Privileged
		if caps := sc.Capabilities; caps != nil {
			for _, a := range caps.Add {
				p.adds = p.adds || capName(a) == netBindService || capName(a) == "ALL"
			}
			for _, d := range caps.Drop {
				if n := capName(d); n == netBindService || n == "ALL" {
					p.drops, p.dropped = true, n
				}
			}
		}
	}
	return p
}

// userWords reads "as user 101", "as root (runAsUser 0)", "as a non-root
// user (runAsNonRoot)" or "as the image's default user".
func (p privilege) userWords() string {
	switch {
	case p.user == "0":
		return "as root (runAsUser 0)"
	case p.user != "":
		return "as user " + p.user
	case p.nonRoot:
		return "as the image's non-root user (runAsNonRoot)"
	}
	return "as the image's default user (no runAsUser)"
}

func evalNET006(in *check.Input, _ *Options) []result.Result {
	ctls := ingressControllers(in)
	if len(ctls) == 0 {
		return []result.Result{result.New(result.StatusNA, result.Cluster, "No ingress controller seaworthy recognises runs in the input.", nil)}
	}
	var out []result.Result
	for _, ic := range ctls {
		spec := &ic.w.Template.Spec
		judged := false
		for i := range spec.Containers {
			c := &spec.Containers[i]
			var low []hostPort
			for _, hp := range hostPorts(spec, c) {
				if hp.bound > 0 && hp.bound < 1024 {
					low = append(low, hp)
				}
			}
			if len(low) == 0 {
				continue
			}
			judged = true
			p := privilegeOf(spec, c)
			var bound []string
			for _, hp := range low {
				bound = append(bound, strconv.Itoa(int(hp.bound)))
			}
			ev := ic.evidence()
			ev["container"] = c.Name
			ev["hostPorts"] = hostPortNumbers(low)
			ev["runAsUser"] = p.user
			ev["privileged"] = p.privileged
			ev["netBindService"] = p.adds
			subject := fmt.Sprintf("%s container %s listens on %s %s for the node", ic.what(), c.Name, plural(len(bound), "port", "ports"), andList(bound))
			minPort := low[0].bound
			for _, hp := range low {
				minPort = min(minPort, hp.bound)
			}
			switch {
			case p.privileged:
				out = append(out, result.New(result.StatusWarn, ic.w.Ref(), fmt.Sprintf(
					"%s and runs privileged to bind, with every capability and the host's devices; run it as a non-root user with capabilities drop ALL and add %s instead.",
					subject, netBindService), ev))
			case int(minPort) >= p.portStart:
				out = append(out, result.New(result.StatusPass, ic.w.Ref(), fmt.Sprintf(
					"%s %s; the pod's sysctl %s=%d lets it bind without %s.", subject, p.userWords(), unprivilegedPortSysctl, p.portStart, netBindService), ev))
			case p.drops && !p.adds:
				out = append(out, result.New(result.StatusFail, ic.w.Ref(), fmt.Sprintf(
					"%s %s, but drops %s without adding %s, so it cannot bind a port below 1024 (not even as root) and fails to listen; add %s to capabilities.add.",
					subject, p.userWords(), p.dropped, netBindService, netBindService), ev))
			case p.user == "0":
				out = append(out, result.New(result.StatusWarn, ic.w.Ref(), fmt.Sprintf(
					"%s and runs as root (runAsUser 0) to bind; run it as a non-root user with capabilities drop ALL and add %s, which is all binding needs.",
					subject, netBindService), ev))
			case p.adds:
				out = append(out, result.New(result.StatusPass, ic.w.Ref(), fmt.Sprintf(
					"%s %s with capability %s added.", subject, p.userWords(), netBindService), ev))
			default:
				out = append(out, result.New(result.StatusPass, ic.w.Ref(), fmt.Sprintf(
					"%s %s and keeps the runtime's default capabilities, which include %s; dropping ALL and adding %s back would keep only what binding needs.",
					subject, p.userWords(), netBindService, netBindService), ev))
			}
		}
		if !judged {
			out = append(out, result.New(result.StatusNA, ic.w.Ref(), ic.what()+" binds no port below 1024 for its node (it is not on the host network and any hostPort forwards to a container port of 1024 or above), so binding needs no privilege.", ic.evidence()))
		}
	}
	return out
}
