package addon

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/seaworthy-k8s/seaworthy/checks/check"
	"github.com/seaworthy-k8s/seaworthy/cluster/index"
	"github.com/seaworthy-k8s/seaworthy/result"
)

// evalADDON004 judges the cluster-critical add-ons' requests and memory
// limits, after the namespace's Container LimitRange defaults (the index's
// ContainerDefaults, which RES-001 and RES-002 use too).
func evalADDON004(in *check.Input, o *Options) []result.Result {
	var out []result.Result
	critical := criticalAddons(in.Index, o)
	n := len(critical)
	for _, j := range critical {
		d := in.Index.ContainerDefaults(j.w.Namespace)
		note := ""
		if d == nil && check.PartOfCluster(in.Snapshot) {
			note = " (the input holds no LimitRange in " + j.w.Namespace + "; one in the cluster with defaults would fill these in)"
		}
		spec := &j.w.Template.Spec
		var resized map[string]bool
		if j.w.Kind == index.KindDeployment {
			resized = index.NannyResized(spec, j.w.Namespace, j.w.Name)
		}
		if len(resized) == 0 && bestEffort(spec, d) {
			out = append(out, result.New(result.StatusFail, j.w.Ref(), fmt.Sprintf(
				"%s sets no cpu or memory request or limit on any container%s, so its pods are BestEffort, the first the kubelet evicts under node pressure, "+
					"ahead of the workloads that depend on it; set cpu and memory requests and a memory limit on each container.",
				is(j), note), result.Evidence{"addon": j.a.name, "qosClass": string(corev1.PodQOSBestEffort)}))
			continue
		}
		missing := map[string][]string{}
		var parts []string
		for _, c := range index.LongRunningContainers(spec) {
			if resized[c.Name] {
				continue // the addon-resizer writes its requests and limits
			}
			var m []string
			for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
				if set, _ := d.Request(c, r); !set {
					m = append(m, "requests."+string(r))
				}
			}
			if set, _ := d.Limit(c, corev1.ResourceMemory); !set {
				m = append(m, "limits.memory")
			}
			if len(m) > 0 {
				missing[c.Name] = m
				parts = append(parts, fmt.Sprintf("%s lacks %s", c.Name, strings.Join(m, " and ")))
			}
		}
		if len(parts) == 0 {
			continue
		}
		out = append(out, result.New(result.StatusWarn, j.w.Ref(), fmt.Sprintf(
			"In %s, container %s%s: without a request the scheduler places it blind and the kubelet evicts it early under pressure, "+
				"without a memory limit a leak takes its node's memory; set cpu and memory requests and a memory limit on each container.",
			is(j), strings.Join(parts, "; container "), note), result.Evidence{"addon": j.a.name, "missing": missing}))
	}
	switch {
	case n == 0:
		return one(result.StatusNA, "No cluster-critical add-on (CoreDNS, metrics-server, an ingress controller, kube-proxy, a CNI, a CSI driver, cluster-autoscaler) in the add-on namespaces ("+namespaces(o)+" and infrastructure namespaces).")
	case len(out) == 0:
		return one(result.StatusPass, fmt.Sprintf("%s %s cpu and memory requests and a memory limit on every container.",
			count(n, "cluster-critical add-on", "cluster-critical add-ons"), check.Plural(n, "has", "have")))
	}
	return out
}

// bestEffort reports whether a pod of spec is of QoS class BestEffort
// after admission: no container, init containers included, has a cpu or
// memory request or limit (a limit alone defaults the request, so asking
// for the request covers both).
func bestEffort(spec *corev1.PodSpec, d *index.ContainerDefaults) bool {
	for _, cs := range [][]corev1.Container{spec.InitContainers, spec.Containers} {
		for i := range cs {
			for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
				if set, _ := d.Request(&cs[i], r); set {
					return false
				}
			}
		}
	}
	return true
}
